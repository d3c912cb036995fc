"""``ctsim forecast``: the validation that can fail (:mod:`ctsim.analysis.validation.forecast_study`): posterior
predictive checks over 2022-2024 and a forecast of 2024 from a calibration on 2022-2023 only, scored against naive
forecasts; writes docs/forecast.json, which docs/validation.md reads (``make forecast``; a study of about 20 minutes on
2 cores, not a test)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ctsim.inputs import InputError, ascii_float, ascii_int
from ctsim.storage import atomic_write


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = sub.add_parser("forecast", help="predictive checks and a rolling-origin forecast of 2024 scored against "
                                             "naive forecasts (docs/forecast.json)")
    parser.add_argument("--json", type=Path, default=Path("docs/forecast.json"), help="where to write the record")
    parser.add_argument("--draws", help="predictive checks: 'point' (the stored calibration) or a draws file "
                                        "(default: the packaged draws when present, else 'point')")
    parser.add_argument("--runs", type=ascii_int, default=200, help="predictive checks: runs (default 200)")
    parser.add_argument("--months", type=ascii_int, help="predictive checks: only the history's first months")
    parser.add_argument("--abc-dir", type=Path, default=Path("results/forecast/abc"),
                        help="ABC database and draws of the rolling origin (rerunning resumes it)")
    parser.add_argument("--population", type=ascii_int, default=150, help="ABC particles per generation (default 150)")
    parser.add_argument("--generations", type=ascii_int, default=10, help="ABC generations at most (default 10)")
    parser.add_argument("--time-budget", type=ascii_float, default=720.0,
                        help="seconds after which no new ABC generation starts (default 720)")
    parser.add_argument("--forecast-runs", type=ascii_int, default=200, help="runs from the draws (default 200)")
    parser.add_argument("--workers", type=ascii_int, default=1,
                        help="processes for the rolling origin's ABC (default 1; any number gives the same draws)")
    parser.add_argument("--origin", type=ascii_int, default=24,
                        help="months of the history before the origin (24: 2022-2023)")
    parser.add_argument("--horizon", type=ascii_int, default=12, help="months forecast after the origin (12: 2024)")
    return parser


def handle(args: argparse.Namespace) -> int:
    from ctsim.analysis.validation.forecast_study import run_study

    for option, value, low in (("--runs", args.runs, 2), ("--population", args.population, 2),
                               ("--generations", args.generations, 1), ("--forecast-runs", args.forecast_runs, 2),
                               ("--horizon", args.horizon, 1), ("--workers", args.workers, 1)):
        if value < low:
            raise InputError(f"forecast: option '{option}' = {value} must be at least {low}")

    def progress(done: int, total: int) -> None:
        if sys.stderr.isatty():
            print(f"\r{done}/{total} runs", end="" if done < total else "\n", file=sys.stderr, flush=True)

    try:
        record = run_study(draws=args.draws, runs=args.runs, months=args.months, abc_dir=args.abc_dir,
                           origin=args.origin, horizon=args.horizon, population=args.population,
                           generations=args.generations, time_budget=args.time_budget,
                           forecast_runs=args.forecast_runs, workers=args.workers, progress=progress)
    except FileNotFoundError as exc:
        raise InputError(f"forecast: {exc}") from None
    atomic_write(args.json, lambda p: p.write_text(json.dumps(record, indent=1, allow_nan=False) + "\n"))
    groups = record["predictive"]["summary"]["groups"]
    print("predictive coverage (50% / 90%): " + "; ".join(
        f"{g} {v['inside_50']:.0%} / {v['inside_90']:.0%} of {v['targets']}" for g, v in groups.items()))
    for sentence in record["rolling_origin"]["forecast"]["verdict"]:
        print(sentence)
    print(f"{record['model_runs']} model runs, {record['wall_seconds']:.0f} s; written to {args.json}")
    return 0
