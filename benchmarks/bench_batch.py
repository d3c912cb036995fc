"""Benchmark of the batch runner: throughput on local processes, driver memory, Dask overhead.

Usage::

    python benchmarks/bench_batch.py [--runs 256] [--memory-sizes 2500,5000,10000] [--json FILE]

1. Throughput: the same batch (``--runs`` runs of 120 months, tasks of about a second) serially, on 2 local
   processes, on a running Dask scheduler with 2 single-threaded workers (started before timing, as a cluster
   is), and on a Dask LocalCluster the command starts itself; the speed-up of 2 processes over serial (target at
   least 1.8x on a 2-core machine) and the extra wall time of Dask over local processes (target under 10%). Each
   configuration runs in a fresh batch folder, so nothing is resumed; times are of the whole command.
2. Driver memory: batches of short runs (6 months each) of growing size on 2 local processes; each batch runs in a
   fresh Python process that reports its own peak resident memory (ru_maxrss of the driver alone, not its workers).
   Target: under 500 MB and flat as the number of runs grows.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import socket
import subprocess
import sys
import tempfile
import textwrap
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def experiment(folder: Path, runs: int, months: int) -> Path:
    """An experiment of ``runs`` runs: baseline, a list design of points varying the sanctuary, 1 replication."""
    points = ", ".join(f"{{ sanctuary_strength = {0.2 + 0.6 * i / max(runs - 1, 1):.6f} }}" for i in range(runs))
    path = folder / f"bench_{runs}_{months}.toml"
    path.write_text(textwrap.dedent(f"""
        name = "bench_{runs}_{months}"
        scenarios = ["{ROOT / 'scenarios' / 'baseline.toml'}"]
        replications = 1
        months = {months}
        seed = 1
        [design]
        method = "list"
        points = [{points}]
        """))
    return path


def timed(path: Path, out: Path, *options: str) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "ctsim.cli", "batch", str(path), "--out", str(out), *options],
                   check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


@contextmanager
def running_cluster(workers: int):
    """A Dask scheduler and single-threaded workers on 127.0.0.1, started before timing (as a cluster would be)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    address = f"tcp://127.0.0.1:{port}"
    dask = str(Path(sys.executable).parent / "dask")
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    procs = [subprocess.Popen([dask, "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"],
                              **quiet)]
    try:
        # Workers as docs/experiments.md advises for model runs: without Dask's statistical profiler.
        env = {**os.environ, "DASK_DISTRIBUTED__WORKER__PROFILE__ENABLED": "False"}
        procs += [subprocess.Popen([dask, "worker", address, "--nthreads", "1", "--host", "127.0.0.1",
                                    "--no-dashboard"], env=env, **quiet) for _ in range(workers)]
        from distributed import Client

        with Client(address, timeout="60s") as client:
            client.wait_for_workers(workers, timeout=120)
            client.run(lambda: __import__("ctsim.model.core"))  # workers import ctsim, as a warm cluster has
        yield address
    finally:
        for proc in reversed(procs):
            proc.terminate()
            proc.wait(timeout=30)


DRIVER = """
import resource, sys
from ctsim.experiments.batch import BatchOptions, run_batch
from ctsim.experiments.design import load_experiment
summary = run_batch(load_experiment(sys.argv[1]), sys.argv[2], BatchOptions(workers=2, progress=False))
assert summary.pending == 0 and summary.failed == 0, summary
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, summary.wall_s)
"""


def driver_memory(path: Path, out: Path) -> tuple[float, float]:
    text = subprocess.run([sys.executable, "-c", DRIVER, str(path), str(out)], check=True, capture_output=True,
                          text=True).stdout.split()
    return float(text[0]), float(text[1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=256, help="runs of 120 months in the throughput batch")
    parser.add_argument("--memory-sizes", default="2500,5000,10000", help="sizes of the short-run batches")
    parser.add_argument("--json", help="also write the figures to this JSON file")
    args = parser.parse_args(argv)
    result: dict = {"machine": f"{platform.machine()}, {os.cpu_count()} cores, {platform.platform()}",
                    "python": sys.version.split()[0]}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        path = experiment(folder, args.runs, 120)
        serial = timed(path, folder / "serial", "--executor", "serial")
        local = timed(path, folder / "local", "--workers", "2")
        with running_cluster(2) as address:
            dask = timed(path, folder / "dask", "--scheduler", address)
        dask_local = timed(path, folder / "dask_local", "--dask-local", "2")
        result["throughput"] = {
            "runs": args.runs, "months": 120, "serial_s": serial, "processes_2_s": local,
            "dask_cluster_2_s": dask, "dask_local_cluster_2_s": dask_local,
            "speedup_2_processes": serial / local, "dask_overhead_vs_processes": dask / local - 1.0,
            "dask_local_overhead_vs_processes": dask_local / local - 1.0}
        print(f"throughput, {args.runs} runs of 120 months (wall time of the whole command, start-up included): "
              f"serial {serial:.1f} s, 2 processes {local:.1f} s (x{serial / local:.2f}; target >= 1.8)")
        print(f"Dask, running scheduler + 2 workers: {dask:.1f} s ({100 * (dask / local - 1):+.1f}% vs processes; "
              f"target < 10%); Dask LocalCluster(2) started by the command: {dask_local:.1f} s "
              f"({100 * (dask_local / local - 1):+.1f}%)")
        memory = []
        for size in (int(s) for s in args.memory_sizes.split(",") if s.strip()):
            rss, wall = driver_memory(experiment(folder, size, 6), folder / f"mem{size}")
            memory.append({"runs": size, "months": 6, "driver_peak_rss_mib": rss, "wall_s": wall})
            print(f"driver memory, {size} runs of 6 months on 2 processes: peak RSS {rss:.0f} MiB "
                  f"({wall:.0f} s, {size / wall:.0f} runs/s); target < 500 MB")
        result["driver_memory"] = memory
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
