//! `[symbols]`: the namespace of a library's exported symbols, and whether to hide the rest.

/// The symbols a library is declared to export: those starting with `prefix` and ending with
/// `suffix`, plus the `keep` patterns.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SymbolPolicy {
    /// The prefix every exported symbol carries, such as `scipy_`.
    pub prefix: Option<String>,
    /// The suffix every exported symbol carries, such as `64_`.
    pub suffix: Option<String>,
    /// Hide (make local) every exported symbol outside the namespace when packaging.
    pub hide_outside_namespace: bool,
    /// Patterns (`*`, `?`) of further symbols that stay exported.
    pub keep: Vec<String>,
}

impl SymbolPolicy {
    /// True if the recipe declares a namespace at all.
    pub fn has_namespace(&self) -> bool {
        self.prefix.is_some() || self.suffix.is_some() || !self.keep.is_empty()
    }

    /// True if `symbol` lies in the declared namespace: it has the prefix and the suffix (when
    /// declared) or matches a `keep` pattern. Without a declared namespace every symbol does.
    pub fn in_namespace(&self, symbol: &str) -> bool {
        if !self.has_namespace() {
            return true;
        }
        let affixed = (self.prefix.is_some() || self.suffix.is_some())
            && self
                .prefix
                .as_deref()
                .is_none_or(|prefix| symbol.starts_with(prefix))
            && self
                .suffix
                .as_deref()
                .is_none_or(|suffix| symbol.ends_with(suffix));
        affixed || self.keep.iter().any(|pattern| glob_match(pattern, symbol))
    }
}

/// Match `text` against a pattern where `*` is any run of characters and `?` any one character.
pub(crate) fn glob_match(pattern: &str, text: &str) -> bool {
    let pattern: Vec<char> = pattern.chars().collect();
    let text: Vec<char> = text.chars().collect();
    let (mut p, mut t) = (0, 0);
    let mut backtrack: Option<(usize, usize)> = None;
    while t < text.len() {
        if p < pattern.len() && (pattern[p] == '?' || pattern[p] == text[t]) {
            p += 1;
            t += 1;
        } else if p < pattern.len() && pattern[p] == '*' {
            backtrack = Some((p, t));
            p += 1;
        } else if let Some((star, matched)) = backtrack {
            p = star + 1;
            t = matched + 1;
            backtrack = Some((star, matched + 1));
        } else {
            return false;
        }
    }
    pattern[p..].iter().all(|c| *c == '*')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn namespace_needs_prefix_and_suffix() {
        let policy = SymbolPolicy {
            prefix: Some("scipy_".to_string()),
            suffix: Some("64_".to_string()),
            hide_outside_namespace: true,
            keep: vec!["_init".to_string(), "_fini".to_string()],
        };
        assert!(policy.in_namespace("scipy_dgemm_64_"));
        assert!(policy.in_namespace("scipy_cblas_dgemm64_"));
        assert!(!policy.in_namespace("scipy_dgemm_"));
        assert!(!policy.in_namespace("dgemm_64_"));
        assert!(!policy.in_namespace("sroundup_lwork_"));
        assert!(policy.in_namespace("_init"));
    }

    #[test]
    fn without_a_namespace_everything_is_in() {
        assert!(SymbolPolicy::default().in_namespace("omp_get_num_threads"));
        let keep_only = SymbolPolicy {
            keep: vec!["omp_*".to_string(), "GOMP_?.0".to_string()],
            ..SymbolPolicy::default()
        };
        assert!(keep_only.in_namespace("omp_get_num_threads"));
        assert!(keep_only.in_namespace("GOMP_1.0"));
        assert!(!keep_only.in_namespace("GOMP_12.0"));
        assert!(!keep_only.in_namespace("dgemm_"));
    }

    #[test]
    fn glob_matches_stars_and_question_marks() {
        assert!(glob_match("*", ""));
        assert!(glob_match("a*b*c", "aXXbYc"));
        assert!(!glob_match("a*b*c", "aXXbY"));
        assert!(glob_match("?bc", "abc"));
        assert!(!glob_match("abc", "abcd"));
    }
}
