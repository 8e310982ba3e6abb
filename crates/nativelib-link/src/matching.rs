//! Pairing each vendored library of a dependent wheel with the provider's library that replaces
//! it: by name with auditwheel's `-<8 hex>` hash removed, or as `--replace OLD=NEW` says.

use nativelib_audit::runtime::{library_stem, unhashed_name};
use nativelib_audit::{BinaryRole, InstalledBinary, InstalledWheel};
use serde::Serialize;

use crate::provider::Provider;
use crate::Error;

/// An explicit `--replace OLD=NEW` pairing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplaceArgument {
    /// The vendored library: its entry, file name, SONAME or unhashed name.
    pub vendored: String,
    /// The provided library: its entry, file name or SONAME.
    pub provided: String,
}

impl std::str::FromStr for ReplaceArgument {
    type Err = Error;

    fn from_str(argument: &str) -> Result<Self, Error> {
        match argument.split_once('=') {
            Some((vendored, provided)) if !vendored.is_empty() && !provided.is_empty() => {
                Ok(ReplaceArgument {
                    vendored: vendored.to_string(),
                    provided: provided.to_string(),
                })
            }
            _ => Err(Error::InvalidReplacement {
                argument: argument.to_string(),
                reason: "expected VENDORED=PROVIDED, e.g. libgomp-a34b3233.so.1.0.0=libgomp.so.1"
                    .to_string(),
            }),
        }
    }
}

/// A vendored library and the provided library that replaces it.
#[derive(Debug, Clone, Serialize)]
pub struct Replacement {
    /// The vendored file, removed from the wheel.
    pub vendored_entry: String,
    /// The name dependents load it by (its SONAME, else its file name).
    pub vendored_name: String,
    /// The provider's file.
    pub provided_entry: String,
    /// The name dependents load the provider's library by.
    pub provided_name: String,
    /// Index of the vendored library in the dependent's binaries.
    #[serde(skip)]
    pub vendored: usize,
    /// Index of the provided library in the provider's binaries.
    #[serde(skip)]
    pub provided: usize,
}

fn names_of(binary: &InstalledBinary) -> Vec<String> {
    let mut names = vec![
        binary.entry.clone(),
        binary.file_name().to_string(),
        unhashed_name(binary.file_name()),
    ];
    if let Some(soname) = &binary.elf.soname {
        names.push(soname.clone());
        names.push(unhashed_name(soname));
    }
    names
}

/// Pairs the dependent's vendored libraries with the provider's libraries.
pub fn match_libraries(
    dependent: &InstalledWheel,
    provider: &Provider,
    explicit: &[ReplaceArgument],
) -> Result<Vec<Replacement>, Error> {
    let vendored: Vec<(usize, &InstalledBinary)> = dependent
        .binaries
        .iter()
        .enumerate()
        .filter(|(_, binary)| binary.role == BinaryRole::Library)
        .collect();
    let replacement =
        |vendored: (usize, &InstalledBinary), provided: (usize, &InstalledBinary)| Replacement {
            vendored_entry: vendored.1.entry.clone(),
            vendored_name: vendored.1.load_name().to_string(),
            provided_entry: provided.1.entry.clone(),
            provided_name: provided.1.load_name().to_string(),
            vendored: vendored.0,
            provided: provided.0,
        };
    let mut replacements = Vec::new();
    if explicit.is_empty() {
        for &candidate in &vendored {
            let wanted = candidate
                .1
                .elf
                .soname
                .as_deref()
                .map(unhashed_name)
                .unwrap_or_else(|| unhashed_name(candidate.1.file_name()));
            let found = provider.provided().find(|(index, _)| {
                provider
                    .names_of(*index)
                    .iter()
                    .any(|name| same_library(&wanted, name))
            });
            if let Some(provided) = found {
                replacements.push(replacement(candidate, provided));
            }
        }
    } else {
        for argument in explicit {
            let candidate = vendored
                .iter()
                .copied()
                .find(|(_, binary)| names_of(binary).contains(&argument.vendored))
                .ok_or_else(|| Error::InvalidReplacement {
                    argument: format!("{}={}", argument.vendored, argument.provided),
                    reason: format!(
                        "the wheel vendors no library named `{}` (vendored: {})",
                        argument.vendored,
                        list(vendored.iter().map(|(_, binary)| binary.entry.as_str()))
                    ),
                })?;
            let provided = provider
                .shipped()
                .find(|(_, library)| {
                    [
                        library.entry.as_str(),
                        library.file_name(),
                        library.load_name(),
                    ]
                    .contains(&argument.provided.as_str())
                })
                .ok_or_else(|| Error::InvalidReplacement {
                    argument: format!("{}={}", argument.vendored, argument.provided),
                    reason: format!(
                        "the provider ships no library named `{}` (shipped: {})",
                        argument.provided,
                        list(provider.shipped().map(|(_, library)| library.load_name()))
                    ),
                })?;
            replacements.push(replacement(candidate, provided));
        }
    }
    if replacements.is_empty() {
        return Err(Error::NothingToLink {
            path: dependent.path.clone(),
            provider: provider.filename.to_string(),
            vendored: list(vendored.iter().map(|(_, binary)| binary.entry.as_str())),
            provided: list(provider.provided().map(|(_, library)| library.load_name())),
        });
    }
    Ok(replacements)
}

/// Whether two library names (hashes already removed) name the same library: equal, or the same
/// stem and SONAME major version (`libgomp.so.1.0.0` and `libgomp.so.1`).
fn same_library(left: &str, right: &str) -> bool {
    let major = |name: &str| {
        name.split_once(".so.")
            .map(|(_, version)| version.split('.').next().unwrap_or("").to_string())
    };
    left == right || (library_stem(left) == library_stem(right) && major(left) == major(right))
}

fn list<'a>(names: impl Iterator<Item = &'a str>) -> String {
    let names: Vec<&str> = names.collect();
    if names.is_empty() {
        "none".to_string()
    } else {
        names.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn libraries_match_by_stem_and_major_version() {
        assert!(same_library("libgomp.so.1.0.0", "libgomp.so.1"));
        assert!(same_library(
            "libscipy_openblas64_.so",
            "libscipy_openblas64_.so"
        ));
        assert!(!same_library("libgomp.so.1", "libgomp.so.2"));
        assert!(!same_library("libgomp.so.1", "libgomp-nativelib.so.1"));
        assert!(!same_library(
            "libscipy_openblas.so",
            "libscipy_openblas64_.so"
        ));
    }

    #[test]
    fn replace_arguments_parse() {
        let argument: ReplaceArgument = "libgomp-a34b3233.so.1.0.0=libgomp.so.1".parse().unwrap();
        assert_eq!(argument.vendored, "libgomp-a34b3233.so.1.0.0");
        assert_eq!(argument.provided, "libgomp.so.1");
        assert!("libgomp".parse::<ReplaceArgument>().is_err());
        assert!("=x".parse::<ReplaceArgument>().is_err());
    }
}
