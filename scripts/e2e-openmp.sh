#!/usr/bin/env bash
# Slow end-to-end check of the shared OpenMP runtime (issue 5's bar), not part of the fast suite.
# MODE says which OpenBLAS numpy and scipy get:
#   one   (default) recipes/openblas-dual-abi.toml: one library with both interfaces (ILP64 for
#         numpy, LP64 for scipy) on the OpenMP wheel, two OpenBLAS builds (about 25 minutes on
#         2 cores the first time, cached after);
#   two   recipes/openblas.toml variants ilp64-openmp (numpy) and lp64-openmp (scipy): two
#         OpenBLAS libraries, both on the OpenMP wheel;
#   stock numpy on ilp64-openmp, scipy as published (its vendored pthreads OpenBLAS,
#         libgfortran and libquadmath).
# The dependencies are built first: the OpenMP runtime (recipes/openmp.toml, gcc's libgomp),
# libgfortran and libquadmath (collected). Then:
#   - `nativelib show` of the OpenBLAS wheel(s) with their dependency wheels: nothing unresolved;
#   - links numpy 2.1.3 against the ILP64 OpenBLAS, scikit-learn 1.5.2 against the OpenMP wheel
#     (its vendored libgomp removed) and, except in stock mode, scipy 1.14.1 against the LP64
#     OpenBLAS and then against the libgfortran wheel, so that nothing vendored is left;
#   - installs everything with pip into one fresh virtualenv and prints threadpoolctl's view;
#     asserts exactly one OpenMP runtime, the wheel's libgomp, and the OpenBLAS libraries the
#     mode promises, each with threading layer "openmp" (in mode one: exactly one OpenBLAS);
#   - runs `python -m pytest --pyargs numpy.linalg sklearn.cluster sklearn.decomposition`
#     (plus scipy.linalg except in stock mode).
#
# Usage: [MODE=one|two|stock] scripts/e2e-openmp.sh [WORKDIR]   (default: a fresh temporary directory)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cargo build --release --quiet
nativelib="$PWD/target/release/nativelib"
fixtures="$(python3 scripts/fetch-fixtures.py --print-dir)"
work="${1:-$(mktemp -d)}"
mode="${MODE:-one}"
case "$mode" in one|two|stock) ;; *) echo "MODE must be one, two or stock" >&2; exit 2 ;; esac
mkdir -p "$work"
echo "e2e-openmp: working in $work (mode: $mode)"
wheelhouse="$work/wheelhouse"

echo "== build"
if [ "$mode" = one ]; then
    time "$nativelib" build recipes/openblas-dual-abi.toml -w "$wheelhouse"
    openblas64=("$wheelhouse"/nativelib_openblas_openmp-*.whl)
    openblas32=("${openblas64[@]}")
else
    time "$nativelib" build recipes/openblas.toml --variant ilp64-openmp -w "$wheelhouse"
    openblas64=("$wheelhouse"/nativelib_openblas64_openmp-*.whl)
    if [ "$mode" = two ]; then
        time "$nativelib" build recipes/openblas.toml --variant lp64-openmp -w "$wheelhouse"
        openblas32=("$wheelhouse"/nativelib_openblas32_openmp-*.whl)
    fi
fi
openmp=("$wheelhouse"/nativelib_openmp-*.whl)
dependencies=("${openmp[0]}" "$wheelhouse"/nativelib_gfortran-*.whl "$wheelhouse"/nativelib_quadmath-*.whl)
providers=("${openblas64[0]}" "${dependencies[@]}")
[ "$mode" = two ] && providers+=("${openblas32[0]}")

echo "== show: the OpenMP OpenBLAS with the wheels it depends on"
"$nativelib" show "${providers[@]}" | grep -E "^[a-z]|requires|platform|Unresolved|Duplicate|RUNPATH|-> " | head -60
python3 - "$nativelib" "${providers[@]}" <<'PY'
import json, subprocess, sys
report = json.loads(subprocess.run([sys.argv[1], "show", "--json", *sys.argv[2:]],
                                   check=True, capture_output=True, text=True).stdout)
for wheel in report["wheels"]:
    assert not wheel["unresolved"], (wheel["name"], wheel["unresolved"])
# In mode two the ILP64 and the LP64 OpenBLAS are two builds by design (numpy's and scipy's
# interfaces); every other runtime (libgomp above all) must be there once.
duplicates = [d for d in report["duplicate_runtimes"] if d["runtime"] != "OpenBLAS"]
assert not duplicates, duplicates
openblas = report["wheels"][0]
needed = [dependency["name"] for dependency in openblas["binaries"][0]["dependencies"]]
assert "libgomp-nativelib.so.1" in needed and "libgfortran-nativelib.so.5" in needed, needed
assert any(r.startswith("nativelib-openmp") for r in openblas["requires_dist"]), openblas
print("show: nothing unresolved; the OpenBLAS needs", ", ".join(needed))
PY

echo "== link"
rm -rf "$work/linked" "$work/scipy-step" "$work/venv"
time "$nativelib" link "$fixtures"/numpy-2.1.3-*.whl --against "${openblas64[0]}" -w "$work/linked"
time "$nativelib" link "$fixtures"/scikit_learn-1.5.2-*.whl --against "${openmp[0]}" -w "$work/linked"
scipy_wheel=("$fixtures"/scipy-1.14.1-*.whl)
if [ "$mode" != stock ]; then
    # Twice: against the LP64 OpenBLAS, then the result against the libgfortran wheel, which
    # replaces the libgfortran scipy's own Fortran extensions keep (and its libquadmath).
    time "$nativelib" link "${scipy_wheel[0]}" --against "${openblas32[0]}" -w "$work/scipy-step"
    time "$nativelib" link "$work"/scipy-step/scipy-*.whl --against "$wheelhouse"/nativelib_gfortran-*.whl -w "$work/linked"
    scipy_wheel=("$work"/linked/scipy-*.whl)
fi
ls -l "$work"/linked/*.whl
# Every linked wheel is tagged at least as high as the wheels it now requires (libgomp and
# libgfortran from Debian 12's toolchain: manylinux_2_34).
for wheel in "$work"/linked/*.whl; do
    case "$wheel" in *manylinux_2_34_*|*manylinux_2_3[5-9]_*) ;; *) echo "tag below the providers' floor: $wheel" >&2; exit 1 ;; esac
done

python3 -m venv "$work/venv"
"$work/venv/bin/pip" install --quiet --no-deps "$work"/linked/numpy-*.whl "$work"/linked/scikit_learn-*.whl \
    "${scipy_wheel[0]}" "${providers[@]}"
"$work/venv/bin/pip" install --quiet pytest hypothesis threadpoolctl joblib pooch pandas
"$work/venv/bin/pip" check

echo "== threadpoolctl"
(cd "$work" && MODE="$mode" "$work/venv/bin/python" - <<'PY'
import os
import numpy, scipy.linalg, sklearn.cluster, threadpoolctl
infos = threadpoolctl.threadpool_info()
for info in infos:
    print(f'{info["user_api"]:<7} {info["internal_api"]:<9} {info.get("threading_layer", "-"):<9} '
          f'{info["num_threads"]} threads  {info["filepath"]}')
openmp = [info for info in infos if info["user_api"] == "openmp"]
blas = [info for info in infos if info["user_api"] == "blas"]
assert len(openmp) == 1, openmp
assert openmp[0]["filepath"].endswith("nativelib_openmp/lib/libgomp-nativelib.so.1"), openmp
maps = open("/proc/self/maps").read()
assert "libgomp" not in maps.replace("libgomp-nativelib.so.1", ""), "another libgomp is loaded"
assert "numpy.libs" not in maps and "scikit_learn.libs" not in maps, "a vendored library is loaded"
assert all(i["threading_layer"] == "openmp" for i in blas if "/nativelib_openblas" in i["filepath"]), blas
mode = os.environ["MODE"]
if mode == "one":
    assert len(blas) == 1 and "nativelib_openblas_openmp/lib/" in blas[0]["filepath"], blas
elif mode == "two":
    assert len(blas) == 2, blas
    assert {i["filepath"].split("/")[-3] for i in blas} == {
        "nativelib_openblas64_openmp", "nativelib_openblas32_openmp"}, blas
else:
    assert len(blas) == 2, blas
    others = [i for i in blas if "scipy.libs/" in i["filepath"]]
    assert len(others) == 1, blas
    print(f"scipy's vendored OpenBLAS ({others[0]['threading_layer']}) beside numpy's")
if mode != "stock":
    assert ".libs/" not in maps, "a vendored library is loaded"
    gfortran = {line.split()[-1] for line in maps.splitlines() if "libgfortran" in line}
    assert len(gfortran) == 1, gfortran
print(f"threadpoolctl: one OpenMP runtime (the wheel's libgomp); {len(blas)} OpenBLAS")
PY
)

tests=(numpy.linalg sklearn.cluster sklearn.decomposition)
[ "$mode" != stock ] && tests+=(scipy.linalg)
echo "== pytest --pyargs ${tests[*]}"
(cd "$work" && time "$work/venv/bin/python" -m pytest --pyargs "${tests[@]}" -q -p no:cacheprovider)
echo "e2e-openmp: passed"
