"""The status quo's long run: does it level off, and where does violence go?

Runs a scenario (default: the library's baseline) for 20 years after the 2022-2024 history over many seeds and
reports, per year, national attacks (median and 5-95% band), active militants and cells, and each region's share of
attacks; then the checks issue 12 names: mean attacks in years 16-20 against years 11-15 (level-off within +/-15%),
whether cells grow in every one of years 11-20 (monotone growth), and Sindh plus Punjab's share of attacks in each
year through 2026 (under 10%). A study, not a test: it takes minutes.

By default every seed runs the point calibration; ``--draws`` gives seed i the parameter values of posterior draw i
(the replication rule of ``ctsim run``), so the band carries parameter uncertainty as well as chance.

Usage::

    python benchmarks/status_quo_long_run.py [--scenario baseline] [--seeds 20] [--years 20] [--workers 2]
        [--draws] [--json FILE] [--figure PNG]
"""

from __future__ import annotations

import argparse
import json
import sys
from functools import partial

import numpy as np
import pandas as pd

from ctsim.data import REGION_KEYS
from ctsim.experiments.executors import ExecutorSpec, map_ordered
from ctsim.experiments.parameter_sets import choose
from ctsim.scenarios.runner import run


def one(task: tuple[np.random.SeedSequence, dict[str, float] | None], scenario: str, months: int) -> pd.DataFrame:
    seed, draw = task
    result = run(scenario, seed, months, draw=draw)
    national = result.national.assign(year=result.national["month"].dt.year)
    yearly = national.groupby("year").agg(attacks=("attacks", "sum"), militants=("active_militants", "last"),
                                          cells=("cells", "last"), triggers=("triggers_fired", "sum"))
    regional = result.regional.assign(year=result.regional["month"].dt.year)
    shares = regional.pivot_table(index="year", columns="region_key", values="attacks", aggfunc="sum")
    shares = shares.div(shares.sum(axis=1).replace(0, np.nan), axis=0)[list(REGION_KEYS)].add_prefix("share_")
    return yearly.join(shares)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default="baseline", help="library name or scenario file (default: baseline)")
    parser.add_argument("--seeds", type=int, default=20)
    parser.add_argument("--years", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--draws", action="store_true",
                        help="seed i uses posterior draw i (default: the point calibration for every seed)")
    parser.add_argument("--json", help="also write the yearly table and the checks to this file")
    parser.add_argument("--figure", help="also draw the national band beside the record and each region's share of "
                                         "attacks per year (PNG)")
    args = parser.parse_args(argv)
    seeds = np.random.SeedSequence(20_240_101).spawn(args.seeds)
    parameters = choose(point=not args.draws)
    tasks = [(seed, parameters.values(i) or None) for i, seed in enumerate(seeds)]
    frames = map_ordered(partial(one, scenario=args.scenario, months=12 * args.years), tasks,
                         ExecutorSpec(kind="processes", workers=args.workers))
    runs = pd.concat([f.assign(seed=i) for i, f in enumerate(frames)])
    by_year = runs.groupby(level=0)
    table = pd.DataFrame({
        "attacks_median": by_year["attacks"].median(), "attacks_p05": by_year["attacks"].quantile(0.05),
        "attacks_p95": by_year["attacks"].quantile(0.95), "militants_median": by_year["militants"].median(),
        "cells_median": by_year["cells"].median(), "triggers_mean": by_year["triggers"].mean(),
        **{f"share_{k}": by_year[f"share_{k}"].mean() for k in REGION_KEYS},
    })
    years = table.index.to_numpy()
    first = years[0]
    late = runs[(runs.index >= first + 15) & (runs.index < first + 20)].groupby("seed")["attacks"].mean()
    mid = runs[(runs.index >= first + 10) & (runs.index < first + 15)].groupby("seed")["attacks"].mean()
    ratio = float(late.mean() / mid.mean()) if len(late) and len(mid) else float("nan")
    cells = runs[(runs.index >= first + 9) & (runs.index < first + 20)].pivot_table(index="seed", columns=runs.index
                                                                                     .name or "year",
                                                                                     values="cells")
    monotone = float((cells.diff(axis=1).iloc[:, 1:] > 0).all(axis=1).mean()) if cells.shape[1] > 1 else float("nan")
    south = (table["share_sindh"] + table["share_punjab"]).loc[: 2026]
    checks = {
        "attacks_years_16_20_over_11_15": ratio,
        "levels_off_within_15pct": bool(abs(ratio - 1.0) <= 0.15) if np.isfinite(ratio) else None,
        "share_of_seeds_with_cells_growing_every_year_11_20": monotone,
        "sindh_punjab_share_max_through_2026": float(south.max()),
        "sindh_punjab_under_10pct_through_2026": bool((south < 0.10).all()),
    }
    pd.set_option("display.width", 200)
    print(f"scenario {args.scenario}: {args.seeds} seeds, {args.years} years after the 2022-2024 history; "
          f"{parameters.label()}")
    print(table.round({"attacks_median": 0, "attacks_p05": 0, "attacks_p95": 0, "militants_median": 0,
                       "cells_median": 0, "triggers_mean": 2, **{f"share_{k}": 3 for k in REGION_KEYS}}).to_string())
    for key, value in checks.items():
        print(f"{key}: {value}")
    if args.figure:
        from ctsim.figures import save_figure
        from ctsim.figures.charts import long_run_chart

        save_figure(long_run_chart(table, args.scenario, args.seeds), args.figure)
    if args.json:
        from ctsim.analysis.evidence import model_fingerprint
        from ctsim.declarations.parameters import calibration_version

        with open(args.json, "w") as handle:
            json.dump({"scenario": args.scenario, "seeds": args.seeds, "years": args.years,
                       "parameters": parameters.manifest(args.seeds),
                       "model_fingerprint": model_fingerprint(), "calibration_version": calibration_version(),
                       "yearly": table.reset_index().to_dict("records"), "checks": checks}, handle, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
