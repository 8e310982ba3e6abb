//! Tests of [`Recipe`] on the real recipes and of the commands their builds run.

mod errors;

use super::*;
use crate::build_system::BuildSystem;
use crate::dependency::{dependency_order, dependency_order_for_variant};
use crate::plan::BuildDirectories;
use crate::source::CollectFrom;
use crate::wheel::Layout;

const OPENBLAS: &str = include_str!("../../../../recipes/openblas.toml");
const OPENMP: &str = include_str!("../../../../recipes/openmp.toml");
const OPENBLAS_DUAL_ABI: &str = include_str!("../../../../recipes/openblas-dual-abi.toml");
const OPENBLAS_PATH: &str = "recipes/openblas.toml";

fn recipes_directory() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../recipes")
}

/// The error for `text`, read as if it were recipes/openblas.toml.
fn error_for(text: &str) -> (Error, String) {
    let error = Recipe::from_str(text, Path::new(OPENBLAS_PATH)).unwrap_err();
    let message = error.to_string();
    (error, message)
}

/// `text` with `from` replaced by `to` (which must occur exactly once).
fn edited(text: &str, from: &str, to: &str) -> String {
    assert_eq!(text.matches(from).count(), 1, "`{from}` must occur once");
    text.replace(from, to)
}

/// The 1-based line of the first occurrence of `needle` in `text`.
fn line_of(text: &str, needle: &str) -> usize {
    text[..text.find(needle).unwrap()].matches('\n').count() + 1
}

#[test]
fn openblas_recipe_has_four_variants_with_their_own_wheels() {
    let recipe = Recipe::from_str(OPENBLAS, Path::new(OPENBLAS_PATH)).unwrap();
    assert_eq!(recipe.library.name, "openblas");
    assert_eq!(recipe.library.version, "0.3.31");
    let names: Vec<&str> = recipe.variants.iter().map(|v| v.name.as_str()).collect();
    assert_eq!(names, ["lp64", "ilp64", "ilp64-openmp", "lp64-openmp"]);
    let Source::PypiSdist(sdist) = &recipe.source else {
        panic!("expected a PyPI sdist, got {:?}", recipe.source);
    };
    assert_eq!(sdist.name, "cmeel-openblas");
    assert_eq!(sdist.version, "0.3.31");
    assert_eq!(
        sdist.sha256,
        "a3fe5e5875393a37f569da9bf1403adae45579570e8582b837bd985746d9ac20"
    );
    assert_eq!(sdist.filename(), "cmeel_openblas-0.3.31.tar.gz");
    assert_eq!(
        recipe.source.subdirectory(),
        Some(Path::new("cmeel_openblas-0.3.31/OpenBLAS"))
    );
    assert_eq!(sdist.index_url, "https://pypi.org/simple");

    let lp64 = recipe.variant(None).unwrap();
    assert_eq!(
        lp64.variant.as_deref(),
        Some("lp64"),
        "the first variant is the default"
    );
    assert_eq!(lp64.wheel.distribution, "nativelib-openblas32");
    assert_eq!(lp64.wheel.package, "nativelib_openblas32");
    assert_eq!(lp64.wheel.soname, "libopenblas32_nativelib.so.0");
    assert_eq!(lp64.wheel.layout, Layout::Package);
    assert_eq!(lp64.wheel.version, "0.3.31");
    assert_eq!(lp64.symbols.prefix.as_deref(), Some("scipy_"));
    assert_eq!(lp64.symbols.suffix, None);
    assert!(lp64.symbols.hide_outside_namespace);
    // gfortran LAPACK (COMPLEX return values in registers, as scipy's callers expect), with
    // libgfortran from its own wheel.
    assert_eq!(lp64.dependencies.len(), 1);
    let build = lp64.build.as_ref().unwrap();
    assert_eq!(build.library, Path::new("lib/libscipy_openblas.so"));
    let BuildSystem::Make {
        variables,
        targets,
        install_arguments,
        ..
    } = &build.system
    else {
        panic!("expected make, got {:?}", build.system);
    };
    assert_eq!(variables["SYMBOLPREFIX"], "scipy_");
    assert_eq!(variables["FC"], "gfortran");
    assert!(!variables.contains_key("NO_FORTRAN"));
    assert_eq!(variables["TARGET"], "HASWELL");
    assert_eq!(variables["NUM_THREADS"], "64");
    assert!(!variables.contains_key("INTERFACE64"));
    assert_eq!(targets, &["libs", "netlib", "shared"]);
    assert_eq!(install_arguments, &["PREFIX={prefix}", "install"]);

    let ilp64 = recipe.variant(Some("ilp64")).unwrap();
    assert_eq!(ilp64.wheel.distribution, "nativelib-openblas64");
    assert_eq!(ilp64.symbols.suffix.as_deref(), Some("64_"));
    let build = ilp64.build.as_ref().unwrap();
    assert_eq!(build.library, Path::new("lib/libscipy_openblas64_.so"));
    let BuildSystem::Make { variables, .. } = &build.system else {
        panic!("expected make");
    };
    assert_eq!(variables["INTERFACE64"], "1");
    assert_eq!(variables["SYMBOLSUFFIX"], "64_");
    assert_eq!(variables["TARGET"], "HASWELL", "base variables are kept");

    let openmp = recipe.variant(Some("ilp64-openmp")).unwrap();
    assert_eq!(openmp.wheel.soname, "libopenblas64_openmp_nativelib.so.0");
    let BuildSystem::Make { variables, .. } = &openmp.build.as_ref().unwrap().system else {
        panic!("expected make");
    };
    assert_eq!(variables["USE_OPENMP"], "1");
    assert!(
        !variables.contains_key("NO_FORTRAN"),
        "the OpenMP build uses gfortran"
    );
    assert_eq!(
        openmp.dependencies,
        [
            Dependency::Recipe {
                path: PathBuf::from("recipes/openmp.toml"),
                variant: None
            },
            Dependency::Recipe {
                path: PathBuf::from("recipes/gfortran.toml"),
                variant: None
            },
        ]
    );

    let lp64_openmp = recipe.variant(Some("lp64-openmp")).unwrap();
    assert_eq!(
        lp64_openmp.wheel.distribution,
        "nativelib-openblas32-openmp"
    );
    assert!(
        lp64_openmp.wheel.soname.starts_with("libopenblas"),
        "threadpoolctl recognizes OpenBLAS by its file name"
    );
    assert_eq!(lp64_openmp.symbols.suffix, None);
    let build = lp64_openmp.build.as_ref().unwrap();
    assert_eq!(build.library, Path::new("lib/libscipy_openblas.so"));
    let BuildSystem::Make { variables, .. } = &build.system else {
        panic!("expected make");
    };
    assert_eq!(variables["USE_OPENMP"], "1");
    assert!(!variables.contains_key("INTERFACE64"));
    assert!(!variables.contains_key("NO_FORTRAN"));
    assert_eq!(lp64_openmp.dependencies, openmp.dependencies);
}

#[test]
fn openblas_make_commands_carry_the_variables_to_both_steps() {
    let recipe = Recipe::from_str(OPENBLAS, Path::new(OPENBLAS_PATH)).unwrap();
    let ilp64 = recipe.variant(Some("ilp64")).unwrap();
    let directories = BuildDirectories {
        source: PathBuf::from("/work/src"),
        build: PathBuf::from("/work/build"),
        prefix: PathBuf::from("/work/prefix"),
    };
    let commands = ilp64.build_commands(&directories, 2);
    let lines: Vec<String> = commands.iter().map(ToString::to_string).collect();
    assert_eq!(
        lines,
        [
            "make -j2 FC=gfortran INTERFACE64=1 NO_STATIC=1 NUM_THREADS=64 SYMBOLPREFIX=scipy_ \
             SYMBOLSUFFIX=64_ TARGET=HASWELL USE_OPENMP=0 USE_THREAD=1 libs netlib shared",
            "make FC=gfortran INTERFACE64=1 NO_STATIC=1 NUM_THREADS=64 SYMBOLPREFIX=scipy_ \
             SYMBOLSUFFIX=64_ TARGET=HASWELL USE_OPENMP=0 USE_THREAD=1 PREFIX=/work/prefix install",
        ]
    );
    assert!(commands
        .iter()
        .all(|command| command.working_directory == directories.source));
}

#[test]
fn openmp_recipe_collects_libgomp_from_the_toolchain() {
    let recipe = Recipe::from_str(OPENMP, Path::new("recipes/openmp.toml")).unwrap();
    assert!(recipe.variants.is_empty());
    let resolved = recipe.variant(None).unwrap();
    assert_eq!(resolved.variant, None);
    assert_eq!(resolved.build, None);
    assert!(resolved
        .build_commands(
            &BuildDirectories {
                source: PathBuf::from("s"),
                build: PathBuf::from("b"),
                prefix: PathBuf::from("p"),
            },
            1
        )
        .is_empty());
    let Source::Collect(collect) = &resolved.source else {
        panic!("expected a collect source, got {:?}", resolved.source);
    };
    assert_eq!(
        collect.from,
        CollectFrom::Toolchain {
            compiler: "cc".to_string()
        }
    );
    assert_eq!(collect.library, "libgomp.so.1");
    assert_eq!(collect.headers, ["include/omp.h"]);
    assert_eq!(resolved.wheel.soname, "libgomp-nativelib.so.1");
    assert_eq!(resolved.wheel.distribution, "nativelib-openmp");
    assert_eq!(
        resolved.library.license,
        "GPL-3.0-or-later WITH GCC-exception-3.1"
    );
    for file in &resolved.library.license_files {
        if !file.exists() {
            println!("note: {} is not on this machine", file.display());
        }
    }
}

#[test]
fn every_real_recipe_loads_and_openblas_orders_its_dependencies() {
    let root = recipes_directory().join("openblas.toml");
    let order = dependency_order(&root).unwrap();
    let labels: Vec<String> = order
        .iter()
        .map(|recipe| match &recipe.variant {
            Some(variant) => format!("{}:{variant}", recipe.library.name),
            None => recipe.library.name.clone(),
        })
        .collect();
    assert_eq!(
        labels,
        [
            "quadmath",
            "gfortran",
            "openblas:lp64",
            "openblas:ilp64",
            "openmp",
            "openblas:ilp64-openmp",
            "openblas:lp64-openmp"
        ]
    );
    let one = dependency_order_for_variant(&root, Some("ilp64-openmp")).unwrap();
    assert_eq!(one.len(), 4);
    assert_eq!(one.last().unwrap().variant.as_deref(), Some("ilp64-openmp"));
    // The default (lp64) needs libgfortran, which needs libquadmath.
    let default = dependency_order_for_variant(&root, None).unwrap();
    let labels: Vec<&str> = default
        .iter()
        .map(|recipe| recipe.library.name.as_str())
        .collect();
    assert_eq!(labels, ["quadmath", "gfortran", "openblas"]);
    for entry in std::fs::read_dir(recipes_directory()).unwrap() {
        let path = entry.unwrap().path();
        if path
            .extension()
            .is_some_and(|extension| extension == "toml")
        {
            Recipe::load(&path).unwrap();
        }
    }
}

#[test]
fn a_local_source_with_commands_builds_like_the_vecmath_example() {
    let text = r#"
[library]
name = "vecmath"
version = "1.0.0"
license = "MIT"
license-files = ["LICENSE"]

[source]
path = "."

[build]
system = "commands"
environment = { CFLAGS = "-O2 -fPIC" }
jobs = 1
library = "lib/{soname}"
commands = [
  ["cc", "-O2", "-fPIC", "-shared", "-Wl,-soname,{soname}", "-o", "{prefix}/lib/{soname}", "vecmath.c"],
  ["cp", "vecmath.h", "{prefix}/include/"],
]

[wheel]
distribution = "nativelib-vecmath"
soname = "libvecmath-nativelib.so.1"
layout = "prefix"

[symbols]
prefix = "vecmath_"
hide-outside-namespace = true
"#;
    let recipe = Recipe::from_str(text, Path::new("examples/vecmath/recipe.toml")).unwrap();
    let resolved = recipe.variant(None).unwrap();
    assert_eq!(
        resolved.source,
        Source::Path {
            path: PathBuf::from("examples/vecmath/."),
            sha256: None,
            subdirectory: None
        }
    );
    assert_eq!(
        resolved.wheel.package, "nativelib_vecmath",
        "derived from the distribution"
    );
    assert_eq!(resolved.wheel.layout, Layout::Prefix);
    let build = resolved.build.as_ref().unwrap();
    assert_eq!(build.library, Path::new("lib/libvecmath-nativelib.so.1"));
    let commands = resolved.build_commands(
        &BuildDirectories {
            source: PathBuf::from("/s"),
            build: PathBuf::from("/b"),
            prefix: PathBuf::from("/p"),
        },
        build.jobs.count(),
    );
    assert_eq!(commands.len(), 2);
    assert_eq!(commands[0].program, "cc");
    assert_eq!(
        commands[0].arguments,
        [
            "-O2",
            "-fPIC",
            "-shared",
            "-Wl,-soname,libvecmath-nativelib.so.1",
            "-o",
            "/p/lib/libvecmath-nativelib.so.1",
            "vecmath.c"
        ]
    );
    assert_eq!(commands[1].to_string(), "cp vecmath.h /p/include/");
    assert_eq!(commands[0].environment["CFLAGS"], "-O2 -fPIC");
    assert_eq!(commands[0].working_directory, Path::new("/s"));
}

#[test]
fn cmake_meson_and_configure_commands() {
    let recipe_with = |system: &str| {
        format!(
            "[library]\nname = \"x\"\nversion = \"1.0\"\nlicense = \"MIT\"\nlicense-files = [\"COPYING\"]\n\
             [source]\npath = \"src\"\n\
             [build]\nsystem = \"{system}\"\nvariables = {{ BUILD_TESTING = \"OFF\" }}\narguments = [\"--x={{version}}\"]\nlibrary = \"lib/libx.so\"\n\
             [wheel]\ndistribution = \"nativelib-x\"\nsoname = \"libx-nativelib.so.1\"\n"
        )
    };
    let directories = BuildDirectories {
        source: PathBuf::from("/s"),
        build: PathBuf::from("/b"),
        prefix: PathBuf::from("/p"),
    };
    let lines = |system: &str| -> Vec<String> {
        Recipe::from_str(&recipe_with(system), Path::new("x.toml"))
            .unwrap()
            .variant(None)
            .unwrap()
            .build_commands(&directories, 3)
            .iter()
            .map(ToString::to_string)
            .collect()
    };
    assert_eq!(
        lines("cmake"),
        [
            "cmake -S /s -B /b -DCMAKE_INSTALL_PREFIX=/p -DCMAKE_INSTALL_LIBDIR=lib \
             -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF --x=1.0",
            "cmake --build /b --parallel 3",
            "cmake --install /b",
        ]
    );
    assert_eq!(
        lines("meson"),
        [
            "meson setup /b /s --prefix=/p --libdir=lib --buildtype=release -DBUILD_TESTING=OFF --x=1.0",
            "meson compile -C /b -j 3",
            "meson install -C /b",
        ]
    );
    assert_eq!(
        lines("configure"),
        [
            "./configure --prefix=/p BUILD_TESTING=OFF --x=1.0",
            "make -j3",
            "make install",
        ]
    );
}

#[test]
fn the_dual_abi_openblas_is_one_script_that_replaces_both_vendored_openblas() {
    let recipe = Recipe::from_str(
        OPENBLAS_DUAL_ABI,
        Path::new("recipes/openblas-dual-abi.toml"),
    )
    .unwrap();
    let resolved = recipe.variant(None).unwrap();
    assert_eq!(
        resolved.wheel.replaces,
        ["libscipy_openblas.so", "libscipy_openblas64_.so"]
    );
    assert!(resolved.wheel.soname.starts_with("libopenblas"));
    let commands = resolved.build_commands(
        &BuildDirectories {
            source: PathBuf::from("s"),
            build: PathBuf::from("b"),
            prefix: PathBuf::from("p"),
        },
        2,
    );
    assert_eq!(commands.len(), 1);
    let arguments = &commands[0].arguments;
    assert_eq!(commands[0].program, "sh");
    // `sh -c SCRIPT NAME jobs prefix build soname symbol-prefix VARIABLES...`; `{{` in the
    // recipe is a literal brace in the script.
    assert!(arguments[1].contains("${LDFLAGS:-}"), "{}", arguments[1]);
    assert_eq!(
        arguments[3..8],
        ["2", "p", "b", "libopenblas_openmp_nativelib.so.0", "scipy_"]
    );
    assert!(arguments.contains(&"USE_OPENMP=1".to_string()));
    assert!(arguments.contains(&"SYMBOLPREFIX=scipy_".to_string()));
}
