#!/usr/bin/env bash
# Slow end-to-end check of `nativelib build` on a real OpenBLAS (issue 4's bar), not part of the
# fast suite. It builds OpenBLAS 0.3.31 (the cmeel-openblas sdist from PyPI, sha256-pinned in
# recipes/openblas.toml) as two library wheels — ILP64 and LP64, pthreads, gfortran LAPACK,
# TARGET=HASWELL, about 13-16 minutes each on 2 cores, cached after the first time; their
# libgfortran and libquadmath come as library wheels of their own — then:
#   - twine check and `auditwheel show` (independent checkers) on both wheels;
#   - numpy 2.1.3 linked against the ILP64 wheel and scipy 1.14.1 against the LP64 wheel, all four
#     installed with pip into one fresh virtualenv; `pytest --pyargs numpy.linalg scipy.linalg`;
#     threadpoolctl must list exactly this OpenBLAS, twice (ILP64 and LP64), and no vendored
#     OpenBLAS may be loaded (scipy's own libgfortran stays: its Fortran extensions need it);
#   - a C program calling cblas_dgemm (as `scipy_cblas_dgemm`, the name the wheel's cblas.h
#     declares for its `scipy_` namespace), compiled with `pkg-config --cflags --libs` through the
#     installed wheel's .pc file, runs and prints the right product.
# Build times are printed by `nativelib build` (and kept in its JSON report).
#
# Usage: scripts/e2e-build.sh [WORKDIR]     (default: a fresh temporary directory)
source "$(dirname "$0")/e2e-common.sh"
echo "e2e-build: working in $work"
wheelhouse="$work/wheelhouse"

for variant in ilp64 lp64; do
    time "$nativelib" build recipes/openblas.toml --variant "$variant" -w "$wheelhouse"
done
ilp64=("$wheelhouse"/nativelib_openblas64-*.whl)
lp64=("$wheelhouse"/nativelib_openblas32-*.whl)

echo "== independent checkers"
checkers="$work/checkers"
[ -x "$checkers/bin/twine" ] || { python3 -m venv "$checkers" && "$checkers/bin/pip" install --quiet twine auditwheel==6.8.2; }
"$checkers/bin/twine" check --strict "${ilp64[0]}" "${lp64[0]}"
for wheel in "${ilp64[0]}" "${lp64[0]}"; do
    declared="$(basename "$wheel" .whl | cut -d- -f5)"
    audited="$("$checkers/bin/auditwheel" show "$wheel" 2>&1 | tr -d '\n' | grep -o 'manylinux_2_[0-9]*_x86_64' | head -1)"
    echo "$(basename "$wheel"): declared $declared, auditwheel says $audited"
    [ "${declared%%.*}" = "$audited" ] || { echo "platform tag disagrees with auditwheel" >&2; exit 1; }
done

echo "== link"
rm -rf "$work/linked" "$work/venv"
"$nativelib" link "$fixtures"/numpy-2.1.3-*.whl --against nativelib-openblas64 --find-links "$wheelhouse" -w "$work/linked"
"$nativelib" link "$fixtures"/scipy-1.14.1-*.whl --against nativelib-openblas32 --find-links "$wheelhouse" -w "$work/linked"

python3 -m venv "$work/venv"
# Offline from the wheelhouse: the linked wheels' Requires-Dist pull in the OpenBLAS wheels, and
# theirs the libgfortran and libquadmath wheels.
"$work/venv/bin/pip" install --quiet --no-index --find-links "$wheelhouse" "$work"/linked/*.whl
"$work/venv/bin/pip" list 2>/dev/null | grep -i -E "^(numpy|scipy|nativelib)"
"$work/venv/bin/pip" install --quiet pytest hypothesis threadpoolctl pooch

echo "== threadpoolctl"
(cd "$work" && "$work/venv/bin/python" - <<'PY'
import numpy, scipy.linalg, threadpoolctl
infos = threadpoolctl.threadpool_info()
for info in infos:
    print(info["filepath"], info["internal_api"], info["version"], info["threading_layer"])
paths = [info["filepath"] for info in infos]
assert len(paths) == 2, paths
assert any("nativelib_openblas64/lib/libopenblas64_nativelib.so.0" in p for p in paths), paths
assert any("nativelib_openblas32/lib/libopenblas32_nativelib.so.0" in p for p in paths), paths
assert all(info["version"] == "0.3.31" for info in infos), infos
maps = open("/proc/self/maps").read()
assert "numpy.libs" not in maps, "a library vendored by numpy is loaded"
assert "libscipy_openblas" not in maps, "a vendored OpenBLAS is loaded"
print("threadpoolctl: exactly the two nativelib OpenBLAS builds")
PY
)

echo "== pkg-config and cblas_dgemm"
site="$("$work/venv/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
pc_dir="$site/nativelib_openblas32/lib/pkgconfig"
cat > "$work/dgemm.c" <<'C'
#include <stdio.h>
#include <cblas.h>
int main(void) {
    double a[4] = {1, 2, 3, 4}, b[4] = {5, 6, 7, 8}, c[4] = {0};
    /* The LP64 wheel exports its CBLAS under the namespace numpy and scipy bind to (prefix
       `scipy_`), and its cblas.h declares cblas_dgemm by that name. */
    scipy_cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, 2, 2, 2, 1.0, a, 2, b, 2, 0.0, c, 2);
    printf("%g %g %g %g\n", c[0], c[1], c[2], c[3]);
    return !(c[0] == 19 && c[1] == 22 && c[2] == 43 && c[3] == 50);
}
C
flags="$(PKG_CONFIG_PATH="$pc_dir" pkg-config --cflags --libs nativelib-openblas32)"
echo "pkg-config: $flags"
# shellcheck disable=SC2086
cc "$work/dgemm.c" -o "$work/dgemm" $flags -Wl,-rpath,"$site/nativelib_openblas32/lib"
"$work/dgemm"

echo "== pytest --pyargs numpy.linalg scipy.linalg"
(cd "$work" && time "$work/venv/bin/python" -m pytest --pyargs numpy.linalg scipy.linalg -q -p no:cacheprovider)
echo "e2e-build: passed"
