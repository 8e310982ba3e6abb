//! Fetching a recipe's source and checking its digest: a download (`url`), a PyPI sdist found
//! through the index's JSON API (`pypi-sdist`, never `pip download`, which runs the build
//! backend), or a local archive or directory (`path`). Downloads are kept in the source cache
//! under their sha256.

use std::io::Write;
use std::path::{Path, PathBuf};

use nativelib_recipe::{PypiSdist, ResolvedRecipe, Source};
use serde::Deserialize;

use crate::key::file_sha256;
use crate::observer::{Observer, Phase};
use crate::{CacheDirectory, Error};

/// The index whose JSON API (`/pypi/<name>/<version>/json`) is used for `pypi-sdist`.
const PYPI_SIMPLE: &str = "https://pypi.org/simple";
const PYPI_JSON: &str = "https://pypi.org/pypi";

/// A source ready to unpack or copy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum FetchedSource {
    /// An archive whose digest was checked.
    Archive(PathBuf),
    /// A directory on this machine.
    Directory(PathBuf),
}

/// Fetch (or find in the cache) and verify the source of `recipe`. `what` names the build for
/// progress reports.
pub(crate) fn fetch(
    recipe: &ResolvedRecipe,
    cache: &CacheDirectory,
    observer: &dyn Observer,
    what: &str,
) -> Result<FetchedSource, Error> {
    let recipe_path = &recipe.recipe_path;
    match &recipe.source {
        Source::Path { path, sha256, .. } => match sha256 {
            None => Ok(FetchedSource::Directory(path.clone())),
            Some(sha256) => {
                observer.phase(what, Phase::Verify, &path.display().to_string());
                verify(recipe_path, path, sha256)?;
                Ok(FetchedSource::Archive(path.clone()))
            }
        },
        Source::Url { url, sha256, .. } => {
            cached_download(recipe_path, cache, sha256, observer, what, || {
                Ok(url.clone())
            })
            .map(FetchedSource::Archive)
        }
        Source::PypiSdist(sdist) => {
            cached_download(recipe_path, cache, &sdist.sha256, observer, what, || {
                sdist_url(recipe_path, sdist)
            })
            .map(FetchedSource::Archive)
        }
        Source::Collect(_) => Err(Error::CollectNotFound {
            recipe: recipe_path.clone(),
            problem: "a collected library has no source to fetch".to_string(),
            fix: "build it with a `url`, `path` or `pypi-sdist` source".to_string(),
        }),
    }
}

/// Check that the file at `path` has the digest `expected`.
pub(crate) fn verify(recipe: &Path, path: &Path, expected: &str) -> Result<(), Error> {
    let actual = file_sha256(path).map_err(Error::io("read", path))?;
    if actual != expected.to_ascii_lowercase() {
        return Err(Error::Sha256Mismatch {
            recipe: recipe.to_path_buf(),
            what: path.to_path_buf(),
            expected: expected.to_string(),
            actual,
        });
    }
    Ok(())
}

/// The cached file with digest `sha256`, downloaded from the URL `locate` gives when it is not
/// cached yet (or the cached copy is corrupt).
fn cached_download(
    recipe: &Path,
    cache: &CacheDirectory,
    sha256: &str,
    observer: &dyn Observer,
    what: &str,
    locate: impl FnOnce() -> Result<String, Error>,
) -> Result<PathBuf, Error> {
    let cached = cache.source(&sha256.to_ascii_lowercase());
    if cached.is_file() {
        observer.phase(what, Phase::Verify, &cached.display().to_string());
        if verify(recipe, &cached, sha256).is_ok() {
            return Ok(cached);
        }
        // A corrupt copy (an interrupted copy by hand): fetch it again.
        std::fs::remove_file(&cached).map_err(Error::io("remove", &cached))?;
    }
    let url = locate()?;
    observer.phase(what, Phase::Fetch, &url);
    let directory = cached.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(directory).map_err(Error::io("create", directory))?;
    let mut partial = tempfile::NamedTempFile::new_in(directory)
        .map_err(Error::io("create a file in", directory))?;
    download(recipe, &url, partial.as_file_mut())?;
    observer.phase(what, Phase::Verify, &url);
    let actual = file_sha256(partial.path()).map_err(Error::io("read", partial.path()))?;
    if actual != sha256.to_ascii_lowercase() {
        return Err(Error::Sha256Mismatch {
            recipe: recipe.to_path_buf(),
            what: PathBuf::from(url),
            expected: sha256.to_string(),
            actual,
        });
    }
    partial
        .persist(&cached)
        .map_err(|error| Error::io("write", &cached)(error.error))?;
    Ok(cached)
}

/// Stream `url` into `output`.
fn download(recipe: &Path, url: &str, output: &mut std::fs::File) -> Result<(), Error> {
    let failed = |source: ureq::Error| Error::Download {
        recipe: recipe.to_path_buf(),
        url: url.to_string(),
        source: Box::new(source),
    };
    let mut response = ureq::get(url).call().map_err(failed)?;
    let mut reader = response.body_mut().with_config().limit(u64::MAX).reader();
    std::io::copy(&mut reader, output).map_err(|error| failed(ureq::Error::Io(error)))?;
    output
        .flush()
        .map_err(|error| failed(ureq::Error::Io(error)))?;
    Ok(())
}

#[derive(Deserialize)]
struct ReleaseJson {
    urls: Vec<ReleaseFile>,
}

#[derive(Deserialize)]
struct ReleaseFile {
    filename: String,
    url: String,
    packagetype: String,
    digests: Digests,
}

#[derive(Deserialize)]
struct Digests {
    sha256: String,
}

/// The download URL of the pinned sdist, from PyPI's JSON API.
fn sdist_url(recipe: &Path, sdist: &PypiSdist) -> Result<String, Error> {
    let not_found = |problem: String, fix: &str| Error::SdistNotFound {
        recipe: recipe.to_path_buf(),
        release: format!("{}=={} on {}", sdist.name, sdist.version, sdist.index_url),
        problem,
        fix: fix.to_string(),
    };
    if sdist.index_url.trim_end_matches('/') != PYPI_SIMPLE {
        return Err(not_found(
            "only PyPI's JSON API is supported for `pypi-sdist`".to_string(),
            "remove `index-url`, or download the sdist and use `path` with its sha256",
        ));
    }
    let url = format!("{PYPI_JSON}/{}/{}/json", sdist.name, sdist.version);
    let failed = |source: ureq::Error| Error::Download {
        recipe: recipe.to_path_buf(),
        url: url.clone(),
        source: Box::new(source),
    };
    let mut response = ureq::get(&url).call().map_err(failed)?;
    let text = response.body_mut().read_to_string().map_err(failed)?;
    let release: ReleaseJson = serde_json::from_str(&text).map_err(|error| {
        not_found(
            format!("the index answered with something that is not a release ({error})"),
            "check `pypi-sdist`",
        )
    })?;
    let sdists: Vec<&ReleaseFile> = release
        .urls
        .iter()
        .filter(|file| file.packagetype == "sdist")
        .collect();
    if let Some(file) = sdists
        .iter()
        .find(|file| file.digests.sha256.eq_ignore_ascii_case(&sdist.sha256))
    {
        return Ok(file.url.clone());
    }
    match sdists.first() {
        None => Err(not_found(
            "the release has no sdist".to_string(),
            "pin a version that has one",
        )),
        Some(file) => Err(Error::Sha256Mismatch {
            recipe: recipe.to_path_buf(),
            what: PathBuf::from(&file.filename),
            expected: sdist.sha256.clone(),
            actual: file.digests.sha256.clone(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verify_names_both_digests() {
        let directory = tempfile::tempdir().unwrap();
        let path = directory.path().join("src.tar.gz");
        std::fs::write(&path, b"abc").unwrap();
        let good = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
        verify(Path::new("r.toml"), &path, good).unwrap();
        verify(Path::new("r.toml"), &path, &good.to_ascii_uppercase()).unwrap();
        let error = verify(Path::new("r.toml"), &path, &"0".repeat(64)).unwrap_err();
        let message = error.to_string();
        assert!(message.contains(good), "{message}");
        assert!(message.contains("r.toml"), "{message}");
        assert!(message.contains("sha256 = "), "{message}");
    }
}
