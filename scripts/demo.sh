#!/usr/bin/env bash
# The main job on real wheels, in a few seconds (installs what it needs first: scripts/setup.sh):
#   1. `nativelib show` explains numpy 2.1.3 and scipy 1.14.1 (what they vendor, who needs it,
#      the platform tag), then the pinned wheels as one environment (duplicate runtimes, clashes);
#   2. `nativelib build` builds the example C library's recipe into a library wheel;
#   3. `nativelib link` rewrites numpy to load scipy-openblas64 instead of its vendored OpenBLAS,
#      and `show` checks the result with its provider;
#   4. both numpy wheels, as published and linked, are pip-installed into two virtual
#      environments with scipy, and `show` explains each environment as a whole.
# Building a real OpenBLAS takes ~16 minutes: see scripts/e2e-build.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cargo build --release --quiet
fixtures="$(python3 scripts/fetch-fixtures.py --print-dir)"
nativelib=target/release/nativelib
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
numpy=("$fixtures"/numpy-2.1.3-*.whl)
scipy=("$fixtures"/scipy-1.14.1-*.whl)
openblas32=("$fixtures"/scipy_openblas32-*.whl)
openblas64=("$fixtures"/scipy_openblas64-*.whl)

echo "== nativelib show numpy"
"$nativelib" show "${numpy[0]}"
echo
echo "== nativelib show scipy (first lines)"
"$nativelib" show "${scipy[0]}" | sed -n '1,30p'
echo
echo "== nativelib show numpy scipy scipy-openblas32 scipy-openblas64 (one environment)"
"$nativelib" show --allow-record-mismatch "${numpy[0]}" "${scipy[0]}" "${openblas32[0]}" "${openblas64[0]}" \
    | sed -n '/^Duplicate runtimes/,$p' | cut -c1-160
echo
echo "== nativelib build examples/vecmath/recipe.toml"
"$nativelib" build examples/vecmath/recipe.toml -w "$work/wheelhouse"
echo
echo "== nativelib link numpy --against scipy-openblas64"
"$nativelib" link "${numpy[0]}" --against "${openblas64[0]}" -w "$work/linked"
echo
echo "== nativelib show (the linked numpy with its provider)"
"$nativelib" show "$work"/linked/numpy-*.whl "${openblas64[0]}" | grep -E "^[a-zA-Z]|platform|requires|Unresolved|Orphaned"
echo
echo "== nativelib show VENV (installed: as published, then with the linked numpy and its provider)"
for variant in published linked; do
    python3 -m venv --without-pip "$work/$variant"
    if [ "$variant" = published ]; then wheels=("${numpy[0]}"); else wheels=("$work"/linked/numpy-*.whl "${openblas64[0]}"); fi
    python3 -m pip install --quiet --root-user-action=ignore --no-deps --no-index \
        --prefix "$work/$variant" "${wheels[@]}" "${scipy[0]}"
    echo "-- $variant"
    "$nativelib" show "$work/$variant" | sed -n '/^Duplicate runtimes/,$p' | grep -E "^[A-Z]|^  [^ ]" | cut -c1-160
done
