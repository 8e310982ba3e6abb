//! [`Recipe`]: a recipe file loaded and checked, and [`ResolvedRecipe`]: one variant of it with
//! everything a build needs.

use std::path::{Path, PathBuf};

use crate::build_system::Build;
use crate::dependency::Dependency;
use crate::diagnose::Context;
use crate::error::{Error, Location};
use crate::library::Library;
use crate::raw::RawRecipe;
use crate::source::Source;
use crate::span::SpanIndex;
use crate::suggest::{closest, quoted_list};
use crate::symbols::SymbolPolicy;
use crate::wheel::WheelSpec;

/// A recipe file, parsed and checked: every variant resolves.
#[derive(Debug, Clone)]
pub struct Recipe {
    /// The recipe file as it was named.
    pub path: PathBuf,
    /// The library (shared by every variant).
    pub library: Library,
    /// Where it comes from (shared by every variant).
    pub source: Source,
    /// The variants in the order written; the first is the default.
    pub variants: Vec<Variant>,
    /// One resolved recipe per variant (or one for the base recipe if it has no variants).
    resolved: Vec<ResolvedRecipe>,
}

/// One `[[variant]]` of a recipe.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Variant {
    /// The variant's name, such as `ilp64-openmp`.
    pub name: String,
    /// What sets it apart, for people.
    pub description: Option<String>,
}

/// One variant of a recipe (or the recipe itself, if it has none) with the variant's settings
/// laid over the base and every recipe-time `{variable}` substituted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolvedRecipe {
    /// The recipe file as it was named.
    pub recipe_path: PathBuf,
    /// The variant's name, or `None` for a recipe without variants.
    pub variant: Option<String>,
    /// The library.
    pub library: Library,
    /// Where it comes from.
    pub source: Source,
    /// How to build it; `None` when the source is collected.
    pub build: Option<Build>,
    /// The wheel to produce.
    pub wheel: WheelSpec,
    /// The declared symbol namespace.
    pub symbols: SymbolPolicy,
    /// Other recipes or wheels this one needs at run time.
    pub dependencies: Vec<Dependency>,
}

impl ResolvedRecipe {
    /// The directory that holds the recipe file (relative paths in the recipe start here).
    pub fn recipe_directory(&self) -> &Path {
        self.recipe_path.parent().unwrap_or(Path::new(""))
    }
}

impl Recipe {
    /// Read and check the recipe file at `path`.
    pub fn load(path: &Path) -> Result<Self, Error> {
        let text = std::fs::read_to_string(path).map_err(|source| Error::Read {
            path: path.to_path_buf(),
            source,
        })?;
        Self::from_str(&text, path)
    }

    /// Parse and check recipe `text`; `path` names the file in messages, and relative paths in
    /// the recipe are taken relative to its directory.
    pub fn from_str(text: &str, path: &Path) -> Result<Self, Error> {
        let parsed = toml::from_str::<RawRecipe>(text);
        let index = match SpanIndex::parse(text) {
            Ok(index) => index,
            Err(syntax) => {
                let (message, span) = match &parsed {
                    Err(error) => (error.message().to_string(), error.span()),
                    Ok(_) => (syntax.message().to_string(), syntax.span()),
                };
                return Err(syntax_error(text, path, message, span));
            }
        };
        let directory = path.parent().unwrap_or(Path::new(""));
        let context = Context {
            file: path,
            directory,
            index: &index,
        };
        let raw = parsed.map_err(|error| context.diagnose(&error))?;
        let library = context.resolve_library(&raw.library)?;
        let source = context.resolve_source(&raw.source, &library)?;
        context.check_variant_names(&raw.variants)?;
        let resolved = if raw.variants.is_empty() {
            vec![context.resolve_variant(&raw, &library, &source, None)?]
        } else {
            raw.variants
                .iter()
                .enumerate()
                .map(|variant| context.resolve_variant(&raw, &library, &source, Some(variant)))
                .collect::<Result<Vec<_>, _>>()?
        };
        context.check_distinct_wheels(&resolved)?;
        let variants = raw
            .variants
            .iter()
            .map(|variant| Variant {
                name: variant.name.get_ref().clone(),
                description: variant
                    .description
                    .as_ref()
                    .map(|description| description.get_ref().clone()),
            })
            .collect();
        Ok(Self {
            path: path.to_path_buf(),
            library,
            source,
            variants,
            resolved: resolved.into_iter().map(|(recipe, _)| recipe).collect(),
        })
    }

    /// The recipe resolved for the variant `name`, or for the default variant (the first one
    /// written, or the recipe itself if it has no variants) when `name` is `None`.
    pub fn variant(&self, name: Option<&str>) -> Result<ResolvedRecipe, Error> {
        let Some(name) = name else {
            return Ok(self.resolved[0].clone());
        };
        if let Some(found) = self
            .resolved
            .iter()
            .find(|recipe| recipe.variant.as_deref() == Some(name))
        {
            return Ok(found.clone());
        }
        let available: Vec<String> = self
            .variants
            .iter()
            .map(|variant| variant.name.clone())
            .collect();
        let fix = if available.is_empty() {
            "this recipe defines no variants; build it without naming one".to_string()
        } else {
            let hint = closest(name, available.iter().map(String::as_str))
                .map(|closest| format!("did you mean `{closest}`? "))
                .unwrap_or_default();
            format!("{hint}the variants are {}", quoted_list(&available))
        };
        Err(Error::UnknownVariant {
            recipe: self.path.clone(),
            name: name.to_string(),
            available,
            fix,
        })
    }

    /// Every variant resolved, in the order written (one entry for a recipe without variants).
    pub fn resolved_variants(&self) -> &[ResolvedRecipe] {
        &self.resolved
    }
}

fn syntax_error(
    text: &str,
    path: &Path,
    message: String,
    span: Option<std::ops::Range<usize>>,
) -> Error {
    let line_column = span.map(|span| {
        let mut end = span.start.min(text.len());
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        let before = &text[..end];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |newline| newline + 1);
        (line, before[line_start..].chars().count() + 1)
    });
    Error::Syntax {
        location: Box::new(Location {
            file: path.to_path_buf(),
            line_column,
            variant: None,
        }),
        message: message.trim().replace('\n', "; "),
    }
}

#[cfg(test)]
mod tests;
