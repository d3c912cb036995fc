"""Calibration to 2022-2023: the targets, the loss, the fit, and the stored result every run uses by default.

Targets (FACTS.md s1, PICSS): national attacks per month in 2022 and 2023, annual attacks, deaths and injuries in
both years, and the 2023 shares of attacks by region. The free parameters are the declared uncertainties named in
:data:`FREE`, searched within their plausible ranges. A candidate is scored by running the history scenario
(January 2022 to December 2023) ``replications`` times with common random numbers and comparing the mean with the
targets. The search is SciPy's differential evolution, seeded, with its population evaluated on a batch executor
(local processes by default, or Dask), so the same command gives the same result on any number of workers.

The result is written to ``src/ctsim/data/calibration.json`` (versioned, with its loss and provenance);
:func:`ctsim.declarations.parameters.defaults` reads it, so every run uses the calibrated values unless a scenario
overrides them.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.optimize import differential_evolution

from ctsim.data import REGION_KEYS
from ctsim.declarations.parameters import CALIBRATION_FILE, PARAMETERS_BY_NAME
from ctsim.scenarios.library import HISTORY as HISTORY_NAME
from ctsim.scenarios.library import LIBRARY_DIR

# --- targets: FACTS.md s1 (PICSS; 2022 monthly values marked * there are derived from month-on-month changes) -----
MONTHLY_ATTACKS = np.array([24, 13, 26, 34, 29, 26, 33, 31, 42, 39, 34, 49,
                            44, 58, 39, 48, 40, 47, 54, 99, 65, 47, 63, 46], dtype=float)
ANNUAL = {2022: {"attacks": 380.0, "deaths": 539.0, "injuries": 836.0},
          2023: {"attacks": 645.0, "deaths": 976.0, "injuries": 1354.0}}
# 2023 shares of attacks (seed, from PICSS): KP settled 37%, merged 29%, Sindh 35, Punjab 14, AJK, GB and ICT 1 each
# of 645; Balochistan 170 (PICSS full year).
SHARES_2023 = {"kp_settled": 0.37, "merged": 0.29, "balochistan": 170 / 645, "sindh": 35 / 645, "punjab": 14 / 645,
               "ict": 1 / 645, "gb": 1 / 645, "ajk": 1 / 645}
# Fit targets of the issue: annual figures within 10%, shares within 5 points, monthly correlation at least 0.6.
TOLERANCE = {"annual_relative": 0.10, "share_points": 0.05, "monthly_correlation": 0.6}

FREE = ("initial_active_militants", "base_radicalisation_rate", "recruit_reach", "detection_rate",
        "sanctuary_strength", "resource_income_per_member", "neighbour_attack_share")
HISTORY = LIBRARY_DIR / f"{HISTORY_NAME}.toml"


@dataclass
class Fit:
    """Mean simulated outcomes of a parameter set over the calibration window."""

    monthly_attacks: np.ndarray
    annual: dict[int, dict[str, float]]
    shares_2023: dict[str, float]
    runs: pd.DataFrame  # one row per replication and month: attacks, deaths, injuries (for intervals)


def simulate(values: dict[str, float], history, seeds: list[np.random.SeedSequence]) -> Fit:
    """Run the history scenario once per seed with the given parameter values; return means and the runs."""
    from ctsim.scenarios.runner import run

    rows, shares = [], []
    for r, seed in enumerate(seeds):
        result = run(history, seed, uncertainties=values)
        national, regional = result.national, result.regional
        rows.append(national[["month", "attacks", "deaths", "injuries"]].assign(replication=r))
        last = regional[regional["month"].dt.year == 2023].groupby("region_key")["attacks"].sum()
        shares.append((last / max(last.sum(), 1.0)).reindex(list(REGION_KEYS)).fillna(0.0))
    runs = pd.concat(rows, ignore_index=True)
    mean = runs.groupby("month")[["attacks", "deaths", "injuries"]].mean()
    annual = {int(y): {k: float(v) for k, v in g.sum().items()} for y, g in mean.groupby(mean.index.year)}
    return Fit(mean["attacks"].to_numpy(), annual, pd.concat(shares, axis=1).mean(axis=1).to_dict(), runs)


OUT_OF_TOLERANCE_WEIGHT = 10.0


def loss(fit: Fit) -> float:
    """Each error in units of its tolerance (10% for annual figures, 5 points for shares): the mean squared error of
    each group, plus a steep penalty on the part of any error beyond its tolerance, plus (1 - correlation) of the
    monthly series, doubled (and penalised below 0.6)."""
    annual = np.array([(fit.annual.get(y, {}).get(k, 0.0) - t) / t / TOLERANCE["annual_relative"]
                       for y, targets in ANNUAL.items() for k, t in targets.items()])
    shares = np.array([(fit.shares_2023[k] - v) / TOLERANCE["share_points"] for k, v in SHARES_2023.items()])
    corr = np.corrcoef(fit.monthly_attacks, MONTHLY_ATTACKS)[0, 1] if fit.monthly_attacks.std() > 0 else 0.0
    beyond = np.concatenate([np.maximum(np.abs(annual) - 1.0, 0.0), np.maximum(np.abs(shares) - 1.0, 0.0),
                             [max(TOLERANCE["monthly_correlation"] - corr, 0.0) / 0.1]])
    return float(np.mean(annual ** 2) + np.mean(shares ** 2) + 2.0 * (1.0 - corr)
                 + OUT_OF_TOLERANCE_WEIGHT * np.sum(beyond ** 2))


def _score(task: tuple[tuple[float, ...], object, list]) -> float:
    theta, history, seeds = task
    return loss(simulate(dict(zip(FREE, theta, strict=True)), history, seeds))


def bounds() -> list[tuple[float, float]]:
    """Search bounds: the plausible range declared for each free parameter."""
    return [PARAMETERS_BY_NAME[name].plausible for name in FREE]


def calibrate(history, replications: int = 3, seed: int = 20220101, generations: int = 12, popsize: int = 6,
              executor=None, time_budget: float | None = None, progress=None) -> dict:
    """Fit the free parameters; return the calibration record (not yet written).

    Args:
        history: the history scenario.
        replications: runs per candidate (common random numbers: the same seeds for every candidate).
        seed: seeds the replications and the search.
        generations: differential-evolution generations.
        popsize: population size per free parameter.
        executor: a ``concurrent.futures.Executor`` evaluating candidates (None: in this process).
        time_budget: stop after this many seconds (the result then depends on the machine's speed).
        progress: optional callable ``f(generation, best_loss)``.
    """
    seeds = np.random.SeedSequence(seed).spawn(replications)
    mapper = (lambda f, xs: list(executor.map(f, xs))) if executor is not None else map  # noqa: E731
    started = time.perf_counter()
    generation = [0]

    def objective_map(func, thetas):
        return mapper(_score, [(tuple(float(v) for v in theta), history, seeds) for theta in thetas])

    def callback(intermediate_result) -> bool:
        generation[0] += 1
        if progress is not None:
            progress(generation[0], float(intermediate_result.fun))
        return time_budget is not None and time.perf_counter() - started > time_budget

    result = differential_evolution(_score_placeholder, bounds(), seed=seed, maxiter=generations, popsize=popsize,
                                    polish=False, updating="deferred", workers=objective_map, callback=callback,
                                    init="latinhypercube", tol=0.0)
    values = {name: float(v) for name, v in zip(FREE, result.x, strict=True)}
    return {
        "version": 1,
        "created_utc": datetime.now(UTC).isoformat(timespec="seconds"),
        "method": "scipy.optimize.differential_evolution (deferred updating, Latin-hypercube start, no polish)",
        "settings": {"replications": replications, "seed": seed, "generations": generations, "popsize": popsize,
                     "stopped_by_time_budget": bool(time_budget is not None and generation[0] < generations)},
        "free_parameters": {name: {"value": values[name], "bounds": list(PARAMETERS_BY_NAME[name].plausible)}
                            for name in FREE},
        "loss": float(result.fun),
        "evaluations": int(result.nfev),
        "history_scenario": HISTORY_NAME,
    }


def _score_placeholder(theta) -> float:  # pragma: no cover - differential_evolution calls it through `workers`
    raise RuntimeError("evaluated through the workers map")


def write(record: dict, path: Path = CALIBRATION_FILE) -> None:
    """Store a calibration record (atomically)."""
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(json.dumps(record, indent=2) + "\n")
    tmp.replace(path)
