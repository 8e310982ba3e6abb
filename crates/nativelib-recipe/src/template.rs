//! `{variable}` substitution in recipe strings, with `{{` and `}}` for literal braces.
//!
//! Substitution runs in two passes. When a recipe is resolved, the variables known from the
//! recipe (`{version}`, `{soname}`, ...) are replaced; in build settings the variables known only
//! while building (`{prefix}`, `{source}`, `{build}`, `{jobs}`) are kept, with the escapes, for
//! the second pass that [`crate::ResolvedRecipe::build_commands`] runs.

use std::collections::BTreeMap;

/// Variables known only while building, replaced by the second pass.
pub(crate) const BUILD_TIME_VARIABLES: &[&str] = &["prefix", "source", "build", "jobs"];

/// Why a template cannot be substituted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum TemplateError {
    /// A `{name}` that is not a variable here.
    Unknown { name: String },
    /// A build-time variable in a setting that is not passed to the build.
    BuildTimeOnly { name: String },
    /// A `{` without its `}`.
    UnmatchedOpen,
    /// A `}` without its `{`.
    UnmatchedClose,
}

enum Piece<'a> {
    Literal(char),
    Variable(&'a str),
}

fn pieces(text: &str) -> Result<Vec<Piece<'_>>, TemplateError> {
    let mut pieces = Vec::new();
    let mut characters = text.char_indices().peekable();
    while let Some((offset, character)) = characters.next() {
        match character {
            '{' if characters.peek().map(|(_, next)| *next) == Some('{') => {
                characters.next();
                pieces.push(Piece::Literal('{'));
            }
            '{' => {
                let start = offset + 1;
                let mut end = None;
                for (inner_offset, inner) in characters.by_ref() {
                    match inner {
                        '}' => {
                            end = Some(inner_offset);
                            break;
                        }
                        '{' => return Err(TemplateError::UnmatchedOpen),
                        _ => {}
                    }
                }
                let end = end.ok_or(TemplateError::UnmatchedOpen)?;
                pieces.push(Piece::Variable(&text[start..end]));
            }
            '}' if characters.peek().map(|(_, next)| *next) == Some('}') => {
                characters.next();
                pieces.push(Piece::Literal('}'));
            }
            '}' => return Err(TemplateError::UnmatchedClose),
            other => pieces.push(Piece::Literal(other)),
        }
    }
    Ok(pieces)
}

/// Replace the variables of `values` in `text`.
///
/// With `later_pass`, build-time variables and brace escapes are kept for the second pass;
/// without it they are an error and the escapes become literal braces.
pub(crate) fn substitute(
    text: &str,
    values: &BTreeMap<&'static str, String>,
    later_pass: bool,
) -> Result<String, TemplateError> {
    let mut output = String::with_capacity(text.len());
    for piece in pieces(text)? {
        match piece {
            Piece::Literal(character @ ('{' | '}')) if later_pass => {
                output.push(character);
                output.push(character);
            }
            Piece::Literal(character) => output.push(character),
            Piece::Variable(name) => {
                if let Some(value) = values.get(name) {
                    output.push_str(value);
                } else if BUILD_TIME_VARIABLES.contains(&name) {
                    if !later_pass {
                        return Err(TemplateError::BuildTimeOnly {
                            name: name.to_string(),
                        });
                    }
                    output.push('{');
                    output.push_str(name);
                    output.push('}');
                } else {
                    return Err(TemplateError::Unknown {
                        name: name.to_string(),
                    });
                }
            }
        }
    }
    Ok(output)
}

/// The second pass: replace the build-time variables and turn escapes into braces. The text was
/// checked by the first pass; anything unknown is kept as written.
pub(crate) fn fill(text: &str, values: &BTreeMap<&'static str, String>) -> String {
    let Ok(pieces) = pieces(text) else {
        return text.to_string();
    };
    let mut output = String::with_capacity(text.len());
    for piece in pieces {
        match piece {
            Piece::Literal(character) => output.push(character),
            Piece::Variable(name) => match values.get(name) {
                Some(value) => output.push_str(value),
                None => {
                    output.push('{');
                    output.push_str(name);
                    output.push('}');
                }
            },
        }
    }
    output
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values() -> BTreeMap<&'static str, String> {
        BTreeMap::from([
            ("version", "0.3.31".to_string()),
            ("symbol-prefix", "scipy_".to_string()),
        ])
    }

    #[test]
    fn substitutes_known_variables_and_unescapes() {
        let text = "lib/lib{symbol-prefix}openblas-{version}.so {{literal}}";
        assert_eq!(
            substitute(text, &values(), false).unwrap(),
            "lib/libscipy_openblas-0.3.31.so {literal}"
        );
    }

    #[test]
    fn keeps_build_time_variables_and_escapes_for_the_second_pass() {
        let first = substitute("PREFIX={prefix} V={version} {{x}}", &values(), true).unwrap();
        assert_eq!(first, "PREFIX={prefix} V=0.3.31 {{x}}");
        let build = BTreeMap::from([("prefix", "/tmp/p".to_string())]);
        assert_eq!(fill(&first, &build), "PREFIX=/tmp/p V=0.3.31 {x}");
    }

    #[test]
    fn reports_unknown_build_time_and_unbalanced() {
        assert_eq!(
            substitute("{verison}", &values(), true),
            Err(TemplateError::Unknown {
                name: "verison".to_string()
            })
        );
        assert_eq!(
            substitute("{prefix}/lib", &values(), false),
            Err(TemplateError::BuildTimeOnly {
                name: "prefix".to_string()
            })
        );
        assert_eq!(
            substitute("a{version", &values(), false),
            Err(TemplateError::UnmatchedOpen)
        );
        assert_eq!(
            substitute("a}b", &values(), false),
            Err(TemplateError::UnmatchedClose)
        );
    }
}
