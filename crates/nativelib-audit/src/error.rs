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
    /// A directory given as an environment holds no installed distributions.
    #[error(
        "`{}` is not a Python environment: it has no `*.dist-info` directories and no \
         lib/python3.*/site-packages; pass a virtual environment, a site-packages directory, a \
         wheel or a library", path.display()
    )]
    NotAnEnvironment { path: PathBuf },
    /// An installed distribution's METADATA, WHEEL or RECORD could not be parsed.
    #[error("Failed to read `{}`", path.display())]
    InstalledMetadata {
        path: PathBuf,
        #[source]
        source: nativelib_wheel::Error,
    },
    /// A binary of an installed distribution no longer matches its RECORD row.
    #[error("Installed distribution `{}` was changed after installation", path.display())]
    InstalledMismatch {
        path: PathBuf,
        #[source]
        source: nativelib_wheel::Error,
    },
}
