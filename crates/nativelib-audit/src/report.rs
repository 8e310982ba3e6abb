//! The report of one wheel: its binaries and how each dependency resolves, the libraries it
//! vendors and who needs them, orphans, and the platform tag it satisfies.

use std::collections::BTreeSet;

use nativelib_binary::Libc;
use serde::Serialize;

use crate::inventory::{BinaryRole, InstalledWheel};
use crate::policy::{
    declared_glibc_floor, manylinux_verdict, musllinux_verdict, ExternalLibrary, HostRequirements,
    PlatformVerdict, VersionRequirement,
};
use crate::resolve::{
    is_dynamic_loader, is_system_library, BinaryId, Dependency, DependencyStatus, Resolution,
};
use crate::runtime::runtime_name;

/// The wheel filename's tags.
#[derive(Debug, Clone, Serialize)]
pub struct TagReport {
    pub python: Vec<String>,
    pub abi: Vec<String>,
    pub platform: Vec<String>,
}

/// The symbol versions one binary needs from one library.
#[derive(Debug, Clone, Serialize)]
pub struct VersionNeeds {
    pub library: String,
    pub versions: Vec<String>,
}

/// One ELF file of the wheel.
#[derive(Debug, Clone, Serialize)]
pub struct BinaryReport {
    pub entry: String,
    pub role: BinaryRole,
    pub size: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub soname: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rpath: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub runpath: Option<String>,
    pub dependencies: Vec<Dependency>,
    pub version_needs: Vec<VersionNeeds>,
}

/// A library the wheel carries that its own binaries load.
#[derive(Debug, Clone, Serialize)]
pub struct VendoredLibrary {
    pub entry: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub soname: Option<String>,
    pub size: u64,
    /// The runtime it is (`OpenBLAS`, `libgfortran`, ...).
    pub runtime: String,
    /// The wheel entries whose DT_NEEDED resolves to it.
    pub needed_by: Vec<String>,
}

/// The platform tag the wheel's binaries satisfy, against the tag it declares.
#[derive(Debug, Clone, Serialize)]
pub struct PlatformReport {
    /// What the binaries (and the providers they load from other wheels) satisfy.
    #[serde(flatten)]
    pub verdict: PlatformVerdict,
    /// The platform tags in the filename.
    pub declared: Vec<String>,
    /// True when the declared tags promise no more than the binaries satisfy.
    pub declared_is_satisfied: bool,
    /// A provider wheel whose own floor raised the tag, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provider_floor: Option<ProviderFloor>,
}

/// A provider wheel that sets a floor under a dependent wheel's platform tag.
#[derive(Debug, Clone, Serialize)]
pub struct ProviderFloor {
    pub distribution: String,
    pub tag: String,
}

/// Everything `nativelib show` says about one wheel or library file.
#[derive(Debug, Clone, Serialize)]
pub struct WheelReport {
    pub path: String,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tags: Option<TagReport>,
    pub requires_dist: Vec<String>,
    pub entry_count: usize,
    /// RECORD hash or size mismatches tolerated with `--allow-record-mismatch`.
    pub record_mismatches: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub architecture: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub libc: Option<&'static str>,
    pub binaries: Vec<BinaryReport>,
    /// Libraries grafted into a `.libs` directory (as `auditwheel repair` does) that something loads.
    pub vendored: Vec<VendoredLibrary>,
    /// The wheel's own shared libraries, outside `.libs` directories (a library wheel's product).
    pub libraries: Vec<VendoredLibrary>,
    /// Libraries in a `.libs` directory that nothing loads.
    pub orphans: Vec<VendoredLibrary>,
    /// Dependencies found nowhere among the inputs nor on the host.
    pub unresolved: Vec<ExternalLibrary>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub platform: Option<PlatformReport>,
}

/// Builds the report of wheel `index`, resolved in the environment of all `wheels`.
pub(crate) fn wheel_report(
    wheels: &[InstalledWheel],
    resolution: &Resolution,
    verdicts: &[Option<PlatformVerdict>],
    index: usize,
) -> WheelReport {
    let wheel = &wheels[index];
    let id = |binary| BinaryId {
        wheel: index,
        binary,
    };
    let binaries = wheel
        .binaries
        .iter()
        .enumerate()
        .map(|(binary_index, binary)| BinaryReport {
            entry: binary.entry.clone(),
            role: binary.role,
            size: binary.size,
            soname: binary.elf.soname.clone(),
            rpath: binary.elf.rpath.clone(),
            runpath: binary.elf.runpath.clone(),
            dependencies: resolution.dependencies_of(id(binary_index)).to_vec(),
            version_needs: binary
                .elf
                .version_requirements
                .iter()
                .map(|requirement| VersionNeeds {
                    library: requirement.file.clone(),
                    versions: requirement.versions.clone(),
                })
                .collect(),
        })
        .collect();

    let mut vendored = Vec::new();
    let mut libraries = Vec::new();
    let mut orphans = Vec::new();
    for (binary_index, binary) in wheel.binaries.iter().enumerate() {
        if binary.role != BinaryRole::Library {
            continue;
        }
        let needed_by: Vec<String> = resolution
            .dependents_of(id(binary_index))
            .into_iter()
            .filter(|dependent| dependent.wheel == index)
            .map(|dependent| wheel.binaries[dependent.binary].entry.clone())
            .collect();
        let library = VendoredLibrary {
            entry: binary.entry.clone(),
            soname: binary.elf.soname.clone(),
            size: binary.size,
            runtime: runtime_name(binary.file_name(), &binary.elf),
            needed_by,
        };
        if !binary.is_in_libs_directory() {
            libraries.push(library);
        } else if resolution.reachable[index][binary_index] {
            vendored.push(library);
        } else {
            orphans.push(library);
        }
    }

    let unresolved = wheel
        .binaries
        .iter()
        .enumerate()
        .flat_map(|(binary_index, binary)| {
            resolution
                .dependencies_of(id(binary_index))
                .iter()
                .filter(|dependency| dependency.status == DependencyStatus::Unresolved)
                .map(|dependency| ExternalLibrary {
                    binary: binary.entry.clone(),
                    library: dependency.name.clone(),
                })
        })
        .collect();

    let platform = verdicts[index].clone().map(|own| {
        let (verdict, provider_floor) =
            apply_provider_floors(wheels, resolution, verdicts, index, own);
        let declared = wheel
            .filename
            .as_ref()
            .map(|filename| filename.platform_tags.clone())
            .unwrap_or_default();
        let declared_is_satisfied = declared_is_satisfied(&declared, &verdict);
        PlatformReport {
            verdict,
            declared,
            declared_is_satisfied,
            provider_floor,
        }
    });

    let first_elf = wheel.binaries.first().map(|binary| &binary.elf);
    let libc = wheel_libc(wheel);
    WheelReport {
        path: wheel.path.display().to_string(),
        name: wheel.display_name(),
        version: wheel
            .filename
            .as_ref()
            .map(|filename| filename.version.clone()),
        tags: wheel.filename.as_ref().map(|filename| TagReport {
            python: filename.python_tags.clone(),
            abi: filename.abi_tags.clone(),
            platform: filename.platform_tags.clone(),
        }),
        requires_dist: wheel.requires_dist.clone(),
        entry_count: wheel.entry_count,
        record_mismatches: wheel.record_mismatches.clone(),
        architecture: first_elf.map(|elf| elf.machine.name().to_string()),
        libc: first_elf.map(|_| match libc {
            Libc::Glibc => "glibc",
            Libc::Musl => "musl",
            Libc::Unknown => "unknown",
        }),
        binaries,
        vendored,
        libraries,
        orphans,
        unresolved,
        platform,
    }
}

/// What the wheel's binaries need from the host, leaving out what other inputs provide and what
/// is unresolved (that must come from a wheel not given).
pub(crate) fn host_requirements(
    wheel: &InstalledWheel,
    resolution: &Resolution,
    index: usize,
) -> HostRequirements {
    let mut requirements = HostRequirements::default();
    for (binary_index, binary) in wheel.binaries.iter().enumerate() {
        let dependencies = resolution.dependencies_of(BinaryId {
            wheel: index,
            binary: binary_index,
        });
        let libc = binary.elf.libc();
        let from_host = |library: &str| match dependencies
            .iter()
            .find(|dependency| dependency.name == library)
        {
            Some(dependency) => dependency.status == DependencyStatus::System,
            None => is_system_library(library, libc),
        };
        for dependency in dependencies {
            if dependency.status == DependencyStatus::System && !is_dynamic_loader(&dependency.name)
            {
                requirements.libraries.push(ExternalLibrary {
                    binary: binary.entry.clone(),
                    library: dependency.name.clone(),
                });
            }
        }
        for needed in &binary.elf.version_requirements {
            if !from_host(&needed.file) {
                continue;
            }
            for version in &needed.versions {
                requirements.versions.push(VersionRequirement {
                    binary: binary.entry.clone(),
                    library: needed.file.clone(),
                    version: version.clone(),
                });
            }
        }
    }
    requirements
}

/// The wheel's own verdict, before providers are taken into account.
pub(crate) fn own_verdict(
    wheel: &InstalledWheel,
    resolution: &Resolution,
    index: usize,
) -> Option<PlatformVerdict> {
    let first = wheel.binaries.first()?;
    let architecture = first.elf.machine.name();
    let requirements = host_requirements(wheel, resolution, index);
    if wheel_libc(wheel) == Libc::Musl {
        let declared = wheel
            .filename
            .iter()
            .flat_map(|filename| &filename.platform_tags)
            .find(|tag| tag.starts_with("musllinux_"))
            .map(String::as_str);
        return Some(musllinux_verdict(architecture, &requirements, declared));
    }
    Some(manylinux_verdict(architecture, &requirements))
}

/// The C library the wheel's binaries are built against: the first one any binary names.
fn wheel_libc(wheel: &InstalledWheel) -> Libc {
    wheel
        .binaries
        .iter()
        .map(|binary| binary.elf.libc())
        .find(|libc| *libc != Libc::Unknown)
        .unwrap_or(Libc::Unknown)
}

/// Raises a wheel's verdict to the newest floor among the wheels it loads libraries from.
///
/// A provider's floor is the newer of its verdict and its declared tag: a wheel that declares
/// `manylinux_2_34` does not install below glibc 2.34 whatever its own binaries need (a library
/// wheel built by nativelib declares the floors of the wheels it requires in turn, which need
/// not be in the environment), and so neither does a wheel that loads libraries from it.
fn apply_provider_floors(
    wheels: &[InstalledWheel],
    resolution: &Resolution,
    verdicts: &[Option<PlatformVerdict>],
    index: usize,
    own: PlatformVerdict,
) -> (PlatformVerdict, Option<ProviderFloor>) {
    let providers = providers_of(resolution, index);
    let newest = providers
        .into_iter()
        .filter_map(|provider| {
            let verdict = verdicts[provider].as_ref()?;
            let declared = wheels[provider]
                .filename
                .as_ref()
                .and_then(|filename| declared_glibc_floor(&filename.platform_tags));
            let computed = (verdict.glibc_minor()?, &verdict.tag);
            let (minor, tag) = match declared {
                Some(declared) if declared.0 > computed.0 => declared,
                _ => computed,
            };
            Some((minor, provider, tag.clone()))
        })
        .max_by_key(|(minor, _, _)| *minor);
    match (own.glibc_minor(), newest) {
        (Some(own_minor), Some((minor, provider, tag))) if minor > own_minor => {
            let architecture = wheels[index]
                .binaries
                .first()
                .map(|binary| binary.elf.machine.name())
                .unwrap_or("unknown");
            let tags = crate::policy::ManylinuxPolicy::all()
                .find(|policy| policy.glibc_minor() == minor)
                .map(|policy| policy.platform_tags(architecture))
                .unwrap_or_else(|| vec![tag.clone()]);
            let floor = ProviderFloor {
                distribution: wheels[provider].display_name(),
                tag,
            };
            (
                PlatformVerdict {
                    tag: tags[0].clone(),
                    tags,
                    ..own
                },
                Some(floor),
            )
        }
        _ => (own, None),
    }
}

/// The wheels a wheel loads libraries from, directly or through them.
fn providers_of(resolution: &Resolution, index: usize) -> BTreeSet<usize> {
    let mut found = BTreeSet::new();
    let mut stack = vec![index];
    while let Some(wheel) = stack.pop() {
        for dependencies in &resolution.dependencies[wheel] {
            for dependency in dependencies {
                if let Some(target) = dependency.target {
                    if target.wheel != index && found.insert(target.wheel) {
                        stack.push(target.wheel);
                    }
                }
            }
        }
    }
    found
}

fn declared_is_satisfied(declared: &[String], verdict: &PlatformVerdict) -> bool {
    let Some(required) = verdict.glibc_minor() else {
        return declared.iter().all(|tag| !tag.starts_with("manylinux"));
    };
    declared_glibc_floor(declared).is_none_or(|(floor, _)| floor >= required)
}
