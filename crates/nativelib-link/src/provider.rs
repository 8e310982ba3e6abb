//! The library wheel a dependent is linked against: which shared libraries it ships, where they
//! land once installed, and how to find it by name in a wheelhouse.

use std::path::{Path, PathBuf};

use nativelib_audit::{
    audit, resolve, BinaryId, BinaryRole, InstalledBinary, InstalledWheel, PlatformVerdict,
    RecordCheck,
};
use nativelib_wheel::{
    compare_release, normalize_name, release_segments, WheelFilename, WheelReader,
};

use crate::Error;

/// A library wheel, opened and audited.
#[derive(Debug, Clone)]
pub struct Provider {
    /// The wheel's parsed contents.
    pub wheel: InstalledWheel,
    /// Its filename.
    pub filename: WheelFilename,
    /// The distribution name as METADATA spells it (`scipy-openblas64`).
    pub distribution: String,
    /// The version in METADATA.
    pub version: String,
    /// Indexes into `wheel.binaries` of the libraries it provides (outside `.libs` directories).
    pub libraries: Vec<usize>,
    /// The platform tag its own binaries satisfy: a floor for every wheel linked against it.
    pub platform: Option<PlatformVerdict>,
    /// Whether its loader package has a `preload()` (wheels written by `nativelib build`).
    pub has_preload: bool,
    /// Per provided library (same order as `libraries`), the names it stands in for, from the
    /// wheel's `nativelib.json` (written by `nativelib build`); empty for other wheels.
    pub replaces: Vec<Vec<String>>,
}

/// The part of a library wheel's `<dist-info>/nativelib.json` that `link` reads.
#[derive(Debug, serde::Deserialize)]
struct Manifest {
    libraries: Vec<ManifestLibrary>,
}

#[derive(Debug, serde::Deserialize)]
struct ManifestLibrary {
    entry: String,
    #[serde(default)]
    replaces: Vec<String>,
}

impl Provider {
    /// Opens, verifies and audits a provider wheel.
    pub fn open(path: &Path, check: RecordCheck) -> Result<Provider, Error> {
        let reader = WheelReader::open(path).map_err(|source| Error::wheel(path, source))?;
        let wheel = InstalledWheel::from_reader(&reader, check)?;
        let manifest: Option<Manifest> = reader
            .read(&format!("{}/nativelib.json", reader.dist_info_dir()))
            .ok()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok());
        let libraries = public_libraries(&wheel, manifest.as_ref());
        if libraries.is_empty() {
            return Err(Error::ProviderHasNoLibraries {
                path: path.to_path_buf(),
            });
        }
        let has_preload = wheel.binaries[libraries[0]]
            .entry
            .split('/')
            .next()
            .map(|package| format!("{package}/__init__.py"))
            .and_then(|init| reader.read(&init).ok())
            .is_some_and(|text| String::from_utf8_lossy(&text).contains("def preload("));
        let platform = audit(std::slice::from_ref(&wheel))
            .wheels
            .pop()
            .and_then(|report| report.platform)
            .map(|platform| platform.verdict);
        let replaces = libraries
            .iter()
            .map(|&index| {
                manifest
                    .iter()
                    .flat_map(|manifest| &manifest.libraries)
                    .filter(|library| library.entry == wheel.binaries[index].entry)
                    .flat_map(|library| library.replaces.clone())
                    .collect()
            })
            .collect();
        let metadata = reader.metadata();
        let filename = reader.filename().clone();
        Ok(Provider {
            distribution: metadata.name().unwrap_or(&filename.name).to_string(),
            version: metadata.version().unwrap_or(&filename.version).to_string(),
            filename,
            wheel,
            libraries,
            platform,
            has_preload,
            replaces,
        })
    }

    /// The provided libraries.
    pub fn provided(&self) -> impl Iterator<Item = (usize, &InstalledBinary)> {
        self.libraries
            .iter()
            .map(move |&index| (index, &self.wheel.binaries[index]))
    }

    /// Every library the wheel ships outside `.libs`, public or not: what `--replace` may name.
    pub fn shipped(&self) -> impl Iterator<Item = (usize, &InstalledBinary)> {
        self.wheel
            .binaries
            .iter()
            .enumerate()
            .filter(|(_, binary)| is_shipped(binary))
    }

    /// The names a provided library answers to: its SONAME and file name, and the names its
    /// manifest says it replaces.
    pub fn names_of(&self, index: usize) -> Vec<&str> {
        let library = &self.wheel.binaries[index];
        let position = self
            .libraries
            .iter()
            .position(|&provided| provided == index);
        let mut names = vec![library.load_name(), library.file_name()];
        if let Some(position) = position {
            names.extend(self.replaces[position].iter().map(String::as_str));
        }
        names
    }

    /// The import name of the package holding the libraries (`scipy_openblas64`), if they live
    /// in a package rather than under `<name>.data/data`.
    pub fn import_name(&self) -> Option<&str> {
        let entry = &self.wheel.binaries[self.libraries[0]].entry;
        let top = entry.split('/').next()?;
        (!top.ends_with(".data")).then_some(top)
    }

    /// The `Requires-Dist` a dependent gets: at least this version, below the next release that
    /// may break the ABI (the next minor for 0.x versions, else the next major): OpenBLAS keeps
    /// its ABI within 0.3.x, and symbols added in this version may be used.
    pub fn requirement(&self) -> String {
        let upper = match release_segments(&self.version).as_slice() {
            [0, minor, ..] => format!("0.{}", minor + 1),
            [major, ..] => format!("{}", major + 1),
            [] => return format!("{}=={}", self.distribution, self.version),
        };
        format!("{}>={},<{upper}", self.distribution, self.version)
    }
}

/// Whether a binary is a library the wheel ships as such (not a module, not in `.libs`).
fn is_shipped(binary: &InstalledBinary) -> bool {
    binary.role == BinaryRole::Library && !binary.is_in_libs_directory()
}

/// The libraries a provider offers for linking: those its `nativelib.json` lists, or, for other
/// wheels, its libraries outside `.libs` that no other library of the wheel needs. A library
/// that only serves another one (scipy-openblas32's own libgfortran) is an implementation detail
/// the provider may drop in any release, so dependents are not bound to it unless `--replace`
/// says so.
fn public_libraries(wheel: &InstalledWheel, manifest: Option<&Manifest>) -> Vec<usize> {
    let candidates = wheel
        .binaries
        .iter()
        .enumerate()
        .filter(|(_, binary)| is_shipped(binary));
    if let Some(manifest) = manifest {
        return candidates
            .filter(|(_, binary)| {
                manifest
                    .libraries
                    .iter()
                    .any(|library| library.entry == binary.entry)
            })
            .map(|(index, _)| index)
            .collect();
    }
    let resolution = resolve(std::slice::from_ref(wheel));
    candidates
        .filter(|(index, _)| {
            resolution
                .dependents_of(BinaryId {
                    wheel: 0,
                    binary: *index,
                })
                .iter()
                .all(|dependent| wheel.binaries[dependent.binary].role != BinaryRole::Library)
        })
        .map(|(index, _)| index)
        .collect()
}

/// Finds the newest wheel of a distribution in a wheelhouse. `name` may be the exact
/// distribution name or a unique part of it (`openblas64`).
pub fn find_provider(name: &str, directory: &Path) -> Result<PathBuf, Error> {
    let wanted = normalize_name(name);
    let wheels: Vec<(WheelFilename, PathBuf)> = std::fs::read_dir(directory)
        .map(|entries| {
            entries
                .filter_map(|entry| entry.ok().map(|entry| entry.path()))
                .filter_map(|path| {
                    let filename = path.file_name()?.to_str()?.parse().ok()?;
                    Some((filename, path))
                })
                .collect()
        })
        .unwrap_or_default();
    let mut distributions: Vec<String> = wheels
        .iter()
        .map(|(filename, _)| filename.normalized_name())
        .collect();
    distributions.sort();
    distributions.dedup();
    let exact = distributions.contains(&wanted);
    let matching: Vec<&String> = distributions
        .iter()
        .filter(|candidate| {
            if exact {
                **candidate == wanted
            } else {
                candidate.contains(&wanted)
            }
        })
        .collect();
    match matching.as_slice() {
        [] => Err(Error::ProviderNotFound {
            name: name.to_string(),
            directory: directory.to_path_buf(),
            found: if distributions.is_empty() {
                "no wheels".to_string()
            } else {
                distributions.join(", ")
            },
        }),
        [single] => Ok(wheels
            .iter()
            .filter(|(filename, _)| filename.normalized_name() == **single)
            .max_by(|(a, _), (b, _)| compare_release(&a.version, &b.version))
            .map(|(_, path)| path.clone())
            .expect("a matching distribution has a wheel")),
        several => Err(Error::AmbiguousProvider {
            name: name.to_string(),
            directory: directory.to_path_buf(),
            candidates: several
                .iter()
                .map(|name| name.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn providers_are_found_by_exact_or_partial_name() {
        let directory = tempfile::tempdir().unwrap();
        for name in [
            "scipy_openblas64-0.3.27-py3-none-manylinux_2_17_x86_64.whl",
            "scipy_openblas64-0.3.34-py3-none-manylinux_2_17_x86_64.whl",
            "scipy_openblas32-0.3.27-py3-none-manylinux_2_17_x86_64.whl",
        ] {
            std::fs::write(directory.path().join(name), b"").unwrap();
        }
        let found = find_provider("openblas64", directory.path()).unwrap();
        assert!(found.to_string_lossy().contains("0.3.34"), "{found:?}");
        let found = find_provider("scipy-openblas32", directory.path()).unwrap();
        assert!(found.to_string_lossy().contains("openblas32"));
        let error = find_provider("openblas", directory.path()).unwrap_err();
        assert!(matches!(error, Error::AmbiguousProvider { .. }), "{error}");
        let error = find_provider("mkl", directory.path()).unwrap_err();
        assert!(error.to_string().contains("scipy-openblas32"), "{error}");
    }
}
