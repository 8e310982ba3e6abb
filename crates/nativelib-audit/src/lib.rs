//! Dependency graphs of wheels and environments: how each binary's DT_NEEDED resolves the way
//! glibc resolves it, which libraries are vendored, orphaned or loaded twice, which symbols clash,
//! and the manylinux tag the binaries satisfy (PEP 600 policy data).
//!
//! A failed audit is data, not an error: [`Error`] only covers inputs that cannot be read.

mod environment;
mod error;
pub mod install;
mod installed;
mod inventory;
pub mod policy;
mod report;
mod resolve;
pub mod runtime;

pub use environment::{audit, DuplicateRuntime, EnvironmentReport, LibraryCopy, SymbolClash};
pub use error::Error;
pub use installed::read_environment;
pub use inventory::{BinaryRole, InstalledBinary, InstalledWheel, RecordCheck};
pub use policy::{ManylinuxPolicy, PlatformVerdict};
pub use report::{BinaryReport, PlatformReport, ProviderFloor, VendoredLibrary, WheelReport};
pub use resolve::{resolve, BinaryId, Dependency, DependencyStatus, Resolution, SearchPathUse};
