//! Closest-match suggestions for misspelled keys, values, variant and variable names.

/// The optimal string alignment distance between two strings, compared case-insensitively:
/// insertions, deletions, substitutions and swaps of two adjacent characters each cost one.
pub(crate) fn edit_distance(left: &str, right: &str) -> usize {
    let left: Vec<char> = left.chars().flat_map(char::to_lowercase).collect();
    let right: Vec<char> = right.chars().flat_map(char::to_lowercase).collect();
    let width = right.len() + 1;
    // distances[i * width + j] is the distance between left[..i] and right[..j].
    let mut distances = vec![0usize; (left.len() + 1) * width];
    for (i, row_start) in (0..=left.len()).map(|i| (i, i * width)) {
        distances[row_start] = i;
    }
    for (j, distance) in distances.iter_mut().enumerate().take(width) {
        *distance = j;
    }
    for i in 1..=left.len() {
        for j in 1..=right.len() {
            let substitution = usize::from(left[i - 1] != right[j - 1]);
            let mut best = (distances[(i - 1) * width + j] + 1)
                .min(distances[i * width + j - 1] + 1)
                .min(distances[(i - 1) * width + j - 1] + substitution);
            if i > 1 && j > 1 && left[i - 1] == right[j - 2] && left[i - 2] == right[j - 1] {
                best = best.min(distances[(i - 2) * width + j - 2] + 1);
            }
            distances[i * width + j] = best;
        }
    }
    distances[left.len() * width + right.len()]
}

/// The candidate closest to `input`, if it is close enough to be a plausible typo of it:
/// at most one edit per three characters (and at least one edit) away.
pub(crate) fn closest<'a>(
    input: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let mut best: Option<(usize, &'a str)> = None;
    for candidate in candidates {
        let distance = edit_distance(input, candidate);
        let length = input.chars().count().max(candidate.chars().count());
        let limit = (length / 3).max(1);
        if distance > limit {
            continue;
        }
        match best {
            Some((best_distance, _)) if best_distance <= distance => {}
            _ => best = Some((distance, candidate)),
        }
    }
    best.map(|(_, candidate)| candidate)
}

/// `a`, `b` and `c`: candidates quoted in backticks and joined for a message.
pub(crate) fn quoted_list<S: AsRef<str>>(items: &[S]) -> String {
    let quoted: Vec<String> = items
        .iter()
        .map(|item| format!("`{}`", item.as_ref()))
        .collect();
    match quoted.as_slice() {
        [] => String::new(),
        [only] => only.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distance_counts_substitutions_insertions_and_swaps() {
        assert_eq!(edit_distance("sha256", "sha256"), 0);
        assert_eq!(
            edit_distance("sha265", "sha256"),
            1,
            "adjacent swap is one edit"
        );
        assert_eq!(edit_distance("sorce", "source"), 1);
        assert_eq!(edit_distance("lisence", "license"), 2);
        assert_eq!(edit_distance("", "url"), 3);
        assert_eq!(edit_distance("URL", "url"), 0);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }

    #[test]
    fn closest_picks_the_nearest_plausible_candidate() {
        let keys = ["url", "path", "pypi-sdist", "sha256", "subdirectory"];
        assert_eq!(closest("sha265", keys), Some("sha256"));
        assert_eq!(closest("pypi_sdist", keys), Some("pypi-sdist"));
        assert_eq!(closest("subdir", keys), None, "too far to be a typo");
        assert_eq!(closest("zzz", keys), None);
        assert_eq!(closest("ur", keys), Some("url"));
    }

    #[test]
    fn quoted_list_reads_as_english() {
        assert_eq!(quoted_list::<&str>(&[]), "");
        assert_eq!(quoted_list(&["a"]), "`a`");
        assert_eq!(quoted_list(&["a", "b", "c"]), "`a`, `b` and `c`");
    }
}
