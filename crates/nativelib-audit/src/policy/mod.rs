//! The manylinux and musllinux platform policies (PEP 600, PEP 656): which system libraries a
//! wheel may load from the host and which symbol versions it may require, and the platform tag a
//! set of binaries actually satisfies.

#[rustfmt::skip]
mod data;

use std::cmp::Ordering;
use std::fmt;

use serde::Serialize;

/// The ceiling of one symbol-version family (`GLIBC`, `GLIBCXX`, ...) for one architecture.
#[derive(Debug)]
pub(crate) struct FamilyCeiling {
    family: &'static str,
    /// The highest numeric version allowed; `None` when no version of the family is allowed.
    highest: Option<&'static str>,
    /// Versions that are not numbers (`TM_1`, `FLOAT128`, `ABI_DT_RELR`) and are allowed.
    others: &'static [&'static str],
}

/// One manylinux policy as the generated table stores it.
#[derive(Debug)]
pub(crate) struct PolicyData {
    name: &'static str,
    aliases: &'static [&'static str],
    glibc_minor: u32,
    libraries: &'static [&'static str],
    architectures: &'static [(&'static str, &'static [FamilyCeiling])],
}

/// A manylinux policy: `manylinux_2_<glibc_minor>` and what it allows.
#[derive(Debug, Clone, Copy)]
pub struct ManylinuxPolicy {
    data: &'static PolicyData,
}

impl ManylinuxPolicy {
    /// All policies, oldest glibc (most compatible) first.
    pub fn all() -> impl Iterator<Item = ManylinuxPolicy> {
        data::MANYLINUX.iter().map(|data| ManylinuxPolicy { data })
    }

    /// Looks a policy up by name or legacy alias (`manylinux2014`).
    pub fn find(tag_prefix: &str) -> Option<ManylinuxPolicy> {
        Self::all().find(|policy| {
            policy.data.name == tag_prefix || policy.data.aliases.contains(&tag_prefix)
        })
    }

    /// The policy's name, e.g. `manylinux_2_17`.
    pub fn name(&self) -> &'static str {
        self.data.name
    }

    /// Legacy aliases, e.g. `manylinux2014`.
    pub fn aliases(&self) -> &'static [&'static str] {
        self.data.aliases
    }

    /// The glibc minor version (`17` for manylinux_2_17).
    pub fn glibc_minor(&self) -> u32 {
        self.data.glibc_minor
    }

    /// Whether a library may be loaded from the host system under this policy.
    pub fn allows_library(&self, soname: &str) -> bool {
        self.data.libraries.contains(&soname)
    }

    /// Whether the policy defines the architecture at all.
    pub fn supports_architecture(&self, architecture: &str) -> bool {
        self.ceilings(architecture).is_some()
    }

    fn ceilings(&self, architecture: &str) -> Option<&'static [FamilyCeiling]> {
        self.data
            .architectures
            .iter()
            .find(|(name, _)| *name == architecture)
            .map(|(_, ceilings)| *ceilings)
    }

    /// Whether a required symbol version (`GLIBC_2.17`) is allowed on an architecture.
    /// Versions of families the policy does not govern (`GFORTRAN_8`) are always allowed.
    pub fn allows_version(&self, architecture: &str, version: &str) -> bool {
        let Some(ceilings) = self.ceilings(architecture) else {
            return false;
        };
        let Some((family, number)) = version.split_once('_') else {
            return true;
        };
        let Some(ceiling) = ceilings.iter().find(|ceiling| ceiling.family == family) else {
            return true;
        };
        if ceiling.others.contains(&number) {
            return true;
        }
        match (parse_dotted(number), ceiling.highest.and_then(parse_dotted)) {
            (Some(wanted), Some(highest)) => {
                nativelib_wheel::compare_segments(&wanted, &highest) != Ordering::Greater
            }
            _ => false,
        }
    }

    /// The platform tags of this policy for an architecture, newest name first
    /// (`manylinux_2_17_x86_64`, then the alias `manylinux2014_x86_64`).
    pub fn platform_tags(&self, architecture: &str) -> Vec<String> {
        std::iter::once(self.data.name)
            .chain(self.data.aliases.iter().copied())
            .map(|name| format!("{name}_{architecture}"))
            .collect()
    }
}

impl fmt::Display for ManylinuxPolicy {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(self.data.name)
    }
}

/// The musllinux libraries a wheel may load from the host.
pub fn musllinux_allows_library(soname: &str) -> bool {
    data::MUSLLINUX
        .iter()
        .any(|(_, libraries)| libraries.contains(&soname))
        || soname.starts_with("libc.musl-")
        || soname.starts_with("ld-musl-")
}

/// Decides the musllinux tag. musl does not version its symbols, so the binaries cannot tell
/// musl 1.1 from 1.2 apart: the declared `musllinux_1_<minor>` tag is kept when the libraries are
/// allowed (else `musllinux_1_1`, the oldest policy); a library no policy allows makes it
/// `linux_<arch>`.
pub fn musllinux_verdict(
    architecture: &str,
    requirements: &HostRequirements,
    declared: Option<&str>,
) -> PlatformVerdict {
    let disallowed_libraries: Vec<ExternalLibrary> = requirements
        .libraries
        .iter()
        .filter(|external| !musllinux_allows_library(&external.library))
        .cloned()
        .collect();
    let tag = if !disallowed_libraries.is_empty() {
        format!("linux_{architecture}")
    } else {
        let policy = declared
            .and_then(|tag| tag.strip_suffix(&format!("_{architecture}")))
            .filter(|policy| data::MUSLLINUX.iter().any(|(name, _)| name == policy))
            .unwrap_or("musllinux_1_1");
        format!("{policy}_{architecture}")
    };
    PlatformVerdict {
        tags: vec![tag.clone()],
        tag,
        constraints: Vec::new(),
        disallowed_libraries,
    }
}

/// Parses `2.17` or `3.4.19` into numbers.
fn parse_dotted(text: &str) -> Option<Vec<u64>> {
    text.split('.').map(|part| part.parse().ok()).collect()
}

/// A symbol version a binary requires from a host library, e.g. `GLIBC_2.27` from `libm.so.6`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VersionRequirement {
    /// The wheel entry that requires it.
    pub binary: String,
    /// The host library the version belongs to.
    pub library: String,
    /// The version name.
    pub version: String,
}

/// A host library a binary loads that the policy does not allow.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExternalLibrary {
    /// The wheel entry that needs it.
    pub binary: String,
    /// The library's DT_NEEDED name.
    pub library: String,
}

/// What a set of binaries needs from the host, the input of the platform decision.
#[derive(Debug, Clone, Default)]
pub struct HostRequirements {
    /// Host libraries needed, by binary.
    pub libraries: Vec<ExternalLibrary>,
    /// Symbol versions needed from host libraries, by binary.
    pub versions: Vec<VersionRequirement>,
}

/// The platform tag a set of binaries satisfies, and why not an older one.
#[derive(Debug, Clone, Serialize)]
pub struct PlatformVerdict {
    /// The most compatible tag satisfied (`manylinux_2_17_x86_64`), or `linux_<arch>` when none.
    pub tag: String,
    /// Every platform tag that names the same policy (`manylinux2014_x86_64` as well).
    pub tags: Vec<String>,
    /// The symbol versions that rule out the next older policy.
    pub constraints: Vec<VersionRequirement>,
    /// Host libraries that no manylinux policy allows (these make the wheel `linux_*`).
    pub disallowed_libraries: Vec<ExternalLibrary>,
}

impl PlatformVerdict {
    /// The glibc minor version of the tag, when it is a manylinux tag.
    pub fn glibc_minor(&self) -> Option<u32> {
        glibc_minor_of_tag(&self.tag)
    }
}

/// The oldest glibc a set of declared platform tags installs on, with the tag that says so: the
/// lowest minor version among its manylinux tags (`manylinux_2_17_x86_64.manylinux2014_x86_64`
/// gives 17), or `None` when it has none.
pub fn declared_glibc_floor(tags: &[String]) -> Option<(u32, &String)> {
    tags.iter()
        .filter_map(|tag| Some((glibc_minor_of_tag(tag)?, tag)))
        .min_by_key(|(minor, _)| *minor)
}

/// The glibc minor version a platform tag stands for (`manylinux2014_x86_64` gives 17).
pub fn glibc_minor_of_tag(tag: &str) -> Option<u32> {
    if let Some(rest) = tag.strip_prefix("manylinux_2_") {
        let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
        return digits.parse().ok();
    }
    [
        ("manylinux1_", 5),
        ("manylinux2010_", 12),
        ("manylinux2014_", 17),
    ]
    .into_iter()
    .find(|(prefix, _)| tag.starts_with(prefix))
    .map(|(_, minor)| minor)
}

/// Decides the most compatible manylinux policy the requirements satisfy on an architecture.
pub fn manylinux_verdict(architecture: &str, requirements: &HostRequirements) -> PlatformVerdict {
    let satisfies = |policy: &ManylinuxPolicy| {
        policy.supports_architecture(architecture)
            && requirements
                .libraries
                .iter()
                .all(|external| policy.allows_library(&external.library))
            && requirements
                .versions
                .iter()
                .all(|required| policy.allows_version(architecture, &required.version))
    };
    let policies: Vec<ManylinuxPolicy> = ManylinuxPolicy::all().collect();
    let newest_libraries = policies
        .last()
        .map(|policy| policy.data.libraries)
        .unwrap_or(&[]);
    let disallowed_libraries: Vec<ExternalLibrary> = requirements
        .libraries
        .iter()
        .filter(|external| !newest_libraries.contains(&external.library.as_str()))
        .cloned()
        .collect();
    let Some(position) = policies.iter().position(satisfies) else {
        return PlatformVerdict {
            tag: format!("linux_{architecture}"),
            tags: vec![format!("linux_{architecture}")],
            constraints: Vec::new(),
            disallowed_libraries,
        };
    };
    let policy = policies[position];
    let constraints = position
        .checked_sub(1)
        .map(|older| {
            let older = policies[older];
            requirements
                .versions
                .iter()
                .filter(|required| !older.allows_version(architecture, &required.version))
                .cloned()
                .collect()
        })
        .unwrap_or_default();
    let tags = policy.platform_tags(architecture);
    PlatformVerdict {
        tag: tags[0].clone(),
        tags,
        constraints,
        disallowed_libraries,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn requirement(version: &str) -> VersionRequirement {
        VersionRequirement {
            binary: "module.so".to_string(),
            library: "libc.so.6".to_string(),
            version: version.to_string(),
        }
    }

    #[test]
    fn policies_are_ordered_from_oldest_glibc() {
        let minors: Vec<u32> = ManylinuxPolicy::all()
            .map(|policy| policy.glibc_minor())
            .collect();
        assert_eq!(minors.first(), Some(&5));
        assert!(
            minors.windows(2).all(|pair| pair[0] < pair[1]),
            "{minors:?}"
        );
    }

    #[test]
    fn glibc_2_17_is_manylinux2014() {
        let requirements = HostRequirements {
            libraries: vec![ExternalLibrary {
                binary: "module.so".to_string(),
                library: "libc.so.6".to_string(),
            }],
            versions: vec![requirement("GLIBC_2.2.5"), requirement("GLIBC_2.17")],
        };
        let verdict = manylinux_verdict("x86_64", &requirements);
        assert_eq!(verdict.tag, "manylinux_2_17_x86_64");
        assert_eq!(
            verdict.tags,
            ["manylinux_2_17_x86_64", "manylinux2014_x86_64"]
        );
        assert_eq!(verdict.constraints, vec![requirement("GLIBC_2.17")]);
    }

    #[test]
    fn glibc_2_27_needs_manylinux_2_27() {
        let requirements = HostRequirements {
            libraries: Vec::new(),
            versions: vec![requirement("GLIBC_2.27"), requirement("GLIBC_2.14")],
        };
        let verdict = manylinux_verdict("x86_64", &requirements);
        assert_eq!(verdict.tag, "manylinux_2_27_x86_64");
        assert_eq!(verdict.glibc_minor(), Some(27));
        assert_eq!(verdict.constraints, vec![requirement("GLIBC_2.27")]);
    }

    #[test]
    fn unversioned_families_do_not_constrain() {
        let requirements = HostRequirements {
            libraries: Vec::new(),
            versions: vec![requirement("GFORTRAN_8"), requirement("GLIBC_2.3.4")],
        };
        assert_eq!(
            manylinux_verdict("x86_64", &requirements).tag,
            "manylinux_2_5_x86_64"
        );
    }

    #[test]
    fn glibc_private_and_unknown_libraries_make_it_linux() {
        let private = HostRequirements {
            libraries: Vec::new(),
            versions: vec![requirement("GLIBC_PRIVATE")],
        };
        assert_eq!(manylinux_verdict("x86_64", &private).tag, "linux_x86_64");
        let library = HostRequirements {
            libraries: vec![ExternalLibrary {
                binary: "module.so".to_string(),
                library: "libfoo.so.1".to_string(),
            }],
            versions: Vec::new(),
        };
        let verdict = manylinux_verdict("x86_64", &library);
        assert_eq!(verdict.tag, "linux_x86_64");
        assert_eq!(verdict.disallowed_libraries.len(), 1);
    }

    #[test]
    fn non_numeric_versions_follow_the_table() {
        let policy = ManylinuxPolicy::find("manylinux2014").unwrap();
        assert_eq!(policy.name(), "manylinux_2_17");
        assert!(policy.allows_version("x86_64", "CXXABI_TM_1"));
        assert!(!policy.allows_version("x86_64", "CXXABI_FLOAT128"));
        assert!(policy.allows_version("x86_64", "GLIBCXX_3.4.19"));
        assert!(!policy.allows_version("x86_64", "GLIBCXX_3.4.20"));
        assert!(!policy.allows_version("x86_64", "LIBATOMIC_1.0"));
        assert!(policy.allows_version("aarch64", "LIBATOMIC_1.0"));
    }

    #[test]
    fn musllinux_keeps_the_declared_minor_when_libraries_are_allowed() {
        let libc = HostRequirements {
            libraries: vec![ExternalLibrary {
                binary: "module.so".to_string(),
                library: "libc.musl-x86_64.so.1".to_string(),
            }],
            versions: Vec::new(),
        };
        let verdict = musllinux_verdict("x86_64", &libc, Some("musllinux_1_2_x86_64"));
        assert_eq!(verdict.tag, "musllinux_1_2_x86_64");
        assert_eq!(
            musllinux_verdict("x86_64", &libc, None).tag,
            "musllinux_1_1_x86_64"
        );
        let foreign = HostRequirements {
            libraries: vec![ExternalLibrary {
                binary: "module.so".to_string(),
                library: "libstdc++.so.6".to_string(),
            }],
            versions: Vec::new(),
        };
        let verdict = musllinux_verdict("x86_64", &foreign, Some("musllinux_1_2_x86_64"));
        assert_eq!(verdict.tag, "linux_x86_64");
        assert_eq!(verdict.disallowed_libraries.len(), 1);
    }

    #[test]
    fn tag_glibc_minor_reads_aliases() {
        assert_eq!(glibc_minor_of_tag("manylinux2014_x86_64"), Some(17));
        assert_eq!(glibc_minor_of_tag("manylinux_2_28_aarch64"), Some(28));
        assert_eq!(glibc_minor_of_tag("manylinux1_x86_64"), Some(5));
        assert_eq!(glibc_minor_of_tag("manylinux_2_42_x86_64"), Some(42));
        assert_eq!(glibc_minor_of_tag("linux_x86_64"), None);
        assert_eq!(glibc_minor_of_tag("musllinux_1_2_x86_64"), None);
    }

    #[test]
    fn the_declared_floor_is_the_lowest_manylinux_tag() {
        let tags = |names: &[&str]| {
            names
                .iter()
                .map(|name| name.to_string())
                .collect::<Vec<_>>()
        };
        let declared = tags(&["manylinux_2_28_x86_64", "manylinux2014_x86_64"]);
        assert_eq!(declared_glibc_floor(&declared), Some((17, &declared[1])));
        assert_eq!(declared_glibc_floor(&tags(&["linux_x86_64"])), None);
    }
}
