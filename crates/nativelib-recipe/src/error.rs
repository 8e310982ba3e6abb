//! The crate's error type: every message names the recipe file (with line:column when known), the
//! key and how to fix it.

use std::fmt;
use std::path::PathBuf;

/// A position in a recipe file, shown as `path:line:column` (or `path` when unknown).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// The recipe file as it was named.
    pub file: PathBuf,
    /// The 1-based line and column (in characters), when known.
    pub line_column: Option<(usize, usize)>,
    /// The `[[variant]]` whose table holds this position, if any.
    pub variant: Option<String>,
}

impl fmt::Display for Location {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "{}", self.file.display())?;
        if let Some((line, column)) = self.line_column {
            write!(formatter, ":{line}:{column}")?;
        }
        if let Some(variant) = &self.variant {
            write!(formatter, " (variant `{variant}`)")?;
        }
        Ok(())
    }
}

/// One step of a dependency chain: a recipe file and the variant taken from it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainLink {
    /// The recipe file as it was reached (relative to the recipe that named it).
    pub recipe: PathBuf,
    /// The variant of that recipe, if it has variants.
    pub variant: Option<String>,
}

impl fmt::Display for ChainLink {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "{}", self.recipe.display())?;
        if let Some(variant) = &self.variant {
            write!(formatter, " (variant `{variant}`)")?;
        }
        Ok(())
    }
}

/// Why a recipe could not be read, parsed, validated or resolved.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The recipe file could not be read.
    #[error("Failed to read recipe {}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },

    /// The file is not valid TOML.
    #[error("Invalid TOML in {location}: {message}")]
    Syntax {
        /// Where the parser stopped.
        location: Box<Location>,
        /// The parser's explanation (what it expected).
        message: String,
    },

    /// A key that the schema does not have (keys are never ignored).
    #[error("Unknown key `{key}` in {table} of {location}; {fix}")]
    UnknownKey {
        /// Where the key is written.
        location: Box<Location>,
        /// The table holding it, such as `[source]` or `the top level`.
        table: String,
        /// The key as written.
        key: String,
        /// The closest valid key, if one is close enough to be the intended one.
        suggestion: Option<String>,
        /// What to do: use the suggestion, or one of the valid keys.
        fix: String,
    },

    /// A required key is absent.
    #[error("Missing key `{key}` in {table} of {location}; {fix}")]
    MissingKey {
        /// The table that lacks it (or the file, for the top level).
        location: Box<Location>,
        /// The table that lacks it, such as `[source]`.
        table: String,
        /// The missing key.
        key: String,
        /// What to add.
        fix: String,
    },

    /// A value of the wrong TOML type (a string where an array belongs, ...).
    #[error("Wrong type for `{key}` in {location}: {problem}; {fix}")]
    WrongType {
        /// Where the value is written.
        location: Box<Location>,
        /// The key path, such as `build.jobs`.
        key: String,
        /// What was found and what was expected.
        problem: String,
        /// What to write instead.
        fix: String,
    },

    /// A value outside a fixed set of choices (`build.system`, `wheel.layout`).
    #[error("Unknown value `{value}` for `{key}` in {location}; {fix}")]
    UnknownValue {
        /// Where the value is written.
        location: Box<Location>,
        /// The key path, such as `build.system`.
        key: String,
        /// The value as written.
        value: String,
        /// The closest valid choice, if one is close enough.
        suggestion: Option<String>,
        /// The valid choices.
        fix: String,
    },

    /// A value of the right type that breaks a rule of the schema.
    #[error("Invalid `{key}` in {location}: {problem}; {fix}")]
    Invalid {
        /// Where the value is written.
        location: Box<Location>,
        /// The key path, such as `source.sha256`.
        key: String,
        /// What is wrong with it.
        problem: String,
        /// How to fix it.
        fix: String,
    },

    /// A variant name that the recipe does not define.
    #[error("Unknown variant `{name}` of {}; {fix}", recipe.display())]
    UnknownVariant {
        /// The recipe file.
        recipe: PathBuf,
        /// The variant asked for.
        name: String,
        /// The variants the recipe defines, in order.
        available: Vec<String>,
        /// The closest variant or the list to choose from.
        fix: String,
    },

    /// Recipes that depend on each other in a circle.
    #[error(
        "Dependency cycle between recipes: {}; remove one of these dependencies",
        chain.iter().map(ToString::to_string).collect::<Vec<_>>().join(" -> ")
    )]
    DependencyCycle {
        /// The chain, starting and ending with the same recipe.
        chain: Vec<ChainLink>,
    },

    /// A recipe named as a dependency failed to load.
    #[error("Failed to load recipe {}, a dependency of {}", dependency.display(), dependent.display())]
    Dependency {
        /// The recipe that names the dependency.
        dependent: PathBuf,
        /// The dependency's recipe file.
        dependency: PathBuf,
        /// Why it failed.
        #[source]
        source: Box<Error>,
    },
}
