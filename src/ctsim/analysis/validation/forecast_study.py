"""The validation study that can fail: posterior predictive checks over 2022-2024 and a rolling-origin forecast of 2024.

Writes one JSON record (``docs/forecast.json`` by ``make forecast``) that ``docs/validation.md`` renders
(:func:`ctsim.docs.validation.forecast_section`), stamped with the model's fingerprint so a stale study is refused
there, with the wall time and the number of model runs of each part.

1. Predictive checks (:mod:`ctsim.analysis.validation.predictive`): ``--runs`` runs of the history, one per parameter
set (the
   packaged draws when present, else the stored point calibration, or ``--draws FILE``).
2. Rolling origin (:mod:`ctsim.analysis.validation.rolling_origin`): ABC on 2022-2023 only, resumable in ``--abc-dir``
(a
   subfolder per model fingerprint, so a changed model never resumes another's particles), then
   ``--forecast-runs`` runs of the whole history from its draws, 2024 scored against three naive forecasts.

The documented budget (the defaults): ABC population 150, at most 10 generations, no new generation after 12 minutes
(pyabc checks between generations, so the last one may run past it), one run per candidate; 200 predictive and 200
forecast runs; about 18 minutes with ``--workers 2`` on the development machine's 2 cores (2026-12-02).

Usage::

    ctsim forecast [--json docs/forecast.json] [--draws point|FILE] [--runs 200]
        [--abc-dir results/forecast/abc] [--population 150] [--generations 10] [--time-budget 720] [--workers 1]
        [--forecast-runs 200] [--origin 24] [--horizon 12] [--months 36]
"""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ctsim.analysis.validation import forecast, predictive, rolling_origin
from ctsim.calibration.fingerprint import model_fingerprint
from ctsim.declarations.parameters import calibration_version
from ctsim.storage import write_text

FORMAT = "ctsim-forecast-study"
VERSION = 1
TIMING_FILE = "timing.json"  # in the ABC folder: seconds spent by every call, so a resumed run's cost adds up


def predictive_part(source: str | Path | None, runs: int, months: int | None, progress=None) -> dict[str, Any]:
    """Run and check the posterior predictive; the JSON-ready part of the record."""
    started = time.perf_counter()
    sets = predictive.parameter_sets(source, runs)
    sample = predictive.simulate_sample(sets.values, months=months, progress=progress)
    table, summary = predictive.predictive_checks(sample)
    return {"source": sets.source, "description": sets.description, "runs": sample.runs,
            "months": [sample.months[0], sample.months[-1]], "seed": predictive.PREDICTIVE_SEED,
            "model_runs": sample.runs, "wall_seconds": round(time.perf_counter() - started, 1),
            "summary": summary, "table": _records(table)}


def rolling_origin_part(abc_dir: Path, *, origin: int, horizon: int, population: int, generations: int,
                        time_budget: float | None, forecast_runs: int, workers: int = 1,
                        progress=None) -> dict[str, Any]:
    """Calibrate on the months before the origin, forecast the rest, score it; the JSON-ready part of the record.

    The ABC is kept in ``abc_dir/<model fingerprint>``: a rerun on the same model resumes it, a changed model starts
    afresh rather than resuming particles simulated by another model (the targets alone would not tell them apart).
    """

    abc_dir = Path(abc_dir) / model_fingerprint()
    started = time.perf_counter()
    draws = rolling_origin.calibrate_to_origin(abc_dir, origin=origin, population_size=population,
                                               max_populations=generations, time_budget=time_budget,
                                               sampler=workers if workers > 1 else "single")
    abc_seconds = _add_timing(abc_dir, time.perf_counter() - started)
    started = time.perf_counter()
    sample = rolling_origin.forecast_after_origin(draws, forecast_runs, origin=origin, horizon=horizon,
                                                  progress=progress)
    table = rolling_origin.score_after_origin(sample, origin=origin, horizon=horizon)
    held_out = sample.monthly[:, origin:origin + horizon]
    totals = held_out.sum(axis=1)
    quantiles = {f"q{round(100 * q):02d}": [*np.quantile(held_out, q, axis=0), float(np.quantile(totals, q))]
                 for q in (0.05, 0.25, 0.5, 0.75, 0.95)}
    checks, summary = predictive.predictive_checks(sample)
    diagnostics = draws.diagnostics
    return {
        "origin": origin, "horizon": horizon, "origin_month": sample.months[origin - 1],
        "abc": {"settings": {k: v for k, v in draws.settings.items() if k != "db_path"},
                "draws_file": str(Path(abc_dir) / "draws.json"), "model_runs": rolling_origin.model_runs_of(draws),
                "wall_seconds_all_calls": round(abc_seconds, 1), "generations": diagnostics["generations"],
                "effective_sample_size": diagnostics["effective_sample_size"],
                "parameters": {k: {q: v[q] for q in ("q05", "q50", "q95", "prior", "q05_q95_share_of_prior")}
                               for k, v in diagnostics["parameters"].items()}},
        "forecast": {"runs": sample.runs, "seed": rolling_origin.FORECAST_SEED, "model_runs": sample.runs,
                     "wall_seconds": round(time.perf_counter() - started, 1),
                     "periods": [*sample.months[origin:origin + horizon], forecast.YEAR],
                     "model_quantiles": {k: [float(x) for x in v] for k, v in quantiles.items()},
                     "score": rolling_origin.table_to_record(table), "verdict": forecast.verdict(table)},
        "checks": {"summary": summary, "table": _records(checks)},
    }


def run_study(*, draws: str | Path | None = None, runs: int = 200, months: int | None = None,
              abc_dir: str | Path = "results/forecast/abc", origin: int = rolling_origin.ORIGIN,
              horizon: int = rolling_origin.HORIZON, population: int = 150, generations: int = 10,
              time_budget: float | None = 720.0, forecast_runs: int = 200, workers: int = 1,
              progress=None) -> dict[str, Any]:
    """Both parts; the record :func:`ctsim.docs.validation.forecast_section` renders."""

    started = time.perf_counter()
    checks = predictive_part(draws, runs, months, progress=progress)
    origin_part = rolling_origin_part(Path(abc_dir), origin=origin, horizon=horizon, population=population,
                                      generations=generations, time_budget=time_budget,
                                      forecast_runs=forecast_runs, workers=workers, progress=progress)
    runs_made = checks["model_runs"] + origin_part["abc"]["model_runs"] + origin_part["forecast"]["model_runs"]
    return {"format": FORMAT, "version": VERSION, "created_utc": datetime.now(UTC).isoformat(timespec="seconds"),
            "model_fingerprint": model_fingerprint(), "calibration_version": calibration_version(),
            "wall_seconds_this_call": round(time.perf_counter() - started, 1),
            "wall_seconds": round(checks["wall_seconds"] + origin_part["abc"]["wall_seconds_all_calls"]
                                  + origin_part["forecast"]["wall_seconds"], 1),
            "model_runs": int(runs_made), "predictive": checks, "rolling_origin": origin_part}


def _records(table: pd.DataFrame) -> list[dict[str, Any]]:
    return [{k: (None if isinstance(v, float) and not np.isfinite(v) else v) for k, v in row.items()}
            for row in table.to_dict("records")]


def _add_timing(abc_dir: Path, seconds: float) -> float:
    """Add this call's seconds to the folder's ledger; return the total over every call."""
    path = Path(abc_dir) / TIMING_FILE
    calls = json.loads(path.read_text())["calls"] if path.exists() else []
    calls.append({"utc": datetime.now(UTC).isoformat(timespec="seconds"), "seconds": round(seconds, 1)})
    write_text(path, json.dumps({"calls": calls}, indent=1) + "\n")
    return float(sum(c["seconds"] for c in calls))
