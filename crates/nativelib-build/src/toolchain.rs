//! The C compiler a build uses, found the way the `cc` crate finds it (`$CC`, else `cc`): its
//! identity for the build cache, and `-print-file-name` lookups for collecting its libraries.

use std::path::{Path, PathBuf};
use std::process::Command;

use nativelib_recipe::ResolvedRecipe;

/// The compiler command for `recipe`: `CC` from its `[build] environment`, else `$CC`, else `cc`.
pub(crate) fn compiler_command(recipe: &ResolvedRecipe) -> String {
    recipe
        .build
        .as_ref()
        .and_then(|build| build.environment.get("CC").cloned())
        .or_else(|| std::env::var("CC").ok())
        .filter(|command| !command.trim().is_empty())
        .unwrap_or_else(|| "cc".to_string())
}

/// What `<compiler> --version` prints (its first word is the program, so the first word of
/// `compiler` is run and the rest passed as arguments), or a note that it could not be run.
pub(crate) fn compiler_identity(compiler: &str) -> String {
    let mut words = compiler.split_whitespace();
    let Some(program) = words.next() else {
        return "no compiler".to_string();
    };
    match Command::new(program).args(words).arg("--version").output() {
        Ok(output) => format!(
            "{compiler}: {}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        ),
        Err(error) => format!("{compiler}: not runnable ({error})"),
    }
}

/// Where `compiler` finds the file `name` (`-print-file-name=<name>`), with symbolic links
/// resolved; `None` when it does not know it (it then prints the name back unchanged).
pub(crate) fn print_file_name(compiler: &str, name: &str) -> std::io::Result<Option<PathBuf>> {
    let mut words = compiler.split_whitespace();
    let program = words.next().unwrap_or("cc");
    let output = Command::new(program)
        .args(words)
        .arg(format!("-print-file-name={name}"))
        .output()?;
    let printed = String::from_utf8_lossy(&output.stdout).trim().to_string();
    let path = Path::new(&printed);
    if !output.status.success() || !path.is_absolute() || !path.exists() {
        return Ok(None);
    }
    Ok(Some(std::fs::canonicalize(path)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_compiler_finds_its_runtime_and_not_nonsense() {
        let found = print_file_name("cc", "libgcc_s.so.1").unwrap();
        let found = found.expect("gcc knows libgcc_s.so.1");
        assert!(found.is_absolute());
        assert!(!std::fs::symlink_metadata(&found)
            .unwrap()
            .file_type()
            .is_symlink());
        assert_eq!(
            print_file_name("cc", "libno-such-library.so.7").unwrap(),
            None
        );
    }

    #[test]
    fn identity_names_the_compiler_version() {
        let identity = compiler_identity("cc");
        assert!(identity.starts_with("cc: "), "{identity}");
        assert!(identity.chars().any(|c| c.is_ascii_digit()), "{identity}");
        assert!(compiler_identity("no-such-compiler-xyz").contains("not runnable"));
    }
}
