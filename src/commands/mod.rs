//! One module per subcommand: each reads its arguments, calls the library crates and prints.

pub mod build;
pub mod link;
pub mod show;
