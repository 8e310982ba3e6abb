//! Why a link could not be planned or written.

use std::path::PathBuf;

/// A failure of `link`. [`Error::is_refusal`] tells apart inputs that were read fine but must not
/// be linked (nothing matches, an ABI mismatch) from inputs that could not be read.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A wheel could not be opened, verified or audited.
    #[error(transparent)]
    Audit(Box<nativelib_audit::Error>),

    /// A wheel could not be opened or written.
    #[error("Failed to process wheel `{}`", path.display())]
    Wheel {
        path: PathBuf,
        #[source]
        source: Box<nativelib_wheel::Error>,
    },

    /// An ELF file could not be rewritten.
    #[error("Failed to rewrite `{entry}` in `{}`", path.display())]
    Rewrite {
        path: PathBuf,
        entry: String,
        #[source]
        source: nativelib_binary::Error,
    },

    /// No wheel named like the provider was found.
    #[error("No wheel of `{name}` in `{}` (found: {found}); build it with `nativelib build`, pass --find-links DIR, or pass the wheel's path", directory.display())]
    ProviderNotFound {
        name: String,
        directory: PathBuf,
        found: String,
    },

    /// Several distributions match the provider name.
    #[error("`{name}` matches several wheels in `{}`: {candidates}; pass the full distribution name or the wheel's path", directory.display())]
    AmbiguousProvider {
        name: String,
        directory: PathBuf,
        candidates: String,
    },

    /// The provider wheel ships no shared library.
    #[error("`{}` ships no shared library outside a `.libs` directory, so it cannot provide one", path.display())]
    ProviderHasNoLibraries { path: PathBuf },

    /// A `--replace` argument is malformed or names an unknown library.
    #[error("Invalid --replace `{argument}`: {reason}")]
    InvalidReplacement { argument: String, reason: String },

    /// The wheel vendors nothing the provider ships.
    #[error("`{}` vendors nothing that `{provider}` provides (vendored: {vendored}; provided: {provided}); use --replace VENDORED=PROVIDED to pair them explicitly", path.display())]
    NothingToLink {
        path: PathBuf,
        provider: String,
        vendored: String,
        provided: String,
    },

    /// The provider's binaries are for another machine.
    #[error("`{provider}` is built for {provided}, but `{}` is built for {wanted}; use a provider wheel for {wanted}", path.display())]
    ArchitectureMismatch {
        path: PathBuf,
        provider: String,
        wanted: String,
        provided: String,
    },

    /// The provider lacks symbols the wheel imports from the vendored copy.
    #[error("`{provider}` does not export {count} symbol(s) that `{}` imports from its vendored `{vendored}`: {details}; use a provider built from a compatible version", path.display())]
    MissingSymbols {
        path: PathBuf,
        provider: String,
        vendored: String,
        count: usize,
        details: String,
    },

    /// After the planned rewrite some dependency would resolve nowhere.
    #[error("After linking, `{entry}` in `{}` would not find `{library}`; this is a bug in the plan, please report it", path.display())]
    UnresolvedAfterLink {
        path: PathBuf,
        entry: String,
        library: String,
    },

    /// The package already has a `_distributor_init_local.py` nativelib did not write.
    #[error("`{}` already has `{entry}`, which nativelib did not write; remove it or link a wheel without it", path.display())]
    PreloaderConflict { path: PathBuf, entry: String },

    /// The output path is the input wheel itself.
    #[error("Writing `{}` would overwrite the input wheel; pass another output directory with -w", path.display())]
    OutputIsInput { path: PathBuf },

    /// The wheel has no top-level package to put the preloader in.
    #[error("`{}` has no top-level Python package (a directory with `__init__.py`) to hold the preloader", path.display())]
    NoPackage { path: PathBuf },
}

impl From<nativelib_audit::Error> for Error {
    fn from(error: nativelib_audit::Error) -> Self {
        Error::Audit(Box::new(error))
    }
}

impl Error {
    /// A [`Error::Wheel`] for `path`.
    pub(crate) fn wheel(path: &std::path::Path, source: nativelib_wheel::Error) -> Self {
        Error::Wheel {
            path: path.to_path_buf(),
            source: Box::new(source),
        }
    }

    /// True when the inputs are readable but linking them would be wrong.
    pub fn is_refusal(&self) -> bool {
        matches!(
            self,
            Error::NothingToLink { .. }
                | Error::ArchitectureMismatch { .. }
                | Error::MissingSymbols { .. }
                | Error::ProviderHasNoLibraries { .. }
        )
    }
}
