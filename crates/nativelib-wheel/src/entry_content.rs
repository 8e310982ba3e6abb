//! The content of a kept entry as a verification pass hands it on: held in memory when small,
//! spooled to an anonymous temporary file when large, so that a pass over a wheel with a
//! 36 MB library never holds that library whole.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom, Write};

/// The size above which [`WheelReader::verify_and_map`](crate::WheelReader::verify_and_map)
/// spools a kept entry to a temporary file instead of holding it in memory.
pub const SPOOL_THRESHOLD: u64 = 1024 * 1024;
/// The most a kept entry's declared size may pre-allocate (a lying header must not).
const MAX_PREALLOCATION: u64 = 256 * 1024 * 1024;

/// The content of one kept entry, decompressed and hashed.
#[derive(Debug)]
pub enum EntryContent<'a> {
    /// The whole content, in memory (a buffer the pass reuses for the next entry).
    Bytes(&'a [u8]),
    /// The content in an anonymous temporary file (deleted when closed), positioned at its
    /// start.
    Spooled {
        /// The temporary file.
        file: File,
        /// The content's size in bytes.
        size: u64,
    },
}

impl EntryContent<'_> {
    /// The content's size in bytes.
    pub fn size(&self) -> u64 {
        match self {
            EntryContent::Bytes(bytes) => bytes.len() as u64,
            EntryContent::Spooled { size, .. } => *size,
        }
    }

    /// A copy of the whole content in memory, reading a spooled file back.
    pub fn into_bytes(self) -> io::Result<Vec<u8>> {
        match self {
            EntryContent::Bytes(bytes) => Ok(bytes.to_vec()),
            EntryContent::Spooled { mut file, size } => {
                let capacity = usize::try_from(size.min(MAX_PREALLOCATION)).unwrap_or(0);
                let mut bytes = Vec::with_capacity(capacity);
                file.seek(SeekFrom::Start(0))?;
                file.read_to_end(&mut bytes)?;
                Ok(bytes)
            }
        }
    }
}

/// Where the content of a kept entry goes while it is streamed: a caller's (reused) buffer up to
/// a limit, then an anonymous temporary file.
pub(crate) struct Spool<'a> {
    limit: u64,
    memory: &'a mut Vec<u8>,
    file: Option<File>,
    size: u64,
}

impl<'a> Spool<'a> {
    /// A spool that holds up to `limit` bytes in `memory` (cleared; its capacity is reused), for
    /// content declared to be `expected_size` bytes: room is reserved for it (within reason: a
    /// header may lie), and content declared over the limit goes straight to a file.
    pub(crate) fn new(
        limit: u64,
        expected_size: u64,
        memory: &'a mut Vec<u8>,
    ) -> io::Result<Spool<'a>> {
        memory.clear();
        let file = if expected_size > limit {
            Some(tempfile::tempfile()?)
        } else {
            memory.reserve(usize::try_from(expected_size.min(MAX_PREALLOCATION)).unwrap_or(0));
            None
        };
        Ok(Spool {
            limit,
            memory,
            file,
            size: 0,
        })
    }

    /// Appends `bytes`, moving the content to a file once it outgrows the memory limit.
    pub(crate) fn write(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.size += bytes.len() as u64;
        if self.file.is_none() && self.size > self.limit {
            let mut file = tempfile::tempfile()?;
            file.write_all(self.memory)?;
            self.memory.clear();
            self.file = Some(file);
        }
        match &mut self.file {
            Some(file) => file.write_all(bytes),
            None => {
                self.memory.extend_from_slice(bytes);
                Ok(())
            }
        }
    }

    /// The content, with a spooled file rewound to its start.
    pub(crate) fn finish(self) -> io::Result<EntryContent<'a>> {
        match self.file {
            Some(mut file) => {
                file.seek(SeekFrom::Start(0))?;
                Ok(EntryContent::Spooled {
                    file,
                    size: self.size,
                })
            }
            None => {
                let memory: &'a Vec<u8> = self.memory;
                Ok(EntryContent::Bytes(memory))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_content_stays_in_memory() {
        let mut memory = b"left over from the last entry".to_vec();
        let mut spool = Spool::new(10, 4, &mut memory).unwrap();
        spool.write(b"ab").unwrap();
        spool.write(b"cdefghij").unwrap();
        let content = spool.finish().unwrap();
        assert!(matches!(&content, EntryContent::Bytes(bytes) if bytes == b"abcdefghij"));
        assert_eq!(content.size(), 10);
        assert_eq!(content.into_bytes().unwrap(), b"abcdefghij");
    }

    #[test]
    fn content_over_the_limit_moves_to_a_file() {
        // Declared small (a header may lie), found large: moved on the write that overflows.
        let mut memory = Vec::new();
        let mut spool = Spool::new(10, 4, &mut memory).unwrap();
        spool.write(b"0123456").unwrap();
        spool.write(b"789ab").unwrap();
        spool.write(b"cd").unwrap();
        let content = spool.finish().unwrap();
        let EntryContent::Spooled { mut file, size } = content else {
            panic!("not spooled: {content:?}");
        };
        assert_eq!(size, 14);
        let mut read = Vec::new();
        file.read_to_end(&mut read).unwrap();
        assert_eq!(read, b"0123456789abcd");

        // Declared large: straight to a file, whatever the actual size.
        let mut spool = Spool::new(10, 11, &mut memory).unwrap();
        spool.write(b"abc").unwrap();
        let content = spool.finish().unwrap();
        assert!(matches!(content, EntryContent::Spooled { size: 3, .. }));
        assert_eq!(content.into_bytes().unwrap(), b"abc");
    }

    #[test]
    fn a_lying_declared_size_does_not_preallocate() {
        let mut memory = Vec::new();
        let spool = Spool::new(u64::MAX, 1 << 50, &mut memory).unwrap();
        assert!(matches!(spool.finish().unwrap(), EntryContent::Bytes(bytes) if bytes.is_empty()));
        assert!(memory.capacity() as u64 <= MAX_PREALLOCATION);
    }
}
