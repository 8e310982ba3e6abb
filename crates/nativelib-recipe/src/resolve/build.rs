//! The rules for `[build]`.

use std::collections::BTreeMap;
use std::num::NonZeroUsize;
use std::ops::Range;

use toml::Spanned;

use super::Values;
use crate::build_system::{Build, BuildSystem, Jobs};
use crate::diagnose::Context;
use crate::error::Error;
use crate::raw::{RawBuild, RawJobs, RawSystem, Scalar, Text};
use crate::span::KeyPath;
use crate::validate::{self, Problem};

impl Context<'_> {
    /// Check the merged `[build]` and substitute its recipe-time variables; `scope` is where a
    /// missing key should be added.
    pub(super) fn resolve_build(
        &self,
        raw: &RawBuild,
        values: &Values,
        scope: &KeyPath,
    ) -> Result<Build, Error> {
        let Some(system) = &raw.system else {
            return Err(self.missing(
                scope,
                "system",
                "add `system = \"make\"` (or \"cmake\", \"meson\", \"configure\", \"commands\") \
                 to [build]",
            ));
        };
        let system_kind = *system.get_ref();
        let system_name = match system_kind {
            RawSystem::Make => "make",
            RawSystem::Cmake => "cmake",
            RawSystem::Meson => "meson",
            RawSystem::Configure => "configure",
            RawSystem::Commands => "commands",
        };
        let not_for =
            |key: &str, span: Option<Range<usize>>, allowed: bool, fix: &str| match (span, allowed)
            {
                (Some(span), false) => Err(self.invalid_key(
                    &span,
                    key,
                    Problem::new(
                        format!("`{key}` does not apply to a `{system_name}` build"),
                        fix.to_string(),
                    ),
                )),
                _ => Ok(()),
            };
        let is_make = system_kind == RawSystem::Make;
        let is_commands = system_kind == RawSystem::Commands;
        not_for(
            "targets",
            raw.targets.first().map(Spanned::span),
            is_make,
            "remove it, or use `system = \"make\"`",
        )?;
        not_for(
            "install-arguments",
            raw.install_arguments
                .as_ref()
                .and_then(|arguments| arguments.first())
                .map(Spanned::span),
            is_make,
            "remove it, or use `system = \"make\"`",
        )?;
        not_for(
            "variables",
            raw.variables.keys().next().map(Spanned::span),
            !is_commands,
            "write the values into `commands`, or set them in `environment`",
        )?;
        not_for(
            "arguments",
            raw.arguments.first().map(Spanned::span),
            !is_commands,
            "write the arguments into `commands`",
        )?;
        not_for(
            "commands",
            raw.commands.first().map(Spanned::span),
            is_commands,
            "remove it, or use `system = \"commands\"`",
        )?;

        let list = |texts: &[Text]| -> Result<Vec<String>, Error> {
            texts
                .iter()
                .map(|text| self.render(text, values, true))
                .collect()
        };
        let map = |entries: &BTreeMap<Text, Spanned<Scalar>>,
                   rule: fn(&str) -> Result<(), Problem>|
         -> Result<BTreeMap<String, String>, Error> {
            let mut rendered = BTreeMap::new();
            for (key, value) in entries {
                self.check(key, rule)?;
                let text = Spanned::new(value.span(), value.get_ref().0.clone());
                rendered.insert(key.get_ref().clone(), self.render(&text, values, true)?);
            }
            Ok(rendered)
        };
        let variable_rule = match system_kind {
            RawSystem::Cmake | RawSystem::Meson => validate::option_name,
            _ => validate::variable_name,
        };
        let variables = map(&raw.variables, variable_rule)?;
        let arguments = list(&raw.arguments)?;
        let environment = map(&raw.environment, validate::variable_name)?;
        let system = match system_kind {
            RawSystem::Make => BuildSystem::Make {
                variables,
                arguments,
                targets: list(&raw.targets)?,
                install_arguments: match &raw.install_arguments {
                    Some(install) => list(install)?,
                    None => vec!["PREFIX={prefix}".to_string(), "install".to_string()],
                },
            },
            RawSystem::Cmake => BuildSystem::Cmake {
                variables,
                arguments,
            },
            RawSystem::Meson => BuildSystem::Meson {
                variables,
                arguments,
            },
            RawSystem::Configure => BuildSystem::Configure {
                variables,
                arguments,
            },
            RawSystem::Commands => {
                if raw.commands.is_empty() {
                    return Err(self.invalid(
                        &system.span(),
                        Problem::new(
                            "a `commands` build has no `commands`",
                            "add `commands = [[\"cc\", \"-shared\", \"-o\", \"{prefix}/lib/{soname}\", \"x.c\"]]`",
                        ),
                    ));
                }
                let mut commands = Vec::new();
                for command in &raw.commands {
                    if command.get_ref().is_empty() {
                        return Err(self.invalid(
                            &command.span(),
                            Problem::new(
                                "the command is empty",
                                "write the program and its arguments, e.g. [\"cc\", \"-c\", \"x.c\"]",
                            ),
                        ));
                    }
                    commands.push(list(command.get_ref())?);
                }
                BuildSystem::Commands { commands }
            }
        };
        let jobs = match raw.jobs.as_ref().map(|jobs| *jobs.get_ref()) {
            None | Some(RawJobs::Auto) => Jobs::Auto,
            Some(RawJobs::Count(count)) => NonZeroUsize::new(count).map_or(Jobs::Auto, Jobs::Count),
        };
        let Some(library_text) = &raw.library else {
            return Err(self.missing(
                scope,
                "library",
                "add `library = \"lib/libfoo.so\"` to [build], the built shared library inside \
                 the install prefix",
            ));
        };
        let library = self.render(library_text, values, false)?;
        let library = validate::relative_path(&library, "the install prefix")
            .map_err(|problem| self.invalid(&library_text.span(), problem))?;
        Ok(Build {
            system,
            environment,
            jobs,
            library,
        })
    }
}
