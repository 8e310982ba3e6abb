//! License files: where each one the recipe lists is found, and its path under the wheel's
//! `.dist-info/licenses/` (PEP 639): relative paths as written, absolute ones by file name.

use std::collections::HashSet;
use std::path::{Component, Path, PathBuf};

use crate::Error;

/// A license file to ship.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct LicenseFile {
    /// Its path under `.dist-info/licenses/`, `/`-separated.
    pub(crate) wheel_path: String,
    /// Where it is read from.
    pub(crate) source: PathBuf,
}

/// The license files `listed` in a recipe, relative ones found under `base`; each must exist.
pub(crate) fn locate(
    recipe: &Path,
    listed: &[PathBuf],
    base: &Path,
) -> Result<Vec<LicenseFile>, Error> {
    let mut taken = HashSet::new();
    let mut files = Vec::new();
    for path in listed {
        let source = if path.is_absolute() {
            path.clone()
        } else {
            base.join(path)
        };
        if !source.is_file() {
            return Err(Error::MissingLicense {
                recipe: recipe.to_path_buf(),
                path: source,
                base: base.to_path_buf(),
            });
        }
        let wheel_path = wheel_path(path, &taken);
        taken.insert(wheel_path.clone());
        files.push(LicenseFile { wheel_path, source });
    }
    Ok(files)
}

/// The path under `licenses/` for `path`: its normal components for a relative path; for an
/// absolute one its file name, or `<parent>/<file name>` when that is taken, or a numbered name.
fn wheel_path(path: &Path, taken: &HashSet<String>) -> String {
    let names: Vec<String> = path
        .components()
        .filter_map(|component| match component {
            Component::Normal(name) => Some(name.to_string_lossy().into_owned()),
            _ => None,
        })
        .collect();
    if !path.is_absolute() {
        return names.join("/");
    }
    let file_name = names
        .last()
        .cloned()
        .unwrap_or_else(|| "LICENSE".to_string());
    let mut candidates = vec![file_name.clone()];
    if names.len() >= 2 {
        candidates.push(format!("{}/{file_name}", names[names.len() - 2]));
    }
    candidates
        .into_iter()
        .chain((2..).map(|number| format!("{number}-{file_name}")))
        .find(|candidate| !taken.contains(candidate))
        .unwrap_or(file_name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_are_kept_and_absolute_ones_named_uniquely() {
        let directory = tempfile::tempdir().unwrap();
        let base = directory.path().join("src");
        std::fs::create_dir_all(base.join("lapack")).unwrap();
        std::fs::write(base.join("LICENSE"), "a").unwrap();
        std::fs::write(base.join("lapack/LICENSE"), "b").unwrap();
        std::fs::create_dir_all(directory.path().join("doc/libgomp1")).unwrap();
        let absolute = directory.path().join("doc/libgomp1/LICENSE");
        std::fs::write(&absolute, "c").unwrap();
        let files = locate(
            Path::new("r.toml"),
            &[
                PathBuf::from("LICENSE"),
                PathBuf::from("lapack/LICENSE"),
                absolute.clone(),
            ],
            &base,
        )
        .unwrap();
        let paths: Vec<&str> = files.iter().map(|file| file.wheel_path.as_str()).collect();
        assert_eq!(paths, ["LICENSE", "lapack/LICENSE", "libgomp1/LICENSE"]);
        assert_eq!(files[2].source, absolute);
    }

    #[test]
    fn a_missing_license_names_the_key() {
        let directory = tempfile::tempdir().unwrap();
        let error = locate(
            Path::new("r.toml"),
            &[PathBuf::from("COPYING")],
            directory.path(),
        )
        .unwrap_err()
        .to_string();
        assert!(
            error.contains("COPYING") && error.contains("library.license-files"),
            "{error}"
        );
    }
}
