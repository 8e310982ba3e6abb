//! `nativelib`: ship native libraries once, as their own wheels, and relink scientific Python
//! wheels to share them. This file only parses arguments, dispatches and maps errors to exit codes.

mod allocator;
mod cli;
mod commands;
mod exit;
mod human;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    allocator::limit_malloc_arenas();
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
