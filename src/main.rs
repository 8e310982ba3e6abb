//! `nativelib`: ship native libraries once, as their own wheels, and relink scientific Python
//! wheels to share them. This file only parses arguments, dispatches and maps errors to exit codes.

mod cli;
mod commands;
mod exit;
mod human;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    limit_malloc_arenas();
    let cli = cli::Cli::parse();
    let result = match cli.command {
        cli::Command::Show(arguments) => commands::show::run(&arguments),
        cli::Command::Link(arguments) => commands::link::run(&arguments),
        cli::Command::Build(arguments) => commands::build::run(&arguments),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => exit::report(&error),
    }
}

/// glibc gives every thread its own malloc arena and keeps what a thread freed there; the
/// parallel passes over a wheel then hold freed buffers in two arenas at once. One arena keeps
/// `link` on scipy at 27 MB peak instead of 34 MB (the wheel is 41 MB), at the same speed
/// (scripts/bench.py link).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn limit_malloc_arenas() {
    // SAFETY: mallopt only tunes the allocator; it is called before any other thread exists.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 1);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn limit_malloc_arenas() {}
