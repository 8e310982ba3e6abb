//! Resolving DT_NEEDED the way glibc's loader does, over every binary of a set of installed
//! wheels: DT_RPATH of the requesting object and then of each object up its loader chain (unless
//! the requester has DT_RUNPATH), then DT_RUNPATH of the requester alone, then the host system.

use std::collections::HashMap;

use nativelib_binary::{ElfFile, Libc};
use serde::Serialize;

use crate::install::{expand_origin, parent};
use crate::inventory::InstalledWheel;
use crate::policy::{musllinux_allows_library, ManylinuxPolicy};

/// A binary of the environment: wheel index and binary index within it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct BinaryId {
    /// Index into the environment's wheels.
    pub wheel: usize,
    /// Index into that wheel's binaries.
    pub binary: usize,
}

/// How one DT_NEEDED entry is satisfied.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum DependencyStatus {
    /// By a file of the same wheel.
    Bundled,
    /// By a file of another wheel of the environment.
    OtherWheel,
    /// By the host system, as the platform policy allows (`libc.so.6`, `libm.so.6`).
    System,
    /// By nothing: not in the wheels given and not a library the platform policy allows.
    Unresolved,
}

/// The search path entry that found a dependency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SearchPathUse {
    /// `rpath` or `runpath`.
    pub kind: &'static str,
    /// The raw entry, e.g. `$ORIGIN/../../numpy.libs`.
    pub entry: String,
    /// The wheel entry whose search path it is (the requester, or a loader up its chain).
    pub owner: String,
    /// True when the path belongs to a loader up the chain, not to the requester itself.
    pub inherited: bool,
}

/// One DT_NEEDED entry of a binary and how it resolves.
#[derive(Debug, Clone, Serialize)]
pub struct Dependency {
    /// The DT_NEEDED name.
    pub name: String,
    /// How it resolves.
    pub status: DependencyStatus,
    /// The wheel entry it resolves to, for `bundled` and `other-wheel`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resolved_entry: Option<String>,
    /// The distribution that holds it, for `other-wheel`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provided_by: Option<String>,
    /// The search path entry that found it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub via: Option<SearchPathUse>,
    /// The binary it resolves to.
    #[serde(skip)]
    pub target: Option<BinaryId>,
}

/// The resolution of every binary of an environment.
#[derive(Debug, Clone)]
pub struct Resolution {
    /// Per wheel, per binary: its dependencies in DT_NEEDED order.
    pub dependencies: Vec<Vec<Vec<Dependency>>>,
    /// Per wheel, per binary: whether a root (a module, program or a library wheel's own library)
    /// loads it, directly or through other libraries.
    pub reachable: Vec<Vec<bool>>,
}

impl Resolution {
    /// The dependencies of one binary.
    pub fn dependencies_of(&self, id: BinaryId) -> &[Dependency] {
        &self.dependencies[id.wheel][id.binary]
    }

    /// The binaries whose DT_NEEDED resolves to `target`.
    pub fn dependents_of(&self, target: BinaryId) -> Vec<BinaryId> {
        let mut dependents = Vec::new();
        for (wheel, binaries) in self.dependencies.iter().enumerate() {
            for (binary, dependencies) in binaries.iter().enumerate() {
                if dependencies
                    .iter()
                    .any(|dependency| dependency.target == Some(target))
                {
                    dependents.push(BinaryId { wheel, binary });
                }
            }
        }
        dependents
    }
}

/// Whether a DT_NEEDED name is the dynamic loader itself (always the host's, never vendored).
pub fn is_dynamic_loader(name: &str) -> bool {
    name.starts_with("ld-linux") || name.starts_with("ld64.so") || name.starts_with("ld-musl")
}

/// Whether the host is expected to provide a library under the binary's platform policy.
pub fn is_system_library(name: &str, libc: Libc) -> bool {
    if is_dynamic_loader(name) {
        return true;
    }
    match libc {
        Libc::Musl => musllinux_allows_library(name),
        _ => ManylinuxPolicy::all()
            .last()
            .is_some_and(|policy| policy.allows_library(name)),
    }
}

/// Resolves every binary of the environment.
pub fn resolve(wheels: &[InstalledWheel]) -> Resolution {
    let mut by_path: HashMap<&str, BinaryId> = HashMap::new();
    for (wheel_index, wheel) in wheels.iter().enumerate() {
        for (binary_index, binary) in wheel.binaries.iter().enumerate() {
            by_path
                .entry(binary.install_path.as_str())
                .or_insert(BinaryId {
                    wheel: wheel_index,
                    binary: binary_index,
                });
        }
    }
    let resolver = Resolver { wheels, by_path };
    let mut dependencies: Vec<Vec<Option<Vec<Dependency>>>> = wheels
        .iter()
        .map(|wheel| vec![None; wheel.binaries.len()])
        .collect();
    let mut reachable: Vec<Vec<bool>> = wheels
        .iter()
        .map(|wheel| vec![false; wheel.binaries.len()])
        .collect();

    let all_ids = || {
        wheels.iter().enumerate().flat_map(|(wheel, installed)| {
            (0..installed.binaries.len()).map(move |binary| BinaryId { wheel, binary })
        })
    };
    let roots: Vec<BinaryId> = all_ids()
        .filter(|id| !wheels[id.wheel].binaries[id.binary].is_in_libs_directory())
        .collect();
    // Roots first, so a library gets the loader chain through which it is really loaded; then
    // whatever no root reaches (orphans), each on its own.
    let mut worklist: Vec<(BinaryId, Vec<BinaryId>, bool)> = roots
        .iter()
        .rev()
        .map(|&root| (root, vec![root], true))
        .collect();
    let mut pending_orphans: Vec<BinaryId> = all_ids().collect();
    let mut next_item = |worklist: &mut Vec<(BinaryId, Vec<BinaryId>, bool)>,
                         dependencies: &[Vec<Option<Vec<Dependency>>>]| {
        worklist.pop().or_else(|| {
            while let Some(id) = pending_orphans.pop() {
                if dependencies[id.wheel][id.binary].is_none() {
                    return Some((id, vec![id], false));
                }
            }
            None
        })
    };
    while let Some((id, chain, from_root)) = next_item(&mut worklist, &dependencies) {
        if from_root {
            reachable[id.wheel][id.binary] = true;
        }
        if dependencies[id.wheel][id.binary].is_some() {
            continue;
        }
        let resolved = resolver.resolve_binary(&chain);
        for dependency in &resolved {
            if let Some(target) = dependency.target {
                let seen = dependencies[target.wheel][target.binary].is_some();
                if !seen || (from_root && !reachable[target.wheel][target.binary]) {
                    let mut next = chain.clone();
                    next.push(target);
                    worklist.push((target, next, from_root));
                }
            }
        }
        dependencies[id.wheel][id.binary] = Some(resolved);
    }
    Resolution {
        dependencies: dependencies
            .into_iter()
            .map(|binaries| {
                binaries
                    .into_iter()
                    .map(Option::unwrap_or_default)
                    .collect()
            })
            .collect(),
        reachable,
    }
}

struct Resolver<'a> {
    wheels: &'a [InstalledWheel],
    by_path: HashMap<&'a str, BinaryId>,
}

impl Resolver<'_> {
    fn elf(&self, id: BinaryId) -> &ElfFile {
        &self.wheels[id.wheel].binaries[id.binary].elf
    }

    fn install_path(&self, id: BinaryId) -> &str {
        &self.wheels[id.wheel].binaries[id.binary].install_path
    }

    fn entry(&self, id: BinaryId) -> &str {
        &self.wheels[id.wheel].binaries[id.binary].entry
    }

    /// Resolves the DT_NEEDED of the last binary of `chain`, loaded through the ones before it.
    fn resolve_binary(&self, chain: &[BinaryId]) -> Vec<Dependency> {
        let requester = *chain.last().expect("a chain holds at least the requester");
        let elf = self.elf(requester);
        elf.needed
            .iter()
            .map(|name| self.resolve_name(name, chain, requester))
            .collect()
    }

    fn resolve_name(&self, name: &str, chain: &[BinaryId], requester: BinaryId) -> Dependency {
        let requester_elf = self.elf(requester);
        let found = if name.contains('/') {
            None
        } else {
            let rpaths = chain
                .iter()
                .rev()
                .filter(|_| requester_elf.runpath.is_none())
                .filter_map(|&owner| {
                    let elf = self.elf(owner);
                    match (&elf.rpath, &elf.runpath) {
                        (Some(rpath), None) => Some((owner, "rpath", rpath.as_str())),
                        _ => None,
                    }
                });
            let runpath = requester_elf
                .runpath
                .as_deref()
                .map(|runpath| (requester, "runpath", runpath));
            rpaths
                .chain(runpath)
                .find_map(|(owner, kind, value)| self.search(name, owner, kind, value, requester))
        };
        match found {
            Some((target, via)) => {
                let same_wheel = target.wheel == requester.wheel;
                Dependency {
                    name: name.to_string(),
                    status: if same_wheel {
                        DependencyStatus::Bundled
                    } else {
                        DependencyStatus::OtherWheel
                    },
                    resolved_entry: Some(self.entry(target).to_string()),
                    provided_by: (!same_wheel).then(|| self.wheels[target.wheel].display_name()),
                    via: Some(via),
                    target: Some(target),
                }
            }
            None => Dependency {
                name: name.to_string(),
                status: if is_system_library(name, requester_elf.libc()) {
                    DependencyStatus::System
                } else {
                    DependencyStatus::Unresolved
                },
                resolved_entry: None,
                provided_by: None,
                via: None,
                target: None,
            },
        }
    }

    fn search(
        &self,
        name: &str,
        owner: BinaryId,
        kind: &'static str,
        value: &str,
        requester: BinaryId,
    ) -> Option<(BinaryId, SearchPathUse)> {
        let origin = parent(self.install_path(owner));
        value
            .split(':')
            .filter(|entry| !entry.is_empty())
            .find_map(|entry| {
                let directory = expand_origin(entry, origin)?;
                let candidate = format!("{}/{name}", directory.trim_end_matches('/'));
                let target = *self.by_path.get(candidate.as_str())?;
                let compatible = {
                    let (wanted, found) = (self.elf(requester), self.elf(target));
                    wanted.class == found.class && wanted.machine == found.machine
                };
                compatible.then(|| {
                    (
                        target,
                        SearchPathUse {
                            kind,
                            entry: entry.to_string(),
                            owner: self.entry(owner).to_string(),
                            inherited: owner != requester,
                        },
                    )
                })
            })
    }
}
