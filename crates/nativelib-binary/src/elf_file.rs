//! What an ELF file says about how it is loaded: class, machine, kind, interpreter, SONAME,
//! `DT_NEEDED`, search paths, dynamic symbols and symbol versions.

use std::io::{Read, Seek};

use object::elf;
use object::read::elf::{FileHeader, ProgramHeader};
use object::read::{ReadCache, ReadRef};
use object::Endianness as ObjectEndianness;

use crate::symbols::{read_symbols, text};
use crate::{DynamicSymbol, Error, Machine, SearchPath, SearchPathKind, VersionRequirement};

/// Whether the bytes start with the ELF magic number (nothing else is checked).
pub fn is_elf(bytes: &[u8]) -> bool {
    bytes.starts_with(&elf::ELFMAG)
}

/// The ELF class: 32- or 64-bit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ElfClass {
    /// `ELFCLASS32`.
    Elf32,
    /// `ELFCLASS64`.
    Elf64,
}

/// The byte order of the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Endianness {
    /// `ELFDATA2LSB`.
    Little,
    /// `ELFDATA2MSB`.
    Big,
}

/// What kind of object the file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ElfKind {
    /// `ET_DYN` without the `DF_1_PIE` flag: a shared library or extension module.
    SharedObject,
    /// `ET_EXEC`, or `ET_DYN` with the `DF_1_PIE` flag (a position-independent executable).
    Executable,
    /// `ET_REL`: an object file.
    Relocatable,
    /// Anything else (core files, processor-specific types).
    Other,
}

/// The C library an object was built against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Libc {
    /// GNU libc (manylinux).
    Glibc,
    /// musl (musllinux).
    Musl,
    /// Neither could be recognized.
    Unknown,
}

/// The loading-related contents of an ELF file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ElfFile {
    /// 32- or 64-bit.
    pub class: ElfClass,
    /// The byte order.
    pub endianness: Endianness,
    /// The `e_machine` field.
    pub machine: Machine,
    /// Shared object, executable, relocatable or other.
    pub kind: ElfKind,
    /// The `PT_INTERP` path, if any.
    pub interpreter: Option<String>,
    /// The `DT_SONAME` entry, if any.
    pub soname: Option<String>,
    /// The `DT_NEEDED` entries, in order.
    pub needed: Vec<String>,
    /// The raw `DT_RPATH` value, if any.
    pub rpath: Option<String>,
    /// The raw `DT_RUNPATH` value, if any.
    pub runpath: Option<String>,
    /// Dynamic symbols this object exports: defined, global or weak, default or protected
    /// visibility.
    pub defined_symbols: Vec<DynamicSymbol>,
    /// Dynamic symbols this object imports (undefined, global or weak).
    pub undefined_symbols: Vec<DynamicSymbol>,
    /// The `.gnu.version_r` entries: per needed file, the version names required from it.
    pub version_requirements: Vec<VersionRequirement>,
    /// The `.gnu.version_d` names, excluding the base (file) entry.
    pub version_definitions: Vec<String>,
}

/// Symbols the linker defines in every shared object; they belong to no library's interface.
pub const LINKER_DEFINED_SYMBOLS: &[&str] = &[
    "_init",
    "_fini",
    "_edata",
    "_end",
    "__bss_start",
    "_DYNAMIC",
];

impl ElfFile {
    /// Parse the loading-related contents of an ELF file.
    pub fn parse(bytes: &[u8]) -> Result<ElfFile, Error> {
        Self::parse_from(bytes)
    }

    /// Parse the loading-related contents of an ELF file from a stream, reading only the ranges
    /// the parse needs: the headers, the dynamic section, the dynamic symbols and their strings,
    /// and the version sections. A large file is never held whole.
    pub fn parse_reader<R: Read + Seek>(reader: R) -> Result<ElfFile, Error> {
        let reader = ErrorRecordingReader::new(reader);
        let cache = ReadCache::new(reader);
        let parsed = Self::parse_from(&cache);
        // The cache turns I/O errors into "malformed file" errors; report them as they are.
        match cache.into_inner().error {
            Some(source) => Err(Error::Read { source }),
            None => parsed,
        }
    }

    /// Parse the loading-related contents of an ELF file from any `object` data source: a byte
    /// slice, or a [`ReadCache`] that reads ranges from a file on demand.
    pub fn parse_from<'data, R: ReadRef<'data>>(data: R) -> Result<ElfFile, Error> {
        if !data.read_bytes_at(0, 4).is_ok_and(is_elf) {
            return Err(Error::NotElf);
        }
        // The class byte follows the four magic bytes.
        match data
            .read_bytes_at(4, 1)
            .map(|class| elf::FileClass(class[0]))
        {
            Ok(elf::ELFCLASS32) => {
                parse_class::<elf::FileHeader32<ObjectEndianness>, R>(data, ElfClass::Elf32)
            }
            Ok(elf::ELFCLASS64) => {
                parse_class::<elf::FileHeader64<ObjectEndianness>, R>(data, ElfClass::Elf64)
            }
            _ => Err(Error::Unsupported {
                reason: "unknown ELF class".to_string(),
            }),
        }
    }

    /// The names this object exports for other objects to bind to: its defined dynamic symbols
    /// without the ones every linker defines (`_init`, `_end`, ...) and without the absolute
    /// symbols that carry version definition names (`GFORTRAN_8`).
    pub fn exported_names(&self) -> impl Iterator<Item = &str> {
        self.defined_symbols
            .iter()
            .map(|symbol| symbol.name.as_str())
            .filter(|name| {
                !LINKER_DEFINED_SYMBOLS.contains(name)
                    && !self
                        .version_definitions
                        .iter()
                        .any(|version| version == name)
            })
    }

    /// A copy without the symbol tables, for work that only follows dependencies (resolution
    /// over a whole environment) and should not hold tens of thousands of names twice.
    pub fn without_symbols(&self) -> ElfFile {
        ElfFile {
            class: self.class,
            endianness: self.endianness,
            machine: self.machine,
            kind: self.kind,
            interpreter: self.interpreter.clone(),
            soname: self.soname.clone(),
            needed: self.needed.clone(),
            rpath: self.rpath.clone(),
            runpath: self.runpath.clone(),
            defined_symbols: Vec::new(),
            undefined_symbols: Vec::new(),
            version_requirements: self.version_requirements.clone(),
            version_definitions: self.version_definitions.clone(),
        }
    }

    /// The search path glibc uses for this object: `DT_RUNPATH` if present (a `DT_RPATH`
    /// is then ignored), else `DT_RPATH`.
    pub fn search_path(&self) -> Option<SearchPath> {
        if let Some(value) = &self.runpath {
            return Some(SearchPath {
                kind: SearchPathKind::Runpath,
                value: value.clone(),
            });
        }
        self.rpath.as_ref().map(|value| SearchPath {
            kind: SearchPathKind::Rpath,
            value: value.clone(),
        })
    }

    /// The C library this object was built against, judged from its interpreter and
    /// `DT_NEEDED` entries.
    pub fn libc(&self) -> Libc {
        let interpreter = self.interpreter.as_deref().unwrap_or_default();
        if interpreter.contains("ld-musl")
            || self
                .needed
                .iter()
                // Alpine names musl `libc.musl-<arch>.so.1`; Debian's musl-gcc links `libc.so`
                // (glibc's is always `libc.so.6`).
                .any(|needed| needed.starts_with("libc.musl-") || needed == "libc.so")
        {
            return Libc::Musl;
        }
        if interpreter.contains("ld-linux")
            || self.needed.iter().any(|needed| needed == "libc.so.6")
        {
            return Libc::Glibc;
        }
        Libc::Unknown
    }

    /// The manylinux architecture name, taking class and byte order into account
    /// (`ppc64` for big-endian `EM_PPC64`; `unknown` for combinations wheels do not use,
    /// such as 32-bit `EM_X86_64`).
    pub fn architecture(&self) -> &'static str {
        let name = self.machine.name();
        match (name, self.class, self.endianness) {
            ("ppc64le", ElfClass::Elf64, Endianness::Big) => "ppc64",
            ("ppc64le", ElfClass::Elf64, Endianness::Little) => "ppc64le",
            ("x86_64" | "aarch64" | "ppc64le" | "s390x" | "riscv64" | "loongarch64", _, _)
                if self.class != ElfClass::Elf64 =>
            {
                "unknown"
            }
            ("i686" | "armv7l", _, _) if self.class != ElfClass::Elf32 => "unknown",
            _ => name,
        }
    }

    /// The versions this object requires from the needed file `file`, if it has a
    /// `.gnu.version_r` entry for it.
    pub fn required_versions(&self, file: &str) -> Option<&[String]> {
        self.version_requirements
            .iter()
            .find(|requirement| requirement.file == file)
            .map(|requirement| requirement.versions.as_slice())
    }
}

fn parse_class<'data, Elf: FileHeader<Endian = ObjectEndianness>, R: ReadRef<'data>>(
    bytes: R,
    class: ElfClass,
) -> Result<ElfFile, Error> {
    let header = Elf::parse(bytes)?;
    let endian = header.endian()?;
    let endianness = match endian {
        ObjectEndianness::Little => Endianness::Little,
        ObjectEndianness::Big => Endianness::Big,
    };
    let segments = header.program_headers(endian, bytes)?;
    let sections = header.sections(endian, bytes)?;

    let mut interpreter = None;
    for segment in segments {
        if let Some(path) = segment.interpreter(endian, bytes)? {
            interpreter = Some(text(path));
            break;
        }
    }

    let mut soname = None;
    let mut needed = Vec::new();
    let mut rpath = None;
    let mut runpath = None;
    let mut is_position_independent_executable = false;
    let dynamic = sections.dynamic_table(endian, bytes)?;
    for entry in dynamic.iter() {
        match entry.tag {
            elf::DT_NEEDED => needed.push(text(dynamic.string(entry)?)),
            elf::DT_SONAME => soname = Some(text(dynamic.string(entry)?)),
            elf::DT_RPATH => rpath = Some(text(dynamic.string(entry)?)),
            elf::DT_RUNPATH => runpath = Some(text(dynamic.string(entry)?)),
            elf::DT_FLAGS_1 => {
                is_position_independent_executable = entry.val & elf::DF_1_PIE.0 != 0;
            }
            _ => {}
        }
    }

    let kind = match header.e_type(endian) {
        elf::ET_EXEC => ElfKind::Executable,
        elf::ET_DYN if is_position_independent_executable => ElfKind::Executable,
        elf::ET_DYN => ElfKind::SharedObject,
        elf::ET_REL => ElfKind::Relocatable,
        _ => ElfKind::Other,
    };

    let symbols = read_symbols(endian, bytes, &sections)?;

    Ok(ElfFile {
        class,
        endianness,
        machine: Machine(header.e_machine(endian).0),
        kind,
        interpreter,
        soname,
        needed,
        rpath,
        runpath,
        defined_symbols: symbols.defined,
        undefined_symbols: symbols.undefined,
        version_requirements: symbols.version_requirements,
        version_definitions: symbols.version_definitions,
    })
}

/// A reader that remembers the first I/O error it returned, so a parse through
/// [`ReadCache`] (which keeps only "failed") can report it.
struct ErrorRecordingReader<R> {
    reader: R,
    error: Option<std::io::Error>,
}

impl<R> ErrorRecordingReader<R> {
    fn new(reader: R) -> Self {
        Self {
            reader,
            error: None,
        }
    }

    /// Keeps the first error and passes on one of the same kind.
    fn record<T>(&mut self, result: std::io::Result<T>) -> std::io::Result<T> {
        result.map_err(|error| {
            let kind = error.kind();
            self.error.get_or_insert(error);
            std::io::Error::from(kind)
        })
    }
}

impl<R: Read> Read for ErrorRecordingReader<R> {
    fn read(&mut self, buffer: &mut [u8]) -> std::io::Result<usize> {
        let result = self.reader.read(buffer);
        self.record(result)
    }
}

impl<R: Seek> Seek for ErrorRecordingReader<R> {
    fn seek(&mut self, position: std::io::SeekFrom) -> std::io::Result<u64> {
        let result = self.reader.seek(position);
        self.record(result)
    }
}

#[cfg(test)]
mod tests {
    use std::io::{Cursor, Read, Seek, SeekFrom};

    use object::read::ReadCache;

    use super::{is_elf, ElfClass, ElfFile, ElfKind, Endianness, Libc};
    use crate::test_support::{host_architecture, wheel_member, Fixture};
    use crate::{Error, SearchPathKind};

    /// A reader that counts the bytes read through it, and fails every read past `fail_after`.
    struct MeteredReader<R> {
        reader: R,
        bytes_read: u64,
        fail_after: u64,
    }

    impl<R> MeteredReader<R> {
        fn new(reader: R) -> Self {
            Self {
                reader,
                bytes_read: 0,
                fail_after: u64::MAX,
            }
        }
    }

    impl<R: Read + Seek> Read for MeteredReader<R> {
        fn read(&mut self, buffer: &mut [u8]) -> std::io::Result<usize> {
            if self.reader.stream_position()? >= self.fail_after {
                return Err(std::io::Error::other("the disk went away"));
            }
            let read = self.reader.read(buffer)?;
            self.bytes_read += read as u64;
            Ok(read)
        }
    }

    impl<R: Seek> Seek for MeteredReader<R> {
        fn seek(&mut self, position: SeekFrom) -> std::io::Result<u64> {
            self.reader.seek(position)
        }
    }

    fn symbol<'a>(symbols: &'a [crate::DynamicSymbol], name: &str) -> &'a crate::DynamicSymbol {
        symbols
            .iter()
            .find(|symbol| symbol.name == name)
            .unwrap_or_else(|| panic!("no symbol {name} in {symbols:?}"))
    }

    #[test]
    fn versioned_library() {
        let fixture = Fixture::new();
        let library = ElfFile::parse(&fixture.read("lib/libversioned.so.1")).unwrap();

        let expected_class = if cfg!(target_pointer_width = "64") {
            ElfClass::Elf64
        } else {
            ElfClass::Elf32
        };
        assert_eq!(library.class, expected_class);
        let expected_endianness = if cfg!(target_endian = "little") {
            Endianness::Little
        } else {
            Endianness::Big
        };
        assert_eq!(library.endianness, expected_endianness);
        assert_eq!(library.architecture(), host_architecture());
        assert_eq!(library.kind, ElfKind::SharedObject);
        assert_eq!(library.interpreter, None);
        assert_eq!(library.soname.as_deref(), Some("libversioned.so.1"));
        assert_eq!(library.search_path(), None);
        assert_eq!(library.version_definitions, ["VERS_1.0", "VERS_2.0"]);

        let old = symbol(&library.defined_symbols, "versioned_old");
        assert_eq!(old.version.as_deref(), Some("VERS_1.0"));
        assert_eq!(old.version_file, None);
        assert!(old.is_function && !old.is_weak);
        let data = symbol(&library.defined_symbols, "versioned_data");
        assert_eq!(data.version.as_deref(), Some("VERS_1.0"));
        assert!(!data.is_function);
        let weak = symbol(&library.defined_symbols, "versioned_weak");
        assert_eq!(weak.version.as_deref(), Some("VERS_2.0"));
        assert!(weak.is_weak && weak.is_function);
        assert_eq!(
            symbol(&library.defined_symbols, "versioned_new").display_name(),
            "versioned_new@VERS_2.0"
        );
        assert!(!library
            .defined_symbols
            .iter()
            .any(|symbol| symbol.name == "versioned_hidden"));
        // No version node names a hidden or local symbol, and nothing defined is undefined.
        assert!(library
            .undefined_symbols
            .iter()
            .all(|symbol| !symbol.name.starts_with("versioned_")));
    }

    #[test]
    fn consumer_with_rpath() {
        let fixture = Fixture::new();
        let consumer = ElfFile::parse(&fixture.read("libconsumer.so")).unwrap();

        assert_eq!(consumer.kind, ElfKind::SharedObject);
        assert_eq!(consumer.soname, None);
        assert_eq!(consumer.needed[..2], ["libversioned.so.1", "libplain.so"]);
        assert_eq!(consumer.rpath.as_deref(), Some("$ORIGIN/lib"));
        assert_eq!(consumer.runpath, None);
        let search_path = consumer.search_path().unwrap();
        assert_eq!(search_path.kind, SearchPathKind::Rpath);
        assert_eq!(search_path.entries().collect::<Vec<_>>(), ["$ORIGIN/lib"]);

        let new = symbol(&consumer.undefined_symbols, "versioned_new");
        assert_eq!(new.version.as_deref(), Some("VERS_2.0"));
        assert_eq!(new.version_file.as_deref(), Some("libversioned.so.1"));
        assert!(new.is_function);
        let data = symbol(&consumer.undefined_symbols, "versioned_data");
        assert_eq!(data.version.as_deref(), Some("VERS_1.0"));
        assert!(!data.is_function);
        let exported = symbol(&consumer.defined_symbols, "consumer_value");
        assert_eq!(exported.version, None);

        let mut versions = consumer
            .required_versions("libversioned.so.1")
            .unwrap()
            .to_vec();
        versions.sort();
        assert_eq!(versions, ["VERS_1.0", "VERS_2.0"]);
        assert_eq!(consumer.required_versions("libplain.so"), None);
        assert!(consumer
            .version_requirements
            .iter()
            .all(|requirement| consumer.needed.contains(&requirement.file)));
    }

    #[test]
    fn program_with_runpath() {
        let fixture = Fixture::new();
        let program = ElfFile::parse(&fixture.read("program")).unwrap();

        assert_eq!(program.kind, ElfKind::Executable);
        assert!(program
            .interpreter
            .as_deref()
            .is_some_and(|interpreter| interpreter.contains("ld-")));
        assert_eq!(program.libc(), Libc::Glibc);
        assert_eq!(program.rpath, None);
        assert_eq!(program.runpath.as_deref(), Some("$ORIGIN/lib"));
        assert_eq!(
            program.search_path().map(|path| path.kind),
            Some(SearchPathKind::Runpath)
        );
        assert_eq!(program.needed[0], "libversioned.so.1");
        assert!(program
            .undefined_symbols
            .iter()
            .any(|symbol| symbol.version_file.as_deref() == Some("libc.so.6")
                && symbol
                    .version
                    .as_deref()
                    .is_some_and(|v| v.starts_with("GLIBC_"))));
    }

    #[test]
    fn libc_detection() {
        let fixture = Fixture::new();
        let mut file = ElfFile::parse(&fixture.read("lib/libplain.so")).unwrap();
        assert_eq!(file.libc(), Libc::Glibc);
        file.needed.clear();
        assert_eq!(file.libc(), Libc::Unknown);
        file.interpreter = Some("/lib/ld-musl-x86_64.so.1".to_string());
        assert_eq!(file.libc(), Libc::Musl);
        file.interpreter = None;
        file.needed = vec!["libc.musl-x86_64.so.1".to_string()];
        assert_eq!(file.libc(), Libc::Musl);
        file.needed = vec![];
        file.interpreter = Some("/lib64/ld-linux-x86-64.so.2".to_string());
        assert_eq!(file.libc(), Libc::Glibc);
    }

    #[test]
    fn architecture_uses_class_and_byte_order() {
        let fixture = Fixture::new();
        let mut file = ElfFile::parse(&fixture.read("lib/libplain.so")).unwrap();
        file.machine = crate::Machine(21);
        file.class = ElfClass::Elf64;
        file.endianness = Endianness::Big;
        assert_eq!(file.architecture(), "ppc64");
        file.endianness = Endianness::Little;
        assert_eq!(file.architecture(), "ppc64le");
        file.machine = crate::Machine(62);
        file.class = ElfClass::Elf32;
        assert_eq!(file.architecture(), "unknown");
        file.machine = crate::Machine(3);
        assert_eq!(file.architecture(), "i686");
    }

    #[test]
    fn rejects_what_is_not_elf() {
        assert!(is_elf(b"\x7fELF\x02\x01"));
        assert!(!is_elf(b"\x7fEL"));
        assert!(!is_elf(b"PK\x03\x04"));
        assert!(matches!(ElfFile::parse(b""), Err(Error::NotElf)));
        assert!(matches!(ElfFile::parse(b"#!/bin/sh\n"), Err(Error::NotElf)));
        assert!(matches!(
            ElfFile::parse(b"\x7fELF\x09"),
            Err(Error::Unsupported { .. })
        ));
    }

    #[test]
    fn rejects_truncated_files() {
        let fixture = Fixture::new();
        let bytes = fixture.read("libconsumer.so");
        for length in [5, 20, 64, 200, bytes.len() / 2] {
            let error = ElfFile::parse(&bytes[..length]).unwrap_err();
            assert!(
                matches!(error, Error::Malformed { .. }),
                "{length} bytes: {error:?}"
            );
            assert!(std::error::Error::source(&error).is_some());
        }
    }

    #[test]
    fn stream_parse_matches_slice_parse() {
        let fixture = Fixture::new();
        for name in [
            "lib/libversioned.so.1",
            "lib/libplain.so",
            "libconsumer.so",
            "program",
            "hello",
        ] {
            let from_slice = ElfFile::parse(&fixture.read(name)).unwrap();
            let file = std::fs::File::open(fixture.path(name)).unwrap();
            assert_eq!(ElfFile::parse_reader(file).unwrap(), from_slice, "{name}");
            let cache = ReadCache::new(std::fs::File::open(fixture.path(name)).unwrap());
            assert_eq!(ElfFile::parse_from(&cache).unwrap(), from_slice, "{name}");
        }
        // A big real library: the OpenBLAS of a pinned PyPI wheel (about 14,000 dynamic
        // symbols), when cached.
        if let Some(bytes) = wheel_member(
            "scipy_openblas32-",
            "scipy_openblas32/lib/libscipy_openblas.so",
        ) {
            let from_slice = ElfFile::parse(&bytes).unwrap();
            assert!(from_slice.defined_symbols.len() > 5000);
            let mut reader = MeteredReader::new(Cursor::new(&bytes));
            assert_eq!(ElfFile::parse_reader(&mut reader).unwrap(), from_slice);
            assert!(
                reader.bytes_read < bytes.len() as u64 / 10,
                "{} of {} bytes read",
                reader.bytes_read,
                bytes.len()
            );
        }
    }

    #[test]
    fn stream_parse_reads_only_what_it_needs() {
        let fixture = Fixture::new();
        fixture.write(
            "big.c",
            b"const char big_table[8 << 20] = {1};\nint big_value(void) { return big_table[7]; }\n",
        );
        fixture
            .try_compile(&["-shared", "-fPIC", "-o", "libbig.so", "big.c"])
            .unwrap();
        let bytes = fixture.read("libbig.so");
        assert!(bytes.len() > 8 << 20);
        let from_slice = ElfFile::parse(&bytes).unwrap();
        assert!(from_slice
            .defined_symbols
            .iter()
            .any(|symbol| symbol.name == "big_table"));

        let mut reader =
            MeteredReader::new(std::fs::File::open(fixture.path("libbig.so")).unwrap());
        assert_eq!(ElfFile::parse_reader(&mut reader).unwrap(), from_slice);
        assert!(
            reader.bytes_read < 64 * 1024,
            "{} bytes read",
            reader.bytes_read
        );
    }

    #[test]
    fn stream_parse_reports_read_errors_and_bad_input() {
        let fixture = Fixture::new();
        let bytes = fixture.read("libconsumer.so");
        let mut reader = MeteredReader::new(Cursor::new(&bytes));
        reader.fail_after = 64;
        let error = ElfFile::parse_reader(reader).unwrap_err();
        assert!(matches!(error, Error::Read { .. }), "{error:?}");
        let source = std::error::Error::source(&error).unwrap();
        assert_eq!(source.to_string(), "the disk went away");

        for bad in [&b""[..], b"#!/bin/sh\n", b"\x7fEL"] {
            let error = ElfFile::parse_reader(Cursor::new(bad)).unwrap_err();
            assert!(matches!(error, Error::NotElf), "{bad:?}: {error:?}");
        }
        let error = ElfFile::parse_reader(Cursor::new(b"\x7fELF\x09")).unwrap_err();
        assert!(matches!(error, Error::Unsupported { .. }), "{error:?}");
        let error = ElfFile::parse_reader(Cursor::new(&bytes[..bytes.len() / 2])).unwrap_err();
        assert!(matches!(error, Error::Malformed { .. }), "{error:?}");
    }
}
