#!/usr/bin/env python3
"""Benchmarks nativelib against its peers on the pinned real wheels, in one run, as ratios.

    scripts/bench.py show    # `nativelib show` vs `auditwheel show` (6.8.2) on numpy and scipy

Peers are installed into a throwaway virtualenv under the cache directory; nothing is installed
into the project. Each command is run several times and the median wall time is reported.
Targets (issue 2): scipy under 0.5 s wall and at least 30x faster than auditwheel.
"""
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
AUDITWHEEL = "auditwheel==6.8.2"


def fixtures() -> Path:
    output = subprocess.run(
        [sys.executable, str(ROOT / "scripts/fetch-fixtures.py"), "--print-dir"],
        check=True, capture_output=True, text=True)
    subprocess.run([sys.executable, str(ROOT / "scripts/fetch-fixtures.py")], check=True,
                   stdout=subprocess.DEVNULL)
    return Path(output.stdout.strip())


def peer_venv() -> Path:
    venv = fixtures().parent / "bench-venv"
    python = venv / "bin/python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    probe = subprocess.run([str(python), "-m", "pip", "show", "-q", "auditwheel"],
                           capture_output=True, text=True)
    if "6.8.2" not in probe.stdout:
        subprocess.run([str(python), "-m", "pip", "install", "-q", AUDITWHEEL, "wheel"],
                       check=True)
    return venv


def nativelib() -> Path:
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    return ROOT / "target/release/nativelib"


def median_time(command, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def wheel(name: str) -> Path:
    matches = sorted(fixtures().glob(f"{name}-*.whl"))
    if not matches:
        sys.exit(f"error: no {name} wheel in {fixtures()}; run scripts/fetch-fixtures.py")
    return matches[0]


def bench_show() -> bool:
    binary = nativelib()
    auditwheel = peer_venv() / "bin/auditwheel"
    print(f"{'wheel':<8} {'nativelib show':>15} {'auditwheel show':>16} {'ratio':>8}")
    ok = True
    for name in ["numpy", "scipy"]:
        path = wheel(name)
        ours = median_time([str(binary), "show", str(path)], runs=7)
        theirs = median_time([str(auditwheel), "show", str(path)], runs=2)
        ratio = theirs / ours
        print(f"{name:<8} {ours:>14.3f}s {theirs:>15.2f}s {ratio:>7.1f}x")
        if name == "scipy":
            ok = ours < 0.5 and ratio >= 30
            print(f"target for scipy (< 0.5 s, >= 30x): {'met' if ok else 'MISSED'}")
    return ok


def main() -> None:
    benches = {"show": bench_show}
    names = sys.argv[1:] or list(benches)
    unknown = [name for name in names if name not in benches]
    if unknown:
        sys.exit(f"error: unknown benchmark {unknown}; choose from {list(benches)}")
    results = [benches[name]() for name in names]
    sys.exit(0 if all(results) else 1)


if __name__ == "__main__":
    main()
