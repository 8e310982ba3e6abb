//! `[build]`: how a library is built — the build system, its settings, environment and jobs.

use std::collections::BTreeMap;
use std::num::NonZeroUsize;
use std::path::PathBuf;

/// How to build a library from its source tree.
///
/// Strings may still hold the build-time variables `{prefix}`, `{source}`, `{build}` and `{jobs}`;
/// [`crate::ResolvedRecipe::build_commands`] fills them in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Build {
    /// The build system and its settings.
    pub system: BuildSystem,
    /// Environment variables set for every build command.
    pub environment: BTreeMap<String, String>,
    /// How many jobs to run in parallel.
    pub jobs: Jobs,
    /// The built shared library to package, relative to the install prefix, such as
    /// `lib/libscipy_openblas.so` (symbolic links are followed).
    pub library: PathBuf,
}

/// A build system and the settings that apply to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BuildSystem {
    /// `make` in the source tree, then `make ... install`.
    Make {
        /// `NAME=value` variables, passed to both invocations.
        variables: BTreeMap<String, String>,
        /// Further arguments, passed to both invocations.
        arguments: Vec<String>,
        /// The targets to build (none: the default goal).
        targets: Vec<String>,
        /// The arguments that install, `["PREFIX={prefix}", "install"]` unless the recipe says.
        install_arguments: Vec<String>,
    },
    /// CMake: configure, build and install out of tree.
    Cmake {
        /// `-DNAME=value` cache entries.
        variables: BTreeMap<String, String>,
        /// Further configure arguments.
        arguments: Vec<String>,
    },
    /// Meson: setup, compile and install out of tree.
    Meson {
        /// `-DNAME=value` options.
        variables: BTreeMap<String, String>,
        /// Further setup arguments.
        arguments: Vec<String>,
    },
    /// An autoconf-style `./configure`, then `make` and `make install`.
    Configure {
        /// `NAME=value` variables given to `configure` (such as `CC=gcc`).
        variables: BTreeMap<String, String>,
        /// Further configure arguments (such as `--disable-static`).
        arguments: Vec<String>,
    },
    /// Explicit commands, each a program and its arguments (no shell), run in the source tree.
    Commands {
        /// The commands in order.
        commands: Vec<Vec<String>>,
    },
}

impl BuildSystem {
    /// The name used for this system in recipes: `make`, `cmake`, `meson`, `configure` or
    /// `commands`.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Make { .. } => "make",
            Self::Cmake { .. } => "cmake",
            Self::Meson { .. } => "meson",
            Self::Configure { .. } => "configure",
            Self::Commands { .. } => "commands",
        }
    }
}

/// How many build jobs to run in parallel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Jobs {
    /// As many as the machine has processors.
    Auto,
    /// Exactly this many.
    Count(NonZeroUsize),
}

impl Jobs {
    /// The number of jobs: the count, or the machine's available parallelism for `Auto`.
    pub fn count(self) -> usize {
        match self {
            Self::Count(count) => count.get(),
            Self::Auto => std::thread::available_parallelism().map_or(1, NonZeroUsize::get),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jobs_count_is_positive() {
        assert!(Jobs::Auto.count() >= 1);
        assert_eq!(Jobs::Count(NonZeroUsize::new(3).unwrap()).count(), 3);
    }
}
