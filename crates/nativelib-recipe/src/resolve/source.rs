//! The rules for `[library]` and `[source]`.

use std::ops::Range;
use std::path::PathBuf;

use toml::Spanned;

use super::{Values, ARCHIVE_ENDINGS, DEFAULT_INDEX_URL};
use crate::diagnose::Context;
use crate::error::Error;
use crate::library::Library;
use crate::raw::{RawLibrary, RawSource, Text};
use crate::source::{Collect, CollectFrom, PypiSdist, Source};
use crate::span::KeyPath;
use crate::validate::{self, Problem};

impl Context<'_> {
    /// Check `[library]`.
    pub(crate) fn resolve_library(&self, raw: &RawLibrary) -> Result<Library, Error> {
        self.check(&raw.name, validate::distribution_name)?;
        self.check(&raw.version, validate::version)?;
        self.check(&raw.license, validate::license_expression)?;
        if raw.license_files.get_ref().is_empty() {
            return Err(self.invalid(
                &raw.license_files.span(),
                Problem::new(
                    "the list of license files is empty",
                    "name at least one file, e.g. `license-files = [\"LICENSE\"]`",
                ),
            ));
        }
        let mut license_files = Vec::new();
        for file in raw.license_files.get_ref() {
            if file.get_ref().trim().is_empty() {
                return Err(self.invalid(
                    &file.span(),
                    Problem::new("the file name is empty", "write the license file's path"),
                ));
            }
            license_files.push(PathBuf::from(file.get_ref()));
        }
        if let Some(summary) = &raw.summary {
            if summary.get_ref().contains('\n') {
                return Err(self.invalid(
                    &summary.span(),
                    Problem::new("the summary spans several lines", "write one line"),
                ));
            }
        }
        if let Some(homepage) = &raw.homepage {
            self.check(homepage, validate::url)?;
        }
        Ok(Library {
            name: raw.name.get_ref().clone(),
            version: raw.version.get_ref().clone(),
            summary: raw.summary.as_ref().map(|text| text.get_ref().clone()),
            homepage: raw.homepage.as_ref().map(|text| text.get_ref().clone()),
            license: raw.license.get_ref().clone(),
            license_files,
        })
    }

    /// Check `[source]`: exactly one origin, with the keys that go with it.
    pub(crate) fn resolve_source(
        &self,
        raw: &RawSource,
        library: &Library,
    ) -> Result<Source, Error> {
        let values = Values::from([
            ("name", library.name.clone()),
            ("version", library.version.clone()),
        ]);
        let origins: Vec<(&str, &Text)> = [
            ("url", &raw.url),
            ("path", &raw.path),
            ("pypi-sdist", &raw.pypi_sdist),
            ("collect-directory", &raw.collect_directory),
            ("collect-toolchain", &raw.collect_toolchain),
            ("collect-wheel", &raw.collect_wheel),
        ]
        .into_iter()
        .filter_map(|(key, value)| value.as_ref().map(|value| (key, value)))
        .collect();
        let (origin, origin_value) = match origins.as_slice() {
            [] => {
                return Err(self.invalid_at_path(
                    &KeyPath::keys(&["source"]),
                    Problem::new(
                        "[source] does not say where the library comes from",
                        "add one of `url`, `path`, `pypi-sdist`, `collect-directory`, \
                         `collect-toolchain` or `collect-wheel`",
                    ),
                ))
            }
            [only] => *only,
            [(first, _), (second, value), ..] => {
                return Err(self.invalid(
                    &value.span(),
                    Problem::new(
                        format!("[source] names two origins, `{first}` and `{second}`"),
                        "keep exactly one; a recipe has one source",
                    ),
                ))
            }
        };
        let origin_text = self.render(origin_value, &values, false)?;
        let collected = origin.starts_with("collect-");
        let path_is_archive = origin == "path"
            && ARCHIVE_ENDINGS
                .iter()
                .any(|ending| origin_text.to_ascii_lowercase().ends_with(ending));

        // Keys that do not go with this origin.
        let sha256_allowed =
            matches!(origin, "url" | "pypi-sdist" | "collect-wheel") || path_is_archive;
        let not_applicable: [(&str, Option<Range<usize>>, bool); 5] = [
            (
                "sha256",
                raw.sha256.as_ref().map(Spanned::span),
                sha256_allowed,
            ),
            (
                "subdirectory",
                raw.subdirectory.as_ref().map(Spanned::span),
                !collected,
            ),
            (
                "index-url",
                raw.index_url.as_ref().map(Spanned::span),
                origin == "pypi-sdist",
            ),
            (
                "library",
                raw.library.as_ref().map(Spanned::span),
                collected,
            ),
            ("headers", raw.headers.first().map(Spanned::span), collected),
        ];
        for (key, span, allowed) in not_applicable {
            if let (Some(span), false) = (span, allowed) {
                let fix = match key {
                    "sha256" if origin == "path" => {
                        "remove it: a directory has no digest (archives ending in .tar.gz, .zip, ... do)"
                            .to_string()
                    }
                    "library" | "headers" => {
                        "remove it; for a built library name the file with `library` in [build]"
                            .to_string()
                    }
                    _ => "remove it".to_string(),
                };
                return Err(self.invalid_key(
                    &span,
                    key,
                    Problem::new(
                        format!("`{key}` does not apply to a `{origin}` source"),
                        fix,
                    ),
                ));
            }
        }

        let sha256 = match &raw.sha256 {
            Some(text) => Some(self.check(text, validate::sha256)?),
            None => None,
        };
        let required_sha256 = || {
            sha256.clone().ok_or_else(|| {
                self.missing(
                    &KeyPath::keys(&["source"]),
                    "sha256",
                    format!(
                        "add `sha256 = \"<64 hexadecimal digits>\"`, the digest of the {} \
                         (`sha256sum FILE`); downloads are always checked",
                        if origin == "pypi-sdist" {
                            "sdist"
                        } else {
                            "archive"
                        }
                    ),
                )
            })
        };
        let subdirectory = match &raw.subdirectory {
            Some(text) => {
                let rendered = self.render(text, &values, false)?;
                Some(
                    validate::relative_path(&rendered, "the unpacked source")
                        .map_err(|problem| self.invalid(&text.span(), problem))?,
                )
            }
            None => None,
        };

        let source = match origin {
            "url" => {
                validate::url(&origin_text)
                    .map_err(|problem| self.invalid(&origin_value.span(), problem))?;
                Source::Url {
                    url: origin_text,
                    sha256: required_sha256()?,
                    subdirectory,
                }
            }
            "path" => Source::Path {
                path: self.recipe_relative(&origin_text),
                sha256: if path_is_archive {
                    Some(required_sha256()?)
                } else {
                    None
                },
                subdirectory,
            },
            "pypi-sdist" => {
                let (name, version) = validate::exact_pin(&origin_text)
                    .map_err(|problem| self.invalid(&origin_value.span(), problem))?;
                let index_url = match &raw.index_url {
                    Some(text) => {
                        let rendered = self.render(text, &values, false)?;
                        validate::url(&rendered)
                            .map_err(|problem| self.invalid(&text.span(), problem))?;
                        rendered.trim_end_matches('/').to_string()
                    }
                    None => DEFAULT_INDEX_URL.to_string(),
                };
                Source::PypiSdist(PypiSdist {
                    name,
                    version,
                    sha256: required_sha256()?,
                    subdirectory,
                    index_url,
                })
            }
            _ => {
                let library = match &raw.library {
                    Some(text) => {
                        let rendered = self.render(text, &values, false)?;
                        if origin == "collect-toolchain" {
                            if rendered.is_empty() || rendered.contains('/') {
                                return Err(self.invalid(
                                    &text.span(),
                                    Problem::new(
                                        format!("`{rendered}` is not a library file name"),
                                        "write the name the compiler knows, e.g. `libgomp.so.1`",
                                    ),
                                ));
                            }
                        } else {
                            validate::relative_path(&rendered, "the collected directory or wheel")
                                .map_err(|problem| self.invalid(&text.span(), problem))?;
                        }
                        rendered
                    }
                    None => {
                        return Err(self.missing(
                            &KeyPath::keys(&["source"]),
                            "library",
                            format!(
                                "add `library = \"libgomp.so.1\"`, the shared library to take from \
                                 the `{origin}` source"
                            ),
                        ))
                    }
                };
                let mut headers = Vec::new();
                for header in &raw.headers {
                    let rendered = self.render(header, &values, false)?;
                    validate::relative_path(&rendered, "the collected location")
                        .map_err(|problem| self.invalid(&header.span(), problem))?;
                    headers.push(rendered);
                }
                let from = match origin {
                    "collect-directory" => {
                        CollectFrom::Directory(self.recipe_relative(&origin_text))
                    }
                    "collect-toolchain" => {
                        if origin_text.trim().is_empty() {
                            return Err(self.invalid(
                                &origin_value.span(),
                                Problem::new(
                                    "the compiler command is empty",
                                    "write the compiler to ask, e.g. `collect-toolchain = \"cc\"`",
                                ),
                            ));
                        }
                        CollectFrom::Toolchain {
                            compiler: origin_text,
                        }
                    }
                    _ => CollectFrom::Wheel {
                        path: self.recipe_relative(&origin_text),
                        sha256,
                    },
                };
                Source::Collect(Collect {
                    from,
                    library,
                    headers,
                })
            }
        };
        Ok(source)
    }
}
