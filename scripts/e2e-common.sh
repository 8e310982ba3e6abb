# Sourced by the end-to-end checks (scripts/e2e*.sh), with their arguments: installs what they
# need (scripts/setup.sh), builds the release binary, and sets `nativelib` (its path),
# `fixtures` (the pinned PyPI wheels) and `work` (the first argument, else a fresh temporary
# directory; created). Leaves the shell in the repository's root.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/setup.sh
cargo build --release --quiet
nativelib="$PWD/target/release/nativelib"
fixtures="$(python3 scripts/fetch-fixtures.py --print-dir)"
work="${1:-$(mktemp -d)}"
mkdir -p "$work"
