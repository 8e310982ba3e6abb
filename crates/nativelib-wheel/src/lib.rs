//! Wheel filenames and tags, METADATA/WHEEL/RECORD, a verifying reader and a deterministic writer.

mod entry_content;
mod error;
mod filename;
mod header;
mod layout;
mod metadata;
mod reader;
mod record;
mod shared_file;
mod timestamp;
mod verify;
mod version;
mod writer;

#[cfg(test)]
mod test_wheels;

pub use entry_content::{EntryContent, SPOOL_THRESHOLD};
pub use error::Error;
pub use filename::{normalize_name, WheelFilename};
pub use header::HeaderFields;
pub use layout::DATA_SCHEMES;
pub use metadata::{CoreMetadata, WheelFile};
pub use reader::{WheelEntry, WheelReader};
pub use record::{Record, RecordEntry, RecordHash, SUPPORTED_HASH_ALGORITHMS};
pub use verify::VerificationReport;
pub use version::{compare_release, compare_segments, release_segments};
pub use writer::{PreparedFile, WheelWriter};
