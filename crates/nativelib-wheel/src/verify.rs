//! Checking entry contents against RECORD: one streaming decompression per entry that hashes
//! as it goes, run in parallel with one archive handle per task, optionally handing selected
//! entries to a callback right after they are verified (so their bytes can be dropped at once).
//! A complete pass remembers every entry's actual hash and size, which the writer reuses for raw
//! copies.

use std::cmp::Reverse;
use std::io::Read;

use rayon::prelude::*;
use zip::result::ZipError;
use zip::{ZipArchive, ZipReadOptions};

use crate::entry_content::{EntryContent, Spool, SPOOL_THRESHOLD};
use crate::reader::OpenedWheel;
use crate::record::ContentHasher;
use crate::shared_file::SharedFile;
use crate::{Error, RecordEntry, WheelReader};

/// How many leading bytes `keep` callbacks see (enough for ELF, Mach-O and PE magic numbers).
const HEAD_LENGTH: usize = 4;
/// The streaming buffer per task.
const BUFFER_LENGTH: usize = 128 * 1024;
/// A spool limit that keeps every kept entry in memory.
const NEVER_SPOOL: u64 = u64::MAX;

/// The outcome of a reporting pass ([`WheelReader::verify_and_read_reporting`],
/// [`WheelReader::verify_and_map_reporting`]): the kept entries, and the RECORD mismatches
/// found instead of failing on the first.
#[derive(Debug)]
pub struct VerificationReport<T = Vec<u8>> {
    /// The entries `keep` selected, in archive order, as `(name, bytes)` (or what `map` made of
    /// them).
    pub kept: Vec<(String, T)>,
    /// One [`Error::HashMismatch`] or [`Error::SizeMismatch`] per mismatching entry, in archive
    /// order.
    pub mismatches: Vec<Error>,
}

impl<T> Default for VerificationReport<T> {
    fn default() -> Self {
        Self {
            kept: Vec::new(),
            mismatches: Vec::new(),
        }
    }
}

/// What a pass does with a RECORD hash or size mismatch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mismatches {
    /// Fail with the first, in archive order.
    Fail,
    /// Collect them in the report.
    Report,
}

/// Selects entries by name and first bytes.
type Keep<'a> = &'a (dyn Fn(&str, &[u8]) -> bool + Sync);
/// Turns a kept entry's content into what the pass returns.
type Map<'a, T> = &'a (dyn Fn(&str, EntryContent<'_>) -> T + Sync);

/// Which entries a pass keeps, what it makes of them, and from what size it spools them to a
/// temporary file.
pub(crate) struct Selection<'a, T> {
    pub(crate) keep: Keep<'a>,
    pub(crate) map: Map<'a, T>,
    pub(crate) spool_limit: u64,
}

/// What streaming one entry found.
pub(crate) struct EntryCheck<T> {
    /// What `map` returned, if `keep` selected the entry.
    pub(crate) content: Option<T>,
    /// The content's actual hash (in RECORD's algorithm) and size, if RECORD has a hash for it.
    pub(crate) actual: Option<RecordEntry>,
    /// The hash or size mismatch against RECORD, if any.
    pub(crate) mismatch: Option<Error>,
}

impl WheelReader {
    /// Reads one entry whole, checking it against its RECORD hash and size.
    pub fn read(&self, name: &str) -> Result<Vec<u8>, Error> {
        let opened = &self.opened;
        let index = opened
            .archive
            .index_for_name(name)
            .ok_or_else(|| Error::EntryNotFound {
                name: name.to_string(),
            })?;
        let mut archive = opened.archive.clone();
        let check = opened.check_entry(&mut archive, &mut Vec::new(), index, &|_, _| true)?;
        if let Some(mismatch) = check.mismatch {
            return Err(mismatch);
        }
        Ok(check.content.unwrap_or_default())
    }

    /// Checks every entry's content against its RECORD hash and size, in parallel.
    pub fn verify(&self) -> Result<(), Error> {
        self.verify_and_read(|_, _| false).map(drop)
    }

    /// Verify every RECORD hash/size and, in the same single decompression pass, return the
    /// bytes of the entries for which `keep(name, first_bytes)` is true (`first_bytes` = up to
    /// the first 4 bytes, so callers can select ELF files by magic). Parallel.
    ///
    /// Kept entries are returned in archive order, all held in memory at once; to look at large
    /// entries one at a time, use [`verify_and_map`](Self::verify_and_map). Entries not kept are
    /// hashed while streaming and never held whole. If several entries fail, the error of the
    /// first in archive order is returned.
    pub fn verify_and_read(
        &self,
        keep: impl Fn(&str, &[u8]) -> bool + Sync,
    ) -> Result<Vec<(String, Vec<u8>)>, Error> {
        let report = self.check_all(&keep, &content_bytes, NEVER_SPOOL, Mismatches::Fail)?;
        report
            .kept
            .into_iter()
            .map(|(name, bytes)| Ok((name, bytes?)))
            .collect()
    }

    /// Like [`verify_and_read`](Self::verify_and_read), but a RECORD hash or size mismatch is
    /// reported in the result instead of failing, so callers can warn about wheels published
    /// with a stale RECORD (PyPI's scipy-openblas32 0.3.27.44.6 is one). Unreadable entries
    /// still fail.
    ///
    /// After this pass, [`WheelWriter::copy_raw`](crate::WheelWriter::copy_raw) from this reader
    /// records the content's actual hash and size, so a rewritten wheel's RECORD is correct.
    pub fn verify_and_read_reporting(
        &self,
        keep: impl Fn(&str, &[u8]) -> bool + Sync,
    ) -> Result<VerificationReport, Error> {
        let report = self.check_all(&keep, &content_bytes, NEVER_SPOOL, Mismatches::Report)?;
        let kept = report
            .kept
            .into_iter()
            .map(|(name, bytes)| Ok((name, bytes?)))
            .collect::<Result<_, Error>>()?;
        Ok(VerificationReport {
            kept,
            mismatches: report.mismatches,
        })
    }

    /// Verify every RECORD hash/size and, in the same single decompression pass, call
    /// `map(name, content)` on each entry for which `keep(name, first_bytes)` is true, inside
    /// the parallel task that verified it, right after it was verified; return what `map`
    /// returned, in archive order.
    ///
    /// Each kept entry's content exists only until `map` returns, and content over
    /// [`SPOOL_THRESHOLD`] is handed over in an anonymous temporary file rather than in memory,
    /// so memory stays low however large the entries are. `map` runs on every kept entry,
    /// before the pass knows whether another entry fails. If several entries fail, the error of
    /// the first in archive order is returned.
    pub fn verify_and_map<T: Send>(
        &self,
        keep: impl Fn(&str, &[u8]) -> bool + Sync,
        map: impl Fn(&str, EntryContent<'_>) -> T + Sync,
    ) -> Result<Vec<(String, T)>, Error> {
        let report = self.check_all(&keep, &map, SPOOL_THRESHOLD, Mismatches::Fail)?;
        Ok(report.kept)
    }

    /// Like [`verify_and_map`](Self::verify_and_map), but a RECORD hash or size mismatch is
    /// reported in the result instead of failing, as in
    /// [`verify_and_read_reporting`](Self::verify_and_read_reporting).
    pub fn verify_and_map_reporting<T: Send>(
        &self,
        keep: impl Fn(&str, &[u8]) -> bool + Sync,
        map: impl Fn(&str, EntryContent<'_>) -> T + Sync,
    ) -> Result<VerificationReport<T>, Error> {
        self.check_all(&keep, &map, SPOOL_THRESHOLD, Mismatches::Report)
    }

    /// Streams every file entry once, mapping the kept ones, content over `spool_limit` bytes
    /// in a temporary file. A pass that does not fail remembers each entry's actual RECORD row.
    pub(crate) fn check_all<T: Send>(
        &self,
        keep: Keep<'_>,
        map: Map<'_, T>,
        spool_limit: u64,
        mismatches: Mismatches,
    ) -> Result<VerificationReport<T>, Error> {
        let opened = &self.opened;
        let indices: Vec<usize> = (0..opened.entries.len())
            .filter(|&index| !opened.entries[index].is_dir)
            .collect();
        let selection = Selection {
            keep,
            map,
            spool_limit,
        };
        let mut results = opened.check_entries(&indices, &selection);
        results.sort_unstable_by_key(|(index, _)| *index);
        let mut report = VerificationReport::default();
        let mut actual_records = vec![None; opened.entries.len()];
        for (index, result) in results {
            let check = result?;
            if let Some(content) = check.content {
                report
                    .kept
                    .push((opened.entries[index].name.clone(), content));
            }
            report.mismatches.extend(check.mismatch);
            actual_records[index] = check.actual;
        }
        if mismatches == Mismatches::Fail {
            if let Some(mismatch) = report.mismatches.drain(..).next() {
                return Err(mismatch);
            }
        }
        // A concurrent complete pass computed the same values; keeping either is fine.
        let _ = self.opened.actual_records.set(actual_records);
        Ok(report)
    }
}

/// The `map` of the reading passes: a copy of the content in memory.
fn content_bytes(name: &str, content: EntryContent<'_>) -> Result<Vec<u8>, Error> {
    content.into_bytes().map_err(|source| Error::Spool {
        name: name.to_string(),
        source,
    })
}

impl OpenedWheel {
    /// Checks the entries at `indices` in parallel, largest first so that one big entry does
    /// not start last; returns each index with its outcome, in no set order.
    pub(crate) fn check_entries<T: Send>(
        &self,
        indices: &[usize],
        selection: &Selection<'_, T>,
    ) -> Vec<(usize, Result<EntryCheck<T>, Error>)> {
        let mut by_size = indices.to_vec();
        by_size.sort_unstable_by_key(|&index| Reverse(self.entries[index].compressed_size));
        by_size
            .par_iter()
            .with_max_len(1)
            .map_init(
                || (self.archive.clone(), Vec::new(), Vec::new()),
                |(archive, buffer, memory), &index| {
                    let check = self.check_entry_mapped(archive, buffer, memory, index, selection);
                    (index, check)
                },
            )
            .collect()
    }

    /// [`check_entry_mapped`](Self::check_entry_mapped) returning the bytes of an entry
    /// `keep` selects.
    pub(crate) fn check_entry(
        &self,
        archive: &mut ZipArchive<SharedFile>,
        buffer: &mut Vec<u8>,
        index: usize,
        keep: Keep<'_>,
    ) -> Result<EntryCheck<Vec<u8>>, Error> {
        let mut memory = Vec::new();
        let selection = Selection {
            keep,
            map: &|_, _| (),
            spool_limit: NEVER_SPOOL,
        };
        let check = self.check_entry_mapped(archive, buffer, &mut memory, index, &selection)?;
        // Never spooled, a kept entry's content is left in `memory`.
        Ok(EntryCheck {
            content: check.content.map(|()| memory),
            actual: check.actual,
            mismatch: check.mismatch,
        })
    }

    /// Streams one entry through its RECORD hasher and size count and, if `keep` selects it,
    /// into `memory` (or a temporary file past `spool_limit` bytes), then hands it to `map`.
    /// RECORD and signature files (no hash) are only read. Fails only if the entry cannot be
    /// read or spooled; a mismatch with RECORD is part of the result.
    pub(crate) fn check_entry_mapped<T>(
        &self,
        archive: &mut ZipArchive<SharedFile>,
        buffer: &mut Vec<u8>,
        memory: &mut Vec<u8>,
        index: usize,
        selection: &Selection<'_, T>,
    ) -> Result<EntryCheck<T>, Error> {
        let Selection {
            keep,
            map,
            spool_limit,
        } = *selection;
        let entry = &self.entries[index];
        let name = entry.name.as_str();
        let read_error = |source: ZipError| Error::ReadEntry {
            name: name.to_string(),
            source,
        };
        let spool_error = |source| Error::Spool {
            name: name.to_string(),
            source,
        };
        let record_entry = self
            .record_rows
            .get(name)
            .map(|&row| &self.record.entries[row]);
        let expected_hash = record_entry.and_then(|record_entry| record_entry.hash.as_ref());
        let mut hasher =
            match expected_hash {
                Some(hash) => Some(ContentHasher::for_algorithm(&hash.algorithm).ok_or_else(
                    || Error::UnsupportedHashAlgorithm {
                        name: name.to_string(),
                        algorithm: hash.algorithm.clone(),
                    },
                )?),
                None => None,
            };

        // With a RECORD hash to check, the zip CRC-32 adds nothing but time.
        let options = ZipReadOptions::new().ignore_crc32(hasher.is_some());
        let mut file = archive
            .by_index_with_options(index, options)
            .map_err(read_error)?;
        let mut head = [0; HEAD_LENGTH];
        let mut head_length = 0;
        while head_length < HEAD_LENGTH {
            let read = file
                .read(&mut head[head_length..])
                .map_err(|error| read_error(error.into()))?;
            if read == 0 {
                break;
            }
            head_length += read;
        }
        let head = &head[..head_length];
        let mut spool = if keep(name, head) {
            Some(Spool::new(spool_limit, entry.size, memory).map_err(spool_error)?)
        } else {
            None
        };

        // The content, in chunks that stay in cache while they are hashed and spooled.
        buffer.resize(BUFFER_LENGTH, 0);
        let mut size = 0;
        let mut chunk = head;
        loop {
            size += chunk.len() as u64;
            if let Some(hasher) = &mut hasher {
                hasher.update(chunk);
            }
            if let Some(spool) = &mut spool {
                spool.write(chunk).map_err(spool_error)?;
            }
            let read = file
                .read(buffer)
                .map_err(|error| read_error(error.into()))?;
            if read == 0 {
                break;
            }
            chunk = &buffer[..read];
        }

        let actual_hash = hasher.map(ContentHasher::finish);
        let mismatch =
            record_entry.and_then(|record_entry| record_entry.mismatch(actual_hash.as_ref(), size));
        let content = match spool {
            Some(spool) => Some(map(name, spool.finish().map_err(spool_error)?)),
            None => None,
        };
        Ok(EntryCheck {
            content,
            actual: actual_hash.map(|hash| RecordEntry {
                path: name.to_string(),
                hash: Some(hash),
                size: Some(size),
            }),
            mismatch,
        })
    }
}

#[cfg(test)]
mod tests;
