"""Benchmark: wall time of a 120-month national run (all 160 districts) on one core, and peak memory.

Usage::

    python benchmarks/bench_model.py [--runs 9] [--months 120] [--json FILE]

Each run is ``ctsim.run(seed=..., months=..., history=False)``: a fresh status-quo model with its own seed (seeds
1..runs) from January 2024, run through the one run function every caller uses; the time covers model construction,
all months and the frames and summary a batch worker keeps, as a batch run would see it (a scenario run adds the
24-month history). The process is pinned to one core where the OS allows.
Reports the median over the runs (and min, max), the peak resident memory of the process (ru_maxrss), and the peak
Python heap of one run (tracemalloc, measured in a separate, untimed run).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import sys
import time
import tracemalloc

from ctsim.data.geography import packaged
from ctsim.scenarios.runner import run

TARGET_SECONDS = 0.25


def one_run(seed: int, months: int) -> float:
    start = time.perf_counter()
    run(None, seed, months, history=False)
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9, help="timed runs (at least 5)")
    parser.add_argument("--months", type=int, default=120)
    parser.add_argument("--json", help="also write the figures to this JSON file")
    args = parser.parse_args(argv)
    if args.runs < 5:
        parser.error("--runs must be at least 5")
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    packaged()  # read the district data once, as every batch worker does
    for warm in range(2):  # warm-up: imports, caches, allocator; the first runs of a process are slower
        one_run(10_000 + warm, args.months)
    times = [one_run(seed, args.months) for seed in range(1, args.runs + 1)]
    tracemalloc.start()
    one_run(args.runs + 1, args.months)
    _, heap_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    result = {
        "months": args.months,
        "runs": args.runs,
        "median_s": statistics.median(times),
        "min_s": min(times),
        "max_s": max(times),
        "target_s": TARGET_SECONDS,
        "peak_rss_mib": rss_kib / 1024,
        "peak_python_heap_mib_one_run": heap_peak / 2**20,
        "cores_used": 1,
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, {platform.platform()}",
        "python": sys.version.split()[0],
    }
    print(f"120-month national run, {args.runs} runs on one core: median {result['median_s']:.3f} s "
          f"(min {result['min_s']:.3f}, max {result['max_s']:.3f}); target {TARGET_SECONDS} s: "
          f"{'met' if result['median_s'] <= TARGET_SECONDS else 'MISSED'}")
    print(f"peak RSS {result['peak_rss_mib']:.0f} MiB; peak Python heap of one run "
          f"{result['peak_python_heap_mib_one_run']:.1f} MiB; {result['machine']}; Python {result['python']}")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as fh:
            json.dump(result, fh, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
