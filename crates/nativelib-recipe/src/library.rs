//! `[library]`: what the library is, its version and its license.

use std::path::PathBuf;

/// The library a recipe builds or collects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Library {
    /// The library's name, such as `openblas` (a valid PyPI name; `{name}` in templates).
    pub name: String,
    /// The library's own version, such as `0.3.31` (PEP 440; `{version}` in templates).
    pub version: String,
    /// A one-line summary for the wheel's metadata.
    pub summary: Option<String>,
    /// The project's home page.
    pub homepage: Option<String>,
    /// The SPDX license expression, such as `BSD-3-Clause`.
    pub license: String,
    /// License files to ship in the wheel, as written: relative to the unpacked source tree for
    /// built sources, relative to the recipe's directory for collected ones, or absolute.
    pub license_files: Vec<PathBuf>,
}
