//! Build (or collect) a native library from a recipe and package it as a library wheel
//! (`py3-none-<platform>`): fetch and verify the source, build it in a temporary tree with its
//! log kept, give the library its SONAME and `$ORIGIN` search paths, audit the symbols it exports
//! and the platform tag it satisfies, and write the wheel deterministically.
//!
//! [`build_recipe`] is the entry point: it builds a recipe variant and every recipe it depends
//! on, in dependency order, reusing the build cache ([`CacheDirectory`]) when nothing changed.
//! Progress goes to an [`Observer`]; the library never prints.

mod archive;
mod cache;
mod cancel;
mod collect;
mod contents;
mod dependencies;
mod error;
mod fetch;
mod key;
mod licenses;
mod manifest;
mod observer;
mod package;
mod pipeline;
mod relink;
mod render;
mod requirement;
mod runner;
mod symbols;
mod toolchain;

pub use cache::CacheDirectory;
pub use cancel::cancel;
pub use error::{CommandFailure, Error};
pub use manifest::{
    Manifest, ManifestDependency, ManifestLibrary, ManifestSymbols, OutsideNamespace, MANIFEST_FILE,
};
pub use observer::{Observer, Phase, SilentObserver};
pub use pipeline::{build_recipe, BuildOptions, BuiltWheel, PhaseTiming};
pub use render::{render_template, TemplateError};
pub use symbols::{outside_namespace, version_script};
