//! The RECORD file: CSV rows of `path,algorithm=digest,size`, and hashing content to match it.

use std::fmt;
use std::str::FromStr;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use sha2::{Digest, Sha256, Sha384, Sha512};

use crate::Error;

/// The hash algorithms RECORD may use (PEP 427 forbids md5 and sha1).
pub const SUPPORTED_HASH_ALGORITHMS: [&str; 3] = ["sha256", "sha384", "sha512"];

/// One RECORD hash: `sha256=<urlsafe base64 digest without padding>`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RecordHash {
    /// The algorithm name as written (`sha256`).
    pub algorithm: String,
    /// The raw digest bytes.
    pub digest: Vec<u8>,
}

impl RecordHash {
    /// The sha256 hash of `content`.
    pub fn sha256(content: &[u8]) -> RecordHash {
        RecordHash {
            algorithm: "sha256".to_string(),
            digest: Sha256::digest(content).to_vec(),
        }
    }

    /// Whether the algorithm is one of [`SUPPORTED_HASH_ALGORITHMS`].
    pub fn is_supported(&self) -> bool {
        SUPPORTED_HASH_ALGORITHMS.contains(&self.algorithm.as_str())
    }
}

impl FromStr for RecordHash {
    type Err = Error;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        let invalid = |reason: &str| Error::InvalidRecordHash {
            value: value.to_string(),
            reason: reason.to_string(),
        };
        let (algorithm, encoded) = value
            .split_once('=')
            .ok_or_else(|| invalid("expected `<algorithm>=<digest>`"))?;
        if algorithm.is_empty() {
            return Err(invalid("the algorithm name is empty"));
        }
        // Tolerate padding, which some writers add although the format has none.
        let digest = URL_SAFE_NO_PAD
            .decode(encoded.trim_end_matches('='))
            .map_err(|_| invalid("the digest is not urlsafe base64"))?;
        if digest.is_empty() {
            return Err(invalid("the digest is empty"));
        }
        Ok(RecordHash {
            algorithm: algorithm.to_string(),
            digest,
        })
    }
}

impl fmt::Display for RecordHash {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            formatter,
            "{}={}",
            self.algorithm,
            URL_SAFE_NO_PAD.encode(&self.digest)
        )
    }
}

/// Hashes streamed content with one of the supported RECORD algorithms.
pub(crate) enum ContentHasher {
    Sha256(Sha256),
    Sha384(Sha384),
    Sha512(Sha512),
}

impl ContentHasher {
    /// A hasher for `algorithm`, or `None` if it is not supported.
    pub(crate) fn for_algorithm(algorithm: &str) -> Option<ContentHasher> {
        match algorithm {
            "sha256" => Some(ContentHasher::Sha256(Sha256::new())),
            "sha384" => Some(ContentHasher::Sha384(Sha384::new())),
            "sha512" => Some(ContentHasher::Sha512(Sha512::new())),
            _ => None,
        }
    }

    pub(crate) fn update(&mut self, bytes: &[u8]) {
        match self {
            ContentHasher::Sha256(hasher) => hasher.update(bytes),
            ContentHasher::Sha384(hasher) => hasher.update(bytes),
            ContentHasher::Sha512(hasher) => hasher.update(bytes),
        }
    }

    pub(crate) fn finish(self) -> RecordHash {
        let (algorithm, digest) = match self {
            ContentHasher::Sha256(hasher) => ("sha256", hasher.finalize().to_vec()),
            ContentHasher::Sha384(hasher) => ("sha384", hasher.finalize().to_vec()),
            ContentHasher::Sha512(hasher) => ("sha512", hasher.finalize().to_vec()),
        };
        RecordHash {
            algorithm: algorithm.to_string(),
            digest,
        }
    }
}

/// One RECORD row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordEntry {
    /// The entry's path inside the wheel.
    pub path: String,
    /// Its hash (absent only for RECORD itself and its signatures).
    pub hash: Option<RecordHash>,
    /// Its size in bytes.
    pub size: Option<u64>,
}

impl RecordEntry {
    /// How content that hashed to `actual_hash` (with this row's algorithm; `None` when it was
    /// not hashed) and has `size` bytes differs from this row: its hash first, then its size.
    pub(crate) fn mismatch(&self, actual_hash: Option<&RecordHash>, size: u64) -> Option<Error> {
        match (&self.hash, actual_hash) {
            (Some(expected), Some(actual)) if expected.digest != actual.digest => {
                Some(Error::HashMismatch {
                    name: self.path.clone(),
                    expected: expected.to_string(),
                    actual: actual.to_string(),
                })
            }
            _ => match self.size {
                Some(expected) if expected != size => Some(Error::SizeMismatch {
                    name: self.path.clone(),
                    expected,
                    actual: size,
                }),
                _ => None,
            },
        }
    }

    /// Checks `content` against this row as it streams, hashing it with the row's algorithm:
    /// the first difference ([`Error::HashMismatch`], then [`Error::SizeMismatch`]), or `None`.
    /// A row without a hash, or with an algorithm that is not supported, is checked by size.
    pub fn check_content(&self, mut content: impl std::io::Read) -> std::io::Result<Option<Error>> {
        let mut hasher = self
            .hash
            .as_ref()
            .and_then(|hash| ContentHasher::for_algorithm(&hash.algorithm));
        let mut buffer = vec![0; 256 * 1024];
        let mut size = 0;
        loop {
            let read = content.read(&mut buffer)?;
            if read == 0 {
                break;
            }
            if let Some(hasher) = &mut hasher {
                hasher.update(&buffer[..read]);
            }
            size += read as u64;
        }
        let actual = hasher.map(ContentHasher::finish);
        Ok(self.mismatch(actual.as_ref(), size))
    }
}

/// A parsed RECORD file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Record {
    /// The rows, in file order.
    pub entries: Vec<RecordEntry>,
}

impl Record {
    /// Parses RECORD with the CSV rules Python's `csv` module writes: `,` separators, fields
    /// quoted with `"` when they contain `,`, `"` or a line break, `""` for a quote inside quotes,
    /// `\n` or `\r\n` row ends. Blank rows are skipped.
    pub fn parse(text: &str) -> Result<Record, Error> {
        let mut entries = Vec::new();
        for (row_number, row) in parse_csv(text)? {
            let invalid = |reason: String| Error::InvalidRecordRow {
                row: row_number,
                reason,
            };
            let [path, hash, size] = <[String; 3]>::try_from(row).map_err(|row| {
                invalid(format!(
                    "expected 3 fields (path, hash, size), found {}",
                    row.len()
                ))
            })?;
            if path.is_empty() {
                return Err(invalid("the path is empty".to_string()));
            }
            let hash = if hash.is_empty() {
                None
            } else {
                Some(
                    hash.parse::<RecordHash>()
                        .map_err(|error| invalid(error.to_string()))?,
                )
            };
            let size = if size.is_empty() {
                None
            } else {
                Some(
                    size.parse::<u64>()
                        .map_err(|_| invalid(format!("the size `{size}` is not a number")))?,
                )
            };
            entries.push(RecordEntry { path, hash, size });
        }
        Ok(Record { entries })
    }

    /// The row for `path`, if there is one.
    pub fn get(&self, path: &str) -> Option<&RecordEntry> {
        self.entries.iter().find(|entry| entry.path == path)
    }
}

impl fmt::Display for Record {
    /// Writes one `path,hash,size` row per entry, each ending in `\n`, quoting as Python's `csv`.
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        for entry in &self.entries {
            if entry.path.contains([',', '"', '\n', '\r']) {
                write!(formatter, "\"{}\"", entry.path.replace('"', "\"\""))?;
            } else {
                formatter.write_str(&entry.path)?;
            }
            formatter.write_str(",")?;
            if let Some(hash) = &entry.hash {
                write!(formatter, "{hash}")?;
            }
            formatter.write_str(",")?;
            if let Some(size) = entry.size {
                write!(formatter, "{size}")?;
            }
            formatter.write_str("\n")?;
        }
        Ok(())
    }
}

/// Splits CSV text into rows of fields, each with its 1-based starting line number.
fn parse_csv(text: &str) -> Result<Vec<(usize, Vec<String>)>, Error> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut line = 1;
    let mut row_start_line = 1;
    // Whether the current field was quoted and its closing quote has been seen.
    let mut after_closing_quote = false;
    let mut in_quotes = false;
    let mut characters = text.chars().peekable();
    while let Some(character) = characters.next() {
        if character == '\n' {
            line += 1;
        }
        if in_quotes {
            if character == '"' {
                if characters.peek() == Some(&'"') {
                    characters.next();
                    field.push('"');
                } else {
                    in_quotes = false;
                    after_closing_quote = true;
                }
            } else {
                field.push(character);
            }
            continue;
        }
        match character {
            ',' => {
                row.push(std::mem::take(&mut field));
                after_closing_quote = false;
            }
            '\r' | '\n' => {
                if character == '\r' && characters.peek() == Some(&'\n') {
                    characters.next();
                    line += 1;
                }
                row.push(std::mem::take(&mut field));
                after_closing_quote = false;
                let finished = std::mem::take(&mut row);
                if finished != [""] {
                    rows.push((row_start_line, finished));
                }
                row_start_line = line;
            }
            '"' if field.is_empty() && !after_closing_quote => in_quotes = true,
            _ if after_closing_quote => {
                return Err(Error::InvalidRecordRow {
                    row: row_start_line,
                    reason: format!("unexpected `{character}` after a closing quote"),
                })
            }
            '"' => {
                return Err(Error::InvalidRecordRow {
                    row: row_start_line,
                    reason: "a quote inside an unquoted field".to_string(),
                })
            }
            _ => field.push(character),
        }
    }
    if in_quotes {
        return Err(Error::InvalidRecordRow {
            row: row_start_line,
            reason: "a quoted field is not closed".to_string(),
        });
    }
    if !field.is_empty() || !row.is_empty() || after_closing_quote {
        row.push(field);
        rows.push((row_start_line, row));
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_round_trips_urlsafe_without_padding() {
        let hash = RecordHash::sha256(b"hello");
        let text = hash.to_string();
        assert_eq!(text, "sha256=LPJNul-wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ");
        assert_eq!(text.parse::<RecordHash>().unwrap(), hash);
        let padded: RecordHash = "sha256=LPJNul-wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ="
            .parse()
            .unwrap();
        assert_eq!(padded, hash);
        assert!(hash.is_supported());
        assert!(!"md5=AAAA".parse::<RecordHash>().unwrap().is_supported());
        for bad in ["sha256", "=abc", "sha256=", "sha256=a+b/"] {
            assert!(
                matches!(
                    bad.parse::<RecordHash>(),
                    Err(Error::InvalidRecordHash { .. })
                ),
                "{bad}"
            );
        }
    }

    #[test]
    fn streaming_hashers_match_one_shot_digests() {
        for algorithm in SUPPORTED_HASH_ALGORITHMS {
            let mut hasher = ContentHasher::for_algorithm(algorithm).unwrap();
            hasher.update(b"hel");
            hasher.update(b"lo");
            let hash = hasher.finish();
            assert_eq!(hash.algorithm, algorithm);
            let expected = match algorithm {
                "sha256" => Sha256::digest(b"hello").to_vec(),
                "sha384" => Sha384::digest(b"hello").to_vec(),
                _ => Sha512::digest(b"hello").to_vec(),
            };
            assert_eq!(hash.digest, expected);
        }
        assert!(ContentHasher::for_algorithm("sha1").is_none());
    }

    #[test]
    fn parses_quoted_paths_and_crlf() {
        let hash = RecordHash::sha256(b"x").to_string();
        let text = format!(
            "pkg/__init__.py,{hash},1\r\n\
             \"pkg/a,b.py\",{hash},1\r\n\
             \"pkg/say \"\"hi\"\".txt\",{hash},1\r\n\
             \r\n\
             \"pkg/line\nbreak\",,\r\n\
             pkg-1.0.dist-info/RECORD,,"
        );
        let record = Record::parse(&text).unwrap();
        let paths: Vec<&str> = record
            .entries
            .iter()
            .map(|entry| entry.path.as_str())
            .collect();
        assert_eq!(
            paths,
            [
                "pkg/__init__.py",
                "pkg/a,b.py",
                "pkg/say \"hi\".txt",
                "pkg/line\nbreak",
                "pkg-1.0.dist-info/RECORD"
            ]
        );
        assert_eq!(record.entries[1].size, Some(1));
        assert_eq!(record.entries[1].hash.as_ref().unwrap().to_string(), hash);
        assert_eq!(record.entries[4].hash, None);
        assert_eq!(record.entries[4].size, None);
        let written = record.to_string();
        assert!(written.contains(&format!("\"pkg/a,b.py\",{hash},1\n")));
        assert!(written.contains("\"pkg/say \"\"hi\"\".txt\""));
        assert_eq!(Record::parse(&written).unwrap(), record);
        assert_eq!(
            record.get("pkg/a,b.py").unwrap().path,
            "pkg/a,b.py".to_string()
        );
    }

    #[test]
    fn rejects_malformed_rows() {
        for (text, row) in [
            ("a,,\nb,sha256=abc\n", 2),
            ("a,,\nb,,12x\n", 2),
            (",,\n", 1),
            ("\"a,,\n", 1),
            ("a\"b,,\n", 1),
            ("\"a\"b,,\n", 1),
            ("a,md5,1\n", 1),
            ("a,,,\n", 1),
        ] {
            let error = Record::parse(text).unwrap_err();
            assert!(
                matches!(error, Error::InvalidRecordRow { row: found, .. } if found == row),
                "{text:?}: {error}"
            );
        }
    }

    #[test]
    fn content_is_checked_against_its_row() {
        let row = |hash: Option<RecordHash>, size: Option<u64>| RecordEntry {
            path: "x/libx.so".to_string(),
            hash,
            size,
        };
        let check = |row: &RecordEntry, content: &[u8]| row.check_content(content).unwrap();
        let sha256 = row(Some(RecordHash::sha256(b"original")), Some(8));
        assert!(check(&sha256, b"original").is_none());
        assert!(matches!(
            check(&sha256, b"changed!"),
            Some(Error::HashMismatch { .. })
        ));
        // A row without a hash is checked by its size.
        assert!(matches!(
            check(&row(None, Some(8)), b"longer file"),
            Some(Error::SizeMismatch { .. })
        ));
        // Every supported algorithm is checked, not only sha256.
        let mut sha512 = ContentHasher::for_algorithm("sha512").unwrap();
        sha512.update(b"original");
        let sha512 = row(Some(sha512.finish()), Some(8));
        assert!(check(&sha512, b"original").is_none());
        assert!(matches!(
            check(&sha512, b"changed!"),
            Some(Error::HashMismatch { .. })
        ));
    }
}
