//! `nativelib show` on the pinned real wheels: vendored libraries and who needs them, duplicate
//! runtimes, symbol clashes, platform tags.

mod common;

use common::{fixture, nativelib, show_json};
use serde_json::Value;

fn strings(value: &Value) -> Vec<String> {
    value
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item.as_str().unwrap().to_string())
        .collect()
}

fn vendored<'a>(wheel: &'a Value, entry: &str) -> &'a Value {
    wheel["vendored"]
        .as_array()
        .unwrap()
        .iter()
        .find(|library| library["entry"] == entry)
        .unwrap_or_else(|| panic!("{entry} not vendored: {:#}", wheel["vendored"]))
}

#[test]
fn numpy_vendors_openblas_gfortran_and_quadmath() {
    let report = show_json(&[&fixture("numpy")]);
    let numpy = &report["wheels"][0];
    assert_eq!(numpy["name"], "numpy");
    assert_eq!(numpy["version"], "2.1.3");

    let openblas = vendored(numpy, "numpy.libs/libscipy_openblas64_-ff651d7f.so");
    assert_eq!(openblas["runtime"], "OpenBLAS");
    let needed_by = strings(&openblas["needed_by"]);
    assert!(
        needed_by.contains(&"numpy/linalg/_umath_linalg.cpython-311-x86_64-linux-gnu.so".into()),
        "{needed_by:?}"
    );
    assert!(
        needed_by.contains(&"numpy/_core/_multiarray_umath.cpython-311-x86_64-linux-gnu.so".into()),
        "{needed_by:?}"
    );

    let runtimes: Vec<&str> = numpy["vendored"]
        .as_array()
        .unwrap()
        .iter()
        .map(|library| library["runtime"].as_str().unwrap())
        .collect();
    assert!(runtimes.contains(&"libgfortran"), "{runtimes:?}");
    assert!(runtimes.contains(&"libquadmath"), "{runtimes:?}");
    // libgfortran is loaded by OpenBLAS, not by numpy's own modules.
    let gfortran = numpy["vendored"]
        .as_array()
        .unwrap()
        .iter()
        .find(|library| library["runtime"] == "libgfortran")
        .unwrap();
    assert_eq!(
        strings(&gfortran["needed_by"]),
        ["numpy.libs/libscipy_openblas64_-ff651d7f.so"]
    );
    assert_eq!(numpy["orphans"].as_array().unwrap().len(), 0);
    assert_eq!(numpy["unresolved"].as_array().unwrap().len(), 0);

    let platform = &numpy["platform"];
    assert_eq!(platform["tag"], "manylinux_2_17_x86_64");
    assert_eq!(
        strings(&platform["tags"]),
        ["manylinux_2_17_x86_64", "manylinux2014_x86_64"]
    );
    assert_eq!(platform["declared_is_satisfied"], true);
    // What rules out manylinux_2_12: glibc and libgcc versions newer than it allows.
    let mut versions: Vec<&str> = platform["constraints"]
        .as_array()
        .unwrap()
        .iter()
        .map(|constraint| constraint["version"].as_str().unwrap())
        .collect();
    versions.sort_unstable();
    versions.dedup();
    assert_eq!(versions, ["GCC_4.8.0", "GLIBC_2.14", "GLIBC_2.17"]);
}

#[test]
fn scipy_has_two_gfortran_and_two_quadmath_copies() {
    let report = show_json(&[&fixture("scipy")]);
    let duplicates = report["duplicate_runtimes"].as_array().unwrap();
    for runtime in ["libgfortran", "libquadmath"] {
        let duplicate = duplicates
            .iter()
            .find(|duplicate| duplicate["runtime"] == runtime)
            .unwrap_or_else(|| panic!("no duplicate {runtime}: {duplicates:#?}"));
        let copies = duplicate["copies"].as_array().unwrap();
        assert_eq!(copies.len(), 2, "{runtime}: {copies:#?}");
        for copy in copies {
            assert!(copy["entry"].as_str().unwrap().starts_with("scipy.libs/"));
            assert!(
                !copy["needed_by"].as_array().unwrap().is_empty(),
                "{copy:#}"
            );
        }
    }
    // One libgfortran serves scipy's OpenBLAS, the other scipy's own Fortran extensions.
    let gfortran = duplicates
        .iter()
        .find(|duplicate| duplicate["runtime"] == "libgfortran")
        .unwrap();
    let needers: Vec<Vec<String>> = gfortran["copies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|copy| strings(&copy["needed_by"]))
        .collect();
    assert!(
        needers
            .iter()
            .any(|needed_by| needed_by.iter().any(|entry| entry.contains("openblas"))),
        "{needers:?}"
    );
    assert!(
        needers.iter().any(|needed_by| needed_by
            .iter()
            .any(|entry| entry.ends_with("-linux-gnu.so"))),
        "{needers:?}"
    );
    assert_eq!(
        report["wheels"][0]["platform"]["tag"],
        "manylinux_2_17_x86_64"
    );
}

#[test]
fn environment_reports_duplicate_openblas_and_clashing_providers() {
    let inputs = [
        fixture("numpy"),
        fixture("scipy"),
        fixture("scipy_openblas32"),
        fixture("scipy_openblas64"),
    ];
    // scipy-openblas32 0.3.27.44.6 on PyPI has a wrong RECORD row for its libgfortran.
    let strict = nativelib(["show".as_ref(), inputs[2].as_os_str()]);
    let stderr = common::one_line_error(&strict, 2);
    assert!(stderr.contains("libgfortran-040039e1.so.5.0.0"), "{stderr}");
    let paths: Vec<&std::path::Path> = inputs.iter().map(|path| path.as_path()).collect();
    let report = common::show_json_allowing_record_mismatch(&paths);
    assert_eq!(
        report["wheels"][2]["record_mismatches"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    let duplicates = report["duplicate_runtimes"].as_array().unwrap();
    let copies = |runtime: &str| {
        duplicates
            .iter()
            .find(|duplicate| duplicate["runtime"] == runtime)
            .map(|duplicate| duplicate["copies"].as_array().unwrap().len())
            .unwrap_or(0)
    };
    assert_eq!(copies("OpenBLAS"), 4, "{duplicates:#?}");
    assert!(copies("libgfortran") >= 3, "{duplicates:#?}");

    let providers = report["symbol_clashes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|clash| {
            let pair = [
                clash["left"]["distribution"].as_str().unwrap(),
                clash["right"]["distribution"].as_str().unwrap(),
            ];
            pair.contains(&"scipy_openblas32") && pair.contains(&"scipy_openblas64")
        })
        .expect("the two providers clash");
    // Both export un-prefixed LAPACK helpers: with RTLD_GLOBAL, LP64 calls would land in the
    // ILP64 library. (Two 0.3.34 builds share 66; this 0.3.27/0.3.34 pair shares 26.)
    assert_eq!(providers["count"], 26, "{providers:#}");
    let sample = strings(&providers["sample"]);
    assert!(sample.contains(&"dlaqz0_".to_string()), "{sample:?}");
    assert!(
        sample.iter().all(|name| !name.starts_with("scipy_")),
        "{sample:?}"
    );

    // The providers' own tags: openblas64 0.3.34 needs glibc 2.27.
    let provider64 = report["wheels"]
        .as_array()
        .unwrap()
        .iter()
        .find(|wheel| wheel["name"] == "scipy_openblas64")
        .unwrap();
    assert_eq!(provider64["platform"]["tag"], "manylinux_2_27_x86_64");
}

#[test]
fn human_output_names_vendored_libraries_and_the_tag() {
    let output = nativelib(["show".as_ref(), fixture("numpy").as_os_str()]);
    assert!(output.status.success());
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(
        text.contains("numpy.libs/libscipy_openblas64_-ff651d7f.so"),
        "{text}"
    );
    assert!(
        text.contains("manylinux_2_17_x86_64.manylinux2014_x86_64"),
        "{text}"
    );
    assert!(text.contains("Orphaned libraries: none"), "{text}");
}

#[test]
fn a_musl_library_is_musllinux() {
    let directory = tempfile::tempdir().unwrap();
    let source = directory.path().join("add.c");
    std::fs::write(&source, "int musl_add(int a, int b) { return a + b; }\n").unwrap();
    let library = directory.path().join("libmusladd.so");
    let status = std::process::Command::new("musl-gcc")
        .args(["-shared", "-fPIC", "-o"])
        .arg(&library)
        .arg(&source)
        .status()
        .expect("musl-gcc runs (scripts/setup.sh installs musl-tools)");
    assert!(status.success());
    let report = show_json(&[&library]);
    let wheel = &report["wheels"][0];
    assert_eq!(wheel["libc"], "musl");
    assert_eq!(wheel["platform"]["tag"], "musllinux_1_1_x86_64");
    assert_eq!(wheel["unresolved"].as_array().unwrap().len(), 0);
}

#[test]
fn a_reader_that_stops_early_is_not_an_error() {
    // `nativelib show ... | head`: stdout closed before the (large) report is written.
    for json in [false, true] {
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_nativelib"));
        command.arg("show");
        if json {
            command.arg("--json");
        }
        let mut child = command
            .arg(fixture("scipy"))
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take());
        let output = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(output.status.success(), "json: {json}: {stderr}");
        assert!(stderr.is_empty(), "json: {json}: {stderr}");
    }
}
