//! Tests of the error messages: each names the file, the key and the fix.

use super::*;

#[test]
fn a_typo_in_a_key_suggests_the_valid_key() {
    let text = edited(OPENBLAS, "sha256 = \"a3fe", "sha265 = \"a3fe");
    let (error, message) = error_for(&text);
    let line = line_of(&text, "sha265");
    assert_eq!(
        message,
        format!(
            "Unknown key `sha265` in [source] of recipes/openblas.toml:{line}:1; \
             did you mean `sha256`?"
        )
    );
    assert!(matches!(error, Error::UnknownKey { suggestion: Some(ref s), .. } if s == "sha256"));
}

#[test]
fn an_unknown_key_far_from_any_lists_the_valid_keys() {
    let text = edited(OPENBLAS, "[source]\n", "[source]\nmirror = \"x\"\n");
    let (_, message) = error_for(&text);
    assert!(
        message.starts_with("Unknown key `mirror` in [source] of recipes/openblas.toml:"),
        "{message}"
    );
    assert!(
        message.contains("the valid keys are `url`, `path`, `pypi-sdist`"),
        "{message}"
    );
}

#[test]
fn an_unknown_key_in_a_variant_names_the_variant() {
    let text = edited(
        OPENBLAS,
        "package = \"nativelib_openblas64\", soname",
        "package = \"nativelib_openblas64\", sonme",
    );
    let (_, message) = error_for(&text);
    let line = line_of(&text, "sonme");
    assert!(
        message.starts_with(&format!(
            "Unknown key `sonme` in [variant[1].wheel] of recipes/openblas.toml:{line}:"
        )),
        "{message}"
    );
    assert!(
        message.ends_with("(variant `ilp64`); did you mean `soname`?"),
        "{message}"
    );
}

#[test]
fn a_key_under_the_wrong_table_says_where_it_belongs() {
    let text = edited(OPENMP, "[source]\n", "dependencies = []\n\n[source]\n");
    let error = Recipe::from_str(&text, Path::new("recipes/openmp.toml")).unwrap_err();
    let message = error.to_string();
    assert!(
        message.starts_with("Unknown key `dependencies` in [library] of recipes/openmp.toml:"),
        "{message}"
    );
    assert!(
        message.contains("must come before the first [table] header"),
        "{message}"
    );
}

#[test]
fn a_bad_sha256_names_the_key_and_the_fix() {
    let text = edited(OPENBLAS, "\"a3fe5e", "\"a3fe5");
    let (_, message) = error_for(&text);
    let line = line_of(&text, "sha256 =");
    assert_eq!(
        message,
        format!(
            "Invalid `source.sha256` in recipes/openblas.toml:{line}:10: a sha256 digest has 64 \
             hexadecimal digits, `a3fe55875393a37f569da9bf1403adae45579570e8582b837bd985746d9ac20` \
             has 63 characters; write the 64 hexadecimal digits printed by `sha256sum FILE` \
             (for a PyPI file, the `sha256` digest listed for it on the index)"
        )
    );
}

#[test]
fn an_unknown_variant_lists_the_variants() {
    let recipe = Recipe::from_str(OPENBLAS, Path::new(OPENBLAS_PATH)).unwrap();
    let error = recipe.variant(Some("ilp46")).unwrap_err();
    assert_eq!(
        error.to_string(),
        "Unknown variant `ilp46` of recipes/openblas.toml; did you mean `ilp64`? \
         the variants are `lp64`, `ilp64`, `ilp64-openmp` and `lp64-openmp`"
    );
    let Error::UnknownVariant { available, .. } = error else {
        panic!("expected an unknown variant");
    };
    assert_eq!(available, ["lp64", "ilp64", "ilp64-openmp", "lp64-openmp"]);
    let openmp = Recipe::from_str(OPENMP, Path::new("recipes/openmp.toml")).unwrap();
    let message = openmp.variant(Some("lp64")).unwrap_err().to_string();
    assert!(
        message.contains("this recipe defines no variants"),
        "{message}"
    );
}

#[test]
fn a_missing_required_key_says_what_to_add() {
    let text = edited(OPENBLAS, "license = \"BSD-3-Clause\"\n", "");
    let (_, message) = error_for(&text);
    let line = line_of(&text, "[library]");
    assert_eq!(
        message,
        format!(
            "Missing key `license` in [library] of recipes/openblas.toml:{line}:1; add \
             `license = \"BSD-3-Clause\"`, the library's SPDX license expression"
        )
    );
    let text = edited(OPENBLAS, ", soname = \"libopenblas32_nativelib.so.0\"", "");
    let (_, message) = error_for(&text);
    assert!(
        message.starts_with("Missing key `soname` in [[variant]] of recipes/openblas.toml:"),
        "{message}"
    );
    assert!(message.contains("(variant `lp64`)"), "{message}");
    assert!(
        message.contains("add `soname = \"lib<name>.so.<major>\"`"),
        "{message}"
    );
}

#[test]
fn a_value_of_the_wrong_type_says_what_to_write() {
    let text = edited(OPENBLAS, "jobs = \"auto\"", "jobs = true");
    let (error, message) = error_for(&text);
    let line = line_of(&text, "jobs = true");
    assert_eq!(
        message,
        format!(
            "Wrong type for `build.jobs` in recipes/openblas.toml:{line}:8: expected a positive \
             number of jobs or \"auto\", found boolean `true`; write a positive number of jobs \
             or \"auto\" instead"
        )
    );
    assert!(matches!(error, Error::WrongType { .. }));
    let text = edited(
        OPENBLAS,
        "targets = [\"libs\", \"netlib\", \"shared\"]",
        "targets = \"libs\"",
    );
    let (_, message) = error_for(&text);
    assert!(
        message.starts_with("Wrong type for `build.targets` in recipes/openblas.toml:"),
        "{message}"
    );
    assert!(message.contains("expected an array"), "{message}");
}

#[test]
fn an_unknown_build_system_suggests_the_closest() {
    let text = edited(OPENBLAS, "system = \"make\"", "system = \"mkae\"");
    let (_, message) = error_for(&text);
    let line = line_of(&text, "mkae");
    assert_eq!(
        message,
        format!(
            "Unknown value `mkae` for `build.system` in recipes/openblas.toml:{line}:10; did you \
             mean `make`? (write one of `make`, `cmake`, `meson`, `configure` and `commands`)"
        )
    );
}

#[test]
fn semantic_rules_name_the_key_and_fix() {
    let cases: &[(&str, &str, &str, &str)] = &[
        (
            "soname = \"libopenblas64_nativelib.so.0\"",
            "soname = \"nativelib_openblas64.so\"",
            "Invalid `variant[1].wheel.soname`",
            "does not start with `lib`",
        ),
        (
            "package = \"nativelib_openblas32\"",
            "package = \"nativelib-openblas32\"",
            "Invalid `variant[0].wheel.package`",
            "not a valid Python package name",
        ),
        (
            "distribution = \"nativelib-openblas32\"",
            "distribution = \"nativelib openblas32\"",
            "Invalid `variant[0].wheel.distribution`",
            "not a valid package name",
        ),
        (
            "version = \"0.3.31\"",
            "version = \"v0.3.31\"",
            "Invalid `library.version`",
            "PEP 440",
        ),
        (
            "pypi-sdist = \"cmeel-openblas==0.3.31\"",
            "pypi-sdist = \"cmeel-openblas>=0.3.31\"",
            "Invalid `source.pypi-sdist`",
            "pin one exact version",
        ),
        (
            "name = \"ilp64\"",
            "name = \"lp64\"",
            "Invalid `variant[1].name`",
            "give every [[variant]] its own name",
        ),
        (
            "soname = \"libopenblas64_nativelib.so.0\"",
            "soname = \"libopenblas32_nativelib.so.0\"",
            "Invalid `variant[1].wheel.soname`",
            "both produce the SONAME",
        ),
        (
            "library = \"lib/lib{symbol-prefix}openblas{symbol-suffix}.so\"",
            "library = \"lib/lib{symbol-prefx}openblas{symbol-suffix}.so\"",
            "Invalid `build.library`",
            "did you mean `{symbol-prefix}`?",
        ),
        (
            "library = \"lib/lib{symbol-prefix}openblas{symbol-suffix}.so\"",
            "library = \"{prefix}/lib/libopenblas.so\"",
            "Invalid `build.library`",
            "only known while building",
        ),
        (
            "subdirectory = \"cmeel_openblas-0.3.31/OpenBLAS\"",
            "subdirectory = \"../OpenBLAS\"",
            "Invalid `source.subdirectory`",
            "without `..`",
        ),
        (
            "targets = [\"libs\", \"netlib\", \"shared\"]",
            "targets = [\"libs\"]\ncommands = [[\"true\"]]",
            "Invalid `build.commands`",
            "`commands` does not apply to a `make` build",
        ),
        (
            "soname = \"libopenblas32_nativelib.so.0\" }",
            "soname = \"libopenblas32_nativelib.so.0\", replaces = [\"scipy_openblas\"] }",
            "Invalid `variant[0].wheel.replaces[0]`",
            "does not start with `lib`",
        ),
        (
            "prefix = \"scipy_\"",
            "prefix = \"scipy-\"",
            "Invalid `symbols.prefix`",
            "cannot be part of a C symbol name",
        ),
        (
            "dependencies = [{ recipe = \"openmp.toml\" }, { recipe = \"gfortran.toml\" }]",
            "dependencies = [{ variant = \"x\" }]",
            "Missing key `recipe` in `variant[2].dependencies[0]`",
            "{ recipe = \"openmp.toml\" }",
        ),
    ];
    for (from, to, start, detail) in cases {
        let text = edited(OPENBLAS, from, to);
        let (_, message) = error_for(&text);
        assert!(message.starts_with(start), "{from} -> {to}: {message}");
        assert!(message.contains("recipes/openblas.toml:"), "{message}");
        assert!(message.contains(detail), "{from} -> {to}: {message}");
    }
}

#[test]
fn source_rules_depend_on_the_origin() {
    let base = "[library]\nname = \"x\"\nversion = \"1.0\"\nlicense = \"MIT\"\nlicense-files = [\"LICENSE\"]\n\
                [wheel]\ndistribution = \"nativelib-x\"\nsoname = \"libx-nativelib.so.1\"\n";
    let build =
        "[build]\nsystem = \"commands\"\ncommands = [[\"true\"]]\nlibrary = \"lib/libx.so\"\n";
    let cases: &[(&str, &str)] = &[
        ("[source]\nurl = \"https://example.org/x.tar.gz\"\n", "Missing key `sha256` in [source]"),
        ("[source]\npath = \"x.tar.gz\"\n", "Missing key `sha256` in [source]"),
        (
            "[source]\npath = \"src\"\nsha256 = \"0000000000000000000000000000000000000000000000000000000000000000\"\n",
            "a directory has no digest",
        ),
        ("[source]\nurl = \"ftp://example.org/x.tar.gz\"\nsha256 = \"0000000000000000000000000000000000000000000000000000000000000000\"\n", "not an http(s) URL"),
        ("[source]\nurl = \"https://example.org/x.tar.gz\"\npath = \"src\"\n", "names two origins, `url` and `path`"),
        ("[source]\nsubdirectory = \"src\"\n", "does not say where the library comes from"),
    ];
    for (source, expected) in cases {
        let text = format!("{base}{source}{build}");
        let error = Recipe::from_str(&text, Path::new("recipes/x.toml")).unwrap_err();
        let message = error.to_string();
        assert!(message.contains("recipes/x.toml"), "{message}");
        assert!(message.contains(expected), "{source}: {message}");
    }
    let collected = format!(
        "{base}[source]\ncollect-directory = \"/opt/x/lib\"\nlibrary = \"libx.so.1\"\n{build}"
    );
    let message = Recipe::from_str(&collected, Path::new("recipes/x.toml"))
        .unwrap_err()
        .to_string();
    assert!(
        message.starts_with("Invalid `build` in recipes/x.toml:"),
        "{message}"
    );
    assert!(
        message.contains("a collected library is not built"),
        "{message}"
    );
    let missing_library = format!("{base}[source]\ncollect-toolchain = \"cc\"\n");
    let message = Recipe::from_str(&missing_library, Path::new("recipes/x.toml"))
        .unwrap_err()
        .to_string();
    assert!(
        message.starts_with("Missing key `library` in [source] of recipes/x.toml"),
        "{message}"
    );
}

#[test]
fn syntax_errors_have_a_line_and_column() {
    let text = edited(OPENBLAS, "[source]\n", "[source\n");
    let (error, message) = error_for(&text);
    let line = line_of(&text, "[source\n");
    assert!(
        message.starts_with(&format!("Invalid TOML in recipes/openblas.toml:{line}:")),
        "{message}"
    );
    assert!(matches!(error, Error::Syntax { .. }));
}

#[test]
fn hiding_symbols_needs_a_namespace() {
    let text = edited(OPENBLAS, "prefix = \"scipy_\"\n", "");
    let text = text.replace("symbols = { suffix = \"64_\" }\n", "");
    let text = text
        .replace("{symbol-prefix}", "")
        .replace("{symbol-suffix}", "");
    let (_, message) = error_for(&text);
    assert!(
        message.starts_with("Invalid `symbols.hide-outside-namespace`"),
        "{message}"
    );
    assert!(
        message.contains("declare `prefix`, `suffix` or `keep`"),
        "{message}"
    );
}

#[test]
fn a_missing_file_is_a_read_error() {
    let error = Recipe::load(Path::new("/nonexistent/recipe.toml")).unwrap_err();
    assert_eq!(
        error.to_string(),
        "Failed to read recipe /nonexistent/recipe.toml"
    );
    assert!(std::error::Error::source(&error).is_some());
}
