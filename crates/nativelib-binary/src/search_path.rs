//! The library search path of an ELF file: `DT_RPATH` or `DT_RUNPATH`.

/// Which dynamic tag holds a search path.
///
/// The two differ: glibc searches an object's `DT_RPATH` for the libraries needed by the
/// whole chain of objects it loads, but `DT_RUNPATH` only for the object's own `DT_NEEDED`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum SearchPathKind {
    /// `DT_RPATH`.
    Rpath,
    /// `DT_RUNPATH`.
    #[default]
    Runpath,
}

impl SearchPathKind {
    /// The dynamic tag name: `DT_RPATH` or `DT_RUNPATH`.
    pub fn tag_name(self) -> &'static str {
        match self {
            SearchPathKind::Rpath => "DT_RPATH",
            SearchPathKind::Runpath => "DT_RUNPATH",
        }
    }
}

impl std::fmt::Display for SearchPathKind {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str(match self {
            SearchPathKind::Rpath => "RPATH",
            SearchPathKind::Runpath => "RUNPATH",
        })
    }
}

/// The search path glibc uses for an object, with the tag it came from.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SearchPath {
    /// The tag the value came from.
    pub kind: SearchPathKind,
    /// The raw value, entries separated by `:` (may contain `$ORIGIN`).
    pub value: String,
}

impl SearchPath {
    /// The entries of the path, split on `:`, skipping empty ones.
    pub fn entries(&self) -> impl Iterator<Item = &str> {
        self.value.split(':').filter(|entry| !entry.is_empty())
    }
}

#[cfg(test)]
mod tests {
    use super::{SearchPath, SearchPathKind};

    #[test]
    fn entries_skip_empty_parts() {
        let path = SearchPath {
            kind: SearchPathKind::Rpath,
            value: ":$ORIGIN/../lib::/opt/x:".to_string(),
        };
        assert_eq!(
            path.entries().collect::<Vec<_>>(),
            ["$ORIGIN/../lib", "/opt/x"]
        );
        let empty = SearchPath {
            kind: SearchPathKind::Runpath,
            value: String::new(),
        };
        assert_eq!(empty.entries().count(), 0);
    }

    #[test]
    fn default_kind_is_runpath() {
        assert_eq!(SearchPathKind::default(), SearchPathKind::Runpath);
        assert_eq!(SearchPathKind::Rpath.tag_name(), "DT_RPATH");
        assert_eq!(SearchPathKind::Runpath.to_string(), "RUNPATH");
    }
}
