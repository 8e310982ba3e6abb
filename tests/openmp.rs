//! The OpenMP runtime as a library wheel (issue 5), fast and on real data: the wheel collected
//! from the toolchain by recipes/openmp.toml loads with its loader's `preload()`; the pinned
//! scikit-learn 1.5.2 linked against it stops carrying libgomp; a small OpenMP library built
//! from a local recipe that depends on the wheel by requirement links to the wheel's SONAME;
//! scikit-learn paired explicitly with LLVM's libomp (recipes/openmp-llvm.toml) loads on it.
//! Bad input (a dependency cycle, the OpenMP wheel missing from the wheelhouse or built for
//! another machine) is a one-line error naming the recipe and the fix, exit status 2, with
//! nothing written.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{fixture, nativelib_in, run_checked, show_json};
use serde_json::Value;

fn recipes() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("recipes")
}

/// Builds `recipes/<recipe>` into `directory/wheelhouse` (its cache in `directory/cache`) and
/// returns the wheel's path.
fn build_recipe(directory: &Path, recipe: &str) -> PathBuf {
    let wheelhouse = directory.join("wheelhouse");
    let output = nativelib_in(
        &directory.join("cache"),
        &[
            "build".as_ref(),
            recipes().join(recipe).as_os_str(),
            "-w".as_ref(),
            wheelhouse.as_os_str(),
            "--json".as_ref(),
        ],
    );
    common::assert_success(&output);
    let report: Vec<Value> = serde_json::from_slice(&output.stdout).unwrap();
    PathBuf::from(report[0]["path"].as_str().unwrap())
}

/// The wheel built from recipes/openmp.toml, once per test binary.
fn openmp_wheel() -> &'static Path {
    static WHEEL: std::sync::OnceLock<(tempfile::TempDir, PathBuf)> = std::sync::OnceLock::new();
    let (_, path) = WHEEL.get_or_init(|| {
        let directory = tempfile::tempdir().unwrap();
        let path = build_recipe(directory.path(), "openmp.toml");
        (directory, path)
    });
    path
}

#[test]
fn the_openmp_wheel_carries_libgomp_under_its_own_soname_and_preloads_it() {
    let wheel = openmp_wheel();
    let name = wheel.file_name().unwrap().to_string_lossy();
    assert!(
        name.starts_with("nativelib_openmp-12.2.0-py3-none-manylinux_"),
        "{name}"
    );
    let report = show_json(&[wheel]);
    let shown = &report["wheels"][0];
    assert_eq!(shown["unresolved"], Value::Array(Vec::new()), "{shown:#}");
    let libraries = shown["libraries"].as_array().unwrap();
    assert_eq!(libraries.len(), 1, "{shown:#}");
    assert_eq!(
        libraries[0]["entry"],
        "nativelib_openmp/lib/libgomp-nativelib.so.1"
    );
    assert_eq!(libraries[0]["soname"], "libgomp-nativelib.so.1");
    assert_eq!(libraries[0]["runtime"], "GNU OpenMP (libgomp)");
    let entries: Vec<String> = common::wheel_entries(wheel)
        .into_iter()
        .map(|(entry, _)| entry)
        .collect();
    for expected in [
        "nativelib_openmp/__init__.py",
        "nativelib_openmp/include/omp.h",
        "nativelib_openmp-12.2.0.dist-info/licenses/copyright",
        "nativelib_openmp-12.2.0.dist-info/licenses/GPL-3",
        "nativelib_openmp-12.2.0.dist-info/nativelib.json",
    ] {
        assert!(
            entries.contains(&expected.to_string()),
            "{expected} missing from {entries:?}"
        );
    }
    let manifest: Value = serde_json::from_slice(
        &common::wheel_entries(wheel)
            .into_iter()
            .find(|(entry, _)| entry.ends_with("nativelib.json"))
            .unwrap()
            .1,
    )
    .unwrap();
    let replaces = manifest["libraries"][0]["replaces"].as_array().unwrap();
    assert!(
        replaces.contains(&Value::from("libgomp.so.1")),
        "{manifest:#}"
    );

    // Installed, its loader loads the runtime by absolute path, RTLD_LOCAL, and it runs.
    let directory = tempfile::tempdir().unwrap();
    let target = directory.path().join("site");
    common::pip_install_into(&target, &[wheel]);
    let script = "import ctypes, os, nativelib_openmp as omp\n\
        handle = omp.preload()\n\
        assert handle is omp.preload()\n\
        handle.omp_get_max_threads.restype = ctypes.c_int\n\
        print(handle.omp_get_max_threads())\n\
        maps = open('/proc/self/maps').read()\n\
        print(os.path.realpath(omp.get_library()) in maps)\n\
        print(os.path.isfile(os.path.join(omp.get_include_dir(), 'omp.h')))\n\
        # RTLD_LOCAL: the runtime's symbols are not in the global scope.\n\
        print(hasattr(ctypes.CDLL(None), 'omp_get_max_threads'))\n";
    let output = run_checked(
        Command::new("python3")
            .args(["-c", script])
            .env("PYTHONPATH", &target)
            .env("OMP_NUM_THREADS", "3"),
    );
    assert_eq!(
        output.lines().collect::<Vec<_>>(),
        ["3", "True", "True", "False"]
    );
}

#[test]
fn scikit_learn_linked_against_the_openmp_wheel_stops_carrying_libgomp() {
    let openmp = openmp_wheel();
    let scikit_learn = fixture("scikit_learn");
    let directory = tempfile::tempdir().unwrap();
    let linked_directory = directory.path().join("linked");
    // No --replace: the vendored libgomp-a34b3233.so.1.0.0 is paired with the wheel's library
    // through the `replaces` of its nativelib.json (libgomp.so.1), by stem and SONAME major.
    let output = common::nativelib([
        "link".as_ref(),
        scikit_learn.as_os_str(),
        "--against".as_ref(),
        openmp.as_os_str(),
        "-w".as_ref(),
        linked_directory.as_os_str(),
        "--json".as_ref(),
    ]);
    common::assert_success(&output);
    let linked: Vec<PathBuf> = std::fs::read_dir(&linked_directory)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect();
    assert_eq!(linked.len(), 1);
    assert!(
        linked[0]
            .file_name()
            .unwrap()
            .to_string_lossy()
            .starts_with("scikit_learn-1.5.2-cp311-cp311-manylinux_"),
        "{linked:?}"
    );

    let report = show_json(&[&linked[0], openmp]);
    let shown = &report["wheels"][0];
    assert_eq!(shown["unresolved"], Value::Array(Vec::new()), "{shown:#}");
    assert_eq!(shown["vendored"], Value::Array(Vec::new()));
    assert_eq!(shown["orphans"], Value::Array(Vec::new()));
    let requires: Vec<&str> = shown["requires_dist"]
        .as_array()
        .unwrap()
        .iter()
        .map(|value| value.as_str().unwrap())
        .collect();
    assert!(
        requires.contains(&"nativelib-openmp>=12.2.0,<13"),
        "{requires:?}"
    );
    assert_eq!(report["duplicate_runtimes"], Value::Array(Vec::new()));
    let binaries = shown["binaries"].as_array().unwrap();
    assert!(
        binaries
            .iter()
            .all(|binary| !binary["entry"].as_str().unwrap().contains("libgomp")),
        "libgomp is gone from the wheel"
    );
    let mut using_openmp = 0;
    for binary in binaries {
        for dependency in binary["dependencies"].as_array().unwrap() {
            let name = dependency["name"].as_str().unwrap();
            assert!(!name.starts_with("libgomp-a34b3233"), "{binary:#}");
            if name == "libgomp-nativelib.so.1" {
                using_openmp += 1;
                assert_eq!(dependency["status"], "other-wheel", "{binary:#}");
                assert_eq!(dependency["provided_by"], "nativelib_openmp");
                assert_eq!(
                    dependency["resolved_entry"],
                    "nativelib_openmp/lib/libgomp-nativelib.so.1"
                );
            }
        }
    }
    // Every extension module that needed the vendored copy (see `nativelib show` of the
    // original wheel).
    let original = show_json(&[&scikit_learn]);
    let needed_before = original["wheels"][0]["vendored"]
        .as_array()
        .unwrap()
        .iter()
        .find(|library| library["runtime"] == "GNU OpenMP (libgomp)")
        .expect("scikit-learn 1.5.2 vendors libgomp")["needed_by"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(using_openmp, needed_before);
    assert!(using_openmp >= 15, "{using_openmp}");
}

#[test]
fn scikit_learn_runs_on_llvm_openmp_when_paired_explicitly() {
    let directory = tempfile::tempdir().unwrap();
    let llvm = build_recipe(directory.path(), "openmp-llvm.toml");
    let scikit_learn = fixture("scikit_learn");
    let linked_directory = directory.path().join("linked");
    let link = |extra: &[&str]| {
        let mut arguments: Vec<&std::ffi::OsStr> = vec![
            "link".as_ref(),
            scikit_learn.as_os_str(),
            "--against".as_ref(),
            llvm.as_os_str(),
            "-w".as_ref(),
            linked_directory.as_os_str(),
        ];
        arguments.extend(extra.iter().map(std::ffi::OsStr::new));
        common::nativelib(arguments)
    };

    // libomp is another library than libgomp: never paired by name, only when asked.
    let refused = link(&[]);
    let message = common::one_line_error(&refused, 1);
    assert!(message.contains("libgomp-a34b3233.so.1.0.0"), "{message}");
    assert!(message.contains("libomp-nativelib.so.5"), "{message}");
    assert!(message.contains("--replace"), "{message}");
    assert!(!linked_directory.exists());

    let output = link(&[
        "--replace",
        "libgomp-a34b3233.so.1.0.0=libomp-nativelib.so.5",
    ]);
    common::assert_success(&output);
    let linked = std::fs::read_dir(&linked_directory)
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let report = show_json(&[&linked, &llvm]);
    let shown = &report["wheels"][0];
    assert_eq!(shown["unresolved"], Value::Array(Vec::new()), "{shown:#}");
    assert_eq!(shown["vendored"], Value::Array(Vec::new()));
    assert_eq!(report["duplicate_runtimes"], Value::Array(Vec::new()));
    assert_eq!(
        report["wheels"][1]["libraries"][0]["runtime"],
        "LLVM OpenMP (libomp)"
    );
    assert!(shown["requires_dist"]
        .as_array()
        .unwrap()
        .contains(&Value::from("nativelib-openmp-llvm>=14.0.6,<15")));
    let users: Vec<String> = shown["binaries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|binary| {
            binary["dependencies"]
                .as_array()
                .unwrap()
                .iter()
                .any(|dependency| dependency["name"] == "libomp-nativelib.so.5")
        })
        .map(|binary| binary["entry"].as_str().unwrap().to_string())
        .collect();
    assert!(users.len() >= 15, "{users:?}");

    // Installed, every module that used libgomp loads with RTLD_NOW: each GOMP_* symbol it
    // needs, at libgomp's symbol version, binds to LLVM's runtime.
    let target = directory.path().join("site");
    common::pip_install_into(&target, &[&linked, &llvm]);
    let script = "import ctypes, os, sys\n\
        for entry in sys.argv[2:]:\n    ctypes.CDLL(os.path.join(sys.argv[1], entry), mode=os.RTLD_NOW)\n\
        maps = open('/proc/self/maps').read()\n\
        print('libomp-nativelib.so.5' in maps, 'libgomp' in maps)\n";
    let output = run_checked(
        Command::new("python3")
            .args(["-c", script])
            .arg(&target)
            .args(&users),
    );
    assert_eq!(output.trim(), "True False");
}

/// Compiles a small OpenMP library (`libparsum.so.1`, needs libgomp.so.1) into `directory`
/// with a LICENSE, and writes `parsum.toml` collecting it, with `dependencies`.
fn write_openmp_recipe(directory: &Path, dependencies: &str) -> PathBuf {
    std::fs::write(
        directory.join("parsum.c"),
        "#include <omp.h>\n\
         double parsum(const double *x, long n) {\n\
           double total = 0;\n\
           #pragma omp parallel for reduction(+:total)\n\
           for (long i = 0; i < n; i++) total += x[i];\n\
           return total;\n\
         }\n\
         int parsum_threads(void) { return omp_get_max_threads(); }\n",
    )
    .unwrap();
    std::fs::write(directory.join("LICENSE"), "MIT License\n").unwrap();
    let status = Command::new("cc")
        .args([
            "-shared",
            "-fPIC",
            "-fopenmp",
            "-O2",
            "-o",
            "libparsum.so.1",
            "parsum.c",
            "-Wl,-soname,libparsum.so.1",
        ])
        .current_dir(directory)
        .status()
        .unwrap();
    assert!(status.success());
    let text = format!(
        "dependencies = [{dependencies}]\n\n[library]\nname = \"parsum\"\nversion = \"1.0\"\n\
         license = \"MIT\"\nlicense-files = [\"LICENSE\"]\n\n[source]\ncollect-directory = \".\"\n\
         library = \"libparsum.so.1\"\n\n[wheel]\ndistribution = \"parsum\"\n\
         soname = \"libparsum-nativelib.so.1\"\n"
    );
    let path = directory.join("parsum.toml");
    std::fs::write(&path, text).unwrap();
    path
}

/// `nativelib build RECIPE -w WHEELHOUSE`, asserting it is refused: exit status 2, one
/// `error:` line naming the recipe, and the wheelhouse left as it was. Returns the line.
fn refused(recipe: &Path, wheelhouse: &Path) -> String {
    let before = listing(wheelhouse);
    let cache = tempfile::tempdir().unwrap();
    let output = nativelib_in(
        cache.path(),
        &[
            "build".as_ref(),
            recipe.as_os_str(),
            "-w".as_ref(),
            wheelhouse.as_os_str(),
        ],
    );
    let stderr = common::one_line_error(&output, 2);
    assert!(stderr.starts_with("error: "), "{stderr}");
    let file_name = recipe.file_name().unwrap().to_string_lossy();
    assert!(stderr.contains(file_name.as_ref()), "{stderr}");
    assert_eq!(listing(wheelhouse), before, "the wheelhouse changed");
    stderr.trim_end().to_string()
}

fn listing(directory: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(directory)
        .map(|entries| {
            entries
                .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

#[test]
fn a_library_depending_on_the_openmp_wheel_links_to_its_soname() {
    let directory = tempfile::tempdir().unwrap();
    let wheelhouse = directory.path().join("wheelhouse");
    std::fs::create_dir(&wheelhouse).unwrap();
    let openmp = openmp_wheel();
    std::fs::copy(openmp, wheelhouse.join(openmp.file_name().unwrap())).unwrap();
    let recipe = write_openmp_recipe(
        directory.path(),
        "{ wheel = \"nativelib-openmp>=12.2,<13\" }",
    );
    let output = nativelib_in(
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
    assert_eq!(report.len(), 1, "the OpenMP wheel is used, not rebuilt");
    let built = PathBuf::from(report[0]["path"].as_str().unwrap());
    assert_eq!(report[0]["unresolved"], Value::Array(Vec::new()));
    let shown = show_json(&[&built, openmp]);
    let binary = &shown["wheels"][0]["binaries"][0];
    assert_eq!(binary["entry"], "parsum/lib/libparsum-nativelib.so.1");
    assert_eq!(
        binary["runpath"],
        "$ORIGIN:$ORIGIN/../../nativelib_openmp/lib"
    );
    let gomp = binary["dependencies"]
        .as_array()
        .unwrap()
        .iter()
        .find(|dependency| dependency["name"] == "libgomp-nativelib.so.1")
        .unwrap_or_else(|| panic!("{binary:#}"));
    assert_eq!(gomp["status"], "other-wheel");
    let versions = binary["version_needs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|need| need["library"] == "libgomp-nativelib.so.1")
        .unwrap_or_else(|| panic!("the symbol versions name the new SONAME: {binary:#}"));
    assert!(
        versions["versions"]
            .as_array()
            .unwrap()
            .iter()
            .any(|version| version.as_str().unwrap().starts_with("GOMP_")),
        "{versions}"
    );
    assert_eq!(
        shown["wheels"][0]["requires_dist"],
        serde_json::json!(["nativelib-openmp>=12.2,<13"])
    );

    // Installed with the OpenMP wheel, the library runs on the wheel's runtime.
    let target = directory.path().join("site");
    common::pip_install_into(&target, &[&built, openmp]);
    let script = "import ctypes, parsum\n\
        handle = parsum.preload()\n\
        handle.parsum.restype = ctypes.c_double\n\
        values = (ctypes.c_double * 1000)(*range(1000))\n\
        print(handle.parsum(values, ctypes.c_long(1000)), handle.parsum_threads())\n\
        maps = open('/proc/self/maps').read()\n\
        print('libgomp-nativelib.so.1' in maps, 'libgomp.so.1' in maps)\n";
    let output = run_checked(
        Command::new("python3")
            .args(["-c", script])
            .env("PYTHONPATH", &target)
            .env("OMP_NUM_THREADS", "2"),
    );
    assert_eq!(output, "499500.0 2\nTrue False\n");
}

#[test]
fn a_missing_openmp_wheel_is_refused_with_the_fix() {
    let directory = tempfile::tempdir().unwrap();
    let wheelhouse = directory.path().join("wheelhouse");
    std::fs::create_dir(&wheelhouse).unwrap();
    let recipe = write_openmp_recipe(directory.path(), "{ wheel = \"nativelib-openmp>=12.2\" }");
    let error = refused(&recipe, &wheelhouse);
    assert!(
        error.contains(
            "depends on the wheel `nativelib-openmp>=12.2`, which is not in the wheelhouse"
        ),
        "{error}"
    );
    assert!(
        error.contains("(it holds no wheel of nativelib-openmp)"),
        "{error}"
    );
    assert!(
        error.contains("put a wheel of nativelib-openmp for linux"),
        "{error}"
    );

    // With the OpenMP recipe beside it, the fix is the command that builds the wheel.
    std::fs::copy(
        recipes().join("openmp.toml"),
        directory.path().join("openmp.toml"),
    )
    .unwrap();
    let error = refused(&recipe, &wheelhouse);
    let command = format!(
        "build it first with `nativelib build {} -w {}`",
        directory.path().join("openmp.toml").display(),
        wheelhouse.display()
    );
    assert!(error.contains(&command), "{error}");
    assert!(
        error.contains("or depend on its recipe instead: `{ recipe = \"openmp.toml\" }`"),
        "{error}"
    );
}

#[test]
fn an_openmp_wheel_for_another_machine_is_refused() {
    let directory = tempfile::tempdir().unwrap();
    let wheelhouse = directory.path().join("wheelhouse");
    std::fs::create_dir(&wheelhouse).unwrap();
    let other = if std::env::consts::ARCH == "aarch64" {
        "x86_64"
    } else {
        "aarch64"
    };
    let foreign = format!("nativelib_openmp-12.2.0-py3-none-manylinux_2_17_{other}.whl");
    std::fs::copy(openmp_wheel(), wheelhouse.join(&foreign)).unwrap();
    let recipe = write_openmp_recipe(directory.path(), "{ wheel = \"nativelib-openmp\" }");
    let error = refused(&recipe, &wheelhouse);
    assert!(
        error.contains(&format!(
            "{foreign} is built for manylinux_2_17_{other}, not for this machine (linux {})",
            std::env::consts::ARCH
        )),
        "{error}"
    );
    assert!(
        error.contains(&format!(
            "put a wheel of nativelib-openmp for linux {}",
            std::env::consts::ARCH
        )),
        "{error}"
    );
}

#[test]
fn a_dependency_cycle_between_recipes_is_refused() {
    let directory = tempfile::tempdir().unwrap();
    let wheelhouse = directory.path().join("wheelhouse");
    let recipe = write_openmp_recipe(directory.path(), "{ recipe = \"runtime.toml\" }");
    // runtime.toml depends back on parsum.toml.
    let text = std::fs::read_to_string(&recipe)
        .unwrap()
        .replace("runtime.toml", "parsum.toml")
        .replace("name = \"parsum\"", "name = \"runtime\"")
        .replace("distribution = \"parsum\"", "distribution = \"runtime\"")
        .replace("libparsum-nativelib", "libruntime-nativelib");
    std::fs::write(directory.path().join("runtime.toml"), text).unwrap();
    let error = refused(&recipe, &wheelhouse);
    let shown = error.replace(&format!("{}/", directory.path().display()), "");
    assert_eq!(
        shown,
        "error: Dependency cycle between recipes: parsum.toml -> runtime.toml -> parsum.toml; \
         remove one of these dependencies"
    );
    assert!(!wheelhouse.exists(), "nothing is written");
}
