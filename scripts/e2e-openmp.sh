#!/usr/bin/env bash
# Slow end-to-end check of the shared OpenMP runtime (issue 5's bar), not part of the fast suite.
# MODE says which OpenBLAS numpy and scipy get:
#   one   (default) recipes/openblas-dual-abi.toml: one library with both interfaces (ILP64 for
#         numpy, LP64 for scipy) on the OpenMP wheel, two OpenBLAS builds (about 25 minutes on
#         2 cores the first time, cached after);
#   two   recipes/openblas.toml variants ilp64-openmp (numpy) and lp64-openmp (scipy): two
#         OpenBLAS libraries, both on the OpenMP wheel;
#   stock numpy on ilp64-openmp, scipy as published (its vendored pthreads OpenBLAS,
#         libgfortran and libquadmath);
#   llvm  numpy and scipy as published, scikit-learn on LLVM's libomp (recipes/openmp-llvm.toml,
#         paired with --replace): gcc-built OpenMP code on the other runtime.
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
source "$(dirname "$0")/e2e-common.sh"
mode="${MODE:-one}"
case "$mode" in one|two|stock|llvm) ;; *) echo "MODE must be one, two, stock or llvm" >&2; exit 2 ;; esac
echo "e2e-openmp: working in $work (mode: $mode)"
wheelhouse="$work/wheelhouse"

echo "== build"
case "$mode" in
    llvm)
        "$nativelib" build recipes/openmp-llvm.toml -w "$wheelhouse"
        openmp=("$wheelhouse"/nativelib_openmp_llvm-*.whl)
        providers=("${openmp[0]}") ;;
    one)
        time "$nativelib" build recipes/openblas-dual-abi.toml -w "$wheelhouse"
        openblas64=("$wheelhouse"/nativelib_openblas_openmp-*.whl)
        openblas32=("${openblas64[@]}") ;;
    *)
        time "$nativelib" build recipes/openblas.toml --variant ilp64-openmp -w "$wheelhouse"
        openblas64=("$wheelhouse"/nativelib_openblas64_openmp-*.whl)
        if [ "$mode" = two ]; then
            time "$nativelib" build recipes/openblas.toml --variant lp64-openmp -w "$wheelhouse"
            openblas32=("$wheelhouse"/nativelib_openblas32_openmp-*.whl)
        fi ;;
esac
if [ "$mode" != llvm ]; then
    openmp=("$wheelhouse"/nativelib_openmp-*.whl)
    providers=("${openblas64[0]}" "${openmp[0]}" "$wheelhouse"/nativelib_gfortran-*.whl "$wheelhouse"/nativelib_quadmath-*.whl)
    [ "$mode" = two ] && providers+=("${openblas32[0]}")
fi

echo "== show: the provider wheels"
"$nativelib" show "${providers[@]}" | grep -E "^[a-z]|requires|platform|Unresolved|Duplicate|RUNPATH|-> " | head -60
MODE="$mode" python3 - "$nativelib" "${providers[@]}" <<'PY'
import json, os, subprocess, sys
report = json.loads(subprocess.run([sys.argv[1], "show", "--json", *sys.argv[2:]],
                                   check=True, capture_output=True, text=True).stdout)
for wheel in report["wheels"]:
    assert not wheel["unresolved"], (wheel["name"], wheel["unresolved"])
# In mode two the ILP64 and the LP64 OpenBLAS are two builds by design (numpy's and scipy's
# interfaces); every other runtime (libgomp above all) must be there once.
duplicates = [d for d in report["duplicate_runtimes"] if d["runtime"] != "OpenBLAS"]
assert not duplicates, duplicates
if os.environ["MODE"] != "llvm":
    openblas = report["wheels"][0]
    needed = [dependency["name"] for dependency in openblas["binaries"][0]["dependencies"]]
    assert "libgomp-nativelib.so.1" in needed and "libgfortran-nativelib.so.5" in needed, needed
    assert any(r.startswith("nativelib-openmp") for r in openblas["requires_dist"]), openblas
    print("show: nothing unresolved; the OpenBLAS needs", ", ".join(needed))
PY

echo "== link"
rm -rf "$work/linked" "$work/scipy-step" "$work/venv"
numpy_wheel=("$fixtures"/numpy-2.1.3-*.whl)
scipy_wheel=("$fixtures"/scipy-1.14.1-*.whl)
if [ "$mode" = llvm ]; then
    time "$nativelib" link "$fixtures"/scikit_learn-1.5.2-*.whl --against "${openmp[0]}" \
        --replace libgomp-a34b3233.so.1.0.0=libomp-nativelib.so.5 -w "$work/linked"
else
    time "$nativelib" link "${numpy_wheel[0]}" --against "${openblas64[0]}" -w "$work/linked"
    numpy_wheel=("$work"/linked/numpy-*.whl)
    time "$nativelib" link "$fixtures"/scikit_learn-1.5.2-*.whl --against "${openmp[0]}" -w "$work/linked"
fi
if [ "$mode" = one ] || [ "$mode" = two ]; then
    # Twice: against the LP64 OpenBLAS, then the result against the libgfortran wheel, which
    # replaces the libgfortran scipy's own Fortran extensions keep (and its libquadmath).
    time "$nativelib" link "${scipy_wheel[0]}" --against "${openblas32[0]}" -w "$work/scipy-step"
    time "$nativelib" link "$work"/scipy-step/scipy-*.whl --against "$wheelhouse"/nativelib_gfortran-*.whl -w "$work/linked"
    scipy_wheel=("$work"/linked/scipy-*.whl)
fi
ls -l "$work"/linked/*.whl
# Every linked wheel is tagged at least as high as the wheels it now requires (libgomp,
# libgfortran and libomp from Debian 12: manylinux_2_34).
for wheel in "$work"/linked/*.whl; do
    case "$wheel" in *manylinux_2_34_*|*manylinux_2_3[5-9]_*) ;; *) echo "tag below the providers' floor: $wheel" >&2; exit 1 ;; esac
done

python3 -m venv "$work/venv"
"$work/venv/bin/pip" install --quiet --no-deps "${numpy_wheel[0]}" "$work"/linked/scikit_learn-*.whl \
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
mode = os.environ["MODE"]
maps = open("/proc/self/maps").read()
if mode == "llvm":
    assert openmp[0]["filepath"].endswith("nativelib_openmp_llvm/lib/libomp-nativelib.so.5"), openmp
    assert "libgomp" not in maps, "a libgomp is loaded"
else:
    assert openmp[0]["filepath"].endswith("nativelib_openmp/lib/libgomp-nativelib.so.1"), openmp
    assert "libgomp" not in maps.replace("libgomp-nativelib.so.1", ""), "another libgomp is loaded"
assert "scikit_learn.libs" not in maps, "scikit-learn's vendored libgomp is loaded"
assert mode == "llvm" or "numpy.libs" not in maps, "numpy's vendored OpenBLAS is loaded"
assert all(i["threading_layer"] == "openmp" for i in blas if "/nativelib_openblas" in i["filepath"]), blas
if mode == "one":
    assert len(blas) == 1 and "nativelib_openblas_openmp/lib/" in blas[0]["filepath"], blas
    # Its scipy_omp_* forwarders let threadpoolctl read and limit its threads.
    assert blas[0]["num_threads"] == openmp[0]["num_threads"], infos
    with threadpoolctl.threadpool_limits(1, user_api="blas"):
        limited = [i for i in threadpoolctl.threadpool_info() if i["user_api"] == "blas"]
        assert limited[0]["num_threads"] == 1, limited
elif mode == "two":
    assert len(blas) == 2, blas
    assert {i["filepath"].split("/")[-3] for i in blas} == {
        "nativelib_openblas64_openmp", "nativelib_openblas32_openmp"}, blas
elif mode == "llvm":
    assert len(blas) == 2 and all(".libs/" in i["filepath"] for i in blas), blas
else:
    assert len(blas) == 2, blas
    others = [i for i in blas if "scipy.libs/" in i["filepath"]]
    assert len(others) == 1, blas
    print(f"scipy's vendored OpenBLAS ({others[0]['threading_layer']}) beside numpy's")
if mode in ("one", "two"):
    assert ".libs/" not in maps, "a vendored library is loaded"
    gfortran = {line.split()[-1] for line in maps.splitlines() if "libgfortran" in line}
    assert len(gfortran) == 1, gfortran
print(f"threadpoolctl: one OpenMP runtime ({os.path.basename(openmp[0]['filepath'])}); {len(blas)} OpenBLAS")
PY
)

tests=(numpy.linalg sklearn.cluster sklearn.decomposition)
case "$mode" in one|two) tests+=(scipy.linalg) ;; esac
echo "== pytest --pyargs ${tests[*]}"
(cd "$work" && time "$work/venv/bin/python" -m pytest --pyargs "${tests[@]}" -q -p no:cacheprovider)
echo "e2e-openmp: passed"
