//! From the recipe as written to validated, typed values: one [`ResolvedRecipe`] per variant,
//! with every rule checked and every recipe-time `{variable}` substituted.
//!
//! The rules for `[library]` and `[source]` are in `source.rs`, those for `[build]` in
//! `build.rs`, those for `[wheel]` and `[symbols]` in `wheel.rs`.

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

use toml::Spanned;

use crate::dependency::Dependency;
use crate::diagnose::Context;
use crate::error::Error;
use crate::library::Library;
use crate::raw::{overlay_option, RawDependency, RawRecipe, RawVariant, Text};
use crate::recipe::ResolvedRecipe;
use crate::source::Source;
use crate::span::KeyPath;
use crate::suggest::{closest, quoted_list};
use crate::template::{substitute, TemplateError, BUILD_TIME_VARIABLES};
use crate::validate::{self, Problem};

/// Variable values for `{name}` substitution.
pub(crate) type Values = BTreeMap<&'static str, String>;

/// The default index for `pypi-sdist` sources.
pub(crate) const DEFAULT_INDEX_URL: &str = "https://pypi.org/simple";

/// File name endings that mark a `path` source as an archive (which then needs a digest).
pub(crate) const ARCHIVE_ENDINGS: &[&str] = &[
    ".tar.gz", ".tgz", ".tar.xz", ".txz", ".tar.bz2", ".tbz2", ".tar.zst", ".tar", ".zip",
];

/// The spans of the values that must differ between variants.
pub(crate) struct Provenance {
    pub(crate) distribution: Range<usize>,
    pub(crate) soname: Range<usize>,
}

mod build;
mod source;
mod wheel;

impl Context<'_> {
    /// Substitute the variables of `values` in `text` (see [`substitute`]).
    pub(crate) fn render(
        &self,
        text: &Text,
        values: &Values,
        later_pass: bool,
    ) -> Result<String, Error> {
        substitute(text.get_ref(), values, later_pass).map_err(|error| {
            self.invalid(&text.span(), template_problem(error, values, later_pass))
        })
    }

    /// Apply a value rule to `text`.
    pub(crate) fn check<T>(
        &self,
        text: &Text,
        rule: impl FnOnce(&str) -> Result<T, Problem>,
    ) -> Result<T, Error> {
        rule(text.get_ref()).map_err(|problem| self.invalid(&text.span(), problem))
    }

    /// A path written in the recipe, joined to the recipe's directory when relative.
    pub(crate) fn recipe_relative(&self, value: &str) -> PathBuf {
        let path = Path::new(value);
        if path.is_absolute() {
            path.to_path_buf()
        } else {
            self.directory.join(path)
        }
    }

    /// Resolve the base recipe, or one variant laid over it.
    pub(crate) fn resolve_variant(
        &self,
        raw: &RawRecipe,
        library: &Library,
        source: &Source,
        variant: Option<(usize, &RawVariant)>,
    ) -> Result<(ResolvedRecipe, Provenance), Error> {
        let variant_name = variant.map(|(_, raw_variant)| raw_variant.name.get_ref().clone());
        // Where a missing key should be added: the variant's table, or the base table.
        let scope = |table: &str| match variant {
            Some((position, _)) => KeyPath::keys(&["variant"]).index(position),
            None => KeyPath::keys(&[table]),
        };
        let build = overlay_option(
            raw.build.as_ref(),
            variant.and_then(|(_, v)| v.build.as_ref()),
        );
        let wheel = overlay_option(
            raw.wheel.as_ref(),
            variant.and_then(|(_, v)| v.wheel.as_ref()),
        )
        .unwrap_or_default();
        let symbols = overlay_option(
            raw.symbols.as_ref(),
            variant.and_then(|(_, v)| v.symbols.as_ref()),
        )
        .unwrap_or_default();
        let raw_dependencies: Vec<&Spanned<RawDependency>> = raw
            .dependencies
            .iter()
            .chain(variant.into_iter().flat_map(|(_, v)| v.dependencies.iter()))
            .collect();

        let mut values = Values::from([
            ("name", library.name.clone()),
            ("version", library.version.clone()),
            ("variant", variant_name.clone().unwrap_or_default()),
        ]);
        let (wheel, provenance) = self.resolve_wheel(&wheel, &values, &scope("wheel"))?;
        let symbols = self.resolve_symbols(&symbols)?;
        values.extend([
            ("distribution", wheel.distribution.clone()),
            ("package", wheel.package.clone()),
            ("wheel-version", wheel.version.clone()),
            ("soname", wheel.soname.clone()),
            ("symbol-prefix", symbols.prefix.clone().unwrap_or_default()),
            ("symbol-suffix", symbols.suffix.clone().unwrap_or_default()),
        ]);
        let build = match (build, source.is_collected()) {
            (Some(_), true) => {
                let path = match variant {
                    Some((position, raw_variant)) if raw_variant.build.is_some() => {
                        KeyPath::keys(&["variant"]).index(position).join("build")
                    }
                    _ => KeyPath::keys(&["build"]),
                };
                return Err(self.invalid_at_path(
                    &path,
                    Problem::new(
                        "a collected library is not built",
                        "remove the build settings, or name a source to build from in [source]",
                    ),
                ));
            }
            (None, true) => None,
            (None, false) => {
                return Err(self.missing(
                    &KeyPath::root(),
                    "build",
                    "add a [build] table, e.g. `[build]` with `system = \"make\"` and \
                     `library = \"lib/libfoo.so\"`",
                ))
            }
            (Some(build), false) => Some(self.resolve_build(&build, &values, &scope("build"))?),
        };
        let dependencies = raw_dependencies
            .into_iter()
            .map(|dependency| self.resolve_dependency(dependency))
            .collect::<Result<Vec<_>, _>>()?;
        let resolved = ResolvedRecipe {
            recipe_path: self.file.to_path_buf(),
            variant: variant_name,
            library: library.clone(),
            source: source.clone(),
            build,
            wheel,
            symbols,
            dependencies,
        };
        Ok((resolved, provenance))
    }

    /// Check one entry of `dependencies`.
    fn resolve_dependency(&self, spanned: &Spanned<RawDependency>) -> Result<Dependency, Error> {
        let raw = spanned.get_ref();
        match (&raw.recipe, &raw.wheel) {
            (Some(recipe), None) => {
                let text = recipe.get_ref();
                if !text.ends_with(".toml") {
                    return Err(self.invalid(
                        &recipe.span(),
                        Problem::new(
                            format!("`{text}` is not a recipe file"),
                            "name a recipe's .toml file, relative to this recipe, e.g. `openmp.toml`",
                        ),
                    ));
                }
                let variant = match &raw.variant {
                    Some(variant) => {
                        self.check(variant, validate::variant_name)?;
                        Some(variant.get_ref().clone())
                    }
                    None => None,
                };
                Ok(Dependency::Recipe {
                    path: self.recipe_relative(text),
                    variant,
                })
            }
            (None, Some(wheel)) => {
                if let Some(variant) = &raw.variant {
                    return Err(self.invalid(
                        &variant.span(),
                        Problem::new(
                            "`variant` applies to a `recipe` dependency, not a `wheel` one",
                            "remove it, or depend on the recipe instead",
                        ),
                    ));
                }
                self.check(wheel, validate::requirement)?;
                Ok(Dependency::Wheel {
                    requirement: wheel.get_ref().clone(),
                })
            }
            (Some(_), Some(wheel)) => Err(self.invalid(
                &wheel.span(),
                Problem::new(
                    "a dependency names both a `recipe` and a `wheel`",
                    "keep one: `{ recipe = \"openmp.toml\" }` or `{ wheel = \"nativelib-openmp\" }`",
                ),
            )),
            (None, None) => Err(self.missing(
                &self
                    .index
                    .path_of_value(&spanned.span())
                    .cloned()
                    .unwrap_or_else(|| KeyPath::keys(&["dependencies"])),
                "recipe",
                "write `{ recipe = \"openmp.toml\" }` (a recipe file relative to this one) or \
                 `{ wheel = \"nativelib-openmp\" }`",
            )),
        }
    }

    /// Check the `[[variant]]` names: valid and unique.
    pub(crate) fn check_variant_names(&self, variants: &[RawVariant]) -> Result<(), Error> {
        for (position, variant) in variants.iter().enumerate() {
            self.check(&variant.name, validate::variant_name)?;
            if let Some(earlier) = variants[..position]
                .iter()
                .find(|earlier| earlier.name.get_ref() == variant.name.get_ref())
            {
                let (line, _) = self.index.line_column(earlier.name.span().start);
                return Err(self.invalid(
                    &variant.name.span(),
                    Problem::new(
                        format!(
                            "the variant name `{}` is already used on line {line}",
                            variant.name.get_ref()
                        ),
                        "give every [[variant]] its own name",
                    ),
                ));
            }
        }
        Ok(())
    }

    /// Check that the variants produce different wheels with different SONAMEs.
    pub(crate) fn check_distinct_wheels(
        &self,
        resolved: &[(ResolvedRecipe, Provenance)],
    ) -> Result<(), Error> {
        for (position, (recipe, provenance)) in resolved.iter().enumerate() {
            for (earlier, _) in &resolved[..position] {
                let clash = if earlier.wheel.distribution == recipe.wheel.distribution {
                    Some((
                        "wheel name",
                        &recipe.wheel.distribution,
                        &provenance.distribution,
                    ))
                } else if earlier.wheel.soname == recipe.wheel.soname {
                    Some(("SONAME", &recipe.wheel.soname, &provenance.soname))
                } else {
                    None
                };
                if let Some((what, value, span)) = clash {
                    return Err(self.invalid(
                        span,
                        Problem::new(
                            format!(
                                "variants `{}` and `{}` both produce the {what} `{value}`",
                                earlier.variant.as_deref().unwrap_or_default(),
                                recipe.variant.as_deref().unwrap_or_default()
                            ),
                            format!("give each variant its own {what} in its `wheel` table"),
                        ),
                    ));
                }
            }
        }
        Ok(())
    }
}

fn template_problem(error: TemplateError, values: &Values, later_pass: bool) -> Problem {
    let mut names: Vec<&str> = values.keys().copied().collect();
    if later_pass {
        names.extend(BUILD_TIME_VARIABLES);
    }
    let listed: Vec<String> = names.iter().map(|name| format!("{{{name}}}")).collect();
    match error {
        TemplateError::Unknown { name } => {
            let hint = closest(&name, names.iter().copied())
                .map(|name| format!("did you mean `{{{name}}}`? "))
                .unwrap_or_default();
            Problem::new(
                format!("`{{{name}}}` is not a variable here"),
                format!(
                    "{hint}the variables here are {}; write `{{{{` and `}}}}` for literal braces",
                    quoted_list(&listed)
                ),
            )
        }
        TemplateError::BuildTimeOnly { name } => Problem::new(
            format!("`{{{name}}}` is only known while building"),
            format!(
                "use it in [build] settings only; the variables here are {}",
                quoted_list(&listed)
            ),
        ),
        TemplateError::UnmatchedOpen => Problem::new(
            "a `{` has no matching `}`",
            "close the variable, or write `{{` for a literal brace",
        ),
        TemplateError::UnmatchedClose => Problem::new(
            "a `}` has no matching `{`",
            "write `}}` for a literal brace",
        ),
    }
}
