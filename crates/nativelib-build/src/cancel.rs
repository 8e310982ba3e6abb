//! Stopping a build from outside, such as from the binary's signal handler: [`cancel`] terminates
//! the process group of every running build command (each command runs in its own group, so
//! that `make` and the compilers it starts stop with it), and the build then returns
//! [`crate::Error::Cancelled`], removing its temporary and partial directories on the way out.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

static CANCELLED: AtomicBool = AtomicBool::new(false);
/// The process group ids (the leaders' pids) of the running build commands.
static RUNNING: Mutex<Vec<u32>> = Mutex::new(Vec::new());

/// Cancels the builds in progress: marks them cancelled and sends SIGTERM to the process group
/// of each running build command. Returns whether a command was running (when none was, the
/// caller may exit at once: nothing long-running is left behind).
pub fn cancel() -> bool {
    CANCELLED.store(true, Ordering::SeqCst);
    let running = RUNNING
        .lock()
        .map(|groups| groups.clone())
        .unwrap_or_default();
    for group in &running {
        if let Ok(group) = i32::try_from(*group) {
            // SAFETY: kill has no memory-safety preconditions; a negative pid names a group.
            unsafe {
                libc::kill(-group, libc::SIGTERM);
            }
        }
    }
    !running.is_empty()
}

/// Whether [`cancel`] was called.
pub(crate) fn is_cancelled() -> bool {
    CANCELLED.load(Ordering::SeqCst)
}

/// A running build command's process group, registered for [`cancel`] while it lives.
pub(crate) struct RunningGroup(u32);

impl RunningGroup {
    pub(crate) fn register(group: u32) -> Self {
        if let Ok(mut groups) = RUNNING.lock() {
            groups.push(group);
        }
        Self(group)
    }
}

impl Drop for RunningGroup {
    fn drop(&mut self) {
        if let Ok(mut groups) = RUNNING.lock() {
            groups.retain(|group| *group != self.0);
        }
    }
}
