"""The status quo's long run: does it level off, and where does violence go?

Runs a scenario (default: the library's baseline) for 20 years after the 2013-2024 history over many seeds and
reports, per year, national attacks (median and 5-95% band), active militants and cells, and each region's share of
attacks; then the checks issue 12 names: mean attacks in years 16-20 against years 11-15 (level-off within +/-15%),
whether cells grow in every one of years 11-20 (monotone growth), and Sindh plus Punjab's share of attacks in each
year through 2026 (under 10%). A study, not a test: it takes minutes.

By default every seed runs the point calibration; ``--draws`` gives seed i the parameter values of posterior draw i
(the replication rule of ``ctsim run``), so the band carries parameter uncertainty as well as chance.

Usage::

    ctsim long-run [--scenario baseline] [--seeds 20] [--years 20] [--workers 2] [--draws] [--json FILE]
        [--figure PNG]
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Any

import numpy as np
import pandas as pd

from ctsim.calibration.fingerprint import model_fingerprint
from ctsim.calibration.parameter_sets import ParameterSet
from ctsim.data import REGION_KEYS
from ctsim.declarations.parameters import calibration_version
from ctsim.experiments.executors import ExecutorSpec, replicate, replications
from ctsim.scenarios.runner import run

SEED = 20_240_101


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


@dataclass
class LongRun:
    """What the long run produced.

    Attributes:
        scenario: the scenario run (a library name or a file).
        seeds: runs (one per seed).
        years: years after the history.
        table: one row per year: attacks (median and 5-95% band), militants, cells, triggers, regional shares.
        checks: the level-off, growth and regional checks (see the module docstring).
        parameters: the parameter set the runs used.
    """

    scenario: str
    seeds: int
    years: int
    table: pd.DataFrame
    checks: dict[str, Any]
    parameters: ParameterSet

    def record(self) -> dict[str, Any]:
        """The JSON record docs/validation.md reads (with the model fingerprint it was computed on)."""
        return {"scenario": self.scenario, "seeds": self.seeds, "years": self.years,
                "parameters": self.parameters.manifest(self.seeds), "model_fingerprint": model_fingerprint(),
                "calibration_version": calibration_version(), "yearly": self.table.reset_index().to_dict("records"),
                "checks": self.checks}


def long_run(parameters: ParameterSet, scenario: str = "baseline", seeds: int = 20, years: int = 20,
             workers: int = 2) -> LongRun:
    """Run ``scenario`` for ``years`` after its history on ``seeds`` seeds (seed i takes the parameter set's
    replication i) and summarise it."""
    tasks = [(r.seed, r.draw or None) for r in replications(seeds, SEED, parameters)]
    frames = replicate(partial(one, scenario=scenario, months=12 * years), tasks,
                       ExecutorSpec(kind="processes", workers=workers))
    runs = pd.concat([f.assign(seed=i) for i, f in enumerate(frames)])
    by_year = runs.groupby(level=0)
    table = pd.DataFrame({
        "attacks_median": by_year["attacks"].median(), "attacks_p05": by_year["attacks"].quantile(0.05),
        "attacks_p95": by_year["attacks"].quantile(0.95), "militants_median": by_year["militants"].median(),
        "cells_median": by_year["cells"].median(), "triggers_mean": by_year["triggers"].mean(),
        **{f"share_{k}": by_year[f"share_{k}"].mean() for k in REGION_KEYS},
    })
    first = table.index.to_numpy()[0]
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
    return LongRun(scenario, seeds, years, table, checks, parameters)
