//! The command line: what each command takes, and the help text that teaches it.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// Ship native libraries (OpenBLAS, libgfortran, OpenMP) once, as their own wheels, and relink
/// scientific Python wheels to load them instead of their vendored copies.
#[derive(Debug, Parser)]
#[command(name = "nativelib", version, propagate_version = true)]
#[command(
    after_help = "Exit status: 0 success, 1 refused (e.g. an ABI mismatch), 2 bad input or usage."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Explain wheels, libraries and environments: dependencies, vendored copies, platform tags.
    ///
    /// For each input: what each binary needs and how glibc would resolve it (RPATH vs RUNPATH,
    /// inherited along the loader chain), what is vendored and who needs it, orphans, and the
    /// platform tag the binaries satisfy and what constrains it. Several inputs are one
    /// environment: dependencies resolve across them, and duplicate runtimes and exported-symbol
    /// clashes between libraries loaded into one process are reported.
    #[command(after_help = "\
Examples:
  nativelib show numpy-2.1.3-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl
  nativelib show numpy-*.whl scipy-*.whl scipy_openblas32-*.whl   # one environment
  nativelib show libopenblas.so --json | jq .wheels[0].binaries
  nativelib show .venv                 # every installed distribution with native code in it

Every RECORD hash is verified while reading; a corrupt wheel, or an installed library changed
after installation, is an error (exit status 2).")]
    Show(ShowArgs),

    /// Rewrite wheels to load a shared library wheel instead of their vendored copies.
    ///
    /// DT_NEEDED and RPATH/RUNPATH are rewritten (the kind kept), the vendored copies and whatever
    /// only they needed are removed, `Requires-Dist` on the provider is added with a preloader
    /// that loads it RTLD_LOCAL, and RECORD and tags are made right. The input wheels are never
    /// modified.
    #[command(after_help = "\
Examples:
  nativelib link numpy-2.1.3-*.whl --against scipy_openblas64-0.3.34.481.3-*.whl -w dist/
  nativelib link scipy-1.14.1-*.whl --against openblas32 --find-links wheelhouse/
  nativelib link scikit_learn-*.whl --against openmp
  nativelib link my-*.whl --against vecmath --replace libvecmath-1a2b3c4d.so.1=libvecmath.so.1
  nativelib link numpy-*.whl --against openblas64 --dry-run

Vendored libraries are matched to the provider's by name with auditwheel's -<8 hex> hash
removed (libscipy_openblas64_-ff651d7f.so is libscipy_openblas64_.so), or as --replace says.
Every symbol the wheel imports from a vendored library must be exported by the provider's,
with the same symbol version, or nothing is written (exit status 1).")]
    Link(LinkArgs),

    /// Build (or collect) a native library from a recipe and write it as a library wheel
    /// (py3-none-<platform>): the source fetched and its sha256 checked, the build run in a
    /// temporary tree with its log kept, the library given the recipe's SONAME and $ORIGIN
    /// search paths, its exported symbols and platform tag audited, and the wheel written with
    /// a loader package, headers, pkg-config and CMake files, licenses and nativelib.json.
    /// Recipes it depends on are built first.
    #[command(after_help = "\
Examples:
  nativelib build recipes/openblas.toml --variant ilp64 -w wheelhouse/
  nativelib build examples/vecmath/recipe.toml
  nativelib build recipes/openmp.toml --json

Recipes are documented in docs/recipes.md. Builds are cached under ~/.cache/nativelib/builds
(or $NATIVELIB_CACHE_DIR), keyed by the recipe, variant, source sha256 and compiler version: an
unchanged rebuild rewrites the same wheel from the cache. Build logs are kept in
~/.cache/nativelib/logs. Wheels are byte-for-byte reproducible (timestamps from
SOURCE_DATE_EPOCH, else 1980-01-01). On any error nothing is written (exit status 2). Ctrl-C,
SIGTERM or SIGHUP stops the build's commands (make and everything it started), removes its
temporary files and exits with status 130.")]
    Build(BuildArgs),
}

#[derive(Debug, Args)]
pub struct BuildArgs {
    /// The recipe file, e.g. recipes/openblas.toml.
    #[arg(value_name = "RECIPE")]
    pub recipe: PathBuf,

    /// The variant to build (default: the recipe's first).
    #[arg(long, value_name = "NAME")]
    pub variant: Option<String>,

    /// Where to write the wheels (created if missing).
    #[arg(
        short = 'w',
        long = "wheel-dir",
        value_name = "DIR",
        default_value = "wheelhouse"
    )]
    pub wheel_dir: PathBuf,

    /// How many build jobs to run in parallel (default: the recipe's `jobs`).
    #[arg(long, value_name = "N")]
    pub jobs: Option<std::num::NonZeroUsize>,

    /// Build again even if the build cache has this build (the cache is refreshed).
    #[arg(long)]
    pub no_cache: bool,

    /// Print JSON (the wheels written, their libraries, audit and timings) instead of text.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct LinkArgs {
    /// The wheels to rewrite.
    #[arg(required = true, value_name = "WHEEL")]
    pub wheels: Vec<PathBuf>,

    /// The library wheel to load instead: a `.whl` path, or a distribution name (or a unique
    /// part of one, e.g. `openblas64`) looked up in --find-links.
    #[arg(long, value_name = "PROVIDER")]
    pub against: String,

    /// Where to look up a provider given by name.
    #[arg(long, value_name = "DIR", default_value = "wheelhouse")]
    pub find_links: PathBuf,

    /// Where to write the rewritten wheels (created if missing).
    #[arg(
        short = 'w',
        long = "wheel-dir",
        value_name = "OUTDIR",
        default_value = "wheelhouse"
    )]
    pub wheel_dir: PathBuf,

    /// Pair a vendored library with a provided one explicitly (repeatable). VENDORED is an
    /// entry, file name or SONAME in the wheel; PROVIDED a file name or SONAME in the provider.
    #[arg(long, value_name = "VENDORED=PROVIDED")]
    pub replace: Vec<String>,

    /// Print the plan (what is replaced, rewritten, removed, added, the new tags) and write
    /// nothing.
    #[arg(long)]
    pub dry_run: bool,

    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,

    #[command(flatten)]
    pub record: RecordArgs,
}

/// How strictly RECORD is checked.
#[derive(Debug, Args)]
pub struct RecordArgs {
    /// Report RECORD hash or size mismatches as warnings instead of failing. Some wheels on
    /// PyPI have them (scipy-openblas32 0.3.27.44.6 patched its libgfortran after writing
    /// RECORD); pip does not check RECORD, so they still install.
    #[arg(long)]
    pub allow_record_mismatch: bool,
}

impl RecordArgs {
    /// The check these flags ask for.
    pub fn check(&self) -> nativelib_audit::RecordCheck {
        if self.allow_record_mismatch {
            nativelib_audit::RecordCheck::Report
        } else {
            nativelib_audit::RecordCheck::Strict
        }
    }
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// Wheels (`.whl`), shared libraries (`.so`) or installed environments (a virtual
    /// environment, a prefix, a site-packages or `pip install --target` directory: each installed
    /// distribution with native code is one input) to explain. Several inputs are shown as one
    /// environment: dependencies resolve across them.
    #[arg(required = true, value_name = "WHEEL|LIBRARY|ENVIRONMENT")]
    pub inputs: Vec<PathBuf>,

    /// Print JSON (schema: docs/show-json.md) instead of text.
    #[arg(long)]
    pub json: bool,

    /// List every binary's dependencies, also those that need only system libraries.
    #[arg(long, short)]
    pub verbose: bool,

    #[command(flatten)]
    pub record: RecordArgs,
}
