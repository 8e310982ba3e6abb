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
/// The deflate level of new files unless set. zlib-rs (a port of zlib-ng) at 6 compresses about
/// 4% worse than zlib at 6, the level `zipfile` and `wheel` write: a rewritten extension module
/// came out larger than the published one. At 7 it matches zlib's 6 (scikit-learn 1.5.2's `_loss`
/// module: 557.0 kB published; 583.8 kB at 6, 560.8 kB at 7, 549.9 kB at 9), at a fraction of
/// 9's cost (linking scipy: about 0.6 s at 6, 0.7 s at 7, 0.84 s at 9; measured).
const DEFAULT_COMPRESSION_LEVEL: u32 = 7;

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

    /// Sets the deflate level (1 fastest to 9 smallest; clamped) for new files; default 7.
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
mod tests;
