#!/usr/bin/env bash
# Install everything nativelib's commands, tests and benchmarks need on a fresh Debian machine:
# the C/Fortran toolchain and the independent checkers (patchelf, readelf) from apt, the Rust
# components from rustup, and the pinned PyPI wheels (scripts/fetch-fixtures.py, cached).
# Safe to run repeatedly: it installs only what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
for tool in gcc:gcc gfortran:gfortran musl-gcc:musl-tools patchelf:patchelf readelf:binutils make:make unzip:unzip pkg-config:pkgconf; do
    command -v "${tool%%:*}" >/dev/null 2>&1 || need_apt+=("${tool#*:}")
done
python3 -c 'import venv, ensurepip' 2>/dev/null || need_apt+=(python3-venv)
# LLVM's OpenMP runtime and its omp.h, collected by recipes/openmp-llvm.toml.
[ -e /usr/lib/llvm-14/lib/libomp.so.5 ] || need_apt+=(libomp5-14)
[ -e /usr/lib/llvm-14/lib/clang/14.0.6/include/omp.h ] || need_apt+=(libomp-14-dev)
if [ ${#need_apt[@]} -gt 0 ]; then
    echo "setup: installing ${need_apt[*]} with apt-get" >&2
    SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi
if command -v rustup >/dev/null 2>&1; then
    rustup component add rustfmt clippy >/dev/null 2>&1 || true
fi
python3 scripts/fetch-fixtures.py >/dev/null
