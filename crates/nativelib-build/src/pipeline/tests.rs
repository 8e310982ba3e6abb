//! End-to-end builds on self-made libraries: a collected library that depends on another
//! recipe's wheel (relinked to it), the `prefix` layout, and the build cache.

use std::path::Path;
use std::process::Command;

use nativelib_binary::ElfFile;
use nativelib_wheel::WheelReader;

use super::*;
use crate::observer::SilentObserver;

/// Compile `libb.so.1` (exports `b_value`) and `liba.so.1` (needs it) into `directory`.
fn compile_libraries(directory: &Path) {
    std::fs::write(directory.join("b.c"), "int b_value(void) { return 41; }\n").unwrap();
    std::fs::write(
        directory.join("a.c"),
        "int b_value(void);\nint a_value(void) { return b_value() + 1; }\n",
    )
    .unwrap();
    let run = |arguments: &[&str]| {
        let status = Command::new("cc")
            .args(arguments)
            .current_dir(directory)
            .status()
            .unwrap();
        assert!(status.success(), "{arguments:?}");
    };
    run(&[
        "-shared",
        "-fPIC",
        "-o",
        "libb.so.1",
        "b.c",
        "-Wl,-soname,libb.so.1",
    ]);
    run(&[
        "-shared",
        "-fPIC",
        "-o",
        "liba.so.1",
        "a.c",
        "-Wl,-soname,liba.so.1",
        "-L.",
        "-l:libb.so.1",
    ]);
    std::fs::write(directory.join("LICENSE"), "MIT License\n").unwrap();
}

fn recipe(name: &str, library: &str, extra: &str) -> String {
    format!(
        "{extra}\n[library]\nname = \"{name}\"\nversion = \"1.0\"\nlicense = \"MIT\"\n\
         license-files = [\"libs/LICENSE\"]\n\n[source]\ncollect-directory = \"libs\"\n\
         library = \"{library}\"\n\n[wheel]\ndistribution = \"nl-{name}\"\n\
         soname = \"lib{name}-nl.so.1\"\n"
    )
}

#[test]
fn a_dependency_is_built_first_and_linked_by_its_new_soname() {
    let directory = tempfile::tempdir().unwrap();
    let libs = directory.path().join("libs");
    std::fs::create_dir(&libs).unwrap();
    compile_libraries(&libs);
    // [wheel] is the recipe's last table: `replaces` goes into it.
    std::fs::write(
        directory.path().join("b.toml"),
        recipe("b", "libb.so.1", "") + "replaces = [\"libbee.so\"]\n",
    )
    .unwrap();
    std::fs::write(
        directory.path().join("a.toml"),
        recipe("a", "liba.so.1", "dependencies = [{ recipe = \"b.toml\" }]"),
    )
    .unwrap();
    let wheels = build_recipe(
        &directory.path().join("a.toml"),
        None,
        &BuildOptions::for_tests(directory.path()),
        &SilentObserver,
    )
    .unwrap();
    assert_eq!(wheels.len(), 2);
    let (b, a) = (&wheels[0], &wheels[1]);
    assert_eq!(b.manifest.libraries[0].soname, "libb-nl.so.1");
    // The name it was collected under, then the one the recipe declares.
    assert_eq!(b.manifest.libraries[0].replaces, ["libb.so.1", "libbee.so"]);
    assert!(a.unresolved.is_empty(), "{:?}", a.unresolved);
    assert_eq!(a.manifest.dependencies[0].requirement, "nl-b==1.0");
    assert_eq!(a.manifest.dependencies[0].package.as_deref(), Some("nl_b"));

    // liba is not packaged with its own copy of libb: it needs the dependency's copy.
    let reader = WheelReader::open(&a.path).unwrap();
    let entry = "nl_a/lib/liba-nl.so.1";
    assert_eq!(a.manifest.libraries.len(), 1);
    assert_eq!(a.manifest.libraries[0].entry, entry);
    let elf = ElfFile::parse(&reader.read(entry).unwrap()).unwrap();
    assert_eq!(elf.soname.as_deref(), Some("liba-nl.so.1"));
    assert!(
        elf.needed.contains(&"libb-nl.so.1".to_string()),
        "{:?}",
        elf.needed
    );
    assert_eq!(
        elf.runpath.as_deref(),
        Some("$ORIGIN:$ORIGIN/../../nl_b/lib")
    );
    assert!(
        reader.read("nl_a/__init__.py").is_ok(),
        "the loader is a package"
    );
    let metadata = String::from_utf8(reader.read("nl_a-1.0.dist-info/METADATA").unwrap()).unwrap();
    assert!(
        metadata.contains("\nRequires-Dist: nl-b==1.0\n"),
        "{metadata}"
    );
    let entry_points = reader.read("nl_a-1.0.dist-info/entry_points.txt").unwrap();
    assert_eq!(entry_points, b"[pkg_config]\nnl-a = nl_a.lib.pkgconfig\n");
    let loader = String::from_utf8(reader.read("nl_a/__init__.py").unwrap()).unwrap();
    assert!(
        loader.contains(r#"json.loads(r"""["nl_b"]""")"#),
        "{loader}"
    );
}

#[test]
fn a_built_recipe_is_cached_and_a_changed_source_rebuilds() {
    let directory = tempfile::tempdir().unwrap();
    let source = directory.path().join("src");
    std::fs::create_dir(&source).unwrap();
    std::fs::write(source.join("LICENSE"), "MIT\n").unwrap();
    std::fs::write(source.join("c.c"), "int c_value(void) { return 1; }\n").unwrap();
    let text = "[library]\nname = \"c\"\nversion = \"1.0\"\nlicense = \"MIT\"\n\
                license-files = [\"LICENSE\"]\n\n[source]\npath = \"src\"\n\n[build]\n\
                system = \"commands\"\nlibrary = \"lib/{soname}\"\ncommands = [[\"cc\", \"-shared\", \
                \"-fPIC\", \"-o\", \"{prefix}/lib/{soname}\", \"c.c\"]]\n\n[wheel]\n\
                distribution = \"nl-c\"\nsoname = \"libc-nl.so.1\"\nlayout = \"prefix\"\n";
    let path = directory.path().join("c.toml");
    std::fs::write(&path, text).unwrap();
    let options = BuildOptions::for_tests(directory.path());
    let first = build_recipe(&path, None, &options, &SilentObserver)
        .unwrap()
        .remove(0);
    assert!(!first.cache_hit);
    let reader = WheelReader::open(&first.path).unwrap();
    let elf = ElfFile::parse(&reader.read("nl_c-1.0.data/data/lib/libc-nl.so.1").unwrap()).unwrap();
    assert!(
        reader.read("nl_c/__init__.py").is_ok(),
        "the loader is a package"
    );
    assert!(
        reader.read("nl_c-1.0.dist-info/entry_points.txt").is_err(),
        "no pkg_config entry point for the prefix layout"
    );
    assert_eq!(
        elf.soname.as_deref(),
        Some("libc-nl.so.1"),
        "the SONAME is set"
    );
    assert_eq!(
        elf.runpath.as_deref(),
        Some("$ORIGIN"),
        "DT_RUNPATH is added"
    );
    let second = build_recipe(&path, None, &options, &SilentObserver)
        .unwrap()
        .remove(0);
    assert!(second.cache_hit && second.wheel_reused);
    assert_eq!(second.sha256, first.sha256);
    std::fs::write(source.join("c.c"), "int c_value(void) { return 2; }\n").unwrap();
    let third = build_recipe(&path, None, &options, &SilentObserver)
        .unwrap()
        .remove(0);
    assert!(!third.cache_hit, "a changed source file is a new build");
    assert_ne!(third.sha256, first.sha256);
}
