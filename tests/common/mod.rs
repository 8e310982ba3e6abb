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

/// Runs `nativelib ARGS...` with its build cache in `cache` (and no SOURCE_DATE_EPOCH).
pub fn nativelib_in(cache: &Path, arguments: &[&std::ffi::OsStr]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_nativelib"))
        .args(arguments)
        .env("NATIVELIB_CACHE_DIR", cache)
        .env_remove("SOURCE_DATE_EPOCH")
        .output()
        .expect("the nativelib binary runs")
}

/// Runs `nativelib show --json INPUTS...` and parses the report; panics with stderr on failure.
pub fn show_json(inputs: &[&Path]) -> serde_json::Value {
    show_json_with(&[], inputs)
}

/// Like [`show_json`], tolerating RECORD mismatches (scipy-openblas32 0.3.27.44.6 has one).
pub fn show_json_allowing_record_mismatch(inputs: &[&Path]) -> serde_json::Value {
    show_json_with(&["--allow-record-mismatch"], inputs)
}

fn show_json_with(options: &[&str], inputs: &[&Path]) -> serde_json::Value {
    let mut arguments: Vec<&std::ffi::OsStr> = vec!["show".as_ref(), "--json".as_ref()];
    arguments.extend(options.iter().map(std::ffi::OsStr::new));
    arguments.extend(inputs.iter().map(|path| path.as_os_str()));
    let output = nativelib(arguments);
    assert_success(&output);
    serde_json::from_slice(&output.stdout).expect("show --json prints JSON")
}

/// Runs `command`, asserting it succeeds, and returns its stdout.
pub fn run_checked(command: &mut Command) -> String {
    let output = command.output().unwrap();
    assert!(
        output.status.success(),
        "{command:?} failed: {}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

/// Installs `wheels` into the directory `target` with the system pip (offline, no
/// dependencies), as `pip install --target`.
pub fn pip_install_into(target: &Path, wheels: &[&Path]) {
    let output = Command::new("python3")
        .args([
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--no-index",
            "--target",
        ])
        .arg(target)
        .args(wheels)
        .output()
        .expect("python3 runs");
    assert_success(&output);
}

/// Asserts the command succeeded, showing its stderr if not.
pub fn assert_success(output: &Output) {
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// The text on stderr, asserting the command failed with `code` and printed exactly one line.
pub fn one_line_error(output: &Output, code: i32) -> String {
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_eq!(output.status.code(), Some(code), "stderr: {stderr}");
    assert_eq!(
        stderr.trim_end().lines().count(),
        1,
        "not one line: {stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    stderr
}

/// The example wheels built from examples/ by examples/build_wheels.py, once per test binary:
/// `(vecdemo, vecmath provider, vecmath 0.9.0 provider lacking vecmath_version)`.
pub fn example_wheels() -> &'static (PathBuf, PathBuf, PathBuf) {
    static WHEELS: std::sync::OnceLock<(tempfile::TempDir, (PathBuf, PathBuf, PathBuf))> =
        std::sync::OnceLock::new();
    let (_, wheels) = WHEELS.get_or_init(|| {
        let directory = tempfile::tempdir().unwrap();
        let build = |output: &Path, extra: &[&str]| -> Vec<PathBuf> {
            let result = Command::new("python3")
                .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/build_wheels.py"))
                .arg(output)
                .args(extra)
                .output()
                .expect("python3 runs");
            assert!(
                result.status.success(),
                "examples/build_wheels.py failed: {}",
                String::from_utf8_lossy(&result.stderr)
            );
            String::from_utf8(result.stdout)
                .unwrap()
                .lines()
                .map(PathBuf::from)
                .collect()
        };
        let good = build(directory.path(), &[]);
        let bad = build(
            &directory.path().join("bad"),
            &["--provider-missing-symbol"],
        );
        let wheels = (good[0].clone(), good[1].clone(), bad[1].clone());
        (directory, wheels)
    });
    wheels
}

/// Writes a wheel from `(name, bytes)` entries with a correct RECORD, or the given one.
pub fn write_wheel(
    path: &Path,
    dist_info: &str,
    files: &[(String, Vec<u8>)],
    record: Option<&str>,
) {
    use base64::Engine;
    use sha2::Digest;
    use std::io::Write;
    let file = std::fs::File::create(path).unwrap();
    let mut zip = zip::ZipWriter::new(file);
    let options = zip::write::SimpleFileOptions::default();
    let mut lines = String::new();
    for (name, bytes) in files {
        zip.start_file(name.as_str(), options).unwrap();
        zip.write_all(bytes).unwrap();
        let digest =
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(sha2::Sha256::digest(bytes));
        lines.push_str(&format!("{name},sha256={digest},{}\n", bytes.len()));
    }
    lines.push_str(&format!("{dist_info}/RECORD,,\n"));
    zip.start_file(format!("{dist_info}/RECORD"), options)
        .unwrap();
    zip.write_all(record.unwrap_or(&lines).as_bytes()).unwrap();
    zip.finish().unwrap();
}

/// Every entry of a wheel except RECORD, in archive order.
pub fn wheel_entries(path: &Path) -> Vec<(String, Vec<u8>)> {
    use std::io::Read;
    let mut archive = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    (0..archive.len())
        .filter_map(|index| {
            let mut entry = archive.by_index(index).unwrap();
            let name = entry.name().unwrap().to_string();
            if entry.is_dir() || name.ends_with("/RECORD") {
                return None;
            }
            let mut bytes = Vec::new();
            entry.read_to_end(&mut bytes).unwrap();
            Some((name, bytes))
        })
        .collect()
}

/// The text of a wheel's RECORD.
pub fn wheel_record(path: &Path) -> String {
    use std::io::Read;
    let mut archive = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let name = (0..archive.len())
        .map(|index| archive.by_index(index).unwrap().name().unwrap().to_string())
        .find(|name| name.ends_with(".dist-info/RECORD"))
        .expect("a RECORD");
    let mut text = String::new();
    archive
        .by_name(&name)
        .unwrap()
        .read_to_string(&mut text)
        .unwrap();
    text
}
