"""Benchmark: what the size of the model's state costs, and the largest state plausible settings reach (issue 38).
The figures behind the cost guard's limits in ``src/ctsim/declarations/limits.py`` and the time estimate of
``batch --dry-run`` (``SECONDS_PER_INITIAL_CELL``, ``SECONDS_PER_MILITANT_MONTH`` in ``ctsim.experiments.batch``).

Usage::

    python benchmarks/bench_state_size.py [--draws 40] [--years 50] [--skip-cost] [--skip-largest]

Two parts:

1. **Cost.** For initial states from the plausible (9,000 militants in cells of 20) to beyond the limits (100,000
   militants in cells of 2: 50,000 cells), a fresh process builds the baseline without its history and runs a
   few months, reporting the build time, the first month's time (small cells merge then), the time of the
   following months, and the peak resident memory. Each process is stopped after ``--timeout`` seconds (the
   issue's bomb, a million militants in cells of 2, did not finish its first month in 200 s).
2. **Largest state.** The baseline's 2022-2024 history on ``--draws`` posterior draws, each alone, with 9,000
   militants in cells of 2, and with every uncertainty at its plausible high; then ``--years`` years of the status
   quo with every uncertainty at its plausible high. Prints the most cells and militants reached.

Not a timed test: run it by hand (a few minutes on one core).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import textwrap

COST = textwrap.dedent("""
    import json, resource, sys, time
    from ctsim.scenarios.runner import build_model

    militants, size, months = float(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3])
    began = time.perf_counter()
    model = build_model("baseline", 1, history=False,
                        uncertainties={"initial_active_militants": militants, "initial_cell_size": size})
    built = time.perf_counter()
    model.step()
    first = time.perf_counter()
    for _ in range(months - 1):
        model.step()
    done = time.perf_counter()
    print(json.dumps({"build_s": built - began, "first_month_s": first - built,
                      "later_month_s": (done - first) / max(1, months - 1), "cells_after": model.record["cells"],
                      "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
    model.release()
""")

STATES = [(9_000, 20), (9_000, 2), (50_000, 2), (90_000, 2), (100_000, 20), (100_000, 2), (1_000_000, 20),
          (1_000_000, 2)]


def cost(months: int, timeout: float) -> None:
    print(f"{'militants':>10} {'cell size':>9} {'cells':>8} {'build s':>8} {'month 1 s':>9} {'later s/month':>13} "
          f"{'peak MB':>8}")
    for militants, size in STATES:
        cells = militants / size
        try:
            proc = subprocess.run([sys.executable, "-c", COST, str(militants), str(size), str(months)],
                                  capture_output=True, text=True, timeout=timeout)
            row = json.loads(proc.stdout.strip().splitlines()[-1])
            print(f"{militants:>10,} {size:>9} {cells:>8,.0f} {row['build_s']:>8.2f} {row['first_month_s']:>9.2f} "
                  f"{row['later_month_s']:>13.4f} {row['peak_mb']:>8.0f}")
        except subprocess.TimeoutExpired:
            print(f"{militants:>10,} {size:>9} {cells:>8,.0f} {'not done within':>18} {timeout:.0f} s")


def largest(draws: int, years: int) -> None:
    from ctsim.calibration.parameter_sets import choose
    from ctsim.declarations.parameters import PARAMETERS
    from ctsim.scenarios.files import resolve_scenario
    from ctsim.scenarios.runner import build_model

    scenario = resolve_scenario("baseline")
    parameters = choose(False)
    high = {p.name: p.plausible[1] for p in PARAMETERS if p.plausible}
    settings = {"alone": {}, "9,000 in cells of 2": {"initial_active_militants": 9000.0, "initial_cell_size": 2.0},
                "all at the plausible high": high}

    def grow(draw: dict, extra: dict, seed: int, months: int) -> tuple[float, float]:
        model = build_model(scenario, seed, draw=draw, uncertainties=extra)
        cells = militants = 0.0
        try:
            for _ in range(months):
                model.step()
                cells, militants = max(cells, model.record["cells"]), max(militants, model.record["active_militants"])
        finally:
            model.release()
        return cells, militants

    for label, extra in settings.items():
        states = [grow(parameters.values(r) or {}, extra, r, scenario.history_months) for r in range(draws)]
        print(f"history 2022-2024, {draws} draws, {label}: at most {max(c for c, _ in states):,.0f} cells, "
              f"{max(m for _, m in states):,.0f} militants")
    states = [grow(parameters.values(r) or {}, high, r, scenario.history_months + 12 * years) for r in range(3)]
    print(f"{years} years after the history, 3 draws, every uncertainty at its plausible high: at most "
          f"{max(c for c, _ in states):,.0f} cells, {max(m for _, m in states):,.0f} militants")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--draws", type=int, default=40)
    parser.add_argument("--years", type=int, default=50)
    parser.add_argument("--months", type=int, default=6, help="months run in the cost part (default 6)")
    parser.add_argument("--timeout", type=float, default=200.0)
    parser.add_argument("--skip-cost", action="store_true")
    parser.add_argument("--skip-largest", action="store_true")
    args = parser.parse_args()
    if not args.skip_cost:
        cost(args.months, args.timeout)
    if not args.skip_largest:
        largest(args.draws, args.years)


if __name__ == "__main__":
    main()
