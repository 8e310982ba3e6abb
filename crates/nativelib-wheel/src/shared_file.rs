//! A cheaply clonable `Read + Seek` view of one open file, using positional reads so every clone
//! (one per parallel task) has its own offset without reopening or locking the file.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::os::unix::fs::FileExt;
use std::sync::Arc;

/// A file shared between readers; each clone keeps its own position.
#[derive(Debug, Clone)]
pub(crate) struct SharedFile {
    file: Arc<File>,
    length: u64,
    position: u64,
}

impl SharedFile {
    /// Wraps an open file, positioned at its start.
    pub(crate) fn new(file: File) -> io::Result<SharedFile> {
        let length = file.metadata()?.len();
        Ok(SharedFile {
            file: Arc::new(file),
            length,
            position: 0,
        })
    }

    /// Reads exactly `buffer.len()` bytes at `offset`, without moving the position.
    pub(crate) fn read_exact_at(&self, buffer: &mut [u8], offset: u64) -> io::Result<()> {
        self.file.read_exact_at(buffer, offset)
    }

    /// The file's length in bytes when it was opened.
    pub(crate) fn len(&self) -> u64 {
        self.length
    }
}

impl Read for SharedFile {
    fn read(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
        let read = self.file.read_at(buffer, self.position)?;
        self.position += read as u64;
        Ok(read)
    }
}

impl Seek for SharedFile {
    fn seek(&mut self, position: SeekFrom) -> io::Result<u64> {
        let target = match position {
            SeekFrom::Start(offset) => Some(offset),
            SeekFrom::End(delta) => self.length.checked_add_signed(delta),
            SeekFrom::Current(delta) => self.position.checked_add_signed(delta),
        };
        let target = target.ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::InvalidInput,
                "seek to a negative or overflowing position",
            )
        })?;
        self.position = target;
        Ok(target)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn clones_read_independently() {
        let mut file = tempfile::tempfile().unwrap();
        file.write_all(b"0123456789").unwrap();
        let mut first = SharedFile::new(file).unwrap();
        assert_eq!(first.len(), 10);
        let mut second = first.clone();
        first.seek(SeekFrom::Start(2)).unwrap();
        second.seek(SeekFrom::End(-3)).unwrap();
        let mut buffer = [0; 3];
        first.read_exact(&mut buffer).unwrap();
        assert_eq!(&buffer, b"234");
        second.read_exact(&mut buffer).unwrap();
        assert_eq!(&buffer, b"789");
        assert_eq!(second.read(&mut buffer).unwrap(), 0);
        assert_eq!(first.seek(SeekFrom::Current(-1)).unwrap(), 4);
        assert!(first.seek(SeekFrom::Current(-10)).is_err());
        first.read_exact_at(&mut buffer, 5).unwrap();
        assert_eq!(&buffer, b"567");
    }
}
