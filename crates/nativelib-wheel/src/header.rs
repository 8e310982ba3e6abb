//! Email-header style files (the format of METADATA and WHEEL): ordered `Name: value` fields,
//! continuation lines, and an optional body after the first blank line.

use std::fmt;

use crate::Error;

/// The indentation written before a continuation line that has none of its own.
const CONTINUATION_INDENT: &str = "        ";

/// Ordered `Name: value` fields plus an optional body, as in METADATA and WHEEL.
///
/// Parsing keeps field order, repeated fields and continuation lines (a value spanning lines is
/// stored with `\n` between them, each continuation line verbatim with its leading whitespace),
/// so that [`Display`](fmt::Display) writes a parsed file back unchanged (with `\n` line endings).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HeaderFields {
    fields: Vec<(String, String)>,
    body: Option<String>,
}

impl HeaderFields {
    /// An empty set of fields with no body.
    pub fn new() -> HeaderFields {
        HeaderFields::default()
    }

    /// Parses email-header text. Lines end in `\n` or `\r\n`; a line starting with a space or tab
    /// continues the previous field; the first empty line starts the body (kept verbatim).
    pub fn parse(text: &str) -> Result<HeaderFields, Error> {
        let mut fields: Vec<(String, String)> = Vec::new();
        let mut body = None;
        let mut rest = text;
        let mut line_number = 0;
        while !rest.is_empty() {
            line_number += 1;
            let (line, remainder) = match rest.find('\n') {
                Some(end) => (&rest[..end], &rest[end + 1..]),
                None => (rest, ""),
            };
            rest = remainder;
            let line = line.strip_suffix('\r').unwrap_or(line);
            if line.is_empty() {
                body = Some(rest.to_string());
                break;
            }
            let invalid = || Error::InvalidHeaderLine {
                line: line_number,
                content: line.to_string(),
            };
            if line.starts_with([' ', '\t']) {
                let (_, value) = fields.last_mut().ok_or_else(invalid)?;
                value.push('\n');
                value.push_str(line);
                continue;
            }
            let (name, value) = line.split_once(':').ok_or_else(invalid)?;
            if name.is_empty() || !name.bytes().all(|byte| byte.is_ascii_graphic()) {
                return Err(invalid());
            }
            fields.push((
                name.to_string(),
                value.trim_start_matches([' ', '\t']).to_string(),
            ));
        }
        Ok(HeaderFields { fields, body })
    }

    /// The first value of the field `name` (case-insensitive).
    pub fn get(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(field, _)| field.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }

    /// Every value of the field `name` (case-insensitive), in file order.
    pub fn get_all(&self, name: &str) -> Vec<&str> {
        self.fields
            .iter()
            .filter(|(field, _)| field.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
            .collect()
    }

    /// Appends a field after all others.
    pub fn push(&mut self, name: impl Into<String>, value: impl Into<String>) {
        self.fields.push((name.into(), value.into()));
    }

    /// Removes every field called `name` (case-insensitive); returns how many were removed.
    pub fn remove_all(&mut self, name: &str) -> usize {
        let before = self.fields.len();
        self.fields
            .retain(|(field, _)| !field.eq_ignore_ascii_case(name));
        before - self.fields.len()
    }

    /// Sets the field `name` to one value: replaces the first occurrence in place and removes the
    /// others, or appends the field if it is absent.
    pub fn set(&mut self, name: &str, value: impl Into<String>) {
        let mut value = Some(value.into());
        self.fields.retain_mut(|(field, existing)| {
            if !field.eq_ignore_ascii_case(name) {
                return true;
            }
            match value.take() {
                Some(value) => {
                    *existing = value;
                    true
                }
                None => false,
            }
        });
        if let Some(value) = value {
            self.push(name, value);
        }
    }

    /// Inserts a field at `index` in the field order (clamped to the end).
    pub fn insert(&mut self, index: usize, name: impl Into<String>, value: impl Into<String>) {
        let index = index.min(self.fields.len());
        self.fields.insert(index, (name.into(), value.into()));
    }

    /// All fields in order, as `(name, value)` pairs.
    pub fn fields(&self) -> &[(String, String)] {
        &self.fields
    }

    /// The text after the first blank line, if there is one.
    pub fn body(&self) -> Option<&str> {
        self.body.as_deref()
    }

    /// Replaces (or removes) the body.
    pub fn set_body(&mut self, body: Option<String>) {
        self.body = body;
    }
}

impl fmt::Display for HeaderFields {
    /// Writes `Name: value` lines; a value's later lines are written as continuation lines
    /// (indented by eight spaces unless they already start with whitespace), then the body.
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (name, value) in &self.fields {
            let mut lines = value.split('\n');
            write!(formatter, "{name}: {}", lines.next().unwrap_or_default())?;
            for line in lines {
                if line.starts_with([' ', '\t']) {
                    write!(formatter, "\n{line}")?;
                } else {
                    write!(formatter, "\n{CONTINUATION_INDENT}{line}")?;
                }
            }
            formatter.write_str("\n")?;
        }
        if let Some(body) = &self.body {
            write!(formatter, "\n{body}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_fields_continuations_and_body() {
        let text = "Metadata-Version: 2.1\n\
                    Name: numpy\n\
                    License: Copyright (c) 2005\n        All rights reserved.\n\
                    \tSecond paragraph\n\
                    Requires-Dist: a\n\
                    requires-dist: b ; extra == \"test\"\n\
                    \n\
                    # Body\n\nwith: colon\n";
        let fields = HeaderFields::parse(text).unwrap();
        assert_eq!(fields.get("name"), Some("numpy"));
        assert_eq!(fields.get("NAME"), Some("numpy"));
        assert_eq!(
            fields.get("License"),
            Some("Copyright (c) 2005\n        All rights reserved.\n\tSecond paragraph")
        );
        assert_eq!(
            fields.get_all("Requires-Dist"),
            ["a", "b ; extra == \"test\""]
        );
        assert_eq!(fields.body(), Some("# Body\n\nwith: colon\n"));
        assert_eq!(fields.to_string(), text);
    }

    #[test]
    fn accepts_crlf_and_missing_final_newline() {
        let fields = HeaderFields::parse("Name: a\r\nVersion:1.0\r\n Continued\r\nTag: x").unwrap();
        assert_eq!(fields.get("Version"), Some("1.0\n Continued"));
        assert_eq!(fields.get("Tag"), Some("x"));
        assert_eq!(fields.body(), None);
        assert_eq!(
            fields.to_string(),
            "Name: a\nVersion: 1.0\n Continued\nTag: x\n"
        );
    }

    #[test]
    fn empty_body_is_kept() {
        let fields = HeaderFields::parse("Name: a\n\n").unwrap();
        assert_eq!(fields.body(), Some(""));
        assert_eq!(fields.to_string(), "Name: a\n\n");
    }

    #[test]
    fn edits_keep_order() {
        let mut fields = HeaderFields::parse("A: 1\nB: 2\nA: 3\nC: 4\n").unwrap();
        assert_eq!(fields.remove_all("a"), 2);
        fields.push("D", "5");
        fields.set("b", "20");
        fields.set("E", "6");
        fields.insert(1, "Z", "0");
        assert_eq!(fields.to_string(), "B: 20\nZ: 0\nC: 4\nD: 5\nE: 6\n");
    }

    #[test]
    fn folds_pushed_multiline_values_so_they_parse_back() {
        let mut fields = HeaderFields::new();
        fields.push("License", "line one\nline two\n\nline four");
        fields.push("Name", "x");
        let text = fields.to_string();
        assert_eq!(
            text,
            "License: line one\n        line two\n        \n        line four\nName: x\n"
        );
        let parsed = HeaderFields::parse(&text).unwrap();
        assert_eq!(parsed.get("Name"), Some("x"));
        assert_eq!(parsed.body(), None);
    }

    #[test]
    fn rejects_malformed_lines() {
        for (text, line) in [
            ("Name: a\nnot a header\n", 2),
            (" leading continuation\n", 1),
            (": no name\n", 1),
            ("Bad Name: x\n", 1),
        ] {
            let error = HeaderFields::parse(text).unwrap_err();
            assert!(
                matches!(error, Error::InvalidHeaderLine { line: found, .. } if found == line),
                "{text:?}: {error}"
            );
        }
    }
}
