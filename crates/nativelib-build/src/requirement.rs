//! The requirements a recipe writes in `dependencies = [{ wheel = "..." }]`: a distribution name
//! and PEP 440 version specifiers (`nativelib-openmp>=12.2,<13`), and whether a wheel's version
//! satisfies them. Release segments are compared numerically; a version with a pre-, post- or
//! dev-release part compares by its release segment, after the plain release (`1.0rc1` is
//! treated as newer than nothing but not as `1.0`).

use nativelib_wheel::{compare_segments, normalize_name, release_segments};

/// A parsed requirement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Requirement {
    /// The PEP 503 normalized distribution name.
    pub(crate) name: String,
    /// The version specifiers, all of which must hold.
    pub(crate) specifiers: Vec<Specifier>,
}

/// One version specifier, `>=12.2`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Specifier {
    operator: Operator,
    version: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Operator {
    Equal,
    NotEqual,
    GreaterOrEqual,
    LessOrEqual,
    Greater,
    Less,
    Compatible,
    Identical,
}

impl Requirement {
    /// Parses `name`, `name>=1.0`, `name >=1.0, <2`, `name==1.*`. Extras and environment
    /// markers are refused: a library wheel has neither.
    pub(crate) fn parse(text: &str) -> Result<Requirement, String> {
        let text = text.trim();
        let name_end = text
            .find(|character: char| {
                !(character.is_ascii_alphanumeric() || matches!(character, '-' | '_' | '.'))
            })
            .unwrap_or(text.len());
        let (name, rest) = text.split_at(name_end);
        if name.is_empty() {
            return Err("it does not start with a distribution name".to_string());
        }
        let rest = rest.trim();
        if rest.starts_with('[') || rest.contains(';') || rest.contains('@') {
            return Err(
                "extras, URLs and environment markers are not supported; write \
                 `name` or `name>=version`"
                    .to_string(),
            );
        }
        let mut specifiers = Vec::new();
        for part in rest
            .split(',')
            .map(str::trim)
            .filter(|part| !part.is_empty())
        {
            specifiers.push(Specifier::parse(part)?);
        }
        Ok(Requirement {
            name: normalize_name(name),
            specifiers,
        })
    }

    /// Whether `version` satisfies every specifier.
    pub(crate) fn allows(&self, version: &str) -> bool {
        self.specifiers
            .iter()
            .all(|specifier| specifier.allows(version))
    }
}

impl Specifier {
    fn parse(text: &str) -> Result<Specifier, String> {
        const OPERATORS: [(&str, Operator); 8] = [
            ("===", Operator::Identical),
            ("==", Operator::Equal),
            ("!=", Operator::NotEqual),
            (">=", Operator::GreaterOrEqual),
            ("<=", Operator::LessOrEqual),
            ("~=", Operator::Compatible),
            (">", Operator::Greater),
            ("<", Operator::Less),
        ];
        let (operator, version) = OPERATORS
            .iter()
            .find_map(|(symbol, operator)| {
                text.strip_prefix(symbol)
                    .map(|version| (*operator, version.trim()))
            })
            .ok_or_else(|| {
                format!("`{text}` is not a version specifier (`>=1.0`, `==1.2.*`, `<2`)")
            })?;
        let valid = !version.is_empty()
            && version
                .chars()
                .all(|character| character.is_ascii_alphanumeric() || ".*+!-_".contains(character))
            && (!version.contains('*')
                || (matches!(operator, Operator::Equal | Operator::NotEqual)
                    && version.ends_with(".*")));
        if !valid {
            return Err(format!("`{text}` has no valid version"));
        }
        Ok(Specifier {
            operator,
            version: version.to_string(),
        })
    }

    fn allows(&self, version: &str) -> bool {
        let wanted = release_segments(&self.version);
        let have = release_segments(version);
        match self.operator {
            Operator::Identical => version == self.version,
            Operator::Equal | Operator::NotEqual => {
                let equal = match self.version.strip_suffix(".*") {
                    Some(prefix) => {
                        let prefix = release_segments(prefix);
                        have.len() >= prefix.len() && have[..prefix.len()] == prefix[..]
                    }
                    None => {
                        compare_segments(&have, &wanted).is_eq()
                            && plain(version) == plain(&self.version)
                    }
                };
                equal == (self.operator == Operator::Equal)
            }
            Operator::GreaterOrEqual => compare_segments(&have, &wanted).is_ge(),
            Operator::LessOrEqual => compare_segments(&have, &wanted).is_le(),
            Operator::Greater => compare_segments(&have, &wanted).is_gt(),
            Operator::Less => compare_segments(&have, &wanted).is_lt(),
            Operator::Compatible => {
                // ~=2.2.1 is >=2.2.1, ==2.2.*.
                let prefix = &wanted[..wanted.len().saturating_sub(1).max(1)];
                compare_segments(&have, &wanted).is_ge()
                    && have.len() >= prefix.len()
                    && have[..prefix.len()] == prefix[..]
            }
        }
    }
}

/// Everything after the release segment (`rc1`, `.post1`), for equality.
fn plain(version: &str) -> String {
    version
        .trim_start_matches(|character: char| character.is_ascii_digit() || character == '.')
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn allows(requirement: &str, version: &str) -> bool {
        Requirement::parse(requirement).unwrap().allows(version)
    }

    #[test]
    fn names_are_normalized() {
        let requirement = Requirement::parse("Nativelib_OpenMP >=12.2, <13").unwrap();
        assert_eq!(requirement.name, "nativelib-openmp");
        assert_eq!(requirement.specifiers.len(), 2);
        assert!(Requirement::parse("nativelib-openmp")
            .unwrap()
            .specifiers
            .is_empty());
    }

    #[test]
    fn specifiers_compare_release_numbers() {
        assert!(allows("a>=12.2", "12.2.0"));
        assert!(allows("a>=12.2,<13", "12.10"));
        assert!(!allows("a>=12.2,<13", "13.0"));
        assert!(!allows("a>=12.2", "12.1.9"));
        assert!(allows("a==12.2", "12.2.0"));
        assert!(!allows("a==12.2", "12.2.1"));
        assert!(allows("a==12.*", "12.2.0"));
        assert!(!allows("a==12.*", "11.3"));
        assert!(allows("a!=12.2.0", "12.2.1"));
        assert!(allows("a~=12.2", "12.9"));
        assert!(!allows("a~=12.2", "13.0"));
        assert!(allows("a~=0.3.27", "0.3.31"));
        assert!(!allows("a~=0.3.27", "0.4.0"));
        assert!(allows("a>1", "1.0.1"));
        assert!(allows("a<=1", "1.0.0"));
        assert!(allows("a===1.0", "1.0"));
        assert!(!allows("a===1.0", "1.0.0"));
    }

    #[test]
    fn bad_requirements_are_explained() {
        assert!(Requirement::parse(">=1").unwrap_err().contains("name"));
        assert!(Requirement::parse("a[x]>=1")
            .unwrap_err()
            .contains("extras"));
        assert!(Requirement::parse("a; python_version>'3'").is_err());
        assert!(Requirement::parse("a=>1").unwrap_err().contains("`=>1`"));
        assert!(Requirement::parse("a>=1.*").is_err());
        assert!(Requirement::parse("a>=").is_err());
    }
}
