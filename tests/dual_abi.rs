//! recipes/openblas-dual-abi.toml's build script, run by `nativelib build` on a small stand-in
//! for the OpenBLAS tree (the real build takes two OpenBLAS builds, about 25 minutes; it is
//! checked by scripts/e2e-openmp.sh). The stand-in has what the script relies on: make targets
//! `libs netlib shared install`, a static archive renamed to `<archive>.renamed` with the
//! interface's names (`scipy_set_`, or `scipy_set_64_` for ILP64), an unprefixed global that both
//! halves define (OpenBLAS's internal state), headers and a pkg-config file with `extralib=`.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

const STAND_IN_SOURCE: &str = r#"#ifdef ILP64
typedef long blasint;
#else
typedef int blasint;
#endif
/* Internal state, unprefixed and global in each half, like OpenBLAS's own. */
blasint counter = 0;
void set_(const blasint *value) { counter = *value; }
blasint get_(void) { return counter; }
"#;

const STAND_IN_MAKEFILE: &str = "\
libs:
\t$(CC) -O2 -fPIC $(if $(INTERFACE64),-DILP64) -c stand_in.c -o stand_in.o
\tar rcs libstand_in.a stand_in.o
netlib:
shared: libs
\tobjcopy --redefine-sym set_=$(SYMBOLPREFIX)set_$(SYMBOLSUFFIX) \\
\t  --redefine-sym get_=$(SYMBOLPREFIX)get_$(SYMBOLSUFFIX) libstand_in.a libstand_in.a.renamed
install:
\tmkdir -p $(PREFIX)/include $(PREFIX)/lib/pkgconfig
\techo '/* interface suffix: $(SYMBOLSUFFIX) */' > $(PREFIX)/include/stand_in.h
\tprintf 'extralib=-lm\\n' > $(PREFIX)/lib/pkgconfig/stand_in.pc
";

/// The real recipe with its source pointed at the stand-in tree and without its dependency
/// recipes (the stand-in needs neither libgomp nor libgfortran).
fn stand_in_recipe(directory: &Path) -> PathBuf {
    let tree = directory.join("tree");
    std::fs::create_dir_all(tree.join("lapack-netlib")).unwrap();
    std::fs::write(tree.join("stand_in.c"), STAND_IN_SOURCE).unwrap();
    std::fs::write(tree.join("Makefile"), STAND_IN_MAKEFILE).unwrap();
    for license in ["LICENSE", "lapack-netlib/LICENSE", "GotoBLAS_00License.txt"] {
        std::fs::write(tree.join(license), "BSD-3-Clause\n").unwrap();
    }
    let recipe = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("recipes/openblas-dual-abi.toml"),
    )
    .unwrap();
    let dependencies =
        "dependencies = [{ recipe = \"openmp.toml\" }, { recipe = \"gfortran.toml\" }]\n";
    let source_start = recipe.find("[source]\n").unwrap();
    let source_end = source_start + recipe[source_start..].find("\n\n").unwrap();
    assert!(recipe.contains(dependencies));
    let recipe = format!(
        "{}[source]\npath = \"tree\"{}",
        &recipe[..source_start],
        &recipe[source_end..]
    )
    .replace(dependencies, "");
    let path = directory.join("openblas-dual-abi.toml");
    std::fs::write(&path, recipe).unwrap();
    path
}

#[test]
fn both_interfaces_go_into_one_library_with_private_state() {
    let directory = tempfile::tempdir().unwrap();
    let recipe = stand_in_recipe(directory.path());
    let wheelhouse = directory.path().join("wheelhouse");
    let output = common::nativelib_in(
        &directory.path().join("cache"),
        &[
            "build".as_ref(),
            recipe.as_os_str(),
            "-w".as_ref(),
            wheelhouse.as_os_str(),
            "--json".as_ref(),
        ],
    );
    common::assert_success(&output);
    let report: Vec<Value> = serde_json::from_slice(&output.stdout).unwrap();
    let wheel = PathBuf::from(report[0]["path"].as_str().unwrap());

    let entries = common::wheel_entries(&wheel);
    let manifest: Value = serde_json::from_slice(
        &entries
            .iter()
            .find(|(entry, _)| entry.ends_with("nativelib.json"))
            .unwrap()
            .1,
    )
    .unwrap();
    assert_eq!(
        manifest["libraries"][0]["replaces"],
        serde_json::json!(["libscipy_openblas.so", "libscipy_openblas64_.so"])
    );
    let names: Vec<&str> = entries.iter().map(|(entry, _)| entry.as_str()).collect();
    for expected in [
        "nativelib_openblas_openmp/lib/libopenblas_openmp_nativelib.so.0",
        "nativelib_openblas_openmp/include/stand_in.h",
        "nativelib_openblas_openmp/include/ilp64/stand_in.h",
    ] {
        assert!(names.contains(&expected), "{expected} missing: {names:?}");
    }

    // Both interfaces are exported, the internal state of neither is, and each half keeps its
    // own: setting it through LP64 leaves ILP64's untouched.
    let target = directory.path().join("site");
    common::pip_install_into(&target, &[&wheel]);
    let script = "import ctypes, sys\n\
        lib = ctypes.CDLL(sys.argv[1])\n\
        lib.scipy_get_.restype = ctypes.c_int\n\
        lib.scipy_get_64_.restype = ctypes.c_long\n\
        lib.scipy_set_(ctypes.byref(ctypes.c_int(7)))\n\
        lib.scipy_set_64_(ctypes.byref(ctypes.c_long(2**40)))\n\
        print(lib.scipy_get_(), lib.scipy_get_64_(), hasattr(lib, 'counter'))\n\
        lib.scipy_omp_set_num_threads(3)\n\
        print(lib.scipy_omp_get_max_threads())\n";
    let run = Command::new("python3")
        .args(["-c", script])
        .arg(target.join("nativelib_openblas_openmp/lib/libopenblas_openmp_nativelib.so.0"))
        .output()
        .unwrap();
    common::assert_success(&run);
    // threadpoolctl's names for the OpenMP thread count, with the library's prefix.
    assert_eq!(
        String::from_utf8_lossy(&run.stdout).trim(),
        "7 1099511627776 False\n3"
    );
}
