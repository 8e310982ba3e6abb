//! The recipe schema: what to build or collect, and how to package it as a library wheel.
//!
//! A recipe is a TOML file (documented in `docs/recipes.md`). [`Recipe::load`] parses it,
//! rejects unknown keys with the closest valid one, checks every value, and resolves each
//! `[[variant]]` into a [`ResolvedRecipe`]. [`dependency_order`] loads the recipes a recipe
//! depends on and orders them for building, reporting cycles.

mod build_system;
mod dependency;
mod diagnose;
mod error;
mod library;
mod plan;
mod raw;
mod recipe;
mod resolve;
mod source;
mod span;
mod suggest;
mod symbols;
mod template;
mod validate;
mod wheel;

pub use build_system::{Build, BuildSystem, Jobs};
pub use dependency::{dependency_order, dependency_order_for_variant, Dependency};
pub use error::{ChainLink, Error, Location};
pub use library::Library;
pub use plan::{BuildCommand, BuildDirectories};
pub use recipe::{Recipe, ResolvedRecipe, Variant};
pub use source::{Collect, CollectFrom, PypiSdist, Source};
pub use symbols::SymbolPolicy;
pub use wheel::{Layout, WheelSpec};
