//! Tests of the deterministic writer: ordering, timestamps, modes, RECORD, raw copies, failures.

use std::io::Read;
use std::path::Path;

use super::*;
use crate::test_wheels::{
    valid_entries, with_record, write_zip, IsExpected, ZipEntry, DIST_INFO, FILENAME,
};

/// 2023-11-14T22:13:20Z.
const EPOCH: u64 = 1_700_000_000;

fn new_writer() -> WheelWriter {
    let mut writer = WheelWriter::new(DIST_INFO);
    writer.set_source_date_epoch(EPOCH);
    writer
}

fn add_valid_files(writer: &mut WheelWriter, entries: &[ZipEntry]) {
    for entry in entries {
        writer.add_file(&entry.name, entry.bytes.clone(), entry.mode == 0o755);
    }
}

fn file_names(directory: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(directory)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Every entry's (name, compression, raw compressed bytes, mtime parts, unix mode).
#[allow(clippy::type_complexity)]
fn raw_entries(
    path: &Path,
) -> Vec<(
    String,
    CompressionMethod,
    Vec<u8>,
    (u16, u8, u8, u8, u8, u8),
    Option<u32>,
)> {
    let mut archive = zip::ZipArchive::new(File::open(path).unwrap()).unwrap();
    (0..archive.len())
        .map(|index| {
            let mut entry = archive.by_index_raw(index).unwrap();
            let time = entry.last_modified().unwrap();
            let mut bytes = Vec::new();
            entry.read_to_end(&mut bytes).unwrap();
            (
                entry.name().unwrap().to_string(),
                entry.compression(),
                bytes,
                (
                    time.year(),
                    time.month(),
                    time.day(),
                    time.hour(),
                    time.minute(),
                    time.second(),
                ),
                entry.unix_mode(),
            )
        })
        .collect()
}

#[test]
fn writes_byte_identical_wheels_in_any_add_order() {
    let directory = tempfile::tempdir().unwrap();
    let entries = valid_entries();
    let first = directory.path().join("first").join(FILENAME);
    let second = directory.path().join("second").join(FILENAME);
    std::fs::create_dir_all(first.parent().unwrap()).unwrap();
    std::fs::create_dir_all(second.parent().unwrap()).unwrap();

    let mut writer = new_writer();
    add_valid_files(&mut writer, &entries);
    writer.write(&first).unwrap();
    let mut writer = new_writer();
    let reversed: Vec<ZipEntry> = entries.iter().rev().cloned().collect();
    add_valid_files(&mut writer, &reversed);
    writer.write(&second).unwrap();
    assert_eq!(
        std::fs::read(&first).unwrap(),
        std::fs::read(&second).unwrap()
    );

    let mut writer = WheelWriter::new(DIST_INFO);
    writer.set_source_date_epoch(EPOCH + 3600);
    add_valid_files(&mut writer, &entries);
    writer.write(&second).unwrap();
    assert_ne!(
        std::fs::read(&first).unwrap(),
        std::fs::read(&second).unwrap()
    );
    assert_eq!(file_names(second.parent().unwrap()), [FILENAME]);
    let mode = std::fs::metadata(&second).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o644);
}

#[test]
fn sorts_entries_with_dist_info_last_and_fixes_times_and_modes() {
    let directory = tempfile::tempdir().unwrap();
    let path = directory.path().join(FILENAME);
    let mut writer = new_writer();
    add_valid_files(&mut writer, &valid_entries());
    writer.add_file("zzz_top.py", b"x = 1\n".to_vec(), false);
    writer.write(&path).unwrap();

    let entries = raw_entries(&path);
    let names: Vec<&str> = entries.iter().map(|entry| entry.0.as_str()).collect();
    assert_eq!(
        names,
        [
            "demo_pkg-1.0.data/headers/demo.h",
            "demo_pkg-1.0.data/scripts/demo",
            "demo_pkg/__init__.py",
            "demo_pkg/_core.py",
            "demo_pkg/a,b.txt",
            "demo_pkg/data.bin",
            "zzz_top.py",
            "demo_pkg-1.0.dist-info/METADATA",
            "demo_pkg-1.0.dist-info/WHEEL",
            "demo_pkg-1.0.dist-info/RECORD",
        ]
    );
    for (name, compression, _, time, mode) in &entries {
        assert_eq!(*compression, CompressionMethod::Deflated, "{name}");
        assert_eq!(*time, (2023, 11, 14, 22, 13, 20), "{name}");
        let expected = if name.ends_with("scripts/demo") {
            0o100_755
        } else {
            0o100_644
        };
        assert_eq!(*mode, Some(expected), "{name}");
    }
}

#[test]
fn generates_record_and_round_trips_through_the_reader() {
    let directory = tempfile::tempdir().unwrap();
    let path = directory.path().join(FILENAME);
    let mut writer = new_writer();
    add_valid_files(&mut writer, &valid_entries());
    // A stale RECORD from the caller is replaced.
    writer.add_file(&format!("{DIST_INFO}/RECORD"), b"stale,,\n".to_vec(), false);
    writer.write(&path).unwrap();

    let wheel = WheelReader::open(&path).unwrap();
    wheel.verify().unwrap();
    let record = &wheel.record().entries;
    assert_eq!(record.len(), valid_entries().len() + 1);
    let last = record.last().unwrap();
    assert_eq!(
        (last.path.as_str(), &last.hash, last.size),
        ("demo_pkg-1.0.dist-info/RECORD", &None, None)
    );
    for entry in valid_entries() {
        let row = wheel.record().get(&entry.name).unwrap();
        assert_eq!(
            row.hash,
            Some(RecordHash::sha256(&entry.bytes)),
            "{}",
            entry.name
        );
        assert_eq!(row.size, Some(entry.bytes.len() as u64));
        assert_eq!(wheel.read(&entry.name).unwrap(), entry.bytes);
    }
    let text = String::from_utf8(wheel.read(&format!("{DIST_INFO}/RECORD")).unwrap()).unwrap();
    assert!(text.contains("\"demo_pkg/a,b.txt\",sha256="), "{text}");
}

/// A source wheel whose deflated entries use level 1, so recompressing would change them.
fn write_source_wheel(directory: &Path) -> std::path::PathBuf {
    let entries = with_record(valid_entries());
    let mut zip = ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for entry in &entries {
        let options = SimpleFileOptions::default()
            .compression_method(entry.compression)
            .compression_level((entry.compression == CompressionMethod::Deflated).then_some(1))
            .unix_permissions(entry.mode);
        zip.start_file(entry.name.as_str(), options).unwrap();
        std::io::Write::write_all(&mut zip, &entry.bytes).unwrap();
    }
    let path = directory.join(FILENAME);
    std::fs::write(&path, zip.finish().unwrap().into_inner()).unwrap();
    path
}

#[test]
fn copies_raw_without_recompressing() {
    let directory = tempfile::tempdir().unwrap();
    let source_path = write_source_wheel(directory.path());
    let source = WheelReader::open(&source_path).unwrap();
    let output_directory = directory.path().join("out");
    std::fs::create_dir(&output_directory).unwrap();
    let output = output_directory.join(FILENAME);

    let metadata_name = format!("{DIST_INFO}/METADATA");
    let mut metadata = source.metadata().clone();
    metadata.add_requires_dist("scipy-openblas32>=0.3.27");
    let mut writer = new_writer();
    for entry in source.entries() {
        if entry.name == metadata_name {
            writer.add_file(&entry.name, metadata.to_string().into_bytes(), false);
        } else {
            writer.copy_raw(&source, &entry.name);
        }
    }
    writer.write(&output).unwrap();

    let source_entries = raw_entries(&source_path);
    let output_entries = raw_entries(&output);
    for (name, compression, bytes, time, mode) in &output_entries {
        assert_eq!(*time, (2023, 11, 14, 22, 13, 20), "{name}");
        if name == &metadata_name || name.ends_with("/RECORD") {
            continue;
        }
        let original = source_entries
            .iter()
            .find(|entry| &entry.0 == name)
            .unwrap();
        assert_eq!(*compression, original.1, "{name}");
        assert_eq!(*bytes, original.2, "{name}: compressed bytes differ");
        assert_eq!(*mode, original.4, "{name}");
    }
    let data = output_entries
        .iter()
        .find(|entry| entry.0 == "demo_pkg/data.bin")
        .unwrap();
    assert_eq!(data.1, CompressionMethod::Stored);

    let rewritten = WheelReader::open(&output).unwrap();
    rewritten.verify().unwrap();
    assert_eq!(rewritten.metadata(), &metadata);
    for row in &source.record().entries {
        if row.path != metadata_name {
            assert_eq!(rewritten.record().get(&row.path), Some(row), "{}", row.path);
        }
    }
}

/// A valid wheel whose RECORD gives `demo_pkg/_core.py` a wrong hash.
fn write_stale_record_wheel(directory: &Path) -> std::path::PathBuf {
    let mut entries = with_record(valid_entries());
    let last = entries.len() - 1;
    let record = String::from_utf8(entries[last].bytes.clone()).unwrap();
    let right = RecordHash::sha256(&entries[1].bytes).to_string();
    let wrong = RecordHash::sha256(b"stale").to_string();
    entries[last].bytes = record.replace(&right, &wrong).into_bytes();
    write_zip(directory, FILENAME, &entries, &[])
}

#[test]
fn raw_copy_from_unverified_source_checks_its_record() {
    let directory = tempfile::tempdir().unwrap();
    let source = WheelReader::open(&write_stale_record_wheel(directory.path())).unwrap();
    let output_directory = directory.path().join("out");
    std::fs::create_dir(&output_directory).unwrap();
    let mut writer = new_writer();
    for entry in source.entries() {
        writer.copy_raw(&source, &entry.name);
    }
    let error = writer.write(&output_directory.join(FILENAME)).unwrap_err();
    assert!(
        matches!(&error, Error::HashMismatch { name, .. } if name == "demo_pkg/_core.py"),
        "{error}"
    );
    assert_eq!(file_names(&output_directory), Vec::<String>::new());
}

#[test]
fn raw_copy_after_reporting_pass_records_actual_hashes() {
    let directory = tempfile::tempdir().unwrap();
    let source = WheelReader::open(&write_stale_record_wheel(directory.path())).unwrap();
    let report = source.verify_and_read_reporting(|_, _| false).unwrap();
    assert_eq!(report.mismatches.len(), 1);
    let output_directory = directory.path().join("out");
    std::fs::create_dir(&output_directory).unwrap();
    let output = output_directory.join(FILENAME);
    let mut writer = new_writer();
    for entry in source.entries() {
        writer.copy_raw(&source, &entry.name);
    }
    writer.write(&output).unwrap();
    let rewritten = WheelReader::open(&output).unwrap();
    rewritten.verify().unwrap();
    assert_eq!(
        rewritten.record().get("demo_pkg/_core.py").unwrap().hash,
        Some(RecordHash::sha256(&valid_entries()[1].bytes))
    );
}

#[test]
fn rejects_bad_input_and_leaves_nothing_behind() {
    let directory = tempfile::tempdir().unwrap();
    let source = WheelReader::open(&write_source_wheel(directory.path())).unwrap();
    let output_directory = directory.path().join("out");
    std::fs::create_dir(&output_directory).unwrap();
    let output = output_directory.join(FILENAME);
    type AddInput = fn(&mut WheelWriter, &WheelReader);
    let cases: Vec<(AddInput, IsExpected)> = vec![
        (
            |writer, _| writer.add_file("demo_pkg/_core.py", Vec::new(), false),
            |error| matches!(error, Error::DuplicateEntry { name } if name == "demo_pkg/_core.py"),
        ),
        (
            |writer, _| writer.add_file("../escape.py", Vec::new(), false),
            |error| matches!(error, Error::ParentComponent { .. }),
        ),
        (
            |writer, _| writer.add_file("other-1.0.dist-info/METADATA", Vec::new(), false),
            |error| matches!(error, Error::UnexpectedDistInfo { .. }),
        ),
        (
            |writer, _| writer.add_file("demo_pkg-1.0.data/lib/x.so", Vec::new(), false),
            |error| matches!(error, Error::UnknownDataScheme { .. }),
        ),
        (
            |writer, _| writer.add_file("demo_pkg/sub/", Vec::new(), false),
            |error| matches!(error, Error::DirectoryName { .. }),
        ),
        (
            |writer, source| writer.copy_raw(source, "demo_pkg/absent.py"),
            |error| matches!(error, Error::EntryNotFound { name } if name == "demo_pkg/absent.py"),
        ),
    ];
    for (add, is_expected) in cases {
        let mut writer = new_writer();
        add_valid_files(&mut writer, &valid_entries());
        add(&mut writer, &source);
        let error = writer.write(&output).unwrap_err();
        assert!(is_expected(&error), "{error}");
        assert_eq!(file_names(&output_directory), Vec::<String>::new());
    }

    let mut writer = new_writer();
    writer.add_file(
        &format!("{DIST_INFO}/WHEEL"),
        b"Wheel-Version: 1.0\n".to_vec(),
        false,
    );
    let error = writer.write(&output).unwrap_err();
    assert!(
        matches!(&error, Error::MissingDistInfoFile { name } if name.ends_with("/METADATA")),
        "{error}"
    );
}

#[test]
fn reports_an_unwritable_destination() {
    let directory = tempfile::tempdir().unwrap();
    let mut writer = new_writer();
    add_valid_files(&mut writer, &valid_entries());
    let output = directory.path().join("absent-dir").join(FILENAME);
    let error = writer.write(&output).unwrap_err();
    assert!(matches!(error, Error::Write { .. }), "{error}");
    assert!(error.to_string().contains("absent-dir"), "{error}");
}
