//! The ELF files of a wheel (or of a bare library file), parsed and placed at their install path.

use std::path::{Path, PathBuf};

use nativelib_binary::{is_elf, ElfFile};
use nativelib_wheel::{WheelFilename, WheelReader};
use rayon::prelude::*;

use crate::install::{install_path, SITE_PACKAGES};
use crate::Error;

/// What part a binary plays in its wheel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum BinaryRole {
    /// A Python extension module (exports `PyInit_*`), loaded by the interpreter with dlopen.
    ExtensionModule,
    /// A shared library loaded through DT_NEEDED.
    Library,
    /// An executable program.
    Executable,
}

/// One ELF file of a wheel.
#[derive(Debug, Clone)]
pub struct InstalledBinary {
    /// The entry name inside the wheel.
    pub entry: String,
    /// Where it lands once installed (see [`crate::install`]).
    pub install_path: String,
    /// Its size in bytes.
    pub size: u64,
    /// What it is.
    pub role: BinaryRole,
    /// The parsed ELF data.
    pub elf: ElfFile,
}

impl InstalledBinary {
    /// Parses one ELF file.
    pub fn parse(
        entry: &str,
        install_path: String,
        bytes: &[u8],
    ) -> Result<Self, nativelib_binary::Error> {
        let elf = ElfFile::parse(bytes)?;
        let role = if elf
            .defined_symbols
            .iter()
            .any(|symbol| symbol.name.starts_with("PyInit_"))
        {
            BinaryRole::ExtensionModule
        } else if elf.kind == nativelib_binary::ElfKind::Executable {
            BinaryRole::Executable
        } else {
            BinaryRole::Library
        };
        Ok(Self {
            entry: entry.to_string(),
            install_path,
            size: bytes.len() as u64,
            role,
            elf,
        })
    }

    /// The file name part of the entry.
    pub fn file_name(&self) -> &str {
        self.entry.rsplit('/').next().unwrap_or(&self.entry)
    }

    /// Whether the file sits in an auditwheel-style vendoring directory (`numpy.libs/`).
    pub fn is_in_libs_directory(&self) -> bool {
        self.entry
            .split('/')
            .next()
            .is_some_and(|top| top.ends_with(".libs"))
    }

    /// The name other binaries use to load it: its SONAME, else its file name.
    pub fn load_name(&self) -> &str {
        self.elf.soname.as_deref().unwrap_or_else(|| self.file_name())
    }
}

/// How RECORD mismatches are treated when reading a wheel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RecordCheck {
    /// A hash or size mismatch is an error.
    #[default]
    Strict,
    /// Mismatches are collected in [`InstalledWheel::record_mismatches`] (some wheels on PyPI
    /// have them, and pip does not check).
    Report,
}

/// A wheel, or a bare library file, with its binaries parsed.
#[derive(Debug, Clone)]
pub struct InstalledWheel {
    /// The file that was read.
    pub path: PathBuf,
    /// The parsed wheel filename; `None` for a bare library file.
    pub filename: Option<WheelFilename>,
    /// `Requires-Dist` of the wheel's METADATA.
    pub requires_dist: Vec<String>,
    /// The ELF files, sorted by entry name.
    pub binaries: Vec<InstalledBinary>,
    /// Number of entries in the archive.
    pub entry_count: usize,
    /// RECORD hash or size mismatches, when read with [`RecordCheck::Report`].
    pub record_mismatches: Vec<String>,
}

impl InstalledWheel {
    /// Reads a wheel: verifies every RECORD hash and parses every ELF file, in one parallel pass.
    pub fn read(path: &Path, check: RecordCheck) -> Result<Self, Error> {
        let reader = WheelReader::open(path).map_err(|source| Error::Wheel {
            path: path.to_path_buf(),
            source,
        })?;
        Self::from_reader(&reader, check)
    }

    /// Like [`InstalledWheel::read`], for a wheel that is already open.
    pub fn from_reader(reader: &WheelReader, check: RecordCheck) -> Result<Self, Error> {
        let path = reader.path();
        let wheel_error = |source| Error::Wheel {
            path: path.to_path_buf(),
            source,
        };
        let keep = |_: &str, first_bytes: &[u8]| is_elf(first_bytes);
        let (files, record_mismatches) = match check {
            RecordCheck::Strict => (reader.verify_and_read(keep).map_err(wheel_error)?, Vec::new()),
            RecordCheck::Report => {
                let report = reader.verify_and_read_reporting(keep).map_err(wheel_error)?;
                let mismatches = report.mismatches.iter().map(ToString::to_string).collect();
                (report.kept, mismatches)
            }
        };
        let data_dir = reader.filename().data_dir();
        let mut binaries = files
            .par_iter()
            .map(|(entry, bytes)| {
                InstalledBinary::parse(entry, install_path(entry, &data_dir), bytes).map_err(
                    |source| Error::Elf {
                        path: path.to_path_buf(),
                        entry: entry.clone(),
                        source,
                    },
                )
            })
            .collect::<Result<Vec<_>, Error>>()?;
        binaries.sort_by(|a, b| a.entry.cmp(&b.entry));
        Ok(Self {
            path: path.to_path_buf(),
            filename: Some(reader.filename().clone()),
            requires_dist: reader
                .metadata()
                .requires_dist()
                .into_iter()
                .map(str::to_string)
                .collect(),
            binaries,
            entry_count: reader.entries().len(),
            record_mismatches,
        })
    }

    /// Reads a bare shared library (a `.so` on disk) as a one-binary "wheel".
    pub fn read_library(path: &Path) -> Result<Self, Error> {
        let bytes = std::fs::read(path).map_err(|source| Error::Read {
            path: path.to_path_buf(),
            source,
        })?;
        let name = path
            .file_name()
            .map(|name| name.to_string_lossy().into_owned())
            .unwrap_or_default();
        if !is_elf(&bytes) {
            return Err(Error::NotElf {
                path: path.to_path_buf(),
            });
        }
        let binary = InstalledBinary::parse(&name, format!("{SITE_PACKAGES}/{name}"), &bytes)
            .map_err(|source| Error::Elf {
                path: path.to_path_buf(),
                entry: name.clone(),
                source,
            })?;
        Ok(Self {
            path: path.to_path_buf(),
            filename: None,
            requires_dist: Vec::new(),
            binaries: vec![binary],
            entry_count: 1,
            record_mismatches: Vec::new(),
        })
    }

    /// The name to show for this input: the distribution name, or the file name.
    pub fn display_name(&self) -> String {
        match &self.filename {
            Some(filename) => filename.name.clone(),
            None => self
                .path
                .file_name()
                .map(|name| name.to_string_lossy().into_owned())
                .unwrap_or_default(),
        }
    }
}
