//! The ELF machine (`e_machine`) and its manylinux architecture name.

use object::elf;

/// The `e_machine` field of an ELF header.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Machine(pub u16);

impl Machine {
    /// The manylinux architecture name of this machine: `x86_64`, `i686`, `aarch64`,
    /// `ppc64le`, `ppc64`, `s390x`, `armv7l`, `riscv64`, `loongarch64`, else `unknown`.
    ///
    /// `e_machine` alone does not say the byte order or word size, so this assumes the
    /// variant that Linux wheels use: `EM_PPC64` is `ppc64le`, `EM_S390` is `s390x`.
    /// [`crate::ElfFile::architecture`] takes the file's class and byte order into account.
    pub fn name(&self) -> &'static str {
        match elf::Machine(self.0) {
            elf::EM_X86_64 => "x86_64",
            elf::EM_386 => "i686",
            elf::EM_AARCH64 => "aarch64",
            elf::EM_PPC64 => "ppc64le",
            elf::EM_S390 => "s390x",
            elf::EM_ARM => "armv7l",
            elf::EM_RISCV => "riscv64",
            elf::EM_LOONGARCH => "loongarch64",
            _ => "unknown",
        }
    }
}

impl std::fmt::Display for Machine {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::Machine;

    #[test]
    fn names_follow_manylinux() {
        assert_eq!(Machine(62).name(), "x86_64");
        assert_eq!(Machine(3).name(), "i686");
        assert_eq!(Machine(183).name(), "aarch64");
        assert_eq!(Machine(21).name(), "ppc64le");
        assert_eq!(Machine(22).name(), "s390x");
        assert_eq!(Machine(40).name(), "armv7l");
        assert_eq!(Machine(243).name(), "riscv64");
        assert_eq!(Machine(258).name(), "loongarch64");
        assert_eq!(Machine(0).name(), "unknown");
        assert_eq!(Machine(2).to_string(), "unknown");
    }
}
