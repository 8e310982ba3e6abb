#!/usr/bin/env bash
# The fast test suite (what CI runs): formatting, lints, and every unit and integration test on
# real ELF files, the example wheels built from examples/ and the pinned PyPI wheels.
# Slow end-to-end cases (pip install + the numpy/scipy test suites) are in scripts/e2e.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export NATIVELIB_FIXTURES="$(python3 scripts/fetch-fixtures.py --print-dir)"
cargo fmt --all -- --check
cargo clippy --workspace --all-targets --quiet -- -D warnings
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
cargo test --workspace 2>&1 | tee "$log"
# One closing line for the whole run (cargo's last line is the doc-test runner's alone).
awk '/^test result:/ { passed += $4; failed += $6 } END { printf "tests: %d passed, %d failed\n", passed, failed }' "$log"
