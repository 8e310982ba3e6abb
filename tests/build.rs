//! `nativelib build` on the example recipe (examples/vecmath/recipe.toml): the wheel resolves
//! completely, is byte-identical when rebuilt (a cache hit the second time), installs with pip,
//! works through its pkg-config file and loader, stands in for vecdemo's vendored libraries,
//! and passes `twine check`. Bad input is a one-line error naming the recipe, exit status 2,
//! with nothing in the wheelhouse.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::{example_wheels, run_checked, show_json};
use serde_json::Value;

fn example_recipe() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/vecmath/recipe.toml")
}

/// Runs `nativelib build ARGS...` with its cache in `cache`.
fn build(cache: &Path, arguments: &[&std::ffi::OsStr]) -> Output {
    let mut all: Vec<&std::ffi::OsStr> = vec!["build".as_ref()];
    all.extend_from_slice(arguments);
    common::nativelib_in(cache, &all)
}

/// Builds the example recipe into `wheelhouse` and returns the `--json` report of its wheel.
fn build_example(cache: &Path, wheelhouse: &Path, extra: &[&str]) -> Value {
    let recipe = example_recipe();
    let mut arguments: Vec<&std::ffi::OsStr> = vec![
        recipe.as_os_str(),
        "-w".as_ref(),
        wheelhouse.as_os_str(),
        "--json".as_ref(),
    ];
    arguments.extend(extra.iter().map(std::ffi::OsStr::new));
    let output = build(cache, &arguments);
    assert!(
        output.status.success(),
        "build failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let mut wheels: Vec<Value> = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(wheels.len(), 1);
    wheels.pop().unwrap()
}

/// The example wheel, built once per test binary in its own cache.
fn example_wheel() -> &'static (tempfile::TempDir, PathBuf) {
    static WHEEL: std::sync::OnceLock<(tempfile::TempDir, PathBuf)> = std::sync::OnceLock::new();
    WHEEL.get_or_init(|| {
        let directory = tempfile::tempdir().unwrap();
        let report = build_example(
            &directory.path().join("cache"),
            &directory.path().join("wheelhouse"),
            &[],
        );
        let path = PathBuf::from(report["path"].as_str().unwrap());
        (directory, path)
    })
}

fn sha256_of(path: &Path) -> String {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(std::fs::read(path).unwrap());
    digest.iter().map(|byte| format!("{byte:02x}")).collect()
}

#[test]
fn rebuild_is_a_byte_identical_cache_hit() {
    let directory = tempfile::tempdir().unwrap();
    let cache = directory.path().join("cache");
    let first_wheelhouse = directory.path().join("first");
    let first = build_example(&cache, &first_wheelhouse, &[]);
    assert_eq!(first["cache_hit"], false);
    let path = PathBuf::from(first["path"].as_str().unwrap());
    assert_eq!(
        path.file_name().unwrap().to_string_lossy(),
        "vecmath-1.0.0-py3-none-manylinux_2_5_x86_64.manylinux1_x86_64.whl"
    );
    assert_eq!(first["sha256"].as_str().unwrap(), sha256_of(&path));
    let log = PathBuf::from(first["log"].as_str().unwrap());
    assert!(log.starts_with(cache.join("logs")), "{}", log.display());
    assert!(std::fs::read_to_string(&log).unwrap().contains("$ cd "));

    let second_wheelhouse = directory.path().join("second");
    let started = std::time::Instant::now();
    let second = build_example(&cache, &second_wheelhouse, &[]);
    let elapsed = started.elapsed();
    assert_eq!(second["cache_hit"], true);
    assert_eq!(second["wheel_reused"], true);
    assert_eq!(second["sha256"], first["sha256"]);
    let second_path = PathBuf::from(second["path"].as_str().unwrap());
    assert_eq!(
        std::fs::read(&second_path).unwrap(),
        std::fs::read(&path).unwrap()
    );
    assert!(elapsed.as_secs_f64() < 1.0, "a cache hit took {elapsed:?}");

    // Built again from scratch, the wheel is still the same bytes.
    let third = build_example(&cache, &directory.path().join("third"), &["--no-cache"]);
    assert_eq!(third["cache_hit"], false);
    assert_eq!(third["sha256"], first["sha256"]);

    // A different timestamp changes the bytes but not what the cache built.
    let recipe = example_recipe();
    let output = Command::new(env!("CARGO_BIN_EXE_nativelib"))
        .arg("build")
        .arg(&recipe)
        .args(["--json", "-w"])
        .arg(directory.path().join("fourth"))
        .env("NATIVELIB_CACHE_DIR", &cache)
        .env("SOURCE_DATE_EPOCH", "1700000000")
        .output()
        .unwrap();
    common::assert_success(&output);
    let fourth: Value = serde_json::from_slice::<Vec<Value>>(&output.stdout).unwrap()[0].clone();
    assert_eq!(fourth["cache_hit"], true);
    assert_eq!(fourth["wheel_reused"], false);
    assert_ne!(fourth["sha256"], first["sha256"]);
}

#[test]
fn wheel_resolves_completely_and_describes_itself() {
    let (_, wheel) = example_wheel();
    let report = show_json(&[wheel]);
    let shown = &report["wheels"][0];
    assert_eq!(
        shown["unresolved"].as_array().unwrap().len(),
        0,
        "{shown:#}"
    );
    assert_eq!(shown["vendored"].as_array().unwrap().len(), 0);
    assert_eq!(shown["platform"]["declared_is_satisfied"], true);
    let binaries = shown["binaries"].as_array().unwrap();
    assert_eq!(binaries.len(), 2);
    for binary in binaries {
        assert_eq!(binary["runpath"], "$ORIGIN", "{binary:#}");
        let entry = binary["entry"].as_str().unwrap();
        assert_eq!(
            binary["soname"].as_str().unwrap(),
            entry.rsplit('/').next().unwrap()
        );
    }

    let entries: Vec<String> = common::wheel_entries(wheel)
        .into_iter()
        .map(|(name, _)| name)
        .collect();
    for expected in [
        "vecmath/__init__.py",
        "vecmath/_distributor_init.py",
        "vecmath/include/vecmath.h",
        "vecmath/include/vecutil.h",
        "vecmath/lib/libvecmath_nativelib.so.1",
        "vecmath/lib/libvecutil_nativelib.so.1",
        "vecmath/lib/pkgconfig/vecmath.pc",
        "vecmath/lib/cmake/Vecmath/VecmathConfig.cmake",
        "vecmath-1.0.0.dist-info/licenses/LICENSE",
        "vecmath-1.0.0.dist-info/entry_points.txt",
        "vecmath-1.0.0.dist-info/nativelib.json",
    ] {
        assert!(
            entries.contains(&expected.to_string()),
            "{expected} missing from {entries:?}"
        );
    }
    let file = |name: &str| {
        let bytes = common::wheel_entries(wheel)
            .into_iter()
            .find(|(entry, _)| entry == name)
            .unwrap()
            .1;
        String::from_utf8(bytes).unwrap()
    };
    let metadata = file("vecmath-1.0.0.dist-info/METADATA");
    assert!(
        metadata.starts_with("Metadata-Version: 2.4\nName: vecmath\nVersion: 1.0.0\n"),
        "{metadata}"
    );
    assert!(
        metadata.contains("\nLicense-Expression: MIT\nLicense-File: LICENSE\n"),
        "{metadata}"
    );
    assert_eq!(
        file("vecmath-1.0.0.dist-info/entry_points.txt"),
        "[pkg_config]\nvecmath = vecmath.lib.pkgconfig\n"
    );
    let pc = file("vecmath/lib/pkgconfig/vecmath.pc");
    assert!(pc.starts_with("prefix=${pcfiledir}/../..\n"), "{pc}");
    let manifest: Value =
        serde_json::from_str(&file("vecmath-1.0.0.dist-info/nativelib.json")).unwrap();
    assert_eq!(
        manifest["libraries"][0]["soname"],
        "libvecmath_nativelib.so.1"
    );
    assert_eq!(
        manifest["libraries"][1]["soname"],
        "libvecutil_nativelib.so.1"
    );
    assert_eq!(
        manifest["symbols"]["outside_namespace"]
            .as_array()
            .unwrap()
            .len(),
        0
    );
    let loader = file("vecmath/__init__.py");
    assert!(!loader.contains("{{") && !loader.contains("#:"), "{loader}");
    assert!(loader.contains("_LIBRARY_FILE = \"libvecmath_nativelib.so.1\""));
}

fn venv(directory: &Path) -> PathBuf {
    let status = Command::new("python3")
        .args(["-m", "venv"])
        .arg(directory)
        .status()
        .unwrap();
    assert!(status.success());
    directory.join("bin/python")
}

#[test]
fn installed_wheel_serves_pkg_config_the_loader_and_vecdemo() {
    let (_, wheel) = example_wheel();
    let directory = tempfile::tempdir().unwrap();

    // vecdemo, linked against this wheel instead of its vendored copies.
    let (vecdemo, _, _) = example_wheels();
    let linked_directory = directory.path().join("linked");
    let link = Command::new(env!("CARGO_BIN_EXE_nativelib"))
        .arg("link")
        .arg(vecdemo)
        .arg("--against")
        .arg(wheel)
        .arg("-w")
        .arg(&linked_directory)
        .args([
            "--replace",
            "libvecmath-1a2b3c4d.so.1=libvecmath_nativelib.so.1",
            "--replace",
            "libvecutil-5e6f7a8b.so.1=libvecutil_nativelib.so.1",
        ])
        .output()
        .unwrap();
    common::assert_success(&link);
    let linked: Vec<PathBuf> = std::fs::read_dir(&linked_directory)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect();
    assert_eq!(linked.len(), 1);

    let python = venv(&directory.path().join("venv"));
    run_checked(
        Command::new(&python)
            .args(["-m", "pip", "install", "--quiet", "--no-index", "--no-deps"])
            .arg(wheel)
            .arg(&linked[0]),
    );

    // The loader.
    let script = "import os, vecmath\n\
        lib = vecmath.get_lib_dir()\n\
        print(os.path.isfile(os.path.join(lib, 'libvecmath_nativelib.so.1')))\n\
        print(os.path.isfile(os.path.join(vecmath.get_include_dir(), 'vecmath.h')))\n\
        print(vecmath.get_library() == os.path.join(lib, 'libvecmath_nativelib.so.1'))\n\
        handle = vecmath.preload()\n\
        print(handle is vecmath.preload())\n\
        import ctypes\n\
        handle.vecmath_version.restype = ctypes.c_char_p\n\
        print(handle.vecmath_version().decode())\n\
        maps = open('/proc/self/maps').read()\n\
        print(os.path.join(lib, 'libvecutil_nativelib.so.1') in maps)\n\
        print(vecmath.__version__)\n\
        from importlib.metadata import entry_points\n\
        (point,) = [p for p in entry_points(group='pkg_config') if p.name == 'vecmath']\n\
        import importlib\n\
        module = importlib.import_module(point.value)\n\
        print(list(module.__path__)[0] == vecmath.get_pkg_config())\n\
        print(vecmath.get_pkg_config())\n";
    let output = run_checked(Command::new(&python).args(["-c", script]));
    let lines: Vec<&str> = output.lines().collect();
    assert_eq!(
        &lines[..8],
        ["True", "True", "True", "True", "1.0.0", "True", "1.0.0", "True"],
        "{output}"
    );
    let pkg_config_dir = PathBuf::from(lines[8]);

    // pkg-config through the installed .pc compiles and runs a program calling the library.
    let pkg_config = |arguments: &[&str]| {
        run_checked(
            Command::new("pkg-config")
                .args(arguments)
                .arg("vecmath")
                .env("PKG_CONFIG_PATH", &pkg_config_dir),
        )
        .trim()
        .to_string()
    };
    let flags = pkg_config(&["--cflags", "--libs"]);
    assert!(flags.contains("-l:libvecmath_nativelib.so.1"), "{flags}");
    let libdir = pkg_config(&["--variable=libdir"]);
    let program = directory.path().join("program.c");
    std::fs::write(
        &program,
        "#include <stdio.h>\n#include <vecmath.h>\n\
         int main(void) { double x[] = {1, 2, 3}, y[] = {4, 5, 6};\n\
         printf(\"%s %.1f\\n\", vecmath_version(), vecmath_dot(x, y, 3)); return 0; }\n",
    )
    .unwrap();
    let executable = directory.path().join("program");
    let mut compile = Command::new("cc");
    compile.arg(&program).arg("-o").arg(&executable);
    compile.args(flags.split_whitespace());
    compile.arg(format!("-Wl,-rpath,{libdir}"));
    run_checked(&mut compile);
    assert_eq!(run_checked(&mut Command::new(&executable)), "1.0.0 32.0\n");

    // vecdemo loads the provider's copies, not vendored ones.
    let script = "import vecdemo\n\
        print(vecdemo._core.dot([1.0, 2.0], [3.0, 4.0]))\n\
        print(vecdemo._util.max([1.0, 5.0, 2.0]))\n\
        maps = open('/proc/self/maps').read()\n\
        print('libvecmath_nativelib.so.1' in maps, 'vecdemo.libs' in maps)\n";
    let output = run_checked(Command::new(&python).args(["-c", script]));
    assert_eq!(
        output.lines().collect::<Vec<_>>(),
        ["11.0", "5.0", "True False"]
    );
}

#[test]
fn twine_check_passes() {
    let (_, wheel) = example_wheel();
    // twine comes from PyPI, into a virtualenv kept beside the fixtures.
    let venv_directory = common::fixtures_dir().with_file_name("twine-venv");
    let twine = venv_directory.join("bin/twine");
    if !twine.exists() {
        let python = venv(&venv_directory);
        run_checked(Command::new(&python).args(["-m", "pip", "install", "--quiet", "twine"]));
    }
    let output = run_checked(Command::new(&twine).args(["check", "--strict"]).arg(wheel));
    assert!(output.contains("PASSED"), "{output}");
}

/// Asserts a failed build: exit status 2, exactly one `error:` line and it is the last, naming
/// `recipe`; nothing in the wheelhouse. Returns the error line and the directory holding the
/// cache and the wheelhouse.
fn refused(recipe: &Path, arguments: &[&str]) -> (String, tempfile::TempDir) {
    let directory = tempfile::tempdir().unwrap();
    let wheelhouse = directory.path().join("wheelhouse");
    let mut all: Vec<&std::ffi::OsStr> =
        vec![recipe.as_os_str(), "-w".as_ref(), wheelhouse.as_os_str()];
    all.extend(arguments.iter().map(std::ffi::OsStr::new));
    let output = build(&directory.path().join("cache"), &all);
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    let errors: Vec<&str> = stderr
        .lines()
        .filter(|line| line.starts_with("error:"))
        .collect();
    assert_eq!(errors.len(), 1, "{stderr}");
    assert_eq!(stderr.lines().last(), Some(errors[0]), "{stderr}");
    let file_name = recipe.file_name().unwrap().to_string_lossy();
    assert!(
        errors[0].contains(file_name.as_ref()),
        "the error does not name the recipe: {stderr}"
    );
    let written = std::fs::read_dir(&wheelhouse).map_or(0, |entries| entries.count());
    assert_eq!(written, 0, "something was written to the wheelhouse");
    (errors[0].to_string(), directory)
}

/// A recipe in `directory` building the example sources with `source` and `build` tables.
fn write_recipe(directory: &Path, name: &str, source: &str, extra: &str) -> PathBuf {
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/vecmath");
    let text = format!(
        "[library]\nname = \"vecmath\"\nversion = \"1.0.0\"\nlicense = \"MIT\"\n\
         license-files = [\"{license}\"]\n\n[source]\n{source}\n\n\
         [wheel]\ndistribution = \"vecmath\"\nsoname = \"libvecmath_nativelib.so.1\"\n{extra}",
        license = examples.join("LICENSE").display(),
    );
    let path = directory.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

const BUILD_TABLE: &str = "\n[build]\nsystem = \"commands\"\nlibrary = \"lib/{soname}\"\n";

#[test]
fn a_typo_in_a_key_is_named_with_the_fix() {
    let directory = tempfile::tempdir().unwrap();
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/vecmath");
    let recipe = write_recipe(
        directory.path(),
        "typo.toml",
        &format!("path = \"{}\"", examples.display()),
        &format!("sonmae = \"x\"\n{BUILD_TABLE}commands = [[\"true\"]]\n"),
    );
    let (error, _cache) = refused(&recipe, &[]);
    assert!(error.contains("Unknown key `sonmae` in [wheel]"), "{error}");
    assert!(error.contains("did you mean `soname`?"), "{error}");
}

#[test]
fn a_wrong_sha256_is_refused_with_the_actual_digest() {
    let directory = tempfile::tempdir().unwrap();
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let archive = directory.path().join("vecmath.tar.gz");
    let status = Command::new("tar")
        .arg("czf")
        .arg(&archive)
        .arg("-C")
        .arg(&examples)
        .arg("vecmath")
        .status()
        .unwrap();
    assert!(status.success());
    let actual = sha256_of(&archive);
    let recipe = write_recipe(
        directory.path(),
        "digest.toml",
        &format!(
            "path = \"vecmath.tar.gz\"\nsha256 = \"{}\"\nsubdirectory = \"vecmath\"",
            "0".repeat(64)
        ),
        &format!("{BUILD_TABLE}commands = [[\"true\"]]\n"),
    );
    let (error, _cache) = refused(&recipe, &[]);
    assert!(error.contains(&format!("sha256 = \"{actual}\"")), "{error}");
    assert!(error.contains(&"0".repeat(64)), "{error}");
}

#[test]
fn a_failing_build_command_shows_the_log() {
    let directory = tempfile::tempdir().unwrap();
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/vecmath");
    let recipe = write_recipe(
        directory.path(),
        "failing.toml",
        &format!("path = \"{}\"", examples.display()),
        &format!("{BUILD_TABLE}commands = [[\"cc\", \"-c\", \"no-such-file.c\"]]\n"),
    );
    let (error, _cache) = refused(&recipe, &[]);
    assert!(
        error.contains("`cc -c no-such-file.c` exited with status 1"),
        "{error}"
    );
    assert!(error.contains("full log: "), "{error}");
    assert!(error.contains("fix [build]"), "{error}");
    let log = error
        .split("full log: ")
        .nth(1)
        .unwrap()
        .split(';')
        .next()
        .unwrap();
    assert!(Path::new(log).starts_with(_cache.path()), "{log}");
    assert!(std::fs::read_to_string(log)
        .unwrap()
        .contains("no-such-file.c"));
}

#[test]
fn an_unknown_variant_lists_the_choices() {
    let (error, _cache) = refused(&example_recipe(), &["--variant", "ilp46"]);
    assert!(error.contains("Unknown variant `ilp46`"), "{error}");
    assert!(error.contains("build it without naming one"), "{error}");
}

#[test]
fn a_signal_stops_the_build_commands_and_leaves_nothing_behind() {
    let directory = tempfile::tempdir().unwrap();
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/vecmath");
    // The command writes its pid, then starts a grandchild and waits: both must stop.
    let pids = directory.path().join("pids");
    let recipe = write_recipe(
        directory.path(),
        "sleeper.toml",
        &format!("path = \"{}\"", examples.display()),
        &format!(
            "{BUILD_TABLE}commands = [[\"sh\", \"-c\", \"sleep 60 & echo $$ $! > {}.tmp; mv {0}.tmp {0}; wait\"]]\n",
            pids.display()
        ),
    );
    let temporary = directory.path().join("tmp");
    let cache = directory.path().join("cache");
    let wheelhouse = directory.path().join("wheelhouse");
    std::fs::create_dir(&temporary).unwrap();
    let child = Command::new(env!("CARGO_BIN_EXE_nativelib"))
        .arg("build")
        .arg(&recipe)
        .arg("-w")
        .arg(&wheelhouse)
        .env("NATIVELIB_CACHE_DIR", &cache)
        .env("TMPDIR", &temporary)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    while !pids.exists() {
        assert!(
            started.elapsed().as_secs() < 60,
            "the build command never started"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    // SIGTERM to nativelib alone, as `timeout` or a CI runner sends it.
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(130), "{stderr}");
    assert!(stderr.contains("was cancelled"), "{stderr}");
    for pid in std::fs::read_to_string(&pids).unwrap().split_whitespace() {
        let state = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
        // Gone, or a zombie waiting for init to reap it.
        assert!(
            state.is_empty() || state.contains(") Z "),
            "process {pid} still runs: {state}"
        );
    }
    let left = |path: &Path| std::fs::read_dir(path).map_or(0, |entries| entries.count());
    assert_eq!(left(&temporary), 0, "temporary directories left behind");
    assert_eq!(
        left(&cache.join("builds")),
        0,
        "a partial build left behind"
    );
    assert_eq!(left(&wheelhouse), 0, "a wheel was written");
}
