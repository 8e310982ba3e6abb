//! Rewriting an ELF file: SONAME, `DT_NEEDED` (together with the `.gnu.version_r` entries that
//! name the same files) and `DT_RPATH`/`DT_RUNPATH`. The result is parsed again and checked.

use object::build::elf::{Builder, Dynamic, VersionData, VersionFileId};
use object::build::ByteString;
use object::elf;

use crate::layout::place_sections;
use crate::verification::{expected_result, verify};
use crate::{ElfFile, Error, SearchPathKind};

/// The changes to make to an ELF file. The default changes nothing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ElfEdit {
    /// Set `DT_SONAME` (added when absent).
    pub soname: Option<String>,
    /// Rename `DT_NEEDED` entries, old name to new name. The `.gnu.version_r` entry for the
    /// old file is renamed too (else glibc's `_dl_check_map_versions` asserts).
    pub replace_needed: Vec<(String, String)>,
    /// Remove `DT_NEEDED` entries, and their `.gnu.version_r` entries. Fails when a dynamic
    /// symbol still requires a version from the removed file.
    pub remove_needed: Vec<String>,
    /// Set the search path. The tag that was there is kept (`DT_RPATH` stays `DT_RPATH`,
    /// `DT_RUNPATH` stays `DT_RUNPATH`; when both are present both are set). An empty value
    /// removes the search path.
    pub search_path: Option<String>,
    /// The tag for [`Self::search_path`] when the file had neither `DT_RPATH` nor `DT_RUNPATH`.
    pub search_path_kind_if_absent: SearchPathKind,
}

impl ElfEdit {
    pub(crate) fn replacement(&self, name: &str) -> Option<&str> {
        self.replace_needed
            .iter()
            .find(|(old, _)| old == name)
            .map(|(_, new)| new.as_str())
    }

    pub(crate) fn renamed<'a>(&'a self, name: &'a str) -> &'a str {
        self.replacement(name).unwrap_or(name)
    }

    pub(crate) fn removes(&self, name: &str) -> bool {
        self.remove_needed.iter().any(|removed| removed == name)
    }
}

/// Apply `edit` to the ELF file `bytes` and return the new file.
///
/// An edit that changes nothing returns the input unchanged, byte for byte. Otherwise the
/// file is rewritten with the ELF builder, moving the dynamic string table (and whatever
/// else no longer fits) to a new segment when it grows, and the output is parsed again to
/// check that the edit took effect and nothing else about loading changed.
pub fn rewrite(bytes: &[u8], edit: &ElfEdit) -> Result<Vec<u8>, Error> {
    let original = ElfFile::parse(bytes)?;
    check_edit(edit, &original)?;
    let expected = expected_result(&original, edit);
    if expected == original {
        return Ok(bytes.to_vec());
    }

    let mut builder = Builder::read(bytes)?;
    apply_edit(&mut builder, edit)?;
    place_sections(&mut builder, bytes.len() as u64)?;
    let mut output = BoundedBuffer {
        bytes: Vec::new(),
        limit: maximum_output_length(bytes.len()),
    };
    builder.write(&mut output)?;
    let output = output.bytes;

    let rewritten = ElfFile::parse(&output).map_err(|error| {
        let cause = std::error::Error::source(&error)
            .map(|source| format!(": {source}"))
            .unwrap_or_default();
        Error::Verification {
            difference: format!("the output cannot be parsed: {error}{cause}"),
        }
    })?;
    verify(&expected, &rewritten)?;
    Ok(output)
}

/// The largest file a rewrite may produce: the input, room for the sections that move
/// (at most the whole input again) and alignment padding. Anything larger comes from a
/// malformed input and is refused rather than allocated.
fn maximum_output_length(input_length: usize) -> u64 {
    (input_length as u64)
        .saturating_mul(2)
        .saturating_add(16 << 20)
}

/// An output buffer that refuses to reserve more than `limit` bytes.
struct BoundedBuffer {
    bytes: Vec<u8>,
    limit: u64,
}

impl object::write::WritableBuffer for BoundedBuffer {
    fn reserve(&mut self, size: u64) -> Result<(), ()> {
        if size > self.limit {
            return Err(());
        }
        self.bytes.reserve(usize::try_from(size).map_err(|_| ())?);
        Ok(())
    }

    fn write_bytes(&mut self, bytes: &[u8]) {
        self.bytes.extend_from_slice(bytes);
    }

    fn write_zeros(&mut self, count: u64) {
        let length = self.bytes.len().saturating_add(count as usize);
        self.bytes.resize(length, 0);
    }
}

fn check_name(what: &str, name: &str) -> Result<(), Error> {
    if name.is_empty() || name.contains('\0') {
        return Err(Error::InvalidEdit {
            reason: format!("{what} {name:?} must be non-empty and contain no NUL byte"),
        });
    }
    Ok(())
}

fn check_edit(edit: &ElfEdit, original: &ElfFile) -> Result<(), Error> {
    if let Some(soname) = &edit.soname {
        check_name("the SONAME", soname)?;
    }
    for (index, (old, new)) in edit.replace_needed.iter().enumerate() {
        check_name("the DT_NEEDED entry", new)?;
        if edit.replace_needed[..index]
            .iter()
            .any(|(earlier, _)| earlier == old)
        {
            return Err(Error::InvalidEdit {
                reason: format!("DT_NEEDED entry `{old}` is replaced twice"),
            });
        }
        if edit.removes(old) {
            return Err(Error::InvalidEdit {
                reason: format!("DT_NEEDED entry `{old}` is both replaced and removed"),
            });
        }
    }
    let named = edit
        .replace_needed
        .iter()
        .map(|(old, _)| old)
        .chain(&edit.remove_needed);
    for name in named {
        if !original.needed.contains(name) {
            return Err(Error::NeededNotFound { name: name.clone() });
        }
    }
    if let Some(path) = &edit.search_path {
        if path.contains('\0') {
            return Err(Error::InvalidEdit {
                reason: format!("the search path {path:?} contains a NUL byte"),
            });
        }
    }
    Ok(())
}

/// Make the edit in the builder's dynamic table and version files.
fn apply_edit(builder: &mut Builder<'_>, edit: &ElfEdit) -> Result<(), Error> {
    for file in &mut builder.version_files {
        let name = String::from_utf8_lossy(&file.name);
        if let Some(new) = edit.replacement(&name) {
            file.name = ByteString::from(new.as_bytes().to_vec());
        }
    }
    for removed in &edit.remove_needed {
        remove_version_file(builder, removed)?;
    }

    let dynamics = builder
        .dynamic_data_mut()
        .ok_or_else(|| Error::Unsupported {
            reason: "the file has no dynamic section".to_string(),
        })?;
    dynamics.retain(|entry| match entry {
        Dynamic::String { tag, val } if *tag == elf::DT_NEEDED => {
            !edit.removes(&String::from_utf8_lossy(val))
        }
        _ => true,
    });
    for entry in dynamics.iter_mut() {
        if let Dynamic::String { tag, val } = entry {
            if *tag == elf::DT_NEEDED {
                if let Some(new) = edit.replacement(&String::from_utf8_lossy(val)) {
                    *val = ByteString::from(new.as_bytes().to_vec());
                }
            }
        }
    }
    if let Some(soname) = &edit.soname {
        set_string(dynamics, &[elf::DT_SONAME], elf::DT_SONAME, soname);
    }
    if let Some(value) = &edit.search_path {
        let search_tags = [elf::DT_RPATH, elf::DT_RUNPATH];
        if value.is_empty() {
            dynamics.retain(|entry| !search_tags.contains(&entry.tag()));
        } else {
            let tag_if_absent = match edit.search_path_kind_if_absent {
                SearchPathKind::Rpath => elf::DT_RPATH,
                SearchPathKind::Runpath => elf::DT_RUNPATH,
            };
            set_string(dynamics, &search_tags, tag_if_absent, value);
        }
    }
    Ok(())
}

/// Set every string entry with one of `tags` to `value`; when there is none, add one with
/// `tag_if_absent` after the leading `DT_NEEDED`/`DT_SONAME`/search path entries.
fn set_string(
    dynamics: &mut Vec<Dynamic<'_>>,
    tags: &[elf::DynamicTag],
    tag_if_absent: elf::DynamicTag,
    value: &str,
) {
    let mut found = false;
    for entry in dynamics.iter_mut() {
        if let Dynamic::String { tag, val } = entry {
            if tags.contains(tag) {
                *val = ByteString::from(value.as_bytes().to_vec());
                found = true;
            }
        }
    }
    if found {
        return;
    }
    let leading = [
        elf::DT_NEEDED,
        elf::DT_SONAME,
        elf::DT_RPATH,
        elf::DT_RUNPATH,
    ];
    let position = dynamics
        .iter()
        .rposition(|entry| leading.contains(&entry.tag()))
        .map_or(0, |index| index + 1);
    dynamics.insert(
        position,
        Dynamic::String {
            tag: tag_if_absent,
            val: ByteString::from(value.as_bytes().to_vec()),
        },
    );
}

/// Delete the `.gnu.version_r` entry for `name` and its versions, unless a dynamic symbol
/// still requires one of them.
fn remove_version_file(builder: &mut Builder<'_>, name: &str) -> Result<(), Error> {
    let files: Vec<VersionFileId> = builder
        .version_files
        .iter()
        .filter(|file| file.name.as_slice() == name.as_bytes())
        .map(|file| file.id())
        .collect();
    if files.is_empty() {
        return Ok(());
    }
    let mut users = Vec::new();
    for symbol in &builder.dynamic_symbols {
        if symbol.version.is_special() {
            continue;
        }
        if let VersionData::Need(need) = &builder.versions.get(symbol.version).data {
            if files.contains(&need.file) {
                users.push(format!("{}@{}", symbol.name, need.name));
            }
        }
    }
    if !users.is_empty() {
        return Err(Error::NeededStillVersioned {
            name: name.to_string(),
            symbols: users,
        });
    }
    for version in &mut builder.versions {
        if let VersionData::Need(need) = &version.data {
            if files.contains(&need.file) {
                version.delete = true;
            }
        }
    }
    for file in &mut builder.version_files {
        if files.contains(&file.id()) {
            file.delete = true;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::process::Command;

    use super::{rewrite, ElfEdit};
    use crate::test_support::{readelf_dynamic, run, wheel_member, Fixture};
    use crate::{ElfFile, Error, SearchPathKind};

    /// Longer than any slack a linker leaves, so `.dynstr` must move.
    fn long_path() -> String {
        format!(
            "$ORIGIN/newlib:$ORIGIN/lib:/nonexistent/{}",
            "long-directory/".repeat(40)
        )
    }

    fn rename_versioned(bytes: &[u8]) -> Vec<u8> {
        let edit = ElfEdit {
            replace_needed: vec![(
                "libversioned.so.1".to_string(),
                "libversioned-1a2b3c4d.so.1".to_string(),
            )],
            search_path: Some(long_path()),
            ..ElfEdit::default()
        };
        rewrite(bytes, &edit).unwrap_or_else(|error| panic!("{}", error_chain(&error)))
    }

    fn error_chain(error: &dyn std::error::Error) -> String {
        let mut message = error.to_string();
        let mut source = error.source();
        while let Some(cause) = source {
            message = format!("{message}: {cause}");
            source = cause.source();
        }
        message
    }

    /// Give the versioned library a new SONAME and file name under `newlib/`, and remove
    /// the original so that nothing can find it by the old name.
    fn install_renamed_library(fixture: &Fixture) {
        let edit = ElfEdit {
            soname: Some("libversioned-1a2b3c4d.so.1".to_string()),
            ..ElfEdit::default()
        };
        let renamed = rewrite(&fixture.read("lib/libversioned.so.1"), &edit).unwrap();
        let parsed = ElfFile::parse(&renamed).unwrap();
        assert_eq!(parsed.soname.as_deref(), Some("libversioned-1a2b3c4d.so.1"));
        assert_eq!(parsed.version_definitions, ["VERS_1.0", "VERS_2.0"]);
        fixture.write("newlib/libversioned-1a2b3c4d.so.1", &renamed);
        std::fs::remove_file(fixture.path("lib/libversioned.so.1")).unwrap();
    }

    #[test]
    fn edit_that_changes_nothing_returns_the_input() {
        let fixture = Fixture::new();
        let bytes = fixture.read("libconsumer.so");
        assert_eq!(rewrite(&bytes, &ElfEdit::default()).unwrap(), bytes);
        let same = ElfEdit {
            search_path: Some("$ORIGIN/lib".to_string()),
            replace_needed: vec![("libplain.so".to_string(), "libplain.so".to_string())],
            ..ElfEdit::default()
        };
        assert_eq!(rewrite(&bytes, &same).unwrap(), bytes);
        let library = fixture.read("lib/libversioned.so.1");
        let same_soname = ElfEdit {
            soname: Some("libversioned.so.1".to_string()),
            ..ElfEdit::default()
        };
        assert_eq!(rewrite(&library, &same_soname).unwrap(), library);
    }

    #[test]
    fn renamed_library_loads_through_rewritten_rpath() {
        let fixture = Fixture::new();
        let consumer = fixture.write(
            "libconsumer.so",
            &rename_versioned(&fixture.read("libconsumer.so")),
        );
        // Before the library is installed under its new name, loading must fail: the
        // check below is not satisfied by the old file.
        assert!(fixture.load(&consumer, "consumer_value").is_err());
        install_renamed_library(&fixture);
        assert_eq!(
            fixture.load(&consumer, "consumer_value").as_deref(),
            Ok("122")
        );

        let parsed = ElfFile::parse(&std::fs::read(&consumer).unwrap()).unwrap();
        assert_eq!(
            parsed.needed[..2],
            ["libversioned-1a2b3c4d.so.1", "libplain.so"]
        );
        assert_eq!(parsed.rpath, Some(long_path()));
        assert_eq!(parsed.runpath, None);
        let mut versions = parsed
            .required_versions("libversioned-1a2b3c4d.so.1")
            .unwrap()
            .to_vec();
        versions.sort();
        assert_eq!(versions, ["VERS_1.0", "VERS_2.0"]);
        assert_eq!(parsed.required_versions("libversioned.so.1"), None);
        assert!(parsed
            .undefined_symbols
            .iter()
            .filter(|symbol| symbol.name.starts_with("versioned_"))
            .all(|symbol| symbol.version_file.as_deref() == Some("libversioned-1a2b3c4d.so.1")));

        let dynamic = readelf_dynamic(&consumer);
        assert!(dynamic.contains("(RPATH)"), "{dynamic}");
        assert!(!dynamic.contains("(RUNPATH)"), "{dynamic}");
        assert!(
            dynamic.contains("[libversioned-1a2b3c4d.so.1]"),
            "{dynamic}"
        );
    }

    #[test]
    fn renamed_library_runs_through_rewritten_runpath() {
        let fixture = Fixture::new();
        let program = fixture.write("program", &rename_versioned(&fixture.read("program")));
        install_renamed_library(&fixture);
        assert_eq!(run(&mut Command::new(&program)).as_deref(), Ok("122"));

        let parsed = ElfFile::parse(&std::fs::read(&program).unwrap()).unwrap();
        assert_eq!(parsed.runpath, Some(long_path()));
        assert_eq!(parsed.rpath, None);
        let dynamic = readelf_dynamic(&program);
        assert!(dynamic.contains("(RUNPATH)"), "{dynamic}");
        assert!(!dynamic.contains("(RPATH)"), "{dynamic}");
    }

    #[test]
    fn search_path_added_where_there_was_none() {
        let fixture = Fixture::new();
        // An executable: the new program header and the moved `.dynamic` must still run.
        for kind in [SearchPathKind::Runpath, SearchPathKind::Rpath] {
            let edit = ElfEdit {
                search_path: Some("$ORIGIN/lib".to_string()),
                search_path_kind_if_absent: kind,
                ..ElfEdit::default()
            };
            let hello = fixture.write(
                &format!("hello-{kind}"),
                &rewrite(&fixture.read("hello"), &edit).unwrap(),
            );
            assert_eq!(run(&mut Command::new(&hello)).as_deref(), Ok("hello"));
            let parsed = ElfFile::parse(&std::fs::read(&hello).unwrap()).unwrap();
            assert_eq!(parsed.search_path().map(|path| path.kind), Some(kind));
            assert_eq!(
                parsed.search_path().map(|path| path.value).as_deref(),
                Some("$ORIGIN/lib")
            );
        }

        // A library with symbol versions, added to with a long search path.
        let edit = ElfEdit {
            search_path: Some(long_path()),
            ..ElfEdit::default()
        };
        let library = fixture.write(
            "lib/libversioned.so.1",
            &rewrite(&fixture.read("lib/libversioned.so.1"), &edit).unwrap(),
        );
        assert_eq!(fixture.load(&library, "versioned_new").as_deref(), Ok("2"));
        assert!(readelf_dynamic(&library).contains("(RUNPATH)"));
    }

    #[test]
    fn soname_added_where_there_was_none() {
        let fixture = Fixture::new();
        let edit = ElfEdit {
            soname: Some("libplain-0123abcd.so".to_string()),
            ..ElfEdit::default()
        };
        let library = fixture.write(
            "lib/libplain.so",
            &rewrite(&fixture.read("lib/libplain.so"), &edit).unwrap(),
        );
        let parsed = ElfFile::parse(&std::fs::read(&library).unwrap()).unwrap();
        assert_eq!(parsed.soname.as_deref(), Some("libplain-0123abcd.so"));
        assert_eq!(fixture.load(&library, "plain_value").as_deref(), Ok("7"));
        assert!(readelf_dynamic(&library).contains("[libplain-0123abcd.so]"));
    }

    #[test]
    fn remove_needed_without_versions() {
        let fixture = Fixture::new();
        let edit = ElfEdit {
            remove_needed: vec!["libplain.so".to_string()],
            ..ElfEdit::default()
        };
        let consumer = fixture.write(
            "libconsumer.so",
            &rewrite(&fixture.read("libconsumer.so"), &edit).unwrap(),
        );
        std::fs::remove_file(fixture.path("lib/libplain.so")).unwrap();
        assert_eq!(
            fixture.load(&consumer, "consumer_value").as_deref(),
            Ok("122")
        );
        let parsed = ElfFile::parse(&std::fs::read(&consumer).unwrap()).unwrap();
        assert!(!parsed.needed.contains(&"libplain.so".to_string()));
        assert_eq!(parsed.needed[0], "libversioned.so.1");
    }

    #[test]
    fn remove_needed_with_versions_in_use_fails() {
        let fixture = Fixture::new();
        let edit = ElfEdit {
            remove_needed: vec!["libversioned.so.1".to_string()],
            ..ElfEdit::default()
        };
        match rewrite(&fixture.read("libconsumer.so"), &edit) {
            Err(Error::NeededStillVersioned { name, symbols }) => {
                assert_eq!(name, "libversioned.so.1");
                assert!(symbols.contains(&"versioned_new@VERS_2.0".to_string()));
                assert!(symbols.contains(&"versioned_data@VERS_1.0".to_string()));
            }
            other => panic!("expected NeededStillVersioned, got {other:?}"),
        }
    }

    #[test]
    fn search_path_removed_with_empty_value() {
        let fixture = Fixture::new();
        let edit = ElfEdit {
            search_path: Some(String::new()),
            ..ElfEdit::default()
        };
        let program = rewrite(&fixture.read("program"), &edit).unwrap();
        let parsed = ElfFile::parse(&program).unwrap();
        assert_eq!((parsed.rpath, parsed.runpath), (None, None));
    }

    #[test]
    fn invalid_edits_are_rejected() {
        let fixture = Fixture::new();
        let bytes = fixture.read("libconsumer.so");
        let missing = ElfEdit {
            replace_needed: vec![("libmissing.so".to_string(), "libother.so".to_string())],
            ..ElfEdit::default()
        };
        assert!(matches!(
            rewrite(&bytes, &missing),
            Err(Error::NeededNotFound { name }) if name == "libmissing.so"
        ));
        let missing_removal = ElfEdit {
            remove_needed: vec!["libmissing.so".to_string()],
            ..ElfEdit::default()
        };
        assert!(matches!(
            rewrite(&bytes, &missing_removal),
            Err(Error::NeededNotFound { .. })
        ));
        let invalid = [
            ElfEdit {
                soname: Some(String::new()),
                ..ElfEdit::default()
            },
            ElfEdit {
                replace_needed: vec![("libplain.so".to_string(), "lib\0x.so".to_string())],
                ..ElfEdit::default()
            },
            ElfEdit {
                replace_needed: vec![("libplain.so".to_string(), "liba.so".to_string())],
                remove_needed: vec!["libplain.so".to_string()],
                ..ElfEdit::default()
            },
            ElfEdit {
                search_path: Some("a\0b".to_string()),
                ..ElfEdit::default()
            },
        ];
        for edit in invalid {
            assert!(
                matches!(rewrite(&bytes, &edit), Err(Error::InvalidEdit { .. })),
                "{edit:?}"
            );
        }
        assert!(matches!(
            rewrite(b"not an ELF file", &ElfEdit::default()),
            Err(Error::NotElf)
        ));
    }

    #[test]
    fn everything_else_is_unchanged() {
        let fixture = Fixture::new();
        let bytes = fixture.read("libconsumer.so");
        let before = ElfFile::parse(&bytes).unwrap();
        let after = ElfFile::parse(&rename_versioned(&bytes)).unwrap();
        assert_eq!(after.defined_symbols, before.defined_symbols);
        assert_eq!(
            after.undefined_symbols.len(),
            before.undefined_symbols.len()
        );
        assert_eq!(after.needed[1..], before.needed[1..]);
        assert_eq!(
            (after.class, after.machine, after.kind),
            (before.class, before.machine, before.kind)
        );
    }

    /// Mutated copies of a real library never make parsing or rewriting panic, and whatever
    /// rewrite accepts parses again.
    #[test]
    fn mutated_files_never_panic() {
        use proptest::prelude::*;
        use proptest::test_runner::{Config, TestRunner};

        let fixture = Fixture::new();
        let original = fixture.read("libconsumer.so");
        let length = original.len();
        // Most of the structure (headers, dynamic tables) is in the first pages.
        let position = prop_oneof![0..length.min(0x1000), 0..length];
        let mutations = proptest::collection::vec((position, any::<u8>()), 1..12);
        let edit = ElfEdit {
            soname: Some("libmutated.so.1".to_string()),
            replace_needed: vec![("libplain.so".to_string(), "libplain-renamed.so".to_string())],
            search_path: Some(long_path()),
            ..ElfEdit::default()
        };
        let mut runner = TestRunner::new(Config {
            cases: 256,
            failure_persistence: None,
            ..Config::default()
        });
        runner
            .run(&mutations, |mutations| {
                let mut bytes = original.clone();
                for (position, value) in mutations {
                    bytes[position] = value;
                }
                let _ = ElfFile::parse(&bytes);
                if let Ok(output) = rewrite(&bytes, &edit) {
                    prop_assert!(ElfFile::parse(&output).is_ok());
                }
                Ok(())
            })
            .unwrap();
    }

    /// numpy 2.1.3's linalg extension module and its vendored OpenBLAS (both already
    /// patched by auditwheel with patchelf) rewrite and verify.
    #[test]
    fn real_numpy_wheel_libraries() {
        let wheel = "numpy-2.1.3-cp311";
        let Some(module) = wheel_member(
            wheel,
            "numpy/linalg/_umath_linalg.cpython-311-x86_64-linux-gnu.so",
        ) else {
            return;
        };
        let Some(openblas) = wheel_member(wheel, "numpy.libs/libscipy_openblas64_-ff651d7f.so")
        else {
            return;
        };

        let parsed = ElfFile::parse(&module).unwrap();
        assert_eq!(parsed.needed[0], "libscipy_openblas64_-ff651d7f.so");
        assert_eq!(parsed.rpath.as_deref(), Some("$ORIGIN/../../numpy.libs"));
        let edit = ElfEdit {
            replace_needed: vec![(
                "libscipy_openblas64_-ff651d7f.so".to_string(),
                "libscipy_openblas64_.so".to_string(),
            )],
            search_path: Some("$ORIGIN/../../scipy_openblas64/lib".to_string()),
            ..ElfEdit::default()
        };
        let rewritten = ElfFile::parse(&rewrite(&module, &edit).unwrap()).unwrap();
        assert_eq!(rewritten.needed[0], "libscipy_openblas64_.so");
        assert_eq!(
            rewritten.rpath.as_deref(),
            Some("$ORIGIN/../../scipy_openblas64/lib")
        );
        assert_eq!(rewritten.runpath, None);

        let parsed = ElfFile::parse(&openblas).unwrap();
        assert_eq!(
            parsed.soname.as_deref(),
            Some("libscipy_openblas64_-ff651d7f.so")
        );
        assert!(parsed.defined_symbols.len() > 1000);
        let gfortran = "libgfortran-040039e1-0352e75f.so.5.0.0";
        assert_eq!(
            parsed.required_versions(gfortran),
            Some(["GFORTRAN_8".to_string()].as_slice())
        );
        let edit = ElfEdit {
            soname: Some("libscipy_openblas64_.so".to_string()),
            replace_needed: vec![(gfortran.to_string(), "libgfortran.so.5".to_string())],
            ..ElfEdit::default()
        };
        let rewritten = ElfFile::parse(&rewrite(&openblas, &edit).unwrap()).unwrap();
        assert_eq!(rewritten.soname.as_deref(), Some("libscipy_openblas64_.so"));
        assert_eq!(rewritten.required_versions(gfortran), None);
        assert_eq!(
            rewritten.required_versions("libgfortran.so.5"),
            Some(["GFORTRAN_8".to_string()].as_slice())
        );
        assert_eq!(
            rewritten.defined_symbols.len(),
            parsed.defined_symbols.len()
        );
    }
}
