#!/usr/bin/env python3
"""Download the pinned PyPI wheels the tests and benchmarks use, check sha256, cache them.

The pins are the real-world cases of shared/design.md. Wheels are fetched with
pip (no dependencies, binary only, for CPython 3.11 on manylinux x86_64) into
the cache directory, which survives between runs:

    ${NATIVELIB_FIXTURES:-${XDG_CACHE_HOME:-~/.cache}/nativelib/fixtures}

Usage: scripts/fetch-fixtures.py [--print-dir] [NAME ...]
With names, only those pins are fetched (e.g. `numpy scipy`).
"""
import hashlib
import os
import subprocess
import sys
from pathlib import Path

# (distribution, version, wheel filename, sha256)
PINS = [
    ("numpy", "2.1.3",
     "numpy-2.1.3-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
     "bc6f24b3d1ecc1eebfbf5d6051faa49af40b03be1aaa781ebdadcbc090b4539b"),
    ("scipy", "1.14.1",
     "scipy-1.14.1-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
     "fef8c87f8abfb884dac04e97824b61299880c43f4ce675dd2cbeadd3c9b466d2"),
    ("scipy-openblas64", "0.3.34.481.3",
     None,
     "deb7f39980f5b4db6140d4a9d948e066ad3ea4a7c6545caa65c3f590fdc23559"),
    ("scipy-openblas32", "0.3.27.44.6",
     None,
     "fcaccda2e38af235a1f81ea7a73f2f809b9f93bf6c18ba497aa77ef24883a3af"),
    ("scikit-learn", "1.5.2",
     "scikit_learn-1.5.2-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
     "f8b0ccd4a902836493e026c03256e8b206656f91fbcc4fde28c57a5b752561f1"),
]


def cache_dir() -> Path:
    if os.environ.get("NATIVELIB_FIXTURES"):
        return Path(os.environ["NATIVELIB_FIXTURES"])
    base = os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache")
    return Path(base) / "nativelib" / "fixtures"


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def find_cached(directory: Path, name: str, version: str, expected: str):
    prefix = f"{name.replace('-', '_')}-{version}-"
    for path in sorted(directory.glob("*.whl")):
        if path.name.lower().startswith(prefix.lower()) and sha256(path) == expected:
            return path
    return None


def fetch(directory: Path, name: str, version: str, expected: str) -> Path:
    found = find_cached(directory, name, version, expected)
    if found:
        return found
    download = directory / "download"
    download.mkdir(parents=True, exist_ok=True)
    command = [
        sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
        "--only-binary=:all:", "--python-version", "3.11", "--implementation", "cp",
        "--abi", "cp311", "--abi", "abi3", "--abi", "none",
        "--platform", "manylinux_2_28_x86_64", "--platform", "manylinux_2_27_x86_64",
        "--platform", "manylinux_2_17_x86_64", "--platform", "manylinux2014_x86_64",
        "-d", str(download), f"{name}=={version}",
    ]
    subprocess.run(command, check=True)
    for path in sorted(download.glob("*.whl")):
        if sha256(path) == expected:
            target = directory / path.name
            path.replace(target)
            return target
    got = ", ".join(f"{p.name} {sha256(p)}" for p in download.glob("*.whl"))
    sys.exit(f"error: {name}=={version}: no downloaded wheel has sha256 {expected} (got: {got})")


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    directory = cache_dir()
    directory.mkdir(parents=True, exist_ok=True)
    if "--print-dir" in sys.argv:
        print(directory)
        return
    for name, version, _filename, expected in PINS:
        if args and name not in args:
            continue
        path = fetch(directory, name, version, expected)
        print(f"{path}")


if __name__ == "__main__":
    main()
