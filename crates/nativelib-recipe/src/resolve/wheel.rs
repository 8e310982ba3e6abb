//! The rules for `[wheel]` and `[symbols]`.

use super::{Provenance, Values};
use crate::diagnose::Context;
use crate::error::Error;
use crate::raw::{RawLayout, RawSymbols, RawWheel, Text};
use crate::span::KeyPath;
use crate::symbols::SymbolPolicy;
use crate::validate::{self, Problem};
use crate::wheel::{Layout, WheelSpec};

impl Context<'_> {
    /// Check the merged `[wheel]`; `scope` is where a missing key should be added.
    pub(super) fn resolve_wheel(
        &self,
        raw: &RawWheel,
        values: &Values,
        scope: &KeyPath,
    ) -> Result<(WheelSpec, Provenance), Error> {
        let Some(distribution_text) = &raw.distribution else {
            return Err(self.missing(
                scope,
                "distribution",
                "add `distribution = \"nativelib-openblas32\"` under [wheel] (or in the \
                 variant's `wheel`), the name the wheel is published under",
            ));
        };
        let distribution = self.render(distribution_text, values, false)?;
        validate::distribution_name(&distribution)
            .map_err(|problem| self.invalid(&distribution_text.span(), problem))?;
        let package = match &raw.package {
            Some(text) => {
                let package = self.render(text, values, false)?;
                validate::python_identifier(&package)
                    .map_err(|problem| self.invalid(&text.span(), problem))?;
                package
            }
            None => {
                let package = nativelib_wheel::normalize_name(&distribution).replace('-', "_");
                validate::python_identifier(&package).map_err(|problem| {
                    self.invalid(
                        &distribution_text.span(),
                        Problem::new(
                            format!("the import package derived from it, {}", problem.problem),
                            "set `package` in [wheel] to a valid Python package name",
                        ),
                    )
                })?;
                package
            }
        };
        let version = match &raw.version {
            Some(text) => {
                let version = self.render(text, values, false)?;
                validate::version(&version)
                    .map_err(|problem| self.invalid(&text.span(), problem))?;
                version
            }
            None => values["version"].clone(),
        };
        let Some(soname_text) = &raw.soname else {
            return Err(self.missing(
                scope,
                "soname",
                "add `soname = \"lib<name>.so.<major>\"` under [wheel] (or in the variant's \
                 `wheel`), a SONAME no other library uses",
            ));
        };
        let soname = self.render(soname_text, values, false)?;
        validate::soname(&soname).map_err(|problem| self.invalid(&soname_text.span(), problem))?;
        let layout = match raw.layout.as_ref().map(|layout| *layout.get_ref()) {
            Some(RawLayout::Prefix) => Layout::Prefix,
            Some(RawLayout::Package) | None => Layout::Package,
        };
        let mut replaces = Vec::new();
        for name in &raw.replaces {
            let rendered = self.render(name, values, false)?;
            validate::soname(&rendered).map_err(|problem| self.invalid(&name.span(), problem))?;
            replaces.push(rendered);
        }
        let provenance = Provenance {
            distribution: distribution_text.span(),
            soname: soname_text.span(),
        };
        Ok((
            WheelSpec {
                distribution,
                package,
                version,
                layout,
                soname,
                replaces,
            },
            provenance,
        ))
    }

    /// Check the merged `[symbols]`.
    pub(super) fn resolve_symbols(&self, raw: &RawSymbols) -> Result<SymbolPolicy, Error> {
        let affix = |text: &Option<Text>| -> Result<Option<String>, Error> {
            match text {
                Some(text) => {
                    self.check(text, validate::symbol_affix)?;
                    Ok(Some(text.get_ref().clone()))
                }
                None => Ok(None),
            }
        };
        let prefix = affix(&raw.prefix)?;
        let suffix = affix(&raw.suffix)?;
        let mut keep = Vec::new();
        for pattern in &raw.keep {
            self.check(pattern, validate::symbol_pattern)?;
            keep.push(pattern.get_ref().clone());
        }
        let hide_outside_namespace = raw
            .hide_outside_namespace
            .as_ref()
            .is_some_and(|hide| *hide.get_ref());
        if let (Some(hide), true) = (&raw.hide_outside_namespace, hide_outside_namespace) {
            if prefix.is_none() && suffix.is_none() && keep.is_empty() {
                return Err(self.invalid(
                    &hide.span(),
                    Problem::new(
                        "no namespace is declared, so every exported symbol would be hidden",
                        "declare `prefix`, `suffix` or `keep` in [symbols], or remove \
                         `hide-outside-namespace`",
                    ),
                ));
            }
        }
        Ok(SymbolPolicy {
            prefix,
            suffix,
            hide_outside_namespace,
            keep,
        })
    }
}
