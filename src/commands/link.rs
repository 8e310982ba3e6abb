//! `nativelib link`: plan each wheel's link against the provider, then write it (or, with
//! --dry-run, only print the plan).

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use nativelib_link::{find_provider, plan_link, write_link, LinkPlan, Provider, ReplaceArgument};
use nativelib_wheel::WheelReader;
use serde::Serialize;

use crate::cli::LinkArgs;
use crate::exit::Refusal;
use crate::human::human_size;

/// One wheel's result, as `--json` prints it.
#[derive(Serialize)]
struct LinkOutcome {
    plan: LinkPlan,
    /// The written wheel; absent with --dry-run.
    output: Option<PathBuf>,
    size_before: u64,
    size_after: Option<u64>,
}

pub fn run(arguments: &LinkArgs) -> Result<()> {
    let replacements = arguments
        .replace
        .iter()
        .map(|argument| argument.parse::<ReplaceArgument>())
        .collect::<Result<Vec<_>, _>>()?;
    let provider_path = provider_path(&arguments.against, &arguments.find_links)?;
    let check = arguments.record.check();
    let provider = Provider::open(&provider_path, check).map_err(link_error)?;
    // Every wheel is planned before anything is written: a refusal for the last wheel leaves
    // no output for the first, and no output directory.
    let mut planned = Vec::new();
    for wheel in &arguments.wheels {
        let reader = WheelReader::open(wheel)
            .with_context(|| format!("Failed to read wheel `{}`", wheel.display()))?;
        let plan = plan_link(&reader, &provider, &replacements, check).map_err(link_error)?;
        planned.push((reader, plan));
    }
    if !arguments.dry_run {
        std::fs::create_dir_all(&arguments.wheel_dir).with_context(|| {
            format!(
                "Failed to create output directory `{}`",
                arguments.wheel_dir.display()
            )
        })?;
    }
    let mut outcomes = Vec::new();
    for (reader, plan) in planned {
        let size_before = file_size(reader.path());
        let output = if arguments.dry_run {
            None
        } else {
            Some(write_link(&reader, &plan, &arguments.wheel_dir).map_err(link_error)?)
        };
        let size_after = output.as_deref().map(file_size);
        outcomes.push(LinkOutcome {
            plan,
            output,
            size_before,
            size_after,
        });
    }
    super::print_result(arguments.json, &outcomes, || {
        outcomes.iter().map(render).collect()
    })
}

fn provider_path(against: &str, find_links: &Path) -> Result<PathBuf> {
    let path = Path::new(against);
    if against.ends_with(".whl") || path.is_file() {
        return Ok(path.to_path_buf());
    }
    Ok(find_provider(against, find_links)?)
}

/// Marks refusals (nothing matches, ABI mismatch) so they exit with status 1.
fn link_error(error: nativelib_link::Error) -> anyhow::Error {
    if error.is_refusal() {
        anyhow::Error::new(Refusal(error.to_string()))
    } else {
        anyhow::Error::new(error)
    }
}

fn file_size(path: &Path) -> u64 {
    std::fs::metadata(path)
        .map(|metadata| metadata.len())
        .unwrap_or(0)
}

fn render(outcome: &LinkOutcome) -> String {
    use std::fmt::Write as _;
    let plan = &outcome.plan;
    let mut out = String::new();
    let input = plan
        .input
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default();
    let verb = if outcome.output.is_some() {
        "Linked"
    } else {
        "Plan for linking"
    };
    let _ = writeln!(
        out,
        "{verb} {input} against {} {}",
        plan.provider.distribution, plan.provider.version
    );
    for replacement in &plan.replacements {
        let _ = writeln!(
            out,
            "  replace    {} -> {}",
            replacement.vendored_entry, replacement.provided_entry
        );
    }
    for rewrite in &plan.rewrites {
        let needed: Vec<String> = rewrite
            .replace_needed
            .iter()
            .map(|(old, new)| format!("{old} -> {new}"))
            .collect();
        let _ = writeln!(out, "  rewrite    {}", rewrite.entry);
        let _ = writeln!(out, "               DT_NEEDED {}", needed.join(", "));
        let _ = writeln!(
            out,
            "               {} {} -> {}",
            rewrite.search_path_kind.to_uppercase(),
            rewrite.search_path_before.as_deref().unwrap_or("(none)"),
            rewrite.search_path_after
        );
    }
    for removed in &plan.removed {
        let _ = writeln!(
            out,
            "  remove     {} ({}; {})",
            removed.entry,
            human_size(removed.size),
            removed.reason
        );
    }
    for kept in &plan.kept {
        let _ = writeln!(out, "  keep       {kept} (still needed)");
    }
    let _ = writeln!(out, "  require    {}", plan.requires_dist);
    let tags = if plan.platform_tags_before == plan.platform_tags_after {
        format!("{} (unchanged)", plan.platform_tags_after.join("."))
    } else {
        format!(
            "{} -> {} (the floor of {})",
            plan.platform_tags_before.join("."),
            plan.platform_tags_after.join("."),
            plan.provider.distribution
        )
    };
    let _ = writeln!(out, "  tags       {tags}");
    let _ = writeln!(out, "  preloader  {}", plan.preloader.entry);
    match (&outcome.output, outcome.size_after) {
        (Some(output), Some(after)) => {
            let _ = writeln!(
                out,
                "  wrote      {} ({} -> {})",
                output.display(),
                human_size(outcome.size_before),
                human_size(after)
            );
        }
        _ => {
            let _ = writeln!(out, "  would write {} (dry run)", plan.output_filename);
        }
    }
    out
}
