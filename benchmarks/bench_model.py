"""Benchmark of the model's speed against a reference commit, measured side by side in one invocation.

Usage::

    python benchmarks/bench_model.py [--reference 98540df] [--rounds 5] [--samples 3] [--json FILE]

The reference commit's ``src`` is exported (``git archive``) into a temporary folder; the same Python then runs each
measurement on the reference code and on this tree's code, in fresh processes that alternate (reference, current,
reference, current, ...) for ``--rounds`` rounds, so both see the same machine in the same minutes. Each process warms
up (imports, compiled kernels loaded from their cache, the first runs of a process), then times ``--samples``
samples of every measurement; the figures are medians over all samples of all rounds:

- a standard run: the library's baseline after the 36-month history of 2022-2024 (in both libraries), 156 months in
  both codes, as ``ctsim run`` and a batch worker run it, frames and summary included; and per simulated month;
- a calibration candidate: that 36-month history run once, reduced to the summaries the ABC compares with the
  targets (``posterior.ctsim_summary``), as one ABC candidate cost before the long history;
- both with the reference's point calibration (its free parameters exist in both codes), so that both carry the same
  state: the same work;
- each code's own baseline run and own calibration candidate (since the long history of issue 34, 264 and 144 months
  in the current code against 156 and 36 in the reference): only their cost per simulated month compares;
- throughput: standard runs per second on 1 and on 2 worker processes (a pool of that size, 4 runs per worker);
- peak resident memory of the measuring process.

It prints a table with the ratio reference / current of each figure (above 1: the current code is faster). In its own
runs each code uses its own point calibration, so the state it carries (militants, cells) differs, and with it the
cost of a month.
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

# What a measuring process runs: it imports whichever ctsim is first on its path, so the same script measures the
# reference and the current code. The package layout moved between them; the imports say where each thing lives.
MEASURE = r'''
import dataclasses, json, os, resource, statistics, sys, time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context

from ctsim.scenarios.runner import run
from ctsim.scenarios.files import load_scenario
from ctsim.scenarios.library import LIBRARY_DIR
from ctsim.declarations.parameters import calibrated
try:
    from ctsim.analysis.calibration import point as calibration
    from ctsim.analysis.calibration import posterior
except ImportError:  # the reference's layout
    from ctsim.analysis import calibration, posterior
import numpy as np

samples = int(sys.argv[1])
values = dict(calibrated())
# The same work in both codes: the reference's point calibration (its free parameters exist in both).
same_values = json.loads(os.environ["CTSIM_BENCH_VALUES"])
# The same months in both codes: the 2022-2024 history (in both libraries), and the baseline's levers after it.
short = load_scenario(LIBRARY_DIR / "history_2022_2024.toml")
same = dataclasses.replace(load_scenario(LIBRARY_DIR / "baseline.toml"), history=short)
# Each code's own: its library's baseline with its own history, and its own calibration history.
own = load_scenario(LIBRARY_DIR / "baseline.toml")
own_history = load_scenario(calibration.HISTORY)


def months_of(scenario):
    return (scenario.history.months if scenario.history else 0) + scenario.months


def standard(seed):
    return run(same, seed, uncertainties=same_values)


def candidate(seed):
    return posterior.ctsim_summary(calibration.simulate({**values, **same_values}, short,
                                                        [np.random.SeedSequence(seed)]))


def own_standard(seed):
    return run(own, seed)


def own_candidate(seed):
    return posterior.ctsim_summary(calibration.simulate(values, own_history, [np.random.SeedSequence(seed)]))


def per_second(workers):
    with ProcessPoolExecutor(workers, mp_context=get_context("fork")) as pool:
        list(pool.map(standard, range(900, 900 + workers)))  # the workers warm up
        started = time.perf_counter()
        list(pool.map(standard, range(1000, 1000 + 4 * workers)))
        return 4 * workers / (time.perf_counter() - started)


measured = {"standard_s": standard, "candidate_s": candidate, "own_standard_s": own_standard,
            "own_candidate_s": own_candidate}
for warm in range(2):
    for f in measured.values():
        f(10_000 + warm)
out = {key: [] for key in measured}
for k in range(samples):
    for key, f in measured.items():
        started = time.perf_counter()
        f(k + 1)
        out[key].append(time.perf_counter() - started)
out["runs_per_second_1"] = [per_second(1)]
out["runs_per_second_2"] = [per_second(2)]
out["peak_rss_mib"] = [resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024]
out["months"] = [{"standard_s": months_of(same), "candidate_s": months_of(short), "own_standard_s": months_of(own),
                  "own_candidate_s": months_of(own_history)}]
print(json.dumps(out))
'''


def export(commit: str, folder: Path) -> Path:
    """The reference commit's ``src`` folder, exported into ``folder``."""
    archive = subprocess.run(["git", "archive", commit, "src"], cwd=ROOT, capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    return folder / "src"


def reference_values(commit: str) -> dict[str, float]:
    """The reference commit's point calibration: the free parameters' values both codes run the same work with."""
    text = subprocess.run(["git", "show", f"{commit}:src/ctsim/data/calibration.json"], cwd=ROOT,
                          capture_output=True, text=True, check=True).stdout
    return {name: entry["value"] for name, entry in json.loads(text)["free_parameters"].items()}


def measure(src: Path, samples: int, same_values: dict[str, float]) -> dict[str, list[float]]:
    env = {**os.environ, "PYTHONPATH": str(src), "CTSIM_BENCH_VALUES": json.dumps(same_values)}
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
    same = reference_values(commit)
    with tempfile.TemporaryDirectory(prefix="ctsim-bench-") as tmp:
        sources = {"reference": export(commit, Path(tmp)), "current": ROOT / "src"}
        for _ in range(args.rounds):
            for who in ("reference", "current"):  # interleaved: both see the same machine in the same minutes
                for key, values in measure(sources[who], args.samples, same).items():
                    figures[who].setdefault(key, []).extend(values)
    months = {who: f.pop("months")[0] for who, f in figures.items()}
    medians = {who: {k: statistics.median(v) for k, v in f.items()} for who, f in figures.items()}
    for who, m in medians.items():
        for key in ("standard_s", "own_standard_s", "own_candidate_s"):
            m[f"{key[:-2]}_per_month_ms"] = 1000 * m[key] / months[who][key]
    own = {who: f"{months[who]['own_standard_s']} / {months[who]['own_candidate_s']}" for who in months}
    rows = [(f"standard run: 2022-2024 history + 120 months ({months['current']['standard_s']} months, both)",
             "standard_s", "s", False),
            ("  per simulated month", "standard_per_month_ms", "ms", False),
            (f"calibration candidate: the 2022-2024 history ({months['current']['candidate_s']} months, both)",
             "candidate_s", "s", False),
            ("runs per second, 1 process (the standard run)", "runs_per_second_1", "runs/s", True),
            ("runs per second, 2 processes", "runs_per_second_2", "runs/s", True),
            (f"each code's own baseline run (months: {own['reference'].split(' / ')[0]} and "
             f"{own['current'].split(' / ')[0]})", "own_standard_s", "s", None),
            ("  per simulated month", "own_standard_per_month_ms", "ms", False),
            (f"each code's own calibration candidate (months: {own['reference'].split(' / ')[1]} and "
             f"{own['current'].split(' / ')[1]})", "own_candidate_s", "s", None),
            ("  per simulated month", "own_candidate_per_month_ms", "ms", False),
            ("peak memory of the measuring process", "peak_rss_mib", "MiB", False)]
    print(f"ctsim speed: reference {commit} against current {current}, {args.rounds} interleaved rounds of "
          f"{args.samples} samples (medians); {platform.machine()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}")
    print(f"{'':70} {'reference':>11} {'current':>11} {'ratio':>7}")
    result = {"reference": commit, "current": current, "rounds": args.rounds, "samples": args.samples,
              "machine": f"{platform.machine()}, {os.cpu_count()} cores, {platform.platform()}",
              "python": platform.python_version(), "months": months, "medians": medians, "ratios": {}}
    for label, key, unit, higher_is_better in rows:
        ref, cur = medians["reference"][key], medians["current"][key]
        if higher_is_better is None:  # different work on each side: only its cost per month compares
            print(f"{label:70} {ref:>8.3f} {unit:<2} {cur:>8.3f} {unit:<2} {'':>7}")
            continue
        ratio = cur / ref if higher_is_better else ref / cur
        result["ratios"][key] = ratio
        print(f"{label:70} {ref:>8.3f} {unit:<2} {cur:>8.3f} {unit:<2} {ratio:>6.2f}x")
    print("ratio: how many times faster (or lighter) the current code is; above 1 is better")
    if args.json:
        args.json.write_text(json.dumps(result, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
