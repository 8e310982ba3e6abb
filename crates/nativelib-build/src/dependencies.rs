//! The library wheels a recipe depends on: a recipe's wheel built earlier in this run
//! (`{ recipe = "openmp.toml" }`), or a wheel found in the wheelhouse by requirement
//! (`{ wheel = "nativelib-openmp>=12.2" }`), which must be built for this machine; and, for
//! linking and auditing only, the wheels those depend on in turn (OpenBLAS built with gfortran
//! may need libquadmath itself, which comes with libgfortran's own dependency).

use std::path::{Path, PathBuf};

use nativelib_audit::install::{install_path, parent};
use nativelib_audit::{BinaryRole, InstalledWheel, RecordCheck};
use nativelib_recipe::{Dependency, Recipe, ResolvedRecipe};
use nativelib_wheel::{compare_release, normalize_name, WheelFilename, WheelReader};

use crate::manifest::{Manifest, MANIFEST_FILE};
use crate::package::escaped_name;
use crate::pipeline::BuiltWheel;
use crate::relink::{DependencyWheel, ProvidedLibrary};
use crate::requirement::Requirement;
use crate::Error;

/// The wheels `recipe` depends on, the ones it names first (in its order, `direct`), then the
/// ones those depend on, transitively (not `direct`: no `Requires-Dist` or preload of their
/// own, the named dependency brings them).
pub(crate) fn dependency_wheels(
    recipe: &ResolvedRecipe,
    built: &[BuiltWheel],
    wheel_directory: &Path,
) -> Result<Vec<DependencyWheel>, Error> {
    let mut wheels = Vec::new();
    for dependency in &recipe.dependencies {
        let wheel = match dependency {
            Dependency::Wheel { requirement } => {
                from_wheelhouse(recipe, requirement, wheel_directory)?
            }
            Dependency::Recipe { path, variant } => {
                from_built(recipe, path, variant.as_deref(), built)?
            }
        };
        wheels.push(wheel);
    }
    let mut index = 0;
    while index < wheels.len() {
        for requirement in wheels[index].requires.clone() {
            let Ok(parsed) = Requirement::parse(&requirement) else {
                continue;
            };
            if wheels
                .iter()
                .any(|wheel| normalize_name(&wheel.distribution) == parsed.name)
            {
                continue;
            }
            let from_this_run = built.iter().rev().find(|wheel| {
                normalize_name(&wheel.manifest.distribution) == parsed.name
                    && parsed.allows(&wheel.manifest.version)
            });
            let found = match from_this_run {
                Some(wheel) => Some(from_manifest(
                    &wheel.manifest,
                    requirement.clone(),
                    wheel.path.clone(),
                )),
                // Its own dependency missing is that wheel's problem, reported by its own build.
                None => from_wheelhouse(recipe, &requirement, wheel_directory).ok(),
            };
            if let Some(mut wheel) = found {
                wheel.direct = false;
                wheels.push(wheel);
            }
        }
        index += 1;
    }
    Ok(wheels)
}

/// Checks, before anything is built, that every wheel the recipes depend on by requirement is
/// in the wheelhouse and built for this machine.
pub(crate) fn check_wheel_dependencies(
    recipes: &[ResolvedRecipe],
    wheel_directory: &Path,
) -> Result<(), Error> {
    for recipe in recipes {
        for dependency in &recipe.dependencies {
            if let Dependency::Wheel { requirement } = dependency {
                from_wheelhouse(recipe, requirement, wheel_directory)?;
            }
        }
    }
    Ok(())
}

/// The wheel of a recipe built earlier in this run.
fn from_built(
    recipe: &ResolvedRecipe,
    path: &Path,
    variant: Option<&str>,
    built: &[BuiltWheel],
) -> Result<DependencyWheel, Error> {
    let canonical = std::fs::canonicalize(path).map_err(Error::io("read", path))?;
    let variant = match variant {
        Some(variant) => Some(variant.to_string()),
        None => Recipe::load(path)?.variant(None)?.variant,
    };
    let found = built
        .iter()
        .find(|wheel| {
            wheel.variant == variant
                && std::fs::canonicalize(&wheel.recipe).is_ok_and(|other| other == canonical)
        })
        .ok_or_else(|| Error::DependencyNotBuilt {
            recipe: recipe.recipe_path.clone(),
            dependency: path.to_path_buf(),
        })?;
    let manifest = &found.manifest;
    Ok(from_manifest(
        manifest,
        format!("{}=={}", manifest.distribution, manifest.version),
        found.path.clone(),
    ))
}

/// A dependency described by a library wheel's manifest.
fn from_manifest(manifest: &Manifest, requirement: String, wheel: PathBuf) -> DependencyWheel {
    let data_dir = format!(
        "{}-{}.data",
        escaped_name(&manifest.distribution),
        manifest.version
    );
    DependencyWheel {
        requirement,
        distribution: manifest.distribution.clone(),
        package: Some(manifest.package.clone()),
        libraries: manifest
            .libraries
            .iter()
            .map(|library| ProvidedLibrary {
                soname: library.soname.clone(),
                replaces: library.replaces.clone(),
                install_directory: parent(&install_path(&library.entry, &data_dir)).to_string(),
            })
            .collect(),
        wheel: Some(wheel),
        requires: manifest
            .dependencies
            .iter()
            .map(|dependency| dependency.requirement.clone())
            .collect(),
        direct: true,
    }
}

/// The machine wheels are built for here, for messages: `linux x86_64`.
fn this_machine() -> String {
    format!("linux {}", std::env::consts::ARCH)
}

/// Whether a wheel with these platform tags installs on this machine: `any`, or a Linux tag
/// for this architecture (and C library family).
fn fits_this_machine(platform_tags: &[String]) -> bool {
    let architecture = format!("_{}", std::env::consts::ARCH);
    let family = if cfg!(target_env = "musl") {
        "musllinux_"
    } else {
        "manylinux"
    };
    platform_tags.iter().any(|tag| {
        tag == "any"
            || (tag.ends_with(&architecture)
                && (tag.starts_with("linux_") || tag.starts_with(family)))
    })
}

/// Finds the newest wheel in `wheel_directory` that satisfies `requirement` and installs on
/// this machine, and reads what it provides.
fn from_wheelhouse(
    recipe: &ResolvedRecipe,
    requirement: &str,
    wheel_directory: &Path,
) -> Result<DependencyWheel, Error> {
    let parsed =
        Requirement::parse(requirement).map_err(|problem| Error::DependencyWheelMissing {
            recipe: recipe.recipe_path.clone(),
            requirement: requirement.to_string(),
            directory: wheel_directory.to_path_buf(),
            found: problem,
            fix: "fix the requirement in `dependencies`".to_string(),
        })?;
    let mut candidates: Vec<(WheelFilename, PathBuf)> = std::fs::read_dir(wheel_directory)
        .map(|entries| {
            entries
                .filter_map(|entry| entry.ok().map(|entry| entry.path()))
                .filter_map(|path| {
                    let filename: WheelFilename = path.file_name()?.to_str()?.parse().ok()?;
                    (filename.normalized_name() == parsed.name).then_some((filename, path))
                })
                .collect()
        })
        .unwrap_or_default();
    candidates.sort_by(|(a, _), (b, _)| {
        compare_release(&b.version, &a.version).then_with(|| a.to_string().cmp(&b.to_string()))
    });
    let satisfying: Vec<&(WheelFilename, PathBuf)> = candidates
        .iter()
        .filter(|(filename, _)| parsed.allows(&filename.version))
        .collect();
    let Some((_, path)) = satisfying
        .iter()
        .find(|(filename, _)| fits_this_machine(&filename.platform_tags))
    else {
        if let Some((filename, path)) = satisfying.first() {
            return Err(Error::DependencyWheelPlatform {
                recipe: recipe.recipe_path.clone(),
                requirement: requirement.to_string(),
                wheel: path.clone(),
                platform: filename.platform_tags.join("."),
                fix: build_it_fix(recipe, &parsed.name, wheel_directory).unwrap_or_else(|| {
                    format!(
                        "put a wheel of {} for {} in {}",
                        parsed.name,
                        this_machine(),
                        wheel_directory.display()
                    )
                }),
            });
        }
        let found = if !wheel_directory.is_dir() {
            "the directory does not exist".to_string()
        } else if candidates.is_empty() {
            format!("it holds no wheel of {}", parsed.name)
        } else {
            let versions: Vec<&str> = candidates
                .iter()
                .map(|(filename, _)| filename.version.as_str())
                .collect();
            format!("it holds {} {} only", parsed.name, versions.join(", "))
        };
        return Err(Error::DependencyWheelMissing {
            recipe: recipe.recipe_path.clone(),
            requirement: requirement.to_string(),
            directory: wheel_directory.to_path_buf(),
            found,
            fix: build_it_fix(recipe, &parsed.name, wheel_directory).unwrap_or_else(|| {
                format!(
                    "put a wheel of {} for {} in {}, or depend on the recipe that builds it \
                     (`{{ recipe = \"<file>.toml\" }}`)",
                    parsed.name,
                    this_machine(),
                    wheel_directory.display()
                )
            }),
        });
    };
    read_dependency_wheel(recipe, requirement, path)
}

/// Reads what a wheel in the wheelhouse provides: from its `nativelib.json` when it is a
/// nativelib library wheel, else from its shared libraries (outside `.libs` directories).
fn read_dependency_wheel(
    recipe: &ResolvedRecipe,
    requirement: &str,
    path: &Path,
) -> Result<DependencyWheel, Error> {
    let unreadable =
        |source: Box<dyn std::error::Error + Send + Sync>| Error::DependencyWheelUnreadable {
            recipe: recipe.recipe_path.clone(),
            requirement: requirement.to_string(),
            wheel: path.to_path_buf(),
            source,
        };
    let reader = WheelReader::open(path).map_err(|error| unreadable(Box::new(error)))?;
    if let Ok(bytes) = reader.read(&format!("{}/{MANIFEST_FILE}", reader.dist_info_dir())) {
        let manifest: Manifest =
            serde_json::from_slice(&bytes).map_err(|error| unreadable(Box::new(error)))?;
        return Ok(from_manifest(
            &manifest,
            requirement.to_string(),
            path.to_path_buf(),
        ));
    }
    let wheel = InstalledWheel::from_reader(&reader, RecordCheck::Strict)
        .map_err(|error| unreadable(Box::new(error)))?;
    let libraries: Vec<ProvidedLibrary> = wheel
        .binaries
        .iter()
        .filter(|binary| binary.role == BinaryRole::Library && !binary.is_in_libs_directory())
        .map(|binary| ProvidedLibrary {
            soname: binary.load_name().to_string(),
            replaces: Vec::new(),
            install_directory: parent(&binary.install_path).to_string(),
        })
        .collect();
    // A loader package with preload() beside the libraries is preloaded first.
    let package = wheel
        .binaries
        .iter()
        .find(|binary| binary.role == BinaryRole::Library && !binary.is_in_libs_directory())
        .and_then(|binary| binary.entry.split('/').next())
        .filter(|top| !top.ends_with(".data"))
        .filter(|top| {
            reader
                .read(&format!("{top}/__init__.py"))
                .is_ok_and(|text| String::from_utf8_lossy(&text).contains("def preload("))
        })
        .map(str::to_string);
    let metadata = reader.metadata();
    Ok(DependencyWheel {
        requirement: requirement.to_string(),
        distribution: metadata
            .name()
            .unwrap_or(&reader.filename().name)
            .to_string(),
        package,
        libraries,
        wheel: Some(path.to_path_buf()),
        requires: Vec::new(),
        direct: true,
    })
}

/// "build it first: `nativelib build <recipe> -w <dir>`" when a recipe beside `recipe` makes
/// the distribution `name`.
fn build_it_fix(recipe: &ResolvedRecipe, name: &str, wheel_directory: &Path) -> Option<String> {
    let directory = recipe.recipe_directory();
    let mut files: Vec<PathBuf> = std::fs::read_dir(directory)
        .ok()?
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| {
            path.extension()
                .is_some_and(|extension| extension == "toml")
        })
        .collect();
    files.sort();
    files.into_iter().find_map(|file| {
        let other = Recipe::load(&file).ok()?;
        let variant = other
            .resolved_variants()
            .iter()
            .find(|resolved| normalize_name(&resolved.wheel.distribution) == name)?
            .variant
            .clone();
        let variant_argument = variant
            .as_deref()
            .map(|variant| format!(" --variant {variant}"))
            .unwrap_or_default();
        let file_name = file.file_name()?.to_string_lossy().into_owned();
        let variant_key = variant
            .as_deref()
            .map(|variant| format!(", variant = \"{variant}\""))
            .unwrap_or_default();
        Some(format!(
            "build it first with `nativelib build {}{variant_argument} -w {}`, or depend on \
             its recipe instead: `{{ recipe = \"{file_name}\"{variant_key} }}`",
            file.display(),
            wheel_directory.display()
        ))
    })
}

#[cfg(test)]
mod tests;
