//! `nativelib show`: read the inputs, audit them as one environment, print the report.

use std::io::Write;

use anyhow::Result;
use nativelib_audit::{audit, InstalledWheel};
use rayon::prelude::*;

use crate::cli::ShowArgs;
use crate::human;

pub fn run(arguments: &ShowArgs) -> Result<()> {
    let wheels = arguments
        .inputs
        .par_iter()
        .map(|path| {
            let is_wheel = path
                .extension()
                .is_some_and(|extension| extension.eq_ignore_ascii_case("whl"));
            if is_wheel {
                InstalledWheel::read(path, arguments.record.check())
            } else {
                InstalledWheel::read_library(path)
            }
        })
        .collect::<Result<Vec<_>, _>>()?;
    let report = audit(&wheels);
    let mut stdout = std::io::stdout().lock();
    if arguments.json {
        serde_json::to_writer_pretty(&mut stdout, &report)?;
        writeln!(stdout)?;
    } else {
        stdout.write_all(human::render(&report, arguments.verbose).as_bytes())?;
    }
    stdout.flush()?;
    Ok(())
}
