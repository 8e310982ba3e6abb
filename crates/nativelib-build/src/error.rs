//! The crate's error type. Every message names the recipe (and variant) it concerns and, where
//! there is one, the fix.

use std::path::PathBuf;

/// Why a build failed.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The recipe could not be loaded, or names a variant it does not have.
    #[error(transparent)]
    Recipe(#[from] Box<nativelib_recipe::Error>),

    /// A download failed.
    #[error("Failed to download {url} for recipe {}; check the URL and that the host is reachable", recipe.display())]
    Download {
        /// The recipe file.
        recipe: PathBuf,
        /// What was being downloaded.
        url: String,
        /// The cause.
        #[source]
        source: Box<ureq::Error>,
    },

    /// The package index answered, but not with the file the recipe pins.
    #[error("No sdist of {release} matches recipe {}: {problem}; {fix}", recipe.display())]
    SdistNotFound {
        /// The recipe file.
        recipe: PathBuf,
        /// The release asked for: `cmeel-openblas==0.3.31 on https://pypi.org/simple`.
        release: String,
        /// What was found instead.
        problem: String,
        /// What to change.
        fix: String,
    },

    /// A file's sha256 is not the one the recipe pins.
    #[error(
        "The sha256 of {} is {actual}, but recipe {} pins {expected}; if this file is the one you \
         trust, write `sha256 = \"{actual}\"` in [source], else fix the source location",
        what.display(), recipe.display()
    )]
    Sha256Mismatch {
        /// The recipe file.
        recipe: PathBuf,
        /// The file that was checked.
        what: PathBuf,
        /// The digest in the recipe.
        expected: String,
        /// The digest of the file.
        actual: String,
    },

    /// An archive could not be unpacked.
    #[error("Failed to unpack {} for recipe {}: {problem}", archive.display(), recipe.display())]
    Unpack {
        /// The recipe file.
        recipe: PathBuf,
        /// The archive.
        archive: PathBuf,
        /// What went wrong.
        problem: String,
    },

    /// `subdirectory` names a directory the unpacked source does not have.
    #[error(
        "The unpacked source of recipe {} has no directory {}; fix `source.subdirectory` (the top \
         level holds: {found})",
        recipe.display(), subdirectory.display()
    )]
    MissingSubdirectory {
        /// The recipe file.
        recipe: PathBuf,
        /// The subdirectory asked for.
        subdirectory: PathBuf,
        /// What the top level of the unpacked source holds.
        found: String,
    },

    /// A build command could not be started.
    #[error(
        "Failed to run `{command}` for recipe {} ({what}); install `{program}` or fix [build] in \
         the recipe",
        recipe.display()
    )]
    Spawn {
        /// The recipe file.
        recipe: PathBuf,
        /// The recipe and variant, for people.
        what: String,
        /// The program.
        program: String,
        /// The whole command.
        command: String,
        /// The cause.
        #[source]
        source: std::io::Error,
    },

    /// A build command failed.
    #[error(transparent)]
    CommandFailed(Box<CommandFailure>),

    /// The build was cancelled ([`crate::cancel`]) while its commands ran.
    #[error(
        "The build of recipe {} ({what}) was cancelled; its commands were stopped and nothing \
         was written",
        recipe.display()
    )]
    Cancelled {
        /// The recipe file.
        recipe: PathBuf,
        /// The recipe and variant, for people.
        what: String,
    },

    /// The build did not produce the library the recipe names.
    #[error(
        "The build of recipe {} ({what}) did not produce {}; fix `build.library` (the install \
         prefix's lib/ holds: {found})",
        recipe.display(), library.display()
    )]
    LibraryNotBuilt {
        /// The recipe file.
        recipe: PathBuf,
        /// The recipe and variant, for people.
        what: String,
        /// The library path, relative to the install prefix.
        library: PathBuf,
        /// What lib/ holds.
        found: String,
    },

    /// A library to collect could not be found.
    #[error("Recipe {}: {problem}; {fix}", recipe.display())]
    CollectNotFound {
        /// The recipe file.
        recipe: PathBuf,
        /// What is missing.
        problem: String,
        /// What to change.
        fix: String,
    },

    /// A license file the recipe lists does not exist.
    #[error(
        "License file {} of recipe {} does not exist; fix `library.license-files` (relative paths \
         start at {})",
        path.display(), recipe.display(), base.display()
    )]
    MissingLicense {
        /// The recipe file.
        recipe: PathBuf,
        /// The license file as looked for.
        path: PathBuf,
        /// Where relative paths start.
        base: PathBuf,
    },

    /// A library is not a usable ELF file, or rewriting it failed.
    #[error("Failed to process {} for recipe {}", library.display(), recipe.display())]
    Binary {
        /// The recipe file.
        recipe: PathBuf,
        /// The library.
        library: PathBuf,
        /// The cause.
        #[source]
        source: Box<nativelib_binary::Error>,
    },

    /// A dependency the recipe names was not built first.
    #[error(
        "Recipe {} depends on {}, whose wheel was not built in this run; build it first or \
         fix `dependencies`",
        recipe.display(), dependency.display()
    )]
    DependencyNotBuilt {
        /// The recipe file.
        recipe: PathBuf,
        /// The dependency's recipe.
        dependency: PathBuf,
    },

    /// No wheel in the wheelhouse satisfies a `{ wheel = "..." }` dependency.
    #[error(
        "Recipe {} depends on the wheel `{requirement}`, which is not in the wheelhouse {} \
         ({found}); {fix}",
        recipe.display(), directory.display()
    )]
    DependencyWheelMissing {
        /// The recipe file.
        recipe: PathBuf,
        /// The requirement, as written.
        requirement: String,
        /// The wheelhouse looked in.
        directory: PathBuf,
        /// What the wheelhouse holds instead.
        found: String,
        /// What to do.
        fix: String,
    },

    /// The wheelhouse has the dependency only for another platform.
    #[error(
        "Recipe {} depends on the wheel `{requirement}`, but {} is built for {platform}, not for \
         this machine (linux {}); {fix}",
        recipe.display(), wheel.display(), std::env::consts::ARCH
    )]
    DependencyWheelPlatform {
        /// The recipe file.
        recipe: PathBuf,
        /// The requirement, as written.
        requirement: String,
        /// The wheel found.
        wheel: PathBuf,
        /// Its platform tags.
        platform: String,
        /// What to do.
        fix: String,
    },

    /// A wheel found for a `{ wheel = "..." }` dependency could not be read.
    #[error(
        "Failed to read {}, the wheel `{requirement}` that recipe {} depends on; rebuild it or \
         remove it from the wheelhouse",
        wheel.display(), recipe.display()
    )]
    DependencyWheelUnreadable {
        /// The recipe file.
        recipe: PathBuf,
        /// The requirement, as written.
        requirement: String,
        /// The wheel.
        wheel: PathBuf,
        /// The cause.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },

    /// A dependency wheel could not be read for the audit.
    #[error("Failed to audit the wheel of recipe {}", recipe.display())]
    Audit {
        /// The recipe file.
        recipe: PathBuf,
        /// The cause.
        #[source]
        source: Box<nativelib_audit::Error>,
    },

    /// A template could not be rendered (a bug in nativelib's templates).
    #[error("Failed to render the template {template}: {source}")]
    Template {
        /// The template's name.
        template: &'static str,
        /// The cause.
        #[source]
        source: crate::render::TemplateError,
    },

    /// The wheel could not be written.
    #[error("Failed to write the wheel {}", path.display())]
    Wheel {
        /// The wheel.
        path: PathBuf,
        /// The cause.
        #[source]
        source: Box<nativelib_wheel::Error>,
    },

    /// A file or directory could not be read or written.
    #[error("Failed to {action} {}", path.display())]
    Io {
        /// What was being done: `read`, `create`, ...
        action: &'static str,
        /// The path.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
}

impl Error {
    /// An [`Error::Io`] for `action` on `path`.
    pub(crate) fn io(
        action: &'static str,
        path: impl Into<PathBuf>,
    ) -> impl FnOnce(std::io::Error) -> Error {
        let path = path.into();
        move |source| Error::Io {
            action,
            path,
            source,
        }
    }

    /// The last lines of the build log, for a failed build command.
    pub fn log_tail(&self) -> Option<&[String]> {
        match self {
            Self::CommandFailed(failure) => Some(&failure.log_tail),
            _ => None,
        }
    }
}

/// A build command that failed, with where its log is and the log's last lines.
#[derive(Debug, thiserror::Error)]
#[error(
    "Build of recipe {} ({what}) failed: `{command}` {status}; full log: {}; fix [build] in the \
     recipe (the log's last lines are above)",
    recipe.display(), log.display()
)]
pub struct CommandFailure {
    /// The recipe file.
    pub recipe: PathBuf,
    /// The recipe and variant, for people.
    pub what: String,
    /// The failing command.
    pub command: String,
    /// How it ended: `exited with status 2`, `was killed by signal 9`.
    pub status: String,
    /// The build log.
    pub log: PathBuf,
    /// The last lines of the log.
    pub log_tail: Vec<String>,
}

impl From<nativelib_recipe::Error> for Error {
    fn from(error: nativelib_recipe::Error) -> Self {
        Self::Recipe(Box::new(error))
    }
}
