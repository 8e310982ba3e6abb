//! The environment view: several wheels installed into one process, and what then clashes —
//! the same runtime loaded more than once, and libraries exporting the same symbol names.

use std::collections::{BTreeMap, HashSet};

use serde::Serialize;

use crate::inventory::{BinaryRole, InstalledWheel};
use crate::report::{own_verdict, wheel_report, WheelReport};
use crate::resolve::{resolve, BinaryId, Resolution};
use crate::runtime::runtime_name;

/// How many clashing symbol names a report lists per pair of libraries.
pub const CLASH_SAMPLE_SIZE: usize = 12;

/// One copy of a library loaded into the process.
#[derive(Debug, Clone, Serialize)]
pub struct LibraryCopy {
    /// The distribution that carries it.
    pub distribution: String,
    /// Its wheel entry.
    pub entry: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub soname: Option<String>,
    pub size: u64,
    /// The entries (of any wheel) whose DT_NEEDED resolves to this copy.
    pub needed_by: Vec<String>,
}

/// A runtime loaded more than once.
#[derive(Debug, Clone, Serialize)]
pub struct DuplicateRuntime {
    pub runtime: String,
    pub copies: Vec<LibraryCopy>,
}

/// Two libraries loaded into one process that export the same symbol names.
#[derive(Debug, Clone, Serialize)]
pub struct SymbolClash {
    pub left: LibraryCopy,
    pub right: LibraryCopy,
    /// How many exported names they share.
    pub count: usize,
    /// The first shared names, sorted.
    pub sample: Vec<String>,
}

/// Everything `nativelib show` says about a set of inputs.
#[derive(Debug, Clone, Serialize)]
pub struct EnvironmentReport {
    /// The schema version of this JSON document.
    pub schema_version: u32,
    pub wheels: Vec<WheelReport>,
    pub duplicate_runtimes: Vec<DuplicateRuntime>,
    pub symbol_clashes: Vec<SymbolClash>,
}

/// Audits a set of wheels and libraries as if installed into one environment.
pub fn audit(wheels: &[InstalledWheel]) -> EnvironmentReport {
    let resolution = resolve(wheels);
    let verdicts: Vec<_> = (0..wheels.len())
        .map(|index| own_verdict(&wheels[index], &resolution, index))
        .collect();
    let reports = (0..wheels.len())
        .map(|index| wheel_report(wheels, &resolution, &verdicts, index))
        .collect();
    let loaded = loaded_libraries(wheels, &resolution);
    EnvironmentReport {
        schema_version: 1,
        wheels: reports,
        duplicate_runtimes: duplicate_runtimes(wheels, &resolution, &loaded),
        symbol_clashes: symbol_clashes(wheels, &resolution, &loaded),
    }
}

/// The libraries that end up in the process: every library a root loads.
fn loaded_libraries(wheels: &[InstalledWheel], resolution: &Resolution) -> Vec<BinaryId> {
    let mut loaded = Vec::new();
    for (wheel, installed) in wheels.iter().enumerate() {
        for (binary, file) in installed.binaries.iter().enumerate() {
            if file.role == BinaryRole::Library && resolution.reachable[wheel][binary] {
                loaded.push(BinaryId { wheel, binary });
            }
        }
    }
    loaded
}

fn library_copy(wheels: &[InstalledWheel], resolution: &Resolution, id: BinaryId) -> LibraryCopy {
    let binary = &wheels[id.wheel].binaries[id.binary];
    LibraryCopy {
        distribution: wheels[id.wheel].display_name(),
        entry: binary.entry.clone(),
        soname: binary.elf.soname.clone(),
        size: binary.size,
        needed_by: resolution
            .dependents_of(id)
            .into_iter()
            .map(|dependent| {
                wheels[dependent.wheel].binaries[dependent.binary]
                    .entry
                    .clone()
            })
            .collect(),
    }
}

fn duplicate_runtimes(
    wheels: &[InstalledWheel],
    resolution: &Resolution,
    loaded: &[BinaryId],
) -> Vec<DuplicateRuntime> {
    let mut groups: BTreeMap<String, Vec<BinaryId>> = BTreeMap::new();
    for &id in loaded {
        let binary = &wheels[id.wheel].binaries[id.binary];
        groups
            .entry(runtime_name(binary.file_name(), &binary.elf))
            .or_default()
            .push(id);
    }
    groups
        .into_iter()
        .filter(|(_, copies)| copies.len() > 1)
        .map(|(runtime, copies)| DuplicateRuntime {
            runtime,
            copies: copies
                .into_iter()
                .map(|id| library_copy(wheels, resolution, id))
                .collect(),
        })
        .collect()
}

fn symbol_clashes(
    wheels: &[InstalledWheel],
    resolution: &Resolution,
    loaded: &[BinaryId],
) -> Vec<SymbolClash> {
    let exports: Vec<HashSet<&str>> = loaded
        .iter()
        .map(|id| {
            wheels[id.wheel].binaries[id.binary]
                .elf
                .exported_names()
                .collect()
        })
        .collect();
    let mut clashes = Vec::new();
    for left in 0..loaded.len() {
        for right in left + 1..loaded.len() {
            let (smaller, larger) = if exports[left].len() <= exports[right].len() {
                (&exports[left], &exports[right])
            } else {
                (&exports[right], &exports[left])
            };
            let mut shared: Vec<&str> = smaller
                .iter()
                .filter(|name| larger.contains(*name))
                .copied()
                .collect();
            if shared.is_empty() {
                continue;
            }
            shared.sort_unstable();
            clashes.push(SymbolClash {
                left: library_copy(wheels, resolution, loaded[left]),
                right: library_copy(wheels, resolution, loaded[right]),
                count: shared.len(),
                sample: shared
                    .iter()
                    .take(CLASH_SAMPLE_SIZE)
                    .map(|name| name.to_string())
                    .collect(),
            });
        }
    }
    clashes.sort_by_key(|clash| std::cmp::Reverse(clash.count));
    clashes
}
