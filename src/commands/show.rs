//! `nativelib show`: read the inputs (wheels, libraries, installed environments), audit them as
//! one environment, print the report.

use anyhow::Result;
use nativelib_audit::{audit, read_environment, InstalledWheel};
use rayon::prelude::*;

use crate::cli::ShowArgs;
use crate::human;

pub fn run(arguments: &ShowArgs) -> Result<()> {
    let check = arguments.record.check();
    let inputs = arguments
        .inputs
        .par_iter()
        .map(|path| {
            let is_wheel = path
                .extension()
                .is_some_and(|extension| extension.eq_ignore_ascii_case("whl"));
            if is_wheel {
                InstalledWheel::read(path, check).map(|wheel| vec![wheel])
            } else if path.is_dir() {
                read_environment(path, check)
            } else {
                InstalledWheel::read_library(path).map(|library| vec![library])
            }
        })
        .collect::<Result<Vec<_>, _>>()?;
    let wheels: Vec<InstalledWheel> = inputs.into_iter().flatten().collect();
    let report = audit(&wheels);
    super::print_result(arguments.json, &report, || {
        human::render(&report, arguments.verbose)
    })
}
