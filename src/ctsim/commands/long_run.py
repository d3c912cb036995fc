"""``ctsim long-run``: the status quo's long run (:mod:`ctsim.analysis.validation.long_run`): does it level off, and
where does violence go? Writes docs/long_run.json and its figure with ``make long-run``."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from ctsim.commands.options import bounded
from ctsim.data import REGION_KEYS
from ctsim.inputs import ascii_int
from ctsim.storage import atomic_write


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = sub.add_parser("long-run", help="run the status quo (or a scenario) for 20 years over many seeds: does "
                                             "it level off, and where does violence go?")
    parser.add_argument("--scenario", default="baseline", help="library name or scenario file (default: baseline)")
    parser.add_argument("--seeds", type=ascii_int, default=20, help="runs, one per seed (default 20)")
    parser.add_argument("--years", type=ascii_int, default=20, help="years after the history (default 20)")
    parser.add_argument("--workers", type=ascii_int, default=2, help="worker processes (default 2)")
    parser.add_argument("--draws", action="store_true",
                        help="seed i uses posterior draw i (default: the point calibration for every seed)")
    parser.add_argument("--json", type=Path, help="also write the yearly table and the checks to this file")
    parser.add_argument("--figure", type=Path, help="also draw the national band beside the record and each "
                                                    "region's share of attacks per year (PNG)")
    return parser


def handle(args: argparse.Namespace) -> int:
    import pandas as pd

    from ctsim.analysis.validation.long_run import long_run
    from ctsim.calibration.parameter_sets import choose
    from ctsim.figures import save_figure
    from ctsim.figures.charts import long_run_chart

    bounded("long-run", "--seeds", args.seeds, 2, 10_000)
    bounded("long-run", "--years", args.years, 1, 100)
    bounded("long-run", "--workers", args.workers, 1, 1024)
    parameters = choose(point=not args.draws)
    study = long_run(parameters, args.scenario, args.seeds, args.years, args.workers)
    pd.set_option("display.width", 200)
    print(f"scenario {args.scenario}: {args.seeds} seeds, {args.years} years after the history; "
          f"{parameters.label()}")
    print(study.table.round({"attacks_median": 0, "attacks_p05": 0, "attacks_p95": 0, "militants_median": 0,
                             "cells_median": 0, "triggers_mean": 2,
                             **{f"share_{k}": 3 for k in REGION_KEYS}}).to_string())
    for key, value in study.checks.items():
        print(f"{key}: {value}")
    if args.figure:
        save_figure(long_run_chart(study.table, args.scenario, args.seeds), args.figure)
    if args.json:
        atomic_write(args.json, lambda p: p.write_text(json.dumps(study.record(), indent=1)))
    return 0
