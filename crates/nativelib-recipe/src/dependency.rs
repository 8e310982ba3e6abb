//! Dependencies between recipes: what a recipe names, and the order to build a recipe and
//! everything it needs, with cycles reported as the chain of files.

use std::collections::{HashMap, HashSet};
use std::path::{Component, Path, PathBuf};

use crate::error::{ChainLink, Error};
use crate::recipe::{Recipe, ResolvedRecipe};

/// Something a library wheel needs at run time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Dependency {
    /// The wheel built from another recipe (`{ recipe = "openmp.toml" }`).
    Recipe {
        /// The recipe file, joined to the naming recipe's directory.
        path: PathBuf,
        /// The variant of it; `None` for its default.
        variant: Option<String>,
    },
    /// A published wheel (`{ wheel = "nativelib-openmp>=12" }`).
    Wheel {
        /// The requirement, as written.
        requirement: String,
    },
}

/// Every variant of the recipe at `root` and every recipe they depend on, transitively, in
/// build order: each recipe after the recipes it depends on.
pub fn dependency_order(root: &Path) -> Result<Vec<ResolvedRecipe>, Error> {
    let mut walk = Walk::default();
    let recipe = walk.load(root, None)?;
    let variants: Vec<Option<String>> = recipe
        .resolved_variants()
        .iter()
        .map(|resolved| resolved.variant.clone())
        .collect();
    for variant in variants {
        walk.visit(root, variant.as_deref(), None)?;
    }
    Ok(walk.order)
}

/// One variant of the recipe at `root` (`None`: its default) and every recipe it depends on,
/// transitively, in build order: the variant last.
pub fn dependency_order_for_variant(
    root: &Path,
    variant: Option<&str>,
) -> Result<Vec<ResolvedRecipe>, Error> {
    let mut walk = Walk::default();
    walk.visit(root, variant, None)?;
    Ok(walk.order)
}

/// A depth-first walk over recipe variants.
#[derive(Default)]
struct Walk {
    /// Loaded recipes by canonical path.
    recipes: HashMap<PathBuf, Recipe>,
    /// Variants already placed in `order`, by canonical path and variant.
    done: HashSet<(PathBuf, Option<String>)>,
    /// The variants being visited, outermost first.
    stack: Vec<((PathBuf, Option<String>), ChainLink)>,
    order: Vec<ResolvedRecipe>,
}

impl Walk {
    /// Load the recipe at `path` once; `dependent` names the recipe that asked for it.
    fn load(&mut self, path: &Path, dependent: Option<&Path>) -> Result<&Recipe, Error> {
        let wrap = |error: Error| match dependent {
            Some(dependent) => Error::Dependency {
                dependent: dependent.to_path_buf(),
                dependency: path.to_path_buf(),
                source: Box::new(error),
            },
            None => error,
        };
        let canonical = std::fs::canonicalize(path).map_err(|source| {
            wrap(Error::Read {
                path: path.to_path_buf(),
                source,
            })
        })?;
        if !self.recipes.contains_key(&canonical) {
            let recipe = Recipe::load(path).map_err(wrap)?;
            self.recipes.insert(canonical.clone(), recipe);
        }
        Ok(&self.recipes[&canonical])
    }

    fn visit(
        &mut self,
        path: &Path,
        variant: Option<&str>,
        dependent: Option<&Path>,
    ) -> Result<(), Error> {
        let path = lexically_normal(path);
        let resolved = self
            .load(&path, dependent)?
            .variant(variant)
            .map_err(|error| match dependent {
                Some(dependent) => Error::Dependency {
                    dependent: dependent.to_path_buf(),
                    dependency: path.clone(),
                    source: Box::new(error),
                },
                None => error,
            })?;
        let canonical = std::fs::canonicalize(&path).map_err(|source| Error::Read {
            path: path.clone(),
            source,
        })?;
        let node = (canonical, resolved.variant.clone());
        if self.done.contains(&node) {
            return Ok(());
        }
        let link = ChainLink {
            recipe: path.clone(),
            variant: resolved.variant.clone(),
        };
        if let Some(start) = self
            .stack
            .iter()
            .position(|(visiting, _)| *visiting == node)
        {
            let mut chain: Vec<ChainLink> = self.stack[start..]
                .iter()
                .map(|(_, link)| link.clone())
                .collect();
            chain.push(link);
            return Err(Error::DependencyCycle { chain });
        }
        self.stack.push((node.clone(), link));
        for dependency in &resolved.dependencies {
            if let Dependency::Recipe {
                path: dependency_path,
                variant,
            } = dependency
            {
                self.visit(dependency_path, variant.as_deref(), Some(&path))?;
            }
        }
        self.stack.pop();
        self.done.insert(node);
        self.order.push(resolved);
        Ok(())
    }
}

/// `path` without `.` components, for readable chains (`..` is kept: folding it would be
/// wrong through symbolic links).
fn lexically_normal(path: &Path) -> PathBuf {
    path.components()
        .filter(|component| !matches!(component, Component::CurDir))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIBRARY: &str = r#"
[library]
name = "NAME"
version = "1.0"
license = "MIT"
license-files = ["LICENSE"]

[source]
collect-toolchain = "cc"
library = "libNAME.so.1"

[wheel]
distribution = "nativelib-NAME"
soname = "libNAME-nativelib.so.1"
"#;

    fn write(directory: &Path, name: &str, dependencies: &[&str]) {
        let mut text = LIBRARY.replace("NAME", name);
        let entries: Vec<String> = dependencies
            .iter()
            .map(|dependency| format!("{{ recipe = \"{dependency}\" }}"))
            .collect();
        text = format!("dependencies = [{}]\n{text}", entries.join(", "));
        std::fs::write(directory.join(format!("{name}.toml")), text).unwrap();
    }

    #[test]
    fn orders_dependencies_before_dependents() {
        let directory = tempfile::tempdir().unwrap();
        write(directory.path(), "a", &["b.toml", "c.toml"]);
        write(directory.path(), "b", &["c.toml"]);
        write(directory.path(), "c", &[]);
        let order = dependency_order(&directory.path().join("a.toml")).unwrap();
        let names: Vec<&str> = order
            .iter()
            .map(|recipe| recipe.library.name.as_str())
            .collect();
        assert_eq!(names, ["c", "b", "a"], "c is reached twice but built once");
    }

    #[test]
    fn reports_a_cycle_as_the_chain_of_files() {
        let directory = tempfile::tempdir().unwrap();
        write(directory.path(), "a", &["b.toml"]);
        write(directory.path(), "b", &["./a.toml"]);
        let root = directory.path().join("a.toml");
        let error = dependency_order(&root).unwrap_err();
        let Error::DependencyCycle { chain } = &error else {
            panic!("expected a cycle, got {error}");
        };
        let files: Vec<PathBuf> = chain
            .iter()
            .map(|link| {
                link.recipe
                    .strip_prefix(directory.path())
                    .unwrap()
                    .to_path_buf()
            })
            .collect();
        assert_eq!(
            files,
            [
                PathBuf::from("a.toml"),
                PathBuf::from("b.toml"),
                PathBuf::from("a.toml")
            ]
        );
        let message = error.to_string();
        let directory_text = directory.path().display().to_string();
        assert_eq!(
            message.replace(&format!("{directory_text}/"), ""),
            "Dependency cycle between recipes: a.toml -> b.toml -> a.toml; \
             remove one of these dependencies"
        );
    }

    #[test]
    fn a_self_dependency_is_a_cycle() {
        let directory = tempfile::tempdir().unwrap();
        write(directory.path(), "a", &["a.toml"]);
        let error = dependency_order(&directory.path().join("a.toml")).unwrap_err();
        assert!(
            matches!(&error, Error::DependencyCycle { chain } if chain.len() == 2),
            "{error}"
        );
    }

    #[test]
    fn a_missing_dependency_names_both_recipes() {
        let directory = tempfile::tempdir().unwrap();
        write(directory.path(), "a", &["missing.toml"]);
        let error = dependency_order(&directory.path().join("a.toml")).unwrap_err();
        let message = error.to_string();
        assert!(message.contains("missing.toml"), "{message}");
        assert!(message.contains("a dependency of"), "{message}");
        assert!(message.contains("a.toml"), "{message}");
        assert!(matches!(
            &error,
            Error::Dependency { source, .. } if matches!(**source, Error::Read { .. })
        ));
    }

    #[test]
    fn an_unknown_variant_of_a_dependency_names_both_recipes() {
        let directory = tempfile::tempdir().unwrap();
        write(directory.path(), "b", &[]);
        let text = LIBRARY.replace("NAME", "a");
        let text = format!("dependencies = [{{ recipe = \"b.toml\", variant = \"x\" }}]\n{text}");
        std::fs::write(directory.path().join("a.toml"), text).unwrap();
        let error = dependency_order(&directory.path().join("a.toml")).unwrap_err();
        let Error::Dependency { source, .. } = &error else {
            panic!("expected a dependency error, got {error}");
        };
        assert!(error.to_string().ends_with("a.toml"), "{error}");
        let cause = source.to_string();
        assert!(cause.starts_with("Unknown variant `x` of "), "{cause}");
        assert!(cause.contains("this recipe defines no variants"), "{cause}");
    }

    #[test]
    fn drops_dot_segments() {
        assert_eq!(
            lexically_normal(Path::new("recipes/./openmp.toml")),
            PathBuf::from("recipes/openmp.toml")
        );
        assert_eq!(
            lexically_normal(Path::new("../a.toml")),
            PathBuf::from("../a.toml")
        );
    }
}
