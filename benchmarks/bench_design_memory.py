"""Benchmark: the batch driver's peak memory as the number of runs grows (issue 11), and how fast a design too
large for the limit is refused.

Usage::

    python benchmarks/bench_design_memory.py [--sizes 100000,1000000] [--repeats 1] [--json FILE]

For each size, a fresh Python process loads an experiment of that many runs (a Latin hypercube of size/10 points
over two factors, 10 replications of the baseline), then runs the whole batch through the real driver
(``run_batch``: design written to Parquet, finished runs read back, tasks streamed, one part file per task) with
the model run replaced by a stub that returns a record at once: a million model runs would take days, and the
model's memory belongs to the workers, not the driver. The process reports its peak resident memory
(``ru_maxrss``) after the imports, after loading, and at the end; what the driver adds is the difference.
A full-factorial design of 12 factors x 5 levels (244 million points) is also loaded, to time its refusal.
Not a timed test: run it by hand.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

CHILD = textwrap.dedent("""
    import json, resource, sys, time
    from pathlib import Path
    import ctsim.experiments.batch as batch
    from ctsim.experiments.design import load_experiment
    from ctsim.experiments.worker import TaskResult

    def peak_mb():
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    def stub(task_id, specs):  # the driver's work without the model's
        return TaskResult(task_id, [{"run_id": s.run_id, "status": "ok", "error": "", "attacks": 1.0,
                                     "elapsed_s": 0.0, "worker": "stub"} for s in specs], None)

    batch.execute_task = stub
    path, out = Path(sys.argv[1]), Path(sys.argv[2])
    imported = peak_mb()
    started = time.perf_counter()
    experiment = load_experiment(path)
    loaded = peak_mb()
    summary = batch.run_batch(experiment, out, batch.BatchOptions(executor="serial", task_seconds=30,
                                                                  progress=False))
    print(json.dumps({"runs": summary.total, "ran": summary.ran, "pending": summary.pending,
                      "imports_mb": imported, "loaded_mb": loaded, "peak_mb": peak_mb(),
                      "parts": len(list((out / "parts").iterdir())), "seconds": time.perf_counter() - started}))
""")


def experiment(folder: Path, runs: int) -> Path:
    path = folder / f"exp_{runs}.toml"
    path.write_text(f'name = "mem"\nscenarios = ["{ROOT / "scenarios" / "baseline.toml"}"]\nreplications = 10\n'
                    f'months = 12\n[design]\nmethod = "latin_hypercube"\nsamples = {runs // 10}\n[design.factors]\n'
                    f'sanctuary_strength = [0.2, 0.8]\nct_lead = ["military", "police"]\n')
    return path


def measure(runs: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        path = experiment(Path(tmp), runs)
        proc = subprocess.run([sys.executable, "-c", CHILD, str(path), str(Path(tmp) / "out")], capture_output=True,
                              text=True, check=True)
        return json.loads(proc.stdout)


def refusal_seconds() -> float:
    from ctsim.declarations import registry

    numeric = [f for f in registry.FACTORS if f.kind == "float"][:12]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "ff.toml"
        path.write_text(f'scenarios = ["{ROOT / "scenarios" / "baseline.toml"}"]\n[design]\nmethod = '
                        f'"full_factorial"\n[design.factors]\n' + "".join(
                            f"{f.name} = {[f.low + (f.high - f.low) * k / 4 for k in range(5)]}\n" for f in numeric))
        code = ("import time, sys\nfrom ctsim.experiments.design import load_experiment, ExperimentError\n"
                "t = time.perf_counter()\ntry:\n    load_experiment(sys.argv[1])\nexcept ExperimentError as e:\n"
                "    print(time.perf_counter() - t, e, file=sys.stderr)\n")
        proc = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, check=True)
        return float(proc.stderr.split()[0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    results = {}
    for size in (int(s) for s in args.sizes.split(",")):
        trials = [measure(size) for _ in range(args.repeats)]
        peak = statistics.median(t["peak_mb"] for t in trials)
        loaded = statistics.median(t["loaded_mb"] for t in trials)
        results[size] = {"peak_mb": peak, "loaded_mb": loaded, "imports_mb": trials[0]["imports_mb"],
                         "seconds": statistics.median(t["seconds"] for t in trials), "parts": trials[0]["parts"],
                         "pending": trials[0]["pending"]}
        print(f"{size:>10,} runs: driver peak {peak:,.0f} MB (after imports {trials[0]['imports_mb']:,.0f} MB, "
              f"after loading {loaded:,.0f} MB), {results[size]['seconds']:.0f} s, {trials[0]['parts']:,} parts, "
              f"{trials[0]['pending']} pending (median of {args.repeats})")
    seconds = refusal_seconds()
    print(f"12 factors x 5 levels full factorial (244,140,625 points): refused in {seconds:.2f} s")
    if args.json:
        args.json.write_text(json.dumps({"sizes": results, "refusal_seconds": seconds}, indent=2))


if __name__ == "__main__":
    main()
