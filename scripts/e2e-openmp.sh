#!/usr/bin/env bash
# Slow end-to-end check of the shared OpenMP runtime (issue 5's bar), not part of the fast suite:
#   - builds (cached after the first time) the OpenMP OpenBLAS, recipes/openblas.toml variant
#     ilp64-openmp (about 16 minutes on 2 cores), which first builds its dependencies: the OpenMP
#     runtime (recipes/openmp.toml, gcc's libgomp), libgfortran and libquadmath (collected);
#     with SCIPY=openmp (the default) also the LP64 OpenMP variant lp64-openmp for scipy;
#   - `nativelib show` of the OpenBLAS wheel with its dependency wheels: nothing unresolved;
#   - links numpy 2.1.3 against the OpenMP OpenBLAS (ILP64), scikit-learn 1.5.2 against the
#     OpenMP wheel (its vendored libgomp removed) and, with SCIPY=openmp, scipy 1.14.1 against the
#     LP64 OpenMP OpenBLAS and then against the libgfortran wheel, so that nothing vendored is
#     left in any of the three (SCIPY=stock installs scipy as published, with its vendored
#     pthreads OpenBLAS, libgfortran and libquadmath);
#   - installs everything with pip into one fresh virtualenv and prints threadpoolctl's view;
#     asserts exactly one OpenMP runtime, the wheel's libgomp, and that numpy's OpenBLAS (and,
#     with SCIPY=openmp, scipy's) is the nativelib build with threading layer "openmp" (with
#     SCIPY=openmp: no vendored library loaded at all, one libgfortran);
#   - runs `python -m pytest --pyargs numpy.linalg sklearn.cluster sklearn.decomposition`
#     (plus scipy.linalg with SCIPY=openmp).
#
# Usage: [SCIPY=openmp|stock] scripts/e2e-openmp.sh [WORKDIR]   (default: a fresh temporary directory)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cargo build --release --quiet
nativelib="$PWD/target/release/nativelib"
fixtures="$(python3 scripts/fetch-fixtures.py --print-dir)"
work="${1:-$(mktemp -d)}"
scipy_mode="${SCIPY:-openmp}"
case "$scipy_mode" in openmp|stock) ;; *) echo "SCIPY must be openmp or stock" >&2; exit 2 ;; esac
mkdir -p "$work"
echo "e2e-openmp: working in $work (scipy: $scipy_mode)"
wheelhouse="$work/wheelhouse"

echo "== build"
time "$nativelib" build recipes/openblas.toml --variant ilp64-openmp -w "$wheelhouse"
if [ "$scipy_mode" = openmp ]; then
    time "$nativelib" build recipes/openblas.toml --variant lp64-openmp -w "$wheelhouse"
fi
openblas64=("$wheelhouse"/nativelib_openblas64_openmp-*.whl)
openmp=("$wheelhouse"/nativelib_openmp-*.whl)
dependencies=("${openmp[0]}" "$wheelhouse"/nativelib_gfortran-*.whl "$wheelhouse"/nativelib_quadmath-*.whl)
providers=("${openblas64[0]}" "${dependencies[@]}")
if [ "$scipy_mode" = openmp ]; then
    openblas32=("$wheelhouse"/nativelib_openblas32_openmp-*.whl)
    providers+=("${openblas32[0]}")
fi

echo "== show: the OpenMP OpenBLAS with the wheels it depends on"
"$nativelib" show "${providers[@]}" | grep -E "^[a-z]|requires|platform|Unresolved|Duplicate|RUNPATH|-> " | head -60
python3 - "$nativelib" "${providers[@]}" <<'PY'
import json, subprocess, sys
report = json.loads(subprocess.run([sys.argv[1], "show", "--json", *sys.argv[2:]],
                                   check=True, capture_output=True, text=True).stdout)
for wheel in report["wheels"]:
    assert not wheel["unresolved"], (wheel["name"], wheel["unresolved"])
# The ILP64 and the LP64 OpenBLAS are two builds by design (numpy's and scipy's interfaces);
# every other runtime (libgomp above all) must be there once.
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
if [ "$scipy_mode" = openmp ]; then
    # Twice: against the LP64 OpenMP OpenBLAS, then the result against the libgfortran wheel,
    # which replaces the libgfortran scipy's own Fortran extensions keep (and its libquadmath).
    time "$nativelib" link "${scipy_wheel[0]}" --against "${openblas32[0]}" -w "$work/scipy-step"
    time "$nativelib" link "$work"/scipy-step/scipy-*.whl --against "$wheelhouse"/nativelib_gfortran-*.whl -w "$work/linked"
    scipy_wheel=("$work"/linked/scipy-*.whl)
fi
ls -l "$work"/linked/*.whl

python3 -m venv "$work/venv"
"$work/venv/bin/pip" install --quiet --no-deps "$work"/linked/numpy-*.whl "$work"/linked/scikit_learn-*.whl \
    "${scipy_wheel[0]}" "${providers[@]}"
"$work/venv/bin/pip" install --quiet pytest hypothesis threadpoolctl joblib pooch pandas
"$work/venv/bin/pip" check

echo "== threadpoolctl"
(cd "$work" && SCIPY="$scipy_mode" "$work/venv/bin/python" - <<'PY'
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
numpy_blas = [i for i in blas if "nativelib_openblas64_openmp/lib/" in i["filepath"]]
assert len(numpy_blas) == 1 and numpy_blas[0]["threading_layer"] == "openmp", blas
maps = open("/proc/self/maps").read()
assert "libgomp" not in maps.replace("libgomp-nativelib.so.1", ""), "another libgomp is loaded"
assert "numpy.libs" not in maps and "scikit_learn.libs" not in maps, "a vendored library is loaded"
if os.environ["SCIPY"] == "openmp":
    assert len(blas) == 2, blas
    scipy_blas = [i for i in blas if "nativelib_openblas32_openmp/lib/" in i["filepath"]]
    assert len(scipy_blas) == 1 and scipy_blas[0]["threading_layer"] == "openmp", blas
    assert ".libs/" not in maps, "a vendored library is loaded"
    gfortran = {line.split()[-1] for line in maps.splitlines() if "libgfortran" in line}
    assert len(gfortran) == 1, gfortran
    print("threadpoolctl: one OpenMP runtime (the wheel's libgomp); both OpenBLAS on it")
else:
    others = [i for i in blas if i not in numpy_blas]
    assert len(others) == 1 and "scipy.libs/" in others[0]["filepath"], blas
    print("threadpoolctl: one OpenMP runtime (the wheel's libgomp); numpy's OpenBLAS on it; "
          f"scipy's vendored OpenBLAS ({others[0]['threading_layer']}) beside it")
PY
)

tests=(numpy.linalg sklearn.cluster sklearn.decomposition)
[ "$scipy_mode" = openmp ] && tests+=(scipy.linalg)
echo "== pytest --pyargs ${tests[*]}"
(cd "$work" && time "$work/venv/bin/python" -m pytest --pyargs "${tests[@]}" -q -p no:cacheprovider)
echo "e2e-openmp: passed"
