//! Read and rewrite ELF shared objects: SONAME, DT_NEEDED, RPATH/RUNPATH, dynamic symbols and
//! symbol versions. Pure Rust: bytes in, bytes out.
//!
//! [`ElfFile::parse`] reads what matters for loading; [`rewrite`] applies an [`ElfEdit`] with
//! the `object` crate's ELF builder and checks the result by parsing it again.

mod edit;
mod elf_file;
mod error;
mod layout;
mod machine;
mod search_path;
mod symbols;
mod verification;

#[cfg(test)]
mod test_support;

pub use edit::{rewrite, ElfEdit};
pub use elf_file::{is_elf, ElfClass, ElfFile, ElfKind, Endianness, Libc, LINKER_DEFINED_SYMBOLS};
pub use error::Error;
pub use machine::Machine;
pub use search_path::{SearchPath, SearchPathKind};
pub use symbols::{DynamicSymbol, VersionRequirement};
