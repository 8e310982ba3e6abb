//! Where a wheel's entries land once installed: a virtual environment in which relative search
//! paths (`$ORIGIN/../../scipy_openblas64/lib`) can be followed between files and between wheels.

/// The virtual environment prefix every wheel is installed into.
pub const PREFIX: &str = "/venv";
/// The virtual site-packages directory: three levels below the prefix, as on a real install
/// (`<prefix>/lib/pythonX.Y/site-packages`), so `$ORIGIN/../../../..` paths into the prefix resolve.
pub const SITE_PACKAGES: &str = "/venv/lib/python3/site-packages";

/// The installed path of a wheel entry, or `None` when the entry is not installed as a file
/// that can be loaded (headers and scripts still get a path: they are files too).
pub fn install_path(entry: &str, data_dir: &str) -> String {
    let Some(rest) = entry
        .strip_prefix(data_dir)
        .and_then(|rest| rest.strip_prefix('/'))
    else {
        return format!("{SITE_PACKAGES}/{entry}");
    };
    let (scheme, path) = rest.split_once('/').unwrap_or((rest, ""));
    match scheme {
        "purelib" | "platlib" => format!("{SITE_PACKAGES}/{path}"),
        "headers" => format!("{PREFIX}/include/{path}"),
        "scripts" => format!("{PREFIX}/bin/{path}"),
        _ => format!("{PREFIX}/{path}"),
    }
}

/// The directory part of an absolute path.
pub fn parent(path: &str) -> &str {
    match path.rfind('/') {
        Some(0) => "/",
        Some(index) => &path[..index],
        None => "",
    }
}

/// Expands `$ORIGIN` / `${ORIGIN}` in one search path entry and normalizes the result lexically.
/// Entries that do not start from `$ORIGIN` are system paths and give `None`.
pub fn expand_origin(entry: &str, origin: &str) -> Option<String> {
    let rest = entry
        .strip_prefix("$ORIGIN")
        .or_else(|| entry.strip_prefix("${ORIGIN}"))?;
    Some(normalize(&format!("{origin}{rest}")))
}

/// Normalizes `.` and `..` components of an absolute path.
pub fn normalize(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            other => parts.push(other),
        }
    }
    format!("/{}", parts.join("/"))
}

/// The path of `target` relative to the directory `from`, for writing `$ORIGIN/<relative>`.
pub fn relative_path(from: &str, target: &str) -> String {
    let from_parts: Vec<&str> = from.split('/').filter(|part| !part.is_empty()).collect();
    let target_parts: Vec<&str> = target.split('/').filter(|part| !part.is_empty()).collect();
    let common = from_parts
        .iter()
        .zip(&target_parts)
        .take_while(|(a, b)| a == b)
        .count();
    let ups = std::iter::repeat_n("..", from_parts.len() - common);
    let downs = target_parts[common..].iter().copied();
    let joined: Vec<&str> = ups.chain(downs).collect();
    if joined.is_empty() {
        ".".to_string()
    } else {
        joined.join("/")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_map_to_site_packages_or_prefix() {
        let data = "scipy_openblas64-0.3.data";
        assert_eq!(
            install_path("numpy/core/x.so", data),
            "/venv/lib/python3/site-packages/numpy/core/x.so"
        );
        assert_eq!(
            install_path("scipy_openblas64-0.3.data/data/lib/libx.so", data),
            "/venv/lib/libx.so"
        );
        assert_eq!(
            install_path("scipy_openblas64-0.3.data/platlib/pkg/a.so", data),
            "/venv/lib/python3/site-packages/pkg/a.so"
        );
    }

    #[test]
    fn origin_expands_and_normalizes() {
        let origin = "/venv/lib/python3/site-packages/numpy/linalg";
        assert_eq!(
            expand_origin("$ORIGIN/../../numpy.libs", origin).as_deref(),
            Some("/venv/lib/python3/site-packages/numpy.libs")
        );
        assert_eq!(expand_origin("${ORIGIN}", origin).as_deref(), Some(origin));
        assert_eq!(expand_origin("/usr/lib", origin), None);
        assert_eq!(
            expand_origin("$ORIGIN/../../../..", "/venv/lib/python3/site-packages/pkg").as_deref(),
            Some("/venv")
        );
    }

    #[test]
    fn relative_paths_walk_up_then_down() {
        assert_eq!(
            relative_path("/s/numpy/linalg", "/s/scipy_openblas64/lib"),
            "../../scipy_openblas64/lib"
        );
        assert_eq!(relative_path("/s/pkg", "/s/pkg"), ".");
        assert_eq!(relative_path("/s/pkg", "/s/pkg/lib"), "lib");
    }
}
