//! One module per subcommand: each reads its arguments, calls the library crates and prints.

pub mod build;
pub mod link;
pub mod show;

use std::io::Write;

/// Prints the command's result on stdout: `value` as pretty JSON with `--json`, else `text()`.
fn print_result(
    json: bool,
    value: &impl serde::Serialize,
    text: impl FnOnce() -> String,
) -> anyhow::Result<()> {
    let mut stdout = std::io::stdout().lock();
    if json {
        serde_json::to_writer_pretty(&mut stdout, value)?;
        writeln!(stdout)?;
    } else {
        stdout.write_all(text().as_bytes())?;
    }
    stdout.flush()?;
    Ok(())
}
