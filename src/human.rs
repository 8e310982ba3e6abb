//! Human-readable rendering of `nativelib show` reports for a terminal.

use std::fmt::Write;

use nativelib_audit::{
    BinaryRole, DependencyStatus, EnvironmentReport, LibraryCopy, VendoredLibrary, WheelReport,
};

/// How many dependents or constraints are listed before "and N more".
const LIST_LIMIT: usize = 4;

/// Renders the whole report.
pub fn render(report: &EnvironmentReport, verbose: bool) -> String {
    let mut out = String::new();
    for (index, wheel) in report.wheels.iter().enumerate() {
        if index > 0 {
            out.push('\n');
        }
        render_wheel(&mut out, wheel, verbose);
    }
    let several = report.wheels.len() > 1;
    if several || !report.duplicate_runtimes.is_empty() {
        out.push('\n');
        render_duplicates(&mut out, report);
    }
    if several {
        out.push('\n');
        render_clashes(&mut out, report);
    }
    out
}

/// `12.3 MB`-style sizes (decimal units, as PyPI shows them).
pub fn human_size(bytes: u64) -> String {
    let value = bytes as f64;
    if value >= 1e6 {
        format!("{:.1} MB", value / 1e6)
    } else if value >= 1e3 {
        format!("{:.1} kB", value / 1e3)
    } else {
        format!("{bytes} B")
    }
}

fn render_wheel(out: &mut String, wheel: &WheelReport, verbose: bool) {
    let version = wheel.version.as_deref().unwrap_or("");
    let _ = writeln!(out, "{} {}", wheel.name, version);
    // An installed distribution is read from its .dist-info directory.
    let label = if wheel.path.ends_with(".dist-info") {
        "installed"
    } else {
        "file"
    };
    let _ = writeln!(out, "  {label:<11} {}", wheel.path);
    if let Some(tags) = &wheel.tags {
        let _ = writeln!(
            out,
            "  tags        {}-{}-{}",
            tags.python.join("."),
            tags.abi.join("."),
            tags.platform.join(".")
        );
    }
    let count = |role| wheel.binaries.iter().filter(|b| b.role == role).count();
    let _ = writeln!(
        out,
        "  binaries    {} ({} extension modules, {} libraries, {} executables)",
        wheel.binaries.len(),
        count(BinaryRole::ExtensionModule),
        count(BinaryRole::Library),
        count(BinaryRole::Executable),
    );
    if let Some(architecture) = &wheel.architecture {
        let libc = wheel.libc.unwrap_or("unknown");
        let _ = writeln!(out, "  machine     {architecture}, {libc}");
    }
    let (optional, required): (Vec<&String>, Vec<&String>) = wheel
        .requires_dist
        .iter()
        .partition(|requirement| requirement.contains("extra =="));
    if !wheel.requires_dist.is_empty() {
        let required: Vec<&str> = required.iter().map(|r| r.as_str()).collect();
        let optional = match optional.len() {
            0 => String::new(),
            count => format!(" (+{count} optional)"),
        };
        let _ = writeln!(out, "  requires    {}{optional}", required.join(", "));
    }
    render_platform(out, wheel);
    for mismatch in &wheel.record_mismatches {
        let _ = writeln!(out, "  warning     RECORD is wrong (tolerated): {mismatch}");
    }

    let vendored_size: u64 = wheel.vendored.iter().map(|library| library.size).sum();
    if wheel.vendored.is_empty() {
        let _ = writeln!(out, "\n  Vendored libraries: none");
    } else {
        let _ = writeln!(
            out,
            "\n  Vendored libraries ({}, {} unpacked):",
            wheel.vendored.len(),
            human_size(vendored_size)
        );
        render_libraries(out, &wheel.vendored);
    }
    if !wheel.libraries.is_empty() {
        let _ = writeln!(
            out,
            "  Own shared libraries ({}, outside .libs):",
            wheel.libraries.len()
        );
        render_libraries(out, &wheel.libraries);
    }
    if wheel.orphans.is_empty() {
        let _ = writeln!(out, "  Orphaned libraries: none");
    } else {
        let _ = writeln!(
            out,
            "  Orphaned libraries ({}; nothing loads them, they can be removed):",
            wheel.orphans.len()
        );
        render_libraries(out, &wheel.orphans);
    }
    if !wheel.unresolved.is_empty() {
        let _ = writeln!(
            out,
            "  Unresolved dependencies ({}; not in the inputs and not allowed from the host):",
            wheel.unresolved.len()
        );
        for external in &wheel.unresolved {
            let _ = writeln!(
                out,
                "    {} needed by {}",
                external.library, external.binary
            );
        }
        let _ = writeln!(
            out,
            "    (pass the wheel that provides them to `nativelib show` alongside, to resolve them)"
        );
    }
    render_dependencies(out, wheel, verbose);
}

fn render_platform(out: &mut String, wheel: &WheelReport) {
    let Some(platform) = &wheel.platform else {
        return;
    };
    let verdict = &platform.verdict;
    let agreement = if platform.declared.is_empty() {
        String::new()
    } else if platform.declared_is_satisfied {
        "; the declared tags are satisfied".to_string()
    } else {
        format!(
            "; the declared {} promises an older glibc than the binaries need",
            platform.declared.join(".")
        )
    };
    let _ = writeln!(out, "  platform    {}{agreement}", verdict.tags.join("."));
    if let Some(floor) = &platform.provider_floor {
        let _ = writeln!(
            out,
            "              raised to the floor of provider {} ({})",
            floor.distribution, floor.tag
        );
    }
    if !verdict.constraints.is_empty() {
        let mut versions: Vec<&str> = verdict
            .constraints
            .iter()
            .map(|constraint| constraint.version.as_str())
            .collect();
        versions.sort_unstable();
        versions.dedup();
        let first = &verdict.constraints[0];
        let shown = versions.len().min(LIST_LIMIT);
        let more = match versions.len() - shown {
            0 => String::new(),
            count => format!(" and {count} more"),
        };
        let _ = writeln!(
            out,
            "              constrained by {}{more} (e.g. {} from {} in {})",
            versions[versions.len() - shown..].join(", "),
            first.version,
            first.library,
            first.binary
        );
    }
    for disallowed in &verdict.disallowed_libraries {
        let _ = writeln!(
            out,
            "              {} (needed by {}) is not allowed by any manylinux policy",
            disallowed.library, disallowed.binary
        );
    }
}

fn render_libraries(out: &mut String, libraries: &[VendoredLibrary]) {
    let width = libraries
        .iter()
        .map(|library| library.entry.len())
        .max()
        .unwrap_or(0);
    for library in libraries {
        let _ = writeln!(
            out,
            "    {:width$}  {:>9}  {}",
            library.entry,
            human_size(library.size),
            library.runtime
        );
        if !library.needed_by.is_empty() {
            let _ = writeln!(out, "      needed by {}", limited(&library.needed_by));
        }
    }
}

fn render_dependencies(out: &mut String, wheel: &WheelReport, verbose: bool) {
    let (interesting, system_only): (Vec<_>, Vec<_>) = wheel.binaries.iter().partition(|binary| {
        verbose
            || binary
                .dependencies
                .iter()
                .any(|dependency| dependency.status != DependencyStatus::System)
    });
    if interesting.is_empty() && system_only.is_empty() {
        return;
    }
    let _ = writeln!(out, "\n  Dependencies:");
    for binary in interesting {
        let search = match (&binary.rpath, &binary.runpath) {
            (_, Some(runpath)) => format!("  [RUNPATH {runpath}]"),
            (Some(rpath), None) => format!("  [RPATH {rpath}]"),
            (None, None) => String::new(),
        };
        let _ = writeln!(out, "    {}{search}", binary.entry);
        for dependency in &binary.dependencies {
            let how = match dependency.status {
                DependencyStatus::System => "system".to_string(),
                DependencyStatus::Unresolved => "UNRESOLVED".to_string(),
                DependencyStatus::Bundled | DependencyStatus::OtherWheel => {
                    let target = dependency.resolved_entry.as_deref().unwrap_or("?");
                    let provider = dependency
                        .provided_by
                        .as_deref()
                        .map(|name| format!("{name}: "))
                        .unwrap_or_default();
                    let via = dependency
                        .via
                        .as_ref()
                        .map(|via| {
                            let inherited = if via.inherited {
                                format!(" of {}, inherited", via.owner)
                            } else {
                                String::new()
                            };
                            format!(
                                " (via {} {}{inherited})",
                                via.kind.to_uppercase(),
                                via.entry
                            )
                        })
                        .unwrap_or_default();
                    format!("{provider}{target}{via}")
                }
            };
            let _ = writeln!(out, "      {} -> {how}", dependency.name);
        }
    }
    if !system_only.is_empty() {
        let _ = writeln!(
            out,
            "    ({} more binaries need only system libraries; --verbose lists them)",
            system_only.len()
        );
    }
}

fn render_duplicates(out: &mut String, report: &EnvironmentReport) {
    if report.duplicate_runtimes.is_empty() {
        let _ = writeln!(out, "Duplicate runtimes: none");
        return;
    }
    let _ = writeln!(
        out,
        "Duplicate runtimes ({}; each copy is loaded into the same process):",
        report.duplicate_runtimes.len()
    );
    for duplicate in &report.duplicate_runtimes {
        let _ = writeln!(out, "  {} x{}", duplicate.runtime, duplicate.copies.len());
        for copy in &duplicate.copies {
            let _ = writeln!(out, "    {}", describe_copy(copy));
            if !copy.needed_by.is_empty() {
                let _ = writeln!(out, "      needed by {}", limited(&copy.needed_by));
            }
        }
    }
}

fn render_clashes(out: &mut String, report: &EnvironmentReport) {
    if report.symbol_clashes.is_empty() {
        let _ = writeln!(out, "Symbol clashes: none");
        return;
    }
    let _ = writeln!(
        out,
        "Symbol clashes ({} pairs of loaded libraries export the same names; never preload them RTLD_GLOBAL):",
        report.symbol_clashes.len()
    );
    for clash in &report.symbol_clashes {
        let _ = writeln!(
            out,
            "  {} symbols: {}  <->  {}",
            clash.count,
            describe_copy(&clash.left),
            describe_copy(&clash.right)
        );
        let more = clash.count.saturating_sub(clash.sample.len());
        let suffix = if more > 0 {
            format!(", ... ({more} more)")
        } else {
            String::new()
        };
        let _ = writeln!(out, "    {}{suffix}", clash.sample.join(", "));
    }
}

fn describe_copy(copy: &LibraryCopy) -> String {
    format!(
        "{}: {} ({})",
        copy.distribution,
        copy.entry,
        human_size(copy.size)
    )
}

fn limited(items: &[String]) -> String {
    let shown: Vec<&str> = items.iter().take(LIST_LIMIT).map(String::as_str).collect();
    match items.len().saturating_sub(LIST_LIMIT) {
        0 => shown.join(", "),
        more => format!("{} and {more} more", shown.join(", ")),
    }
}
