//! The ELF files of a wheel (or of a bare library file), parsed and placed at their install path.

use std::path::{Path, PathBuf};

use nativelib_binary::{is_elf, ElfFile};
use nativelib_wheel::{EntryContent, WheelFilename, WheelReader};

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
        Ok(Self::from_elf(entry, install_path, bytes.len() as u64, elf))
    }

    /// Places an already parsed ELF file of `size` bytes.
    pub fn from_elf(entry: &str, install_path: String, size: u64, elf: ElfFile) -> Self {
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
        Self {
            entry: entry.to_string(),
            install_path,
            size,
            role,
            elf,
        }
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
        self.elf
            .soname
            .as_deref()
            .unwrap_or_else(|| self.file_name())
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
    ///
    /// Each ELF file is parsed inside the verification pass as soon as it is verified, and large
    /// ones are read from a temporary file, so memory stays far below the wheel's size.
    pub fn from_reader(reader: &WheelReader, check: RecordCheck) -> Result<Self, Error> {
        let path = reader.path();
        let wheel_error = |source| Error::Wheel {
            path: path.to_path_buf(),
            source,
        };
        let data_dir = reader.filename().data_dir();
        let keep = |_: &str, first_bytes: &[u8]| is_elf(first_bytes);
        let parse = |entry: &str, content: EntryContent<'_>| {
            let size = content.size();
            let elf = match content {
                EntryContent::Bytes(bytes) => ElfFile::parse(bytes),
                EntryContent::Spooled { file, .. } => ElfFile::parse_reader(file),
            }?;
            let install_path = install_path(entry, &data_dir);
            Ok(InstalledBinary::from_elf(entry, install_path, size, elf))
        };
        let (parsed, record_mismatches) = match check {
            RecordCheck::Strict => (
                reader.verify_and_map(keep, parse).map_err(wheel_error)?,
                Vec::new(),
            ),
            RecordCheck::Report => {
                let report = reader
                    .verify_and_map_reporting(keep, parse)
                    .map_err(wheel_error)?;
                let mismatches = report.mismatches.iter().map(ToString::to_string).collect();
                (report.kept, mismatches)
            }
        };
        // In archive order, so the error reported is the same on every run.
        let mut binaries = parsed
            .into_iter()
            .map(|(entry, binary)| {
                binary.map_err(|source| Error::Elf {
                    path: path.to_path_buf(),
                    entry,
                    source,
                })
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

    /// A copy whose binaries carry no symbol tables (see [`ElfFile::without_symbols`]): enough
    /// for [`crate::resolve`], which only follows DT_NEEDED and search paths.
    pub fn without_symbols(&self) -> InstalledWheel {
        InstalledWheel {
            path: self.path.clone(),
            filename: self.filename.clone(),
            requires_dist: self.requires_dist.clone(),
            binaries: self
                .binaries
                .iter()
                .map(|binary| InstalledBinary {
                    entry: binary.entry.clone(),
                    install_path: binary.install_path.clone(),
                    size: binary.size,
                    role: binary.role,
                    elf: binary.elf.without_symbols(),
                })
                .collect(),
            entry_count: self.entry_count,
            record_mismatches: self.record_mismatches.clone(),
        }
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

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};
    use std::process::Command;

    use nativelib_wheel::{WheelWriter, SPOOL_THRESHOLD};

    use super::*;

    /// A directory under the system temporary directory, removed when dropped.
    struct ScratchDirectory(PathBuf);

    impl ScratchDirectory {
        fn new(name: &str) -> Self {
            let path = std::env::temp_dir().join(format!("{name}-{}", std::process::id()));
            std::fs::create_dir_all(&path).unwrap();
            Self(path)
        }
    }

    impl Drop for ScratchDirectory {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    /// Compiles `source` into the shared library `name` in `directory`; returns its bytes.
    fn compile(directory: &Path, name: &str, source: &str) -> Vec<u8> {
        let source_path = directory.join(format!("{name}.c"));
        std::fs::write(&source_path, source).unwrap();
        let output = directory.join(name);
        let status = Command::new("cc")
            .args(["-shared", "-fPIC", "-o"])
            .arg(&output)
            .arg(&source_path)
            .status()
            .expect("run cc");
        assert!(status.success());
        std::fs::read(output).unwrap()
    }

    #[test]
    fn parses_small_and_spooled_binaries_like_their_bytes() {
        let scratch = ScratchDirectory::new("nativelib-audit-inventory");
        let small = compile(
            &scratch.0,
            "_small.so",
            "int PyInit__small(void) { return 0; }\n",
        );
        // Over the spool threshold: parsed from a temporary file inside the pass.
        let large = compile(
            &scratch.0,
            "libbig.so",
            "const char big_table[3 << 20] = {1};\nint big_value(void) { return big_table[5]; }\n",
        );
        assert!(large.len() as u64 > SPOOL_THRESHOLD);
        assert!((small.len() as u64) < SPOOL_THRESHOLD);

        let mut writer = WheelWriter::new("demo-1.0.dist-info");
        writer.add_file(
            "demo-1.0.dist-info/METADATA",
            b"Metadata-Version: 2.1\nName: demo\nVersion: 1.0\n".to_vec(),
            false,
        );
        writer.add_file(
            "demo-1.0.dist-info/WHEEL",
            b"Wheel-Version: 1.0\nRoot-Is-Purelib: false\nTag: cp311-cp311-linux_x86_64\n".to_vec(),
            false,
        );
        writer.add_file("demo/__init__.py", b"".to_vec(), false);
        writer.add_file("demo/_small.so", small.clone(), true);
        writer.add_file("demo.libs/libbig.so", large.clone(), true);
        let path = scratch.0.join("demo-1.0-cp311-cp311-linux_x86_64.whl");
        writer.write(&path).unwrap();

        for check in [RecordCheck::Strict, RecordCheck::Report] {
            let wheel = InstalledWheel::read(&path, check).unwrap();
            assert_eq!(wheel.entry_count, 6);
            assert!(wheel.record_mismatches.is_empty());
            let entries: Vec<&str> = wheel.binaries.iter().map(|b| b.entry.as_str()).collect();
            assert_eq!(entries, ["demo.libs/libbig.so", "demo/_small.so"]);
            for (binary, bytes) in wheel.binaries.iter().zip([&large, &small]) {
                let expected =
                    InstalledBinary::parse(&binary.entry, binary.install_path.clone(), bytes)
                        .unwrap();
                assert_eq!(binary.elf, expected.elf, "{}", binary.entry);
                assert_eq!(binary.size, bytes.len() as u64);
                assert_eq!(binary.role, expected.role);
            }
            assert_eq!(wheel.binaries[0].role, BinaryRole::Library);
            assert_eq!(wheel.binaries[1].role, BinaryRole::ExtensionModule);
            assert!(wheel.binaries[0]
                .elf
                .defined_symbols
                .iter()
                .any(|symbol| symbol.name == "big_table"));
        }
    }
}
