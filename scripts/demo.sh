#!/usr/bin/env bash
# The main job on real wheels: explain numpy 2.1.3 and scipy 1.14.1 (what they vendor, who needs
# it, the platform tag), then the four pinned wheels as one environment (duplicate runtimes and
# symbol clashes). Installs what it needs first (scripts/setup.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cargo build --release --quiet
fixtures="$(python3 scripts/fetch-fixtures.py --print-dir)"
nativelib=target/release/nativelib
numpy=("$fixtures"/numpy-2.1.3-*.whl)
scipy=("$fixtures"/scipy-1.14.1-*.whl)
openblas32=("$fixtures"/scipy_openblas32-*.whl)
openblas64=("$fixtures"/scipy_openblas64-*.whl)

echo "== nativelib show numpy"
"$nativelib" show "${numpy[0]}"
echo
echo "== nativelib show scipy"
"$nativelib" show "${scipy[0]}"
echo
echo "== nativelib show numpy scipy scipy-openblas32 scipy-openblas64 (one environment)"
"$nativelib" show "${numpy[0]}" "${scipy[0]}" "${openblas32[0]}" "${openblas64[0]}" \
    | sed -n '/^Duplicate runtimes/,$p'
