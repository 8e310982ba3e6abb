//! Tests of the one-pass verification: hashes, sizes, mismatch reporting, spooling and mapping.

use std::path::{Path, PathBuf};

use super::*;
use crate::test_wheels::{
    compile_shared_library, valid_entries, with_record, write_zip, ZipEntry, DIST_INFO, FILENAME,
};
use crate::{Record, RecordHash};

const ELF_MAGIC: &[u8] = b"\x7fELF";

/// Writes `entries` with RECORD rewritten by `edit` and opens the result.
fn open_with_record(
    directory: &Path,
    entries: Vec<ZipEntry>,
    edit: impl Fn(&mut Record),
) -> WheelReader {
    let mut entries = with_record(entries);
    let last = entries.len() - 1;
    let mut record = Record::parse(std::str::from_utf8(&entries[last].bytes).unwrap()).unwrap();
    edit(&mut record);
    entries[last].bytes = record.to_string().into_bytes();
    let path = write_zip(directory, FILENAME, &entries, &[]);
    WheelReader::open(&path).unwrap()
}

fn row<'a>(record: &'a mut Record, path: &str) -> &'a mut crate::RecordEntry {
    record
        .entries
        .iter_mut()
        .find(|entry| entry.path == path)
        .unwrap()
}

#[test]
fn verifies_and_keeps_elf_files_in_one_pass() {
    let directory = tempfile::tempdir().unwrap();
    let library = compile_shared_library(directory.path());
    assert_eq!(&library[..4], ELF_MAGIC);
    let mut entries = valid_entries();
    entries.push(ZipEntry::file("demo_pkg/_native.so", library.clone()));
    entries.push(ZipEntry::file("demo_pkg/empty.py", ""));
    entries.push(ZipEntry::file("demo_pkg/ab", "ab"));
    let wheel = open_with_record(directory.path(), entries, |_| {});
    let seen = std::sync::Mutex::new(Vec::new());
    let kept = wheel
        .verify_and_read(|name, head| {
            seen.lock().unwrap().push((name.to_string(), head.to_vec()));
            head == ELF_MAGIC
        })
        .unwrap();
    assert_eq!(kept, [("demo_pkg/_native.so".to_string(), library)]);
    let seen = seen.into_inner().unwrap();
    assert_eq!(seen.len(), wheel.entries().len());
    let head_of = |name: &str| {
        seen.iter()
            .find(|(seen, _)| seen == name)
            .unwrap()
            .1
            .clone()
    };
    assert_eq!(head_of("demo_pkg/empty.py"), b"");
    assert_eq!(head_of("demo_pkg/ab"), b"ab");
    assert_eq!(head_of("demo_pkg/__init__.py"), b"from");
    assert_eq!(
        recorded_hash(&wheel, "demo_pkg/ab"),
        Some(RecordHash::sha256(b"ab"))
    );
}

/// The hash a complete verification pass recorded for `name`, for the writer to reuse.
fn recorded_hash(wheel: &WheelReader, name: &str) -> Option<RecordHash> {
    let actual = wheel.opened.actual_records.get().unwrap();
    let index = wheel.opened.archive.index_for_name(name).unwrap();
    actual[index].as_ref().unwrap().hash.clone()
}

/// What a test `map` records of one entry: its kind and its bytes.
fn describe(content: EntryContent<'_>) -> (&'static str, u64, Vec<u8>) {
    let kind = match &content {
        EntryContent::Bytes(_) => "bytes",
        EntryContent::Spooled { .. } => "spooled",
    };
    let size = content.size();
    (kind, size, content.into_bytes().unwrap())
}

#[test]
fn maps_kept_entries_spooling_large_ones() {
    let directory = tempfile::tempdir().unwrap();
    let library = compile_shared_library(directory.path());
    let mut small_elf = ELF_MAGIC.to_vec();
    small_elf.extend_from_slice(b"\x02\x01 small");
    let mut entries = valid_entries();
    entries.push(ZipEntry::file("demo_pkg/_native.so", library.clone()));
    entries.push(ZipEntry::file("demo_pkg/_small.so", small_elf.clone()));
    let wheel = open_with_record(directory.path(), entries, |_| {});
    let threshold = 1000;
    assert!(library.len() > threshold && small_elf.len() < threshold);

    let mapped_by = std::sync::Mutex::new(Vec::new());
    let report = wheel
        .check_all(
            &|_, head| head == ELF_MAGIC,
            &|name, content| {
                let thread = std::thread::current().id();
                mapped_by.lock().unwrap().push((name.to_string(), thread));
                describe(content)
            },
            threshold as u64,
            Mismatches::Fail,
        )
        .unwrap();
    assert_eq!(
        report.kept,
        [
            (
                "demo_pkg/_native.so".to_string(),
                ("spooled", library.len() as u64, library.clone())
            ),
            (
                "demo_pkg/_small.so".to_string(),
                ("bytes", small_elf.len() as u64, small_elf)
            ),
        ]
    );
    assert!(report.mismatches.is_empty());
    // `map` ran in the pass's parallel tasks, not after the pass on the caller's thread.
    let mapped_by = mapped_by.into_inner().unwrap();
    assert_eq!(mapped_by.len(), 2);
    let caller = std::thread::current().id();
    assert!(mapped_by.iter().all(|(_, thread)| *thread != caller));
    // The pass was complete: the writer can reuse its hashes.
    assert_eq!(
        recorded_hash(&wheel, "demo_pkg/_native.so"),
        Some(RecordHash::sha256(&library))
    );

    // The public pass keeps a small library in memory (the threshold is megabytes).
    let kept = wheel
        .verify_and_map(|_, head| head == ELF_MAGIC, |_, content| describe(content))
        .unwrap();
    assert_eq!(kept[0].1, ("bytes", library.len() as u64, library));
}

#[test]
fn maps_or_fails_on_mismatches() {
    let directory = tempfile::tempdir().unwrap();
    let library = compile_shared_library(directory.path());
    let mut entries = valid_entries();
    entries.push(ZipEntry::file("demo_pkg/_native.so", library.clone()));
    let wrong = RecordHash::sha256(b"an older build");
    let wheel = open_with_record(directory.path(), entries, |record| {
        row(record, "demo_pkg/_native.so").hash = Some(wrong.clone());
        row(record, "demo_pkg/data.bin").size = Some(1);
    });
    let keep = |_: &str, head: &[u8]| head == ELF_MAGIC;

    let error = wheel
        .verify_and_map(keep, |_, content| content.size())
        .unwrap_err();
    assert!(
        matches!(&error, Error::SizeMismatch { name, .. } if name == "demo_pkg/data.bin"),
        "{error}"
    );
    assert!(wheel.opened.actual_records.get().is_none());

    let report = wheel
        .check_all(
            &keep,
            &|_, content| describe(content),
            100,
            Mismatches::Report,
        )
        .unwrap();
    assert_eq!(
        report.kept,
        [(
            "demo_pkg/_native.so".to_string(),
            ("spooled", library.len() as u64, library.clone())
        )]
    );
    let mismatched: Vec<&str> = report
        .mismatches
        .iter()
        .map(|error| match error {
            Error::HashMismatch { name, .. } | Error::SizeMismatch { name, .. } => name.as_str(),
            other => panic!("unexpected error: {other}"),
        })
        .collect();
    assert_eq!(mismatched, ["demo_pkg/data.bin", "demo_pkg/_native.so"]);
    // A reporting pass records the actual content, for the writer's RECORD.
    assert_eq!(
        recorded_hash(&wheel, "demo_pkg/_native.so"),
        Some(RecordHash::sha256(&library))
    );
}

#[test]
fn reads_one_entry() {
    let directory = tempfile::tempdir().unwrap();
    let wheel = open_with_record(directory.path(), valid_entries(), |_| {});
    assert_eq!(
        wheel.read("demo_pkg/_core.py").unwrap(),
        "def f():\n    return 1\n".repeat(50).into_bytes()
    );
    assert_eq!(wheel.read("demo_pkg/data.bin").unwrap(), vec![7u8; 3000]);
    let record = wheel.read(&format!("{DIST_INFO}/RECORD")).unwrap();
    assert_eq!(
        Record::parse(std::str::from_utf8(&record).unwrap()).unwrap(),
        *wheel.record()
    );
    let error = wheel.read("demo_pkg/absent.py").unwrap_err();
    assert!(matches!(error, Error::EntryNotFound { .. }), "{error}");
    assert!(error.to_string().contains("`demo_pkg/absent.py`"));
}

#[test]
fn accepts_sha384_and_sha512() {
    let directory = tempfile::tempdir().unwrap();
    let wheel = open_with_record(directory.path(), valid_entries(), |record| {
        use sha2::Digest;
        let core = "def f():\n    return 1\n".repeat(50);
        row(record, "demo_pkg/_core.py").hash = Some(RecordHash {
            algorithm: "sha384".to_string(),
            digest: sha2::Sha384::digest(core.as_bytes()).to_vec(),
        });
        row(record, "demo_pkg/__init__.py").hash = Some(RecordHash {
            algorithm: "sha512".to_string(),
            digest: sha2::Sha512::digest(b"from ._core import f\n").to_vec(),
        });
    });
    wheel.verify().unwrap();
}

#[test]
fn rejects_hash_mismatch_naming_entry_and_both_hashes() {
    let directory = tempfile::tempdir().unwrap();
    let wrong = RecordHash::sha256(b"something else");
    let wheel = open_with_record(directory.path(), valid_entries(), |record| {
        row(record, "demo_pkg/a,b.txt").hash = Some(wrong.clone());
    });
    let actual = RecordHash::sha256(b"comma in the name\n");
    for error in [
        wheel.verify().unwrap_err(),
        wheel.read("demo_pkg/a,b.txt").unwrap_err(),
    ] {
        match &error {
            Error::HashMismatch {
                name,
                expected,
                actual: found,
            } => {
                assert_eq!(name, "demo_pkg/a,b.txt");
                assert_eq!(*expected, wrong.to_string());
                assert_eq!(*found, actual.to_string());
            }
            other => panic!("unexpected error: {other}"),
        }
        let message = error.to_string();
        assert!(message.contains("`demo_pkg/a,b.txt`"), "{message}");
        assert!(message.contains(&wrong.to_string()), "{message}");
        assert!(message.contains(&actual.to_string()), "{message}");
    }
    assert!(wheel.opened.actual_records.get().is_none());
}

#[test]
fn rejects_size_mismatch() {
    let directory = tempfile::tempdir().unwrap();
    let wheel = open_with_record(directory.path(), valid_entries(), |record| {
        row(record, "demo_pkg/data.bin").size = Some(2999);
    });
    let error = wheel.verify().unwrap_err();
    assert!(
        matches!(&error, Error::SizeMismatch { name, expected: 2999, actual: 3000 }
            if name == "demo_pkg/data.bin"),
        "{error}"
    );
    assert!(error.to_string().contains("`demo_pkg/data.bin`"));
}

#[test]
fn reports_the_first_failing_entry_in_archive_order() {
    let directory = tempfile::tempdir().unwrap();
    let wheel = open_with_record(directory.path(), valid_entries(), |record| {
        row(record, "demo_pkg/__init__.py").size = Some(1);
        row(record, "demo_pkg/_core.py").size = Some(1);
        row(record, "demo_pkg/data.bin").size = Some(1);
    });
    for _ in 0..5 {
        let error = wheel.verify().unwrap_err();
        assert!(
            matches!(&error, Error::SizeMismatch { name, .. } if name == "demo_pkg/__init__.py"),
            "{error}"
        );
    }
}

#[test]
fn rejects_corrupt_data() {
    let directory = tempfile::tempdir().unwrap();
    let corrupt = |entry_name: &str| {
        let path = write_zip(
            directory.path(),
            FILENAME,
            &with_record(valid_entries()),
            &[],
        );
        let (start, length) = {
            let file = std::fs::File::open(&path).unwrap();
            let mut archive = zip::ZipArchive::new(file).unwrap();
            let entry = archive.by_name(entry_name).unwrap();
            (
                entry.data_start().unwrap() as usize,
                entry.compressed_size() as usize,
            )
        };
        let mut bytes = std::fs::read(&path).unwrap();
        bytes[start + length / 2] ^= 0x55;
        std::fs::write(&path, bytes).unwrap();
        path
    };

    // Content with a RECORD hash: the hash catches it.
    let wheel = WheelReader::open(&corrupt("demo_pkg/data.bin")).unwrap();
    let error = wheel.verify().unwrap_err();
    assert!(
        matches!(&error, Error::HashMismatch { name, .. } if name == "demo_pkg/data.bin"),
        "{error}"
    );

    // RECORD itself has no hash: the deflate stream or the zip CRC-32 catches it.
    let record_name = format!("{DIST_INFO}/RECORD");
    let error = WheelReader::open(&corrupt(&record_name)).unwrap_err();
    assert!(
        matches!(&error, Error::ReadEntry { name, .. } if *name == record_name),
        "{error}"
    );
    assert!(std::error::Error::source(&error).is_some());
}

/// The real PyPI wheels, when `scripts/fetch-fixtures.py` has downloaded them.
fn fixture_wheels() -> Vec<PathBuf> {
    let Some(home) = std::env::var_os("HOME") else {
        return Vec::new();
    };
    let directory = Path::new(&home).join(".cache/nativelib/fixtures");
    [
        "numpy-2.1.3-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
        "scipy-1.14.1-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
        "scipy_openblas64-0.3.34.481.3-py3-none-manylinux_2_27_x86_64.manylinux_2_28_x86_64.whl",
        "scipy_openblas32-0.3.27.44.6-py3-none-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
        "scikit_learn-1.5.2-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
    ]
    .iter()
    .map(|name| directory.join(name))
    .filter(|path| {
        let present = path.exists();
        if !present {
            eprintln!("note: skipping absent fixture {}", path.display());
        }
        present
    })
    .collect()
}

/// Opening reads only the central directory and metadata, so every wheel is opened; the
/// full content pass runs on the two provider wheels (about 50 MB uncompressed) to keep
/// unoptimized test builds quick. `nativelib show` exercises the rest.
#[test]
fn opens_and_verifies_real_wheels() {
    for path in fixture_wheels() {
        let wheel = WheelReader::open(&path).unwrap_or_else(|error| {
            panic!("{}: {error:?}", path.display());
        });
        assert_eq!(wheel.dist_info_dir(), wheel.filename().dist_info_dir());
        assert!(wheel.metadata().version().is_some());
        if !wheel.filename().name.starts_with("scipy_openblas") {
            continue;
        }
        let report = wheel
            .verify_and_map_reporting(
                |name, head| head == ELF_MAGIC && name.contains(".so"),
                |_, content| {
                    let spooled = matches!(content, EntryContent::Spooled { .. });
                    (content.size(), spooled)
                },
            )
            .unwrap_or_else(|error| panic!("{}: {error:?}", path.display()));
        assert!(!report.kept.is_empty(), "{}", path.display());
        for (name, (size, spooled)) in &report.kept {
            assert_eq!(Some(*size), wheel.entry(name).map(|entry| entry.size));
            assert_eq!(*spooled, *size > SPOOL_THRESHOLD, "{name}");
        }
        // The OpenBLAS library (over 20 MB) is handed over in a file.
        assert!(report.kept.iter().any(|(_, (_, spooled))| *spooled));
        // PyPI's scipy-openblas32 0.3.27.44.6 ships a RECORD row for its libgfortran that
        // predates the file's last rewrite; scipy-openblas64 0.3.34.481.3 is consistent.
        let mismatched: Vec<String> = report
            .mismatches
            .iter()
            .map(|error| match error {
                Error::HashMismatch { name, .. } => name.clone(),
                other => panic!("{}: {other}", path.display()),
            })
            .collect();
        if wheel.filename().name == "scipy_openblas32" {
            assert_eq!(
                mismatched,
                ["scipy_openblas32/lib/libgfortran-040039e1.so.5.0.0"]
            );
            let error = wheel.read(&mismatched[0]).unwrap_err();
            assert!(matches!(error, Error::HashMismatch { .. }), "{error}");
        } else {
            assert_eq!(mismatched, Vec::<String>::new(), "{}", path.display());
        }
    }
}
