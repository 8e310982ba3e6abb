#!/usr/bin/env python3
"""Benchmarks nativelib against its peers on the pinned real wheels, in one run, as ratios.

    scripts/bench.py show    # `nativelib show` vs `auditwheel show` (6.8.2) on numpy and scipy
    scripts/bench.py link    # `nativelib link` vs wheel unpack + patchelf --force-rpath + wheel pack
    scripts/bench.py build   # nativelib's own time around the compiler for OpenBLAS (ILP64)
    scripts/bench.py openmp  # OpenMP code next to BLAS: vendored runtimes vs one shared libgomp

Peers are installed into a throwaway virtualenv under the cache directory; nothing is installed
into the project. Each command is run several times and the median wall time is reported.
Targets: `show` on scipy under 0.5 s wall and at least 30x faster than auditwheel (issue 2);
`link` of scipy under 1 s, at least 6x faster than the by-hand peer, with peak memory well under
the wheel's size (issue 3); `build`: nativelib's own time on top of the compiler's for OpenBLAS
(fetch, verify, collect, relink, audit, pack) under 2 s, and a cache-hit rebuild under 2 s (issue 4);
`openmp` has no target: it reports the wall times, their ratio and the OS threads (issue 5).
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


OPENBLAS_RECIPE = ROOT / "recipes/openblas.toml"
OPENBLAS_VARIANT = "ilp64"
# cmeel-openblas 0.3.31, the sdist recipes/openblas.toml pins.
OPENBLAS_SDIST_SHA256 = "a3fe5e5875393a37f569da9bf1403adae45579570e8582b837bd985746d9ac20"


def nativelib_cache() -> Path:
    if os.environ.get("NATIVELIB_CACHE_DIR"):
        return Path(os.environ["NATIVELIB_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "nativelib"


def timed_build(binary: Path, wheelhouse: Path, epoch: str) -> tuple:
    """Runs `nativelib build` of the OpenBLAS recipe; returns (wall seconds, its --json report)."""
    environment = dict(os.environ, SOURCE_DATE_EPOCH=epoch)
    start = time.perf_counter()
    output = subprocess.run(
        [str(binary), "build", str(OPENBLAS_RECIPE), "--variant", OPENBLAS_VARIANT,
         "-w", str(wheelhouse), "--json"],
        check=True, capture_output=True, text=True, env=environment)
    return time.perf_counter() - start, json.loads(output.stdout)[-1]


def phase_seconds(timings: list, *phases: str) -> float:
    return sum(timing["seconds"] for timing in timings if timing["phase"] in phases)


def bench_build() -> bool:
    """nativelib's own time around the compiler when building OpenBLAS.

    The first run compiles OpenBLAS (about 15 minutes on 2 cores) unless the build cache has it;
    a copy of the sdist in /tmp/cmeel is put into the source cache to skip the download. Then:
    a cache-hit rebuild (the cached wheel is copied), a repack from the cached build (a new
    SOURCE_DATE_EPOCH forces collect, relink, audit and pack to run again), and the fetch and
    verify phases as timed when the build was made.
    """
    binary = nativelib()
    sources = nativelib_cache() / "sources"
    cached_sdist = sources / OPENBLAS_SDIST_SHA256
    local_copy = Path("/tmp/cmeel/cmeel_openblas-0.3.31.tar.gz")
    if not cached_sdist.exists() and local_copy.exists():
        sources.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(local_copy, cached_sdist)
    with tempfile.TemporaryDirectory(prefix="nativelib-bench-build-") as work:
        work = Path(work)
        first_wall, first = timed_build(binary, work / "first", "315532800")
        if not first["cache_hit"]:
            print(f"compiled OpenBLAS {OPENBLAS_VARIANT} in {first_wall:.0f} s (not cached before)")
        compile_seconds = first.get("compile_seconds") or 0.0
        hits = [timed_build(binary, work / f"hit{run}", "315532800") for run in range(5)]
        hit_wall = statistics.median(wall for wall, _ in hits)
        assert all(report["cache_hit"] and report["wheel_reused"] for _, report in hits)
        assert len({report["sha256"] for _, report in hits} | {first["sha256"]}) == 1
        repacks = [timed_build(binary, work / f"repack{run}", str(1_700_000_000 + run))
                   for run in range(3)]
        repack_wall, repack = sorted(repacks, key=lambda pair: pair[0])[1]
        assert repack["cache_hit"] and not repack["wheel_reused"]
    build_timings = repack["build_timings"]
    fetch_verify = phase_seconds(build_timings, "fetch", "verify")
    extract = phase_seconds(build_timings, "extract")
    packaging = {phase: phase_seconds(repack["timings"], phase)
                 for phase in ("cache", "collect", "relink", "audit", "pack")}
    own = fetch_verify + sum(packaging.values())
    size_mb = repack["size"] / 1e6
    print(f"OpenBLAS {OPENBLAS_VARIANT}: wheel {size_mb:.1f} MB, compile {compile_seconds:.0f} s "
          f"(when the cached build was made)")
    print(f"{'cache-hit rebuild (wall, median of 5)':<44} {hit_wall:>7.3f}s")
    print(f"{'repack from the cached build (wall)':<44} {repack_wall:>7.3f}s")
    for phase, seconds in packaging.items():
        print(f"  {phase:<42} {seconds:>7.3f}s")
    print(f"{'fetch + verify (when built)':<44} {fetch_verify:>7.3f}s")
    print(f"{'extract (when built)':<44} {extract:>7.3f}s")
    print(f"{'own time: fetch, verify, collect..pack':<44} {own:>7.3f}s")
    ok = hit_wall < 2.0 and own < 2.0
    print(f"target (own time < 2 s, cache hit < 2 s): {'met' if ok else 'MISSED'}")
    return ok


OPENMP_WORKLOAD = r"""
import json, sys, time
import numpy as np
from sklearn.cluster import KMeans
import threadpoolctl

iterations, samples, size = (int(argument) for argument in sys.argv[1:4])
rng = np.random.default_rng(0)
X = rng.standard_normal((samples, 16))
A = rng.standard_normal((size, size))
B = rng.standard_normal((size, size))


def openmp_step(seed):
    # Lloyd iterations run in OpenMP threads (scikit-learn's prange); the BLAS inside is
    # limited to one thread by scikit-learn.
    KMeans(n_clusters=16, n_init=1, max_iter=10, tol=0, algorithm="lloyd",
           random_state=seed).fit(X)


def blas_step():
    for _ in range(2):
        A @ B


openmp_step(0)
blas_step()
openmp_seconds = blas_seconds = 0.0
start = time.perf_counter()
for iteration in range(iterations):
    t0 = time.perf_counter()
    openmp_step(iteration)
    t1 = time.perf_counter()
    blas_step()
    t2 = time.perf_counter()
    openmp_seconds += t1 - t0
    blas_seconds += t2 - t1
wall = time.perf_counter() - start
status = open("/proc/self/status").read()
threads = int(next(line.split()[1] for line in status.splitlines() if line.startswith("Threads:")))
pools = [{key: info.get(key) for key in ("user_api", "internal_api", "threading_layer",
                                          "num_threads", "filepath")}
         for info in threadpoolctl.threadpool_info()]
print(json.dumps({"wall": wall, "openmp": openmp_seconds, "blas": blas_seconds,
                  "threads": threads, "pools": pools}))
"""
OPENMP_ITERATIONS, OPENMP_SAMPLES, OPENMP_MATRIX, OPENMP_REPETITIONS = 20, 50_000, 1024, 5


def build_wheel(binary: Path, wheelhouse: Path, recipe: str, variant=None) -> Path:
    """`nativelib build` (cached after the first time); returns the wheel asked for."""
    command = [str(binary), "build", str(ROOT / "recipes" / recipe), "-w", str(wheelhouse), "--json"]
    if variant:
        command += ["--variant", variant]
    start = time.perf_counter()
    output = subprocess.run(command, capture_output=True, text=True)
    if output.returncode != 0:
        sys.exit(f"error: `nativelib build {recipe} --variant {variant}` failed:\n{output.stderr}")
    report = json.loads(output.stdout)[-1]
    if not report["cache_hit"] and report.get("log"):
        print(f"built {recipe} {variant or ''} in {time.perf_counter() - start:.0f} s (not cached)")
    return Path(report["path"])


def only_wheel(directory: Path, pattern: str) -> Path:
    """The newest wheel matching `pattern` in `directory`, or exit with a message saying so."""
    matches = sorted(directory.glob(pattern))
    if not matches:
        sys.exit(f"error: no {pattern} in {directory}")
    return matches[-1]


def make_venv(directory: Path, wheels: list) -> Path:
    subprocess.run([sys.executable, "-m", "venv", str(directory)], check=True)
    pip = [str(directory / "bin/python"), "-m", "pip", "install", "--quiet"]
    subprocess.run([*pip, "--no-deps", *map(str, wheels)], check=True)
    subprocess.run([*pip, "joblib", "threadpoolctl"], check=True)
    return directory / "bin/python"


def describe_pools(pools: list) -> str:
    parts = []
    for pool in pools:
        # <package>/lib/<file> for a library wheel, <name>.libs/<file> for a vendored copy.
        directory = Path(pool["filepath"]).parent
        where = directory.name if directory.name.endswith(".libs") else directory.parent.name
        layer = f"/{pool['threading_layer']}" if pool.get("threading_layer") else ""
        parts.append(f"{pool['internal_api']}{layer} ({where})")
    return ", ".join(parts)


def bench_openmp() -> bool:
    """OpenMP code alternating with BLAS calls, in the spirit of OpenBLAS issue 3187.

    (a) stock: numpy, scipy and scikit-learn as published: numpy's and scipy's pthreads
        OpenBLAS next to scikit-learn's vendored libgomp;
    (b) shared: numpy linked against the OpenMP OpenBLAS (ILP64) and scikit-learn against the
        OpenMP wheel, so both run on one libgomp; scipy as published (its pthreads OpenBLAS is
        loaded too: scikit-learn imports scipy.linalg, and KMeans calls BLAS through scipy);
    (c) all-openmp: as (b) with scipy linked against the LP64 OpenMP OpenBLAS;
    (d) one-openblas: numpy and scipy both linked against the OpenBLAS with both interfaces
        (recipes/openblas-dual-abi.toml), scikit-learn against the OpenMP wheel: one OpenBLAS,
        one libgomp.
    Each configuration runs in its own virtualenv, alternating, 5 times; medians are reported,
    with the range of the wall times. Spinning threads make this sensitive to anything else
    running on the machine: run it on an otherwise idle one.
    """
    binary = nativelib()
    wheelhouse = nativelib_cache() / "bench-wheelhouse"
    openblas64 = build_wheel(binary, wheelhouse, "openblas.toml", "ilp64-openmp")
    openblas32 = build_wheel(binary, wheelhouse, "openblas.toml", "lp64-openmp")
    dual = build_wheel(binary, wheelhouse, "openblas-dual-abi.toml")
    runtime = {name: only_wheel(wheelhouse, f"nativelib_{name}-*.whl")
               for name in ("openmp", "gfortran", "quadmath")}
    numpy, scipy, scikit_learn = wheel("numpy"), wheel("scipy"), wheel("scikit_learn")
    with tempfile.TemporaryDirectory(prefix="nativelib-bench-openmp-") as work:
        work = Path(work)
        linked, linked_dual = work / "linked", work / "linked-dual"
        for dependent, provider, directory in [
                (numpy, openblas64, linked), (scikit_learn, runtime["openmp"], linked),
                (scipy, openblas32, linked), (numpy, dual, linked_dual),
                (scipy, dual, linked_dual)]:
            subprocess.run([str(binary), "link", str(dependent), "--against", str(provider),
                            "-w", str(directory)], check=True, stdout=subprocess.DEVNULL)
        linked_numpy = only_wheel(linked, "numpy-*.whl")
        linked_scikit_learn = only_wheel(linked, "scikit_learn-*.whl")
        linked_scipy = only_wheel(linked, "scipy-*.whl")
        configurations = {
            "stock": [numpy, scipy, scikit_learn],
            "shared": [linked_numpy, linked_scikit_learn, scipy, openblas64, *runtime.values()],
            "all-openmp": [linked_numpy, linked_scikit_learn, linked_scipy, openblas64,
                           openblas32, *runtime.values()],
            "one-openblas": [only_wheel(linked_dual, "numpy-*.whl"), linked_scikit_learn,
                             only_wheel(linked_dual, "scipy-*.whl"), dual, *runtime.values()],
        }
        pythons = {name: make_venv(work / name, wheels)
                   for name, wheels in configurations.items()}
        script = work / "workload.py"
        script.write_text(OPENMP_WORKLOAD)
        results = {name: [] for name in configurations}
        for _ in range(OPENMP_REPETITIONS):
            for name, python in pythons.items():
                output = subprocess.run(
                    [str(python), str(script), str(OPENMP_ITERATIONS), str(OPENMP_SAMPLES),
                     str(OPENMP_MATRIX)], check=True, capture_output=True, text=True, cwd=work)
                results[name].append(json.loads(output.stdout))
    print(f"{OPENMP_ITERATIONS} x (KMeans.fit, {OPENMP_SAMPLES} x 16, 16 clusters, 10 Lloyd "
          f"iterations; 2 x {OPENMP_MATRIX}^2 matmul), {os.cpu_count()} cores, "
          f"median of {OPENMP_REPETITIONS}")
    print(f"{'configuration':<13} {'wall':>8} {'range':>13} {'KMeans':>8} {'matmul':>8} "
          f"{'threads':>8}  pools")
    medians = {}
    for name, runs in results.items():
        median = {key: statistics.median(run[key] for run in runs)
                  for key in ("wall", "openmp", "blas", "threads")}
        medians[name] = median
        walls = [run["wall"] for run in runs]
        spread = f"{min(walls):.2f}-{max(walls):.2f}s"
        print(f"{name:<13} {median['wall']:>7.2f}s {spread:>13} {median['openmp']:>7.2f}s "
              f"{median['blas']:>7.2f}s {median['threads']:>8.0f}  {describe_pools(runs[0]['pools'])}")
    for name in ("shared", "all-openmp", "one-openblas"):
        print(f"wall-time ratio stock / {name}: {medians['stock']['wall'] / medians[name]['wall']:.2f}")
    return True


def main() -> None:
    benches = {"show": bench_show, "link": bench_link, "build": bench_build,
               "openmp": bench_openmp}
    names = sys.argv[1:] or list(benches)
    unknown = [name for name in names if name not in benches]
    if unknown:
        sys.exit(f"error: unknown benchmark {unknown}; choose from {list(benches)}")
    results = [benches[name]() for name in names]
    sys.exit(0 if all(results) else 1)


if __name__ == "__main__":
    main()
