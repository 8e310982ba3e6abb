//! Where each key and value of a recipe file sits: key paths, byte spans and line:column positions.

use std::fmt;
use std::ops::Range;

use toml_edit::{ImDocument, Item, Table, Value};

/// One step of a key path: a table key or an array position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Segment {
    Key(String),
    Index(usize),
}

/// The dotted path of a key inside a recipe, such as `variant[1].wheel.soname`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct KeyPath(pub(crate) Vec<Segment>);

impl KeyPath {
    /// The path of the root table.
    pub(crate) fn root() -> Self {
        Self(Vec::new())
    }

    /// A path of plain keys, such as `["wheel", "soname"]`.
    pub(crate) fn keys(keys: &[&str]) -> Self {
        Self(
            keys.iter()
                .map(|key| Segment::Key((*key).to_string()))
                .collect(),
        )
    }

    /// This path extended by one key.
    pub(crate) fn join(&self, key: &str) -> Self {
        let mut segments = self.0.clone();
        segments.push(Segment::Key(key.to_string()));
        Self(segments)
    }

    /// This path extended by one array position.
    pub(crate) fn index(&self, position: usize) -> Self {
        let mut segments = self.0.clone();
        segments.push(Segment::Index(position));
        Self(segments)
    }

    /// The path without its last segment (the root stays the root).
    pub(crate) fn parent(&self) -> Self {
        let mut segments = self.0.clone();
        segments.pop();
        Self(segments)
    }

    /// The variant position if this path lies inside a `[[variant]]` table.
    pub(crate) fn variant_position(&self) -> Option<usize> {
        match self.0.as_slice() {
            [Segment::Key(key), Segment::Index(position), ..] if key == "variant" => {
                Some(*position)
            }
            _ => None,
        }
    }

    /// True for the root table.
    pub(crate) fn is_root(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Display for KeyPath {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (position, segment) in self.0.iter().enumerate() {
            match segment {
                Segment::Key(key) => {
                    if position > 0 {
                        formatter.write_str(".")?;
                    }
                    let bare = !key.is_empty()
                        && key
                            .chars()
                            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
                    if bare {
                        formatter.write_str(key)?;
                    } else {
                        write!(formatter, "\"{}\"", key.replace('"', "\\\""))?;
                    }
                }
                Segment::Index(index) => write!(formatter, "[{index}]")?,
            }
        }
        Ok(())
    }
}

/// One key or array element of the document.
#[derive(Debug)]
struct Entry {
    path: KeyPath,
    key_span: Option<Range<usize>>,
    value_span: Option<Range<usize>>,
    text: Option<String>,
}

/// Every key and value of a parsed recipe with its byte span, to turn spans into key paths and
/// line:column positions for messages.
#[derive(Debug)]
pub(crate) struct SpanIndex {
    entries: Vec<Entry>,
    line_starts: Vec<usize>,
    text: String,
}

impl SpanIndex {
    /// Index `text`; fails on TOML syntax errors.
    pub(crate) fn parse(text: &str) -> Result<Self, toml_edit::TomlError> {
        let document = ImDocument::parse(text)?;
        let mut entries = Vec::new();
        walk_table(document.as_table(), &KeyPath::root(), &mut entries);
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(offset, _)| offset + 1))
            .collect();
        Ok(Self {
            entries,
            line_starts,
            text: text.to_string(),
        })
    }

    /// The 1-based line and column (in characters) of a byte offset.
    pub(crate) fn line_column(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let line = self.line_starts.partition_point(|start| *start <= offset);
        let line_start = self.line_starts[line.saturating_sub(1)];
        let column = self
            .text
            .get(line_start..offset)
            .map_or(0, |prefix| prefix.chars().count());
        (line, column + 1)
    }

    /// The path of the key written at exactly `span`.
    pub(crate) fn path_of_key(&self, span: &Range<usize>) -> Option<&KeyPath> {
        self.entries
            .iter()
            .find(|entry| entry.key_span.as_ref() == Some(span))
            .map(|entry| &entry.path)
    }

    /// The path of the value (or, failing that, the key) written at `span`: an exact match, or
    /// else the innermost value that contains it.
    pub(crate) fn path_of_value(&self, span: &Range<usize>) -> Option<&KeyPath> {
        if let Some(entry) = self
            .entries
            .iter()
            .find(|entry| entry.value_span.as_ref() == Some(span))
            .or_else(|| {
                self.entries
                    .iter()
                    .find(|entry| entry.key_span.as_ref() == Some(span))
            })
        {
            return Some(&entry.path);
        }
        self.entries
            .iter()
            .filter(|entry| {
                entry.value_span.as_ref().is_some_and(|value| {
                    value.start <= span.start && span.end <= value.end && value != span
                })
            })
            .min_by_key(|entry| entry.value_span.as_ref().map_or(usize::MAX, Range::len))
            .map(|entry| &entry.path)
    }

    /// Where the entry at `path` is written: its key if it has one, else its value.
    pub(crate) fn span_of_path(&self, path: &KeyPath) -> Option<Range<usize>> {
        self.entries
            .iter()
            .find(|entry| &entry.path == path)
            .and_then(|entry| entry.key_span.clone().or_else(|| entry.value_span.clone()))
    }

    /// Where the table (or value) at `path` is written: a table from its `[header]`.
    pub(crate) fn value_span_of_path(&self, path: &KeyPath) -> Option<Range<usize>> {
        self.entries
            .iter()
            .find(|entry| &entry.path == path)
            .and_then(|entry| entry.value_span.clone().or_else(|| entry.key_span.clone()))
    }

    /// The string written at `path`, if it is a string.
    pub(crate) fn string_at(&self, path: &KeyPath) -> Option<&str> {
        self.entries
            .iter()
            .find(|entry| &entry.path == path)
            .and_then(|entry| entry.text.as_deref())
    }

    /// The name of the `[[variant]]` at `position`, as written.
    pub(crate) fn variant_name(&self, position: usize) -> Option<&str> {
        self.string_at(&KeyPath::root().join("variant").index(position).join("name"))
    }
}

fn walk_table(table: &Table, path: &KeyPath, entries: &mut Vec<Entry>) {
    for (name, _) in table.iter() {
        if let Some((key, item)) = table.get_key_value(name) {
            walk_item(path.join(name), key.span(), item, entries);
        }
    }
}

fn walk_item(path: KeyPath, key_span: Option<Range<usize>>, item: &Item, entries: &mut Vec<Entry>) {
    match item {
        Item::None => {}
        Item::Value(value) => walk_value(path, key_span, value, entries),
        Item::Table(table) => {
            entries.push(Entry {
                path: path.clone(),
                key_span,
                value_span: table.span(),
                text: None,
            });
            walk_table(table, &path, entries);
        }
        Item::ArrayOfTables(array) => {
            entries.push(Entry {
                path: path.clone(),
                key_span,
                value_span: array.span(),
                text: None,
            });
            for (position, table) in array.iter().enumerate() {
                let element = path.index(position);
                entries.push(Entry {
                    path: element.clone(),
                    key_span: None,
                    value_span: table.span(),
                    text: None,
                });
                walk_table(table, &element, entries);
            }
        }
    }
}

fn walk_value(
    path: KeyPath,
    key_span: Option<Range<usize>>,
    value: &Value,
    entries: &mut Vec<Entry>,
) {
    entries.push(Entry {
        path: path.clone(),
        key_span,
        value_span: value.span(),
        text: value.as_str().map(str::to_string),
    });
    match value {
        Value::Array(array) => {
            for (position, element) in array.iter().enumerate() {
                walk_value(path.index(position), None, element, entries);
            }
        }
        Value::InlineTable(table) => {
            for (name, _) in table.iter() {
                if let Some((key, item)) = table.get_key_value(name) {
                    walk_item(path.join(name), key.span(), item, entries);
                }
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = r#"[library]
name = "demo"

[[variant]]
name = "first"
wheel = { soname = "libx.so" }

[[variant]]
name = "second"
flags = ["a", "b"]
"#;

    #[test]
    fn finds_key_paths_from_spans() {
        let index = SpanIndex::parse(TEXT).unwrap();
        let soname = TEXT.find("soname").unwrap();
        let span = soname..soname + "soname".len();
        assert_eq!(
            index.path_of_key(&span).unwrap().to_string(),
            "variant[0].wheel.soname"
        );
        let value = TEXT.find("\"libx.so\"").unwrap();
        let span = value..value + "\"libx.so\"".len();
        assert_eq!(
            index.path_of_value(&span).unwrap().to_string(),
            "variant[0].wheel.soname"
        );
        let b = TEXT.find("\"b\"").unwrap();
        assert_eq!(
            index.path_of_value(&(b..b + 3)).unwrap().to_string(),
            "variant[1].flags[1]"
        );
        assert_eq!(index.variant_name(1), Some("second"));
        assert_eq!(index.variant_name(2), None);
    }

    #[test]
    fn converts_offsets_to_lines_and_columns() {
        let index = SpanIndex::parse(TEXT).unwrap();
        assert_eq!(index.line_column(0), (1, 1));
        let name = TEXT.find("\"demo\"").unwrap();
        assert_eq!(index.line_column(name), (2, 8));
        let span = index
            .span_of_path(&KeyPath::keys(&["library", "name"]))
            .unwrap();
        assert_eq!(index.line_column(span.start), (2, 1));
    }

    #[test]
    fn quotes_keys_that_are_not_bare() {
        let path = KeyPath::keys(&["build", "environment"]).join("A B");
        assert_eq!(path.to_string(), "build.environment.\"A B\"");
        assert_eq!(path.parent().to_string(), "build.environment");
        assert!(KeyPath::root().is_root());
    }
}
