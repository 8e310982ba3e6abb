//! Packaging collected libraries into a wheel: relink them, audit the result (exported symbols
//! outside the namespace, unresolved libraries, the manylinux tag the binaries satisfy, with
//! the dependency wheels alongside), and write the wheel deterministically.

use std::path::{Path, PathBuf};
use std::time::Instant;

use nativelib_audit::install::install_path;
use nativelib_audit::{audit, InstalledBinary, InstalledWheel, RecordCheck};
use nativelib_recipe::{Layout, ResolvedRecipe};
use nativelib_wheel::{normalize_name, WheelFilename, WheelWriter};

use crate::collect::Collected;
use crate::contents::{pkg_config_name, Contents};
use crate::licenses::LicenseFile;
use crate::manifest::{
    Manifest, ManifestDependency, ManifestLibrary, ManifestSymbols, OutsideNamespace,
};
use crate::observer::{Observer, Phase};
use crate::relink::{relink, DependencyWheel};
use crate::symbols::outside_namespace;
use crate::Error;

/// What packaging produced.
#[derive(Debug, Clone)]
pub(crate) struct Packaged {
    /// The wheel written.
    pub(crate) path: PathBuf,
    /// The manifest written into it.
    pub(crate) manifest: Manifest,
    /// The platform tags (`manylinux_2_17_x86_64`, `manylinux2014_x86_64`).
    pub(crate) platform_tags: Vec<String>,
    /// Libraries the packaged binaries need that nothing provides (`binary: library`).
    pub(crate) unresolved: Vec<String>,
    /// How long each phase took.
    pub(crate) timings: Vec<(Phase, std::time::Duration)>,
}

/// What to package and where.
pub(crate) struct PackageRequest<'a> {
    pub(crate) recipe: &'a ResolvedRecipe,
    pub(crate) what: &'a str,
    pub(crate) collected: &'a Collected,
    pub(crate) licenses: &'a [LicenseFile],
    pub(crate) dependencies: &'a [DependencyWheel],
    pub(crate) wheel_directory: &'a Path,
    pub(crate) source_date_epoch: Option<u64>,
}

/// The escaped distribution name used in file and directory names (`nativelib_openblas64`).
pub(crate) fn escaped_name(distribution: &str) -> String {
    normalize_name(distribution).replace('-', "_")
}

/// Relink, audit and write the wheel.
pub(crate) fn package(
    request: &PackageRequest<'_>,
    observer: &dyn Observer,
) -> Result<Packaged, Error> {
    let recipe = request.recipe;
    let wheel = &recipe.wheel;
    let name = escaped_name(&wheel.distribution);
    let dist_info = format!("{name}-{}.dist-info", wheel.version);
    let data_dir = format!("{name}-{}.data", wheel.version);
    let mut timings = Vec::new();

    let started = Instant::now();
    observer.phase(request.what, Phase::Relink, &wheel.soname);
    let libraries = relink(
        recipe,
        request.collected,
        &wheel.library_directory(),
        &data_dir,
        request.dependencies,
    )?;
    timings.push((Phase::Relink, started.elapsed()));

    let started = Instant::now();
    observer.phase(
        request.what,
        Phase::Audit,
        "exported symbols and platform tag",
    );
    let architecture = libraries[0].elf.architecture().to_string();
    let provisional = WheelFilename {
        name: name.clone(),
        version: wheel.version.clone(),
        build_tag: None,
        python_tags: vec!["py3".to_string()],
        abi_tags: vec!["none".to_string()],
        platform_tags: vec![format!("linux_{architecture}")],
    };
    let binaries = libraries
        .iter()
        .map(|library| {
            InstalledBinary::parse(
                &library.entry,
                install_path(&library.entry, &data_dir),
                &library.bytes,
            )
            .map_err(|source| Error::Binary {
                recipe: recipe.recipe_path.clone(),
                library: PathBuf::from(&library.entry),
                source: Box::new(source),
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let mut wheels = vec![InstalledWheel {
        path: request.wheel_directory.join(provisional.to_string()),
        filename: Some(provisional),
        requires_dist: Vec::new(),
        binaries,
        entry_count: 0,
        record_mismatches: Vec::new(),
    }];
    for dependency in request.dependencies {
        if let Some(path) = &dependency.wheel {
            wheels.push(
                InstalledWheel::read(path, RecordCheck::Strict).map_err(|source| Error::Audit {
                    recipe: recipe.recipe_path.clone(),
                    source: Box::new(source),
                })?,
            );
        }
    }
    let report = audit(&wheels).wheels.swap_remove(0);
    let platform_tags = report
        .platform
        .map(|platform| platform.verdict.tags)
        .unwrap_or_else(|| vec![format!("linux_{architecture}")]);
    let unresolved: Vec<String> = report
        .unresolved
        .iter()
        .map(|external| format!("{}: {}", external.binary, external.library))
        .collect();
    let outside: Vec<OutsideNamespace> = libraries
        .iter()
        .map(|library| OutsideNamespace {
            entry: library.entry.clone(),
            symbols: outside_namespace(&library.elf, &recipe.symbols),
        })
        .filter(|outside| !outside.symbols.is_empty())
        .collect();
    timings.push((Phase::Audit, started.elapsed()));

    let started = Instant::now();
    observer.phase(request.what, Phase::Pack, "");
    let manifest = Manifest {
        schema_version: 1,
        distribution: wheel.distribution.clone(),
        version: wheel.version.clone(),
        package: wheel.package.clone(),
        layout: match wheel.layout {
            Layout::Package => "package",
            Layout::Prefix => "prefix",
        }
        .to_string(),
        library: recipe.library.name.clone(),
        variant: recipe.variant.clone(),
        libraries: libraries
            .iter()
            .map(|library| ManifestLibrary {
                entry: library.entry.clone(),
                soname: library.soname.clone(),
                replaces: library.replaces.clone(),
                needed: library.elf.needed.clone(),
            })
            .collect(),
        include_directory: wheel.include_directory(),
        pkg_config_file: format!(
            "{}/pkgconfig/{}.pc",
            wheel.library_directory(),
            pkg_config_name(recipe)
        ),
        symbols: ManifestSymbols {
            prefix: recipe.symbols.prefix.clone(),
            suffix: recipe.symbols.suffix.clone(),
            keep: recipe.symbols.keep.clone(),
            hide_outside_namespace: recipe.symbols.hide_outside_namespace,
            outside_namespace: outside,
        },
        dependencies: request
            .dependencies
            .iter()
            .filter(|dependency| dependency.direct)
            .map(|dependency| ManifestDependency {
                requirement: dependency.requirement.clone(),
                package: dependency.package.clone(),
            })
            .collect(),
    };
    let contents = Contents {
        recipe,
        libraries: &libraries,
        licenses: request.licenses,
        dependencies: request.dependencies,
        manifest: &manifest,
        tags: &platform_tags,
        dist_info: &dist_info,
    };
    let mut writer = WheelWriter::new(&dist_info);
    if let Some(seconds) = request.source_date_epoch {
        writer.set_source_date_epoch(seconds);
    }
    for (entry, bytes, executable) in contents.files()? {
        writer.add_file(&entry, bytes, executable);
    }
    for library in &libraries {
        writer.add_file(&library.entry, library.bytes.clone(), true);
    }
    let include_directory = wheel.include_directory();
    for (relative, source) in &request.collected.headers {
        let bytes = std::fs::read(source).map_err(Error::io("read", source))?;
        writer.add_file(&format!("{include_directory}/{relative}"), bytes, false);
    }
    for license in request.licenses {
        let bytes = std::fs::read(&license.source).map_err(Error::io("read", &license.source))?;
        writer.add_file(
            &format!("{dist_info}/licenses/{}", license.wheel_path),
            bytes,
            false,
        );
    }
    let filename = WheelFilename {
        name,
        version: wheel.version.clone(),
        build_tag: None,
        python_tags: vec!["py3".to_string()],
        abi_tags: vec!["none".to_string()],
        platform_tags: platform_tags.clone(),
    };
    std::fs::create_dir_all(request.wheel_directory)
        .map_err(Error::io("create", request.wheel_directory))?;
    let path = request.wheel_directory.join(filename.to_string());
    writer.write(&path).map_err(|source| Error::Wheel {
        path: path.clone(),
        source: Box::new(source),
    })?;
    timings.push((Phase::Pack, started.elapsed()));
    Ok(Packaged {
        path,
        manifest,
        platform_tags,
        unresolved,
        timings,
    })
}
