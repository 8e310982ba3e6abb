//! Planning a link: which DT_NEEDED entries and search paths change in which binaries, which
//! vendored libraries go (replaced, or orphaned by the change), the new tags and metadata. The
//! plan is checked by resolving the rewritten wheel next to the provider, exactly as `show`
//! resolves an environment, before anything is written.

use std::collections::BTreeSet;
use std::path::PathBuf;

use nativelib_audit::install::{expand_origin, parent, relative_path};
use nativelib_audit::policy::{declared_glibc_floor, glibc_minor_of_tag};
use nativelib_audit::{
    audit, resolve, BinaryId, DependencyStatus, InstalledWheel, RecordCheck, Resolution,
};
use nativelib_binary::{ElfEdit, SearchPathKind};
use nativelib_wheel::WheelReader;
use serde::Serialize;

use crate::abi::{check_architecture, check_symbols};
use crate::matching::{match_libraries, ReplaceArgument, Replacement};
use crate::preloader::{plan_preloader, PreloaderPlan};
use crate::provider::Provider;
use crate::Error;

/// How one binary is rewritten.
#[derive(Debug, Clone, Serialize)]
pub struct BinaryRewrite {
    pub entry: String,
    /// DT_NEEDED entries replaced, old name then new name.
    pub replace_needed: Vec<(String, String)>,
    /// `rpath` or `runpath`: the kind the binary had is kept.
    pub search_path_kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub search_path_before: Option<String>,
    pub search_path_after: String,
    #[serde(skip)]
    pub(crate) binary: usize,
}

impl BinaryRewrite {
    /// The ELF edit that performs it.
    pub fn edit(&self) -> ElfEdit {
        ElfEdit {
            replace_needed: self.replace_needed.clone(),
            search_path: Some(self.search_path_after.clone()),
            search_path_kind_if_absent: match self.search_path_kind {
                "rpath" => SearchPathKind::Rpath,
                _ => SearchPathKind::Runpath,
            },
            ..ElfEdit::default()
        }
    }
}

/// A vendored library the link removes, and why.
#[derive(Debug, Clone, Serialize)]
pub struct RemovedLibrary {
    pub entry: String,
    pub size: u64,
    pub reason: String,
}

/// The provider as the plan uses it.
#[derive(Debug, Clone, Serialize)]
pub struct ProviderSummary {
    pub wheel: String,
    pub distribution: String,
    pub version: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub platform_tag: Option<String>,
}

/// Everything a link will do to one wheel.
#[derive(Debug, Clone, Serialize)]
pub struct LinkPlan {
    pub input: PathBuf,
    pub output_filename: String,
    pub provider: ProviderSummary,
    pub replacements: Vec<Replacement>,
    pub rewrites: Vec<BinaryRewrite>,
    pub removed: Vec<RemovedLibrary>,
    /// Vendored libraries that stay because something still needs them.
    pub kept: Vec<String>,
    pub requires_dist: String,
    pub platform_tags_before: Vec<String>,
    pub platform_tags_after: Vec<String>,
    pub preloader: PreloaderPlan,
}

/// Plans linking the wheel open in `reader` against `provider`.
pub fn plan_link(
    reader: &WheelReader,
    provider: &Provider,
    explicit: &[ReplaceArgument],
    check: RecordCheck,
) -> Result<LinkPlan, Error> {
    let dependent = InstalledWheel::from_reader(reader, check)?;
    check_architecture(&dependent, provider)?;
    let alone = resolve(std::slice::from_ref(&dependent));
    let replacements = match_libraries(&dependent, provider, explicit)?;
    for replacement in &replacements {
        check_symbols(&dependent, &alone, provider, replacement)?;
    }
    let mut rewrites = plan_rewrites(&dependent, &alone, provider, &replacements);
    let mut gone: BTreeSet<usize> = replacements.iter().map(|r| r.vendored).collect();
    let mut removed: Vec<RemovedLibrary> = replacements
        .iter()
        .map(|replacement| RemovedLibrary {
            entry: replacement.vendored_entry.clone(),
            size: dependent.binaries[replacement.vendored].size,
            reason: format!(
                "replaced by {} from {}",
                replacement.provided_entry, provider.distribution
            ),
        })
        .collect();
    for orphan in orphans_after(&dependent, &rewrites, &gone, provider) {
        gone.insert(orphan);
        removed.push(RemovedLibrary {
            entry: dependent.binaries[orphan].entry.clone(),
            size: dependent.binaries[orphan].size,
            reason: "orphaned: nothing loads it after linking".to_string(),
        });
    }
    prune_search_paths(&dependent, &mut rewrites, &gone, provider);

    // The final state, audited like `show` would: everything that resolved still resolves.
    let environment = [
        simulate(&dependent, &rewrites, &gone),
        provider.wheel.clone(),
    ];
    let report = audit(&environment);
    let linked = &report.wheels[0];
    let was_unresolved = |entry: &str, library: &str| {
        dependent
            .binaries
            .iter()
            .position(|binary| binary.entry == entry)
            .is_some_and(|index| {
                alone
                    .dependencies_of(BinaryId {
                        wheel: 0,
                        binary: index,
                    })
                    .iter()
                    .any(|old| old.name == library && old.status == DependencyStatus::Unresolved)
            })
    };
    if let Some(unresolved) = linked
        .unresolved
        .iter()
        .find(|unresolved| !was_unresolved(&unresolved.binary, &unresolved.library))
    {
        return Err(Error::UnresolvedAfterLink {
            path: dependent.path.clone(),
            entry: unresolved.binary.clone(),
            library: unresolved.library.clone(),
        });
    }
    let platform_tags_before = reader.filename().platform_tags.clone();
    let platform_tags_after = linked
        .platform
        .as_ref()
        .map(|platform| new_platform_tags(&platform_tags_before, &platform.verdict.tags))
        .unwrap_or_else(|| platform_tags_before.clone());

    let kept = dependent
        .binaries
        .iter()
        .enumerate()
        .filter(|(index, binary)| binary.is_in_libs_directory() && !gone.contains(index))
        .map(|(_, binary)| binary.entry.clone())
        .collect();
    let preloader = plan_preloader(reader, provider, &replacements, &rewrites)?;
    let output_filename = reader
        .filename()
        .with_platform_tags(platform_tags_after.clone())
        .to_string();
    Ok(LinkPlan {
        input: reader.path().to_path_buf(),
        output_filename,
        provider: ProviderSummary {
            wheel: provider.filename.to_string(),
            distribution: provider.distribution.clone(),
            version: provider.version.clone(),
            platform_tag: provider
                .platform
                .as_ref()
                .map(|verdict| verdict.tag.clone()),
        },
        replacements,
        rewrites,
        removed,
        kept,
        requires_dist: provider.requirement(),
        platform_tags_before,
        platform_tags_after,
        preloader,
    })
}

/// For each binary that loads a replaced library: the DT_NEEDED renames, and its search path
/// with an `$ORIGIN`-relative entry reaching the provider's library directory appended.
fn plan_rewrites(
    dependent: &InstalledWheel,
    alone: &Resolution,
    provider: &Provider,
    replacements: &[Replacement],
) -> Vec<BinaryRewrite> {
    let mut rewrites = Vec::new();
    for (index, binary) in dependent.binaries.iter().enumerate() {
        if replacements
            .iter()
            .any(|replacement| replacement.vendored == index)
        {
            continue;
        }
        let mut replace_needed = Vec::new();
        let mut new_entries = Vec::new();
        for dependency in alone.dependencies_of(BinaryId {
            wheel: 0,
            binary: index,
        }) {
            let Some(replacement) = replacements.iter().find(|replacement| {
                dependency
                    .target
                    .is_some_and(|target| target.binary == replacement.vendored)
            }) else {
                continue;
            };
            replace_needed.push((dependency.name.clone(), replacement.provided_name.clone()));
            let provided = &provider.wheel.binaries[replacement.provided].install_path;
            let entry = format!(
                "$ORIGIN/{}",
                relative_path(parent(&binary.install_path), parent(provided))
            );
            if !new_entries.contains(&entry) {
                new_entries.push(entry);
            }
        }
        if replace_needed.is_empty() {
            continue;
        }
        let (kind, before) = match (&binary.elf.runpath, &binary.elf.rpath) {
            (Some(runpath), _) => ("runpath", Some(runpath.clone())),
            (None, Some(rpath)) => ("rpath", Some(rpath.clone())),
            // No search path: found through a loader's inherited DT_RPATH. A DT_RPATH keeps that
            // inheritance; a DT_RUNPATH would switch it off for this binary's other needs.
            (None, None) => ("rpath", None),
        };
        let mut entries: Vec<String> = before
            .iter()
            .flat_map(|value| value.split(':'))
            .filter(|entry| !entry.is_empty())
            .map(str::to_string)
            .collect();
        for entry in new_entries {
            if !entries.contains(&entry) {
                entries.push(entry);
            }
        }
        rewrites.push(BinaryRewrite {
            entry: binary.entry.clone(),
            replace_needed,
            search_path_kind: kind,
            search_path_before: before,
            search_path_after: entries.join(":"),
            binary: index,
        });
    }
    rewrites
}

/// The libraries in `.libs` directories that nothing loads once the rewrite is done (the
/// vendored copy's own dependencies, unless something else still needs them).
fn orphans_after(
    dependent: &InstalledWheel,
    rewrites: &[BinaryRewrite],
    gone: &BTreeSet<usize>,
    provider: &Provider,
) -> Vec<usize> {
    let environment = [
        simulate(dependent, rewrites, gone),
        provider.wheel.without_symbols(),
    ];
    let resolution = resolve(&environment);
    environment[0]
        .binaries
        .iter()
        .enumerate()
        .filter(|(index, binary)| binary.is_in_libs_directory() && !resolution.reachable[0][*index])
        .map(|(_, binary)| original_index(dependent, &binary.entry))
        .collect()
}

/// Drops `$ORIGIN` entries into the wheel's own directories (`scipy.libs`) that no longer lead to
/// anything the binary loads, directly or through the libraries it loads (which inherit a
/// DT_RPATH). Entries into other places are kept: they may reach a provider of an earlier link
/// that this plan cannot see.
fn prune_search_paths(
    dependent: &InstalledWheel,
    rewrites: &mut [BinaryRewrite],
    gone: &BTreeSet<usize>,
    provider: &Provider,
) {
    let environment = [
        simulate(dependent, rewrites, gone),
        provider.wheel.without_symbols(),
    ];
    let resolution = resolve(&environment);
    let own_directories: BTreeSet<&str> = dependent
        .binaries
        .iter()
        .map(|binary| parent(&binary.install_path))
        .collect();
    for rewrite in rewrites {
        let position = environment[0]
            .binaries
            .iter()
            .position(|binary| binary.entry == rewrite.entry)
            .expect("rewritten binaries are kept");
        let used = load_closure_directories(&environment, &resolution, position);
        let origin = parent(&dependent.binaries[rewrite.binary].install_path).to_string();
        let entries: Vec<&str> = rewrite
            .search_path_after
            .split(':')
            .filter(|entry| {
                expand_origin(entry, &origin).is_none_or(|directory| {
                    used.contains(&directory) || !own_directories.contains(directory.as_str())
                })
            })
            .collect();
        rewrite.search_path_after = entries.join(":");
    }
}

/// The declared tags, unless the linked result needs a newer glibc than they promise.
fn new_platform_tags(declared: &[String], satisfied: &[String]) -> Vec<String> {
    let required = satisfied.first().and_then(|tag| glibc_minor_of_tag(tag));
    match (required, declared_glibc_floor(declared)) {
        (Some(required), Some((floor, _))) if required > floor => satisfied.to_vec(),
        _ => declared.to_vec(),
    }
}

/// The directories of every library a binary loads, directly or transitively, in any wheel.
fn load_closure_directories(
    environment: &[InstalledWheel],
    resolution: &Resolution,
    binary: usize,
) -> BTreeSet<String> {
    let mut directories = BTreeSet::new();
    let mut seen = BTreeSet::new();
    let mut stack = vec![BinaryId { wheel: 0, binary }];
    while let Some(id) = stack.pop() {
        for dependency in resolution.dependencies_of(id) {
            if let Some(target) = dependency.target {
                if seen.insert(target) {
                    let path = &environment[target.wheel].binaries[target.binary].install_path;
                    directories.insert(parent(path).to_string());
                    stack.push(target);
                }
            }
        }
    }
    directories
}

fn original_index(dependent: &InstalledWheel, entry: &str) -> usize {
    dependent
        .binaries
        .iter()
        .position(|binary| binary.entry == entry)
        .expect("simulated binaries come from the dependent")
}

/// The dependent as it will be: rewritten binaries' ELF data updated, `gone` binaries left out.
fn simulate(
    dependent: &InstalledWheel,
    rewrites: &[BinaryRewrite],
    gone: &BTreeSet<usize>,
) -> InstalledWheel {
    let mut wheel = dependent.without_symbols();
    for rewrite in rewrites {
        let elf = &mut wheel.binaries[rewrite.binary].elf;
        for (old, new) in &rewrite.replace_needed {
            for needed in elf.needed.iter_mut().filter(|needed| *needed == old) {
                *needed = new.clone();
            }
            for requirement in elf
                .version_requirements
                .iter_mut()
                .filter(|r| r.file == *old)
            {
                requirement.file = new.clone();
            }
        }
        match rewrite.search_path_kind {
            "rpath" => elf.rpath = Some(rewrite.search_path_after.clone()),
            _ => elf.runpath = Some(rewrite.search_path_after.clone()),
        }
    }
    wheel.binaries = wheel
        .binaries
        .into_iter()
        .enumerate()
        .filter(|(index, _)| !gone.contains(index))
        .map(|(_, binary)| binary)
        .collect();
    wheel
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(values: &[&str]) -> Vec<String> {
        values.iter().map(|value| value.to_string()).collect()
    }

    #[test]
    fn tags_rise_only_above_the_declared_floor() {
        let declared = strings(&["manylinux_2_17_x86_64", "manylinux2014_x86_64"]);
        assert_eq!(
            new_platform_tags(&declared, &strings(&["manylinux_2_27_x86_64"])),
            strings(&["manylinux_2_27_x86_64"])
        );
        assert_eq!(
            new_platform_tags(
                &declared,
                &strings(&["manylinux_2_5_x86_64", "manylinux1_x86_64"])
            ),
            declared
        );
    }
}
