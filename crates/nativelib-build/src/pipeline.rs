//! [`build_recipe`]: a recipe variant and the recipes it depends on, each fetched, built (or
//! taken from the build cache), collected, packaged and audited, in dependency order.
//!
//! The build cache (`builds/<key>/` of the [`CacheDirectory`]) is keyed by the recipe's
//! settings, its variant, the source's sha256 and the compiler's `--version`; it keeps the
//! install prefix and the license files of the build, and the wheels packaged from it (keyed
//! further by everything packaging reads: the templates, `SOURCE_DATE_EPOCH` and the dependency
//! wheels). An unchanged rebuild copies the cached wheel.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use nativelib_recipe::{
    dependency_order_for_variant, BuildDirectories, Recipe, ResolvedRecipe, Source,
};
use serde::{Deserialize, Serialize};

use crate::archive::prepare_source_tree;
use crate::collect::{from_collect, from_prefix};
use crate::dependencies::{check_wheel_dependencies, dependency_wheels};
use crate::fetch::fetch;
use crate::key::{build_key, file_sha256, sha256_hex, tree_digest};
use crate::licenses::{locate, LicenseFile};
use crate::manifest::Manifest;
use crate::observer::{Observer, Phase};
use crate::package::{package, PackageRequest, Packaged};
use crate::relink::DependencyWheel;
use crate::render::templates;
use crate::runner::{run_commands, BuildLog, RunContext};
use crate::symbols::version_script;
use crate::toolchain::{compiler_command, compiler_identity};
use crate::{CacheDirectory, Error};

/// How to build.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// Where the wheels are written (created when the first one is).
    pub wheel_directory: PathBuf,
    /// The number of build jobs, instead of the recipe's.
    pub jobs: Option<usize>,
    /// Whether the build cache may be used (a rebuild refreshes it either way).
    pub use_cache: bool,
    /// The cache.
    pub cache: CacheDirectory,
    /// The timestamp of every wheel entry; `None` reads `SOURCE_DATE_EPOCH` (else 1980-01-01).
    pub source_date_epoch: Option<u64>,
}

#[cfg(test)]
impl BuildOptions {
    /// Wheels in `directory/wheelhouse`, the cache in `directory/cache`, a fixed timestamp.
    pub(crate) fn for_tests(directory: &std::path::Path) -> Self {
        Self {
            wheel_directory: directory.join("wheelhouse"),
            jobs: None,
            use_cache: true,
            cache: CacheDirectory::new(directory.join("cache")),
            source_date_epoch: Some(1_600_000_000),
        }
    }
}

/// How long one phase took.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct PhaseTiming {
    /// The phase.
    pub phase: Phase,
    /// Its wall time in seconds.
    pub seconds: f64,
}

/// A wheel written by [`build_recipe`].
#[derive(Debug, Clone, Serialize)]
pub struct BuiltWheel {
    /// The recipe file.
    pub recipe: PathBuf,
    /// The variant built.
    pub variant: Option<String>,
    /// The wheel written.
    pub path: PathBuf,
    /// Its sha256.
    pub sha256: String,
    /// Its size in bytes.
    pub size: u64,
    /// Whether the compiled build came from the cache (always false for a collected library).
    pub cache_hit: bool,
    /// Whether the wheel itself was copied from the cache.
    pub wheel_reused: bool,
    /// What the wheel's `nativelib.json` says.
    pub manifest: Manifest,
    /// The platform tags the audit found the binaries satisfy.
    pub platform_tags: Vec<String>,
    /// Libraries the binaries need that neither the system nor a dependency provides.
    pub unresolved: Vec<String>,
    /// The build log, for a compiled library.
    pub log: Option<PathBuf>,
    /// How long each phase of this run took.
    pub timings: Vec<PhaseTiming>,
    /// How long the compile phase took when the cached build was made.
    pub compile_seconds: Option<f64>,
    /// The phases of the build the cache holds (fetch, extract, compile), as timed when it was
    /// made; empty for a collected library.
    pub build_timings: Vec<PhaseTiming>,
    /// Wall time of this recipe's build in this run, in seconds.
    pub seconds: f64,
}

/// What `builds/<key>/build.json` records about a finished build.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct BuildRecord {
    license_files: Vec<String>,
    log: PathBuf,
    compiler: String,
    timings: Vec<PhaseTiming>,
}

/// What `builds/<key>/wheels/<packaging key>/result.json` records about a packaged wheel.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct PackageRecord {
    file_name: String,
    sha256: String,
    manifest: Manifest,
    platform_tags: Vec<String>,
    unresolved: Vec<String>,
}

/// Build the variant `variant` (`None`: the default) of the recipe at `path`, and first every
/// recipe it depends on; each wheel is written to the wheel directory. Returns the wheels in
/// build order (the variant asked for last).
pub fn build_recipe(
    path: &Path,
    variant: Option<&str>,
    options: &BuildOptions,
    observer: &dyn Observer,
) -> Result<Vec<BuiltWheel>, Error> {
    // Load the recipe itself first, so its own errors come unwrapped.
    Recipe::load(path)?.variant(variant)?;
    let order = dependency_order_for_variant(path, variant)?;
    // A wheel dependency missing from the wheelhouse is found before anything is built.
    check_wheel_dependencies(&order, &options.wheel_directory)?;
    let mut built: Vec<BuiltWheel> = Vec::new();
    for recipe in &order {
        let wheel = build_one(recipe, &built, options, observer)?;
        built.push(wheel);
    }
    Ok(built)
}

fn describe(recipe: &ResolvedRecipe) -> String {
    match &recipe.variant {
        Some(variant) => format!("{} ({variant})", recipe.library.name),
        None => recipe.library.name.clone(),
    }
}

fn build_one(
    recipe: &ResolvedRecipe,
    built: &[BuiltWheel],
    options: &BuildOptions,
    observer: &dyn Observer,
) -> Result<BuiltWheel, Error> {
    let started = Instant::now();
    let what = describe(recipe);
    let dependencies = dependency_wheels(recipe, built, &options.wheel_directory)?;
    let provided: HashSet<String> = dependencies
        .iter()
        .flat_map(|dependency| &dependency.libraries)
        .flat_map(|library| {
            library
                .replaces
                .iter()
                .chain(std::iter::once(&library.soname))
        })
        .cloned()
        .collect();
    let mut timings = Vec::new();
    let mut wheel = if let Source::Collect(collect) = &recipe.source {
        let phase_started = Instant::now();
        observer.phase(&what, Phase::Collect, &collect.library);
        let licenses = locate(
            &recipe.recipe_path,
            &recipe.library.license_files,
            recipe.recipe_directory(),
        )?;
        let scratch = tempfile::Builder::new()
            .prefix("nativelib-collect-")
            .tempdir()
            .map_err(Error::io("create", std::env::temp_dir()))?;
        let collected = from_collect(recipe, collect, &provided, scratch.path())?;
        timings.push((Phase::Collect, phase_started.elapsed()));
        let packaged = package(
            &PackageRequest {
                recipe,
                what: &what,
                collected: &collected,
                licenses: &licenses,
                dependencies: &dependencies,
                wheel_directory: &options.wheel_directory,
                source_date_epoch: options.source_date_epoch,
            },
            observer,
        )?;
        let sha256 = file_sha256(&packaged.path).map_err(Error::io("read", &packaged.path))?;
        finish(recipe, packaged, sha256, false, false, None, None, timings)
    } else {
        build_from_source(recipe, &what, &dependencies, &provided, options, observer)?
    };
    wheel.seconds = started.elapsed().as_secs_f64();
    Ok(wheel)
}

#[allow(clippy::too_many_arguments)]
fn finish(
    recipe: &ResolvedRecipe,
    packaged: Packaged,
    sha256: String,
    cache_hit: bool,
    wheel_reused: bool,
    log: Option<PathBuf>,
    compile_seconds: Option<f64>,
    mut timings: Vec<(Phase, Duration)>,
) -> BuiltWheel {
    timings.extend(packaged.timings.iter().copied());
    let size = std::fs::metadata(&packaged.path).map_or(0, |metadata| metadata.len());
    BuiltWheel {
        recipe: recipe.recipe_path.clone(),
        variant: recipe.variant.clone(),
        path: packaged.path,
        sha256,
        size,
        cache_hit,
        wheel_reused,
        manifest: packaged.manifest,
        platform_tags: packaged.platform_tags,
        unresolved: packaged.unresolved,
        log,
        timings: timings
            .into_iter()
            .map(|(phase, duration)| PhaseTiming {
                phase,
                seconds: duration.as_secs_f64(),
            })
            .collect(),
        compile_seconds,
        build_timings: Vec::new(),
        seconds: 0.0,
    }
}

/// The digest that identifies the source: the pinned sha256, or a digest of a local directory.
fn source_digest(recipe: &ResolvedRecipe) -> Result<String, Error> {
    match (&recipe.source, recipe.source.sha256()) {
        (_, Some(sha256)) => Ok(sha256.to_ascii_lowercase()),
        (Source::Path { path, .. }, None) => tree_digest(path).map_err(Error::io("read", path)),
        _ => Ok(String::new()),
    }
}

/// The key of everything packaging reads besides the build: nativelib's version, program and
/// templates, the entries' timestamp and the dependency wheels.
fn packaging_key(
    recipe: &ResolvedRecipe,
    options: &BuildOptions,
    dependencies: &[DependencyWheel],
) -> Result<String, Error> {
    let mut text = String::from(concat!("nativelib-build ", env!("CARGO_PKG_VERSION"), "\0"));
    // What the build key leaves out because only packaging reads it.
    text.push_str(&format!("{:?}\0{:?}\0", recipe.wheel, recipe.library));
    // The running program itself: a rebuilt nativelib may package differently.
    if let Some(metadata) = std::env::current_exe()
        .ok()
        .and_then(|program| std::fs::metadata(program).ok())
    {
        let modified = metadata
            .modified()
            .ok()
            .and_then(|time| time.duration_since(std::time::UNIX_EPOCH).ok())
            .map_or(0, |elapsed| elapsed.as_nanos());
        text.push_str(&format!("program={}:{modified}\0", metadata.len()));
    }
    for template in templates::ALL {
        text.push_str(template);
        text.push('\0');
    }
    let epoch = options
        .source_date_epoch
        .map(|seconds| seconds.to_string())
        .or_else(|| std::env::var("SOURCE_DATE_EPOCH").ok())
        .unwrap_or_default();
    text.push_str(&format!("epoch={epoch}\0"));
    for dependency in dependencies {
        text.push_str(&dependency.requirement);
        if let Some(wheel) = &dependency.wheel {
            text.push_str(&file_sha256(wheel).map_err(Error::io("read", wheel))?);
        }
        text.push('\0');
    }
    Ok(sha256_hex(text.as_bytes()))
}

fn build_from_source(
    recipe: &ResolvedRecipe,
    what: &str,
    dependencies: &[DependencyWheel],
    provided: &HashSet<String>,
    options: &BuildOptions,
    observer: &dyn Observer,
) -> Result<BuiltWheel, Error> {
    let mut timings = Vec::new();
    let started = Instant::now();
    observer.phase(what, Phase::Cache, "");
    let compiler = compiler_command(recipe);
    let identity = compiler_identity(&compiler);
    let key = build_key(recipe, &source_digest(recipe)?, &identity);
    let build_directory = options.cache.build(&key);
    let record_path = build_directory.join("build.json");
    let cached: Option<BuildRecord> = if options.use_cache {
        std::fs::read(&record_path)
            .ok()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
    } else {
        None
    };
    let packaging = packaging_key(recipe, options, dependencies)?;
    let wheel_cache = build_directory.join("wheels").join(&packaging);
    timings.push((Phase::Cache, started.elapsed()));

    let cache_hit = cached.is_some();
    let record = match cached {
        Some(record) => record,
        None => {
            let (record, build_timings) =
                compile(recipe, what, &key, &compiler, &identity, options, observer)?;
            timings.extend(build_timings);
            record
        }
    };
    let compile_seconds = record
        .timings
        .iter()
        .find(|timing| timing.phase == Phase::Compile)
        .map(|timing| timing.seconds);

    if cache_hit {
        if let Some(wheel) = reuse_wheel(recipe, &wheel_cache, options, observer, what)? {
            let mut wheel = wheel;
            wheel.log = Some(record.log.clone());
            wheel.compile_seconds = compile_seconds;
            wheel.build_timings = record.timings.clone();
            timings.extend(
                wheel
                    .timings
                    .iter()
                    .map(|timing| (timing.phase, Duration::from_secs_f64(timing.seconds))),
            );
            wheel.timings = timings
                .into_iter()
                .map(|(phase, duration)| PhaseTiming {
                    phase,
                    seconds: duration.as_secs_f64(),
                })
                .collect();
            return Ok(wheel);
        }
    }

    let started = Instant::now();
    observer.phase(what, Phase::Collect, &build_directory.display().to_string());
    let collected = from_prefix(recipe, what, &build_directory.join("prefix"), provided)?;
    let licenses: Vec<LicenseFile> = record
        .license_files
        .iter()
        .map(|wheel_path| LicenseFile {
            wheel_path: wheel_path.clone(),
            source: build_directory.join("licenses").join(wheel_path),
        })
        .collect();
    timings.push((Phase::Collect, started.elapsed()));
    let packaged = package(
        &PackageRequest {
            recipe,
            what,
            collected: &collected,
            licenses: &licenses,
            dependencies,
            wheel_directory: &options.wheel_directory,
            source_date_epoch: options.source_date_epoch,
        },
        observer,
    )?;
    let sha256 = file_sha256(&packaged.path).map_err(Error::io("read", &packaged.path))?;
    store_wheel(&wheel_cache, &packaged, &sha256);
    let build_timings = record.timings.clone();
    let mut wheel = finish(
        recipe,
        packaged,
        sha256,
        cache_hit,
        false,
        Some(record.log),
        compile_seconds,
        timings,
    );
    wheel.build_timings = build_timings;
    Ok(wheel)
}

/// Keep a copy of the packaged wheel in the build cache. A failure only costs a repack later.
fn store_wheel(wheel_cache: &Path, packaged: &Packaged, sha256: &str) {
    let Some(file_name) = packaged.path.file_name() else {
        return;
    };
    let record = PackageRecord {
        file_name: file_name.to_string_lossy().into_owned(),
        sha256: sha256.to_string(),
        manifest: packaged.manifest.clone(),
        platform_tags: packaged.platform_tags.clone(),
        unresolved: packaged.unresolved.clone(),
    };
    let Some(parent) = wheel_cache.parent() else {
        return;
    };
    let _ = std::fs::create_dir_all(parent);
    let Ok(partial) = tempfile::Builder::new()
        .prefix(".partial-")
        .tempdir_in(parent)
    else {
        return;
    };
    let stored = std::fs::copy(&packaged.path, partial.path().join(file_name)).is_ok()
        && serde_json::to_vec_pretty(&record)
            .ok()
            .is_some_and(|json| std::fs::write(partial.path().join("result.json"), json).is_ok());
    if stored {
        let _ = std::fs::remove_dir_all(wheel_cache);
        let _ = std::fs::rename(partial.keep(), wheel_cache);
    }
}

/// Copy the cached wheel into the wheel directory, if there is one and it is intact.
fn reuse_wheel(
    recipe: &ResolvedRecipe,
    wheel_cache: &Path,
    options: &BuildOptions,
    observer: &dyn Observer,
    what: &str,
) -> Result<Option<BuiltWheel>, Error> {
    let Some(record) = std::fs::read(wheel_cache.join("result.json"))
        .ok()
        .and_then(|bytes| serde_json::from_slice::<PackageRecord>(&bytes).ok())
    else {
        return Ok(None);
    };
    let cached = wheel_cache.join(&record.file_name);
    if !cached.is_file() {
        return Ok(None);
    }
    let started = Instant::now();
    observer.phase(what, Phase::Pack, "the cached wheel");
    let directory = &options.wheel_directory;
    std::fs::create_dir_all(directory).map_err(Error::io("create", directory))?;
    let target = directory.join(&record.file_name);
    let partial = tempfile::NamedTempFile::new_in(directory)
        .map_err(Error::io("create a file in", directory))?;
    std::fs::copy(&cached, partial.path()).map_err(Error::io("copy", &cached))?;
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(partial.path(), std::fs::Permissions::from_mode(0o644));
    }
    partial
        .persist(&target)
        .map_err(|error| Error::io("write", &target)(error.error))?;
    let size = std::fs::metadata(&target).map_or(0, |metadata| metadata.len());
    Ok(Some(BuiltWheel {
        recipe: recipe.recipe_path.clone(),
        variant: recipe.variant.clone(),
        path: target,
        sha256: record.sha256,
        size,
        cache_hit: true,
        wheel_reused: true,
        manifest: record.manifest,
        platform_tags: record.platform_tags,
        unresolved: record.unresolved,
        log: None,
        timings: vec![PhaseTiming {
            phase: Phase::Pack,
            seconds: started.elapsed().as_secs_f64(),
        }],
        compile_seconds: None,
        build_timings: Vec::new(),
        seconds: 0.0,
    }))
}

/// Fetch, unpack and build the recipe into `builds/<key>/`, recording the license files and
/// the log.
fn compile(
    recipe: &ResolvedRecipe,
    what: &str,
    key: &str,
    compiler: &str,
    identity: &str,
    options: &BuildOptions,
    observer: &dyn Observer,
) -> Result<(BuildRecord, Vec<(Phase, Duration)>), Error> {
    let mut timings = Vec::new();
    let started = Instant::now();
    let fetched = fetch(recipe, &options.cache, observer, what)?;
    timings.push((Phase::Fetch, started.elapsed()));

    let started = Instant::now();
    observer.phase(what, Phase::Extract, "");
    let work = tempfile::Builder::new()
        .prefix("nativelib-build-")
        .tempdir()
        .map_err(Error::io("create", std::env::temp_dir()))?;
    let source_root = work.path().join("source");
    let scratch = work.path().join("build");
    for directory in [&source_root, &scratch] {
        std::fs::create_dir_all(directory).map_err(Error::io("create", directory))?;
    }
    let tree = prepare_source_tree(
        &recipe.recipe_path,
        &fetched,
        recipe.source.subdirectory(),
        &source_root,
    )?;
    // License files are checked before a long build, not after.
    let licenses = locate(&recipe.recipe_path, &recipe.library.license_files, &tree)?;
    timings.push((Phase::Extract, started.elapsed()));

    let builds = options.cache.build(key);
    let builds_parent = builds.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(builds_parent).map_err(Error::io("create", builds_parent))?;
    let partial = tempfile::Builder::new()
        .prefix(&format!("{key}.partial-"))
        .tempdir_in(builds_parent)
        .map_err(Error::io("create a directory in", builds_parent))?;
    let prefix = partial.path().join("prefix");
    for directory in [
        prefix.join("lib"),
        prefix.join("include"),
        partial.path().join("licenses"),
    ] {
        std::fs::create_dir_all(&directory).map_err(Error::io("create", &directory))?;
    }
    for license in &licenses {
        let target = partial.path().join("licenses").join(&license.wheel_path);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(Error::io("create", parent))?;
        }
        std::fs::copy(&license.source, &target).map_err(Error::io("copy", &license.source))?;
    }

    let started = Instant::now();
    let jobs = options
        .jobs
        .or_else(|| recipe.build.as_ref().map(|build| build.jobs.count()))
        .unwrap_or(1)
        .max(1);
    let directories = BuildDirectories {
        source: tree.clone(),
        build: scratch.clone(),
        prefix: prefix.clone(),
    };
    let commands = recipe.build_commands(&directories, jobs);
    let mut extra_environment = Vec::new();
    if recipe.symbols.hide_outside_namespace {
        if let Some(script) = version_script(&recipe.symbols) {
            let script_path = work.path().join("nativelib-exports.map");
            std::fs::write(&script_path, script).map_err(Error::io("write", &script_path))?;
            let existing = recipe
                .build
                .as_ref()
                .and_then(|build| build.environment.get("LDFLAGS").cloned())
                .or_else(|| std::env::var("LDFLAGS").ok())
                .unwrap_or_default();
            let flag = format!("-Wl,--version-script={}", script_path.display());
            let value = if existing.trim().is_empty() {
                flag
            } else {
                format!("{existing} {flag}")
            };
            extra_environment.push(("LDFLAGS".to_string(), value));
        }
    }
    let stem = match &recipe.variant {
        Some(variant) => format!("{}-{variant}", recipe.library.name),
        None => recipe.library.name.clone(),
    };
    let log = BuildLog::create(&options.cache.logs(), &stem)?;
    log.line(&format!(
        "nativelib build of {} ({what}), cache key {key}",
        recipe.recipe_path.display()
    ));
    log.line(&format!(
        "compiler: {}",
        identity.lines().next().unwrap_or(compiler)
    ));
    log.line(&format!("jobs: {jobs}"));
    for (name, value) in &extra_environment {
        log.line(&format!("environment: {name}={value}"));
    }
    run_commands(
        &commands,
        &log,
        observer,
        &RunContext {
            recipe: &recipe.recipe_path,
            what,
            extra_environment: &extra_environment,
        },
    )?;
    log.flush();
    timings.push((Phase::Compile, started.elapsed()));

    let record = BuildRecord {
        license_files: licenses
            .iter()
            .map(|license| license.wheel_path.clone())
            .collect(),
        log: log.path().to_path_buf(),
        compiler: identity.to_string(),
        timings: timings
            .iter()
            .map(|(phase, duration)| PhaseTiming {
                phase: *phase,
                seconds: duration.as_secs_f64(),
            })
            .collect(),
    };
    let record_json = serde_json::to_vec_pretty(&record).unwrap_or_default();
    let record_path = partial.path().join("build.json");
    std::fs::write(&record_path, record_json).map_err(Error::io("write", &record_path))?;
    if builds.exists() {
        std::fs::remove_dir_all(&builds).map_err(Error::io("remove", &builds))?;
    }
    let partial_path = partial.keep();
    std::fs::rename(&partial_path, &builds).map_err(Error::io("create", &builds))?;
    Ok((record, timings))
}

#[cfg(test)]
mod tests;
