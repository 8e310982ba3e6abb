//! Ordering wheel versions by their release segments, enough to pick the newest wheel of a
//! distribution and to compute requirement bounds (not a full PEP 440 implementation).

use std::cmp::Ordering;

/// The release segments of a version: `0.3.34.481.3` gives `[0, 3, 34, 481, 3]`, `12.2.0rc1`
/// gives `[12, 2, 0]`; an epoch (`1!`) is skipped, and a segment with a suffix is the last.
pub fn release_segments(version: &str) -> Vec<u64> {
    let version = version.split_once('!').map_or(version, |(_, rest)| rest);
    let mut segments = Vec::new();
    for part in version.split('.') {
        let digits: String = part.chars().take_while(char::is_ascii_digit).collect();
        let Ok(number) = digits.parse() else {
            break;
        };
        segments.push(number);
        if digits.len() != part.len() {
            break;
        }
    }
    segments
}

/// Compares release segments, padding the shorter with zeros (`1.0` == `1.0.0`).
pub fn compare_segments(left: &[u64], right: &[u64]) -> Ordering {
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

/// Orders two versions by their release segments: `0.3.10` after `0.3.9`, `1.0` equal to
/// `1.0.0`.
pub fn compare_release(left: &str, right: &str) -> Ordering {
    compare_segments(&release_segments(left), &release_segments(right))
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
        assert_eq!(release_segments("1!2.0"), [2, 0]);
        assert_eq!(release_segments("1.0.dev0"), [1, 0]);
    }
}
