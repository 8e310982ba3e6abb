//! Helpers shared by the integration tests: the pinned PyPI wheels, running the binary.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The directory holding the pinned wheels (scripts/fetch-fixtures.py downloads them).
pub fn fixtures_dir() -> PathBuf {
    if let Some(directory) = std::env::var_os("NATIVELIB_FIXTURES") {
        return PathBuf::from(directory);
    }
    let cache = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(std::env::var_os("HOME").unwrap()).join(".cache"));
    cache.join("nativelib").join("fixtures")
}

/// The pinned wheel of a distribution (`numpy`, `scipy`, `scipy_openblas64`, ...).
/// Panics with the fix when it has not been downloaded: the test command fetches it first.
pub fn fixture(distribution: &str) -> PathBuf {
    let directory = fixtures_dir();
    let prefix = format!("{distribution}-");
    let mut matches: Vec<PathBuf> = std::fs::read_dir(&directory)
        .unwrap_or_else(|error| {
            panic!(
                "fixtures directory {} unreadable ({error}); run scripts/fetch-fixtures.py",
                directory.display()
            )
        })
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| {
            let name = path.file_name().unwrap().to_string_lossy();
            name.starts_with(&prefix) && name.ends_with(".whl")
        })
        .collect();
    matches.sort();
    matches.pop().unwrap_or_else(|| {
        panic!(
            "no {distribution} wheel in {}; run scripts/fetch-fixtures.py",
            directory.display()
        )
    })
}

/// Runs `nativelib ARGS...`.
pub fn nativelib<I, S>(arguments: I) -> Output
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    Command::new(env!("CARGO_BIN_EXE_nativelib"))
        .args(arguments)
        .output()
        .expect("the nativelib binary runs")
}

/// Runs `nativelib show --json INPUTS...` and parses the report; panics with stderr on failure.
pub fn show_json(inputs: &[&Path]) -> serde_json::Value {
    let mut arguments: Vec<&std::ffi::OsStr> = vec!["show".as_ref(), "--json".as_ref()];
    arguments.extend(inputs.iter().map(|path| path.as_os_str()));
    let output = nativelib(arguments);
    assert!(
        output.status.success(),
        "nativelib show failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("show --json prints JSON")
}

/// The text on stderr, asserting the command failed with `code` and printed exactly one line.
pub fn one_line_error(output: &Output, code: i32) -> String {
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_eq!(output.status.code(), Some(code), "stderr: {stderr}");
    assert_eq!(stderr.trim_end().lines().count(), 1, "not one line: {stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    stderr
}
