//! Unpacking a source archive (`.tar.gz`, `.tar`, `.zip`, told apart by their first bytes) or
//! copying a source directory into the temporary build tree, and finding `subdirectory` in it.

use std::io::Read;
use std::path::{Path, PathBuf};

use crate::fetch::FetchedSource;
use crate::Error;

/// The kinds of archive that can be unpacked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ArchiveKind {
    TarGzip,
    Tar,
    Zip,
}

/// Guess the kind of archive from its first bytes; the error says what it looks like instead.
fn archive_kind(header: &[u8]) -> Result<ArchiveKind, &'static str> {
    if header.starts_with(&[0x1f, 0x8b]) {
        Ok(ArchiveKind::TarGzip)
    } else if header.starts_with(b"PK\x03\x04") || header.starts_with(b"PK\x05\x06") {
        Ok(ArchiveKind::Zip)
    } else if header.len() >= 262 && &header[257..262] == b"ustar" {
        Ok(ArchiveKind::Tar)
    } else if header.starts_with(&[0xfd, b'7', b'z', b'X', b'Z', 0]) {
        Err("an xz-compressed file; repack it as .tar.gz")
    } else if header.starts_with(b"BZh") {
        Err("a bzip2-compressed file; repack it as .tar.gz")
    } else if header.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
        Err("a zstd-compressed file; repack it as .tar.gz")
    } else {
        Err("not a .tar.gz, .tar or .zip archive")
    }
}

/// Put the fetched source into `destination` (an empty directory) and return the tree to
/// build: `destination`, or its `subdirectory`.
pub(crate) fn prepare_source_tree(
    recipe: &Path,
    source: &FetchedSource,
    subdirectory: Option<&Path>,
    destination: &Path,
) -> Result<PathBuf, Error> {
    match source {
        FetchedSource::Archive(archive) => unpack(recipe, archive, destination)?,
        FetchedSource::Directory(directory) => copy_tree(directory, destination)?,
    }
    let Some(subdirectory) = subdirectory else {
        return Ok(destination.to_path_buf());
    };
    let tree = destination.join(subdirectory);
    if !tree.is_dir() {
        let mut found: Vec<String> = std::fs::read_dir(destination)
            .map_err(Error::io("read", destination))?
            .filter_map(|entry| entry.ok())
            .map(|entry| entry.file_name().to_string_lossy().into_owned())
            .collect();
        found.sort();
        return Err(Error::MissingSubdirectory {
            recipe: recipe.to_path_buf(),
            subdirectory: subdirectory.to_path_buf(),
            found: if found.is_empty() {
                "nothing".to_string()
            } else {
                found.join(", ")
            },
        });
    }
    Ok(tree)
}

/// Unpack `archive` into `destination`; entries that would land outside it are refused.
fn unpack(recipe: &Path, archive: &Path, destination: &Path) -> Result<(), Error> {
    let failed = |problem: String| Error::Unpack {
        recipe: recipe.to_path_buf(),
        archive: archive.to_path_buf(),
        problem,
    };
    let mut file = std::fs::File::open(archive).map_err(Error::io("open", archive))?;
    let mut header = Vec::with_capacity(512);
    (&mut file)
        .take(512)
        .read_to_end(&mut header)
        .map_err(Error::io("read", archive))?;
    let kind = archive_kind(&header).map_err(|problem| failed(format!("it is {problem}")))?;
    let file = std::fs::File::open(archive).map_err(Error::io("open", archive))?;
    let reader = std::io::BufReader::with_capacity(1 << 20, file);
    match kind {
        ArchiveKind::TarGzip => unpack_tar(flate2::read::GzDecoder::new(reader), destination),
        ArchiveKind::Tar => unpack_tar(reader, destination),
        ArchiveKind::Zip => zip::ZipArchive::new(reader)
            .and_then(|mut zip| zip.extract(destination))
            .map_err(|error| std::io::Error::other(error.to_string())),
    }
    .map_err(|error| failed(error.to_string()))
}

fn unpack_tar(reader: impl Read, destination: &Path) -> std::io::Result<()> {
    let mut archive = tar::Archive::new(reader);
    archive.set_preserve_mtime(true);
    archive.set_overwrite(true);
    archive.unpack(destination)
}

/// Copy the directory tree `from` into `to` (files with their permissions, symbolic links as
/// links), leaving out `.git`.
pub(crate) fn copy_tree(from: &Path, to: &Path) -> Result<(), Error> {
    for entry in walkdir::WalkDir::new(from)
        .follow_links(false)
        .into_iter()
        .filter_entry(|entry| entry.file_name() != ".git")
    {
        let entry = entry.map_err(|error| Error::io("read", from)(error.into()))?;
        let relative = entry.path().strip_prefix(from).unwrap_or(entry.path());
        let target = to.join(relative);
        let file_type = entry.file_type();
        if file_type.is_dir() {
            std::fs::create_dir_all(&target).map_err(Error::io("create", &target))?;
        } else if file_type.is_symlink() {
            let link = std::fs::read_link(entry.path()).map_err(Error::io("read", entry.path()))?;
            std::os::unix::fs::symlink(&link, &target).map_err(Error::io("create", &target))?;
        } else {
            std::fs::copy(entry.path(), &target).map_err(Error::io("copy", entry.path()))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write_tar_gz(path: &Path) {
        let file = std::fs::File::create(path).unwrap();
        let encoder = flate2::write::GzEncoder::new(file, flate2::Compression::fast());
        let mut builder = tar::Builder::new(encoder);
        let mut header = tar::Header::new_gnu();
        let script = b"#!/bin/sh\necho hi\n";
        header.set_size(script.len() as u64);
        header.set_mode(0o755);
        header.set_cksum();
        builder
            .append_data(&mut header, "pkg-1.0/configure", &script[..])
            .unwrap();
        builder.into_inner().unwrap().finish().unwrap();
    }

    #[test]
    fn unpacks_tar_gz_with_modes_and_subdirectory() {
        let directory = tempfile::tempdir().unwrap();
        let archive = directory.path().join("a");
        write_tar_gz(&archive);
        let destination = directory.path().join("out");
        std::fs::create_dir(&destination).unwrap();
        let tree = prepare_source_tree(
            Path::new("r.toml"),
            &FetchedSource::Archive(archive),
            Some(Path::new("pkg-1.0")),
            &destination,
        )
        .unwrap();
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(tree.join("configure"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o111, 0o111, "the executable bit is kept");
    }

    #[test]
    fn a_missing_subdirectory_lists_what_is_there() {
        let directory = tempfile::tempdir().unwrap();
        let archive = directory.path().join("a");
        write_tar_gz(&archive);
        let destination = directory.path().join("out");
        std::fs::create_dir(&destination).unwrap();
        let error = prepare_source_tree(
            Path::new("r.toml"),
            &FetchedSource::Archive(archive),
            Some(Path::new("pkg-2.0")),
            &destination,
        )
        .unwrap_err()
        .to_string();
        assert!(
            error.contains("pkg-2.0") && error.contains("holds: pkg-1.0"),
            "{error}"
        );
    }

    #[test]
    fn unknown_formats_are_named() {
        assert_eq!(archive_kind(b"\x1f\x8b\x08"), Ok(ArchiveKind::TarGzip));
        assert_eq!(archive_kind(b"PK\x03\x04"), Ok(ArchiveKind::Zip));
        assert!(archive_kind(b"BZh9").unwrap_err().contains("bzip2"));
        assert!(archive_kind(b"hello").is_err());
    }
}
