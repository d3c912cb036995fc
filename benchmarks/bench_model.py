"""Benchmark of the model's speed against a reference commit, measured side by side in one invocation.

Usage::

    python benchmarks/bench_model.py [--reference 98540df] [--rounds 5] [--samples 3] [--json FILE]

The reference commit's ``src`` is exported (``git archive``) into a temporary folder; the same Python then runs each
measurement on the reference code and on this tree's code, in fresh processes that alternate (reference, current,
reference, current, ...) for ``--rounds`` rounds, so both see the same machine in the same minutes. Each process warms
up (imports, compiled kernels loaded from their cache, the first runs of a process), then times ``--samples``
samples of every measurement; the figures are medians over all samples of all rounds:

- a standard run: the library's baseline with its history (36 months of 2022-2024, then 120), as ``ctsim run`` and a
  batch worker run it, frames and summary included; and per simulated month (the run over its 156 months);
- a calibration candidate: the 36-month history run once with the point calibration's values, reduced to the
  summaries the ABC compares with the targets (``posterior.ctsim_summary``), as one ABC candidate costs;
- throughput: standard runs per second on 1 and on 2 worker processes (a pool of that size, 4 runs per worker);
- peak resident memory of the measuring process.

It prints a table with the ratio reference / current of each figure (above 1: the current code is faster).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = "98540df"  # main before the speed work of issue 32 (2026-12-05)
HISTORY_MONTHS, SCENARIO_MONTHS = 36, 120

# What a measuring process runs: it imports whichever ctsim is first on its path, so the same script measures the
# reference and the current code. The package layout moved between them; the imports say where each thing lives.
MEASURE = r'''
import json, resource, statistics, sys, time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context

from ctsim.scenarios.runner import run
from ctsim.scenarios.files import load_scenario
from ctsim.declarations.parameters import calibrated
try:
    from ctsim.analysis.calibration import point as calibration
    from ctsim.analysis.calibration import posterior
except ImportError:  # the reference's layout
    from ctsim.analysis import calibration, posterior

samples = int(sys.argv[1])
history = load_scenario(calibration.HISTORY)
values = dict(calibrated())
import numpy as np


def standard(seed):
    return run(None, seed)


def candidate(seed):
    return posterior.ctsim_summary(calibration.simulate(values, history, [np.random.SeedSequence(seed)]))


def per_second(workers):
    with ProcessPoolExecutor(workers, mp_context=get_context("fork")) as pool:
        list(pool.map(standard, range(900, 900 + workers)))  # the workers warm up
        started = time.perf_counter()
        list(pool.map(standard, range(1000, 1000 + 4 * workers)))
        return 4 * workers / (time.perf_counter() - started)


for warm in range(2):
    standard(10_000 + warm)
    candidate(10_000 + warm)
out = {"standard_s": [], "candidate_s": []}
for k in range(samples):
    started = time.perf_counter()
    standard(k + 1)
    out["standard_s"].append(time.perf_counter() - started)
    started = time.perf_counter()
    candidate(k + 1)
    out["candidate_s"].append(time.perf_counter() - started)
out["runs_per_second_1"] = [per_second(1)]
out["runs_per_second_2"] = [per_second(2)]
out["peak_rss_mib"] = [resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024]
print(json.dumps(out))
'''


def export(commit: str, folder: Path) -> Path:
    """The reference commit's ``src`` folder, exported into ``folder``."""
    archive = subprocess.run(["git", "archive", commit, "src"], cwd=ROOT, capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    return folder / "src"


def measure(src: Path, samples: int) -> dict[str, list[float]]:
    env = {**os.environ, "PYTHONPATH": str(src)}
    done = subprocess.run([sys.executable, "-c", MEASURE, str(samples)], env=env, capture_output=True, text=True,
                          check=False)
    if done.returncode != 0:
        raise SystemExit(f"measuring {src} failed:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reference", default=REFERENCE, help=f"commit to compare with (default {REFERENCE})")
    parser.add_argument("--rounds", type=int, default=5, help="alternating rounds of processes (default 5)")
    parser.add_argument("--samples", type=int, default=3, help="samples of each figure per process (default 3)")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args(argv)
    if args.rounds < 1 or args.samples < 1:
        parser.error("--rounds and --samples must be at least 1")
    commit = subprocess.run(["git", "rev-parse", "--short", args.reference], cwd=ROOT, capture_output=True,
                            text=True, check=True).stdout.strip()
    current = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                             check=False).stdout.strip() or "working tree"
    figures: dict[str, dict[str, list[float]]] = {"reference": {}, "current": {}}
    with tempfile.TemporaryDirectory(prefix="ctsim-bench-") as tmp:
        sources = {"reference": export(commit, Path(tmp)), "current": ROOT / "src"}
        for _ in range(args.rounds):
            for who in ("reference", "current"):  # interleaved: both see the same machine in the same minutes
                for key, values in measure(sources[who], args.samples).items():
                    figures[who].setdefault(key, []).extend(values)
    medians = {who: {k: statistics.median(v) for k, v in f.items()} for who, f in figures.items()}
    months = HISTORY_MONTHS + SCENARIO_MONTHS
    for m in medians.values():
        m["per_month_ms"] = 1000 * m["standard_s"] / months
    rows = [("standard run (history + 120 months)", "standard_s", "s", False),
            ("per simulated month", "per_month_ms", "ms", False),
            ("calibration candidate (36-month history + ABC summaries)", "candidate_s", "s", False),
            ("runs per second, 1 process", "runs_per_second_1", "runs/s", True),
            ("runs per second, 2 processes", "runs_per_second_2", "runs/s", True),
            ("peak memory of the measuring process", "peak_rss_mib", "MiB", False)]
    print(f"ctsim speed: reference {commit} against current {current}, {args.rounds} interleaved rounds of "
          f"{args.samples} samples (medians); {platform.machine()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}")
    print(f"{'':58} {'reference':>11} {'current':>11} {'ratio':>7}")
    result = {"reference": commit, "current": current, "rounds": args.rounds, "samples": args.samples,
              "machine": f"{platform.machine()}, {os.cpu_count()} cores, {platform.platform()}",
              "python": platform.python_version(), "medians": medians, "ratios": {}}
    for label, key, unit, higher_is_better in rows:
        ref, cur = medians["reference"][key], medians["current"][key]
        ratio = cur / ref if higher_is_better else ref / cur
        result["ratios"][key] = ratio
        print(f"{label:58} {ref:>8.3f} {unit:<2} {cur:>8.3f} {unit:<2} {ratio:>6.2f}x")
    print("ratio: how many times faster (or lighter) the current code is; above 1 is better")
    if args.json:
        args.json.write_text(json.dumps(result, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
