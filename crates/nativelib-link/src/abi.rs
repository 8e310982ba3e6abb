//! The ABI check before rewriting: every symbol the wheel's binaries import from a vendored
//! library must be exported by the provider's library, with the same symbol version, and the
//! provider must be built for the same machine.

use std::collections::{BTreeMap, HashSet};

use nativelib_audit::{BinaryId, InstalledWheel, Resolution};

use crate::matching::Replacement;
use crate::provider::Provider;
use crate::Error;

/// How many missing symbols an error message lists.
const LISTED_SYMBOLS: usize = 8;

/// Refuses a provider built for another machine or ELF class.
pub fn check_architecture(dependent: &InstalledWheel, provider: &Provider) -> Result<(), Error> {
    let (Some(wanted), Some((_, provided))) =
        (dependent.binaries.first(), provider.provided().next())
    else {
        return Ok(());
    };
    let describe = |elf: &nativelib_binary::ElfFile| {
        format!("{} ({:?})", elf.machine.name(), elf.class).to_lowercase()
    };
    if wanted.elf.machine != provided.elf.machine || wanted.elf.class != provided.elf.class {
        return Err(Error::ArchitectureMismatch {
            path: dependent.path.clone(),
            provider: provider.filename.to_string(),
            wanted: describe(&wanted.elf),
            provided: describe(&provided.elf),
        });
    }
    Ok(())
}

/// Refuses a replacement whose provided library lacks symbols the wheel imports from the
/// vendored copy. `resolution` is the dependent wheel resolved on its own (wheel index 0).
pub fn check_symbols(
    dependent: &InstalledWheel,
    resolution: &Resolution,
    provider: &Provider,
    replacement: &Replacement,
) -> Result<(), Error> {
    let vendored = &dependent.binaries[replacement.vendored];
    let provided = &provider.wheel.binaries[replacement.provided];
    let vendored_exports: HashSet<&str> = vendored
        .elf
        .defined_symbols
        .iter()
        .map(|symbol| symbol.name.as_str())
        .collect();
    let provided_exports: HashSet<(&str, Option<&str>)> = provided
        .elf
        .defined_symbols
        .iter()
        .map(|symbol| (symbol.name.as_str(), symbol.version.as_deref()))
        .collect();
    let provided_names: HashSet<&str> = provided_exports.iter().map(|(name, _)| *name).collect();

    let target = BinaryId {
        wheel: 0,
        binary: replacement.vendored,
    };
    let mut missing: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for dependent_id in resolution.dependents_of(target) {
        let binary = &dependent.binaries[dependent_id.binary];
        for symbol in &binary.elf.undefined_symbols {
            let from_vendored = match &symbol.version_file {
                Some(file) => *file == replacement.vendored_name,
                None => vendored_exports.contains(symbol.name.as_str()),
            };
            if !from_vendored || symbol.is_weak {
                continue;
            }
            let exported = match (&symbol.version_file, &symbol.version) {
                (Some(_), Some(version)) => {
                    provided_exports.contains(&(symbol.name.as_str(), Some(version.as_str())))
                }
                _ => provided_names.contains(symbol.name.as_str()),
            };
            if !exported {
                let name = match &symbol.version {
                    Some(version) if symbol.version_file.is_some() => {
                        format!("{}@{version}", symbol.name)
                    }
                    _ => symbol.name.clone(),
                };
                missing.entry(name).or_default().push(binary.entry.clone());
            }
        }
    }
    if missing.is_empty() {
        return Ok(());
    }
    let count = missing.len();
    let mut details: Vec<String> = missing
        .iter()
        .take(LISTED_SYMBOLS)
        .map(|(symbol, needed_by)| format!("{symbol} (needed by {})", needed_by.join(", ")))
        .collect();
    if count > LISTED_SYMBOLS {
        details.push(format!("and {} more", count - LISTED_SYMBOLS));
    }
    Err(Error::MissingSymbols {
        path: dependent.path.clone(),
        provider: provider.filename.to_string(),
        vendored: replacement.vendored_entry.clone(),
        count,
        details: details.join("; "),
    })
}
