//! `nativelib.json` in a library wheel's `.dist-info`: what the wheel provides, machine-readable
//! (the libraries, their SONAMEs and the names of the libraries they replace, the symbol
//! namespace audit, the dependencies), so that `link` can pair vendored copies with them.

use serde::{Deserialize, Serialize};

/// The file name of the manifest in `.dist-info`.
pub const MANIFEST_FILE: &str = "nativelib.json";

/// A library wheel's manifest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// The version of this format (1).
    pub schema_version: u32,
    /// The distribution name.
    pub distribution: String,
    /// The wheel's version.
    pub version: String,
    /// The import package (the loader).
    pub package: String,
    /// `package` or `prefix`.
    pub layout: String,
    /// The library's name in the recipe.
    pub library: String,
    /// The recipe variant, if any.
    pub variant: Option<String>,
    /// The libraries in the wheel, the main one first.
    pub libraries: Vec<ManifestLibrary>,
    /// The header directory inside the wheel.
    pub include_directory: String,
    /// The pkg-config file inside the wheel.
    pub pkg_config_file: String,
    /// The declared namespace and what is exported outside it.
    pub symbols: ManifestSymbols,
    /// The library wheels this one loads.
    pub dependencies: Vec<ManifestDependency>,
}

/// One shared library in the wheel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManifestLibrary {
    /// The wheel entry.
    pub entry: String,
    /// Its SONAME (also its file name).
    pub soname: String,
    /// The names of the libraries this one stands in for: its names before packaging (the file
    /// the build produced, its original SONAME), e.g. `libgomp.so.1` or
    /// `libscipy_openblas64_.so`. A vendored copy whose name with auditwheel's hash removed is
    /// one of these can be replaced by this library.
    pub replaces: Vec<String>,
    /// Its DT_NEEDED entries after packaging.
    pub needed: Vec<String>,
}

/// The exported symbol namespace.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManifestSymbols {
    /// The declared prefix.
    pub prefix: Option<String>,
    /// The declared suffix.
    pub suffix: Option<String>,
    /// Further patterns that stay exported.
    pub keep: Vec<String>,
    /// Whether the build was asked to hide everything outside the namespace.
    pub hide_outside_namespace: bool,
    /// Exported symbols outside the namespace, by library entry (only libraries with some).
    pub outside_namespace: Vec<OutsideNamespace>,
}

/// The exported symbols of one library outside the namespace.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutsideNamespace {
    /// The library's wheel entry.
    pub entry: String,
    /// The symbols, sorted.
    pub symbols: Vec<String>,
}

/// A library wheel this one needs at run time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManifestDependency {
    /// The requirement written to `Requires-Dist`.
    pub requirement: String,
    /// The dependency's import package, when known (its loader is preloaded first).
    pub package: Option<String>,
}
