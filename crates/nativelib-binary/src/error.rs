//! The error type of this crate: everything that can go wrong reading or rewriting an ELF file.
//!
//! Messages never name the file; callers add it.

/// An error reading or rewriting an ELF file.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The bytes do not start with the ELF magic number.
    #[error("Not an ELF file")]
    NotElf,
    /// The file could not be read (when parsing from a stream).
    #[error("Failed to read the ELF file")]
    Read {
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The file is an ELF file, but truncated or malformed.
    #[error("Truncated or malformed ELF file")]
    Malformed {
        /// What the ELF reader found wrong.
        #[source]
        source: object::read::Error,
    },
    /// The file is a valid ELF file, but not one this crate can handle.
    #[error("Unsupported ELF file: {reason}")]
    Unsupported {
        /// Why the file is unsupported.
        reason: String,
    },
    /// The ELF builder could not read or write the file for rewriting.
    #[error("Cannot rewrite this ELF file")]
    Rewrite {
        /// What the ELF builder reported.
        #[source]
        source: object::build::Error,
    },
    /// The edit names a `DT_NEEDED` entry that the file does not have.
    #[error("No DT_NEEDED entry named `{name}`")]
    NeededNotFound {
        /// The missing entry.
        name: String,
    },
    /// The edit removes a `DT_NEEDED` entry whose symbol versions are still required.
    #[error(
        "Cannot remove DT_NEEDED entry `{name}`: {} dynamic symbols still require versions from it (for example `{}`)",
        symbols.len(),
        symbols.first().map(String::as_str).unwrap_or_default()
    )]
    NeededStillVersioned {
        /// The entry that was to be removed.
        name: String,
        /// The symbols that still require a version from it, as `name@version`.
        symbols: Vec<String>,
    },
    /// The edit itself is not valid (empty names, names containing NUL, conflicting entries).
    #[error("Invalid edit: {reason}")]
    InvalidEdit {
        /// What is wrong with the edit.
        reason: String,
    },
    /// The rewritten file, parsed again, does not show the edit.
    #[error("The rewritten file does not match the edit: {difference}")]
    Verification {
        /// What differs between the edit and the rewritten file.
        difference: String,
    },
}

impl From<object::read::Error> for Error {
    fn from(source: object::read::Error) -> Self {
        Error::Malformed { source }
    }
}

impl From<object::build::Error> for Error {
    fn from(source: object::build::Error) -> Self {
        Error::Rewrite { source }
    }
}
