#!/usr/bin/env bash
# Slow end-to-end check of `nativelib link` on the real wheels (issue 3's bar), not part of the
# fast suite: numpy 2.1.3 linked against scipy-openblas64 0.3.34.481.3 and scipy 1.14.1 linked
# against scipy-openblas32 0.3.27.44.6, all four installed with pip into one fresh virtualenv;
# then `pytest --pyargs numpy.linalg scipy.linalg`, and threadpoolctl must list exactly the two
# providers' OpenBLAS libraries and nothing from numpy.libs or scipy.libs.
#
# Usage: scripts/e2e.sh [WORKDIR]     (default: a fresh temporary directory)
source "$(dirname "$0")/e2e-common.sh"
echo "e2e: working in $work"

numpy=("$fixtures"/numpy-2.1.3-*.whl)
scipy=("$fixtures"/scipy-1.14.1-*.whl)
openblas32=("$fixtures"/scipy_openblas32-0.3.27.44.6-*.whl)
openblas64=("$fixtures"/scipy_openblas64-0.3.34.481.3-*.whl)

rm -rf "$work/linked" "$work/venv"
time "$nativelib" link "${numpy[0]}" --against "${openblas64[0]}" -w "$work/linked"
# scipy-openblas32 0.3.27.44.6 ships a RECORD row that does not match its libgfortran.
time "$nativelib" link "${scipy[0]}" --against "${openblas32[0]}" --allow-record-mismatch -w "$work/linked"
ls -l "${numpy[0]}" "${scipy[0]}" "$work"/linked/*.whl

echo "== show: the rewritten wheels with their providers"
"$nativelib" show --allow-record-mismatch "$work"/linked/*.whl "${openblas32[0]}" "${openblas64[0]}" \
    | grep -E "^[a-z]|platform|Unresolved|Orphaned|Duplicate|Symbol clashes|^  [A-Za-z]"

python3 -m venv "$work/venv"
"$work/venv/bin/pip" install --quiet --no-deps "$work"/linked/*.whl "${openblas32[0]}" "${openblas64[0]}"
"$work/venv/bin/pip" install --quiet pytest hypothesis threadpoolctl pooch

echo "== threadpoolctl"
(cd "$work" && "$work/venv/bin/python" - <<'PY'
import numpy, scipy.linalg, threadpoolctl
libraries = [info["filepath"] for info in threadpoolctl.threadpool_info()]
print("\n".join(libraries))
assert len(libraries) == 2, libraries
assert any("scipy_openblas64/lib/" in path for path in libraries), libraries
assert any("scipy_openblas32/lib/" in path for path in libraries), libraries
assert not any(".libs/" in path for path in libraries), libraries
maps = open("/proc/self/maps").read()
assert "numpy.libs" not in maps, "a vendored numpy library is loaded"
assert "libscipy_openblas-c128ec02" not in maps, "scipy's vendored OpenBLAS is loaded"
print("threadpoolctl: exactly the two providers' OpenBLAS")
PY
)
echo "== pytest --pyargs numpy.linalg scipy.linalg"
(cd "$work" && time "$work/venv/bin/python" -m pytest --pyargs numpy.linalg scipy.linalg -q -p no:cacheprovider)
echo "e2e: passed"
