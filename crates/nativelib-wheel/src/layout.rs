//! Which entry names a wheel may contain: safe relative paths, one `.dist-info` directory that
//! matches the filename, and a `.data` directory holding only the install schemes.

use crate::{normalize_name, Error, WheelFilename};

/// The directories a wheel's `.data` directory may contain.
pub const DATA_SCHEMES: [&str; 5] = ["purelib", "platlib", "headers", "scripts", "data"];

/// Rejects names that are absolute, contain backslashes, or have `..`, `.` or empty components.
/// A trailing `/` (a directory entry) is allowed.
pub(crate) fn check_entry_path(name: &str) -> Result<(), Error> {
    let error_name = || name.to_string();
    let bytes = name.as_bytes();
    let has_drive_letter = bytes.len() >= 2 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':';
    if name.starts_with('/') || has_drive_letter {
        return Err(Error::AbsolutePath { name: error_name() });
    }
    if name.contains('\\') {
        return Err(Error::Backslash { name: error_name() });
    }
    let path = name.strip_suffix('/').unwrap_or(name);
    if path.split('/').any(|component| component == "..") {
        return Err(Error::ParentComponent { name: error_name() });
    }
    if path
        .split('/')
        .any(|component| component.is_empty() || component == ".")
    {
        return Err(Error::NonCanonicalPath { name: error_name() });
    }
    Ok(())
}

/// The `.dist-info` and `.data` directory names of a wheel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Layout {
    /// The `.dist-info` directory, as spelled in the archive.
    pub(crate) dist_info_dir: String,
    /// The `.data` directory the wheel may have (same stem as the `.dist-info` directory).
    pub(crate) data_dir: String,
}

impl Layout {
    /// The layout for a `.dist-info` directory name.
    pub(crate) fn for_dist_info_dir(dist_info_dir: &str) -> Layout {
        let stem = dist_info_dir
            .strip_suffix(".dist-info")
            .unwrap_or(dist_info_dir);
        Layout {
            dist_info_dir: dist_info_dir.to_string(),
            data_dir: format!("{stem}.data"),
        }
    }

    /// Finds the wheel's `.dist-info` directory among `names`: the one spelled as the filename
    /// says, else the first whose name normalizes to the filename's project and whose version
    /// matches. Fails if there is none.
    pub(crate) fn find<'a>(
        filename: &WheelFilename,
        names: impl Iterator<Item = &'a str> + Clone,
    ) -> Result<Layout, Error> {
        let expected = filename.dist_info_dir();
        let candidates = names.filter_map(|name| {
            let (top_level, _) = name.split_once('/')?;
            top_level
                .ends_with(".dist-info")
                .then_some((name, top_level))
        });
        let chosen = candidates
            .clone()
            .find(|(_, directory)| *directory == expected)
            .or_else(|| {
                candidates
                    .clone()
                    .find(|(_, directory)| dist_info_matches(directory, filename))
            });
        match chosen {
            Some((_, directory)) => Ok(Layout::for_dist_info_dir(directory)),
            None => match candidates.clone().next() {
                Some((name, _)) => Err(Error::UnexpectedDistInfo {
                    name: name.to_string(),
                    expected,
                }),
                None => Err(Error::MissingDistInfoFile {
                    name: format!("{expected}/METADATA"),
                }),
            },
        }
    }

    /// Rejects an entry in another `.dist-info` or `.data` directory, or in `.data/` outside
    /// the install schemes.
    pub(crate) fn check_entry(&self, name: &str) -> Result<(), Error> {
        let Some((top_level, rest)) = name.split_once('/') else {
            return Ok(());
        };
        if top_level.ends_with(".dist-info") && top_level != self.dist_info_dir {
            return Err(Error::UnexpectedDistInfo {
                name: name.to_string(),
                expected: self.dist_info_dir.clone(),
            });
        }
        if top_level == self.data_dir {
            if rest.is_empty() {
                return Ok(());
            }
            let scheme = rest.split('/').next().unwrap_or(rest);
            let is_file_at_data_root = !rest.contains('/');
            if is_file_at_data_root || !DATA_SCHEMES.contains(&scheme) {
                return Err(Error::UnknownDataScheme {
                    name: name.to_string(),
                    scheme: scheme.to_string(),
                });
            }
        } else if let Some(stem) = top_level.strip_suffix(".data") {
            // Only `{name}-{version}.data` looks like another distribution's data directory.
            if stem.contains('-') {
                return Err(Error::UnexpectedDataDir {
                    name: name.to_string(),
                    expected: self.data_dir.clone(),
                });
            }
        }
        Ok(())
    }
}

/// Whether a `.dist-info` directory name stands for the filename's project and version.
fn dist_info_matches(directory: &str, filename: &WheelFilename) -> bool {
    let Some((name, version)) = directory
        .strip_suffix(".dist-info")
        .and_then(|stem| stem.rsplit_once('-'))
    else {
        return false;
    };
    normalize_name(name) == filename.normalized_name()
        && version.eq_ignore_ascii_case(&filename.version)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_wheels::IsExpected;

    #[test]
    fn checks_entry_paths() {
        for name in [
            "a.py",
            "pkg/",
            "pkg/sub/mod.py",
            "pkg/..hidden",
            "pkg/.libs/x.so",
        ] {
            check_entry_path(name).unwrap();
        }
        let cases: [(&str, IsExpected); 9] = [
            ("/etc/passwd", |e| matches!(e, Error::AbsolutePath { .. })),
            ("C:/x", |e| matches!(e, Error::AbsolutePath { .. })),
            ("pkg\\mod.py", |e| matches!(e, Error::Backslash { .. })),
            ("../x", |e| matches!(e, Error::ParentComponent { .. })),
            ("pkg/../../x", |e| {
                matches!(e, Error::ParentComponent { .. })
            }),
            ("pkg/..", |e| matches!(e, Error::ParentComponent { .. })),
            ("pkg//x", |e| matches!(e, Error::NonCanonicalPath { .. })),
            ("./x", |e| matches!(e, Error::NonCanonicalPath { .. })),
            ("", |e| matches!(e, Error::NonCanonicalPath { .. })),
        ];
        for (name, is_expected) in cases {
            let error = check_entry_path(name).unwrap_err();
            assert!(is_expected(&error), "{name}: {error}");
            assert!(error.to_string().contains(&format!("`{name}`")), "{error}");
        }
    }

    fn filename() -> WheelFilename {
        "scikit_learn-1.5.2-cp311-cp311-linux_x86_64.whl"
            .parse()
            .unwrap()
    }

    #[test]
    fn finds_dist_info_by_exact_or_normalized_name() {
        let names = [
            "sklearn/__init__.py",
            "scikit_learn-1.5.2.dist-info/METADATA",
        ];
        let layout = Layout::find(&filename(), names.into_iter()).unwrap();
        assert_eq!(layout.dist_info_dir, "scikit_learn-1.5.2.dist-info");
        assert_eq!(layout.data_dir, "scikit_learn-1.5.2.data");

        let names = ["Scikit.Learn-1.5.2.dist-info/METADATA"];
        let layout = Layout::find(&filename(), names.into_iter()).unwrap();
        assert_eq!(layout.dist_info_dir, "Scikit.Learn-1.5.2.dist-info");

        let names = ["other-1.0.dist-info/METADATA"];
        let error = Layout::find(&filename(), names.into_iter()).unwrap_err();
        assert!(
            matches!(&error, Error::UnexpectedDistInfo { name, expected }
                if name == "other-1.0.dist-info/METADATA" && expected == "scikit_learn-1.5.2.dist-info"),
            "{error}"
        );
        let error = Layout::find(&filename(), ["sklearn/x.py"].into_iter()).unwrap_err();
        assert!(
            matches!(&error, Error::MissingDistInfoFile { name } if name == "scikit_learn-1.5.2.dist-info/METADATA"),
            "{error}"
        );
    }

    #[test]
    fn checks_entries_against_layout() {
        let layout = Layout::for_dist_info_dir("foo-1.0.dist-info");
        for name in [
            "foo/x.py",
            "foo-1.0.dist-info/licenses/LICENSE",
            "foo-1.0.data/",
            "foo-1.0.data/data/",
            "foo-1.0.data/purelib/foo/x.py",
            "foo-1.0.data/platlib/x.so",
            "foo-1.0.data/headers/x.h",
            "foo-1.0.data/scripts/run",
            "foo-1.0.data/data/share/x",
            "setup.data/x",
            "top.py",
        ] {
            layout.check_entry(name).unwrap();
        }
        let error = layout
            .check_entry("bar-1.0.dist-info/METADATA")
            .unwrap_err();
        assert!(matches!(error, Error::UnexpectedDistInfo { .. }), "{error}");
        let error = layout.check_entry("bar-1.0.data/data/x").unwrap_err();
        assert!(matches!(error, Error::UnexpectedDataDir { .. }), "{error}");
        let error = layout.check_entry("foo-1.0.data/lib/x.so").unwrap_err();
        assert!(
            matches!(&error, Error::UnknownDataScheme { scheme, .. } if scheme == "lib"),
            "{error}"
        );
        let error = layout.check_entry("foo-1.0.data/loose.txt").unwrap_err();
        assert!(matches!(error, Error::UnknownDataScheme { .. }), "{error}");
        assert!(error.to_string().contains("`foo-1.0.data/loose.txt`"));
    }
}
