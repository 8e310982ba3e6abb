//! Test support: builds real zip files (well formed or deliberately broken wheels) with the zip
//! crate, and a real ELF shared library with gcc.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

use crate::{Record, RecordEntry, RecordHash};

/// A predicate telling whether an error is the expected variant.
pub(crate) type IsExpected = fn(&crate::Error) -> bool;

/// The filename every test wheel uses unless a test needs another.
pub(crate) const FILENAME: &str = "demo_pkg-1.0-cp311-cp311-manylinux_2_17_x86_64.whl";
/// Its `.dist-info` directory.
pub(crate) const DIST_INFO: &str = "demo_pkg-1.0.dist-info";

/// One entry to put in a test zip.
#[derive(Debug, Clone)]
pub(crate) struct ZipEntry {
    pub(crate) name: String,
    pub(crate) bytes: Vec<u8>,
    /// Unix permission bits (0o644, 0o755).
    pub(crate) mode: u32,
    pub(crate) compression: CompressionMethod,
    pub(crate) symlink: bool,
}

impl ZipEntry {
    pub(crate) fn file(name: &str, bytes: impl Into<Vec<u8>>) -> ZipEntry {
        ZipEntry {
            name: name.to_string(),
            bytes: bytes.into(),
            mode: 0o644,
            compression: CompressionMethod::Deflated,
            symlink: false,
        }
    }
}

/// The files of a small valid wheel, without RECORD.
pub(crate) fn valid_entries() -> Vec<ZipEntry> {
    let mut executable = ZipEntry::file("demo_pkg-1.0.data/scripts/demo", "#!python\nprint(1)\n");
    executable.mode = 0o755;
    let mut stored = ZipEntry::file("demo_pkg/data.bin", vec![7u8; 3000]);
    stored.compression = CompressionMethod::Stored;
    vec![
        ZipEntry::file("demo_pkg/__init__.py", "from ._core import f\n"),
        ZipEntry::file("demo_pkg/_core.py", "def f():\n    return 1\n".repeat(50)),
        ZipEntry::file("demo_pkg/a,b.txt", "comma in the name\n"),
        stored,
        executable,
        ZipEntry::file(
            "demo_pkg-1.0.data/headers/demo.h",
            "int f(void);\n",
        ),
        ZipEntry::file(
            &format!("{DIST_INFO}/METADATA"),
            "Metadata-Version: 2.1\nName: demo-pkg\nVersion: 1.0\nRequires-Dist: numpy\n\nA demo.\n",
        ),
        ZipEntry::file(
            &format!("{DIST_INFO}/WHEEL"),
            "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: false\n\
             Tag: cp311-cp311-manylinux_2_17_x86_64\n",
        ),
    ]
}

/// A RECORD (sha256) for `entries`, listing RECORD itself last.
pub(crate) fn record_for(entries: &[ZipEntry]) -> String {
    let mut record = Record::default();
    for entry in entries {
        if entry.name.ends_with('/') {
            continue;
        }
        record.entries.push(RecordEntry {
            path: entry.name.clone(),
            hash: Some(RecordHash::sha256(&entry.bytes)),
            size: Some(entry.bytes.len() as u64),
        });
    }
    record.entries.push(RecordEntry {
        path: format!("{DIST_INFO}/RECORD"),
        hash: None,
        size: None,
    });
    record.to_string()
}

/// `entries` plus a matching RECORD.
pub(crate) fn with_record(mut entries: Vec<ZipEntry>) -> Vec<ZipEntry> {
    let record = record_for(&entries);
    entries.push(ZipEntry::file(&format!("{DIST_INFO}/RECORD"), record));
    entries
}

/// Writes `entries` as a zip to `directory/filename`, then replaces each `(from, to)` byte string
/// (same length) everywhere in the file, which forges names the zip writer would refuse.
pub(crate) fn write_zip(
    directory: &Path,
    filename: &str,
    entries: &[ZipEntry],
    renames: &[(&str, &str)],
) -> PathBuf {
    let mut zip = ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for entry in entries {
        let options = SimpleFileOptions::default()
            .compression_method(entry.compression)
            .unix_permissions(entry.mode);
        if entry.symlink {
            let target = String::from_utf8(entry.bytes.clone()).unwrap();
            zip.add_symlink(entry.name.as_str(), target, options)
                .unwrap();
        } else if entry.name.ends_with('/') {
            zip.add_directory(entry.name.as_str(), options).unwrap();
        } else {
            zip.start_file(entry.name.as_str(), options).unwrap();
            zip.write_all(&entry.bytes).unwrap();
        }
    }
    let mut bytes = zip.finish().unwrap().into_inner();
    for (from, to) in renames {
        assert_eq!(from.len(), to.len(), "renames must keep the length");
        let from = from.as_bytes();
        let mut found = false;
        let mut position = 0;
        while let Some(offset) = bytes[position..]
            .windows(from.len())
            .position(|window| window == from)
        {
            let start = position + offset;
            bytes[start..start + from.len()].copy_from_slice(to.as_bytes());
            position = start + from.len();
            found = true;
        }
        assert!(
            found,
            "`{}` not found in the zip",
            String::from_utf8_lossy(from)
        );
    }
    let path = directory.join(filename);
    std::fs::write(&path, bytes).unwrap();
    path
}

/// Writes a valid wheel with a correct RECORD and returns its path.
pub(crate) fn write_valid_wheel(directory: &Path) -> PathBuf {
    write_zip(directory, FILENAME, &with_record(valid_entries()), &[])
}

/// A real ELF shared library, compiled with gcc.
pub(crate) fn compile_shared_library(directory: &Path) -> Vec<u8> {
    let source = directory.join("demo.c");
    std::fs::write(&source, "int demo_answer(void) { return 42; }\n").unwrap();
    let output = directory.join("libdemo.so");
    let status = Command::new("gcc")
        .args(["-shared", "-fPIC", "-o"])
        .arg(&output)
        .arg(&source)
        .status()
        .expect("gcc runs");
    assert!(status.success(), "gcc failed");
    std::fs::read(output).unwrap()
}
