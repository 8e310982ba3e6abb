//! [`CacheDirectory`]: where downloads, finished builds and build logs are kept between runs
//! (`~/.cache/nativelib/{sources,builds,logs}`).

use std::path::{Path, PathBuf};

/// The root of nativelib's cache.
///
/// - `sources/<sha256>`: downloaded (or copied) source archives, named by their digest;
/// - `builds/<key>/`: the install prefix and license files of a finished build, and the wheels
///   packaged from it (see [`crate::build_recipe`]);
/// - `logs/`: build logs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CacheDirectory {
    root: PathBuf,
}

impl CacheDirectory {
    /// A cache rooted at `root`.
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }

    /// The cache the environment names: `$NATIVELIB_CACHE_DIR`, else
    /// `$XDG_CACHE_HOME/nativelib`, else `~/.cache/nativelib`.
    pub fn from_environment() -> Self {
        if let Some(directory) =
            std::env::var_os("NATIVELIB_CACHE_DIR").filter(|value| !value.is_empty())
        {
            return Self::new(directory);
        }
        let base = std::env::var_os("XDG_CACHE_HOME")
            .filter(|value| !value.is_empty())
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cache")))
            .unwrap_or_else(std::env::temp_dir);
        Self::new(base.join("nativelib"))
    }

    /// The cache's root directory.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Where a source file with digest `sha256` is kept.
    pub fn source(&self, sha256: &str) -> PathBuf {
        self.root.join("sources").join(sha256)
    }

    /// Where the build with cache key `key` is kept.
    pub fn build(&self, key: &str) -> PathBuf {
        self.root.join("builds").join(key)
    }

    /// The directory of build logs.
    pub fn logs(&self) -> PathBuf {
        self.root.join("logs")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layout_is_under_the_root() {
        let cache = CacheDirectory::new("/c");
        assert_eq!(cache.source("ab"), Path::new("/c/sources/ab"));
        assert_eq!(cache.build("k"), Path::new("/c/builds/k"));
        assert_eq!(cache.logs(), Path::new("/c/logs"));
    }
}
