//! Exit codes and the one-line error report.
//!
//! - 0: success.
//! - 1: the command ran but refused to act on what it found (an ABI mismatch, nothing to link).
//! - 2: bad input or usage: a file that cannot be read, a corrupt wheel, an invalid argument.
//! - 130: a build stopped by a signal (SIGINT, SIGTERM, SIGHUP), as shells report Ctrl-C.

use std::io::Write;
use std::process::ExitCode;

/// The exit status of a cancelled build.
pub const CANCELLED: i32 = 130;

/// An error meaning "the inputs were read fine, but acting on them would be wrong".
#[derive(Debug)]
pub struct Refusal(pub String);

impl std::fmt::Display for Refusal {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str(&self.0)
    }
}

impl std::error::Error for Refusal {}

/// Prints `error: <cause chain on one line>` to stderr and picks the exit code.
pub fn report(error: &anyhow::Error) -> ExitCode {
    if is_broken_pipe(error) {
        return ExitCode::SUCCESS;
    }
    let _ = writeln!(std::io::stderr(), "error: {error:#}");
    let cancelled = error.chain().any(|cause| {
        matches!(
            cause.downcast_ref::<nativelib_build::Error>(),
            Some(nativelib_build::Error::Cancelled { .. })
        )
    });
    if cancelled {
        ExitCode::from(CANCELLED as u8)
    } else if error.downcast_ref::<Refusal>().is_some() {
        ExitCode::from(1)
    } else {
        ExitCode::from(2)
    }
}

/// Whether stdout was closed early (`nativelib show --json ... | head`): not an error. serde_json
/// wraps the write's I/O error and does not list it as its source, so it is asked directly.
fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        let kind = match cause.downcast_ref::<std::io::Error>() {
            Some(io) => Some(io.kind()),
            None => cause
                .downcast_ref::<serde_json::Error>()
                .and_then(serde_json::Error::io_error_kind),
        };
        kind == Some(std::io::ErrorKind::BrokenPipe)
    })
}
