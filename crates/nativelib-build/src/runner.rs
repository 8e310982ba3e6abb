//! Running a recipe's build commands: each with the recipe's environment, its output (stdout and
//! stderr, interleaved as printed) written to the build log and passed to the [`Observer`]
//! line by line, and on failure an error carrying the log's last lines.

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Mutex;

use nativelib_recipe::BuildCommand;

use crate::cancel::{self, RunningGroup};
use crate::error::CommandFailure;
use crate::observer::{Observer, Phase};
use crate::Error;

/// How many of the log's last lines a failure reports.
pub(crate) const TAIL_LINES: usize = 20;

/// A build log file, with its last lines kept in memory.
#[derive(Debug)]
pub(crate) struct BuildLog {
    path: PathBuf,
    file: Mutex<std::io::BufWriter<std::fs::File>>,
    tail: Mutex<VecDeque<String>>,
}

impl BuildLog {
    /// Create the log `<directory>/<stem>-<seconds since the epoch>.log` (a counter is added if
    /// that exists).
    pub(crate) fn create(directory: &Path, stem: &str) -> Result<Self, Error> {
        std::fs::create_dir_all(directory).map_err(Error::io("create", directory))?;
        let seconds = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |elapsed| elapsed.as_secs());
        let mut counter = 0;
        loop {
            let name = if counter == 0 {
                format!("{stem}-{seconds}.log")
            } else {
                format!("{stem}-{seconds}-{counter}.log")
            };
            let path = directory.join(name);
            match std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&path)
            {
                Ok(file) => {
                    return Ok(Self {
                        path,
                        file: Mutex::new(std::io::BufWriter::new(file)),
                        tail: Mutex::new(VecDeque::with_capacity(TAIL_LINES)),
                    })
                }
                Err(error)
                    if error.kind() == std::io::ErrorKind::AlreadyExists && counter < 1000 =>
                {
                    counter += 1;
                }
                Err(error) => return Err(Error::io("create", &path)(error)),
            }
        }
    }

    /// The log file.
    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    /// Append one line.
    pub(crate) fn line(&self, text: &str) {
        if let Ok(mut file) = self.file.lock() {
            let _ = writeln!(file, "{text}");
        }
        if let Ok(mut tail) = self.tail.lock() {
            if tail.len() == TAIL_LINES {
                tail.pop_front();
            }
            tail.push_back(text.to_string());
        }
    }

    /// The last lines written.
    pub(crate) fn tail(&self) -> Vec<String> {
        self.tail
            .lock()
            .map(|tail| tail.iter().cloned().collect())
            .unwrap_or_default()
    }

    /// Write everything buffered to the file.
    pub(crate) fn flush(&self) {
        if let Ok(mut file) = self.file.lock() {
            let _ = file.flush();
        }
    }
}

/// Who runs the commands, for error messages.
pub(crate) struct RunContext<'a> {
    /// The recipe file.
    pub(crate) recipe: &'a Path,
    /// The recipe and variant, for people.
    pub(crate) what: &'a str,
    /// Extra environment variables for every command (after the recipe's own).
    pub(crate) extra_environment: &'a [(String, String)],
}

/// Run `commands` in order, stopping at the first that fails.
pub(crate) fn run_commands(
    commands: &[BuildCommand],
    log: &BuildLog,
    observer: &dyn Observer,
    context: &RunContext<'_>,
) -> Result<(), Error> {
    for command in commands {
        if cancel::is_cancelled() {
            return Err(cancelled(context));
        }
        let shown = command.to_string();
        observer.phase(context.what, Phase::Compile, &shown);
        log.line(&format!(
            "$ cd {} && {shown}",
            command.working_directory.display()
        ));
        let result = run_one(command, log, observer, context);
        log.flush();
        result?;
    }
    Ok(())
}

fn run_one(
    command: &BuildCommand,
    log: &BuildLog,
    observer: &dyn Observer,
    context: &RunContext<'_>,
) -> Result<(), Error> {
    let spawn_error = |source: std::io::Error| Error::Spawn {
        recipe: context.recipe.to_path_buf(),
        what: context.what.to_string(),
        program: command.program.clone(),
        command: command.to_string(),
        source,
    };
    let (reader, writer) = std::io::pipe().map_err(spawn_error)?;
    let writer_copy = writer.try_clone().map_err(spawn_error)?;
    let mut process = Command::new(&command.program);
    process
        .args(&command.arguments)
        .current_dir(&command.working_directory)
        .stdin(Stdio::null())
        .stdout(writer_copy)
        .stderr(writer);
    for (name, value) in &command.environment {
        process.env(name, value);
    }
    for (name, value) in context.extra_environment {
        process.env(name, value);
    }
    // Its own process group: `cancel` stops the command with everything it started.
    std::os::unix::process::CommandExt::process_group(&mut process, 0);
    let mut child = process.spawn().map_err(spawn_error)?;
    let _running = RunningGroup::register(child.id());
    // The parent's copies of the pipe's write end must be closed, or reading never ends.
    drop(process);
    let mut lines = BufReader::with_capacity(64 * 1024, reader);
    let mut buffer = Vec::new();
    loop {
        buffer.clear();
        match lines.read_until(b'\n', &mut buffer) {
            Ok(0) => break,
            Ok(_) => {
                let text = String::from_utf8_lossy(&buffer);
                let text = text.trim_end_matches(['\n', '\r']);
                // Progress meters rewrite one line with carriage returns: keep the last state.
                let text = text.rsplit('\r').next().unwrap_or(text);
                log.line(text);
                observer.output_line(text);
            }
            Err(_) => break,
        }
    }
    let status = child.wait().map_err(spawn_error)?;
    if cancel::is_cancelled() {
        log.line("nativelib: cancelled");
        return Err(cancelled(context));
    }
    if status.success() {
        return Ok(());
    }
    let status_text = match (
        status.code(),
        std::os::unix::process::ExitStatusExt::signal(&status),
    ) {
        (Some(code), _) => format!("exited with status {code}"),
        (None, Some(signal)) => format!("was killed by signal {signal}"),
        (None, None) => "failed".to_string(),
    };
    log.line(&format!("nativelib: the command {status_text}"));
    log.flush();
    Err(Error::CommandFailed(Box::new(CommandFailure {
        recipe: context.recipe.to_path_buf(),
        what: context.what.to_string(),
        command: command.to_string(),
        status: status_text,
        log: log.path().to_path_buf(),
        log_tail: log.tail(),
    })))
}

fn cancelled(context: &RunContext<'_>) -> Error {
    Error::Cancelled {
        recipe: context.recipe.to_path_buf(),
        what: context.what.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::observer::SilentObserver;

    fn command(words: &[&str], directory: &Path) -> BuildCommand {
        BuildCommand {
            program: words[0].to_string(),
            arguments: words[1..].iter().map(|word| word.to_string()).collect(),
            environment: BTreeMap::from([("GREETING".to_string(), "hello".to_string())]),
            working_directory: directory.to_path_buf(),
        }
    }

    #[test]
    fn output_goes_to_the_log_and_failures_carry_the_tail() {
        let directory = tempfile::tempdir().unwrap();
        let log = BuildLog::create(&directory.path().join("logs"), "demo").unwrap();
        let context = RunContext {
            recipe: Path::new("demo.toml"),
            what: "demo",
            extra_environment: &[("EXTRA".to_string(), "x".to_string())],
        };
        let commands = [
            command(
                &["sh", "-c", "echo $GREETING$EXTRA; echo oops >&2"],
                directory.path(),
            ),
            command(
                &[
                    "sh",
                    "-c",
                    "for i in $(seq 1 30); do echo line$i; done; exit 3",
                ],
                directory.path(),
            ),
            command(&["sh", "-c", "echo never"], directory.path()),
        ];
        let error = run_commands(&commands, &log, &SilentObserver, &context).unwrap_err();
        let Error::CommandFailed(failure) = &error else {
            panic!("{error}");
        };
        let CommandFailure {
            status,
            log_tail,
            log: path,
            ..
        } = failure.as_ref();
        assert_eq!(status, "exited with status 3");
        assert_eq!(log_tail.len(), TAIL_LINES);
        assert_eq!(log_tail[TAIL_LINES - 2], "line30");
        let text = std::fs::read_to_string(path).unwrap();
        assert!(text.contains("hellox\n"), "{text}");
        assert!(text.contains("oops\n"), "{text}");
        assert!(!text.contains("never"), "{text}");
        assert!(error.to_string().contains(&path.display().to_string()));
    }

    #[test]
    fn a_missing_program_is_a_spawn_error() {
        let directory = tempfile::tempdir().unwrap();
        let log = BuildLog::create(directory.path(), "demo").unwrap();
        let context = RunContext {
            recipe: Path::new("demo.toml"),
            what: "demo",
            extra_environment: &[],
        };
        let error = run_commands(
            &[command(&["no-such-program-xyz"], directory.path())],
            &log,
            &SilentObserver,
            &context,
        )
        .unwrap_err();
        assert!(matches!(error, Error::Spawn { .. }), "{error}");
        assert!(error.to_string().contains("install `no-such-program-xyz`"));
    }
}
