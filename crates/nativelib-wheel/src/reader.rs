//! Opening a wheel: the zip central directory, entry-name and layout checks, the parsed
//! METADATA/WHEEL/RECORD, and the RECORD-versus-archive listing check. Content verification
//! lives in `verify.rs`.

use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use zip::ZipArchive;

use crate::layout::{check_entry_path, Layout};
use crate::shared_file::SharedFile;
use crate::{normalize_name, CoreMetadata, Error, Record, RecordEntry, WheelFile, WheelFilename};

/// The unix file-type bits of a symbolic link.
const SYMLINK_MODE: u32 = 0o120_000;
/// The mask of the unix file-type bits.
const FILE_TYPE_MASK: u32 = 0o170_000;
/// The central directory is read whole only to name a duplicate entry; cap what that may read.
const CENTRAL_DIRECTORY_SCAN_LIMIT: u64 = 256 * 1024 * 1024;

/// One entry of the archive, as listed in its central directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WheelEntry {
    /// The entry's path inside the wheel (directories end in `/`).
    pub name: String,
    /// The uncompressed size the central directory declares.
    pub size: u64,
    /// The compressed size.
    pub compressed_size: u64,
    /// The unix mode, when the archive records one.
    pub unix_mode: Option<u32>,
    /// Whether the entry is a directory.
    pub is_dir: bool,
}

/// An open wheel whose names, layout and metadata have been checked.
///
/// Opening reads only the central directory and the three metadata files; content is streamed
/// from the file on demand (the wheel is never loaded whole). Cloning is cheap and shares the
/// open file.
#[derive(Debug, Clone)]
pub struct WheelReader {
    pub(crate) opened: Arc<OpenedWheel>,
}

/// Everything [`WheelReader::open`] establishes, shared by clones and by writers copying from it.
#[derive(Debug)]
pub(crate) struct OpenedWheel {
    pub(crate) path: PathBuf,
    pub(crate) filename: WheelFilename,
    pub(crate) archive: ZipArchive<SharedFile>,
    pub(crate) entries: Vec<WheelEntry>,
    pub(crate) layout: Layout,
    pub(crate) metadata: CoreMetadata,
    pub(crate) wheel_file: WheelFile,
    pub(crate) record: Record,
    /// RECORD row index of each entry that RECORD lists.
    pub(crate) record_rows: HashMap<String, usize>,
    /// After a complete verification pass: each entry's actual hash (in RECORD's algorithm) and
    /// size, by archive index (`None` for directories and entries RECORD lists without a hash).
    pub(crate) actual_records: OnceLock<Vec<Option<RecordEntry>>>,
}

impl WheelReader {
    /// Opens a wheel and checks everything that does not need decompressing file contents:
    /// the filename; entry names (no absolute paths, `..`, backslashes, symlinks, duplicates);
    /// the layout (one `.dist-info` matching the filename, `.data/<scheme>` with a known scheme);
    /// METADATA, WHEEL and RECORD present and well formed; and RECORD listing exactly the
    /// archive's files, each with a supported hash (sha256, sha384, sha512).
    ///
    /// Content hashes and sizes are checked by [`verify`](Self::verify).
    pub fn open(path: &Path) -> Result<WheelReader, Error> {
        let filename = parse_filename(path)?;
        let file = File::open(path).map_err(Error::Io)?;
        let source = SharedFile::new(file).map_err(Error::Io)?;
        let archive = ZipArchive::new(source.clone()).map_err(Error::NotAZip)?;
        if archive.has_duplicate_names() {
            return Err(Error::DuplicateEntry {
                name: find_duplicate_name(&source, archive.central_directory_start()),
            });
        }
        let entries = list_entries(&archive)?;
        let layout = Layout::find(&filename, entries.iter().map(|entry| entry.name.as_str()))?;
        for entry in &entries {
            layout.check_entry(&entry.name)?;
        }

        let read_text = |file_name: &str| -> Result<(String, String), Error> {
            let name = format!("{}/{file_name}", layout.dist_info_dir);
            let index = archive
                .index_for_name(&name)
                .ok_or_else(|| Error::MissingDistInfoFile { name: name.clone() })?;
            let mut bytes = Vec::new();
            archive
                .clone()
                .by_index(index)
                .and_then(|mut file| Ok(file.read_to_end(&mut bytes)?))
                .map_err(|source| Error::ReadEntry {
                    name: name.clone(),
                    source,
                })?;
            let text = String::from_utf8(bytes).map_err(|error| Error::InvalidDistInfoFile {
                name: name.clone(),
                source: Box::new(Error::NotUtf8(error)),
            })?;
            Ok((name, text))
        };
        let invalid = |name: &str| {
            let name = name.to_string();
            move |error| Error::InvalidDistInfoFile {
                name,
                source: Box::new(error),
            }
        };

        let (metadata_name, text) = read_text("METADATA")?;
        let metadata = CoreMetadata::parse(&text).map_err(invalid(&metadata_name))?;
        check_metadata(&metadata, &metadata_name, &filename)?;

        let (wheel_name, text) = read_text("WHEEL")?;
        let wheel_file = WheelFile::parse(&text).map_err(invalid(&wheel_name))?;
        check_wheel_file(&wheel_file, &wheel_name)?;

        let (record_name, text) = read_text("RECORD")?;
        let record = Record::parse(&text).map_err(invalid(&record_name))?;
        let record_rows = check_record_listing(&record, &entries, &layout)?;

        Ok(WheelReader {
            opened: Arc::new(OpenedWheel {
                path: path.to_path_buf(),
                filename,
                archive,
                entries,
                layout,
                metadata,
                wheel_file,
                record,
                record_rows,
                actual_records: OnceLock::new(),
            }),
        })
    }

    /// The path the wheel was opened from.
    pub fn path(&self) -> &Path {
        &self.opened.path
    }

    /// The parsed filename.
    pub fn filename(&self) -> &WheelFilename {
        &self.opened.filename
    }

    /// Every entry, in central-directory order.
    pub fn entries(&self) -> &[WheelEntry] {
        &self.opened.entries
    }

    /// The `.dist-info` directory as spelled in the archive (`numpy-2.1.3.dist-info`).
    pub fn dist_info_dir(&self) -> &str {
        &self.opened.layout.dist_info_dir
    }

    /// The `.data` directory this wheel may use (`numpy-2.1.3.data`), whether or not it has one.
    pub fn data_dir(&self) -> &str {
        &self.opened.layout.data_dir
    }

    /// The parsed METADATA.
    pub fn metadata(&self) -> &CoreMetadata {
        &self.opened.metadata
    }

    /// The parsed WHEEL file.
    pub fn wheel_file(&self) -> &WheelFile {
        &self.opened.wheel_file
    }

    /// The parsed RECORD.
    pub fn record(&self) -> &Record {
        &self.opened.record
    }

    /// The entry called `name`, if the archive has one.
    pub fn entry(&self, name: &str) -> Option<&WheelEntry> {
        let index = self.opened.archive.index_for_name(name)?;
        self.opened.entries.get(index)
    }
}

/// Parses the filename part of `path`.
fn parse_filename(path: &Path) -> Result<WheelFilename, Error> {
    path.file_name()
        .and_then(|name| name.to_str())
        .ok_or_else(|| Error::InvalidFilename {
            filename: path.display().to_string(),
            reason: "the path has no UTF-8 file name".to_string(),
        })?
        .parse()
}

/// Lists the archive's entries, rejecting unsafe names and symbolic links.
fn list_entries(archive: &ZipArchive<SharedFile>) -> Result<Vec<WheelEntry>, Error> {
    let mut entries = Vec::with_capacity(archive.len());
    for index in 0..archive.len() {
        let entry = archive.by_index_data(index).map_err(Error::NotAZip)?;
        let name = entry
            .name()
            .map_err(|source| Error::ReadEntry {
                name: String::from_utf8_lossy(entry.name_raw()).into_owned(),
                source,
            })?
            .into_owned();
        check_entry_path(&name)?;
        let unix_mode = entry.unix_mode();
        if unix_mode.is_some_and(|mode| mode & FILE_TYPE_MASK == SYMLINK_MODE) {
            return Err(Error::Symlink { name });
        }
        entries.push(WheelEntry {
            is_dir: name.ends_with('/'),
            name,
            size: entry.size(),
            compressed_size: entry.compressed_size(),
            unix_mode,
        });
    }
    Ok(entries)
}

/// Names the first repeated entry name by walking the raw central directory (the zip crate keeps
/// only one entry per name).
fn find_duplicate_name(source: &SharedFile, directory_start: u64) -> String {
    const CENTRAL_HEADER_SIGNATURE: [u8; 4] = [0x50, 0x4b, 0x01, 0x02];
    const CENTRAL_HEADER_LENGTH: usize = 46;
    let length = source
        .len()
        .saturating_sub(directory_start)
        .min(CENTRAL_DIRECTORY_SCAN_LIMIT);
    let mut directory = vec![0; usize::try_from(length).unwrap_or(0)];
    if source
        .read_exact_at(&mut directory, directory_start)
        .is_err()
    {
        return "(unknown)".to_string();
    }
    let mut seen = HashSet::new();
    let mut offset = 0;
    while let Some(header) = directory.get(offset..offset + CENTRAL_HEADER_LENGTH) {
        if header[..4] != CENTRAL_HEADER_SIGNATURE {
            break;
        }
        let field = |at: usize| usize::from(u16::from_le_bytes([header[at], header[at + 1]]));
        let (name_length, extra_length, comment_length) = (field(28), field(30), field(32));
        let name_start = offset + CENTRAL_HEADER_LENGTH;
        let Some(name) = directory.get(name_start..name_start + name_length) else {
            break;
        };
        if !seen.insert(name) {
            return String::from_utf8_lossy(name).into_owned();
        }
        offset = name_start + name_length + extra_length + comment_length;
    }
    "(unknown)".to_string()
}

/// METADATA must name the filename's project and have a version.
fn check_metadata(
    metadata: &CoreMetadata,
    name: &str,
    filename: &WheelFilename,
) -> Result<(), Error> {
    let missing = |field: &str| Error::MissingField {
        name: name.to_string(),
        field: field.to_string(),
    };
    let project = metadata.name().ok_or_else(|| missing("Name"))?;
    if normalize_name(project.trim()) != filename.normalized_name() {
        return Err(Error::NameMismatch {
            name: name.to_string(),
            found: project.to_string(),
            expected: filename.name.clone(),
        });
    }
    metadata.version().ok_or_else(|| missing("Version"))?;
    Ok(())
}

/// WHEEL must declare a 1.x `Wheel-Version`.
fn check_wheel_file(wheel_file: &WheelFile, name: &str) -> Result<(), Error> {
    let version = wheel_file
        .wheel_version()
        .ok_or_else(|| Error::MissingField {
            name: name.to_string(),
            field: "Wheel-Version".to_string(),
        })?
        .trim();
    if version.split('.').next() != Some("1") {
        return Err(Error::UnsupportedWheelVersion {
            name: name.to_string(),
            version: version.to_string(),
        });
    }
    Ok(())
}

/// Whether `name` is RECORD or one of its signatures, which RECORD lists without a hash.
pub(crate) fn is_record_or_signature(name: &str, dist_info_dir: &str) -> bool {
    name.strip_prefix(dist_info_dir)
        .and_then(|rest| rest.strip_prefix('/'))
        .is_some_and(|file| matches!(file, "RECORD" | "RECORD.jws" | "RECORD.p7s"))
}

/// Checks that RECORD lists every file of the archive once, lists nothing else, and gives every
/// file but RECORD and its signatures a hash in a supported algorithm. Returns each listed
/// name's row index.
fn check_record_listing(
    record: &Record,
    entries: &[WheelEntry],
    layout: &Layout,
) -> Result<HashMap<String, usize>, Error> {
    let mut rows = HashMap::with_capacity(record.entries.len());
    for (row, record_entry) in record.entries.iter().enumerate() {
        if rows.insert(record_entry.path.clone(), row).is_some() {
            return Err(Error::DuplicateRecordEntry {
                name: record_entry.path.clone(),
            });
        }
    }
    for entry in entries {
        if !entry.is_dir
            && !rows.contains_key(&entry.name)
            && !is_record_or_signature(&entry.name, &layout.dist_info_dir)
        {
            return Err(Error::NotInRecord {
                name: entry.name.clone(),
            });
        }
    }
    let archive_names: HashSet<&str> = entries.iter().map(|entry| entry.name.as_str()).collect();
    for record_entry in &record.entries {
        let name = &record_entry.path;
        if !archive_names.contains(name.as_str()) {
            return Err(Error::MissingFromArchive { name: name.clone() });
        }
        match &record_entry.hash {
            None if !is_record_or_signature(name, &layout.dist_info_dir) => {
                return Err(Error::MissingHash { name: name.clone() });
            }
            Some(hash) if !hash.is_supported() => {
                return Err(Error::UnsupportedHashAlgorithm {
                    name: name.clone(),
                    algorithm: hash.algorithm.clone(),
                });
            }
            _ => {}
        }
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_wheels::{
        record_for, valid_entries, with_record, write_valid_wheel, write_zip, IsExpected, ZipEntry,
        DIST_INFO, FILENAME,
    };
    use crate::RecordHash;

    /// Opens the wheel built from `entries` (with `renames` applied) and returns the error.
    fn open_error(entries: &[ZipEntry], renames: &[(&str, &str)]) -> Error {
        let directory = tempfile::tempdir().unwrap();
        let path = write_zip(directory.path(), FILENAME, entries, renames);
        WheelReader::open(&path).expect_err("the wheel should be rejected")
    }

    /// Asserts the error message names `name` in backticks.
    fn assert_names(error: &Error, name: &str) {
        let message = error.to_string();
        assert!(message.contains(&format!("`{name}`")), "{message}");
    }

    #[test]
    fn opens_valid_wheel() {
        let directory = tempfile::tempdir().unwrap();
        let path = write_valid_wheel(directory.path());
        let wheel = WheelReader::open(&path).unwrap();
        assert_eq!(wheel.path(), path);
        assert_eq!(wheel.filename().to_string(), FILENAME);
        assert_eq!(wheel.dist_info_dir(), DIST_INFO);
        assert_eq!(wheel.data_dir(), "demo_pkg-1.0.data");
        assert_eq!(wheel.metadata().name(), Some("demo-pkg"));
        assert_eq!(wheel.metadata().requires_dist(), ["numpy"]);
        assert_eq!(
            wheel.wheel_file().tags(),
            ["cp311-cp311-manylinux_2_17_x86_64"]
        );
        assert_eq!(wheel.record().entries.len(), valid_entries().len() + 1);
        assert_eq!(wheel.entries().len(), valid_entries().len() + 1);
        let script = wheel.entry("demo_pkg-1.0.data/scripts/demo").unwrap();
        assert_eq!(script.unix_mode.map(|mode| mode & 0o777), Some(0o755));
        assert!(!script.is_dir);
        let stored = wheel.entry("demo_pkg/data.bin").unwrap();
        assert_eq!((stored.size, stored.compressed_size), (3000, 3000));
        let core = wheel.entry("demo_pkg/_core.py").unwrap();
        assert!(core.compressed_size < core.size);
    }

    #[test]
    fn accepts_directory_entries_and_unhashed_signatures() {
        let mut entries = valid_entries();
        entries.insert(0, ZipEntry::file("demo_pkg/", ""));
        let mut entries = with_record(entries);
        entries.push(ZipEntry::file(&format!("{DIST_INFO}/RECORD.jws"), "{}"));
        let directory = tempfile::tempdir().unwrap();
        let path = write_zip(directory.path(), FILENAME, &entries, &[]);
        let wheel = WheelReader::open(&path).unwrap();
        assert!(wheel.entry("demo_pkg/").unwrap().is_dir);
        wheel.verify().unwrap();
    }

    #[test]
    fn rejects_invalid_filename() {
        let directory = tempfile::tempdir().unwrap();
        let path = write_zip(
            directory.path(),
            "demo-pkg-1.0-cp311-cp311-linux_x86_64.whl",
            &with_record(valid_entries()),
            &[],
        );
        let error = WheelReader::open(&path).unwrap_err();
        assert!(matches!(error, Error::InvalidFilename { .. }), "{error}");
    }

    #[test]
    fn rejects_truncated_and_non_zip_files() {
        let directory = tempfile::tempdir().unwrap();
        let path = write_valid_wheel(directory.path());
        let bytes = std::fs::read(&path).unwrap();
        std::fs::write(&path, &bytes[..bytes.len() / 2]).unwrap();
        let error = WheelReader::open(&path).unwrap_err();
        assert!(matches!(error, Error::NotAZip(_)), "{error}");
        assert!(std::error::Error::source(&error).is_some());

        std::fs::write(&path, b"#!/bin/sh\necho not a zip\n").unwrap();
        let error = WheelReader::open(&path).unwrap_err();
        assert!(matches!(error, Error::NotAZip(_)), "{error}");

        let missing = directory.path().join("absent-1.0-py3-none-any.whl");
        let error = WheelReader::open(&missing).unwrap_err();
        assert!(matches!(error, Error::Io(_)), "{error}");
    }

    #[test]
    fn rejects_unsafe_names() {
        let mut entries = valid_entries();
        entries.push(ZipEntry::file("XXXXXXXXXXXXXXXXX", "x"));
        let entries = with_record(entries);
        let cases: [(&str, IsExpected); 4] = [
            ("/etc/demo_passwd", |e| {
                matches!(e, Error::AbsolutePath { .. })
            }),
            ("demo_pkg/../../x", |e| {
                matches!(e, Error::ParentComponent { .. })
            }),
            ("demo_pkg\\evil.py", |e| {
                matches!(e, Error::Backslash { .. })
            }),
            ("demo_pkg//evil.py", |e| {
                matches!(e, Error::NonCanonicalPath { .. })
            }),
        ];
        for (name, is_expected) in cases {
            let placeholder = &"XXXXXXXXXXXXXXXXX"[..name.len()];
            let mut entries = entries.clone();
            let last = entries.len() - 1;
            // Rename the entry (and its RECORD row) in place.
            entries[last - 1].name = placeholder.to_string();
            entries[last] =
                ZipEntry::file(&format!("{DIST_INFO}/RECORD"), record_for(&entries[..last]));
            let error = open_error(&entries, &[(placeholder, name)]);
            assert!(is_expected(&error), "{name}: {error}");
            assert_names(&error, name);
        }
    }

    #[test]
    fn rejects_symlinks() {
        let mut entries = valid_entries();
        let mut link = ZipEntry::file("demo_pkg/link", "/etc/passwd");
        link.symlink = true;
        entries.push(link);
        let error = open_error(&with_record(entries), &[]);
        assert!(matches!(error, Error::Symlink { .. }), "{error}");
        assert_names(&error, "demo_pkg/link");
    }

    #[test]
    fn rejects_duplicate_names() {
        let mut entries = valid_entries();
        entries.push(ZipEntry::file("demo_pkg/dup_a.py", "a = 1\n"));
        entries.push(ZipEntry::file("demo_pkg/dup_b.py", "b = 2\n"));
        let error = open_error(
            &with_record(entries),
            &[("demo_pkg/dup_b.py", "demo_pkg/dup_a.py")],
        );
        assert!(matches!(error, Error::DuplicateEntry { .. }), "{error}");
        assert_names(&error, "demo_pkg/dup_a.py");
    }

    #[test]
    fn rejects_entries_outside_the_layout() {
        for (name, is_expected) in [
            (
                "other-2.0.dist-info/METADATA",
                (|e| matches!(e, Error::UnexpectedDistInfo { .. })) as IsExpected,
            ),
            ("demo_pkg-1.1.dist-info/RECORD", |e| {
                matches!(e, Error::UnexpectedDistInfo { .. })
            }),
            ("demo_pkg-1.0.data/lib/libx.so", |e| {
                matches!(e, Error::UnknownDataScheme { .. })
            }),
            ("other-2.0.data/purelib/x.py", |e| {
                matches!(e, Error::UnexpectedDataDir { .. })
            }),
        ] {
            let mut entries = valid_entries();
            entries.push(ZipEntry::file(name, "x"));
            let error = open_error(&with_record(entries), &[]);
            assert!(is_expected(&error), "{name}: {error}");
            assert_names(&error, name);
        }

        // Only a misnamed `.dist-info` directory.
        let entries: Vec<ZipEntry> = with_record(valid_entries())
            .into_iter()
            .map(|mut entry| {
                entry.name = entry.name.replace(DIST_INFO, "demo_pkg-2.0.dist-info");
                entry
            })
            .collect();
        let error = open_error(&entries, &[]);
        assert!(
            matches!(&error, Error::UnexpectedDistInfo { expected, .. } if expected == DIST_INFO),
            "{error}"
        );
    }

    #[test]
    fn rejects_missing_metadata_files() {
        for missing in ["METADATA", "WHEEL", "RECORD"] {
            let name = format!("{DIST_INFO}/{missing}");
            let entries: Vec<ZipEntry> = with_record(valid_entries())
                .into_iter()
                .filter(|entry| entry.name != name)
                .collect();
            // Keep RECORD consistent with what is left.
            let entries = if missing == "RECORD" {
                entries
            } else {
                with_record(
                    entries
                        .into_iter()
                        .filter(|entry| !entry.name.ends_with("/RECORD"))
                        .collect(),
                )
            };
            let error = open_error(&entries, &[]);
            assert!(
                matches!(&error, Error::MissingDistInfoFile { name: found } if *found == name),
                "{missing}: {error}"
            );
            assert_names(&error, &name);
        }
    }

    #[test]
    fn rejects_inconsistent_metadata() {
        let mut entries = valid_entries();
        entries[6].bytes = b"Metadata-Version: 2.1\nName: other\nVersion: 1.0\n".to_vec();
        let error = open_error(&with_record(entries), &[]);
        assert!(matches!(error, Error::NameMismatch { .. }), "{error}");

        let mut entries = valid_entries();
        entries[6].bytes = b"Metadata-Version: 2.1\nName: demo-pkg\n".to_vec();
        let error = open_error(&with_record(entries), &[]);
        assert!(matches!(error, Error::MissingField { .. }), "{error}");

        let mut entries = valid_entries();
        entries[7].bytes = b"Wheel-Version: 2.0\n".to_vec();
        let error = open_error(&with_record(entries), &[]);
        assert!(
            matches!(error, Error::UnsupportedWheelVersion { .. }),
            "{error}"
        );

        let mut entries = valid_entries();
        entries[6].bytes = b"Name: demo-pkg\nnot a header line\n".to_vec();
        let error = open_error(&with_record(entries), &[]);
        assert!(
            matches!(error, Error::InvalidDistInfoFile { .. }),
            "{error}"
        );
        assert_names(&error, &format!("{DIST_INFO}/METADATA"));

        let mut entries = valid_entries();
        entries[6].bytes = b"Name: demo-pkg\nVersion: \xff\n".to_vec();
        let error = open_error(&with_record(entries), &[]);
        assert!(
            matches!(error, Error::InvalidDistInfoFile { .. }),
            "{error}"
        );
    }

    /// A valid wheel whose RECORD text is `edit(record)`.
    fn with_edited_record(edit: impl Fn(String) -> String) -> Vec<ZipEntry> {
        let mut entries = with_record(valid_entries());
        let last = entries.len() - 1;
        let record = String::from_utf8(entries[last].bytes.clone()).unwrap();
        entries[last].bytes = edit(record).into_bytes();
        entries
    }

    #[test]
    fn rejects_record_listing_mismatches() {
        let error = open_error(
            &with_edited_record(|record| {
                record
                    .lines()
                    .filter(|line| !line.starts_with("demo_pkg/_core.py,"))
                    .map(|line| format!("{line}\n"))
                    .collect()
            }),
            &[],
        );
        assert!(matches!(error, Error::NotInRecord { .. }), "{error}");
        assert_names(&error, "demo_pkg/_core.py");

        let ghost = format!("demo_pkg/ghost.py,{},1\n", RecordHash::sha256(b"x"));
        let error = open_error(&with_edited_record(|record| ghost.clone() + &record), &[]);
        assert!(matches!(error, Error::MissingFromArchive { .. }), "{error}");
        assert_names(&error, "demo_pkg/ghost.py");

        let error = open_error(
            &with_edited_record(|record| {
                let first = record.lines().next().unwrap().to_string();
                format!("{first}\n{record}")
            }),
            &[],
        );
        assert!(
            matches!(error, Error::DuplicateRecordEntry { .. }),
            "{error}"
        );
        assert_names(&error, "demo_pkg/__init__.py");

        let error = open_error(
            &with_edited_record(|record| {
                record.replacen(
                    "demo_pkg/__init__.py,sha256=",
                    "demo_pkg/__init__.py,,21\nx,sha256=",
                    1,
                )
            }),
            &[],
        );
        assert!(matches!(error, Error::MissingHash { .. }), "{error}");
        assert_names(&error, "demo_pkg/__init__.py");
    }

    #[test]
    fn rejects_md5_and_sha1_record_hashes() {
        for algorithm in ["md5", "sha1"] {
            let error = open_error(
                &with_edited_record(|record| {
                    record.replacen(
                        "demo_pkg/_core.py,sha256=",
                        &format!("demo_pkg/_core.py,{algorithm}="),
                        1,
                    )
                }),
                &[],
            );
            assert!(
                matches!(&error, Error::UnsupportedHashAlgorithm { algorithm: found, .. } if found == algorithm),
                "{error}"
            );
            assert_names(&error, "demo_pkg/_core.py");
            assert_names(&error, algorithm);
        }
    }
}
