//! The crate's one error type: every way reading, checking or writing a wheel can fail.

use std::io;
use std::path::PathBuf;

use zip::result::ZipError;

/// Why a wheel (or one of its metadata files) was rejected, or could not be written.
///
/// Reader errors name the offending entry but not the wheel's path: the caller knows which wheel
/// it opened and adds it.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The filename does not follow `{name}-{version}(-{build})?-{python}-{abi}-{platform}.whl`.
    #[error("Invalid wheel filename `{filename}`: {reason}")]
    InvalidFilename {
        /// The rejected filename.
        filename: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The wheel file could not be opened or read.
    #[error("Failed to read the wheel file")]
    Io(#[source] io::Error),
    /// The file is not a zip archive, or its central directory is truncated or corrupt.
    #[error("The file is not a readable zip archive (it may be truncated or corrupt)")]
    NotAZip(#[source] ZipError),
    /// An entry's data could not be read or decompressed (including a CRC-32 mismatch).
    #[error("Failed to read entry `{name}`")]
    ReadEntry {
        /// The entry name.
        name: String,
        /// The zip-level cause.
        #[source]
        source: ZipError,
    },
    /// A large entry could not be buffered in a temporary file while it was verified.
    #[error("Failed to buffer entry `{name}` in a temporary file")]
    Spool {
        /// The entry name.
        name: String,
        /// The I/O error.
        #[source]
        source: io::Error,
    },
    /// An entry name starts with `/` or a drive letter.
    #[error("Entry `{name}` has an absolute path")]
    AbsolutePath {
        /// The entry name.
        name: String,
    },
    /// An entry name has a `..` component, which could escape the install directory.
    #[error("Entry `{name}` has a `..` path component")]
    ParentComponent {
        /// The entry name.
        name: String,
    },
    /// An entry name contains a backslash (wheels use `/` only).
    #[error("Entry `{name}` contains a backslash")]
    Backslash {
        /// The entry name.
        name: String,
    },
    /// An entry name is empty or has an empty or `.` component (`a//b`, `./a`).
    #[error("Entry `{name}` has an empty or `.` path component")]
    NonCanonicalPath {
        /// The entry name.
        name: String,
    },
    /// An entry is a symbolic link (unix mode `S_IFLNK`), which wheels must not contain.
    #[error("Entry `{name}` is a symbolic link")]
    Symlink {
        /// The entry name.
        name: String,
    },
    /// Two entries have the same name.
    #[error("Entry `{name}` appears more than once in the archive")]
    DuplicateEntry {
        /// The duplicated name.
        name: String,
    },
    /// An entry is in a `.dist-info` directory that is not the wheel's (a second or misnamed one).
    #[error("Entry `{name}` is in a `.dist-info` directory other than the wheel's `{expected}`")]
    UnexpectedDistInfo {
        /// The entry name.
        name: String,
        /// The `.dist-info` directory the filename calls for.
        expected: String,
    },
    /// An entry is in a `.data` directory that does not match the wheel's name and version.
    #[error("Entry `{name}` is in a `.data` directory other than the wheel's `{expected}`")]
    UnexpectedDataDir {
        /// The entry name.
        name: String,
        /// The `.data` directory the wheel may have.
        expected: String,
    },
    /// An entry under `.data/` is not in one of the install schemes.
    #[error(
        "Entry `{name}` is in unknown data scheme `{scheme}` \
         (expected purelib, platlib, headers, scripts or data)"
    )]
    UnknownDataScheme {
        /// The entry name.
        name: String,
        /// The directory found where a scheme name belongs.
        scheme: String,
    },
    /// `METADATA`, `WHEEL` or `RECORD` is missing from the `.dist-info` directory.
    #[error("The wheel has no `{name}`")]
    MissingDistInfoFile {
        /// The missing entry's full name.
        name: String,
    },
    /// `METADATA`, `WHEEL` or `RECORD` could not be parsed.
    #[error("Failed to parse `{name}`")]
    InvalidDistInfoFile {
        /// The entry name.
        name: String,
        /// What is wrong with it.
        #[source]
        source: Box<Error>,
    },
    /// A metadata file is not valid UTF-8.
    #[error("The file is not valid UTF-8")]
    NotUtf8(#[source] std::string::FromUtf8Error),
    /// A line in an email-header style file (METADATA, WHEEL) is not a field.
    #[error("Line {line} is not a header field or a continuation line: `{content}`")]
    InvalidHeaderLine {
        /// 1-based line number.
        line: usize,
        /// The line's text.
        content: String,
    },
    /// A RECORD row is malformed.
    #[error("Row {row} of RECORD is invalid: {reason}")]
    InvalidRecordRow {
        /// 1-based row number.
        row: usize,
        /// What is wrong with it.
        reason: String,
    },
    /// A RECORD hash is not `<algorithm>=<urlsafe base64, no padding>`.
    #[error("Invalid RECORD hash `{value}`: {reason}")]
    InvalidRecordHash {
        /// The rejected hash field.
        value: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A required METADATA or WHEEL field is absent.
    #[error("`{name}` has no `{field}` field")]
    MissingField {
        /// The entry name.
        name: String,
        /// The missing field.
        field: String,
    },
    /// METADATA names a different project than the filename.
    #[error("`{name}` declares the project `{found}`, but the filename says `{expected}`")]
    NameMismatch {
        /// The METADATA entry name.
        name: String,
        /// The `Name:` field.
        found: String,
        /// The project name from the filename.
        expected: String,
    },
    /// WHEEL declares a `Wheel-Version` this crate cannot read.
    #[error("`{name}` declares unsupported Wheel-Version `{version}` (expected 1.x)")]
    UnsupportedWheelVersion {
        /// The WHEEL entry name.
        name: String,
        /// The declared version.
        version: String,
    },
    /// A path is listed twice in RECORD.
    #[error("Entry `{name}` is listed more than once in RECORD")]
    DuplicateRecordEntry {
        /// The entry name.
        name: String,
    },
    /// A file in the archive is not listed in RECORD.
    #[error("Entry `{name}` is not listed in RECORD")]
    NotInRecord {
        /// The entry name.
        name: String,
    },
    /// RECORD lists a path the archive does not contain.
    #[error("RECORD lists `{name}`, which is not in the archive")]
    MissingFromArchive {
        /// The listed path.
        name: String,
    },
    /// RECORD lists a file without a hash (only RECORD and its signatures may have none).
    #[error("RECORD has no hash for `{name}`")]
    MissingHash {
        /// The entry name.
        name: String,
    },
    /// RECORD uses a hash algorithm other than sha256, sha384 or sha512.
    #[error(
        "RECORD uses unsupported hash algorithm `{algorithm}` for `{name}` \
         (expected sha256, sha384 or sha512)"
    )]
    UnsupportedHashAlgorithm {
        /// The entry name.
        name: String,
        /// The algorithm found.
        algorithm: String,
    },
    /// An entry's content does not match its RECORD hash.
    #[error(
        "Hash mismatch for `{name}`: RECORD says `{expected}`, the content hashes to `{actual}`"
    )]
    HashMismatch {
        /// The entry name.
        name: String,
        /// The RECORD hash.
        expected: String,
        /// The hash of the content.
        actual: String,
    },
    /// An entry's size does not match its RECORD size.
    #[error(
        "Size mismatch for `{name}`: RECORD says {expected} bytes, the content is {actual} bytes"
    )]
    SizeMismatch {
        /// The entry name.
        name: String,
        /// The RECORD size.
        expected: u64,
        /// The content's size.
        actual: u64,
    },
    /// A requested entry is not in the archive.
    #[error("The wheel has no entry `{name}`")]
    EntryNotFound {
        /// The requested name.
        name: String,
    },
    /// A name given to the writer ends in `/`: only files can be added.
    #[error("Entry `{name}` names a directory; only files can be added")]
    DirectoryName {
        /// The entry name.
        name: String,
    },
    /// `SOURCE_DATE_EPOCH` is set but is not a number of seconds.
    #[error(
        "Invalid SOURCE_DATE_EPOCH `{value}`: expected a non-negative integer number of seconds"
    )]
    InvalidSourceDateEpoch {
        /// The variable's value.
        value: String,
    },
    /// An entry could not be compressed or copied into the new archive.
    #[error("Failed to write entry `{name}`")]
    WriteEntry {
        /// The entry name.
        name: String,
        /// The zip-level cause.
        #[source]
        source: ZipError,
    },
    /// The output file could not be created, written or renamed into place.
    #[error("Failed to write `{}`", path.display())]
    Write {
        /// The output (or temporary) path.
        path: PathBuf,
        /// The I/O cause.
        #[source]
        source: io::Error,
    },
    /// The archive's central directory could not be written.
    #[error("Failed to finish the zip archive")]
    FinishArchive(#[source] ZipError),
}
