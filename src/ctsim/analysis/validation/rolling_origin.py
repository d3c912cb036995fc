"""A rolling-origin forecast: calibrate on 2022-2023 only, forecast 2024, and score it against naive forecasts.

The forecast origin is the end of month ``origin`` of the history (24: December 2023). :func:`targets_until` keeps
the calibration targets the origin has seen (the first ``origin`` months, and the annual figures, regional shares and
militants killed of the years it covers in full) and re-estimates the monthly dispersion the distance uses from those
months alone, so nothing of the held-out months reaches the fit. :func:`calibrate_to_origin` runs ABC-SMC
(:func:`ctsim.analysis.calibration.posterior.run_abc`, seeded, resumable from its folder, with a time budget) over
calibration's free parameters on the history cut at the origin. :func:`forecast_after_origin` runs the whole history
once per draw (common random numbers, :func:`ctsim.analysis.validation.predictive.simulate_sample`) and
:func:`score_after_origin` scores the months after the origin, and their total, with CRPS and 50%/90% coverage against
the naive forecasts of :mod:`ctsim.analysis.validation.forecast` fitted to the same training months.

What the origin holds out is the months' *values* from the parameter fit; it does not hold them out from the model's
design (its mechanisms, their declared ranges and the history scenario were written when 2024 was known), so this is a
test of the fitted parameters' forecast, not a blind forecast. The history schedules no 2024 policy change
(Azm-e-Istehkam is not modelled as in force); the state's reactions to violence are the model's own.

Example (minutes; see benchmarks/forecast_study.py for the documented budget)::

    from ctsim.analysis.validation.rolling_origin import calibrate_to_origin, forecast_after_origin, score_after_origin
    draws = calibrate_to_origin("results/forecast/abc", population_size=150, max_populations=5, time_budget=720)
    sample = forecast_after_origin(draws, runs=200)
    table = score_after_origin(sample)
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import statsmodels.api as sm

from ctsim.analysis.calibration import point, posterior
from ctsim.analysis.validation import forecast, predictive
from ctsim.calibration import targets as calibration_targets
from ctsim.calibration.targets import months_before_monthly
from ctsim.declarations.parameters import PARAMETERS_BY_NAME
from ctsim.scenarios.files import load_scenario

ORIGIN = 24  # December 2023: calibrate on 2022-2023
HORIZON = 12  # forecast the 12 months of 2024
ORIGIN_SEED = 2023_12  # seeds the ABC (and, through its own stream, the fixed seed of every candidate's run)
FORECAST_SEED = 2024_01  # seeds the forecast runs (not the ABC's seed)


def target_year(key: str) -> int | None:
    """The year a flat target key names (``annual/2023/deaths`` -> 2023, ``killed/2024`` -> 2024), else None."""
    parts = key.split("/")
    return int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None


def monthly_dispersion(counts: np.ndarray) -> float:
    """Negative-binomial (NB2) dispersion of monthly counts around a log-linear trend, by maximum likelihood.

    The same error model the ABC distance assumes (:func:`ctsim.analysis.calibration.posterior.ctsim_distance`),
    estimated here from the training months only.
    """
    from statsmodels.discrete.discrete_model import NegativeBinomial
    from statsmodels.tools.sm_exceptions import HessianInversionWarning

    counts = np.asarray(counts, dtype=float)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", HessianInversionWarning)  # only the point estimate is used
        result = NegativeBinomial(counts, sm.add_constant(np.arange(counts.size) / 12.0),
                                  loglike_method="nb2").fit(disp=0, maxiter=500)
    alpha = float(result.params[-1])
    if not (np.isfinite(alpha) and alpha > 0):
        raise ValueError(f"the dispersion of {counts.size} training months could not be estimated (got {alpha})")
    return alpha


def targets_until(origin: int = ORIGIN, targets: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The calibration targets a forecaster standing at the end of month ``origin`` has seen.

    Args:
        origin: months of the monthly targets before the forecast origin (they begin in January 2022,
            ``calibration_targets.MONTHLY_FROM``; the history runs its earlier years first).
        targets: flat targets (default: :func:`ctsim.analysis.calibration.posterior.ctsim_targets`, read now).

    Returns:
        The first ``origin`` monthly counts, the dispersion re-estimated from them, and the annual, share and killed
        targets of the years before the monthly window and of those ``origin`` covers in full; every later target is
        dropped.
    """
    targets = posterior.ctsim_targets() if targets is None else targets
    monthly = np.asarray(targets[posterior.MONTHLY], dtype=float)
    if not 12 <= origin < monthly.size:
        raise ValueError(f"origin must leave at least 12 training months and one month to forecast: got {origin} "
                         f"of {monthly.size} months")
    # every year before the monthly window (2013-2017's targets), and the window's years the origin covers in full
    first = calibration_targets.MONTHLY_FROM.year
    kept = {k: v for k, v in targets.items()
            if (year := target_year(k)) is not None and year < first + origin // 12}
    return {posterior.MONTHLY: monthly[:origin], posterior.DISPERSION: monthly_dispersion(monthly[:origin]), **kept}


def calibrate_to_origin(out_dir: str | Path, *, origin: int = ORIGIN, population_size: int = 150,
                        max_populations: int = 5, seed: int = ORIGIN_SEED, time_budget: float | None = None,
                        sampler: str | int = "single", resume: bool = True, show_progress: bool = False
                        ) -> posterior.Posterior:
    """ABC-SMC over calibration's free parameters on the history's first ``origin`` months against
    :func:`targets_until`; writes ``draws.json`` beside the pyabc database ``abc.db`` in ``out_dir``.

    One run per candidate, all with the same seed (common random numbers), as ``posterior.run_ctsim_abc`` does by
    default. Calling it again on the same folder resumes the stored run up to ``max_populations`` generations (a
    folder made against other targets is refused by :func:`ctsim.analysis.calibration.posterior.run_abc`).
    """

    history = load_scenario(point.HISTORY)
    history = replace(history, months=months_before_monthly(history.start) + int(origin))
    seeds = np.random.SeedSequence(seed, spawn_key=(0,)).spawn(1)
    priors = {name: tuple(PARAMETERS_BY_NAME[name].plausible) for name in calibration_targets.FREE}

    def simulate(values: dict[str, float], rng: np.random.Generator) -> dict[str, Any]:
        return posterior.ctsim_summary(point.simulate(values, history, seeds))  # fixed seed: rng unused

    targets = targets_until(origin)
    out_dir = Path(out_dir)
    draws = posterior.run_abc(simulate, priors, targets, posterior.ctsim_distance, population_size=population_size,
                              max_populations=max_populations, seed=seed, sampler=sampler,
                              db_path=out_dir / "abc.db", time_budget=time_budget, resume=resume,
                              show_progress=show_progress,
                              extra_settings={"adapter": "ctsim.analysis.validation.rolling_origin.calibrate_to_origin",
                                              "history_scenario": history.name, "history_months": history.months,
                                              "origin": origin, "replications": 1,
                                              "distance_weights": dict(posterior.DISTANCE_WEIGHTS),
                                              "distance_terms": posterior.DISTANCE_TERMS,
                                              "monthly_dispersion": targets[posterior.DISPERSION],
                                              "targets": sorted(k for k in targets if k not in (
                                                  posterior.MONTHLY, posterior.DISPERSION))})
    posterior.write_draws(draws, out_dir / "draws.json")
    return draws


def model_runs_of(draws: posterior.Posterior) -> int:
    """Simulations the ABC made over all its generations, its initial calibration sample (pyabc's generation -1,
    which sets the first epsilon) included, and those of earlier, resumed calls: read from its database."""
    import pyabc

    history = pyabc.History(f"sqlite:///{draws.settings['db_path']}", _id=int(draws.settings["abc_id"]),
                            create=False)
    return int(history.get_all_populations()["samples"].sum())


def forecast_after_origin(draws: posterior.Posterior, runs: int = 200, *, origin: int = ORIGIN,
                          horizon: int = HORIZON, seed: int = FORECAST_SEED, progress=None
                          ) -> predictive.PredictiveSample:
    """Run the history's first ``origin + horizon`` months once per draw (run ``r`` takes replication ``r``'s draw
    and seed ``r``); the months after the origin are the forecast, the earlier ones the in-sample fit."""
    values = [posterior.draw_for_replication(draws, r) for r in range(runs)]
    before = months_before_monthly(load_scenario(point.HISTORY).start)
    return predictive.simulate_sample(values, months=before + origin + horizon, seed=seed, progress=progress)


def score_after_origin(sample: predictive.PredictiveSample, *, origin: int = ORIGIN, horizon: int = HORIZON,
                       n_samples: int = 2000, seed: int = 2024) -> pd.DataFrame:
    """CRPS and 50%/90% coverage of the model and of every naive forecast for the months after the origin and
    their total (:func:`ctsim.analysis.validation.forecast.score_from_origin`; the naive forecasts see the training
    months)."""
    observed = np.asarray(calibration_targets.MONTHLY_ATTACKS, dtype=float)
    if sample.monthly.shape[1] < origin + horizon or observed.size < origin + horizon:
        raise ValueError(f"need {origin + horizon} simulated and observed months, got {sample.monthly.shape[1]} "
                         f"and {observed.size}")
    return forecast.score_from_origin(observed[:origin], observed[origin:origin + horizon],
                                      sample.monthly[:, origin:origin + horizon],
                                      periods=sample.months[origin:origin + horizon], n_samples=n_samples, seed=seed)


def table_to_record(table: pd.DataFrame) -> dict[str, Any]:
    """A :func:`ctsim.analysis.validation.forecast.score` table as JSON-ready lists (periods, observed, forecast ->
    metric)."""
    names = [n for n in table.columns.get_level_values("forecast").unique() if n != "observed"]
    return {"periods": [str(p) for p in table.index], "observed": [float(v) for v in table[("observed", "")]],
            "forecasts": {name: {metric: [float(v) for v in table[(name, metric)]]
                                 for metric in table[name].columns} for name in names}}


def table_from_record(record: Mapping[str, Any]) -> pd.DataFrame:
    """Rebuild the score table from :func:`table_to_record`'s output (so the report can give the verdict)."""
    columns: dict[tuple[str, str], list[float]] = {("observed", ""): list(record["observed"])}
    for name, metrics in record["forecasts"].items():
        columns.update({(name, metric): list(values) for metric, values in metrics.items()})
    table = pd.DataFrame(columns, index=pd.Index(record["periods"], name="period"))
    table.columns = pd.MultiIndex.from_tuples(table.columns, names=["forecast", "metric"])
    return table
