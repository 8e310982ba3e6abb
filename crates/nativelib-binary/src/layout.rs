//! Placing sections after an edit changed their sizes.
//!
//! The ELF builder writes every allocated section at its original file offset and address.
//! When an edit makes a section larger (a longer `.dynstr`, a `.dynamic` with one more
//! entry), it no longer fits. This module finds the sections that overlap something after
//! the edit, moves them into one new `PT_LOAD` segment at the end of the file, and fixes the
//! segments that described them (`PT_DYNAMIC`, `PT_INTERP`, `PT_NOTE`, `PT_GNU_PROPERTY`,
//! `PT_PHDR`). The new program header can itself overlap the first sections after the
//! program header table; those are moved too, until nothing overlaps.
//!
//! Only sections whose address is found through the dynamic table, a program header or the
//! section headers are ever moved; code and data stay where they are.

use object::build::elf::{Builder, SectionData, SectionId};
use object::elf;

use crate::Error;

/// The largest section alignment accepted, to keep the written file size bounded.
const MAXIMUM_ALIGNMENT: u64 = 1 << 21;

/// The smallest page size assumed when placing a new `PT_LOAD` segment.
const MINIMUM_PAGE_SIZE: u64 = 0x1000;

/// A range of addresses that something occupies in the loaded image.
struct Block {
    start: u64,
    end: u64,
    /// Higher means better to move; 0 means it can never move.
    priority: u8,
    section: Option<SectionId>,
    /// What the block is, for error messages.
    name: String,
}

/// Check that the builder's sections can be written with bounded size, then move the
/// sections that no longer fit.
pub(crate) fn place_sections(builder: &mut Builder<'_>, input_length: u64) -> Result<(), Error> {
    check_sections(builder, input_length)?;
    builder.delete_orphans();
    builder.delete_unused_versions();
    builder.set_section_sizes();

    let mut added_segments = 0;
    loop {
        let moved = sections_to_move(builder, added_segments)?;
        if moved.is_empty() {
            break;
        }
        let needed = 1 + note_segments_to_split(builder, &moved);
        if needed > added_segments {
            // The program header table grows by `needed` entries: check again that
            // nothing overlaps it.
            added_segments = needed;
            continue;
        }
        move_sections(builder, moved)?;
        break;
    }
    fit_dynamic_segment(builder);
    fit_program_header_segment(builder);
    Ok(())
}

/// Reject alignments and offsets that would make the written file unbounded or make the
/// builder's arithmetic overflow (sections or loadable segments past the end of the file,
/// GNU hash parameters the writer cannot use); normalize an alignment of 0 to 1.
fn check_sections(builder: &mut Builder<'_>, input_length: u64) -> Result<(), Error> {
    for section in &mut builder.sections {
        if section.sh_addralign == 0 {
            section.sh_addralign = 1;
        }
        if !section.sh_addralign.is_power_of_two() || section.sh_addralign > MAXIMUM_ALIGNMENT {
            return Err(Error::Unsupported {
                reason: format!(
                    "section `{}` has alignment {:#x}",
                    section.name, section.sh_addralign
                ),
            });
        }
        let in_file = section.is_alloc() && section.sh_type != elf::SHT_NOBITS;
        if in_file
            && section
                .sh_offset
                .checked_add(section.sh_size)
                .is_none_or(|end| end > input_length)
        {
            return Err(Error::Unsupported {
                reason: format!(
                    "section `{}` extends past the end of the file",
                    section.name
                ),
            });
        }
    }
    let has_gnu_hash = builder
        .sections
        .iter()
        .any(|section| matches!(section.data, SectionData::GnuHash));
    if has_gnu_hash
        && (!builder.gnu_hash_bloom_count.is_power_of_two()
            || builder.gnu_hash_bloom_shift >= 32
            || builder.gnu_hash_bucket_count == 0)
    {
        return Err(Error::Unsupported {
            reason: "the GNU hash table header is invalid".to_string(),
        });
    }
    for segment in &builder.segments {
        if segment.is_load()
            && segment
                .p_offset
                .checked_add(segment.p_filesz)
                .is_none_or(|end| end > input_length)
        {
            return Err(Error::Unsupported {
                reason: "a loadable segment extends past the end of the file".to_string(),
            });
        }
    }
    Ok(())
}

/// How willing we are to move a section: 2 for tables found only through the dynamic
/// table or section headers, 1 for `.dynamic` and `.interp` (found through their program
/// headers, moved only when they must), 0 for everything else.
fn move_priority(builder: &Builder<'_>, id: SectionId) -> u8 {
    let section = builder.sections.get(id);
    match &section.data {
        SectionData::DynamicString
        | SectionData::DynamicSymbol
        | SectionData::Hash
        | SectionData::GnuHash
        | SectionData::GnuVersym
        | SectionData::GnuVerdef
        | SectionData::GnuVerneed
        | SectionData::Note(_) => 2,
        SectionData::Dynamic(_) => 1,
        SectionData::Data(_) if builder.interp_section() == Some(id) => 1,
        _ => 0,
    }
}

/// The sections that must move so that nothing overlaps, assuming the program header table
/// gains `added_segments` entries.
fn sections_to_move(builder: &Builder<'_>, added_segments: usize) -> Result<Vec<SectionId>, Error> {
    let mut blocks = Vec::new();
    let loads = || builder.segments.iter().filter(|segment| segment.is_load());

    if let Some(segment) = builder.segments.find_load_segment_from_offset(0) {
        let start = segment.address_from_offset(0);
        blocks.push(Block {
            start,
            end: start.saturating_add(builder.file_header_size()),
            priority: 0,
            section: None,
            name: "the file header".to_string(),
        });
    }
    if let Some(segment) = builder
        .segments
        .find_load_segment_from_offset(builder.header.e_phoff)
    {
        let start = segment.address_from_offset(builder.header.e_phoff);
        let size = builder.program_headers_size()
            + added_segments as u64 * builder.encoder().program_header_size();
        blocks.push(Block {
            start,
            end: start.saturating_add(size),
            priority: 0,
            section: None,
            name: "the program header table".to_string(),
        });
    }
    for segment in loads() {
        // Zero-sized blocks at both ends of the file-backed part of each segment keep
        // sections from growing past it.
        for boundary in [
            segment.p_vaddr,
            segment.p_vaddr.saturating_add(segment.p_filesz),
        ] {
            blocks.push(Block {
                start: boundary,
                end: boundary,
                priority: 0,
                section: None,
                name: "a segment boundary".to_string(),
            });
        }
    }
    for section in &builder.sections {
        // Empty sections occupy nothing, and uninitialized ones no file space.
        if !section.is_alloc() || section.sh_type == elf::SHT_NOBITS || section.sh_size == 0 {
            continue;
        }
        blocks.push(Block {
            start: section.sh_addr,
            end: section.sh_addr.saturating_add(section.sh_size),
            priority: move_priority(builder, section.id()),
            section: Some(section.id()),
            name: format!("section `{}`", section.name),
        });
    }
    blocks.sort_by_key(|block| (block.start, block.end));

    let mut moved = Vec::new();
    let mut index = 0;
    while index + 1 < blocks.len() {
        let (first, second) = (&blocks[index], &blocks[index + 1]);
        if first.end <= second.start {
            index += 1;
            continue;
        }
        // Prefer moving the earlier block: it is usually the one that grew.
        let victim = if first.priority > 0 && first.priority >= second.priority {
            index
        } else if second.priority > 0 {
            index + 1
        } else {
            return Err(Error::Unsupported {
                reason: format!(
                    "{} would overlap {}, and neither can be moved",
                    first.name, second.name
                ),
            });
        };
        if let Some(section) = blocks.remove(victim).section {
            moved.push(section);
        }
    }
    Ok(moved)
}

/// How many `PT_NOTE` segments would be split in two because only some of their notes move.
fn note_segments_to_split(builder: &Builder<'_>, moved: &[SectionId]) -> usize {
    builder
        .segments
        .iter()
        .filter(|segment| segment.p_type == elf::PT_NOTE)
        .filter(|segment| {
            let moving = segment.sections.iter().filter(|id| moved.contains(id));
            let count = moving.count();
            count > 0 && count < segment.sections.len()
        })
        .count()
}

/// Move the sections into a new `PT_LOAD` segment after everything else, and update the
/// segments that pointed at them.
fn move_sections(builder: &mut Builder<'_>, mut moved: Vec<SectionId>) -> Result<(), Error> {
    moved.sort_by_key(|id| {
        let section = builder.sections.get(*id);
        (section.sh_addr, section.sh_size)
    });

    let mut page_size = MINIMUM_PAGE_SIZE;
    let mut end_offset = 0;
    let mut end_address = 0;
    for segment in &builder.segments {
        if segment.is_load() {
            page_size = page_size.max(segment.p_align);
            end_offset = end_offset.max(segment.p_offset.saturating_add(segment.p_filesz));
        }
        end_address = end_address.max(segment.p_vaddr.saturating_add(segment.p_memsz));
    }
    for section in &builder.sections {
        // The moved sections' old ranges are free; everything else stays where it is.
        if moved.contains(&section.id()) {
            continue;
        }
        if section.is_alloc() && !section.sh_flags.contains(elf::SHF_TLS) {
            end_address = end_address.max(section.sh_addr.saturating_add(section.sh_size));
            if section.sh_type != elf::SHT_NOBITS {
                end_offset = end_offset.max(section.sh_offset.saturating_add(section.sh_size));
            }
        }
    }
    if !page_size.is_power_of_two() || page_size > MAXIMUM_ALIGNMENT {
        return Err(Error::Unsupported {
            reason: format!("segment alignment {page_size:#x}"),
        });
    }
    let overflow = || Error::Unsupported {
        reason: "no address space left for a new segment".to_string(),
    };
    let mut offset = end_offset;
    let mut address = align_up(end_address, page_size)
        .and_then(|aligned| aligned.checked_add(offset % page_size))
        .ok_or_else(overflow)?;

    let mut writable = false;
    let (mut start_offset, mut start_address) = (None, None);
    for id in &moved {
        let section = builder.sections.get_mut(*id);
        offset = align_up(offset, section.sh_addralign).ok_or_else(overflow)?;
        address = align_up(address, section.sh_addralign).ok_or_else(overflow)?;
        section.sh_offset = offset;
        section.sh_addr = address;
        start_offset.get_or_insert(offset);
        start_address.get_or_insert(address);
        offset = offset.checked_add(section.sh_size).ok_or_else(overflow)?;
        address = address.checked_add(section.sh_size).ok_or_else(overflow)?;
        writable |= section.sh_flags.contains(elf::SHF_WRITE);
    }
    let (Some(start_offset), Some(start_address)) = (start_offset, start_address) else {
        return Ok(());
    };

    // Split notes out of, and point single-purpose segments at, the moved sections.
    let mut split_notes = Vec::new();
    for segment in &mut builder.segments {
        let moving: Vec<SectionId> = segment
            .sections
            .iter()
            .copied()
            .filter(|id| moved.contains(id))
            .collect();
        if moving.is_empty() {
            continue;
        }
        let all_moving = moving.len() == segment.sections.len();
        segment.sections.retain(|id| !moved.contains(id));
        if segment.is_load() {
            // The old range stays mapped; the moved sections now live in the new segment.
            continue;
        }
        if all_moving {
            segment.sections = moving;
            segment.recalculate_ranges(&builder.sections);
        } else if segment.p_type == elf::PT_NOTE {
            segment.recalculate_ranges(&builder.sections);
            split_notes.push((segment.p_flags, segment.p_align, moving));
        }
        // Other segments (PT_GNU_RELRO, PT_GNU_EH_FRAME, PT_TLS) keep their range.
    }
    for (p_flags, p_align, sections) in split_notes {
        let segment = builder.segments.add();
        segment.p_type = elf::PT_NOTE;
        segment.p_flags = p_flags;
        segment.p_align = p_align;
        segment.sections = sections;
        segment.recalculate_ranges(&builder.sections);
    }

    let segment = builder.segments.add();
    segment.p_type = elf::PT_LOAD;
    segment.p_flags = if writable {
        elf::PF_R | elf::PF_W
    } else {
        elf::PF_R
    };
    segment.p_offset = start_offset;
    segment.p_vaddr = start_address;
    segment.p_paddr = start_address;
    segment.p_filesz = offset - start_offset;
    segment.p_memsz = address - start_address;
    segment.p_align = page_size;
    segment.sections = moved;
    Ok(())
}

/// Make `PT_DYNAMIC` cover a `.dynamic` section that grew in place.
fn fit_dynamic_segment(builder: &mut Builder<'_>) {
    let Some(id) = builder.dynamic_section() else {
        return;
    };
    let size = builder.sections.get(id).sh_size;
    for segment in &mut builder.segments {
        if segment.p_type == elf::PT_DYNAMIC && segment.p_filesz < size {
            segment.p_filesz = size;
            segment.p_memsz = segment.p_memsz.max(size);
        }
    }
}

/// Make `PT_PHDR` cover the program header table, which may have gained entries.
fn fit_program_header_segment(builder: &mut Builder<'_>) {
    let size = builder.program_headers_size();
    for segment in &mut builder.segments {
        if segment.p_type == elf::PT_PHDR {
            segment.p_filesz = size;
            segment.p_memsz = size;
        }
    }
}

fn align_up(value: u64, alignment: u64) -> Option<u64> {
    let mask = alignment.checked_sub(1)?;
    Some(value.checked_add(mask)? & !mask)
}

#[cfg(test)]
mod tests {
    use std::process::Command;

    use object::build::elf::{Builder, Dynamic, SectionData};
    use object::elf;
    use object::read::elf::{FileHeader, ProgramHeader};

    use super::place_sections;
    use crate::test_support::{run, Fixture};
    use crate::Error;

    /// The address of `PT_DYNAMIC` and the number of `PT_LOAD` segments.
    fn dynamic_address_and_loads(bytes: &[u8]) -> (u64, usize) {
        let header = elf::FileHeader64::<object::Endianness>::parse(bytes).unwrap();
        let endian = header.endian().unwrap();
        let segments = header.program_headers(endian, bytes).unwrap();
        let dynamic = segments
            .iter()
            .find(|segment| segment.p_type(endian) == elf::PT_DYNAMIC)
            .unwrap();
        let loads = segments
            .iter()
            .filter(|segment| segment.p_type(endian) == elf::PT_LOAD)
            .count();
        (dynamic.p_vaddr(endian), loads)
    }

    /// Add `count` duplicate `DT_NEEDED libc.so.6` entries (harmless to the loader) so that
    /// `.dynamic` outgrows its place, lay out and write the file.
    fn grow_dynamic(bytes: &[u8], count: usize) -> Vec<u8> {
        let mut builder = Builder::read(bytes).unwrap();
        let dynamics = builder.dynamic_data_mut().unwrap();
        for _ in 0..count {
            dynamics.insert(
                0,
                Dynamic::String {
                    tag: elf::DT_NEEDED,
                    val: b"libc.so.6".as_slice().into(),
                },
            );
        }
        place_sections(&mut builder, bytes.len() as u64).unwrap();
        let mut output = Vec::new();
        builder.write(&mut output).unwrap();
        output
    }

    #[test]
    fn dynamic_section_moves_when_it_outgrows_its_place() {
        if !cfg!(target_pointer_width = "64") {
            return;
        }
        let fixture = Fixture::new();
        for (name, function) in [("lib/libversioned.so.1", "versioned_new"), ("hello", "")] {
            let bytes = fixture.read(name);
            let output = grow_dynamic(&bytes, 40);
            let (old_address, old_loads) = dynamic_address_and_loads(&bytes);
            let (new_address, new_loads) = dynamic_address_and_loads(&output);
            assert_ne!(new_address, old_address, "{name}: .dynamic did not move");
            assert_eq!(new_loads, old_loads + 1, "{name}");
            let path = fixture.write(&format!("{name}.grown"), &output);
            if function.is_empty() {
                assert_eq!(run(&mut Command::new(&path)).as_deref(), Ok("hello"));
            } else {
                assert_eq!(fixture.load(&path, function).as_deref(), Ok("2"));
            }
            let before = crate::ElfFile::parse(&bytes).unwrap();
            let after = crate::ElfFile::parse(&output).unwrap();
            assert_eq!(after.needed.len(), before.needed.len() + 40, "{name}");
        }
    }

    #[test]
    fn code_that_outgrows_its_place_is_an_error() {
        let fixture = Fixture::new();
        let bytes = fixture.read("lib/libversioned.so.1");
        let mut builder = Builder::read(&*bytes).unwrap();
        for section in &mut builder.sections {
            if section.name.as_slice() == b".text" {
                let SectionData::Data(data) = &mut section.data else {
                    panic!(".text is not data");
                };
                let length = data.len();
                data.to_mut().resize(length + 0x10000, 0);
            }
        }
        let error = place_sections(&mut builder, bytes.len() as u64).unwrap_err();
        assert!(
            matches!(&error, Error::Unsupported { reason } if reason.contains(".text")),
            "{error:?}"
        );
    }

    #[test]
    fn absurd_alignment_is_an_error() {
        let fixture = Fixture::new();
        let bytes = fixture.read("lib/libplain.so");
        let mut builder = Builder::read(&*bytes).unwrap();
        for section in &mut builder.sections {
            if section.name.as_slice() == b".comment" {
                section.sh_addralign = 1 << 40;
            }
        }
        assert!(matches!(
            place_sections(&mut builder, bytes.len() as u64),
            Err(Error::Unsupported { .. })
        ));
    }

    /// A 32-bit library (built without libc, so only where `cc -m32` works): parsed with
    /// the right class and rewritten with a `.dynstr` that has to move.
    #[test]
    fn thirty_two_bit_library() {
        let fixture = Fixture::new();
        let compiled = fixture.try_compile(&[
            "-m32",
            "-nostdlib",
            "-shared",
            "-fPIC",
            "-o",
            "lib32.so",
            "-Wl,-soname,lib32.so",
            "-Wl,--version-script,versioned.map",
            "versioned.c",
        ]);
        if let Err(message) = compiled {
            eprintln!("note: skipped: cc -m32 cannot link here: {message}");
            return;
        }
        let bytes = fixture.read("lib32.so");
        let parsed = crate::ElfFile::parse(&bytes).unwrap();
        assert_eq!(parsed.class, crate::ElfClass::Elf32);
        assert_eq!(parsed.version_definitions, ["VERS_1.0", "VERS_2.0"]);
        let edit = crate::ElfEdit {
            soname: Some("lib32-0123abcd.so".to_string()),
            search_path: Some(format!("$ORIGIN/{}", "long-directory/".repeat(30))),
            ..crate::ElfEdit::default()
        };
        let output = crate::rewrite(&bytes, &edit).unwrap();
        let rewritten = crate::ElfFile::parse(&output).unwrap();
        assert_eq!(rewritten.soname.as_deref(), Some("lib32-0123abcd.so"));
        assert_eq!(rewritten.runpath, edit.search_path);
        assert_eq!(rewritten.defined_symbols, parsed.defined_symbols);
        let path = fixture.write("lib32-rewritten.so", &output);
        assert!(crate::test_support::readelf_dynamic(&path).contains("(RUNPATH)"));
    }
}
