//! Rendering nativelib's templates (`templates/`, compiled in) by the rules in
//! `templates/README.md`: drop the `#:` note lines, replace each `{{name}}` by plain string
//! replacement, and refuse a value whose placeholder is absent or a placeholder left over.

use std::fmt;

/// The templates, as shipped in `templates/`.
pub(crate) mod templates {
    /// `<package>/__init__.py` of a library wheel.
    pub(crate) const LOADER: &str = include_str!("../../../templates/loader/__init__.py");
    /// `<package>/_distributor_init.py` for consumers (no placeholders).
    pub(crate) const DISTRIBUTOR_INIT: &str =
        include_str!("../../../templates/distributor_init.py");
    /// `<lib dir>/pkgconfig/<name>.pc`.
    pub(crate) const PKG_CONFIG: &str = include_str!("../../../templates/pkgconfig.pc");
    /// `<lib dir>/cmake/<Package>/<Package>Config.cmake`.
    pub(crate) const CMAKE_CONFIG: &str = include_str!("../../../templates/cmake-config.cmake");
    /// `<lib dir>/cmake/<Package>/<Package>ConfigVersion.cmake`.
    pub(crate) const CMAKE_CONFIG_VERSION: &str =
        include_str!("../../../templates/cmake-config-version.cmake");

    /// Every template, for the packaging cache key.
    pub(crate) const ALL: &[&str] = &[
        LOADER,
        DISTRIBUTOR_INIT,
        PKG_CONFIG,
        CMAKE_CONFIG,
        CMAKE_CONFIG_VERSION,
    ];
}

/// Why a template could not be rendered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TemplateError {
    /// A value was given for a placeholder the template does not have.
    UnusedValue {
        /// The placeholder's name.
        name: String,
    },
    /// A `{{name}}` is left after every value was put in.
    Leftover {
        /// What is left, such as `{{version}}`.
        placeholder: String,
    },
}

impl fmt::Display for TemplateError {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::UnusedValue { name } => write!(formatter, "it has no placeholder {{{{{name}}}}}"),
            Self::Leftover { placeholder } => {
                write!(formatter, "the placeholder {placeholder} has no value")
            }
        }
    }
}

impl std::error::Error for TemplateError {}

/// Render `template` with `values` (placeholder name, value).
pub fn render_template(template: &str, values: &[(&str, &str)]) -> Result<String, TemplateError> {
    let mut text: String = template
        .split_inclusive('\n')
        .filter(|line| !line.starts_with("#:"))
        .collect();
    for (name, value) in values {
        let placeholder = format!("{{{{{name}}}}}");
        if !text.contains(&placeholder) {
            return Err(TemplateError::UnusedValue {
                name: (*name).to_string(),
            });
        }
        text = text.replace(&placeholder, value);
    }
    if let Some(start) = text.find("{{") {
        let end = text[start..]
            .find("}}")
            .map_or(text.len(), |end| start + end + 2);
        return Err(TemplateError::Leftover {
            placeholder: text[start..end.min(start + 60)].to_string(),
        });
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_by_the_rules() {
        let template = "#: note {{x}}\nA={{a}}\nB={{b}}{{a}}\n";
        assert_eq!(
            render_template(template, &[("a", "1"), ("b", "2")]).unwrap(),
            "A=1\nB=21\n"
        );
        assert_eq!(
            render_template(template, &[("a", "1")]),
            Err(TemplateError::Leftover {
                placeholder: "{{b}}".to_string()
            })
        );
        assert!(render_template(template, &[("a", "1"), ("b", "2"), ("c", "3")]).is_err());
    }

    #[test]
    fn shipped_templates_render_completely() {
        let distributor = render_template(templates::DISTRIBUTOR_INIT, &[]).unwrap();
        assert!(!distributor.contains("#:") && distributor.contains("_distributor_init_local"));
        let version =
            render_template(templates::CMAKE_CONFIG_VERSION, &[("version", "1.2")]).unwrap();
        assert!(version.contains("set(PACKAGE_VERSION \"1.2\")"));
        let loader = render_template(templates::LOADER, &[]).unwrap_err();
        assert!(matches!(loader, TemplateError::Leftover { .. }));
    }
}
