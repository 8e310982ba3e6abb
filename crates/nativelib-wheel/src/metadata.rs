//! The two email-header files of a `.dist-info` directory: METADATA (core metadata) and WHEEL.

use std::fmt;

use crate::{Error, HeaderFields};

/// A wheel's `METADATA` file (core metadata), with typed access to the fields this tool uses.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CoreMetadata(pub HeaderFields);

impl CoreMetadata {
    /// Parses METADATA text.
    pub fn parse(text: &str) -> Result<CoreMetadata, Error> {
        HeaderFields::parse(text).map(CoreMetadata)
    }

    /// The `Metadata-Version` field.
    pub fn metadata_version(&self) -> Option<&str> {
        self.0.get("Metadata-Version")
    }

    /// The `Name` field (the project name as the author spells it).
    pub fn name(&self) -> Option<&str> {
        self.0.get("Name")
    }

    /// The `Version` field.
    pub fn version(&self) -> Option<&str> {
        self.0.get("Version")
    }

    /// Every `Requires-Dist` requirement, in file order.
    pub fn requires_dist(&self) -> Vec<&str> {
        self.0.get_all("Requires-Dist")
    }

    /// Adds a `Requires-Dist` requirement after the existing ones (at the end of the fields if
    /// there are none). Adding a requirement that is already listed verbatim changes nothing.
    pub fn add_requires_dist(&mut self, requirement: &str) {
        if self.requires_dist().contains(&requirement) {
            return;
        }
        let after_last_requirement = self
            .0
            .fields()
            .iter()
            .rposition(|(name, _)| name.eq_ignore_ascii_case("Requires-Dist"))
            .map_or(self.0.fields().len(), |index| index + 1);
        self.0
            .insert(after_last_requirement, "Requires-Dist", requirement);
    }
}

impl fmt::Display for CoreMetadata {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(formatter)
    }
}

/// A wheel's `WHEEL` file: format version, generator, purelib flag and tags.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WheelFile(pub HeaderFields);

impl WheelFile {
    /// Parses WHEEL text.
    pub fn parse(text: &str) -> Result<WheelFile, Error> {
        HeaderFields::parse(text).map(WheelFile)
    }

    /// The `Wheel-Version` field (`1.0`).
    pub fn wheel_version(&self) -> Option<&str> {
        self.0.get("Wheel-Version")
    }

    /// Every `Tag` field (`cp311-cp311-manylinux_2_17_x86_64`), in file order.
    pub fn tags(&self) -> Vec<&str> {
        self.0.get_all("Tag")
    }

    /// Replaces the `Tag` fields with `tags`, where the first old one was (or at the end).
    pub fn set_tags(&mut self, tags: &[String]) {
        let position = self
            .0
            .fields()
            .iter()
            .position(|(name, _)| name.eq_ignore_ascii_case("Tag"));
        self.0.remove_all("Tag");
        let start = position.unwrap_or(self.0.fields().len());
        for (offset, tag) in tags.iter().enumerate() {
            self.0.insert(start + offset, "Tag", tag.as_str());
        }
    }

    /// Whether `Root-Is-Purelib` is `true` (the wheel root installs into purelib, else platlib).
    pub fn root_is_purelib(&self) -> bool {
        self.0
            .get("Root-Is-Purelib")
            .is_some_and(|value| value.trim().eq_ignore_ascii_case("true"))
    }
}

impl fmt::Display for WheelFile {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(formatter)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const METADATA: &str = "Metadata-Version: 2.1\n\
                            Name: scipy\n\
                            Version: 1.14.1\n\
                            Requires-Python: >=3.10\n\
                            Requires-Dist: numpy<2.3,>=1.23.5\n\
                            Requires-Dist: pytest; extra == \"test\"\n\
                            Provides-Extra: test\n\
                            Description-Content-Type: text/markdown\n\
                            \n\
                            SciPy (pronounced \"Sigh Pie\")\n";

    #[test]
    fn reads_core_metadata_fields() {
        let metadata = CoreMetadata::parse(METADATA).unwrap();
        assert_eq!(metadata.metadata_version(), Some("2.1"));
        assert_eq!(metadata.name(), Some("scipy"));
        assert_eq!(metadata.version(), Some("1.14.1"));
        assert_eq!(
            metadata.requires_dist(),
            ["numpy<2.3,>=1.23.5", "pytest; extra == \"test\""]
        );
        assert_eq!(metadata.to_string(), METADATA);
    }

    #[test]
    fn adds_requires_dist_after_existing_ones_once() {
        let mut metadata = CoreMetadata::parse(METADATA).unwrap();
        metadata.add_requires_dist("scipy-openblas32>=0.3.27");
        metadata.add_requires_dist("scipy-openblas32>=0.3.27");
        let text = metadata.to_string();
        assert!(text.contains(
            "Requires-Dist: pytest; extra == \"test\"\n\
             Requires-Dist: scipy-openblas32>=0.3.27\n\
             Provides-Extra: test\n"
        ));
        assert_eq!(metadata.requires_dist().len(), 3);
        assert!(text.ends_with("\n\nSciPy (pronounced \"Sigh Pie\")\n"));

        let mut bare = CoreMetadata::parse("Name: a\nVersion: 1\n").unwrap();
        bare.add_requires_dist("b");
        assert_eq!(bare.to_string(), "Name: a\nVersion: 1\nRequires-Dist: b\n");
    }

    #[test]
    fn reads_and_replaces_wheel_tags() {
        let text = "Wheel-Version: 1.0\n\
                    Generator: meson\n\
                    Root-Is-Purelib: false\n\
                    Tag: cp311-cp311-manylinux_2_17_x86_64\n\
                    Tag: cp311-cp311-manylinux2014_x86_64\n\
                    Build: 1\n";
        let mut wheel = WheelFile::parse(text).unwrap();
        assert_eq!(wheel.wheel_version(), Some("1.0"));
        assert!(!wheel.root_is_purelib());
        assert_eq!(
            wheel.tags(),
            [
                "cp311-cp311-manylinux_2_17_x86_64",
                "cp311-cp311-manylinux2014_x86_64"
            ]
        );
        assert_eq!(wheel.to_string(), text);
        wheel.set_tags(&["cp311-cp311-manylinux_2_27_x86_64".to_string()]);
        assert_eq!(
            wheel.to_string(),
            "Wheel-Version: 1.0\n\
             Generator: meson\n\
             Root-Is-Purelib: false\n\
             Tag: cp311-cp311-manylinux_2_27_x86_64\n\
             Build: 1\n"
        );
        let pure = WheelFile::parse("Wheel-Version: 1.0\nRoot-Is-Purelib: True\n").unwrap();
        assert!(pure.root_is_purelib());
        let mut untagged = pure.clone();
        untagged.set_tags(&["py3-none-any".to_string()]);
        assert_eq!(untagged.tags(), ["py3-none-any"]);
    }
}
