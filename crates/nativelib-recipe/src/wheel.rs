//! `[wheel]`: the library wheel a recipe produces — names, version, layout and SONAME.

/// The library wheel a recipe (variant) produces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WheelSpec {
    /// The distribution name, such as `nativelib-openblas32`.
    pub distribution: String,
    /// The import package, such as `nativelib_openblas32`.
    pub package: String,
    /// The wheel's version (the library's unless the recipe says otherwise).
    pub version: String,
    /// Where the library goes inside the wheel.
    pub layout: Layout,
    /// The SONAME the packaged library is given, unique to this wheel, such as
    /// `libopenblas32_nativelib.so.0`.
    pub soname: String,
    /// Further names of libraries this one stands in for, beyond the names it was built or
    /// collected under, such as `libscipy_openblas.so`: `nativelib link` pairs a dependent's
    /// vendored library of one of these names with it.
    pub replaces: Vec<String>,
}

/// Where the library goes inside the wheel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Layout {
    /// Under the import package: `<package>/lib` (the default).
    #[default]
    Package,
    /// Under the environment's prefix: `<name>-<version>.data/data/lib`, installed to
    /// `<sys.prefix>/lib`.
    Prefix,
}

impl WheelSpec {
    /// The directory inside the wheel that holds the library: `nativelib_openblas32/lib` or
    /// `nativelib_openblas32-0.3.31.data/data/lib`.
    pub fn library_directory(&self) -> String {
        format!("{}/lib", self.root_directory())
    }

    /// The directory inside the wheel that holds the headers: `<package>/include` or
    /// `<name>-<version>.data/data/include`.
    pub fn include_directory(&self) -> String {
        format!("{}/include", self.root_directory())
    }

    fn root_directory(&self) -> String {
        match self.layout {
            Layout::Package => self.package.clone(),
            Layout::Prefix => format!(
                "{}-{}.data/data",
                nativelib_wheel::normalize_name(&self.distribution).replace('-', "_"),
                self.version
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directories_follow_the_layout() {
        let mut wheel = WheelSpec {
            distribution: "nativelib-openblas32".to_string(),
            package: "nativelib_openblas32".to_string(),
            version: "0.3.31".to_string(),
            layout: Layout::Package,
            soname: "libopenblas32_nativelib.so.0".to_string(),
            replaces: Vec::new(),
        };
        assert_eq!(wheel.library_directory(), "nativelib_openblas32/lib");
        assert_eq!(wheel.include_directory(), "nativelib_openblas32/include");
        wheel.layout = Layout::Prefix;
        assert_eq!(
            wheel.library_directory(),
            "nativelib_openblas32-0.3.31.data/data/lib"
        );
    }
}
