//! `nativelib link` on the example wheels (build, link, pip install, import) and on real numpy;
//! refusals and bad input leave no output file.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{
    example_wheels, fixture, nativelib, one_line_error, show_json, wheel_entries, write_wheel,
};
use serde_json::Value;

fn link(arguments: &[&std::ffi::OsStr]) -> std::process::Output {
    let mut all: Vec<&std::ffi::OsStr> = vec!["link".as_ref()];
    all.extend_from_slice(arguments);
    nativelib(all)
}

fn written_wheels(directory: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(directory)
        .map(|entries| {
            entries
                .map(|entry| entry.unwrap().path())
                .filter(|path| path.is_file())
                .collect()
        })
        .unwrap_or_default()
}

/// Links vecdemo against the vecmath provider, both libraries replaced explicitly.
fn link_example(output: &Path, replace_vecutil: bool) -> Value {
    let (vecdemo, vecmath, _) = example_wheels();
    let mut arguments: Vec<&std::ffi::OsStr> = vec![
        vecdemo.as_os_str(),
        "--against".as_ref(),
        vecmath.as_os_str(),
        "-w".as_ref(),
        output.as_os_str(),
        "--json".as_ref(),
        "--replace".as_ref(),
        "libvecmath-1a2b3c4d.so.1=libvecmath_nativelib.so.1".as_ref(),
    ];
    if replace_vecutil {
        arguments.push("--replace".as_ref());
        arguments.push("libvecutil-5e6f7a8b.so.1=libvecutil_nativelib.so.1".as_ref());
    }
    let result = link(&arguments);
    assert!(
        result.status.success(),
        "link failed: {}",
        String::from_utf8_lossy(&result.stderr)
    );
    serde_json::from_slice::<Value>(&result.stdout).unwrap()[0].clone()
}

#[test]
fn example_link_keeps_what_is_still_needed() {
    let output = tempfile::tempdir().unwrap();
    let outcome = link_example(output.path(), false);
    let plan = &outcome["plan"];
    let removed: Vec<&str> = plan["removed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|removed| removed["entry"].as_str().unwrap())
        .collect();
    assert_eq!(removed, ["vecdemo.libs/libvecmath-1a2b3c4d.so.1"]);
    // vecdemo._util still needs its own libvecutil, like scipy's Fortran extensions need
    // libgfortran.
    assert_eq!(plan["kept"][0], "vecdemo.libs/libvecutil-5e6f7a8b.so.1");
    let rewrite = &plan["rewrites"][0];
    assert_eq!(
        rewrite["entry"],
        "vecdemo/_core.cpython-311-x86_64-linux-gnu.so"
    );
    assert_eq!(rewrite["search_path_kind"], "rpath");
    assert_eq!(rewrite["search_path_after"], "$ORIGIN/../vecmath/lib");
    assert_eq!(plan["requires_dist"], "vecmath>=1.0.0,<2");
    assert_eq!(plan["preloader"]["hook"], "distributor-init-local");

    // The rewritten wheel and its provider resolve completely, with no orphan.
    let written = PathBuf::from(outcome["output"].as_str().unwrap());
    let (_, vecmath, _) = example_wheels();
    let report = show_json(&[&written, vecmath]);
    let linked = &report["wheels"][0];
    assert_eq!(
        linked["unresolved"].as_array().unwrap().len(),
        0,
        "{linked:#}"
    );
    assert_eq!(linked["orphans"].as_array().unwrap().len(), 0);
    assert_eq!(linked["platform"]["declared_is_satisfied"], true);
    let requires: Vec<&str> = linked["requires_dist"]
        .as_array()
        .unwrap()
        .iter()
        .map(|requirement| requirement.as_str().unwrap())
        .collect();
    assert!(requires.contains(&"vecmath>=1.0.0,<2"), "{requires:?}");
}

#[test]
fn linked_example_installs_and_loads_the_provider_copy() {
    let output = tempfile::tempdir().unwrap();
    let outcome = link_example(output.path(), true);
    assert_eq!(outcome["plan"]["kept"].as_array().unwrap().len(), 0);
    let written = PathBuf::from(outcome["output"].as_str().unwrap());
    let names: Vec<String> = wheel_entries(&written)
        .into_iter()
        .map(|(name, _)| name)
        .collect();
    assert!(
        names.iter().all(|name| !name.starts_with("vecdemo.libs/")),
        "{names:?}"
    );
    assert!(names.contains(&"vecdemo/_distributor_init_local.py".to_string()));

    let venv = tempfile::tempdir().unwrap();
    let status = Command::new("python3")
        .args(["-m", "venv"])
        .arg(venv.path())
        .status()
        .unwrap();
    assert!(status.success());
    let (_, vecmath, _) = example_wheels();
    let python = venv.path().join("bin/python");
    let install = Command::new(&python)
        .args(["-m", "pip", "install", "--quiet", "--no-index", "--no-deps"])
        .arg(&written)
        .arg(vecmath)
        .output()
        .unwrap();
    common::assert_success(&install);
    let script = "import vecdemo\n\
        print(vecdemo._core.dot([1.0, 2.0], [3.0, 4.0]))\n\
        maps = open('/proc/self/maps').read()\n\
        print('provider' if 'libvecmath_nativelib.so.1' in maps else 'missing')\n\
        print('vendored' if 'vecdemo.libs' in maps else 'clean')\n";
    let run = Command::new(&python).args(["-c", script]).output().unwrap();
    let stdout = String::from_utf8_lossy(&run.stdout);
    common::assert_success(&run);
    assert_eq!(
        stdout.lines().collect::<Vec<_>>(),
        ["11.0", "provider", "clean"]
    );

    // The provider in another site directory, where the relative RPATH cannot reach: the
    // preloader finds it with importlib and loads it by absolute path.
    let uninstall = Command::new(&python)
        .args(["-m", "pip", "uninstall", "--quiet", "--yes", "vecmath"])
        .status()
        .unwrap();
    assert!(uninstall.success());
    let elsewhere = venv.path().join("elsewhere");
    let install = Command::new(&python)
        .args([
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-index",
            "--no-deps",
            "--target",
        ])
        .arg(&elsewhere)
        .arg(vecmath)
        .output()
        .unwrap();
    common::assert_success(&install);
    let run = Command::new(&python)
        .args(["-c", script])
        .env("PYTHONPATH", &elsewhere)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&run.stdout);
    common::assert_success(&run);
    assert_eq!(
        stdout.lines().collect::<Vec<_>>(),
        ["11.0", "provider", "clean"]
    );

    // Without the provider, the import fails and names the distribution to install.
    let run = Command::new(&python).args(["-c", script]).output().unwrap();
    assert!(!run.status.success());
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(stderr.contains("pip install vecmath"), "{stderr}");
}

#[test]
fn real_numpy_links_against_scipy_openblas64() {
    let output = tempfile::tempdir().unwrap();
    let numpy = fixture("numpy");
    let provider = fixture("scipy_openblas64");
    let result = link(&[
        numpy.as_os_str(),
        "--against".as_ref(),
        provider.as_os_str(),
        "-w".as_ref(),
        output.path().as_os_str(),
        "--json".as_ref(),
    ]);
    common::assert_success(&result);
    let outcome = &serde_json::from_slice::<Value>(&result.stdout).unwrap()[0];
    let plan = &outcome["plan"];
    assert_eq!(plan["rewrites"].as_array().unwrap().len(), 3);
    assert_eq!(
        plan["removed"].as_array().unwrap().len(),
        3,
        "{:#}",
        plan["removed"]
    );
    assert_eq!(plan["platform_tags_after"][0], "manylinux_2_27_x86_64");
    assert_eq!(plan["requires_dist"], "scipy-openblas64>=0.3.34.481.3,<0.4");
    let written = PathBuf::from(outcome["output"].as_str().unwrap());
    assert_eq!(
        written.file_name().unwrap(),
        "numpy-2.1.3-cp311-cp311-manylinux_2_27_x86_64.whl"
    );
    // About 8.5 MB, down from 16.3 MB.
    let size = outcome["size_after"].as_u64().unwrap();
    assert!((8_000_000..9_000_000).contains(&size), "{size}");
    // The input is untouched.
    assert_eq!(
        std::fs::metadata(&numpy).unwrap().len(),
        outcome["size_before"].as_u64().unwrap()
    );

    let report = show_json(&[&written, &provider]);
    let linked = &report["wheels"][0];
    assert_eq!(linked["unresolved"].as_array().unwrap().len(), 0);
    assert_eq!(linked["orphans"].as_array().unwrap().len(), 0);
    assert_eq!(linked["vendored"].as_array().unwrap().len(), 0);
    assert_eq!(linked["platform"]["tag"], "manylinux_2_27_x86_64");
    assert_eq!(linked["platform"]["declared"][0], "manylinux_2_27_x86_64");
    assert_eq!(report["duplicate_runtimes"].as_array().unwrap().len(), 0);
    assert_eq!(report["symbol_clashes"].as_array().unwrap().len(), 0);
}

#[test]
fn dry_run_writes_nothing() {
    let output = tempfile::tempdir().unwrap();
    let target = output.path().join("out");
    let result = link(&[
        fixture("numpy").as_os_str(),
        "--against".as_ref(),
        fixture("scipy_openblas64").as_os_str(),
        "-w".as_ref(),
        target.as_os_str(),
        "--dry-run".as_ref(),
    ]);
    assert!(result.status.success());
    let text = String::from_utf8_lossy(&result.stdout);
    assert!(
        text.contains("would write numpy-2.1.3-cp311-cp311-manylinux_2_27_x86_64.whl"),
        "{text}"
    );
    assert!(!target.exists());
}

fn refused(arguments: &[&std::ffi::OsStr], output: &Path, code: i32) -> String {
    let result = link(arguments);
    let stderr = one_line_error(&result, code);
    assert!(written_wheels(output).is_empty(), "an output was written");
    stderr
}

#[test]
fn provider_missing_symbols_is_refused() {
    let output = tempfile::tempdir().unwrap();
    let (vecdemo, _, old_vecmath) = example_wheels();
    let stderr = refused(
        &[
            vecdemo.as_os_str(),
            "--against".as_ref(),
            old_vecmath.as_os_str(),
            "-w".as_ref(),
            output.path().as_os_str(),
            "--replace".as_ref(),
            "libvecmath-1a2b3c4d.so.1=libvecmath_nativelib.so.1".as_ref(),
        ],
        output.path(),
        1,
    );
    assert!(stderr.contains("vecmath_version@VECMATH_1.0"), "{stderr}");
    assert!(stderr.contains("vecdemo/_core"), "{stderr}");
}

#[test]
fn nothing_matching_is_refused_with_the_lists() {
    let output = tempfile::tempdir().unwrap();
    let (vecdemo, _, _) = example_wheels();
    let stderr = refused(
        &[
            vecdemo.as_os_str(),
            "--against".as_ref(),
            fixture("scipy_openblas64").as_os_str(),
            "-w".as_ref(),
            output.path().as_os_str(),
        ],
        output.path(),
        1,
    );
    assert!(
        stderr.contains("vecdemo.libs/libvecmath-1a2b3c4d.so.1"),
        "{stderr}"
    );
    assert!(stderr.contains("libscipy_openblas64_.so"), "{stderr}");
    assert!(stderr.contains("--replace"), "{stderr}");
}

#[test]
fn provider_for_another_architecture_is_refused() {
    let output = tempfile::tempdir().unwrap();
    let (vecdemo, vecmath, _) = example_wheels();
    let mut entries = wheel_entries(vecmath);
    for (name, bytes) in &mut entries {
        if name.ends_with(".so.1") {
            // e_machine: EM_AARCH64 (183) instead of EM_X86_64.
            bytes[18..20].copy_from_slice(&183u16.to_le_bytes());
        }
    }
    let foreign = output.path().join("foreign");
    std::fs::create_dir(&foreign).unwrap();
    let provider = foreign.join("vecmath-1.0.0-py3-none-manylinux_2_17_aarch64.whl");
    write_wheel(&provider, "vecmath-1.0.0.dist-info", &entries, None);
    let stderr = refused(
        &[
            vecdemo.as_os_str(),
            "--against".as_ref(),
            provider.as_os_str(),
            "-w".as_ref(),
            output.path().as_os_str(),
        ],
        output.path(),
        1,
    );
    assert!(stderr.contains("aarch64"), "{stderr}");
    assert!(stderr.contains("x86_64"), "{stderr}");
}

#[test]
fn a_provider_declaring_a_newer_floor_raises_the_linked_tag() {
    // A provider's declared tag is a floor even when its binaries need less: a library wheel
    // built by nativelib declares the floor of the wheels it requires in turn (the OpenMP
    // OpenBLAS needs glibc 2.31 itself, its libgomp and libgfortran wheels 2.34).
    let output = tempfile::tempdir().unwrap();
    let (vecdemo, vecmath, _) = example_wheels();
    let newer = output.path().join("newer");
    std::fs::create_dir(&newer).unwrap();
    let provider = newer.join("vecmath-1.0.0-py3-none-manylinux_2_34_x86_64.whl");
    write_wheel(
        &provider,
        "vecmath-1.0.0.dist-info",
        &wheel_entries(vecmath),
        None,
    );
    let result = link(&[
        vecdemo.as_os_str(),
        "--against".as_ref(),
        provider.as_os_str(),
        "-w".as_ref(),
        output.path().as_os_str(),
        "--json".as_ref(),
        "--replace".as_ref(),
        "libvecmath-1a2b3c4d.so.1=libvecmath_nativelib.so.1".as_ref(),
    ]);
    common::assert_success(&result);
    let outcome = &serde_json::from_slice::<Value>(&result.stdout).unwrap()[0];
    assert_eq!(
        outcome["plan"]["platform_tags_after"],
        serde_json::json!(["manylinux_2_34_x86_64"])
    );
    let written = PathBuf::from(outcome["output"].as_str().unwrap());
    let report = show_json(&[&written, &provider]);
    let platform = &report["wheels"][0]["platform"];
    assert_eq!(platform["tag"], "manylinux_2_34_x86_64", "{platform:#}");
    assert_eq!(platform["provider_floor"]["distribution"], "vecmath");
    assert_eq!(platform["provider_floor"]["tag"], "manylinux_2_34_x86_64");
    assert_eq!(platform["declared_is_satisfied"], true);
}

#[test]
fn corrupt_elf_in_the_wheel_is_an_input_error() {
    let output = tempfile::tempdir().unwrap();
    let (vecdemo, vecmath, _) = example_wheels();
    let mut entries = wheel_entries(vecdemo);
    for (name, bytes) in &mut entries {
        if name.starts_with("vecdemo/_core") {
            bytes.truncate(64);
        }
    }
    let broken_dir = output.path().join("broken");
    std::fs::create_dir(&broken_dir).unwrap();
    let broken = broken_dir.join(vecdemo.file_name().unwrap());
    write_wheel(&broken, "vecdemo-1.0.0.dist-info", &entries, None);
    // A good wheel before the broken one: every wheel is planned before anything is written,
    // so neither the good wheel's output nor the output directory appears.
    let wheel_dir = output.path().join("out");
    let stderr = refused(
        &[
            vecdemo.as_os_str(),
            broken.as_os_str(),
            "--against".as_ref(),
            vecmath.as_os_str(),
            "-w".as_ref(),
            wheel_dir.as_os_str(),
            "--replace".as_ref(),
            "libvecmath-1a2b3c4d.so.1=libvecmath_nativelib.so.1".as_ref(),
        ],
        output.path(),
        2,
    );
    assert!(stderr.contains("vecdemo/_core"), "{stderr}");
    assert!(!wheel_dir.exists());
}

#[test]
fn provider_by_name_from_find_links() {
    let output = tempfile::tempdir().unwrap();
    let result = link(&[
        "numpy-0-cp311-cp311-linux_x86_64.whl".as_ref(),
        "--against".as_ref(),
        "openblas".as_ref(),
        "--find-links".as_ref(),
        output.path().as_os_str(),
    ]);
    let stderr = one_line_error(&result, 2);
    assert!(stderr.contains("No wheel of `openblas`"), "{stderr}");
    assert!(stderr.contains("nativelib build"), "{stderr}");
}

#[test]
fn a_second_link_keeps_the_first_providers_search_path() {
    // scipy linked against scipy-openblas32, then against a libgfortran wheel: the modules that
    // need both must still reach the first provider (its RPATH entry points outside scipy).
    let work = tempfile::tempdir().unwrap();
    let wheelhouse = work.path().join("wheelhouse");
    let build = Command::new(env!("CARGO_BIN_EXE_nativelib"))
        .args(["build", "recipes/gfortran.toml", "-w"])
        .arg(&wheelhouse)
        .env("NATIVELIB_CACHE_DIR", work.path().join("cache"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    common::assert_success(&build);
    let first = work.path().join("first");
    let openblas = fixture("scipy_openblas32");
    let result = link(&[
        fixture("scipy").as_os_str(),
        "--against".as_ref(),
        openblas.as_os_str(),
        "--allow-record-mismatch".as_ref(),
        "-w".as_ref(),
        first.as_os_str(),
    ]);
    common::assert_success(&result);
    let second = work.path().join("second");
    let result = link(&[
        written_wheels(&first)[0].as_os_str(),
        "--against".as_ref(),
        "nativelib-gfortran".as_ref(),
        "--find-links".as_ref(),
        wheelhouse.as_os_str(),
        "-w".as_ref(),
        second.as_os_str(),
    ]);
    common::assert_success(&result);

    let mut inputs = vec![written_wheels(&second)[0].clone(), openblas];
    inputs.extend(written_wheels(&wheelhouse));
    let paths: Vec<&Path> = inputs.iter().map(|path| path.as_path()).collect();
    let report = common::show_json_allowing_record_mismatch(&paths);
    let scipy = &report["wheels"][0];
    assert_eq!(
        scipy["unresolved"].as_array().unwrap().len(),
        0,
        "{:#}",
        scipy["unresolved"]
    );
    assert_eq!(
        scipy["vendored"].as_array().unwrap().len(),
        0,
        "{:#}",
        scipy["vendored"]
    );
    let requires: Vec<&str> = scipy["requires_dist"]
        .as_array()
        .unwrap()
        .iter()
        .map(|requirement| requirement.as_str().unwrap())
        .collect();
    assert!(
        requires.iter().any(|r| r.starts_with("scipy-openblas32>=")),
        "{requires:?}"
    );
    assert!(
        requires
            .iter()
            .any(|r| r.starts_with("nativelib-gfortran>=")),
        "{requires:?}"
    );
}
