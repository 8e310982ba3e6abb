//! Turning spans and parser errors into errors that name the file, the line:column, the key and
//! the fix.

use std::ops::Range;
use std::path::Path;

use crate::error::{Error, Location};
use crate::span::{KeyPath, Segment, SpanIndex};
use crate::suggest::{closest, quoted_list};
use crate::validate::Problem;

/// One recipe file being read: its name for messages, its directory for relative paths, and
/// the index of its spans.
pub(crate) struct Context<'a> {
    pub(crate) file: &'a Path,
    pub(crate) directory: &'a Path,
    pub(crate) index: &'a SpanIndex,
}

impl Context<'_> {
    /// The location of a byte offset that belongs to `path`.
    fn location_at(&self, offset: Option<usize>, path: Option<&KeyPath>) -> Location {
        let variant = path
            .and_then(KeyPath::variant_position)
            .and_then(|position| self.index.variant_name(position))
            .map(str::to_string);
        Location {
            file: self.file.to_path_buf(),
            line_column: offset.map(|offset| self.index.line_column(offset)),
            variant,
        }
    }

    fn location_at_boxed(&self, offset: Option<usize>, path: Option<&KeyPath>) -> Box<Location> {
        Box::new(self.location_at(offset, path))
    }

    /// The path of whatever is written at `span`: a value or a key.
    fn path_of(&self, span: &Range<usize>) -> Option<KeyPath> {
        self.index
            .path_of_value(span)
            .or_else(|| self.index.path_of_key(span))
            .cloned()
    }

    /// An error for the value (or map key) written at `span`.
    pub(crate) fn invalid(&self, span: &Range<usize>, problem: Problem) -> Error {
        let path = self.path_of(span);
        Error::Invalid {
            location: self.location_at_boxed(Some(span.start), path.as_ref()),
            key: path.map_or_else(|| "(unknown key)".to_string(), |path| path.to_string()),
            problem: problem.problem,
            fix: problem.fix,
        }
    }

    /// An error for the key `key` whose value (or one of whose elements) is written at `span`:
    /// it names the key, not the element.
    pub(crate) fn invalid_key(&self, span: &Range<usize>, key: &str, problem: Problem) -> Error {
        let Some(mut path) = self.path_of(span) else {
            return self.invalid(span, problem);
        };
        if let Some(position) = path
            .0
            .iter()
            .rposition(|segment| matches!(segment, Segment::Key(name) if name == key))
        {
            path.0.truncate(position + 1);
        }
        let offset = self.index.span_of_path(&path).map(|span| span.start);
        Error::Invalid {
            location: self.location_at_boxed(offset, Some(&path)),
            key: path.to_string(),
            problem: problem.problem,
            fix: problem.fix,
        }
    }

    /// An error for the table (or whole entry) at `path`.
    pub(crate) fn invalid_at_path(&self, path: &KeyPath, problem: Problem) -> Error {
        let offset = self.index.value_span_of_path(path).map(|span| span.start);
        Error::Invalid {
            location: self.location_at_boxed(offset, Some(path)),
            key: if path.is_root() {
                "(top level)".to_string()
            } else {
                path.to_string()
            },
            problem: problem.problem,
            fix: problem.fix,
        }
    }

    /// A required key that is absent from the table at `table` (pointing at the table if it is
    /// written, or at the file).
    pub(crate) fn missing(&self, table: &KeyPath, key: &str, fix: impl Into<String>) -> Error {
        let offset = self.index.value_span_of_path(table).map(|span| span.start);
        Error::MissingKey {
            location: self.location_at_boxed(offset, Some(table)),
            table: table_name(table),
            key: key.to_string(),
            fix: fix.into(),
        }
    }

    /// The error for a TOML document that parsed but does not fit the schema.
    pub(crate) fn diagnose(&self, error: &toml::de::Error) -> Error {
        let message = error.message().trim();
        let span = error.span();
        if let Some(key) = quoted_after(message, "unknown field ") {
            let expected = quoted_names(after_word(message, "expected"));
            let key_path = span.as_ref().and_then(|span| self.index.path_of_key(span));
            let table = key_path.map_or_else(KeyPath::root, KeyPath::parent);
            let suggestion = closest(&key, expected.iter().map(String::as_str)).map(str::to_string);
            let fix = unknown_key_fix(&table, &key, suggestion.as_deref(), &expected);
            return Error::UnknownKey {
                location: self.location_at_boxed(span.map(|span| span.start), key_path),
                table: table_name(&table),
                key,
                suggestion,
                fix,
            };
        }
        if let Some(key) = quoted_after(message, "missing field ") {
            let table = span
                .as_ref()
                .and_then(|span| self.index.path_of_value(span))
                .cloned()
                .unwrap_or_else(KeyPath::root);
            let fix = missing_key_fix(&table, &key);
            return self.missing(&table, &key, fix);
        }
        let path = span.as_ref().and_then(|span| self.path_of(span));
        let location = self.location_at(span.as_ref().map(|span| span.start), path.as_ref());
        let key = path.map_or_else(|| "(top level)".to_string(), |path| path.to_string());
        if let Some(value) = quoted_after(message, "unknown variant ") {
            let expected = quoted_names(after_word(message, "expected"));
            let suggestion =
                closest(&value, expected.iter().map(String::as_str)).map(str::to_string);
            let choices = format!("write one of {}", quoted_list(&expected));
            let fix = match &suggestion {
                Some(suggestion) => format!("did you mean `{suggestion}`? ({choices})"),
                None => choices,
            };
            return Error::UnknownValue {
                location: Box::new(location),
                key,
                value,
                suggestion,
                fix,
            };
        }
        if let Some((found, expected)) = found_and_expected(message, "invalid type: ") {
            return Error::WrongType {
                location: Box::new(location),
                key,
                problem: format!("expected {expected}, found {found}"),
                fix: format!("write {expected} instead"),
            };
        }
        if let Some((found, expected)) = found_and_expected(message, "invalid value: ") {
            return Error::Invalid {
                location: Box::new(location),
                key,
                problem: format!("expected {expected}, found {found}"),
                fix: format!("write {expected} instead"),
            };
        }
        Error::Invalid {
            location: Box::new(location),
            key,
            problem: message.to_string(),
            fix: "see docs/recipes.md for the keys and values a recipe takes".to_string(),
        }
    }
}

/// How a table is named in messages: `[source]`, `[[variant]]`, `the top level`.
pub(crate) fn table_name(path: &KeyPath) -> String {
    match path.0.as_slice() {
        [] => "the top level".to_string(),
        [Segment::Key(key), Segment::Index(_)] if key == "variant" => "[[variant]]".to_string(),
        [.., Segment::Index(_)] => format!("`{path}`"),
        _ => format!("[{path}]"),
    }
}

fn unknown_key_fix(
    table: &KeyPath,
    key: &str,
    suggestion: Option<&str>,
    expected: &[String],
) -> String {
    let in_variant = matches!(
        table.0.as_slice(),
        [Segment::Key(name), Segment::Index(_)] if name == "variant"
    );
    if in_variant && matches!(key, "source" | "library") {
        return format!(
            "every variant shares the recipe's [{key}]; move it out of the [[variant]], or make \
             a separate recipe"
        );
    }
    if key == "dependencies" && !table.is_root() && !in_variant {
        return "`dependencies` belongs at the top level or in a [[variant]]; top-level keys \
                must come before the first [table] header"
            .to_string();
    }
    if let Some(suggestion) = suggestion {
        return format!("did you mean `{suggestion}`?");
    }
    if expected.is_empty() {
        "this table takes no keys".to_string()
    } else {
        format!("the valid keys are {}", quoted_list(expected))
    }
}

fn missing_key_fix(table: &KeyPath, key: &str) -> String {
    let table_key = match table.0.as_slice() {
        [] => "",
        [Segment::Key(key)] => key.as_str(),
        [Segment::Key(key), Segment::Index(_)] => key.as_str(),
        _ => "other",
    };
    match (table_key, key) {
        ("", "library") => {
            "add a [library] table with `name`, `version`, `license` and `license-files`".into()
        }
        ("", "source") => "add a [source] table with one of `url`, `path`, `pypi-sdist`, \
                           `collect-directory`, `collect-toolchain` or `collect-wheel`"
            .into(),
        ("library", "name") => "add `name = \"openblas\"`, the library's name".into(),
        ("library", "version") => "add `version = \"0.3.31\"`, the library's version".into(),
        ("library", "license") => {
            "add `license = \"BSD-3-Clause\"`, the library's SPDX license expression".into()
        }
        ("library", "license-files") => {
            "add `license-files = [\"LICENSE\"]`, the license files to ship in the wheel".into()
        }
        ("variant", "name") => "add `name = \"lp64\"` to this [[variant]]".into(),
        _ => format!("add `{key} = …` to {}", table_name(table)),
    }
}

/// The text between the first pair of backticks after `prefix`, if the message starts with it.
fn quoted_after(message: &str, prefix: &str) -> Option<String> {
    let rest = message.strip_prefix(prefix)?.strip_prefix('`')?;
    rest.find('`').map(|end| rest[..end].to_string())
}

fn after_word<'a>(message: &'a str, word: &str) -> &'a str {
    message.find(word).map_or("", |start| &message[start..])
}

/// Every backtick-quoted name in `text`.
fn quoted_names(text: &str) -> Vec<String> {
    text.split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect()
}

/// Split serde's `invalid type: X, expected Y` into `X` and `Y`, naming TOML's types.
fn found_and_expected(message: &str, prefix: &str) -> Option<(String, String)> {
    let rest = message.strip_prefix(prefix)?;
    let (found, expected) = rest.split_once(", expected ")?;
    let toml_names = |text: &str| {
        text.replace("a sequence", "an array")
            .replace("a map", "a table")
            .replace("sequence", "array")
            .replace("map", "table")
    };
    Some((toml_names(found), toml_names(expected)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_serde_messages() {
        assert_eq!(
            quoted_after(
                "unknown field `sha265`, expected one of `url`",
                "unknown field "
            ),
            Some("sha265".to_string())
        );
        assert_eq!(
            quoted_names(after_word(
                "unknown field `x`, expected one of `url`, `path`",
                "expected"
            )),
            ["url", "path"]
        );
        assert_eq!(
            found_and_expected(
                "invalid type: string \"x\", expected a sequence",
                "invalid type: "
            ),
            Some(("string \"x\"".to_string(), "an array".to_string()))
        );
    }

    #[test]
    fn names_tables() {
        assert_eq!(table_name(&KeyPath::root()), "the top level");
        assert_eq!(table_name(&KeyPath::keys(&["source"])), "[source]");
        assert_eq!(
            table_name(&KeyPath::keys(&["variant"]).index(2)),
            "[[variant]]"
        );
        assert_eq!(
            table_name(&KeyPath::keys(&["variant"]).index(2).join("wheel")),
            "[variant[2].wheel]"
        );
        assert_eq!(
            table_name(&KeyPath::keys(&["dependencies"]).index(0)),
            "`dependencies[0]`"
        );
    }
}
