//! Real ELF files for the tests: small C libraries and programs compiled with the system C
//! compiler into a temporary directory, and helpers to run them and inspect them with
//! `readelf` (an independent checker).

use std::path::{Path, PathBuf};
use std::process::Command;

use tempfile::TempDir;

/// A library with two symbol versions, a weak symbol, a data symbol and a hidden one.
const VERSIONED_SOURCE: &str = r#"
int versioned_data = 42;
int versioned_old(void) { return 1; }
int versioned_new(void) { return 2; }
__attribute__((weak)) int versioned_weak(void) { return 3; }
__attribute__((visibility("hidden"))) int versioned_hidden(void) { return 4; }
"#;

const VERSION_SCRIPT: &str = r#"
VERS_1.0 { global: versioned_old; versioned_data; local: *; };
VERS_2.0 { global: versioned_new; versioned_weak; } VERS_1.0;
"#;

/// A library without SONAME, symbol versions or search path, needing only libc.
const PLAIN_SOURCE: &str = r#"
#include <stdlib.h>
int plain_value(void) { return getenv("NATIVELIB_NEVER_SET") ? 0 : 7; }
"#;

/// A library that uses the versioned one: `consumer_value()` returns 122.
const CONSUMER_SOURCE: &str = r#"
extern int versioned_data;
int versioned_old(void);
int versioned_new(void);
int consumer_value(void) { return versioned_old() * 100 + versioned_new() * 10 + versioned_data % 10; }
"#;

/// A program that uses the versioned library: prints `122`.
const PROGRAM_SOURCE: &str = r#"
#include <stdio.h>
extern int versioned_data;
int versioned_old(void);
int versioned_new(void);
int main(void) { printf("%d\n", versioned_old() * 100 + versioned_new() * 10 + versioned_data % 10); return 0; }
"#;

/// A program that needs only libc: prints `hello`.
const HELLO_SOURCE: &str = r#"
#include <stdio.h>
int main(void) { puts("hello"); return 0; }
"#;

/// `loader LIBRARY FUNCTION`: dlopen the library with RTLD_NOW and print what `int FUNCTION(void)`
/// returns; exit 1 with the loader's message on failure.
const LOADER_SOURCE: &str = r#"
#include <dlfcn.h>
#include <stdio.h>
int main(int argc, char **argv) {
    if (argc != 3) return 2;
    void *handle = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
    if (!handle) { fprintf(stderr, "%s\n", dlerror()); return 1; }
    int (*function)(void) = (int (*)(void))dlsym(handle, argv[2]);
    if (!function) { fprintf(stderr, "%s\n", dlerror()); return 1; }
    printf("%d\n", function());
    return 0;
}
"#;

/// A temporary directory holding the compiled test files:
/// - `lib/libversioned.so.1` (SONAME `libversioned.so.1`, versions `VERS_1.0`, `VERS_2.0`)
/// - `lib/libplain.so` (no SONAME, no versions)
/// - `libconsumer.so`: needs both libraries, `DT_RPATH` `$ORIGIN/lib`
/// - `program`: needs `libversioned.so.1`, `DT_RUNPATH` `$ORIGIN/lib`
/// - `hello`: needs only libc, no search path
/// - `loader`: see [`Fixture::load`]
pub(crate) struct Fixture {
    directory: TempDir,
}

impl Fixture {
    pub(crate) fn new() -> Fixture {
        let fixture = Fixture {
            directory: TempDir::new().expect("create a temporary directory"),
        };
        for (name, contents) in [
            ("versioned.c", VERSIONED_SOURCE),
            ("versioned.map", VERSION_SCRIPT),
            ("plain.c", PLAIN_SOURCE),
            ("consumer.c", CONSUMER_SOURCE),
            ("program.c", PROGRAM_SOURCE),
            ("hello.c", HELLO_SOURCE),
            ("loader.c", LOADER_SOURCE),
        ] {
            std::fs::write(fixture.path(name), contents).expect("write a C source");
        }
        std::fs::create_dir(fixture.path("lib")).expect("create lib/");
        fixture.compile(&[
            "-shared",
            "-fPIC",
            "-o",
            "lib/libversioned.so.1",
            "-Wl,-soname,libversioned.so.1",
            "-Wl,--version-script,versioned.map",
            "versioned.c",
        ]);
        fixture.compile(&["-shared", "-fPIC", "-o", "lib/libplain.so", "plain.c"]);
        fixture.compile(&[
            "-shared",
            "-fPIC",
            "-o",
            "libconsumer.so",
            "consumer.c",
            "-Wl,--no-as-needed",
            "-Llib",
            "-l:libversioned.so.1",
            "-lplain",
            "-Wl,--disable-new-dtags,-rpath,$ORIGIN/lib",
        ]);
        fixture.compile(&[
            "-o",
            "program",
            "program.c",
            "-Llib",
            "-l:libversioned.so.1",
            "-Wl,--enable-new-dtags,-rpath,$ORIGIN/lib",
        ]);
        fixture.compile(&["-o", "hello", "hello.c"]);
        fixture.compile(&["-o", "loader", "loader.c", "-ldl"]);
        fixture
    }

    pub(crate) fn path(&self, name: &str) -> PathBuf {
        self.directory.path().join(name)
    }

    pub(crate) fn read(&self, name: &str) -> Vec<u8> {
        std::fs::read(self.path(name)).expect("read a compiled file")
    }

    /// Write `bytes` to `name` (creating parent directories), executable.
    pub(crate) fn write(&self, name: &str, bytes: &[u8]) -> PathBuf {
        use std::os::unix::fs::PermissionsExt;
        let path = self.path(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("create a directory");
        }
        std::fs::write(&path, bytes).expect("write a file");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755))
            .expect("make a file executable");
        path
    }

    fn compile(&self, arguments: &[&str]) {
        if let Err(message) = self.try_compile(arguments) {
            panic!("cc {arguments:?} failed: {message}");
        }
    }

    /// Run `cc` with `arguments` in the fixture directory; its error output on failure.
    pub(crate) fn try_compile(&self, arguments: &[&str]) -> Result<(), String> {
        let output = Command::new("cc")
            .args(arguments)
            .current_dir(self.directory.path())
            .output()
            .expect("run cc");
        if output.status.success() {
            Ok(())
        } else {
            Err(String::from_utf8_lossy(&output.stderr).into_owned())
        }
    }

    /// dlopen `library` with the compiled loader and call `int function(void)`: the printed
    /// result, or the loader's error message.
    pub(crate) fn load(&self, library: &Path, function: &str) -> Result<String, String> {
        run(Command::new(self.path("loader")).arg(library).arg(function))
    }
}

/// Run a program: its standard output when it succeeds, else its standard error.
pub(crate) fn run(command: &mut Command) -> Result<String, String> {
    let output = command.output().expect("run a test program");
    if output.status.success() {
        Ok(String::from_utf8_lossy(&output.stdout).trim().to_string())
    } else {
        Err(String::from_utf8_lossy(&output.stderr).into_owned())
    }
}

/// `readelf -dW` output for a file, as an independent view of its dynamic section.
pub(crate) fn readelf_dynamic(path: &Path) -> String {
    let output = Command::new("readelf")
        .arg("-dW")
        .arg(path)
        .output()
        .expect("run readelf");
    assert!(output.status.success(), "readelf failed on {path:?}");
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// The manylinux architecture name of the machine running the tests.
pub(crate) fn host_architecture() -> &'static str {
    match std::env::consts::ARCH {
        "x86" => "i686",
        "arm" => "armv7l",
        "powerpc64" if cfg!(target_endian = "little") => "ppc64le",
        other => other,
    }
}

/// A file from a pinned PyPI wheel cached by `scripts/fetch-fixtures.py`, extracted with
/// `unzip -p`; `None` (with a note on standard error) when the wheel is not cached.
pub(crate) fn wheel_member(wheel_prefix: &str, member: &str) -> Option<Vec<u8>> {
    let directory = match std::env::var_os("NATIVELIB_FIXTURES") {
        Some(directory) => PathBuf::from(directory),
        None => {
            let cache = std::env::var_os("XDG_CACHE_HOME")
                .map(PathBuf::from)
                .or_else(|| std::env::var_os("HOME").map(|home| Path::new(&home).join(".cache")))?;
            cache.join("nativelib/fixtures")
        }
    };
    let wheel = std::fs::read_dir(&directory).ok().and_then(|entries| {
        entries
            .filter_map(Result::ok)
            .map(|entry| entry.path())
            .find(|path| {
                path.file_name()
                    .and_then(|name| name.to_str())
                    .is_some_and(|name| name.starts_with(wheel_prefix) && name.ends_with(".whl"))
            })
    });
    let Some(wheel) = wheel else {
        eprintln!(
            "note: skipped: no {wheel_prefix}*.whl in {} (run scripts/fetch-fixtures.py)",
            directory.display()
        );
        return None;
    };
    let output = Command::new("unzip")
        .arg("-p")
        .arg(&wheel)
        .arg(member)
        .output()
        .expect("run unzip");
    assert!(
        output.status.success() && !output.stdout.is_empty(),
        "unzip -p {wheel:?} {member} failed"
    );
    Some(output.stdout)
}
