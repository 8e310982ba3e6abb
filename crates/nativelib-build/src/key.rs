//! Digests: of files (sources are pinned by sha256), of directory trees (a local source
//! directory has no pinned digest), and the build cache key.

use std::io::Read;
use std::path::{Path, PathBuf};

use nativelib_recipe::{Dependency, Jobs, ResolvedRecipe, Source};
use sha2::{Digest, Sha256};

/// Lowercase hexadecimal of `bytes`.
pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

/// The sha256 of `bytes`, in hexadecimal.
pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// The sha256 of the file at `path`, in hexadecimal, read in chunks.
pub(crate) fn file_sha256(path: &Path) -> std::io::Result<String> {
    let mut file = std::fs::File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buffer = vec![0u8; 1 << 20];
    loop {
        let read = file.read(&mut buffer)?;
        if read == 0 {
            break;
        }
        hasher.update(&buffer[..read]);
    }
    Ok(hex(&hasher.finalize()))
}

/// A digest of a directory tree: every file's relative path, kind, executable bit and contents
/// (symbolic links by their target), in sorted order. `.git` directories are left out.
pub(crate) fn tree_digest(root: &Path) -> std::io::Result<String> {
    let mut hasher = Sha256::new();
    let mut entries: Vec<PathBuf> = walkdir::WalkDir::new(root)
        .follow_links(false)
        .into_iter()
        .filter_entry(|entry| entry.file_name() != ".git")
        .map(|entry| {
            entry
                .map(|entry| entry.into_path())
                .map_err(std::io::Error::from)
        })
        .collect::<Result<_, _>>()?;
    entries.sort();
    for path in entries {
        let relative = path.strip_prefix(root).unwrap_or(&path);
        let metadata = std::fs::symlink_metadata(&path)?;
        hasher.update(relative.to_string_lossy().as_bytes());
        hasher.update([0]);
        if metadata.file_type().is_symlink() {
            hasher.update(b"link\0");
            hasher.update(std::fs::read_link(&path)?.to_string_lossy().as_bytes());
        } else if metadata.is_file() {
            use std::os::unix::fs::PermissionsExt;
            let executable = metadata.permissions().mode() & 0o111 != 0;
            hasher.update(if executable { b"exec\0" } else { b"file\0" });
            hasher.update(file_sha256(&path)?.as_bytes());
        } else {
            hasher.update(b"dir\0");
        }
        hasher.update([0]);
    }
    Ok(hex(&hasher.finalize()))
}

/// How a dependency's recipe file is named in the build key: by its path from the parent of
/// the naming recipe's directory (`recipes/openmp.toml`), both canonicalized, so that the key
/// does not depend on how the recipe's path was spelled (`recipes/openblas.toml`,
/// `/work/main/recipes/openblas.toml`, `../main/recipes/openblas.toml`).
fn dependency_key_path(recipe_directory: &Path, dependency: &Path) -> PathBuf {
    let directory = std::fs::canonicalize(if recipe_directory.as_os_str().is_empty() {
        Path::new(".")
    } else {
        recipe_directory
    });
    let (Ok(directory), Ok(dependency_file)) = (directory, std::fs::canonicalize(dependency))
    else {
        return dependency.to_path_buf();
    };
    directory
        .parent()
        .and_then(|base| dependency_file.strip_prefix(base).ok())
        .map_or_else(|| dependency.to_path_buf(), Path::to_path_buf)
}

/// The build cache key of `recipe`: its settings (without the job count, which does not change
/// what is built, without the recipe's own path, and without the `[wheel]` table, which only
/// packaging reads: a renamed SONAME or distribution repackages the cached build), its variant,
/// the source's digest (so not the spelling of a local source's path), the compiler's identity
/// and this crate's version.
pub(crate) fn build_key(
    recipe: &ResolvedRecipe,
    source_digest: &str,
    compiler_identity: &str,
) -> String {
    let mut settings = recipe.clone();
    settings.recipe_path = PathBuf::new();
    // A local source is identified by its digest, not by how its path was spelled.
    if let Source::Path { path, .. } = &mut settings.source {
        *path = PathBuf::new();
    }
    for dependency in &mut settings.dependencies {
        if let Dependency::Recipe { path, .. } = dependency {
            *path = dependency_key_path(recipe.recipe_directory(), path);
        }
    }
    if let Some(build) = &mut settings.build {
        build.jobs = Jobs::Auto;
    }
    settings.wheel = nativelib_recipe::WheelSpec {
        distribution: String::new(),
        package: String::new(),
        version: String::new(),
        layout: nativelib_recipe::Layout::default(),
        soname: String::new(),
        replaces: Vec::new(),
    };
    let mut hasher = Sha256::new();
    for part in [
        concat!("nativelib-build ", env!("CARGO_PKG_VERSION")),
        &format!("{settings:?}"),
        settings.variant.as_deref().unwrap_or(""),
        source_digest,
        compiler_identity,
    ] {
        hasher.update(part.as_bytes());
        hasher.update([0]);
    }
    hex(&hasher.finalize())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256_of_known_input() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        let directory = tempfile::tempdir().unwrap();
        let path = directory.path().join("f");
        std::fs::write(&path, b"abc").unwrap();
        assert_eq!(file_sha256(&path).unwrap(), sha256_hex(b"abc"));
    }

    #[test]
    fn the_key_does_not_depend_on_how_the_recipe_path_is_spelled() {
        let directory = tempfile::tempdir().unwrap();
        let recipes = directory.path().join("recipes");
        std::fs::create_dir_all(recipes.join("sub")).unwrap();
        let text = |dependency: &str| {
            format!(
                "dependencies = [{{ recipe = \"{dependency}\" }}]\n[library]\nname = \"a\"\n\
                 version = \"1.0\"\nlicense = \"MIT\"\nlicense-files = [\"LICENSE\"]\n\
                 [source]\npath = \"sub\"\n[build]\nsystem = \"commands\"\n\
                 library = \"lib/liba.so.1\"\ncommands = [[\"true\"]]\n[wheel]\n\
                 distribution = \"a\"\nsoname = \"liba-nl.so.1\"\n"
            )
        };
        std::fs::write(recipes.join("a.toml"), text("b.toml")).unwrap();
        std::fs::write(recipes.join("b.toml"), text("a.toml")).unwrap();
        std::fs::write(recipes.join("c.toml"), text("sub/../b.toml")).unwrap();
        let key = |path: &Path| {
            let recipe = nativelib_recipe::Recipe::load(path)
                .unwrap()
                .variant(None)
                .unwrap();
            build_key(&recipe, "digest", "cc 12")
        };
        let absolute = key(&recipes.join("a.toml"));
        assert_eq!(key(&recipes.join("sub/../a.toml")), absolute);
        assert_eq!(key(&directory.path().join("./recipes/a.toml")), absolute);
        assert_eq!(
            key(&recipes.join("c.toml")),
            absolute,
            "the same dependency spelled differently"
        );
        assert_ne!(key(&recipes.join("b.toml")), absolute);
        assert_eq!(
            dependency_key_path(&recipes, &recipes.join("b.toml")),
            Path::new("recipes/b.toml")
        );
    }

    #[test]
    fn tree_digest_changes_with_content_and_names_only() {
        let directory = tempfile::tempdir().unwrap();
        let root = directory.path();
        std::fs::create_dir(root.join("sub")).unwrap();
        std::fs::write(root.join("sub/a.c"), b"int a;").unwrap();
        let first = tree_digest(root).unwrap();
        assert_eq!(first, tree_digest(root).unwrap());
        std::fs::write(root.join("sub/a.c"), b"int b;").unwrap();
        let changed = tree_digest(root).unwrap();
        assert_ne!(first, changed);
        std::fs::rename(root.join("sub/a.c"), root.join("sub/b.c")).unwrap();
        assert_ne!(changed, tree_digest(root).unwrap());
        std::fs::create_dir(root.join(".git")).unwrap();
        std::fs::write(root.join(".git/HEAD"), b"x").unwrap();
        std::fs::rename(root.join("sub/b.c"), root.join("sub/a.c")).unwrap();
        assert_eq!(changed, tree_digest(root).unwrap(), ".git is left out");
    }
}
