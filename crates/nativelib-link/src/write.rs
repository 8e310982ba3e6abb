//! Writing a planned link: rewritten binaries (re-parsed and checked by the ELF rewriter),
//! unchanged entries copied raw without recompressing, new METADATA, WHEEL and preloader, RECORD
//! regenerated; into a temporary file renamed into place, so the input is never touched and no
//! half-written wheel is left behind.

use std::path::{Path, PathBuf};

use nativelib_binary::rewrite;
use nativelib_wheel::{WheelFilename, WheelReader, WheelWriter};
use rayon::prelude::*;

use crate::plan::LinkPlan;
use crate::Error;

/// Signature files that a changed RECORD invalidates.
const SIGNATURES: &[&str] = &["RECORD.jws", "RECORD.p7s"];

/// Writes the linked wheel into `directory`; returns its path.
pub fn write_link(
    reader: &WheelReader,
    plan: &LinkPlan,
    directory: &Path,
) -> Result<PathBuf, Error> {
    let output = directory.join(&plan.output_filename);
    let same_file = |a: &Path, b: &Path| match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    };
    if same_file(&output, reader.path()) {
        return Err(Error::OutputIsInput { path: output });
    }
    let wheel_error = |source| Error::wheel(reader.path(), source);

    let dist_info = reader.dist_info_dir();
    let metadata_entry = format!("{dist_info}/METADATA");
    let wheel_entry = format!("{dist_info}/WHEEL");
    let record_entry = format!("{dist_info}/RECORD");
    let mut metadata = reader.metadata().clone();
    let distribution = nativelib_wheel::normalize_name(&plan.provider.distribution);
    let kept: Vec<String> = metadata
        .requires_dist()
        .into_iter()
        .filter(|requirement| {
            let name: String = requirement
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || "-_.".contains(*c))
                .collect();
            nativelib_wheel::normalize_name(&name) != distribution
        })
        .map(str::to_string)
        .collect();
    metadata.0.remove_all("Requires-Dist");
    for requirement in kept
        .iter()
        .map(String::as_str)
        .chain([plan.requires_dist.as_str()])
    {
        metadata.add_requires_dist(requirement);
    }
    let mut wheel_file = reader.wheel_file().clone();
    let new_filename: WheelFilename = plan
        .output_filename
        .parse()
        .map_err(|source| Error::wheel(&output, source))?;
    wheel_file.set_tags(&new_filename.expanded_tags());

    let mut writer = WheelWriter::new(dist_info);
    let rewritten: Vec<(String, nativelib_wheel::PreparedFile)> = plan
        .rewrites
        .par_iter()
        .map(|planned| {
            let bytes = reader.read(&planned.entry).map_err(wheel_error)?;
            let output = rewrite(&bytes, &planned.edit()).map_err(|source| Error::Rewrite {
                path: reader.path().to_path_buf(),
                entry: planned.entry.clone(),
                source,
            })?;
            drop(bytes);
            let prepared = writer
                .prepare_file(&planned.entry, &output, true)
                .map_err(wheel_error)?;
            Ok((planned.entry.clone(), prepared))
        })
        .collect::<Result<_, Error>>()?;
    let removed: Vec<&str> = plan
        .removed
        .iter()
        .map(|removed| removed.entry.as_str())
        .collect();
    let patched_init = plan.preloader.patched_init.as_ref();
    for entry in reader.entries() {
        let name = entry.name.as_str();
        let is_signature = SIGNATURES
            .iter()
            .any(|signature| name == format!("{dist_info}/{signature}"));
        if entry.is_dir
            || removed.contains(&name)
            || name == record_entry
            || is_signature
            || name == plan.preloader.entry
            || patched_init.is_some_and(|(init, _)| init == name)
            || rewritten.iter().any(|(rewritten, _)| rewritten == name)
        {
            continue;
        }
        if name == metadata_entry {
            writer.add_file(name, metadata.to_string().into_bytes(), false);
        } else if name == wheel_entry {
            writer.add_file(name, wheel_file.to_string().into_bytes(), false);
        } else {
            writer.copy_raw(reader, name);
        }
    }
    for (name, prepared) in rewritten {
        writer.add_prepared(&name, prepared);
    }
    writer.add_file(
        &plan.preloader.entry,
        plan.preloader.contents.clone().into_bytes(),
        false,
    );
    if let Some((init, contents)) = patched_init {
        writer.add_file(init, contents.clone().into_bytes(), false);
    }
    writer
        .write(&output)
        .map_err(|source| Error::wheel(&output, source))?;
    Ok(output)
}
