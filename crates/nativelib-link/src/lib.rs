//! Rewrite dependent wheels (numpy, scipy, scikit-learn) to load a shared library wheel instead
//! of their vendored copies: match vendored libraries to the provider's, check the ABI, plan the
//! DT_NEEDED and search path rewrites and the removals, verify the planned result resolves, then
//! write the new wheel.

mod abi;
mod error;
mod matching;
mod plan;
mod preloader;
mod provider;
mod write;

pub use error::Error;
pub use matching::{ReplaceArgument, Replacement};
pub use plan::{plan_link, BinaryRewrite, LinkPlan, ProviderSummary, RemovedLibrary};
pub use preloader::{PreloaderHook, PreloaderPlan};
pub use provider::{find_provider, Provider};
pub use write::write_link;
