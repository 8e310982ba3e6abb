//! Dependencies on wheels in the wheelhouse and on dependencies of dependencies, on self-made
//! libraries: `libd.so.1`, `libb.so.1` (needs libd) and `liba.so.1` (needs both).

use std::process::Command;

use nativelib_binary::ElfFile;

use super::*;
use crate::observer::SilentObserver;
use crate::pipeline::{build_recipe, BuildOptions};

/// Compiles the three libraries into `<directory>/libs`, with a LICENSE.
fn compile_libraries(directory: &Path) {
    let libs = directory.join("libs");
    std::fs::create_dir_all(&libs).unwrap();
    std::fs::write(libs.join("d.c"), "int d_value(void) { return 40; }\n").unwrap();
    std::fs::write(
        libs.join("b.c"),
        "int d_value(void);\nint b_value(void) { return d_value() + 1; }\n",
    )
    .unwrap();
    std::fs::write(
        libs.join("a.c"),
        "int b_value(void);\nint d_value(void);\n\
         int a_value(void) { return b_value() + d_value(); }\n",
    )
    .unwrap();
    std::fs::write(libs.join("LICENSE"), "MIT License\n").unwrap();
    for (name, needs) in [
        ("d", ""),
        ("b", "-l:libd.so.1"),
        ("a", "-l:libb.so.1 -l:libd.so.1"),
    ] {
        let mut command = Command::new("cc");
        command
            .args(["-shared", "-fPIC", "-Wl,--no-as-needed", "-o"])
            .arg(format!("lib{name}.so.1"))
            .arg(format!("{name}.c"))
            .arg(format!("-Wl,-soname,lib{name}.so.1"))
            .arg("-L.")
            .args(needs.split_whitespace())
            .current_dir(&libs);
        assert!(command.status().unwrap().success(), "{command:?}");
    }
}

/// A recipe `<name>.toml` in `directory` collecting `lib<name>.so.1` from `libs`.
fn write_recipe(directory: &Path, name: &str, dependencies: &str) -> PathBuf {
    let text = format!(
        "dependencies = [{dependencies}]\n[library]\nname = \"{name}\"\nversion = \"1.0\"\n\
         license = \"MIT\"\nlicense-files = [\"libs/LICENSE\"]\n\n[source]\n\
         collect-directory = \"libs\"\nlibrary = \"lib{name}.so.1\"\n\n[wheel]\n\
         distribution = \"nl-{name}\"\nsoname = \"lib{name}-nl.so.1\"\n"
    );
    let path = directory.join(format!("{name}.toml"));
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn a_wheel_in_the_wheelhouse_is_a_dependency_and_its_own_come_along() {
    let directory = tempfile::tempdir().unwrap();
    let root = directory.path();
    compile_libraries(root);
    write_recipe(root, "d", "");
    let b = write_recipe(root, "b", "{ recipe = \"d.toml\" }");
    let a = write_recipe(root, "a", "{ wheel = \"nl-b>=1.0,<2\" }");
    let options = BuildOptions::for_tests(root);
    build_recipe(&b, None, &options, &SilentObserver).unwrap();
    let built = build_recipe(&a, None, &options, &SilentObserver).unwrap();
    assert_eq!(built.len(), 1, "nl-b is taken from the wheelhouse");
    let a = &built[0];
    assert!(a.unresolved.is_empty(), "{:?}", a.unresolved);
    assert_eq!(
        a.manifest.libraries.len(),
        1,
        "libb and libd are not copied"
    );
    assert_eq!(
        a.manifest.libraries[0].needed,
        ["libb-nl.so.1", "libd-nl.so.1", "libc.so.6"],
        "liba needs b's renamed libb and, directly, libd from b's own dependency"
    );
    assert_eq!(
        a.manifest.dependencies.len(),
        1,
        "only what the recipe names"
    );
    assert_eq!(a.manifest.dependencies[0].requirement, "nl-b>=1.0,<2");
    assert_eq!(a.manifest.dependencies[0].package.as_deref(), Some("nl_b"));
    let reader = WheelReader::open(&a.path).unwrap();
    let elf = ElfFile::parse(&reader.read("nl_a/lib/liba-nl.so.1").unwrap()).unwrap();
    assert_eq!(
        elf.runpath.as_deref(),
        Some("$ORIGIN:$ORIGIN/../../nl_b/lib:$ORIGIN/../../nl_d/lib")
    );
    let metadata = String::from_utf8(reader.read("nl_a-1.0.dist-info/METADATA").unwrap()).unwrap();
    assert!(
        metadata.contains("\nRequires-Dist: nl-b>=1.0,<2\n"),
        "{metadata}"
    );
    assert!(!metadata.contains("nl-d"), "{metadata}");
    let loader = String::from_utf8(reader.read("nl_a/__init__.py").unwrap()).unwrap();
    assert!(
        loader.contains(r#"json.loads(r"""["nl_b"]""")"#),
        "{loader}"
    );
}

#[test]
fn a_wheel_missing_from_the_wheelhouse_names_the_recipe_that_builds_it() {
    let directory = tempfile::tempdir().unwrap();
    let root = directory.path();
    compile_libraries(root);
    write_recipe(root, "d", "");
    let b = write_recipe(root, "b", "{ wheel = \"nl-d>=1\" }");
    let error =
        build_recipe(&b, None, &BuildOptions::for_tests(root), &SilentObserver).unwrap_err();
    assert!(
        matches!(error, Error::DependencyWheelMissing { .. }),
        "{error}"
    );
    let message = error.to_string();
    assert!(
        message.contains("b.toml depends on the wheel `nl-d>=1`"),
        "{message}"
    );
    assert!(
        message.contains("(the directory does not exist)"),
        "{message}"
    );
    let command = format!("`nativelib build {}", root.join("d.toml").display());
    assert!(message.contains(&command), "{message}");
    assert!(message.contains("`{ recipe = \"d.toml\" }`"), "{message}");
    assert!(!root.join("wheelhouse").exists(), "nothing is written");

    // Only a version the requirement excludes.
    build_recipe(
        &root.join("d.toml"),
        None,
        &BuildOptions::for_tests(root),
        &SilentObserver,
    )
    .unwrap();
    let b = write_recipe(root, "b", "{ wheel = \"nl-d>=2\" }");
    let message = build_recipe(&b, None, &BuildOptions::for_tests(root), &SilentObserver)
        .unwrap_err()
        .to_string();
    assert!(message.contains("(it holds nl-d 1.0 only)"), "{message}");
}

#[test]
fn a_wheel_for_another_machine_is_refused() {
    let directory = tempfile::tempdir().unwrap();
    let root = directory.path();
    compile_libraries(root);
    let d = write_recipe(root, "d", "");
    let options = BuildOptions::for_tests(root);
    let built = build_recipe(&d, None, &options, &SilentObserver)
        .unwrap()
        .remove(0);
    let other = if std::env::consts::ARCH == "aarch64" {
        "x86_64"
    } else {
        "aarch64"
    };
    let foreign = options
        .wheel_directory
        .join(format!("nl_d-1.0-py3-none-manylinux_2_17_{other}.whl"));
    std::fs::rename(&built.path, &foreign).unwrap();
    let b = write_recipe(root, "b", "{ wheel = \"nl-d\" }");
    let error = build_recipe(&b, None, &options, &SilentObserver).unwrap_err();
    assert!(
        matches!(error, Error::DependencyWheelPlatform { .. }),
        "{error}"
    );
    let message = error.to_string();
    assert!(
        message.contains(&format!(
            "is built for manylinux_2_17_{other}, not for this machine (linux {})",
            std::env::consts::ARCH
        )),
        "{message}"
    );
    assert!(message.contains("`nativelib build "), "{message}");
    let written: Vec<_> = std::fs::read_dir(&options.wheel_directory)
        .unwrap()
        .collect();
    assert_eq!(written.len(), 1, "nothing more is written");
}

#[test]
fn platform_tags_of_this_machine_fit() {
    let tag = |text: &str| vec![text.to_string()];
    let architecture = std::env::consts::ARCH;
    assert!(fits_this_machine(&tag("any")));
    assert!(fits_this_machine(&tag(&format!("linux_{architecture}"))));
    let other = if architecture == "aarch64" {
        "x86_64"
    } else {
        "aarch64"
    };
    assert!(!fits_this_machine(&tag(&format!("manylinux_2_17_{other}"))));
    assert!(!fits_this_machine(&tag(&format!(
        "macosx_11_0_{architecture}"
    ))));
    if cfg!(not(target_env = "musl")) {
        assert!(fits_this_machine(&tag(&format!(
            "manylinux_2_17_{architecture}"
        ))));
        assert!(fits_this_machine(&[
            format!("manylinux_2_17_{architecture}"),
            format!("manylinux2014_{architecture}")
        ]));
    }
}
