//! Installed environments: a virtual environment, a prefix, a site-packages directory or a
//! `pip install --target` directory, read as one [`InstalledWheel`] per installed distribution
//! that has ELF files, from each `*.dist-info` directory's METADATA, WHEEL and RECORD.
//!
//! Files are placed where they would be in [`crate::install`]'s virtual environment: a RECORD
//! path `numpy.libs/x.so` in site-packages, `../../../lib/x.so` (a wheel's `.data/data/lib`) in
//! the prefix, so resolution works across installed distributions as across wheels.

use std::io::{Read, Seek};
use std::path::{Path, PathBuf};

use nativelib_binary::{is_elf, ElfFile};
use nativelib_wheel::{
    CoreMetadata, Record, RecordEntry, WheelFile, WheelFilename, SPOOL_THRESHOLD,
};
use rayon::prelude::*;

use crate::install::{normalize, SITE_PACKAGES};
use crate::{Error, InstalledBinary, InstalledWheel, RecordCheck};

/// Reads every installed distribution with ELF files in the environment at `path`, ordered by
/// site-packages directory and distribution name.
pub fn read_environment(path: &Path, check: RecordCheck) -> Result<Vec<InstalledWheel>, Error> {
    let mut dist_infos = Vec::new();
    for site_packages in site_packages_directories(path)? {
        let mut found: Vec<PathBuf> = std::fs::read_dir(&site_packages)
            .map_err(|source| Error::Read {
                path: site_packages.clone(),
                source,
            })?
            .filter_map(Result::ok)
            .map(|entry| entry.path())
            .filter(|entry| is_dist_info(entry))
            .collect();
        found.sort();
        dist_infos.extend(
            found
                .into_iter()
                .map(|dist_info| (site_packages.clone(), dist_info)),
        );
    }
    let distributions = dist_infos
        .par_iter()
        .map(|(site_packages, dist_info)| read_distribution(site_packages, dist_info, check))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(distributions.into_iter().flatten().collect())
}

/// The site-packages directories of `path`: `path` itself when it holds `*.dist-info`
/// directories, else `lib/python3.*/site-packages` (and `lib64/...`) below it.
fn site_packages_directories(path: &Path) -> Result<Vec<PathBuf>, Error> {
    let holds_distributions = std::fs::read_dir(path)
        .map_err(|source| Error::Read {
            path: path.to_path_buf(),
            source,
        })?
        .filter_map(Result::ok)
        .any(|entry| is_dist_info(&entry.path()));
    if holds_distributions {
        return Ok(vec![path.to_path_buf()]);
    }
    let children = |directory: &Path| -> Vec<PathBuf> {
        let mut children: Vec<PathBuf> = std::fs::read_dir(directory)
            .map(|entries| {
                entries
                    .filter_map(Result::ok)
                    .map(|entry| entry.path())
                    .collect()
            })
            .unwrap_or_default();
        children.sort();
        children
    };
    let mut found = Vec::new();
    for library in ["lib", "lib64"] {
        for python in children(&path.join(library)) {
            let is_python = python
                .file_name()
                .is_some_and(|name| name.to_string_lossy().starts_with("python3"));
            let site_packages = python.join("site-packages");
            // lib64 is often a symbolic link to lib: count each directory once.
            let canonical = std::fs::canonicalize(&site_packages).ok();
            if is_python
                && site_packages.is_dir()
                && !found
                    .iter()
                    .any(|known| std::fs::canonicalize(known).ok() == canonical)
            {
                found.push(site_packages);
            }
        }
    }
    if found.is_empty() {
        return Err(Error::NotAnEnvironment {
            path: path.to_path_buf(),
        });
    }
    Ok(found)
}

fn is_dist_info(path: &Path) -> bool {
    path.is_dir()
        && path
            .file_name()
            .is_some_and(|name| name.to_string_lossy().ends_with(".dist-info"))
}

/// One installed distribution, or `None` when it has no ELF files.
fn read_distribution(
    site_packages: &Path,
    dist_info: &Path,
    check: RecordCheck,
) -> Result<Option<InstalledWheel>, Error> {
    let read = |name: &str| {
        let path = dist_info.join(name);
        std::fs::read_to_string(&path).map_err(|source| Error::Read { path, source })
    };
    let metadata_error = |name: &str| {
        let path = dist_info.join(name);
        move |source| Error::InstalledMetadata { path, source }
    };
    let record = Record::parse(&read("RECORD")?).map_err(metadata_error("RECORD"))?;
    let metadata = CoreMetadata::parse(&read("METADATA")?).map_err(metadata_error("METADATA"))?;
    // Not every installer writes WHEEL (a distribution installed from an sdist may lack it).
    let wheel_file = match read("WHEEL") {
        Ok(text) => Some(WheelFile::parse(&text).map_err(metadata_error("WHEEL"))?),
        Err(_) => None,
    };

    let mut binaries = Vec::new();
    let mut record_mismatches = Vec::new();
    for entry in &record.entries {
        let file_name = entry.path.rsplit('/').next().unwrap_or(&entry.path);
        if !(file_name.ends_with(".so") || file_name.contains(".so.")) {
            continue;
        }
        let path = site_packages.join(&entry.path);
        let Some(file) = read_binary(&path, entry)? else {
            continue;
        };
        if let Some(mismatch) = file.mismatch {
            match check {
                RecordCheck::Strict => {
                    return Err(Error::InstalledMismatch {
                        path: dist_info.to_path_buf(),
                        source: mismatch,
                    })
                }
                RecordCheck::Report => record_mismatches.push(mismatch.to_string()),
            }
        }
        let install_path = normalize(&format!("{SITE_PACKAGES}/{}", entry.path));
        binaries.push(InstalledBinary::from_elf(
            &entry.path,
            install_path,
            file.size,
            file.elf,
        ));
    }
    if binaries.is_empty() {
        return Ok(None);
    }
    binaries.sort_by(|a, b| a.entry.cmp(&b.entry));
    let filename = match (metadata.name(), metadata.version(), &wheel_file) {
        (Some(name), Some(version), Some(wheel_file)) => {
            Some(filename_of(name, version, &wheel_file.tags()))
        }
        _ => None,
    };
    Ok(Some(InstalledWheel {
        path: dist_info.to_path_buf(),
        filename,
        requires_dist: metadata
            .requires_dist()
            .into_iter()
            .map(str::to_string)
            .collect(),
        binaries,
        entry_count: record.entries.len(),
        record_mismatches,
    }))
}

/// An installed ELF file: parsed, measured, and checked against its RECORD row.
struct BinaryFile {
    elf: ElfFile,
    size: u64,
    /// How it differs from its RECORD row, if it does.
    mismatch: Option<nativelib_wheel::Error>,
}

/// Reads the file at `path` (RECORD's row `entry`) if it is an ELF file. Files up to
/// [`SPOOL_THRESHOLD`] are read whole; larger ones are checked against RECORD as a stream and
/// parsed by reading only the ranges the parse needs, so a library of hundreds of megabytes is
/// never held whole.
fn read_binary(path: &Path, entry: &RecordEntry) -> Result<Option<BinaryFile>, Error> {
    let read_error = |source| Error::Read {
        path: path.to_path_buf(),
        source,
    };
    let elf_error = |source| Error::Elf {
        path: path.to_path_buf(),
        entry: entry.path.clone(),
        source,
    };
    let mut file = std::fs::File::open(path).map_err(read_error)?;
    let length = file.metadata().map_err(read_error)?.len();
    if length <= SPOOL_THRESHOLD {
        let mut bytes = Vec::with_capacity(usize::try_from(length).unwrap_or(0));
        file.read_to_end(&mut bytes).map_err(read_error)?;
        if !is_elf(&bytes) {
            return Ok(None);
        }
        return Ok(Some(BinaryFile {
            elf: ElfFile::parse(&bytes).map_err(elf_error)?,
            size: bytes.len() as u64,
            mismatch: entry.check_content(bytes.as_slice()).map_err(read_error)?,
        }));
    }
    let mut magic = [0; 4];
    if file.read_exact(&mut magic).is_err() || !is_elf(&magic) {
        return Ok(None);
    }
    file.rewind().map_err(read_error)?;
    let mismatch = entry.check_content(&mut file).map_err(read_error)?;
    file.rewind().map_err(read_error)?;
    let elf = ElfFile::parse_reader(std::io::BufReader::new(file)).map_err(elf_error)?;
    Ok(Some(BinaryFile {
        elf,
        size: length,
        mismatch,
    }))
}

/// The wheel filename an installed distribution came from, as far as its WHEEL `Tag` lines
/// (`cp311-cp311-manylinux_2_17_x86_64`) tell.
fn filename_of(name: &str, version: &str, tags: &[&str]) -> WheelFilename {
    let mut filename = WheelFilename {
        name: name.replace('-', "_"),
        version: version.to_string(),
        build_tag: None,
        python_tags: Vec::new(),
        abi_tags: Vec::new(),
        platform_tags: Vec::new(),
    };
    for tag in tags {
        let mut parts = tag.splitn(3, '-');
        let (Some(python), Some(abi), Some(platform)) = (parts.next(), parts.next(), parts.next())
        else {
            continue;
        };
        for (list, value) in [
            (&mut filename.python_tags, python),
            (&mut filename.abi_tags, abi),
            (&mut filename.platform_tags, platform),
        ] {
            if !list.iter().any(|known| known == value) {
                list.push(value.to_string());
            }
        }
    }
    filename
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wheel_tags_become_a_filename() {
        let filename = filename_of(
            "scikit-learn",
            "1.5.2",
            &[
                "cp311-cp311-manylinux_2_17_x86_64",
                "cp311-cp311-manylinux2014_x86_64",
                "malformed",
            ],
        );
        assert_eq!(filename.name, "scikit_learn");
        assert_eq!(filename.python_tags, ["cp311"]);
        assert_eq!(filename.abi_tags, ["cp311"]);
        assert_eq!(
            filename.platform_tags,
            ["manylinux_2_17_x86_64", "manylinux2014_x86_64"]
        );
    }

    #[test]
    fn a_directory_without_distributions_is_not_an_environment() {
        let directory = tempfile::tempdir().unwrap();
        std::fs::create_dir(directory.path().join("lib")).unwrap();
        let error = read_environment(directory.path(), RecordCheck::Strict).unwrap_err();
        assert!(matches!(error, Error::NotAnEnvironment { .. }), "{error}");
    }
}
