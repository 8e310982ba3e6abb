//! Rules for single values: digests, package names, identifiers, SONAMEs, versions, paths.
//!
//! Each check returns the normalized value or a [`Problem`] (what is wrong and how to fix it),
//! which the resolver turns into an error naming the file and key.

use std::path::{Component, Path, PathBuf};

/// What is wrong with a value and how to fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Problem {
    pub(crate) problem: String,
    pub(crate) fix: String,
}

impl Problem {
    pub(crate) fn new(problem: impl Into<String>, fix: impl Into<String>) -> Self {
        Self {
            problem: problem.into(),
            fix: fix.into(),
        }
    }
}

/// A SHA-256 digest: 64 hexadecimal digits, returned in lowercase.
pub(crate) fn sha256(value: &str) -> Result<String, Problem> {
    let fix = "write the 64 hexadecimal digits printed by `sha256sum FILE` \
               (for a PyPI file, the `sha256` digest listed for it on the index)";
    let length = value.chars().count();
    if length != 64 {
        return Err(Problem::new(
            format!("a sha256 digest has 64 hexadecimal digits, `{value}` has {length} characters"),
            fix,
        ));
    }
    if let Some(bad) = value.chars().find(|c| !c.is_ascii_hexdigit()) {
        return Err(Problem::new(
            format!("`{bad}` is not a hexadecimal digit"),
            fix,
        ));
    }
    Ok(value.to_ascii_lowercase())
}

/// A distribution name as PyPI accepts it (PEP 508): letters, digits, `.`, `_` and `-`,
/// starting and ending with a letter or digit.
pub(crate) fn distribution_name(value: &str) -> Result<(), Problem> {
    let valid = !value.is_empty()
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
        && value.starts_with(|c: char| c.is_ascii_alphanumeric())
        && value.ends_with(|c: char| c.is_ascii_alphanumeric());
    if valid {
        Ok(())
    } else {
        Err(Problem::new(
            format!("`{value}` is not a valid package name"),
            "use ASCII letters, digits, `-`, `_` and `.`, starting and ending with a letter or digit, e.g. `nativelib-openblas32`",
        ))
    }
}

const PYTHON_KEYWORDS: &[&str] = &[
    "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue",
    "def", "del", "elif", "else", "except", "finally", "for", "from", "global", "if", "import",
    "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while",
    "with", "yield",
];

/// A top-level Python package name: an ASCII identifier that is not a keyword.
pub(crate) fn python_identifier(value: &str) -> Result<(), Problem> {
    let fix =
        "use ASCII letters, digits and `_`, not starting with a digit, e.g. `nativelib_openblas32`";
    let valid = value.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && value.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if !valid {
        return Err(Problem::new(
            format!("`{value}` is not a valid Python package name"),
            fix,
        ));
    }
    if PYTHON_KEYWORDS.contains(&value) {
        return Err(Problem::new(
            format!("`{value}` is a Python keyword and cannot be imported"),
            fix,
        ));
    }
    Ok(())
}

/// A shared library SONAME: `lib<name>.so` optionally followed by `.<number>` parts.
pub(crate) fn soname(value: &str) -> Result<(), Problem> {
    let fix = "write `lib<name>.so` or `lib<name>.so.<major>` with a name no other library uses, \
               e.g. `libopenblas32_nativelib.so.0`";
    let bad = |problem: String| Err(Problem::new(problem, fix));
    let Some(rest) = value.strip_prefix("lib") else {
        return bad(format!("`{value}` does not start with `lib`"));
    };
    let Some(position) = rest.find(".so") else {
        return bad(format!("`{value}` has no `.so`"));
    };
    let (stem, suffix) = (&rest[..position], &rest[position + 3..]);
    if stem.is_empty() {
        return bad(format!("`{value}` has no name between `lib` and `.so`"));
    }
    if let Some(character) = stem
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '+' | '.')))
    {
        return bad(format!("`{value}` contains `{character}`"));
    }
    let numbers_valid = suffix.is_empty()
        || suffix.strip_prefix('.').is_some_and(|numbers| {
            numbers
                .split('.')
                .all(|part| !part.is_empty() && part.chars().all(|c| c.is_ascii_digit()))
        });
    if !numbers_valid {
        return bad(format!(
            "`{value}` has `{suffix}` after `.so`, where only `.<number>` parts may follow"
        ));
    }
    Ok(())
}

/// A version in the PEP 440 public form: `[N!]N(.N)*[{a|b|rc}N][.postN][.devN]` with an optional
/// `+local` label.
pub(crate) fn version(value: &str) -> Result<(), Problem> {
    let fix = "write a PEP 440 version such as `0.3.31`, `12.2.0`, `1.0rc1` or `1.0.post1`";
    let invalid = || {
        Err(Problem::new(
            format!("`{value}` is not a PEP 440 version"),
            fix,
        ))
    };
    let (public, local) = match value.split_once('+') {
        Some((public, local)) => (public, Some(local)),
        None => (value, None),
    };
    if let Some(local) = local {
        let valid = local
            .split('.')
            .all(|part| !part.is_empty() && part.chars().all(|c| c.is_ascii_alphanumeric()));
        if !valid {
            return invalid();
        }
    }
    let mut rest = public;
    if let Some((epoch, after)) = rest.split_once('!') {
        if !is_number(epoch) {
            return invalid();
        }
        rest = after;
    }
    let release_end = rest
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(rest.len());
    let (mut release, mut tail) = rest.split_at(release_end);
    if let Some(stripped) = release.strip_suffix('.') {
        if !tail.is_empty() {
            // `1.0.post1`: the dot belongs to the `.post` label.
            release = stripped;
            tail = &rest[stripped.len()..];
        }
    }
    if release.is_empty() || !release.split('.').all(is_number) {
        return invalid();
    }
    for label in ["a", "b", "rc"] {
        if let Some(after) = tail.strip_prefix(label) {
            let digits = after
                .find(|c: char| !c.is_ascii_digit())
                .unwrap_or(after.len());
            if digits == 0 {
                return invalid();
            }
            tail = &after[digits..];
            break;
        }
    }
    for label in [".post", ".dev"] {
        if let Some(after) = tail.strip_prefix(label) {
            let digits = after
                .find(|c: char| !c.is_ascii_digit())
                .unwrap_or(after.len());
            if digits == 0 {
                return invalid();
            }
            tail = &after[digits..];
        }
    }
    if tail.is_empty() {
        Ok(())
    } else {
        invalid()
    }
}

fn is_number(text: &str) -> bool {
    !text.is_empty() && text.chars().all(|c| c.is_ascii_digit())
}

/// A variant name: lowercase ASCII letters, digits and `-`, starting with a letter or digit.
pub(crate) fn variant_name(value: &str) -> Result<(), Problem> {
    let valid = value.starts_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit())
        && value
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if valid {
        Ok(())
    } else {
        Err(Problem::new(
            format!("`{value}` is not a valid variant name"),
            "use lowercase ASCII letters, digits and `-`, e.g. `ilp64-openmp`",
        ))
    }
}

/// A relative path that stays inside its base directory (no root, no `..`).
pub(crate) fn relative_path(value: &str, what: &str) -> Result<PathBuf, Problem> {
    let path = Path::new(value);
    let inside = !value.is_empty()
        && path
            .components()
            .all(|component| matches!(component, Component::Normal(_) | Component::CurDir));
    if inside {
        Ok(path.to_path_buf())
    } else {
        Err(Problem::new(
            format!("`{value}` is not a relative path inside {what}"),
            format!("write a path relative to {what}, without `..`, e.g. `OpenBLAS`"),
        ))
    }
}

/// A download URL: `https://` (or `http://`, the digest guards it).
pub(crate) fn url(value: &str) -> Result<(), Problem> {
    let has_host = value
        .strip_prefix("https://")
        .or_else(|| value.strip_prefix("http://"))
        .is_some_and(|rest| !rest.is_empty() && !rest.starts_with('/'));
    if has_host && !value.chars().any(char::is_whitespace) {
        Ok(())
    } else {
        Err(Problem::new(
            format!("`{value}` is not an http(s) URL"),
            "write an `https://` URL; for a file on this machine use `path` instead",
        ))
    }
}

/// An SPDX license expression: identifiers joined by `AND`, `OR` and `WITH`, with parentheses.
pub(crate) fn license_expression(value: &str) -> Result<(), Problem> {
    let fix = "write an SPDX expression such as `BSD-3-Clause` or \
               `GPL-3.0-or-later WITH GCC-exception-3.1`";
    let spaced = value.replace('(', " ( ").replace(')', " ) ");
    let mut depth = 0usize;
    let mut expect_identifier = true;
    let mut count = 0usize;
    for token in spaced.split_whitespace() {
        count += 1;
        match token {
            "(" if expect_identifier => depth += 1,
            ")" if !expect_identifier && depth > 0 => depth -= 1,
            "AND" | "OR" | "WITH" if !expect_identifier => expect_identifier = true,
            identifier
                if expect_identifier
                    && identifier.chars().all(|c| {
                        c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '+' | ':')
                    }) =>
            {
                expect_identifier = false;
            }
            _ => {
                return Err(Problem::new(
                    format!("`{value}` is not an SPDX license expression (at `{token}`)"),
                    fix,
                ))
            }
        }
    }
    if count == 0 || expect_identifier || depth != 0 {
        return Err(Problem::new(
            format!("`{value}` is not a complete SPDX license expression"),
            fix,
        ));
    }
    Ok(())
}

/// A symbol prefix or suffix: letters, digits and `_`.
pub(crate) fn symbol_affix(value: &str) -> Result<(), Problem> {
    if !value.is_empty() && value.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        Ok(())
    } else {
        Err(Problem::new(
            format!("`{value}` cannot be part of a C symbol name"),
            "use ASCII letters, digits and `_`, e.g. `scipy_` or `64_`",
        ))
    }
}

/// A symbol name pattern: symbol characters with `*` and `?` wildcards.
pub(crate) fn symbol_pattern(value: &str) -> Result<(), Problem> {
    let valid = !value.is_empty()
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '$' | '@' | '*' | '?'));
    if valid {
        Ok(())
    } else {
        Err(Problem::new(
            format!("`{value}` is not a symbol name pattern"),
            "use symbol characters with `*` and `?` wildcards, e.g. `openblas_*`",
        ))
    }
}

/// An environment or make variable name: letters, digits and `_`, not starting with a digit.
pub(crate) fn variable_name(value: &str) -> Result<(), Problem> {
    let valid = value.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && value.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if valid {
        Ok(())
    } else {
        Err(Problem::new(
            format!("`{value}` is not a variable name"),
            "use ASCII letters, digits and `_`, not starting with a digit, e.g. `NUM_THREADS`",
        ))
    }
}

/// A build option name (a CMake cache entry may carry a type, `NAME:BOOL`; Meson options may
/// contain `-` and `.`).
pub(crate) fn option_name(value: &str) -> Result<(), Problem> {
    let valid = value.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | ':'));
    if valid {
        Ok(())
    } else {
        Err(Problem::new(
            format!("`{value}` is not a build option name"),
            "use ASCII letters, digits, `_`, `-`, `.` (and `:TYPE` for CMake), e.g. `BUILD_SHARED_LIBS`",
        ))
    }
}

/// An exact PyPI pin, `name==version`, split into its parts.
pub(crate) fn exact_pin(value: &str) -> Result<(String, String), Problem> {
    let fix = "pin one exact version as `name==version`, e.g. `cmeel-openblas==0.3.31`";
    let Some((name, version_text)) = value.split_once("==") else {
        return Err(Problem::new(
            format!("`{value}` does not pin an exact version"),
            fix,
        ));
    };
    let (name, version_text) = (name.trim(), version_text.trim());
    distribution_name(name).map_err(|problem| Problem::new(problem.problem, fix))?;
    version(version_text).map_err(|problem| Problem::new(problem.problem, fix))?;
    Ok((name.to_string(), version_text.to_string()))
}

/// A requirement on a wheel, such as `nativelib-openmp>=12`: a valid name, then an optional
/// version specifier.
pub(crate) fn requirement(value: &str) -> Result<(), Problem> {
    let name_end = value
        .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-')))
        .unwrap_or(value.len());
    let (name, specifier) = value.split_at(name_end);
    let fix = "write a requirement such as `nativelib-openmp` or `nativelib-openmp>=12.2`";
    distribution_name(name).map_err(|problem| Problem::new(problem.problem, fix))?;
    let specifier = specifier.trim();
    let valid_specifier = specifier.is_empty()
        || specifier.split(',').all(|clause| {
            let clause = clause.trim();
            ["===", "==", "!=", "~=", ">=", "<=", ">", "<"]
                .iter()
                .find_map(|operator| clause.strip_prefix(operator))
                .is_some_and(|version_text| {
                    let version_text = version_text.trim();
                    let version_text = version_text.strip_suffix(".*").unwrap_or(version_text);
                    version(version_text).is_ok()
                })
        });
    if valid_specifier {
        Ok(())
    } else {
        Err(Problem::new(
            format!("`{value}` is not a requirement on a wheel"),
            fix,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256_must_be_64_hexadecimal_digits() {
        let good = "a3fe5e5875393a37f569da9bf1403adae45579570e8582b837bd985746d9ac20";
        assert_eq!(sha256(good).unwrap(), good);
        assert_eq!(sha256(&good.to_uppercase()).unwrap(), good);
        assert!(sha256(&good[1..])
            .unwrap_err()
            .problem
            .contains("63 characters"));
        let bad = format!("{}g", &good[1..]);
        assert!(sha256(&bad).unwrap_err().problem.contains("`g`"));
    }

    #[test]
    fn distribution_names_follow_pep_508() {
        for name in ["nativelib-openblas32", "a", "Foo.Bar_baz-1"] {
            assert!(distribution_name(name).is_ok(), "{name}");
        }
        for name in ["", "-x", "x-", "nativelib openblas", "naïve"] {
            assert!(distribution_name(name).is_err(), "{name}");
        }
        assert_eq!(
            nativelib_wheel::normalize_name("Cmeel__OpenBLAS.x"),
            "cmeel-openblas-x"
        );
    }

    #[test]
    fn python_identifiers_exclude_keywords_and_dashes() {
        assert!(python_identifier("nativelib_openblas32").is_ok());
        assert!(python_identifier("_private").is_ok());
        assert!(python_identifier("nativelib-openblas").is_err());
        assert!(python_identifier("3d").is_err());
        assert!(python_identifier("import")
            .unwrap_err()
            .problem
            .contains("keyword"));
    }

    #[test]
    fn sonames_look_like_lib_name_so_numbers() {
        for name in [
            "libgomp-nativelib.so.1",
            "libopenblas32_nativelib.so.0",
            "libx.so",
            "libstdc++.so.6.0.30",
        ] {
            assert!(soname(name).is_ok(), "{name}");
        }
        for name in [
            "gomp.so.1",
            "libgomp.so.x",
            "lib.so",
            "libgomp",
            "libgomp.so.1.",
            "lib/x.so",
        ] {
            assert!(soname(name).is_err(), "{name}");
        }
    }

    #[test]
    fn versions_follow_pep_440() {
        for text in [
            "0.3.31",
            "12.2.0",
            "1.0rc1",
            "1.0.post1",
            "2!1.0.dev3",
            "1.0+local.7",
            "1",
        ] {
            assert!(version(text).is_ok(), "{text}");
        }
        for text in ["", "v1.0", "1.0-beta", "1..0", "1.0rc", "1.0+", "latest"] {
            assert!(version(text).is_err(), "{text}");
        }
    }

    #[test]
    fn relative_paths_stay_inside() {
        assert_eq!(
            relative_path("OpenBLAS", "the archive").unwrap(),
            Path::new("OpenBLAS")
        );
        assert!(relative_path("../etc", "the archive").is_err());
        assert!(relative_path("/etc", "the archive").is_err());
        assert!(relative_path("", "the archive").is_err());
    }

    #[test]
    fn license_expressions_are_checked() {
        for text in [
            "BSD-3-Clause",
            "GPL-3.0-or-later WITH GCC-exception-3.1",
            "(MIT OR Apache-2.0) AND BSD-3-Clause",
        ] {
            assert!(license_expression(text).is_ok(), "{text}");
        }
        for text in [
            "",
            "MIT OR",
            "MIT Apache-2.0",
            "(MIT",
            "MIT)",
            "BSD 3 clause",
        ] {
            assert!(license_expression(text).is_err(), "{text}");
        }
    }

    #[test]
    fn pins_and_requirements() {
        assert_eq!(
            exact_pin("cmeel-openblas==0.3.31").unwrap(),
            ("cmeel-openblas".to_string(), "0.3.31".to_string())
        );
        assert!(exact_pin("cmeel-openblas>=0.3.31").is_err());
        assert!(exact_pin("cmeel-openblas==latest").is_err());
        assert!(requirement("nativelib-openmp").is_ok());
        assert!(requirement("nativelib-openmp>=12.2,<13").is_ok());
        assert!(requirement("nativelib-openmp==12.*").is_ok());
        assert!(requirement("nativelib-openmp>>12").is_err());
    }

    #[test]
    fn names_of_variables_options_and_variants() {
        assert!(variable_name("NUM_THREADS").is_ok());
        assert!(variable_name("1X").is_err());
        assert!(option_name("BUILD_SHARED_LIBS:BOOL").is_ok());
        assert!(option_name("b_lto").is_ok());
        assert!(option_name("A=B").is_err());
        assert!(variant_name("ilp64-openmp").is_ok());
        assert!(variant_name("ILP64").is_err());
        assert!(symbol_affix("scipy_").is_ok());
        assert!(symbol_affix("a-b").is_err());
        assert!(symbol_pattern("openblas_*").is_ok());
        assert!(symbol_pattern("a b").is_err());
        assert!(url("https://example.org/a.tar.gz").is_ok());
        assert!(url("ftp://example.org/a.tar.gz").is_err());
        assert!(url("https:///a").is_err());
    }
}
