//! The files of a library wheel besides the libraries: the loader package and
//! `_distributor_init.py` (from `templates/`), the relocatable pkg-config and CMake files,
//! METADATA 2.4 (PEP 639 license fields), WHEEL, `entry_points.txt` and `nativelib.json`.

use nativelib_recipe::{Layout, ResolvedRecipe};
use nativelib_wheel::{normalize_name, CoreMetadata, HeaderFields, WheelFile};

use crate::licenses::LicenseFile;
use crate::manifest::Manifest;
use crate::relink::{DependencyWheel, RelinkedLibrary};
use crate::render::{render_template, templates};
use crate::Error;

/// A file of the wheel: its entry, bytes and whether it is executable.
pub(crate) type WheelEntry = (String, Vec<u8>, bool);

/// The pkg-config name (and `.pc` file stem) of a wheel: its normalized distribution name.
pub(crate) fn pkg_config_name(recipe: &ResolvedRecipe) -> String {
    normalize_name(&recipe.wheel.distribution)
}

/// The CMake package name: the import package in CamelCase (`nativelib_openblas64` gives
/// `NativelibOpenblas64`).
fn cmake_package_name(package: &str) -> String {
    package
        .split('_')
        .filter(|part| !part.is_empty())
        .map(|part| {
            let mut characters = part.chars();
            characters
                .next()
                .map(|first| first.to_uppercase().chain(characters).collect::<String>())
                .unwrap_or_default()
        })
        .collect()
}

/// The `-l` argument for a library file: `name` for `libname.so`, else `:file`.
fn link_argument(file: &str) -> String {
    match file
        .strip_prefix("lib")
        .and_then(|rest| rest.strip_suffix(".so"))
    {
        Some(name) => name.to_string(),
        None => format!(":{file}"),
    }
}

fn render(
    template: &'static str,
    name: &'static str,
    values: &[(&str, &str)],
) -> Result<Vec<u8>, Error> {
    render_template(template, values)
        .map(String::into_bytes)
        .map_err(|source| Error::Template {
            template: name,
            source,
        })
}

/// Everything the wheel holds except the libraries, headers and RECORD.
pub(crate) struct Contents<'a> {
    pub(crate) recipe: &'a ResolvedRecipe,
    pub(crate) libraries: &'a [RelinkedLibrary],
    pub(crate) licenses: &'a [LicenseFile],
    pub(crate) dependencies: &'a [DependencyWheel],
    pub(crate) manifest: &'a Manifest,
    /// The `py3-none-<platform>` tags.
    pub(crate) tags: &'a [String],
    pub(crate) dist_info: &'a str,
}

impl Contents<'_> {
    /// The files, unsorted (the writer sorts them).
    pub(crate) fn files(&self) -> Result<Vec<WheelEntry>, Error> {
        let recipe = self.recipe;
        let wheel = &recipe.wheel;
        let library_directory = wheel.library_directory();
        let main = &self.libraries[0];
        let pc_name = pkg_config_name(recipe);
        let dependency_packages: Vec<&str> = self
            .dependencies
            .iter()
            .filter(|dependency| dependency.direct)
            .filter_map(|dependency| dependency.package.as_deref())
            .collect();
        let layout = match wheel.layout {
            Layout::Package => "package",
            Layout::Prefix => "prefix",
        };
        let dependency_json =
            serde_json::to_string(&dependency_packages).unwrap_or_else(|_| "[]".to_string());
        let loader = render(
            templates::LOADER,
            "loader/__init__.py",
            &[
                ("distribution_name", &wheel.distribution),
                ("version", &wheel.version),
                ("layout", layout),
                ("library_file", &main.soname),
                ("pkg_config_dir", "pkgconfig"),
                ("dependency_import_names", &dependency_json),
            ],
        )?;
        let distributor_init = render(templates::DISTRIBUTOR_INIT, "distributor_init.py", &[])?;
        let private: Vec<String> = self.libraries[1..]
            .iter()
            .map(|library| format!("-l{}", link_argument(&library.soname)))
            .chain(
                main.elf
                    .needed
                    .iter()
                    .filter(|needed| {
                        !self
                            .libraries
                            .iter()
                            .any(|library| library.soname == **needed)
                    })
                    .filter_map(|needed| needed.split(".so").next())
                    .filter_map(|stem| stem.strip_prefix("lib"))
                    // The C library and the dynamic loader come with every link.
                    .filter(|name| *name != "c" && !name.starts_with("ld-linux"))
                    .map(|name| format!("-l{name}")),
            )
            .collect();
        let description = recipe
            .library
            .summary
            .clone()
            .unwrap_or_else(|| format!("The {} library", recipe.library.name));
        let pkg_config = render(
            templates::PKG_CONFIG,
            "pkgconfig.pc",
            &[
                ("pcfiledir_to_prefix", "../.."),
                ("libdir", "lib"),
                ("includedir", "include"),
                ("name", &pc_name),
                (
                    "description",
                    &format!("{description} (nativelib library wheel)"),
                ),
                ("version", &wheel.version),
                ("link_name", &link_argument(&main.soname)),
                ("libs_private", &private.join(" ")),
                ("extra_cflags", ""),
            ],
        )?;
        let cmake_name = cmake_package_name(&wheel.package);
        let target = format!("{cmake_name}::{}", recipe.library.name.replace('-', "_"));
        let cmake_config = render(
            templates::CMAKE_CONFIG,
            "cmake-config.cmake",
            &[
                ("package_name", &cmake_name),
                ("version", &wheel.version),
                ("target", &target),
                ("config_to_prefix", "../../.."),
                ("libdir", "lib"),
                ("includedir", "include"),
                ("library_file", &main.soname),
                ("soname", &main.soname),
            ],
        )?;
        let cmake_config_version = render(
            templates::CMAKE_CONFIG_VERSION,
            "cmake-config-version.cmake",
            &[("version", &wheel.version)],
        )?;
        let mut files: Vec<WheelEntry> = vec![
            (format!("{}/__init__.py", wheel.package), loader, false),
            (
                format!("{}/_distributor_init.py", wheel.package),
                distributor_init,
                false,
            ),
            (
                format!("{library_directory}/pkgconfig/{pc_name}.pc"),
                pkg_config,
                false,
            ),
            (
                format!("{library_directory}/cmake/{cmake_name}/{cmake_name}Config.cmake"),
                cmake_config,
                false,
            ),
            (
                format!("{library_directory}/cmake/{cmake_name}/{cmake_name}ConfigVersion.cmake"),
                cmake_config_version,
                false,
            ),
            (
                format!("{}/METADATA", self.dist_info),
                self.metadata().into_bytes(),
                false,
            ),
            (
                format!("{}/WHEEL", self.dist_info),
                self.wheel_file().into_bytes(),
                false,
            ),
        ];
        if wheel.layout == Layout::Package {
            let entry_points = format!(
                "[pkg_config]\n{pc_name} = {}.lib.pkgconfig\n",
                wheel.package
            );
            files.push((
                format!("{}/entry_points.txt", self.dist_info),
                entry_points.into_bytes(),
                false,
            ));
        }
        let mut manifest = serde_json::to_string_pretty(self.manifest).unwrap_or_default();
        manifest.push('\n');
        files.push((
            format!("{}/{}", self.dist_info, crate::manifest::MANIFEST_FILE),
            manifest.into_bytes(),
            false,
        ));
        Ok(files)
    }

    /// METADATA 2.4 with PEP 639 `License-Expression` and `License-File`.
    fn metadata(&self) -> String {
        let recipe = self.recipe;
        let library = &recipe.library;
        let mut fields = HeaderFields::new();
        fields.push("Metadata-Version", "2.4");
        fields.push("Name", recipe.wheel.distribution.clone());
        fields.push("Version", recipe.wheel.version.clone());
        let summary = library
            .summary
            .clone()
            .unwrap_or_else(|| format!("The {} library", library.name));
        fields.push("Summary", summary.clone());
        if let Some(homepage) = &library.homepage {
            fields.push("Project-URL", format!("Homepage, {homepage}"));
        }
        fields.push("License-Expression", library.license.clone());
        for license in self.licenses {
            fields.push("License-File", license.wheel_path.clone());
        }
        fields.push("Requires-Python", ">=3.8");
        let mut metadata = CoreMetadata(fields);
        for dependency in self
            .dependencies
            .iter()
            .filter(|dependency| dependency.direct)
        {
            metadata.add_requires_dist(&dependency.requirement);
        }
        metadata.0.push("Description-Content-Type", "text/markdown");
        metadata.0.set_body(Some(self.description(&summary)));
        metadata.to_string()
    }

    /// The long description: what the wheel holds and how to use it.
    fn description(&self, summary: &str) -> String {
        let recipe = self.recipe;
        let wheel = &recipe.wheel;
        let variant = recipe
            .variant
            .as_deref()
            .map(|variant| format!(", variant `{variant}`"))
            .unwrap_or_default();
        let libraries: Vec<String> = self
            .libraries
            .iter()
            .map(|library| format!("- `{}` (SONAME `{}`)", library.entry, library.soname))
            .collect();
        format!(
            "# {distribution}\n\n{summary}: {name} {version}{variant}, packaged by nativelib as a \
             library wheel for every Python version.\n\n{libraries}\n\nUse it from Python with \
             `import {package}`: `{package}.get_lib_dir()`, `get_include_dir()`, `get_library()`, \
             `get_pkg_config()` (a relocatable `{pc}.pc`, also registered as a `pkg_config` entry \
             point), and `preload()`, which loads the library by absolute path with RTLD_LOCAL.\n",
            distribution = wheel.distribution,
            name = recipe.library.name,
            version = recipe.library.version,
            libraries = libraries.join("\n"),
            package = wheel.package,
            pc = pkg_config_name(recipe),
        )
    }

    fn wheel_file(&self) -> String {
        let mut fields = HeaderFields::new();
        fields.push("Wheel-Version", "1.0");
        fields.push(
            "Generator",
            concat!("nativelib ", env!("CARGO_PKG_VERSION")),
        );
        fields.push("Root-Is-Purelib", "false");
        let mut wheel = WheelFile(fields);
        wheel.set_tags(
            &self
                .tags
                .iter()
                .map(|tag| format!("py3-none-{tag}"))
                .collect::<Vec<_>>(),
        );
        wheel.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(
            cmake_package_name("nativelib_openblas64"),
            "NativelibOpenblas64"
        );
        assert_eq!(cmake_package_name("vecmath"), "Vecmath");
        assert_eq!(link_argument("libopenblas.so"), "openblas");
        assert_eq!(
            link_argument("libvecmath_nativelib.so.1"),
            ":libvecmath_nativelib.so.1"
        );
    }
}
