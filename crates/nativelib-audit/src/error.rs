//! The audit crate's error: only failures to read the inputs. A failed audit is a report, not an
//! error.

use std::path::PathBuf;

/// Why an input could not be audited.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The wheel could not be opened or failed verification.
    #[error("Failed to read wheel `{}`", path.display())]
    Wheel {
        path: PathBuf,
        #[source]
        source: nativelib_wheel::Error,
    },
    /// An ELF file inside the input could not be parsed.
    #[error("`{}`: entry `{entry}` is not a valid ELF file", path.display())]
    Elf {
        path: PathBuf,
        entry: String,
        #[source]
        source: nativelib_binary::Error,
    },
    /// A file could not be read.
    #[error("Failed to read `{}`", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// A file given as a library is not an ELF file.
    #[error("`{}` is not an ELF shared library (no ELF magic); pass a `.so` file or a `.whl`", path.display())]
    NotElf { path: PathBuf },
}
