//! `nativelib show` on installed environments: the pinned numpy and scipy wheels pip-installed
//! into a real virtual environment are reported as the wheels themselves are (found from the
//! environment's root or its site-packages); an installed library changed after installation is
//! an error unless mismatches are allowed; a directory that is no environment is bad input.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{fixture, nativelib, one_line_error, show_json};
use serde_json::Value;

/// A virtual environment with the numpy and scipy fixtures installed (no dependencies, offline),
/// and its site-packages directory.
fn environment_with_numpy_and_scipy(directory: &Path) -> (PathBuf, PathBuf) {
    let root = directory.join("venv");
    let run = |command: &mut Command| {
        let output = command.output().unwrap();
        assert!(
            output.status.success(),
            "{command:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    };
    run(Command::new("python3")
        .args(["-m", "venv", "--without-pip"])
        .arg(&root));
    // The environment has no pip of its own: the system pip installs into it by --prefix.
    run(Command::new("python3")
        .args(["-m", "pip", "install", "--quiet", "--no-deps", "--no-index"])
        .arg("--prefix")
        .arg(&root)
        .arg(fixture("numpy"))
        .arg(fixture("scipy")));
    let site_packages = std::fs::read_dir(root.join("lib"))
        .unwrap()
        .map(|entry| entry.unwrap().path().join("site-packages"))
        .find(|path| path.is_dir())
        .expect("lib/python3.X/site-packages");
    (root, site_packages)
}

/// What the report says of each distribution and of the environment, without file paths.
fn summary(report: &Value) -> Value {
    let wheels: Vec<Value> = report["wheels"]
        .as_array()
        .unwrap()
        .iter()
        .map(|wheel| {
            serde_json::json!({
                "name": wheel["name"],
                "version": wheel["version"],
                "binaries": wheel["binaries"].as_array().unwrap().len(),
                "vendored": wheel["vendored"].as_array().unwrap().iter()
                    .map(|library| library["entry"].clone()).collect::<Vec<_>>(),
                "unresolved": wheel["unresolved"],
                "platform": wheel["platform"]["tag"],
                "declared": wheel["platform"]["declared"],
            })
        })
        .collect();
    let duplicates: Vec<Value> = report["duplicate_runtimes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|duplicate| {
            serde_json::json!([
                duplicate["runtime"],
                duplicate["copies"].as_array().unwrap().len()
            ])
        })
        .collect();
    serde_json::json!({
        "wheels": wheels,
        "duplicates": duplicates,
        "clashes": report["symbol_clashes"].as_array().unwrap().len(),
    })
}

#[test]
fn an_installed_environment_is_reported_as_its_wheels() {
    let directory = tempfile::tempdir().unwrap();
    let (root, site_packages) = environment_with_numpy_and_scipy(directory.path());
    let from_wheels = summary(&show_json(&[&fixture("numpy"), &fixture("scipy")]));
    let from_root = summary(&show_json(&[&root]));
    let from_site_packages = summary(&show_json(&[&site_packages]));
    assert_eq!(from_root, from_wheels);
    assert_eq!(from_site_packages, from_wheels);
    // What that is: numpy's and scipy's OpenBLAS, libgfortran and libquadmath, each loaded twice
    // or more into one process.
    let runtimes: Vec<&str> = from_root["duplicates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|duplicate| duplicate[0].as_str().unwrap())
        .collect();
    assert_eq!(runtimes, ["OpenBLAS", "libgfortran", "libquadmath"]);
    assert_eq!(
        from_root["wheels"][0]["declared"][0],
        "manylinux_2_17_x86_64"
    );

    let text = nativelib(["show".as_ref(), root.as_os_str()]);
    common::assert_success(&text);
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(
        text.lines()
            .any(|line| line.starts_with("  installed") && line.ends_with("numpy-2.1.3.dist-info")),
        "{text}"
    );
}

#[test]
fn a_library_changed_after_installation_is_reported() {
    let directory = tempfile::tempdir().unwrap();
    let (root, site_packages) = environment_with_numpy_and_scipy(directory.path());
    let library = std::fs::read_dir(site_packages.join("numpy.libs"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .find(|path| path.to_string_lossy().contains("openblas"))
        .unwrap();
    let mut bytes = std::fs::read(&library).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 0xff;
    std::fs::write(&library, bytes).unwrap();

    let strict = nativelib(["show".as_ref(), root.as_os_str()]);
    let message = one_line_error(&strict, 2);
    assert!(message.contains("numpy-2.1.3.dist-info"), "{message}");
    assert!(message.contains("changed after installation"), "{message}");
    assert!(message.contains("libscipy_openblas64_"), "{message}");

    let tolerant = nativelib([
        "show".as_ref(),
        "--json".as_ref(),
        "--allow-record-mismatch".as_ref(),
        root.as_os_str(),
    ]);
    assert!(tolerant.status.success());
    let report: Value = serde_json::from_slice(&tolerant.stdout).unwrap();
    let mismatches = report["wheels"][0]["record_mismatches"].as_array().unwrap();
    assert_eq!(mismatches.len(), 1, "{mismatches:?}");
}

#[test]
fn a_directory_that_is_no_environment_is_bad_input() {
    let directory = tempfile::tempdir().unwrap();
    let output = nativelib(["show".as_ref(), directory.path().as_os_str()]);
    let message = one_line_error(&output, 2);
    assert!(message.contains("is not a Python environment"), "{message}");
    assert!(message.contains("pass a virtual environment"), "{message}");
}
