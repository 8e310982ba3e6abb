//! Ordering wheel versions by their release segments, enough to pick the newest wheel of a
//! distribution and to compute requirement bounds (not a full PEP 440 implementation).

use std::cmp::Ordering;

/// The numeric release segments of a version: `0.3.34.481.3` gives `[0, 3, 34, 481, 3]`; each
/// segment's leading digits count (`1rc1` gives 1), an epoch or local label is not handled.
pub fn release_segments(version: &str) -> Vec<u64> {
    version
        .split('.')
        .map(|segment| {
            segment
                .chars()
                .take_while(char::is_ascii_digit)
                .collect::<String>()
                .parse()
                .unwrap_or(0)
        })
        .collect()
}

/// Orders two versions by their release segments, padding the shorter with zeros: `0.3.10`
/// after `0.3.9`, `1.0` equal to `1.0.0`.
pub fn compare_release(left: &str, right: &str) -> Ordering {
    let (left, right) = (release_segments(left), release_segments(right));
    let length = left.len().max(right.len());
    (0..length)
        .map(|index| {
            let a = left.get(index).copied().unwrap_or(0);
            let b = right.get(index).copied().unwrap_or(0);
            a.cmp(&b)
        })
        .find(|ordering| ordering.is_ne())
        .unwrap_or(Ordering::Equal)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn releases_compare_numerically() {
        assert!(compare_release("0.3.10", "0.3.9").is_gt());
        assert!(compare_release("0.3.34.481.3", "0.3.34.44").is_gt());
        assert!(compare_release("1.0", "1.0.0").is_eq());
        assert!(compare_release("2.1.3", "10.0").is_lt());
        assert_eq!(release_segments("1.26.0rc1"), [1, 26, 0]);
    }
}
