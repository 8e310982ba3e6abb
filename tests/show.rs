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
    assert!(platform["constraints"]
        .as_array()
        .unwrap()
        .iter()
        .all(|constraint| constraint["version"] == "GLIBC_2.17"));
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
            assert!(!copy["needed_by"].as_array().unwrap().is_empty(), "{copy:#}");
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
        needers
            .iter()
            .any(|needed_by| needed_by.iter().any(|entry| entry.ends_with("-linux-gnu.so"))),
        "{needers:?}"
    );
    assert_eq!(report["wheels"][0]["platform"]["tag"], "manylinux_2_17_x86_64");
}

#[test]
fn environment_reports_duplicate_openblas_and_clashing_providers() {
    let inputs = [
        fixture("numpy"),
        fixture("scipy"),
        fixture("scipy_openblas32"),
        fixture("scipy_openblas64"),
    ];
    let paths: Vec<&std::path::Path> = inputs.iter().map(|path| path.as_path()).collect();
    let report = show_json(&paths);
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
    let count = providers["count"].as_u64().unwrap();
    assert!(count >= 60, "{providers:#}");
    let sample = strings(&providers["sample"]);
    assert!(sample.iter().all(|name| !name.starts_with("scipy_")), "{sample:?}");

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
    assert!(text.contains("numpy.libs/libscipy_openblas64_-ff651d7f.so"), "{text}");
    assert!(text.contains("manylinux_2_17_x86_64.manylinux2014_x86_64"), "{text}");
    assert!(text.contains("Orphaned libraries: none"), "{text}");
}
