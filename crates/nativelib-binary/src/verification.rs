//! What the rewritten file must show: the original file with the edit applied, and the
//! check that parsing the rewritten file gives exactly that.

use crate::{DynamicSymbol, ElfEdit, ElfFile, Error, SearchPathKind, VersionRequirement};

/// What parsing the rewritten file must give.
pub(crate) fn expected_result(original: &ElfFile, edit: &ElfEdit) -> ElfFile {
    let mut expected = original.clone();
    if let Some(soname) = &edit.soname {
        expected.soname = Some(soname.clone());
    }
    expected.needed = original
        .needed
        .iter()
        .filter(|name| !edit.removes(name))
        .map(|name| edit.renamed(name).to_string())
        .collect();
    if let Some(value) = &edit.search_path {
        if value.is_empty() {
            expected.rpath = None;
            expected.runpath = None;
        } else if original.rpath.is_none() && original.runpath.is_none() {
            match edit.search_path_kind_if_absent {
                SearchPathKind::Rpath => expected.rpath = Some(value.clone()),
                SearchPathKind::Runpath => expected.runpath = Some(value.clone()),
            }
        } else {
            for present in [&mut expected.rpath, &mut expected.runpath] {
                if present.is_some() {
                    *present = Some(value.clone());
                }
            }
        }
    }
    expected.version_requirements = original
        .version_requirements
        .iter()
        .filter(|requirement| !edit.removes(&requirement.file))
        .map(|requirement| VersionRequirement {
            file: edit.renamed(&requirement.file).to_string(),
            versions: requirement.versions.clone(),
        })
        .collect();
    let symbols = expected
        .undefined_symbols
        .iter_mut()
        .chain(&mut expected.defined_symbols);
    for symbol in symbols {
        if let Some(file) = &symbol.version_file {
            if let Some(new) = edit.replacement(file) {
                symbol.version_file = Some(new.to_string());
            }
        }
    }
    expected
}

/// Check that the rewritten file shows the edit and nothing else about loading changed.
pub(crate) fn verify(expected: &ElfFile, rewritten: &ElfFile) -> Result<(), Error> {
    let differ = |what: &str, found: &dyn std::fmt::Debug, wanted: &dyn std::fmt::Debug| {
        Err(Error::Verification {
            difference: format!("{what} is {found:?}, expected {wanted:?}"),
        })
    };
    if rewritten.soname != expected.soname {
        return differ("DT_SONAME", &rewritten.soname, &expected.soname);
    }
    if rewritten.needed != expected.needed {
        return differ("DT_NEEDED", &rewritten.needed, &expected.needed);
    }
    if rewritten.rpath != expected.rpath {
        return differ("DT_RPATH", &rewritten.rpath, &expected.rpath);
    }
    if rewritten.runpath != expected.runpath {
        return differ("DT_RUNPATH", &rewritten.runpath, &expected.runpath);
    }
    if rewritten.interpreter != expected.interpreter {
        return differ("PT_INTERP", &rewritten.interpreter, &expected.interpreter);
    }
    let header = (
        rewritten.class,
        rewritten.endianness,
        rewritten.machine,
        rewritten.kind,
    );
    let expected_header = (
        expected.class,
        expected.endianness,
        expected.machine,
        expected.kind,
    );
    if header != expected_header {
        return differ("the file header", &header, &expected_header);
    }
    // The builder drops version requirements that no symbol uses, so every written one must
    // be expected, and every one a symbol uses must be written.
    for requirement in &rewritten.version_requirements {
        let wanted = expected
            .version_requirements
            .iter()
            .find(|wanted| wanted.file == requirement.file);
        let all_expected = wanted.is_some_and(|wanted| {
            requirement
                .versions
                .iter()
                .all(|version| wanted.versions.contains(version))
        });
        if !all_expected {
            return differ(
                "the .gnu.version_r entry",
                requirement,
                &expected.version_requirements,
            );
        }
    }
    for symbol in &expected.undefined_symbols {
        let (Some(file), Some(version)) = (&symbol.version_file, &symbol.version) else {
            continue;
        };
        if rewritten
            .required_versions(file)
            .is_none_or(|versions| !versions.contains(version))
        {
            return differ(
                "the .gnu.version_r entries",
                &rewritten.version_requirements,
                &format!("{version} from {file} (needed by {})", symbol.name),
            );
        }
    }
    if rewritten.version_definitions != expected.version_definitions {
        return differ(
            ".gnu.version_d",
            &rewritten.version_definitions,
            &expected.version_definitions,
        );
    }
    for (what, found, wanted) in [
        (
            "defined",
            &rewritten.defined_symbols,
            &expected.defined_symbols,
        ),
        (
            "undefined",
            &rewritten.undefined_symbols,
            &expected.undefined_symbols,
        ),
    ] {
        if !same_symbols(found, wanted) {
            return Err(Error::Verification {
                difference: format!(
                    "the {what} dynamic symbols differ ({} found, {} expected)",
                    found.len(),
                    wanted.len()
                ),
            });
        }
    }
    Ok(())
}

/// Whether two symbol lists hold the same symbols, in any order.
fn same_symbols(found: &[DynamicSymbol], wanted: &[DynamicSymbol]) -> bool {
    if found == wanted {
        return true;
    }
    if found.len() != wanted.len() {
        return false;
    }
    fn sorted(symbols: &[DynamicSymbol]) -> Vec<&DynamicSymbol> {
        let mut symbols: Vec<&DynamicSymbol> = symbols.iter().collect();
        symbols.sort_by_key(|symbol| {
            (
                &symbol.name,
                &symbol.version,
                &symbol.version_file,
                symbol.is_weak,
                symbol.is_function,
            )
        });
        symbols
    }
    sorted(found) == sorted(wanted)
}

#[cfg(test)]
mod tests {
    use super::{expected_result, verify};
    use crate::test_support::Fixture;
    use crate::{ElfEdit, ElfFile, Error};

    fn difference(result: Result<(), Error>) -> String {
        match result {
            Err(Error::Verification { difference }) => difference,
            other => panic!("expected a verification error, got {other:?}"),
        }
    }

    #[test]
    fn detects_an_edit_that_did_not_take_effect() {
        let fixture = Fixture::new();
        let original = ElfFile::parse(&fixture.read("libconsumer.so")).unwrap();
        assert!(verify(&original, &original).is_ok());

        let edit = ElfEdit {
            replace_needed: vec![("libversioned.so.1".to_string(), "libnew.so.1".to_string())],
            ..ElfEdit::default()
        };
        let expected = expected_result(&original, &edit);
        assert_eq!(expected.needed[0], "libnew.so.1");
        assert!(difference(verify(&expected, &original)).contains("DT_NEEDED"));

        // DT_NEEDED renamed but the .gnu.version_r entry not: the classic failure.
        let mut half_done = original.clone();
        half_done.needed[0] = "libnew.so.1".to_string();
        assert!(difference(verify(&expected, &half_done)).contains(".gnu.version_r"));

        let mut lost_symbol = expected.clone();
        lost_symbol.defined_symbols.pop();
        assert!(difference(verify(&expected, &lost_symbol)).contains("defined dynamic symbols"));
    }

    #[test]
    fn expected_search_path_keeps_the_kind() {
        let fixture = Fixture::new();
        let consumer = ElfFile::parse(&fixture.read("libconsumer.so")).unwrap();
        let edit = ElfEdit {
            search_path: Some("$ORIGIN/other".to_string()),
            ..ElfEdit::default()
        };
        let expected = expected_result(&consumer, &edit);
        assert_eq!(expected.rpath.as_deref(), Some("$ORIGIN/other"));
        assert_eq!(expected.runpath, None);
        let program = ElfFile::parse(&fixture.read("program")).unwrap();
        let expected = expected_result(&program, &edit);
        assert_eq!(expected.runpath.as_deref(), Some("$ORIGIN/other"));
        assert_eq!(expected.rpath, None);
    }
}
