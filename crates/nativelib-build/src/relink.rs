//! Giving the packaged libraries their names and search paths: the main library the recipe's
//! SONAME, every DT_NEEDED entry naming a packaged library or a dependency wheel's library
//! renamed to match, and a search path of `$ORIGIN` plus `$ORIGIN`-relative paths to the
//! dependency wheels' library directories (the RPATH/RUNPATH kind that was there is kept;
//! DT_RUNPATH when there was none). A library installed under the environment's prefix (the
//! `prefix` layout) cannot reach site-packages by a relative path that holds for every Python
//! version; it relies on its loader preloading the dependency.

use nativelib_audit::install::{install_path, parent, relative_path, SITE_PACKAGES};
use nativelib_binary::{rewrite, ElfEdit, ElfFile, SearchPathKind};
use nativelib_recipe::ResolvedRecipe;

use crate::collect::Collected;
use crate::Error;

/// A library of a dependency wheel, as a packaged library may need it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ProvidedLibrary {
    /// Its SONAME in the dependency wheel.
    pub(crate) soname: String,
    /// The names it replaces (what the build's DT_NEEDED may say).
    pub(crate) replaces: Vec<String>,
    /// The directory it is installed into (a virtual install path, see
    /// `nativelib_audit::install`).
    pub(crate) install_directory: String,
}

/// A library wheel this one depends on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DependencyWheel {
    /// The requirement for `Requires-Dist`.
    pub(crate) requirement: String,
    /// Its distribution name.
    pub(crate) distribution: String,
    /// Its import package (whose `preload()` runs first), when known.
    pub(crate) package: Option<String>,
    /// Its libraries (empty for a published wheel not built here).
    pub(crate) libraries: Vec<ProvidedLibrary>,
    /// The wheel file (audited together with this one).
    pub(crate) wheel: Option<std::path::PathBuf>,
    /// The requirements of its own dependencies, from its manifest.
    pub(crate) requires: Vec<String>,
    /// Whether the recipe names it (`Requires-Dist` and preloaded), rather than a dependency of
    /// a dependency (only linked against and audited with).
    pub(crate) direct: bool,
}

/// A library ready to pack.
#[derive(Debug, Clone)]
pub(crate) struct RelinkedLibrary {
    /// Its wheel entry, `<library directory>/<soname>`.
    pub(crate) entry: String,
    /// Its SONAME (also its file name).
    pub(crate) soname: String,
    /// The rewritten file.
    pub(crate) bytes: Vec<u8>,
    /// The rewritten file, parsed.
    pub(crate) elf: ElfFile,
    /// The names it had before (see [`crate::ManifestLibrary::replaces`]).
    pub(crate) replaces: Vec<String>,
}

/// Rename and relink the collected libraries for the wheel's `library_directory` (`data_dir`
/// is the wheel's `.data` directory, for the prefix layout).
pub(crate) fn relink(
    recipe: &ResolvedRecipe,
    collected: &Collected,
    library_directory: &str,
    data_dir: &str,
    dependencies: &[DependencyWheel],
) -> Result<Vec<RelinkedLibrary>, Error> {
    let new_names: Vec<String> = collected
        .libraries
        .iter()
        .enumerate()
        .map(|(index, library)| {
            if index == 0 {
                recipe.wheel.soname.clone()
            } else {
                library.load_name().to_string()
            }
        })
        .collect();
    let own_directory =
        parent(&install_path(&format!("{library_directory}/x"), data_dir)).to_string();
    let mut relinked = Vec::new();
    for (index, library) in collected.libraries.iter().enumerate() {
        let mut edit = ElfEdit {
            search_path_kind_if_absent: SearchPathKind::Runpath,
            ..ElfEdit::default()
        };
        if library.elf.soname.as_deref() != Some(new_names[index].as_str()) {
            edit.soname = Some(new_names[index].clone());
        }
        let mut search_path = vec!["$ORIGIN".to_string()];
        for needed in &library.elf.needed {
            let packaged = collected
                .libraries
                .iter()
                .position(|other| other.names.contains(needed));
            let replacement = if let Some(other) = packaged {
                Some(new_names[other].clone())
            } else if let Some(provided) = dependencies
                .iter()
                .flat_map(|dependency| &dependency.libraries)
                .find(|provided| provided.soname == *needed || provided.replaces.contains(needed))
            {
                // From <prefix>/lib there is no path into site-packages that holds for every
                // Python version (lib/python3.X/site-packages): there the loader's preload()
                // of the dependency makes its SONAME known instead.
                let reachable = own_directory.starts_with(SITE_PACKAGES)
                    || !provided.install_directory.starts_with(SITE_PACKAGES);
                let entry = format!(
                    "$ORIGIN/{}",
                    relative_path(&own_directory, &provided.install_directory)
                );
                if reachable && !search_path.contains(&entry) {
                    search_path.push(entry);
                }
                Some(provided.soname.clone())
            } else {
                None
            };
            if let Some(replacement) = replacement.filter(|replacement| replacement != needed) {
                edit.replace_needed.push((needed.clone(), replacement));
            }
        }
        edit.search_path = Some(search_path.join(":"));
        let bytes = rewrite(&library.bytes, &edit).map_err(|source| Error::Binary {
            recipe: recipe.recipe_path.clone(),
            library: library.origin.clone(),
            source: Box::new(source),
        })?;
        let elf = ElfFile::parse(&bytes).map_err(|source| Error::Binary {
            recipe: recipe.recipe_path.clone(),
            library: library.origin.clone(),
            source: Box::new(source),
        })?;
        // The names it had, and for the wheel's own library the further ones the recipe names.
        let declared = if index == 0 {
            recipe.wheel.replaces.as_slice()
        } else {
            &[]
        };
        let mut replaces: Vec<String> = Vec::new();
        for name in library.names.iter().chain(declared) {
            if *name != new_names[index] && !replaces.contains(name) {
                replaces.push(name.clone());
            }
        }
        relinked.push(RelinkedLibrary {
            entry: format!("{library_directory}/{}", new_names[index]),
            soname: new_names[index].clone(),
            bytes,
            elf,
            replaces,
        });
    }
    Ok(relinked)
}
