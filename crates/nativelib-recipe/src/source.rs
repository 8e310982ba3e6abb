//! `[source]`: where the library comes from, to build it or to collect it already built.

use std::path::{Path, PathBuf};

/// Where a library's source or binaries come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// An archive downloaded from a URL (`url`).
    Url {
        /// The download URL.
        url: String,
        /// The archive's SHA-256 digest, lowercase hexadecimal.
        sha256: String,
        /// The directory inside the unpacked archive that holds the source tree.
        subdirectory: Option<PathBuf>,
    },
    /// A directory or an archive on this machine (`path`).
    Path {
        /// The directory or archive, joined to the recipe's directory when relative.
        path: PathBuf,
        /// The archive's SHA-256 digest; `None` for a directory.
        sha256: Option<String>,
        /// The directory inside it that holds the source tree.
        subdirectory: Option<PathBuf>,
    },
    /// A source distribution on a Python package index, pinned to one version (`pypi-sdist`).
    PypiSdist(PypiSdist),
    /// Libraries that are already built, taken as they are (`collect-*`).
    Collect(Collect),
}

impl Source {
    /// True when the library is collected rather than built.
    pub fn is_collected(&self) -> bool {
        matches!(self, Self::Collect(_))
    }

    /// The SHA-256 digest the fetched file must have, if any.
    pub fn sha256(&self) -> Option<&str> {
        match self {
            Self::Url { sha256, .. } => Some(sha256),
            Self::Path { sha256, .. } => sha256.as_deref(),
            Self::PypiSdist(sdist) => Some(&sdist.sha256),
            Self::Collect(collect) => match &collect.from {
                CollectFrom::Wheel { sha256, .. } => sha256.as_deref(),
                CollectFrom::Directory(_) | CollectFrom::Toolchain { .. } => None,
            },
        }
    }

    /// The directory inside the unpacked source that holds the tree to build.
    pub fn subdirectory(&self) -> Option<&Path> {
        match self {
            Self::Url { subdirectory, .. } | Self::Path { subdirectory, .. } => {
                subdirectory.as_deref()
            }
            Self::PypiSdist(sdist) => sdist.subdirectory.as_deref(),
            Self::Collect(_) => None,
        }
    }
}

/// A pinned source distribution on a Python package index.
///
/// Fetch the file itself (from the index's file listing, by [`PypiSdist::filename`]) and check
/// its digest: `pip download` would run the package's build backend just to read its metadata.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PypiSdist {
    /// The distribution name, such as `cmeel-openblas`.
    pub name: String,
    /// The exact version, such as `0.3.31`.
    pub version: String,
    /// The sdist's SHA-256 digest, lowercase hexadecimal.
    pub sha256: String,
    /// The directory inside the unpacked sdist that holds the source tree, such as
    /// `cmeel_openblas-0.3.31/OpenBLAS`.
    pub subdirectory: Option<PathBuf>,
    /// The index's simple API, `https://pypi.org/simple` unless the recipe names another.
    pub index_url: String,
}

impl PypiSdist {
    /// The sdist's file name as PEP 625 spells it: `cmeel_openblas-0.3.31.tar.gz`.
    pub fn filename(&self) -> String {
        let name = nativelib_wheel::normalize_name(&self.name).replace('-', "_");
        format!("{name}-{}.tar.gz", self.version)
    }
}

/// Already-built libraries to take as they are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Collect {
    /// Where to take them from.
    pub from: CollectFrom,
    /// The shared library to take: a file name in the directory, a name to ask the compiler
    /// for (`libgomp.so.1`), or a path inside the wheel.
    pub library: String,
    /// Header files to ship, found the same way (for the toolchain, names such as
    /// `include/omp.h` are asked of the compiler with `-print-file-name`).
    pub headers: Vec<String>,
}

/// Where collected libraries come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CollectFrom {
    /// A directory of built libraries (`collect-directory`), joined to the recipe's directory
    /// when relative.
    Directory(PathBuf),
    /// The compiler toolchain (`collect-toolchain`): each name is located with
    /// `<compiler> -print-file-name=<name>`.
    Toolchain {
        /// The compiler command to ask, such as `cc`.
        compiler: String,
    },
    /// An existing wheel (`collect-wheel`), joined to the recipe's directory when relative.
    Wheel {
        /// The wheel file.
        path: PathBuf,
        /// The wheel's SHA-256 digest, if the recipe pins it.
        sha256: Option<String>,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sdist_filename_follows_pep_625() {
        let sdist = PypiSdist {
            name: "cmeel-openblas".to_string(),
            version: "0.3.31".to_string(),
            sha256: "0".repeat(64),
            subdirectory: None,
            index_url: "https://pypi.org/simple".to_string(),
        };
        assert_eq!(sdist.filename(), "cmeel_openblas-0.3.31.tar.gz");
    }
}
