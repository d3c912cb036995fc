"""Posterior predictive checks: do the model's runs, over its parameter uncertainty, cover what was observed?

For ``n`` parameter sets (the draws of an ABC posterior, or the stored point calibration repeated), the history
scenario is run once each, run ``i`` with seed ``i`` of one seed sequence (common random numbers: the same seeds
whatever the parameter sets, so two sources are compared on the same noise). Every run is reduced to the calibration
targets with :func:`ctsim.analysis.calibration.posterior.ctsim_summary` (monthly national attacks, annual attacks,
deaths and injuries, regional shares of attacks, militants killed), and each observed target is checked against the
spread of the runs:

- coverage: whether it lies inside the central 50% and 90% predictive intervals
(:func:`ctsim.analysis.validation.forecast.
  inside_interval`); over many targets a well-calibrated predictive covers about 50% and 90% of them;
- the predictive median against the project's tolerances (targets.TOLERANCE: annual figures within 10%, shares
  within 5 points, militants killed within 25%), and the correlation of the monthly medians with the observed months
  (at least 0.6).

In ``point`` mode the intervals carry only the model's own noise (one parameter set, many seeds), so they are too
narrow by construction when parameters are uncertain: coverage below nominal there says as much about the missing
parameter uncertainty as about the model.

Example::

    from ctsim.analysis.validation.predictive import parameter_sets, predictive_checks, simulate_sample
    sets = parameter_sets(None, 100)            # the packaged draws if present, else the point calibration
    sample = simulate_sample(sets.values)       # 100 runs of the 2022-2024 history
    table, summary = predictive_checks(sample)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ctsim.analysis.calibration import point, posterior
from ctsim.analysis.validation import forecast
from ctsim.calibration import targets as calibration_targets
from ctsim.calibration.parameter_sets import POSTERIOR_FILE, DrawsError, staleness
from ctsim.calibration.targets import monthly_window
from ctsim.declarations.parameters import calibrated, calibration_version
from ctsim.experiments.executors import ExecutorSpec, replicate, replications
from ctsim.inputs import excerpt_path
from ctsim.scenarios.files import load_scenario

# Where the packaged posterior draws live when a calibration has stored them (written by an ABC run; see posterior.py).
STORED_DRAWS = POSTERIOR_FILE
PREDICTIVE_SEED = 2022_2024
POINT = "point"
MONTHLY = "monthly"
GROUPS = (MONTHLY, "annual", "shares", "killed")  # the target groups, in the order reports show them
SCALAR_TOLERANCE = {"annual": ("annual_relative", True), "shares": ("share_points", False),
                    "killed": ("killed_relative", True)}  # group -> (TOLERANCE key, relative error?)


@dataclass
class ParameterSets:
    """The parameter values of each run and where they came from.

    Attributes:
        source: ``"point"`` or the path of the draws file.
        description: one line for reports (the file, its settings, or the calibration version).
        values: one dict of parameter values per run.
    """

    source: str
    description: str
    values: list[dict[str, float]]


@dataclass
class PredictiveSample:
    """Runs reduced to the calibration targets.

    Attributes:
        months: labels (``"2022-01"``) of the simulated months.
        monthly: national attacks, ``n_runs x months``.
        scalars: target key (``annual/2022/attacks``, ``shares/2023/merged``, ``killed/2023``) -> one value per run.
    """

    months: list[str]
    monthly: np.ndarray
    scalars: dict[str, np.ndarray]

    @property
    def runs(self) -> int:
        return int(self.monthly.shape[0])


def parameter_sets(source: str | Path | None, n: int) -> ParameterSets:
    """The parameter values of ``n`` runs.

    Args:
        source: None for the packaged draws (:data:`STORED_DRAWS`) when present and the point calibration otherwise
            (packaged draws computed on another model raise a one-line ``DrawsError``; a file named explicitly is
            used, and its description says so);
            ``"point"`` for the stored calibration (``src/ctsim/data/calibration.json``) in every run; or the path
            of a draws file (:func:`ctsim.analysis.calibration.posterior.write_draws`).
        n: number of runs; run ``r`` takes the draw
            :func:`ctsim.analysis.calibration.posterior.draw_for_replication` gives replication ``r`` (the draws in
            proportion to their weights, always in the same order).
    """
    if n < 1:
        raise ValueError(f"need at least one run, got n = {n}")
    packaged = source is None
    if packaged:
        source = STORED_DRAWS if STORED_DRAWS.is_file() else POINT
    if str(source) == POINT:
        values = dict(calibrated())
        if not values:
            raise ValueError("point mode needs a stored calibration (src/ctsim/data/calibration.json); none found")
        return ParameterSets(POINT, f"the stored point calibration (version {calibration_version()}), every run",
                             [dict(values) for _ in range(n)])
    path = Path(source)
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such draws file (give a file written by posterior.write_draws, or "
                                f"'{POINT}' for the stored calibration)")
    draws = posterior.load_draws(path)
    stale = staleness(draws)
    if stale and packaged:  # the default must never check this model with another model's draws
        raise DrawsError(f"{excerpt_path(path)}: the packaged posterior draws were computed on another model "
                         f"({stale}); run `make posterior` to recompute them, or give --draws {POINT} (the stored "
                         f"point calibration) or --draws FILE")
    settings = draws.settings
    description = (f"{len(draws.values)} ABC draws from {path.name} (population {settings.get('population_size')}, "
                   f"{settings.get('generations_run')} generations, seed {settings.get('seed')}, "
                   f"made {draws.created_utc[:10] or 'on an unknown date'}"
                   f"{', computed on another model' if stale else ''})")
    return ParameterSets(str(path), description, [posterior.draw_for_replication(draws, r) for r in range(n)])


def simulate_sample(values: Sequence[Mapping[str, float]], history=None, months: int | None = None,
                    seed: int = PREDICTIVE_SEED, progress=None, workers: int = 1) -> PredictiveSample:
    """Run the history once per parameter set, run ``i`` with seed ``i`` of ``SeedSequence(seed)``.

    Args:
        values: parameter values, one dict per run.
        history: the history scenario (default: calibration's, loaded now).
        months: run only its first ``months`` months (quick checks; years not run in full have no annual targets).
        seed: the root of the runs' seeds.
        progress: optional callable ``f(done, total)``.
        workers: local processes (the same runs, in any number of processes).
    """
    if history is None:
        history = load_scenario(point.HISTORY)
    if months is not None:
        history = replace(history, months=int(months))
    tasks = [(dict(run_values), r.seed) for run_values, r in zip(values, replications(len(values), seed), strict=True)]
    done = [0]

    def advanced() -> None:
        done[0] += 1
        if progress is not None:
            progress(done[0], len(values))

    fits = replicate(partial(_simulate, history=history), tasks, ExecutorSpec(kind="processes", workers=workers),
                     on_result=advanced)
    monthly, scalars = [], []
    for fit in fits:
        summary = posterior.ctsim_summary(fit)
        monthly.append(np.asarray(summary.pop(posterior.MONTHLY), dtype=float))
        scalars.append(summary)
    labels = [m.strftime("%Y-%m") for m in fits[0].months[monthly_window(fits[0].months)]] if fits else None
    keys = list(scalars[0])
    return PredictiveSample(labels or [], np.vstack(monthly),
                            {k: np.array([s[k] for s in scalars], dtype=float) for k in keys})


def _simulate(task: tuple[dict[str, float], np.random.SeedSequence], history) -> point.Fit:
    values, seed = task
    return point.simulate(values, history, [seed])


def predictive_checks(sample: PredictiveSample, targets: Mapping[str, Any] | None = None
                      ) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Each observed target against the runs' spread; coverage and tolerance by group.

    Args:
        sample: the runs (:func:`simulate_sample`).
        targets: flat targets as :func:`ctsim.analysis.calibration.posterior.ctsim_targets` gives them (default: those,
        now);
            targets the runs do not cover (months beyond them, years not run in full) are left out.

    Returns:
        The table, one row per target: ``group``, ``target``, ``observed``, the predictive ``median`` and its
        ``q05``, ``q25``, ``q75``, ``q95``, ``inside_50``, ``inside_90``, the median's ``error`` (relative, or in
        share points) and ``within`` (its tolerance; empty for months). And the summary: per group the number of
        targets, the share inside each interval and the number whose median is within tolerance; the correlation of
        the monthly medians with the observed months and whether it reaches calibration_targets.TOLERANCE's 0.6.
    """
    targets = posterior.ctsim_targets() if targets is None else targets
    observed_monthly = np.asarray(targets[posterior.MONTHLY], dtype=float)
    n = min(observed_monthly.size, sample.monthly.shape[1])
    rows = [_row(MONTHLY, sample.months[i], observed_monthly[i], sample.monthly[:, i]) for i in range(n)]
    for key, runs in sample.scalars.items():
        group = key.split("/")[0]
        if key in targets and group in SCALAR_TOLERANCE:
            rows.append(_row(group, key.split("/", 1)[1], float(targets[key]), runs))
    table = pd.DataFrame(rows)
    medians, observed = np.median(sample.monthly[:, :n], axis=0), observed_monthly[:n]
    correlation = float(np.corrcoef(medians, observed)[0, 1]) if n > 1 and medians.std() > 0 else float("nan")
    summary: dict[str, Any] = {"runs": sample.runs, "groups": {},
                               "monthly_correlation": correlation if np.isfinite(correlation) else None,
                               "monthly_correlation_within": bool(correlation >= calibration_targets.TOLERANCE[
                                   "monthly_correlation"])}
    for group in GROUPS:
        part = table[table["group"] == group]
        if part.empty:
            continue
        within = part["within"].dropna()
        summary["groups"][group] = {"targets": len(part), "inside_50": float(part["inside_50"].mean()),
                                    "inside_90": float(part["inside_90"].mean()),
                                    "median_within": int(within.sum()) if len(within) else None}
    return table, summary


def _row(group: str, target: str, observed: float, runs: np.ndarray) -> dict[str, Any]:
    runs = np.asarray(runs, dtype=float)[:, None]
    q05, q25, median, q75, q95 = np.quantile(runs[:, 0], [0.05, 0.25, 0.5, 0.75, 0.95])
    row = {"group": group, "target": target, "observed": float(observed), "median": float(median),
           "q05": float(q05), "q25": float(q25), "q75": float(q75), "q95": float(q95),
           **{f"inside_{round(level * 100)}": bool(forecast.inside_interval([observed], runs, level)[0])
              for level in forecast.LEVELS}, "error": np.nan, "within": None}
    if group in SCALAR_TOLERANCE:
        key, relative = SCALAR_TOLERANCE[group]
        error = median / observed - 1.0 if relative else median - observed
        row.update(error=float(error), within=bool(abs(error) <= calibration_targets.TOLERANCE[key]))
    return row
