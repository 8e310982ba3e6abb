//! The commands that carry out a recipe's `[build]`: one program invocation per step, with the
//! build-time variables (`{prefix}`, `{source}`, `{build}`, `{jobs}`) filled in.

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;

use crate::build_system::BuildSystem;
use crate::recipe::ResolvedRecipe;
use crate::template::fill;

/// The directories of one build.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildDirectories {
    /// The unpacked source tree (after `subdirectory`); `{source}`.
    pub source: PathBuf,
    /// A scratch directory for out-of-tree builds; `{build}`.
    pub build: PathBuf,
    /// The install prefix the build installs into; `{prefix}`.
    pub prefix: PathBuf,
}

/// One program to run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildCommand {
    /// The program, looked up on `PATH` when it has no `/`.
    pub program: String,
    /// Its arguments.
    pub arguments: Vec<String>,
    /// Environment variables to set on top of the inherited environment.
    pub environment: BTreeMap<String, String>,
    /// The directory to run it in.
    pub working_directory: PathBuf,
}

impl fmt::Display for BuildCommand {
    /// The command as a shell would read it (for logs), without the environment.
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(&shell_quote(&self.program))?;
        for argument in &self.arguments {
            write!(formatter, " {}", shell_quote(argument))?;
        }
        Ok(())
    }
}

fn shell_quote(word: &str) -> String {
    let plain = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./=:,+@%".contains(c));
    if plain {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', "'\\''"))
    }
}

impl ResolvedRecipe {
    /// The commands that build and install this recipe into `directories.prefix`, running
    /// `jobs` jobs in parallel (see [`crate::Jobs::count`]). Empty for a collected library.
    ///
    /// - make: `make -j<jobs> VAR=value... arguments... targets...` in the source tree, then
    ///   `make VAR=value... arguments... install-arguments...`;
    /// - cmake: `cmake -S <source> -B <build> -DCMAKE_INSTALL_PREFIX=<prefix> ...`, then
    ///   `cmake --build <build> --parallel <jobs>` and `cmake --install <build>`;
    /// - meson: `meson setup <build> <source> --prefix=<prefix> --libdir=lib ...`, then
    ///   `meson compile -C <build> -j <jobs>` and `meson install -C <build>`;
    /// - configure: `./configure --prefix=<prefix> VAR=value... arguments...`, `make -j<jobs>` and
    ///   `make install`, in the source tree;
    /// - commands: each command as written, in the source tree.
    ///
    /// The caller creates `directories.build`, `<prefix>/lib` and `<prefix>/include` before
    /// running them (explicit commands install into those).
    pub fn build_commands(&self, directories: &BuildDirectories, jobs: usize) -> Vec<BuildCommand> {
        let Some(build) = &self.build else {
            return Vec::new();
        };
        let values = BTreeMap::from([
            ("prefix", directories.prefix.display().to_string()),
            ("source", directories.source.display().to_string()),
            ("build", directories.build.display().to_string()),
            ("jobs", jobs.to_string()),
        ]);
        let fill_all = |texts: &[String]| -> Vec<String> {
            texts.iter().map(|text| fill(text, &values)).collect()
        };
        let environment: BTreeMap<String, String> = build
            .environment
            .iter()
            .map(|(key, value)| (key.clone(), fill(value, &values)))
            .collect();
        let prefix = directories.prefix.display().to_string();
        let source = directories.source.display().to_string();
        let build_directory = directories.build.display().to_string();
        let command =
            |program: &str, arguments: Vec<String>, working_directory: &PathBuf| BuildCommand {
                program: program.to_string(),
                arguments,
                environment: environment.clone(),
                working_directory: working_directory.clone(),
            };
        let assignments = |variables: &BTreeMap<String, String>, form: &str| -> Vec<String> {
            variables
                .iter()
                .map(|(key, value)| format!("{form}{key}={}", fill(value, &values)))
                .collect()
        };
        let parallel = format!("-j{jobs}");
        match &build.system {
            BuildSystem::Make {
                variables,
                arguments,
                targets,
                install_arguments,
            } => {
                let shared: Vec<String> = assignments(variables, "")
                    .into_iter()
                    .chain(fill_all(arguments))
                    .collect();
                let mut compile = vec![parallel];
                compile.extend(shared.iter().cloned());
                compile.extend(fill_all(targets));
                let mut install = shared;
                install.extend(fill_all(install_arguments));
                vec![
                    command("make", compile, &directories.source),
                    command("make", install, &directories.source),
                ]
            }
            BuildSystem::Cmake {
                variables,
                arguments,
            } => {
                let mut configure = vec![
                    "-S".to_string(),
                    source,
                    "-B".to_string(),
                    build_directory.clone(),
                ];
                let defaults = [
                    ("CMAKE_INSTALL_PREFIX", prefix),
                    ("CMAKE_INSTALL_LIBDIR", "lib".to_string()),
                    ("CMAKE_BUILD_TYPE", "Release".to_string()),
                ];
                for (key, value) in defaults {
                    let overridden = variables
                        .keys()
                        .any(|name| name.split(':').next() == Some(key));
                    if !overridden {
                        configure.push(format!("-D{key}={value}"));
                    }
                }
                configure.extend(assignments(variables, "-D"));
                configure.extend(fill_all(arguments));
                vec![
                    command("cmake", configure, &directories.build),
                    command(
                        "cmake",
                        vec![
                            "--build".to_string(),
                            build_directory.clone(),
                            "--parallel".to_string(),
                            jobs.to_string(),
                        ],
                        &directories.build,
                    ),
                    command(
                        "cmake",
                        vec!["--install".to_string(), build_directory],
                        &directories.build,
                    ),
                ]
            }
            BuildSystem::Meson {
                variables,
                arguments,
            } => {
                let mut setup = vec![
                    "setup".to_string(),
                    build_directory.clone(),
                    source,
                    format!("--prefix={prefix}"),
                    "--libdir=lib".to_string(),
                    "--buildtype=release".to_string(),
                ];
                setup.extend(assignments(variables, "-D"));
                setup.extend(fill_all(arguments));
                vec![
                    command("meson", setup, &directories.source),
                    command(
                        "meson",
                        vec![
                            "compile".to_string(),
                            "-C".to_string(),
                            build_directory.clone(),
                            "-j".to_string(),
                            jobs.to_string(),
                        ],
                        &directories.source,
                    ),
                    command(
                        "meson",
                        vec!["install".to_string(), "-C".to_string(), build_directory],
                        &directories.source,
                    ),
                ]
            }
            BuildSystem::Configure {
                variables,
                arguments,
            } => {
                let mut configure = vec![format!("--prefix={prefix}")];
                configure.extend(assignments(variables, ""));
                configure.extend(fill_all(arguments));
                vec![
                    command("./configure", configure, &directories.source),
                    command("make", vec![parallel], &directories.source),
                    command("make", vec!["install".to_string()], &directories.source),
                ]
            }
            BuildSystem::Commands { commands } => commands
                .iter()
                .filter_map(|words| {
                    let mut words = fill_all(words).into_iter();
                    let program = words.next()?;
                    Some(command(&program, words.collect(), &directories.source))
                })
                .collect(),
        }
    }
}
