//! Bad input: each case is a one-line error naming the file and the problem, exit status 2, no
//! panic, and nothing written.

mod common;

use std::path::{Path, PathBuf};

use common::{fixture, nativelib, one_line_error, write_wheel};

const METADATA: &[u8] = b"Metadata-Version: 2.1\nName: demo\nVersion: 1.0\n";
const WHEEL: &[u8] =
    b"Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: false\nTag: py3-none-any\n";

fn demo_wheel(directory: &Path, extra: &[(&str, &[u8])], record: Option<&str>) -> PathBuf {
    let path = directory.join("demo-1.0-py3-none-any.whl");
    let mut files: Vec<(String, Vec<u8>)> = vec![
        ("demo/__init__.py".into(), b"print('demo')\n".to_vec()),
        ("demo-1.0.dist-info/METADATA".into(), METADATA.to_vec()),
        ("demo-1.0.dist-info/WHEEL".into(), WHEEL.to_vec()),
    ];
    files.extend(
        extra
            .iter()
            .map(|(name, bytes)| (name.to_string(), bytes.to_vec())),
    );
    write_wheel(&path, "demo-1.0.dist-info", &files, record);
    path
}

fn show_error(path: &Path) -> String {
    let output = nativelib(["show".as_ref(), path.as_os_str()]);
    let stderr = one_line_error(&output, 2);
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    assert!(
        stderr.contains(&name),
        "error does not name the file: {stderr}"
    );
    stderr
}

#[test]
fn a_valid_handmade_wheel_is_accepted() {
    let directory = tempfile::tempdir().unwrap();
    let path = demo_wheel(directory.path(), &[], None);
    let output = nativelib(["show".as_ref(), path.as_os_str()]);
    common::assert_success(&output);
}

#[test]
fn truncated_wheel() {
    let directory = tempfile::tempdir().unwrap();
    let bytes = std::fs::read(fixture("numpy")).unwrap();
    let path = directory
        .path()
        .join("numpy-2.1.3-cp311-cp311-manylinux_2_17_x86_64.whl");
    std::fs::write(&path, &bytes[..bytes.len() / 2]).unwrap();
    show_error(&path);
}

#[test]
fn record_hash_mismatch_names_the_entry() {
    let directory = tempfile::tempdir().unwrap();
    let honest = demo_wheel(directory.path(), &[], None);
    let record = common::wheel_record(&honest);
    // The same RECORD over a changed file.
    let tampered = directory.path().join("tampered");
    std::fs::create_dir(&tampered).unwrap();
    let path = tampered.join("demo-1.0-py3-none-any.whl");
    let files: Vec<(String, Vec<u8>)> = common::wheel_entries(&honest)
        .into_iter()
        .map(|(name, bytes)| {
            if name == "demo/__init__.py" {
                (name, b"print('changed')\n".to_vec())
            } else {
                (name, bytes)
            }
        })
        .collect();
    write_wheel(&path, "demo-1.0.dist-info", &files, Some(&record));
    let stderr = show_error(&path);
    assert!(stderr.contains("demo/__init__.py"), "{stderr}");
}

#[test]
fn corrupt_elf_inside_a_wheel_names_the_entry() {
    let directory = tempfile::tempdir().unwrap();
    let corrupt: &[u8] = b"\x7fELF\x02\x01\x01\0garbage";
    let path = demo_wheel(directory.path(), &[("demo/_core.so", corrupt)], None);
    let stderr = show_error(&path);
    assert!(stderr.contains("demo/_core.so"), "{stderr}");
}

#[test]
fn non_elf_file_named_so() {
    let directory = tempfile::tempdir().unwrap();
    let path = directory.path().join("libfake.so");
    std::fs::write(&path, "this is not a shared library\n").unwrap();
    let stderr = show_error(&path);
    assert!(stderr.contains("not an ELF"), "{stderr}");
}

#[test]
fn parent_directory_entries_are_rejected() {
    let directory = tempfile::tempdir().unwrap();
    let path = demo_wheel(directory.path(), &[("../evil.py", b"boom")], None);
    let stderr = show_error(&path);
    assert!(stderr.contains("../evil.py"), "{stderr}");
}

#[test]
fn empty_files() {
    let directory = tempfile::tempdir().unwrap();
    for name in ["demo-1.0-py3-none-any.whl", "libempty.so"] {
        let path = directory.path().join(name);
        std::fs::write(&path, b"").unwrap();
        show_error(&path);
    }
}

#[test]
fn missing_file() {
    let output = nativelib(["show", "/nonexistent/numpy-1.0-py3-none-any.whl"]);
    let stderr = one_line_error(&output, 2);
    assert!(
        stderr.contains("/nonexistent/numpy-1.0-py3-none-any.whl"),
        "{stderr}"
    );
}
