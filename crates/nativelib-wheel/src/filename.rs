//! Wheel filenames (PEP 427, PEP 491): parsing, tags, the derived `.dist-info` and `.data`
//! directory names, and PEP 503 project-name normalization.

use std::fmt;
use std::str::FromStr;

use crate::Error;

/// A parsed wheel filename:
/// `{name}-{version}(-{build tag})?-{python tags}-{abi tags}-{platform tags}.whl`.
///
/// Each tag part may be a compressed tag set (`manylinux_2_17_x86_64.manylinux2014_x86_64`),
/// which is split on `.`. [`Display`](fmt::Display) writes the filename back unchanged.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct WheelFilename {
    /// The distribution name as written in the filename (`-` escaped to `_`).
    pub name: String,
    /// The version as written in the filename.
    pub version: String,
    /// The optional build tag (starts with a digit).
    pub build_tag: Option<String>,
    /// Python tags (`cp311`, `py3`, `cp313t`).
    pub python_tags: Vec<String>,
    /// ABI tags (`cp311`, `abi3`, `none`).
    pub abi_tags: Vec<String>,
    /// Platform tags (`manylinux_2_17_x86_64`, `any`).
    pub platform_tags: Vec<String>,
}

impl WheelFilename {
    /// The `.dist-info` directory the filename calls for: `numpy-2.1.3.dist-info`.
    pub fn dist_info_dir(&self) -> String {
        format!("{}-{}.dist-info", self.name, self.version)
    }

    /// The `.data` directory the filename calls for: `numpy-2.1.3.data`.
    pub fn data_dir(&self) -> String {
        format!("{}-{}.data", self.name, self.version)
    }

    /// A copy with the platform tags replaced (Python and ABI tags are kept as they are).
    pub fn with_platform_tags(&self, platform_tags: Vec<String>) -> WheelFilename {
        WheelFilename {
            platform_tags,
            ..self.clone()
        }
    }

    /// The PEP 503 normalized project name (`scikit_learn` -> `scikit-learn`).
    pub fn normalized_name(&self) -> String {
        normalize_name(&self.name)
    }

    /// Every `{python}-{abi}-{platform}` tag the compressed tag sets stand for, in filename order:
    /// the values for the WHEEL file's `Tag:` fields.
    pub fn expanded_tags(&self) -> Vec<String> {
        let mut tags = Vec::new();
        for python in &self.python_tags {
            for abi in &self.abi_tags {
                for platform in &self.platform_tags {
                    tags.push(format!("{python}-{abi}-{platform}"));
                }
            }
        }
        tags
    }
}

/// Normalizes a project name per PEP 503: lowercase, runs of `-`, `_` and `.` become one `-`.
pub fn normalize_name(name: &str) -> String {
    let mut normalized = String::with_capacity(name.len());
    let mut in_separator_run = false;
    for character in name.chars() {
        if matches!(character, '-' | '_' | '.') {
            if !in_separator_run {
                normalized.push('-');
            }
            in_separator_run = true;
        } else {
            normalized.extend(character.to_lowercase());
            in_separator_run = false;
        }
    }
    normalized
}

impl FromStr for WheelFilename {
    type Err = Error;

    fn from_str(filename: &str) -> Result<Self, Self::Err> {
        let invalid = |reason: &str| Error::InvalidFilename {
            filename: filename.to_string(),
            reason: reason.to_string(),
        };
        let stem = filename
            .strip_suffix(".whl")
            .ok_or_else(|| invalid("it does not end in `.whl`"))?;
        let parts: Vec<&str> = stem.split('-').collect();
        let (name, version, build_tag, python, abi, platform) = match parts.as_slice() {
            [name, version, python, abi, platform] => {
                (*name, *version, None, *python, *abi, *platform)
            }
            [name, version, build, python, abi, platform] => {
                (*name, *version, Some(*build), *python, *abi, *platform)
            }
            _ => {
                return Err(invalid(
                    "expected 5 or 6 `-`-separated parts: \
                     name, version, optional build tag, python tag, ABI tag, platform tag",
                ))
            }
        };
        if !is_valid_name(name) {
            return Err(invalid(
                "the name must be letters, digits, `_` and `.`, starting and ending with a letter or digit",
            ));
        }
        if !is_valid_version(version) {
            return Err(invalid(
                "the version must start with a digit and contain only letters, digits, `.`, `_`, `+` and `!`",
            ));
        }
        if let Some(build) = build_tag {
            if !is_valid_build_tag(build) {
                return Err(invalid(
                    "the build tag must start with a digit and contain only letters, digits, `_` and `.`",
                ));
            }
        }
        Ok(WheelFilename {
            name: name.to_string(),
            version: version.to_string(),
            build_tag: build_tag.map(str::to_string),
            python_tags: parse_tag_set(python).ok_or_else(|| invalid("invalid python tag"))?,
            abi_tags: parse_tag_set(abi).ok_or_else(|| invalid("invalid ABI tag"))?,
            platform_tags: parse_tag_set(platform)
                .ok_or_else(|| invalid("invalid platform tag"))?,
        })
    }
}

impl fmt::Display for WheelFilename {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "{}-{}", self.name, self.version)?;
        if let Some(build_tag) = &self.build_tag {
            write!(formatter, "-{build_tag}")?;
        }
        write!(
            formatter,
            "-{}-{}-{}.whl",
            self.python_tags.join("."),
            self.abi_tags.join("."),
            self.platform_tags.join(".")
        )
    }
}

/// Splits a compressed tag set on `.`; `None` if any tag is empty or has characters other than
/// ASCII letters, digits and `_`.
fn parse_tag_set(tag_set: &str) -> Option<Vec<String>> {
    tag_set
        .split('.')
        .map(|tag| {
            let valid = !tag.is_empty()
                && tag
                    .bytes()
                    .all(|byte| byte.is_ascii_alphanumeric() || byte == b'_');
            valid.then(|| tag.to_string())
        })
        .collect()
}

fn is_valid_name(name: &str) -> bool {
    let bytes = name.as_bytes();
    match (bytes.first(), bytes.last()) {
        (Some(first), Some(last)) => {
            first.is_ascii_alphanumeric()
                && last.is_ascii_alphanumeric()
                && bytes
                    .iter()
                    .all(|byte| byte.is_ascii_alphanumeric() || matches!(byte, b'_' | b'.'))
        }
        _ => false,
    }
}

fn is_valid_version(version: &str) -> bool {
    version.as_bytes().first().is_some_and(u8::is_ascii_digit)
        && version
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || matches!(byte, b'.' | b'_' | b'+' | b'!'))
}

fn is_valid_build_tag(build_tag: &str) -> bool {
    build_tag.as_bytes().first().is_some_and(u8::is_ascii_digit)
        && build_tag
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || matches!(byte, b'_' | b'.'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(filename: &str) -> WheelFilename {
        filename.parse().unwrap()
    }

    #[test]
    fn parses_manylinux_compressed_tag_set() {
        let filename = "numpy-2.1.3-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl";
        let parsed = parse(filename);
        assert_eq!(parsed.name, "numpy");
        assert_eq!(parsed.version, "2.1.3");
        assert_eq!(parsed.build_tag, None);
        assert_eq!(parsed.python_tags, ["cp311"]);
        assert_eq!(parsed.abi_tags, ["cp311"]);
        assert_eq!(
            parsed.platform_tags,
            ["manylinux_2_17_x86_64", "manylinux2014_x86_64"]
        );
        assert_eq!(parsed.to_string(), filename);
        assert_eq!(parsed.dist_info_dir(), "numpy-2.1.3.dist-info");
        assert_eq!(parsed.data_dir(), "numpy-2.1.3.data");
        assert_eq!(
            parsed.expanded_tags(),
            [
                "cp311-cp311-manylinux_2_17_x86_64",
                "cp311-cp311-manylinux2014_x86_64"
            ]
        );
    }

    #[test]
    fn parses_build_tag() {
        let filename = "foo-1.0-1b2-py2.py3-none-any.whl";
        let parsed = parse(filename);
        assert_eq!(parsed.build_tag.as_deref(), Some("1b2"));
        assert_eq!(parsed.python_tags, ["py2", "py3"]);
        assert_eq!(parsed.abi_tags, ["none"]);
        assert_eq!(parsed.platform_tags, ["any"]);
        assert_eq!(parsed.to_string(), filename);
        assert_eq!(parsed.expanded_tags(), ["py2-none-any", "py3-none-any"]);
    }

    #[test]
    fn keeps_free_threaded_and_stable_abi_tags() {
        let free_threaded = parse("numpy-2.2.0-cp313-cp313t-manylinux_2_17_x86_64.whl");
        assert_eq!(free_threaded.abi_tags, ["cp313t"]);
        let stable_abi = parse("cryptography-43.0.0-cp39-abi3-manylinux_2_28_x86_64.whl");
        assert_eq!(stable_abi.abi_tags, ["abi3"]);
        let relinked = free_threaded.with_platform_tags(vec!["manylinux_2_27_x86_64".into()]);
        assert_eq!(
            relinked.to_string(),
            "numpy-2.2.0-cp313-cp313t-manylinux_2_27_x86_64.whl"
        );
        assert_eq!(relinked.python_tags, ["cp313"]);
    }

    #[test]
    fn parses_local_and_epoch_versions() {
        let parsed = parse("torch-2.5.1+cpu-cp311-cp311-linux_x86_64.whl");
        assert_eq!(parsed.version, "2.5.1+cpu");
        assert_eq!(parsed.dist_info_dir(), "torch-2.5.1+cpu.dist-info");
        assert_eq!(parse("a-1!2.0-py3-none-any.whl").version, "1!2.0");
    }

    #[test]
    fn normalizes_names() {
        assert_eq!(normalize_name("scikit_learn"), "scikit-learn");
        assert_eq!(normalize_name("Scipy_OpenBLAS64"), "scipy-openblas64");
        assert_eq!(normalize_name("a.-_b"), "a-b");
        assert_eq!(
            parse("scikit_learn-1.5.2-cp311-cp311-manylinux_2_17_x86_64.whl").normalized_name(),
            "scikit-learn"
        );
    }

    #[test]
    fn rejects_invalid_filenames() {
        for (filename, reason_part) in [
            ("numpy-2.1.3-cp311-cp311-manylinux_2_17_x86_64.zip", ".whl"),
            ("numpy-2.1.3-cp311-manylinux_2_17_x86_64.whl", "5 or 6"),
            (
                "scikit-learn-1.5.2-2-cp311-cp311-linux_x86_64.whl",
                "5 or 6",
            ),
            ("-1.0-py3-none-any.whl", "name"),
            ("foo_-1.0-py3-none-any.whl", "name"),
            ("foo-1.0-abc-py3-none-any.whl", "build tag"),
            ("foo--py3-none-any.whl", "version"),
            ("demo-pkg-1.0-cp311-cp311-linux_x86_64.whl", "version"),
            ("foo-1.0-py3..py2-none-any.whl", "python tag"),
            ("foo-1.0-py3-none-.whl", "platform tag"),
            ("foo-1.0-py3-no ne-any.whl", "ABI tag"),
            (".whl", "5 or 6"),
        ] {
            let error = filename.parse::<WheelFilename>().unwrap_err();
            let message = error.to_string();
            assert!(
                matches!(error, Error::InvalidFilename { .. }),
                "{filename}: {message}"
            );
            assert!(message.contains(filename), "{message}");
            assert!(message.contains(reason_part), "{filename}: {message}");
        }
    }
}
