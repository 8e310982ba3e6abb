//! [`Observer`]: how a build reports progress (phases and the build's output lines) to whoever
//! shows it, since the library itself never prints.

use std::fmt;

/// A step of a build, in the order they run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Phase {
    /// Looking up the build cache.
    Cache,
    /// Downloading the source, or taking it from the source cache.
    Fetch,
    /// Checking the source's sha256.
    Verify,
    /// Unpacking the source into the temporary build tree.
    Extract,
    /// Running the build commands.
    Compile,
    /// Taking the built (or already-built) libraries, headers and licenses.
    Collect,
    /// Setting SONAMEs, DT_NEEDED and search paths.
    Relink,
    /// Checking exported symbols and the platform tag.
    Audit,
    /// Writing the wheel.
    Pack,
}

impl Phase {
    /// The phase's name for people: `fetch`, `compile`, ...
    pub fn name(self) -> &'static str {
        match self {
            Self::Cache => "cache",
            Self::Fetch => "fetch",
            Self::Verify => "verify",
            Self::Extract => "extract",
            Self::Compile => "compile",
            Self::Collect => "collect",
            Self::Relink => "relink",
            Self::Audit => "audit",
            Self::Pack => "pack",
        }
    }
}

/// Every phase, in order.
const PHASES: [Phase; 9] = [
    Phase::Cache,
    Phase::Fetch,
    Phase::Verify,
    Phase::Extract,
    Phase::Compile,
    Phase::Collect,
    Phase::Relink,
    Phase::Audit,
    Phase::Pack,
];

impl<'de> serde::Deserialize<'de> for Phase {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let name = String::deserialize(deserializer)?;
        PHASES
            .into_iter()
            .find(|phase| phase.name() == name)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown phase {name}")))
    }
}

impl fmt::Display for Phase {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(self.name())
    }
}

/// Receives a build's progress. Called from the building thread (and, for output lines, from
/// the thread reading the build's output), so implementations must be `Sync`.
pub trait Observer: Sync {
    /// A phase of the build of `what` (`openblas (ilp64)`) starts; `detail` says more, such as
    /// the command being run.
    fn phase(&self, what: &str, phase: Phase, detail: &str);

    /// One line the build commands printed (already written to the log).
    fn output_line(&self, line: &str);
}

/// An observer that ignores everything.
#[derive(Debug, Clone, Copy, Default)]
pub struct SilentObserver;

impl Observer for SilentObserver {
    fn phase(&self, _what: &str, _phase: Phase, _detail: &str) {}
    fn output_line(&self, _line: &str) {}
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phases_round_trip_through_json() {
        for phase in PHASES {
            let json = serde_json::to_string(&phase).unwrap();
            assert_eq!(json, format!("\"{}\"", phase.name()));
            assert_eq!(serde_json::from_str::<Phase>(&json).unwrap(), phase);
        }
        assert!(serde_json::from_str::<Phase>("\"bake\"").is_err());
    }
}
