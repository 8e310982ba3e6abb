//! The recipe file as written: serde structures that reject unknown keys and keep the span of
//! every value, and the rules that lay a `[[variant]]` over the base recipe.

use std::collections::BTreeMap;
use std::fmt;

use serde::de::{self, Deserializer, Visitor};
use serde::Deserialize;
use toml::Spanned;

/// A spanned string.
pub(crate) type Text = Spanned<String>;

/// A whole recipe file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case", expecting = "a recipe")]
pub(crate) struct RawRecipe {
    pub(crate) library: RawLibrary,
    pub(crate) source: RawSource,
    pub(crate) build: Option<RawBuild>,
    pub(crate) wheel: Option<RawWheel>,
    pub(crate) symbols: Option<RawSymbols>,
    #[serde(default)]
    pub(crate) dependencies: Vec<Spanned<RawDependency>>,
    #[serde(default, rename = "variant")]
    pub(crate) variants: Vec<RawVariant>,
}

/// `[library]`.
#[derive(Debug, Deserialize)]
#[serde(
    deny_unknown_fields,
    rename_all = "kebab-case",
    expecting = "a [library] table"
)]
pub(crate) struct RawLibrary {
    pub(crate) name: Text,
    pub(crate) version: Text,
    pub(crate) summary: Option<Text>,
    pub(crate) homepage: Option<Text>,
    pub(crate) license: Text,
    pub(crate) license_files: Spanned<Vec<Text>>,
}

/// `[source]`: exactly one of the origin keys, with the keys that go with it.
#[derive(Debug, Deserialize)]
#[serde(
    deny_unknown_fields,
    rename_all = "kebab-case",
    expecting = "a [source] table"
)]
pub(crate) struct RawSource {
    pub(crate) url: Option<Text>,
    pub(crate) path: Option<Text>,
    pub(crate) pypi_sdist: Option<Text>,
    pub(crate) collect_directory: Option<Text>,
    pub(crate) collect_toolchain: Option<Text>,
    pub(crate) collect_wheel: Option<Text>,
    pub(crate) sha256: Option<Text>,
    pub(crate) subdirectory: Option<Text>,
    pub(crate) index_url: Option<Text>,
    pub(crate) library: Option<Text>,
    #[serde(default)]
    pub(crate) headers: Vec<Text>,
}

/// The build systems a recipe can name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(
    rename_all = "kebab-case",
    expecting = "one of \"make\", \"cmake\", \"meson\", \"configure\" or \"commands\""
)]
pub(crate) enum RawSystem {
    Make,
    Cmake,
    Meson,
    Configure,
    Commands,
}

/// `[build]`, in the base recipe or a variant.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(
    deny_unknown_fields,
    rename_all = "kebab-case",
    expecting = "a [build] table"
)]
pub(crate) struct RawBuild {
    pub(crate) system: Option<Spanned<RawSystem>>,
    #[serde(default)]
    pub(crate) variables: BTreeMap<Text, Spanned<Scalar>>,
    #[serde(default)]
    pub(crate) arguments: Vec<Text>,
    #[serde(default)]
    pub(crate) targets: Vec<Text>,
    pub(crate) install_arguments: Option<Vec<Text>>,
    #[serde(default)]
    pub(crate) commands: Vec<Spanned<Vec<Text>>>,
    #[serde(default)]
    pub(crate) environment: BTreeMap<Text, Spanned<Scalar>>,
    pub(crate) jobs: Option<Spanned<RawJobs>>,
    pub(crate) library: Option<Text>,
}

/// How a wheel is laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(
    rename_all = "kebab-case",
    expecting = "one of \"package\" or \"prefix\""
)]
pub(crate) enum RawLayout {
    Package,
    Prefix,
}

/// `[wheel]`, in the base recipe or a variant.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(
    deny_unknown_fields,
    rename_all = "kebab-case",
    expecting = "a [wheel] table"
)]
pub(crate) struct RawWheel {
    pub(crate) distribution: Option<Text>,
    pub(crate) package: Option<Text>,
    pub(crate) version: Option<Text>,
    pub(crate) layout: Option<Spanned<RawLayout>>,
    pub(crate) soname: Option<Text>,
    #[serde(default)]
    pub(crate) replaces: Vec<Text>,
}

/// `[symbols]`, in the base recipe or a variant.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(
    deny_unknown_fields,
    rename_all = "kebab-case",
    expecting = "a [symbols] table"
)]
pub(crate) struct RawSymbols {
    pub(crate) prefix: Option<Text>,
    pub(crate) suffix: Option<Text>,
    pub(crate) hide_outside_namespace: Option<Spanned<bool>>,
    #[serde(default)]
    pub(crate) keep: Vec<Text>,
}

/// One entry of `dependencies`.
#[derive(Debug, Clone, Deserialize)]
#[serde(
    deny_unknown_fields,
    rename_all = "kebab-case",
    expecting = "a table such as { recipe = \"openmp.toml\" } or { wheel = \"name\" }"
)]
pub(crate) struct RawDependency {
    pub(crate) recipe: Option<Text>,
    pub(crate) variant: Option<Text>,
    pub(crate) wheel: Option<Text>,
}

/// One `[[variant]]`.
#[derive(Debug, Deserialize)]
#[serde(
    deny_unknown_fields,
    rename_all = "kebab-case",
    expecting = "a [[variant]] table"
)]
pub(crate) struct RawVariant {
    pub(crate) name: Text,
    pub(crate) description: Option<Text>,
    pub(crate) build: Option<RawBuild>,
    pub(crate) wheel: Option<RawWheel>,
    pub(crate) symbols: Option<RawSymbols>,
    #[serde(default)]
    pub(crate) dependencies: Vec<Spanned<RawDependency>>,
}

/// A value written as a string or an integer (`NUM_THREADS = 64`), kept as a string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Scalar(pub(crate) String);

impl<'de> Deserialize<'de> for Scalar {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ScalarVisitor;
        impl Visitor<'_> for ScalarVisitor {
            type Value = Scalar;
            fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
                formatter.write_str("a string or an integer")
            }
            fn visit_str<E: de::Error>(self, value: &str) -> Result<Scalar, E> {
                Ok(Scalar(value.to_string()))
            }
            fn visit_i64<E: de::Error>(self, value: i64) -> Result<Scalar, E> {
                Ok(Scalar(value.to_string()))
            }
            fn visit_u64<E: de::Error>(self, value: u64) -> Result<Scalar, E> {
                Ok(Scalar(value.to_string()))
            }
        }
        deserializer.deserialize_any(ScalarVisitor)
    }
}

/// `jobs`: a positive count or `"auto"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RawJobs {
    Auto,
    Count(usize),
}

impl<'de> Deserialize<'de> for RawJobs {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct JobsVisitor;
        impl Visitor<'_> for JobsVisitor {
            type Value = RawJobs;
            fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
                formatter.write_str("a positive number of jobs or \"auto\"")
            }
            fn visit_str<E: de::Error>(self, value: &str) -> Result<RawJobs, E> {
                if value == "auto" {
                    Ok(RawJobs::Auto)
                } else {
                    Err(E::invalid_value(de::Unexpected::Str(value), &self))
                }
            }
            fn visit_i64<E: de::Error>(self, value: i64) -> Result<RawJobs, E> {
                match usize::try_from(value) {
                    Ok(count) if count > 0 => Ok(RawJobs::Count(count)),
                    _ => Err(E::invalid_value(de::Unexpected::Signed(value), &self)),
                }
            }
            fn visit_u64<E: de::Error>(self, value: u64) -> Result<RawJobs, E> {
                match usize::try_from(value) {
                    Ok(count) if count > 0 => Ok(RawJobs::Count(count)),
                    _ => Err(E::invalid_value(de::Unexpected::Unsigned(value), &self)),
                }
            }
        }
        deserializer.deserialize_any(JobsVisitor)
    }
}

/// Lay `overlay` over `base`: a written value replaces the base's, tables merge key by key, and
/// lists are appended to the base's lists.
pub(crate) trait Overlay: Sized + Clone {
    fn overlay(&self, overlay: &Self) -> Self;
}

fn append<T: Clone>(base: &[T], overlay: &[T]) -> Vec<T> {
    base.iter().chain(overlay).cloned().collect()
}

fn merge_map<V: Clone>(base: &BTreeMap<Text, V>, overlay: &BTreeMap<Text, V>) -> BTreeMap<Text, V> {
    let mut merged = base.clone();
    for (key, value) in overlay {
        // Remove first so that the key keeps the variant's span, not the base's.
        merged.remove(key);
        merged.insert(key.clone(), value.clone());
    }
    merged
}

impl Overlay for RawBuild {
    fn overlay(&self, overlay: &Self) -> Self {
        Self {
            system: overlay.system.clone().or_else(|| self.system.clone()),
            variables: merge_map(&self.variables, &overlay.variables),
            arguments: append(&self.arguments, &overlay.arguments),
            targets: append(&self.targets, &overlay.targets),
            install_arguments: match (&self.install_arguments, &overlay.install_arguments) {
                (Some(base), Some(overlay)) => Some(append(base, overlay)),
                (base, overlay) => overlay.clone().or_else(|| base.clone()),
            },
            commands: append(&self.commands, &overlay.commands),
            environment: merge_map(&self.environment, &overlay.environment),
            jobs: overlay.jobs.clone().or_else(|| self.jobs.clone()),
            library: overlay.library.clone().or_else(|| self.library.clone()),
        }
    }
}

impl Overlay for RawWheel {
    fn overlay(&self, overlay: &Self) -> Self {
        Self {
            distribution: overlay
                .distribution
                .clone()
                .or_else(|| self.distribution.clone()),
            package: overlay.package.clone().or_else(|| self.package.clone()),
            version: overlay.version.clone().or_else(|| self.version.clone()),
            layout: overlay.layout.clone().or_else(|| self.layout.clone()),
            soname: overlay.soname.clone().or_else(|| self.soname.clone()),
            replaces: append(&self.replaces, &overlay.replaces),
        }
    }
}

impl Overlay for RawSymbols {
    fn overlay(&self, overlay: &Self) -> Self {
        Self {
            prefix: overlay.prefix.clone().or_else(|| self.prefix.clone()),
            suffix: overlay.suffix.clone().or_else(|| self.suffix.clone()),
            hide_outside_namespace: overlay
                .hide_outside_namespace
                .clone()
                .or_else(|| self.hide_outside_namespace.clone()),
            keep: append(&self.keep, &overlay.keep),
        }
    }
}

/// Lay an optional overlay table over an optional base table.
pub(crate) fn overlay_option<T: Overlay>(base: Option<&T>, overlay: Option<&T>) -> Option<T> {
    match (base, overlay) {
        (Some(base), Some(overlay)) => Some(base.overlay(overlay)),
        (Some(only), None) | (None, Some(only)) => Some(only.clone()),
        (None, None) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Deserialize)]
    struct Pair {
        base: RawBuild,
        variant: RawBuild,
    }

    #[test]
    fn variants_replace_scalars_merge_tables_and_append_lists() {
        let pair: Pair = toml::from_str(
            r#"
            [base]
            system = "make"
            variables = { TARGET = "HASWELL", NUM_THREADS = 64 }
            arguments = ["a"]
            jobs = "auto"

            [variant]
            variables = { TARGET = "SKYLAKEX", INTERFACE64 = "1" }
            arguments = ["b"]
            jobs = 2
            "#,
        )
        .unwrap();
        let merged = pair.base.overlay(&pair.variant);
        assert_eq!(
            merged.system.map(Spanned::into_inner),
            Some(RawSystem::Make)
        );
        let variables: Vec<(String, String)> = merged
            .variables
            .iter()
            .map(|(key, value)| (key.get_ref().clone(), value.get_ref().0.clone()))
            .collect();
        assert_eq!(
            variables,
            [
                ("INTERFACE64".to_string(), "1".to_string()),
                ("NUM_THREADS".to_string(), "64".to_string()),
                ("TARGET".to_string(), "SKYLAKEX".to_string()),
            ]
        );
        let arguments: Vec<&str> = merged
            .arguments
            .iter()
            .map(|a| a.get_ref().as_str())
            .collect();
        assert_eq!(arguments, ["a", "b"]);
        assert_eq!(
            merged.jobs.map(Spanned::into_inner),
            Some(RawJobs::Count(2))
        );
    }

    #[test]
    fn jobs_reject_zero_and_words_other_than_auto() {
        #[derive(Deserialize, Debug)]
        #[allow(dead_code)]
        struct Jobs {
            jobs: RawJobs,
        }
        assert!(toml::from_str::<Jobs>("jobs = 0").is_err());
        assert!(toml::from_str::<Jobs>("jobs = \"many\"").is_err());
        assert_eq!(
            toml::from_str::<Jobs>("jobs = \"auto\"").unwrap().jobs,
            RawJobs::Auto
        );
    }
}
