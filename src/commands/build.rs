//! `nativelib build`: build a recipe's wheels, showing progress on stderr (a spinner with the
//! phase, elapsed time and the build's last line on a terminal; plain lines otherwise), then a
//! summary (or JSON) on stdout. On a failed build command the log's last lines are shown above
//! the one-line error. A signal stops the build's commands and exits with status 130.

use std::io::{IsTerminal, Write};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use anyhow::Result;
use indicatif::{ProgressBar, ProgressStyle};
use nativelib_build::{build_recipe, BuildOptions, BuiltWheel, CacheDirectory, Observer, Phase};

use crate::cli::BuildArgs;
use crate::human::human_size;

/// How often a plain (non-terminal) display repeats the build's last line.
const PLAIN_HEARTBEAT: Duration = Duration::from_secs(30);
/// How much of a build output line the spinner shows.
const LINE_WIDTH: usize = 160;

/// The progress display on stderr.
struct Progress {
    bar: Option<ProgressBar>,
    started: Instant,
    plain: Mutex<PlainState>,
}

struct PlainState {
    what: String,
    last_report: Instant,
}

impl Progress {
    fn new() -> Self {
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = ProgressBar::new_spinner();
            let style =
                ProgressStyle::with_template("{spinner} {prefix:.bold} [{elapsed}] {wide_msg}")
                    .unwrap_or_else(|_| ProgressStyle::default_spinner());
            bar.set_style(style);
            bar.enable_steady_tick(Duration::from_millis(120));
            bar
        });
        Self {
            bar,
            started: Instant::now(),
            plain: Mutex::new(PlainState {
                what: String::new(),
                last_report: Instant::now(),
            }),
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

fn shorten(text: &str) -> String {
    if text.chars().count() <= LINE_WIDTH {
        return text.to_string();
    }
    let kept: String = text.chars().take(LINE_WIDTH - 3).collect();
    format!("{kept}...")
}

impl Observer for Progress {
    fn phase(&self, what: &str, phase: Phase, detail: &str) {
        match &self.bar {
            Some(bar) => {
                bar.set_prefix(format!("{what}: {phase}"));
                bar.set_message(shorten(detail));
            }
            None => {
                if let Ok(mut state) = self.plain.lock() {
                    state.what = what.to_string();
                    state.last_report = Instant::now();
                }
                let separator = if detail.is_empty() { "" } else { " " };
                eprintln!(
                    "nativelib: {what}: {phase}{separator}{} [{}s]",
                    shorten(detail),
                    self.started.elapsed().as_secs()
                );
            }
        }
    }

    fn output_line(&self, line: &str) {
        match &self.bar {
            Some(bar) => bar.set_message(shorten(line)),
            None => {
                let Ok(mut state) = self.plain.lock() else {
                    return;
                };
                if state.last_report.elapsed() >= PLAIN_HEARTBEAT {
                    state.last_report = Instant::now();
                    eprintln!(
                        "nativelib: {}: compiling [{}s]: {}",
                        state.what,
                        self.started.elapsed().as_secs(),
                        shorten(line)
                    );
                }
            }
        }
    }
}

pub fn run(arguments: &BuildArgs) -> Result<()> {
    let options = BuildOptions {
        wheel_directory: arguments.wheel_dir.clone(),
        jobs: arguments.jobs.map(|jobs| jobs.get()),
        use_cache: !arguments.no_cache,
        cache: CacheDirectory::from_environment(),
        source_date_epoch: None,
    };
    // On SIGINT, SIGTERM or SIGHUP the running build commands are stopped and the build unwinds
    // (temporary and partial directories removed); with no command running, exit at once.
    let _ = ctrlc::set_handler(|| {
        if !nativelib_build::cancel() {
            std::process::exit(crate::exit::CANCELLED);
        }
    });
    let progress = Progress::new();
    let result = build_recipe(
        &arguments.recipe,
        arguments.variant.as_deref(),
        &options,
        &progress,
    );
    progress.finish();
    let wheels = match result {
        Ok(wheels) => wheels,
        Err(error) => {
            if let Some(tail) = error.log_tail() {
                let mut stderr = std::io::stderr().lock();
                let _ = writeln!(stderr, "The build's last log lines:");
                for line in tail {
                    let _ = writeln!(stderr, "  | {line}");
                }
            }
            return Err(error.into());
        }
    };
    super::print_result(arguments.json, &wheels, || {
        wheels.iter().map(summary).collect()
    })?;
    for wheel in &wheels {
        for unresolved in &wheel.unresolved {
            eprintln!(
                "warning: {} needs {unresolved}, which no system library or dependency wheel \
                 provides; add it to the recipe's `dependencies`",
                wheel.manifest.distribution
            );
        }
    }
    Ok(())
}

/// The text summary of one wheel.
fn summary(wheel: &BuiltWheel) -> String {
    let mut out = String::new();
    let name = wheel
        .path
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default();
    let how = match (wheel.cache_hit, wheel.wheel_reused) {
        (true, true) => "cache hit, wheel reused",
        (true, false) => "cache hit, repackaged",
        (false, _) if wheel.log.is_none() => "collected",
        (false, _) => "built",
    };
    out.push_str(&format!(
        "Wrote {} ({}, {how}) in {:.2}s\n",
        wheel.path.display(),
        human_size(wheel.size),
        wheel.seconds
    ));
    out.push_str(&format!(
        "  wheel      {name}\n  sha256     {}\n",
        wheel.sha256
    ));
    out.push_str(&format!(
        "  platform   {}\n",
        wheel.platform_tags.join(", ")
    ));
    for library in &wheel.manifest.libraries {
        let replaces = if library.replaces.is_empty() {
            String::new()
        } else {
            format!(" (replaces {})", library.replaces.join(", "))
        };
        out.push_str(&format!("  library    {}{replaces}\n", library.entry));
    }
    let symbols = &wheel.manifest.symbols;
    if symbols.prefix.is_some() || symbols.suffix.is_some() || !symbols.keep.is_empty() {
        let namespace = format!(
            "{}*{}",
            symbols.prefix.as_deref().unwrap_or(""),
            symbols.suffix.as_deref().unwrap_or("")
        );
        let hidden = if symbols.hide_outside_namespace {
            ", others hidden at link time"
        } else {
            ""
        };
        let outside: usize = symbols
            .outside_namespace
            .iter()
            .map(|entry| entry.symbols.len())
            .sum();
        out.push_str(&format!(
            "  symbols    namespace {namespace}{hidden}; {outside} exported outside it"
        ));
        let sample: Vec<&str> = symbols
            .outside_namespace
            .iter()
            .flat_map(|entry| entry.symbols.iter().map(String::as_str))
            .take(6)
            .collect();
        if !sample.is_empty() {
            out.push_str(&format!(
                " ({}{})",
                sample.join(", "),
                if outside > sample.len() { ", ..." } else { "" }
            ));
        }
        out.push('\n');
    }
    if let Some(seconds) = wheel.compile_seconds {
        out.push_str(&format!("  compile    {seconds:.1}s when built\n"));
    }
    let phases: Vec<String> = wheel
        .timings
        .iter()
        .map(|timing| format!("{} {:.3}s", timing.phase, timing.seconds))
        .collect();
    out.push_str(&format!("  phases     {}\n", phases.join(", ")));
    if let Some(log) = &wheel.log {
        out.push_str(&format!("  log        {}\n", log.display()));
    }
    out
}
