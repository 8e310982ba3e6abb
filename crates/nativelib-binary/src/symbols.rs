//! Dynamic symbols and GNU symbol versions (`.dynsym`, `.gnu.version`, `.gnu.version_r`,
//! `.gnu.version_d`) as read from an ELF file.

use object::elf;
use object::read::elf::{FileHeader, SectionHeader, SectionTable, Sym};
use object::read::{ReadRef, StringTable, SymbolIndex};
use object::Endianness;

use crate::Error;

/// A symbol in the dynamic symbol table.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DynamicSymbol {
    /// The symbol name, without any version.
    pub name: String,
    /// For a defined symbol, the name of its version definition (`None` when unversioned or
    /// the base version); for an undefined symbol, the version it requires (`GLIBC_2.17`).
    pub version: Option<String>,
    /// When the version is a requirement, the file of the `.gnu.version_r` entry it belongs
    /// to (`libc.so.6`): for undefined symbols, and for data an executable copies from a
    /// library (copy relocations). `None` for symbols with no version or a defined one.
    pub version_file: Option<String>,
    /// Whether the binding is `STB_WEAK`.
    pub is_weak: bool,
    /// Whether the type is `STT_FUNC` or `STT_GNU_IFUNC`.
    pub is_function: bool,
}

impl DynamicSymbol {
    /// The symbol as `name@version`, or just `name` when unversioned.
    pub fn display_name(&self) -> String {
        match &self.version {
            Some(version) => format!("{}@{version}", self.name),
            None => self.name.clone(),
        }
    }
}

/// The versions an object requires from one needed file (one `.gnu.version_r` entry).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct VersionRequirement {
    /// The file name of the entry (`vn_file`), which matches a `DT_NEEDED` entry.
    pub file: String,
    /// The version names required from it, in file order.
    pub versions: Vec<String>,
}

/// What the dynamic symbol table and the version sections of a file hold.
pub(crate) struct SymbolInformation {
    pub(crate) defined: Vec<DynamicSymbol>,
    pub(crate) undefined: Vec<DynamicSymbol>,
    pub(crate) version_requirements: Vec<VersionRequirement>,
    pub(crate) version_definitions: Vec<String>,
}

/// Convert a name from the file to a `String`, replacing invalid UTF-8.
pub(crate) fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Read the dynamic symbols and symbol versions of a file.
pub(crate) fn read_symbols<'data, Elf: FileHeader<Endian = Endianness>, R: ReadRef<'data>>(
    endian: Endianness,
    data: R,
    sections: &SectionTable<'data, Elf, R>,
) -> Result<SymbolInformation, Error> {
    let symbol_table = sections.symbols(endian, data, elf::SHT_DYNSYM)?;
    let versions = sections.versions(endian, data)?;
    // Symbol names are looked up in the string section read whole, once: through a stream
    // reader, a lookup per name would read the file once per symbol.
    let strings = if symbol_table.is_empty() {
        StringTable::default()
    } else {
        let bytes = sections
            .section(symbol_table.string_section())?
            .data(endian, data)?;
        StringTable::new(bytes, 0, bytes.len() as u64)
    };

    let mut defined = Vec::new();
    let mut undefined = Vec::new();
    for (index, symbol) in symbol_table.iter().enumerate().skip(1) {
        let binding = symbol.st_bind();
        if binding == elf::STB_LOCAL {
            continue;
        }
        let symbol_type = symbol.st_type();
        if symbol_type == elf::STT_SECTION || symbol_type == elf::STT_FILE {
            continue;
        }
        let name = symbol.name(endian, strings)?;
        if name.is_empty() {
            continue;
        }
        let is_undefined = symbol.st_shndx(endian) == elf::SHN_UNDEF;
        if !is_undefined {
            let visibility = symbol.st_visibility();
            if visibility != elf::STV_DEFAULT && visibility != elf::STV_PROTECTED {
                continue;
            }
        }
        let version = match &versions {
            Some(versions) => {
                let version_index = versions.version_index(endian, SymbolIndex(index));
                versions.version(version_index.index())?
            }
            None => None,
        };
        let entry = DynamicSymbol {
            name: text(name),
            version: version.map(|version| text(version.name())),
            version_file: version.and_then(|version| version.file()).map(text),
            is_weak: binding == elf::STB_WEAK,
            is_function: symbol_type == elf::STT_FUNC || symbol_type == elf::STT_GNU_IFUNC,
        };
        if is_undefined {
            undefined.push(entry);
        } else {
            defined.push(entry);
        }
    }

    let mut version_requirements = Vec::new();
    if let Some((mut needs, link)) = sections.gnu_verneed(endian, data)? {
        let strings = sections.strings(endian, data, link)?;
        while let Some((need, mut auxiliaries)) = needs.next()? {
            let mut requirement = VersionRequirement {
                file: text(need.file(endian, strings)?),
                versions: Vec::new(),
            };
            while let Some(auxiliary) = auxiliaries.next()? {
                requirement
                    .versions
                    .push(text(auxiliary.name(endian, strings)?));
            }
            version_requirements.push(requirement);
        }
    }

    let mut version_definitions = Vec::new();
    if let Some((mut definitions, link)) = sections.gnu_verdef(endian, data)? {
        let strings = sections.strings(endian, data, link)?;
        while let Some((definition, mut auxiliaries)) = definitions.next()? {
            if definition.vd_flags.get(endian).contains(elf::VER_FLG_BASE) {
                continue;
            }
            if let Some(auxiliary) = auxiliaries.next()? {
                version_definitions.push(text(auxiliary.name(endian, strings)?));
            }
        }
    }

    Ok(SymbolInformation {
        defined,
        undefined,
        version_requirements,
        version_definitions,
    })
}
