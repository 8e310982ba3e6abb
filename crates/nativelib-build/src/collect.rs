//! Gathering what goes into the wheel: the main shared library and the libraries beside it that
//! it needs (from a build's install prefix, a directory, the compiler toolchain or an existing
//! wheel), with the names each had, and the headers.

use std::collections::{BTreeSet, HashSet};
use std::io::Read;
use std::path::{Path, PathBuf};

use nativelib_audit::policy::ManylinuxPolicy;
use nativelib_binary::ElfFile;
use nativelib_recipe::{Collect, CollectFrom, ResolvedRecipe};

use crate::fetch::verify;
use crate::toolchain::print_file_name;
use crate::Error;

/// A shared library to package.
#[derive(Debug, Clone)]
pub(crate) struct CollectedLibrary {
    /// Its bytes, as built.
    pub(crate) bytes: Vec<u8>,
    /// Its parsed ELF data.
    pub(crate) elf: ElfFile,
    /// Where it was read from.
    pub(crate) origin: PathBuf,
    /// The names it had: the name it was asked for, its file name, its SONAME (deduplicated,
    /// in that order).
    pub(crate) names: Vec<String>,
}

impl CollectedLibrary {
    fn read(recipe: &Path, path: &Path, asked_as: &str) -> Result<Self, Error> {
        let real = std::fs::canonicalize(path).map_err(Error::io("read", path))?;
        let bytes = std::fs::read(&real).map_err(Error::io("read", &real))?;
        let elf = ElfFile::parse(&bytes).map_err(|source| Error::Binary {
            recipe: recipe.to_path_buf(),
            library: real.clone(),
            source: Box::new(source),
        })?;
        let mut names = vec![asked_as.to_string()];
        if let Some(file_name) = real.file_name() {
            names.push(file_name.to_string_lossy().into_owned());
        }
        names.extend(elf.soname.clone());
        let mut seen = HashSet::new();
        names.retain(|name| seen.insert(name.clone()));
        Ok(Self {
            bytes,
            elf,
            origin: real,
            names,
        })
    }

    /// The name other binaries load it by: its SONAME, else its file name.
    pub(crate) fn load_name(&self) -> &str {
        self.elf.soname.as_deref().unwrap_or(&self.names[0])
    }
}

/// A header to ship: its path under the include directory and where it is read from.
pub(crate) type Header = (String, PathBuf);

/// Everything gathered for the wheel.
#[derive(Debug, Clone)]
pub(crate) struct Collected {
    /// The libraries, the main one first.
    pub(crate) libraries: Vec<CollectedLibrary>,
    /// The headers, sorted by path.
    pub(crate) headers: Vec<Header>,
}

/// True for a library every manylinux system provides (libc, libm, libpthread, ...).
fn is_system_library(name: &str) -> bool {
    ManylinuxPolicy::all().any(|policy| policy.allows_library(name))
}

/// Add to `libraries` (which holds the main library) every library it needs, transitively, that
/// `find` locates and that is neither a system library nor in `provided` (names that dependency
/// wheels provide).
fn add_needed(
    recipe: &Path,
    libraries: &mut Vec<CollectedLibrary>,
    provided: &HashSet<String>,
    find: &dyn Fn(&str) -> Option<PathBuf>,
) -> Result<(), Error> {
    let mut index = 0;
    while index < libraries.len() {
        let needed = libraries[index].elf.needed.clone();
        for name in needed {
            let known = libraries
                .iter()
                .any(|library| library.names.contains(&name));
            if known || provided.contains(&name) || is_system_library(&name) {
                continue;
            }
            if let Some(path) = find(&name) {
                libraries.push(CollectedLibrary::read(recipe, &path, &name)?);
            }
        }
        index += 1;
    }
    Ok(())
}

/// What a build installed into `prefix`: `build.library` and the libraries beside it that it
/// needs, and every file under `<prefix>/include`.
pub(crate) fn from_prefix(
    recipe: &ResolvedRecipe,
    what: &str,
    prefix: &Path,
    provided: &HashSet<String>,
) -> Result<Collected, Error> {
    let Some(build) = &recipe.build else {
        return Err(Error::CollectNotFound {
            recipe: recipe.recipe_path.clone(),
            problem: "the recipe has no [build]".to_string(),
            fix: "add [build]".to_string(),
        });
    };
    let main = prefix.join(&build.library);
    if !main.exists() {
        let lib = prefix.join("lib");
        let mut found: Vec<String> = std::fs::read_dir(&lib)
            .map(|entries| {
                entries
                    .filter_map(|entry| entry.ok())
                    .map(|entry| entry.file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default();
        found.sort();
        return Err(Error::LibraryNotBuilt {
            recipe: recipe.recipe_path.clone(),
            what: what.to_string(),
            library: build.library.clone(),
            found: if found.is_empty() {
                "nothing".to_string()
            } else {
                found.join(", ")
            },
        });
    }
    let asked_as = build
        .library
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut libraries = vec![CollectedLibrary::read(
        &recipe.recipe_path,
        &main,
        &asked_as,
    )?];
    let directory = main.parent().unwrap_or(prefix).to_path_buf();
    let find = |name: &str| Some(directory.join(name)).filter(|path| path.exists());
    add_needed(&recipe.recipe_path, &mut libraries, provided, &find)?;
    let include = prefix.join("include");
    let mut headers = Vec::new();
    if include.is_dir() {
        for entry in walkdir::WalkDir::new(&include).follow_links(true) {
            let entry = entry.map_err(|error| Error::io("read", &include)(error.into()))?;
            if entry.file_type().is_file() {
                let relative = entry.path().strip_prefix(&include).unwrap_or(entry.path());
                headers.push((
                    relative.to_string_lossy().replace('\\', "/"),
                    entry.path().to_path_buf(),
                ));
            }
        }
    }
    headers.sort();
    Ok(Collected { libraries, headers })
}

/// A collected library: from a directory, the toolchain or a wheel (extracted into `scratch`).
pub(crate) fn from_collect(
    recipe: &ResolvedRecipe,
    collect: &Collect,
    provided: &HashSet<String>,
    scratch: &Path,
) -> Result<Collected, Error> {
    let recipe_path = &recipe.recipe_path;
    let not_found = |problem: String, fix: &str| Error::CollectNotFound {
        recipe: recipe_path.clone(),
        problem,
        fix: fix.to_string(),
    };
    let (libraries, headers) = match &collect.from {
        CollectFrom::Directory(directory) => {
            let main = directory.join(&collect.library);
            if !main.exists() {
                return Err(not_found(
                    format!("{} does not exist", main.display()),
                    "fix `source.library` or `collect-directory`",
                ));
            }
            let mut libraries = vec![CollectedLibrary::read(
                recipe_path,
                &main,
                &collect.library,
            )?];
            let library_directory = main.parent().unwrap_or(directory).to_path_buf();
            let find = |name: &str| Some(library_directory.join(name)).filter(|path| path.exists());
            add_needed(recipe_path, &mut libraries, provided, &find)?;
            let mut headers = Vec::new();
            for header in &collect.headers {
                let path = directory.join(header);
                if !path.is_file() {
                    return Err(not_found(
                        format!("the header {} does not exist", path.display()),
                        "fix `source.headers`",
                    ));
                }
                headers.push((header_name(header), path));
            }
            (libraries, headers)
        }
        CollectFrom::Toolchain { compiler } => {
            let locate = |name: &str| {
                print_file_name(compiler, name).map_err(|error| {
                    not_found(
                        format!("cannot run the compiler `{compiler}` ({error})"),
                        "install it or fix `collect-toolchain`",
                    )
                })
            };
            let main = locate(&collect.library)?.ok_or_else(|| {
                not_found(
                    format!(
                        "the compiler `{compiler}` does not know {}",
                        collect.library
                    ),
                    "install the library's development package, or fix `source.library`",
                )
            })?;
            // The toolchain's other libraries come from their own wheels (dependencies).
            let libraries = vec![CollectedLibrary::read(
                recipe_path,
                &main,
                &collect.library,
            )?];
            let mut headers = Vec::new();
            for header in &collect.headers {
                let path = locate(header)?.ok_or_else(|| {
                    not_found(
                        format!("the compiler `{compiler}` does not know the header {header}"),
                        "fix `source.headers`",
                    )
                })?;
                headers.push((header_name(header), path));
            }
            (libraries, headers)
        }
        CollectFrom::Wheel { path, sha256 } => {
            if let Some(sha256) = sha256 {
                verify(recipe_path, path, sha256)?;
            }
            let entries = extract_wheel(recipe_path, path, scratch)?;
            let find = |name: &str| {
                entries
                    .iter()
                    .find(|(entry, _)| entry == name || entry.rsplit('/').next() == Some(name))
                    .map(|(_, path)| path.clone())
            };
            let main = find(&collect.library).ok_or_else(|| {
                not_found(
                    format!(
                        "the wheel {} has no entry {}",
                        path.display(),
                        collect.library
                    ),
                    "fix `source.library` (a path inside the wheel)",
                )
            })?;
            let mut libraries = vec![CollectedLibrary::read(
                recipe_path,
                &main,
                file_name(&collect.library),
            )?];
            let by_soname = |name: &str| {
                find(name).or_else(|| {
                    entries.iter().find_map(|(_, path)| {
                        let bytes = std::fs::read(path).ok()?;
                        let elf = ElfFile::parse(&bytes).ok()?;
                        (elf.soname.as_deref() == Some(name)).then(|| path.clone())
                    })
                })
            };
            add_needed(recipe_path, &mut libraries, provided, &by_soname)?;
            let mut headers = Vec::new();
            for header in &collect.headers {
                let found = find(header).ok_or_else(|| {
                    not_found(
                        format!("the wheel {} has no header {header}", path.display()),
                        "fix `source.headers`",
                    )
                })?;
                headers.push((header_name(header), found));
            }
            (libraries, headers)
        }
    };
    let mut headers = headers;
    headers.sort();
    let unique: BTreeSet<&String> = headers.iter().map(|(name, _)| name).collect();
    if unique.len() != headers.len() {
        return Err(not_found(
            "two headers would have the same name".to_string(),
            "list each header once in `source.headers`",
        ));
    }
    Ok(Collected { libraries, headers })
}

fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// The name a collected header gets under the include directory: the part after `include/`,
/// else its file name.
fn header_name(header: &str) -> String {
    match header.rfind("include/") {
        Some(index) => header[index + "include/".len()..].to_string(),
        None => file_name(header).to_string(),
    }
}

/// Extract the wheel's shared libraries and headers into `scratch`; returns (entry, file).
fn extract_wheel(
    recipe: &Path,
    wheel: &Path,
    scratch: &Path,
) -> Result<Vec<(String, PathBuf)>, Error> {
    let failed = |problem: String| Error::Unpack {
        recipe: recipe.to_path_buf(),
        archive: wheel.to_path_buf(),
        problem,
    };
    let file = std::fs::File::open(wheel).map_err(Error::io("open", wheel))?;
    let mut archive = zip::ZipArchive::new(file).map_err(|error| failed(error.to_string()))?;
    let mut entries = Vec::new();
    for index in 0..archive.len() {
        let mut entry = archive
            .by_index(index)
            .map_err(|error| failed(error.to_string()))?;
        let Some(name) = entry.enclosed_name() else {
            continue;
        };
        let name_text = name.to_string_lossy().replace('\\', "/");
        let wanted = name_text.contains(".so")
            || name_text.ends_with(".h")
            || name_text.contains("include/");
        if entry.is_dir() || !wanted {
            continue;
        }
        let target = scratch.join(&name);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(Error::io("create", parent))?;
        }
        let mut bytes = Vec::new();
        entry
            .read_to_end(&mut bytes)
            .map_err(|error| failed(error.to_string()))?;
        std::fs::write(&target, bytes).map_err(Error::io("write", &target))?;
        entries.push((name_text, target));
    }
    Ok(entries)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_names() {
        assert_eq!(header_name("include/omp.h"), "omp.h");
        assert_eq!(header_name("pkg/include/sub/a.h"), "sub/a.h");
        assert_eq!(header_name("a.h"), "a.h");
    }

    #[test]
    fn system_libraries_are_known() {
        assert!(is_system_library("libc.so.6"));
        assert!(is_system_library("libm.so.6"));
        assert!(!is_system_library("libgfortran.so.5"));
    }
}
