//! The deterministic wheel writer: sorted entries with the `.dist-info` directory last and RECORD
//! the very last, fixed timestamps and modes, new files compressed in parallel, unchanged files
//! copied raw, and the output written to a temporary file that is renamed into place.

use std::collections::HashSet;
use std::fs::{File, Permissions};
use std::io::BufWriter;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;
use tempfile::NamedTempFile;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, PreparedZipFile, ZipArchive, ZipWriter};

use crate::layout::{check_entry_path, Layout};
use crate::reader::{is_record_or_signature, OpenedWheel};
use crate::shared_file::SharedFile;
use crate::timestamp::{parse_source_date_epoch, zip_timestamp, ZIP_EPOCH};
use crate::{Error, Record, RecordEntry, RecordHash, WheelReader};

/// The mode of a regular file.
const FILE_MODE: u32 = 0o644;
/// The mode of an executable file.
const EXECUTABLE_MODE: u32 = 0o755;
/// The mode of the written wheel file itself.
const OUTPUT_FILE_MODE: u32 = 0o644;
/// The output buffer size.
const OUTPUT_BUFFER_LENGTH: usize = 1024 * 1024;
/// The deflate level of new files unless set: zlib's default, as Python's `zipfile` uses.
const DEFAULT_COMPRESSION_LEVEL: u32 = 6;

/// Writes a wheel byte-for-byte reproducibly.
///
/// Entries are sorted by name with the `.dist-info` directory last and RECORD (generated, sha256)
/// the very last entry. Every timestamp is `SOURCE_DATE_EPOCH` if set, else 1980-01-01; modes are
/// 0o644, or 0o755 for executables; new files are deflated. Directory entries are not written.
#[derive(Debug)]
pub struct WheelWriter {
    layout: Layout,
    files: Vec<PendingFile>,
    source_date_epoch: Option<u64>,
    compression_level: u32,
}

#[derive(Debug)]
enum PendingFile {
    New {
        name: String,
        bytes: Vec<u8>,
        executable: bool,
    },
    Prepared {
        name: String,
        prepared: Box<PreparedFile>,
    },
    Raw {
        name: String,
        source: Arc<OpenedWheel>,
    },
}

impl PendingFile {
    fn name(&self) -> &str {
        match self {
            PendingFile::New { name, .. }
            | PendingFile::Raw { name, .. }
            | PendingFile::Prepared { name, .. } => name,
        }
    }
}

/// A new file compressed ahead of [`WheelWriter::write`].
#[derive(Debug)]
pub struct PreparedFile {
    prepared: PreparedZipFile,
    record_entry: RecordEntry,
}

/// A file ready to be appended, with its RECORD row.
enum ReadyFile {
    Compressed(PreparedZipFile),
    Raw {
        source: Arc<OpenedWheel>,
        index: usize,
        mode: u32,
    },
}

impl WheelWriter {
    /// A writer for a wheel whose metadata directory is `dist_info_dir` (`numpy-2.1.3.dist-info`).
    pub fn new(dist_info_dir: &str) -> WheelWriter {
        WheelWriter {
            layout: Layout::for_dist_info_dir(dist_info_dir),
            files: Vec::new(),
            source_date_epoch: None,
            compression_level: DEFAULT_COMPRESSION_LEVEL,
        }
    }

    /// Uses `seconds` since the Unix epoch as every entry's timestamp, instead of reading
    /// `SOURCE_DATE_EPOCH` at [`write`](Self::write) time.
    pub fn set_source_date_epoch(&mut self, seconds: u64) {
        self.source_date_epoch = Some(seconds);
    }

    /// Sets the deflate level (1 fastest to 9 smallest; clamped) for new files; default 6.
    /// Raw copies keep their compressed bytes whatever the level.
    pub fn set_compression_level(&mut self, level: u32) {
        self.compression_level = level.clamp(1, 9);
    }

    /// Adds a file to compress at [`write`](Self::write). A caller-supplied RECORD (or RECORD
    /// signature) is ignored: RECORD is always generated.
    pub fn add_file(&mut self, name: &str, bytes: Vec<u8>, executable: bool) {
        self.files.push(PendingFile::New {
            name: name.to_string(),
            bytes,
            executable,
        });
    }

    /// Compresses and hashes a new file now (callable from parallel tasks), to add with
    /// [`add_prepared`](Self::add_prepared).
    pub fn prepare_file(
        &self,
        name: &str,
        bytes: &[u8],
        executable: bool,
    ) -> Result<PreparedFile, Error> {
        let timestamp = self.timestamp()?;
        let mode = if executable {
            EXECUTABLE_MODE
        } else {
            FILE_MODE
        };
        let options = file_options(timestamp, mode, self.compression_level);
        let prepared = PreparedZipFile::from_data(name, options, bytes).map_err(|source| {
            Error::WriteEntry {
                name: name.to_string(),
                source,
            }
        })?;
        Ok(PreparedFile {
            prepared,
            record_entry: RecordEntry {
                path: name.to_string(),
                hash: Some(RecordHash::sha256(bytes)),
                size: Some(bytes.len() as u64),
            },
        })
    }

    /// Adds a file compressed by [`prepare_file`](Self::prepare_file).
    pub fn add_prepared(&mut self, name: &str, prepared: PreparedFile) {
        self.files.push(PendingFile::Prepared {
            name: name.to_string(),
            prepared: Box::new(prepared),
        });
    }

    /// Adds `source`'s entry `name`, copied at [`write`](Self::write) without recompressing.
    /// Its RECORD row is the content's hash and size as found by `source`'s last complete
    /// verification pass ([`WheelReader::verify`] and friends); without one, the entry is
    /// checked against the source's RECORD at `write` (a mismatch fails). Executable source files
    /// stay 0o755; timestamps are reset like every other entry's.
    pub fn copy_raw(&mut self, source: &WheelReader, name: &str) {
        self.files.push(PendingFile::Raw {
            name: name.to_string(),
            source: Arc::clone(&source.opened),
        });
    }

    /// Writes the wheel to a temporary file in `out_path`'s directory and renames it into place;
    /// on error nothing is left behind.
    pub fn write(self, out_path: &Path) -> Result<(), Error> {
        let timestamp = self.timestamp()?;
        let compression_level = self.compression_level;
        let record_name = format!("{}/RECORD", self.layout.dist_info_dir);
        let dist_info_prefix = format!("{}/", self.layout.dist_info_dir);
        let files = self.checked_files()?;
        let raw_records = raw_record_entries(&files)?;

        // Compress and hash new files in parallel.
        let mut ready: Vec<(String, ReadyFile, RecordEntry)> = files
            .into_par_iter()
            .zip(raw_records)
            .with_max_len(1)
            .map(|(file, raw_record)| prepare(file, raw_record, timestamp, compression_level))
            .collect::<Result<_, _>>()?;
        let in_dist_info = |name: &str| name.starts_with(&dist_info_prefix);
        ready.sort_by(|(left, ..), (right, ..)| {
            (in_dist_info(left), left).cmp(&(in_dist_info(right), right))
        });

        let directory = match out_path.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let temporary = NamedTempFile::new_in(&directory).map_err(|source| Error::Write {
            path: directory.clone(),
            source,
        })?;
        let output = temporary
            .as_file()
            .try_clone()
            .map_err(|source| Error::Write {
                path: temporary.path().to_path_buf(),
                source,
            })?;
        let mut zip = ZipWriter::new(BufWriter::with_capacity(OUTPUT_BUFFER_LENGTH, output));
        let mut record = Record::default();
        for (name, file, record_entry) in ready {
            let result = match file {
                ReadyFile::Compressed(prepared) => zip.add_prepared_file(prepared),
                ReadyFile::Raw {
                    source,
                    index,
                    mode,
                } => {
                    let mut archive = source.archive.clone();
                    archive
                        .by_index_raw(index)
                        .and_then(|entry| zip.raw_copy_file_touch(entry, timestamp, Some(mode)))
                }
            };
            result.map_err(|source| Error::WriteEntry { name, source })?;
            record.entries.push(record_entry);
        }
        record.entries.push(RecordEntry {
            path: record_name.clone(),
            hash: None,
            size: None,
        });
        PreparedZipFile::from_data(
            &record_name,
            file_options(timestamp, FILE_MODE, compression_level),
            record.to_string().as_bytes(),
        )
        .and_then(|prepared| zip.add_prepared_file(prepared))
        .map_err(|source| Error::WriteEntry {
            name: record_name,
            source,
        })?;
        let buffered = zip.finish().map_err(Error::FinishArchive)?;
        let write_error = |source| Error::Write {
            path: temporary.path().to_path_buf(),
            source,
        };
        let output: File = buffered
            .into_inner()
            .map_err(|error| write_error(error.into_error()))?;
        // The temporary file is created 0o600; a wheel is an ordinary readable file.
        output
            .set_permissions(Permissions::from_mode(OUTPUT_FILE_MODE))
            .map_err(write_error)?;
        output.sync_data().map_err(write_error)?;
        drop(output);
        temporary.persist(out_path).map_err(|error| Error::Write {
            path: out_path.to_path_buf(),
            source: error.error,
        })?;
        Ok(())
    }

    /// The timestamp for every entry: the explicit one, else `SOURCE_DATE_EPOCH` (unless empty),
    /// else 1980-01-01.
    fn timestamp(&self) -> Result<DateTime, Error> {
        let seconds = match self.source_date_epoch {
            Some(seconds) => Some(seconds),
            None => match std::env::var("SOURCE_DATE_EPOCH") {
                Ok(value) if !value.trim().is_empty() => Some(parse_source_date_epoch(&value)?),
                _ => None,
            },
        };
        Ok(zip_timestamp(seconds.unwrap_or(ZIP_EPOCH)))
    }

    /// Checks names (safe, in the layout, unique, METADATA and WHEEL present) and drops directory
    /// entries and caller-supplied RECORD files.
    fn checked_files(self) -> Result<Vec<PendingFile>, Error> {
        let mut names = HashSet::new();
        let mut files = Vec::with_capacity(self.files.len());
        for file in self.files {
            let name = file.name();
            check_entry_path(name)?;
            self.layout.check_entry(name)?;
            if name.ends_with('/') {
                if let PendingFile::New { .. } = file {
                    return Err(Error::DirectoryName {
                        name: name.to_string(),
                    });
                }
                continue;
            }
            if is_record_or_signature(name, &self.layout.dist_info_dir) {
                continue;
            }
            if !names.insert(name.to_string()) {
                return Err(Error::DuplicateEntry {
                    name: name.to_string(),
                });
            }
            files.push(file);
        }
        for required in ["METADATA", "WHEEL"] {
            let name = format!("{}/{required}", self.layout.dist_info_dir);
            if !names.contains(&name) {
                return Err(Error::MissingDistInfoFile { name });
            }
        }
        Ok(files)
    }
}

/// The RECORD row of each raw copy (`None` for new files): the actual hash and size from the
/// source's complete verification pass if it had one, else checked now, in parallel, against
/// the source's RECORD (a mismatch fails).
fn raw_record_entries(files: &[PendingFile]) -> Result<Vec<Option<RecordEntry>>, Error> {
    type Handle = Option<(usize, ZipArchive<SharedFile>, Vec<u8>)>;
    files
        .par_iter()
        .with_max_len(1)
        .map_init(
            || -> Handle { None },
            |handle, file| {
                let PendingFile::Raw { name, source } = file else {
                    return Ok(None);
                };
                let index = source_index(source, name)?;
                let known = source
                    .actual_records
                    .get()
                    .and_then(|records| records.get(index).cloned().flatten());
                if let Some(actual) = known {
                    return Ok(Some(actual));
                }
                let key = Arc::as_ptr(source) as usize;
                let (archive, buffer) = match handle {
                    Some((cached, archive, buffer)) if *cached == key => (archive, buffer),
                    _ => {
                        let (_, archive, buffer) =
                            handle.insert((key, source.archive.clone(), Vec::new()));
                        (archive, buffer)
                    }
                };
                let check = source.check_entry(archive, buffer, index, &|_, _| false)?;
                if let Some(mismatch) = check.mismatch {
                    return Err(mismatch);
                }
                Ok(check.actual)
            },
        )
        .collect()
}

/// The archive index of `name` in `source`.
fn source_index(source: &OpenedWheel, name: &str) -> Result<usize, Error> {
    source
        .archive
        .index_for_name(name)
        .ok_or_else(|| Error::EntryNotFound {
            name: name.to_string(),
        })
}

/// Compresses a new file (or locates a raw one) and builds its RECORD row; `raw_record` is a
/// raw copy's row from [`raw_record_entries`].
fn prepare(
    file: PendingFile,
    raw_record: Option<RecordEntry>,
    timestamp: DateTime,
    compression_level: u32,
) -> Result<(String, ReadyFile, RecordEntry), Error> {
    match file {
        PendingFile::New {
            name,
            bytes,
            executable,
        } => {
            let mode = if executable {
                EXECUTABLE_MODE
            } else {
                FILE_MODE
            };
            let options = file_options(timestamp, mode, compression_level);
            let prepared =
                PreparedZipFile::from_data(&name, options, &bytes).map_err(|source| {
                    Error::WriteEntry {
                        name: name.clone(),
                        source,
                    }
                })?;
            let record_entry = RecordEntry {
                path: name.clone(),
                hash: Some(RecordHash::sha256(&bytes)),
                size: Some(bytes.len() as u64),
            };
            Ok((name, ReadyFile::Compressed(prepared), record_entry))
        }
        PendingFile::Prepared { name, prepared } => Ok((
            name,
            ReadyFile::Compressed(prepared.prepared),
            prepared.record_entry,
        )),
        PendingFile::Raw { name, source } => {
            let index = source_index(&source, &name)?;
            let entry = &source.entries[index];
            let mode = match entry.unix_mode {
                Some(mode) if mode & 0o111 != 0 => EXECUTABLE_MODE,
                _ => FILE_MODE,
            };
            let record_entry = raw_record.unwrap_or_else(|| RecordEntry {
                path: name.clone(),
                hash: None,
                size: Some(entry.size),
            });
            Ok((
                name,
                ReadyFile::Raw {
                    source,
                    index,
                    mode,
                },
                record_entry,
            ))
        }
    }
}

/// Deflate at `level`, a fixed timestamp and mode.
fn file_options(timestamp: DateTime, mode: u32, level: u32) -> SimpleFileOptions {
    SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .compression_level(Some(i64::from(level)))
        .last_modified_time(timestamp)
        .unix_permissions(mode)
}

#[cfg(test)]
mod tests {
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
}
