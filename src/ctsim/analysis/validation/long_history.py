"""The long history, 2013-2024, as checks that can fail: the fall, what the policies explain of it, the return after
Kabul fell, Sindh after the Karachi operation, and 2018-2021 out of sample.

Each study runs the calibration history (``scenarios/history_2013_2024.toml``) and a counterfactual built from it in
code, replication ``r`` of both with the same seed and the same parameter draw (common random numbers;
:func:`ctsim.experiments.executors.replications`):

- **the policies of 2014-2017** (:func:`policy_counterfactual`): the same history with 2013's policies held through
  2017: every scheduled change from 2014 to 2017 (Zarb-e-Azb, operations in the tribal strongholds, the National
  Action Plan, military courts, Radd-ul-Fasaad, fencing) removed, the later ones kept. The share of the 2013-2017 fall
  the policies explain is ``(counterfactual 2017 - history 2017) / (2013 - history 2017)``, paired by replication,
  with a bootstrap interval;
- **Kabul** (:func:`kabul_counterfactual`): the same history with the Afghan sanctuary kept as it was before August
  2021 (``afghan_sanctuary_after_kabul`` set to ``afghan_sanctuary_before_kabul``): the return after 2021 must come
  from the sanctuary, so without it violence should not double;
- **out of sample** (:func:`out_of_sample`): the 2018-2021 annual attacks, never fitted, against PICSS (FACTS.md s5.1),
  scored with the CRPS beside naive forecasts fitted to the fitted years 2013-2017 (a linear trend and a
  negative-binomial trend on the annual counts, and the last fitted year carried forward); and 2018's attacks by
  region against PICSS's (:data:`REGIONS_2018`), where the trough's excess lies;
- **what the operations killed** (:func:`killed_against_record`): militants killed in operations each year against
  the counts FACTS.md s5.2 gives, fitted (2015, 2023, 2024) or not (PICSS 2016 and 2019; ISPR's Radd-ul-Fasaad
  total for 2017-2020): whether the fall is bought with more killing than the record shows;
- **what decides the return** (:func:`rise_drivers`): on the posterior draws, the rank correlation of each
  calibrated parameter with a run's rise from 2020 to 2023, so that a check the median misses says which parameter
  the record leaves loose.

The pattern checks (:mod:`ctsim.analysis.validation.patterns`) judge these numbers; ``docs/validation.md`` shows them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import partial
from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import bootstrap, spearmanr

from ctsim.analysis.validation import forecast
from ctsim.calibration.fingerprint import dynamics_fingerprint, model_fingerprint
from ctsim.calibration.targets import (
    ANNUAL,
    EARLY_ANNUAL,
    HISTORY_NAME,
    KILLED,
    KILLED_NOT_FITTED,
    OUT_OF_SAMPLE,
    RADD_UL_FASAAD_KILLED,
    UN_FIGHTERS_ABROAD,
)
from ctsim.data import REGION_KEYS
from ctsim.declarations.parameters import defaults
from ctsim.experiments.executors import ExecutorSpec, Replication, replicate, replications
from ctsim.scenarios import runner
from ctsim.scenarios.files import Scenario, load_scenario
from ctsim.scenarios.library import LIBRARY_DIR

SEED = 2013_2024
YEARS = tuple(range(2013, 2025))
CONFIDENCE = 0.9
# How the study's intervals resample its runs (percentile bootstrap over whole runs).
BOOTSTRAP = {"n_resamples": 2000, "method": "percentile", "vectorized": False}
# Attacks by region in 2018, out of sample (PICSS, FACTS.md s5.1: Balochistan 99, FATA 65, KP 40, Sindh 14 of 229;
# FATA is the merged districts, KP the settled districts; the other 11 attacks not split by region).
REGIONS_2018 = {"balochistan": 99.0, "merged": 65.0, "kp_settled": 40.0, "sindh": 14.0}


@dataclass
class HistoryRuns:
    """Annual attacks and regional shares of attacks of one history's replications.

    Attributes:
        attacks: (replications, years) national attacks in each year of :data:`YEARS`.
        shares: (replications, years, regions) each region's share of the year's attacks (``REGION_KEYS`` order).
        abroad: (replications, reports) members of the cells in sanctuary at the end of each month of
            :data:`UN_FIGHTERS_ABROAD`.
        killed: (replications, years) militants killed in operations in each year of :data:`YEARS`.
    """

    attacks: np.ndarray
    shares: np.ndarray
    abroad: np.ndarray
    killed: np.ndarray

    def year(self, year: int) -> np.ndarray:
        """Attacks in ``year``, one number per replication."""
        return self.attacks[:, YEARS.index(year)]

    def regional(self, region_key: str, year: int) -> np.ndarray:
        """``region_key``'s attacks in ``year``, one number per replication."""
        i = YEARS.index(year)
        return self.shares[:, i, REGION_KEYS.index(region_key)] * self.attacks[:, i]

    def share(self, region_key: str, years: tuple[int, ...]) -> np.ndarray:
        """``region_key``'s share of the attacks of ``years`` together, per replication (weighted by attacks)."""
        idx = [YEARS.index(y) for y in years]
        region = REGION_KEYS.index(region_key)
        attacks = self.attacks[:, idx]
        return (self.shares[:, idx, region] * attacks).sum(axis=1) / np.maximum(attacks.sum(axis=1), 1.0)


def history() -> Scenario:
    """The calibration history (2013-2024)."""
    return load_scenario(LIBRARY_DIR / f"{HISTORY_NAME}.toml")


def without_policies(scenario: Scenario, first: str = "2014-01", last: str = "2017-12") -> Scenario:
    """``scenario`` with 2013's policies held from ``first`` to ``last``: every scheduled change dated in that span
    removed (a history's schedule gives dates, ``YYYY-MM``)."""
    kept = tuple(e for e in scenario.schedule if not (e.date is not None and first <= e.date <= last))
    return replace(scenario, name=f"{scenario.name}_without_2014_2017_policies", schedule=kept)


def run_history(scenario: Scenario, runs: int, parameters: Any = None, seed: int = SEED,
                uncertainties: Mapping[str, float] | None = None, workers: int = 1) -> HistoryRuns:
    """``runs`` replications of a 2013-2024 scenario: replication ``r`` with seed ``r`` and draw ``r`` of
    ``parameters`` (a :class:`ctsim.calibration.parameter_sets.ParameterSet`; None: the point calibration)."""
    reps = replications(runs, seed, parameters)
    results = replicate(partial(_one, scenario=scenario, uncertainties=dict(uncertainties or {})), reps,
                        ExecutorSpec(kind="processes", workers=workers))
    return _gathered(results)


def _gathered(results: list[tuple[np.ndarray, ...]]) -> HistoryRuns:
    """The runs' results (each :func:`_one`'s tuple, in :class:`HistoryRuns`' field order) stacked field by field."""
    return HistoryRuns(*(np.array(field) for field in zip(*results, strict=True)))


def _one(rep: Replication, scenario: Scenario, uncertainties: dict[str, float]) -> tuple[np.ndarray, ...]:
    recorded = runner.run_recorded(scenario, rep.seed, uncertainties={**rep.draw, **uncertainties} or None)
    years = recorded.months.year.to_numpy()

    def by_year(output: str) -> np.ndarray:
        return np.array([recorded.series(output)[years == y].sum() for y in YEARS])

    attacks, killed = by_year("attacks"), by_year("militants_killed")
    regional = recorded.regional_series("attacks")
    by_region = np.array([regional[years == y].sum(axis=0) for y in YEARS])
    shares = by_region / np.maximum(by_region.sum(axis=1, keepdims=True), 1.0)
    months = recorded.months.month.to_numpy()
    abroad = np.array([recorded.series("militants_in_sanctuary")[(years == y) & (months == m)][0]
                       for y, m in UN_FIGHTERS_ABROAD])
    return attacks, shares, abroad, killed


@dataclass
class Counterfactual:
    """A history and its counterfactual, replication by replication."""

    history: HistoryRuns
    counterfactual: HistoryRuns


def policy_counterfactual(runs: int, parameters: Any = None, uncertainties: Mapping[str, float] | None = None,
                          workers: int = 1) -> Counterfactual:
    """The history and the history with 2013's policies held through 2017 (:func:`without_policies`)."""
    scenario = history()
    return Counterfactual(run_history(scenario, runs, parameters, uncertainties=uncertainties, workers=workers),
                          run_history(without_policies(scenario), runs, parameters, uncertainties=uncertainties,
                                      workers=workers))


def kabul_counterfactual(runs: int, parameters: Any = None, uncertainties: Mapping[str, float] | None = None,
                         workers: int = 1) -> Counterfactual:
    """The history and the history in which the Afghan sanctuary stays after August 2021 as it was before
    (``afghan_sanctuary_after_kabul`` set, replication by replication, to its ``afghan_sanctuary_before_kabul``)."""
    scenario = history()
    real = run_history(scenario, runs, parameters, uncertainties=uncertainties, workers=workers)
    reps = replications(runs, SEED, parameters)
    tasks = [(rep, {**(uncertainties or {}), "afghan_sanctuary_after_kabul": float(
        {**defaults(), **rep.draw, **(uncertainties or {})}["afghan_sanctuary_before_kabul"])}) for rep in reps]
    results = replicate(partial(_one_kept, scenario=scenario), tasks, ExecutorSpec(kind="processes", workers=workers))
    return Counterfactual(real, _gathered(results))


def _one_kept(task: tuple[Replication, dict[str, float]],
              scenario: Scenario) -> tuple[np.ndarray, ...]:
    rep, uncertainties = task
    return _one(rep, scenario, uncertainties)


def share_explained(pair: Counterfactual, confidence: float = CONFIDENCE) -> tuple[float, float, float]:
    """The share of the history's 2013-2017 fall that the 2014-2017 policies explain, and its bootstrap interval
    (replications resampled in pairs): ``(counterfactual 2017 - history 2017) / (history 2013 - history 2017)``."""
    h13, h17, c17 = pair.history.year(2013), pair.history.year(2017), pair.counterfactual.year(2017)

    def statistic(a, b, c) -> float:
        fall = np.sum(a) - np.sum(b)
        return (np.sum(c) - np.sum(b)) / fall if fall > 0 else np.nan

    point = float(statistic(h13, h17, c17))
    if len(h13) < 2:
        return point, float("nan"), float("nan")
    result = bootstrap((h13, h17, c17), statistic, paired=True, confidence_level=confidence,
                       random_state=np.random.default_rng(SEED), **BOOTSTRAP)
    return point, float(result.confidence_interval.low), float(result.confidence_interval.high)


def out_of_sample(runs: HistoryRuns, n_samples: int = 2000, seed: int = SEED) -> pd.DataFrame:
    """The 2018-2021 annual attacks against PICSS: the model's median and 90% interval over the runs, its CRPS, and
    the CRPS of the naive forecasts fitted to 2013-2017 (one row per year, then their mean)."""
    observed = np.array([OUT_OF_SAMPLE[y] for y in OUT_OF_SAMPLE], dtype=float)
    train = np.array([EARLY_ANNUAL[y]["attacks"] for y in sorted(EARLY_ANNUAL)], dtype=float)
    model = np.column_stack([runs.year(y) for y in OUT_OF_SAMPLE])
    streams = np.random.SeedSequence(seed).spawn(2)
    naive = {
        "linear trend": forecast.linear_trend(train, len(observed), n_samples, np.random.default_rng(streams[0])),
        "negative binomial trend": forecast.negative_binomial_trend(train * 1.0, len(observed), n_samples,
                                                                    np.random.default_rng(streams[1])),
        "2017 carried forward": np.full((1, len(observed)), train[-1]),
    }
    rows = []
    for i, year in enumerate(OUT_OF_SAMPLE):
        q05, median, q95 = np.quantile(model[:, i], [0.05, 0.5, 0.95])
        row = {"year": year, "observed": observed[i], "model_median": median, "model_q05": q05, "model_q95": q95,
               "model_error": median / observed[i] - 1.0,
               "model_crps": float(forecast.crps([observed[i]], model[:, [i]])[0])}
        row.update({f"{name} crps": float(forecast.crps([observed[i]], samples[:, [i]])[0])
                    for name, samples in naive.items()})
        rows.append(row)
    table = pd.DataFrame(rows)
    mean = {"year": "mean", **{c: table[c].mean() for c in table.columns if c != "year"}}
    return pd.concat([table, pd.DataFrame([mean])], ignore_index=True)


def killed_against_record(runs: HistoryRuns) -> list[dict[str, Any]]:
    """Militants killed in operations against the record, one row per count FACTS.md s5.2 gives: each year of
    :data:`ctsim.calibration.targets.KILLED` (fitted) and :data:`~ctsim.calibration.targets.KILLED_NOT_FITTED`, in
    order of year, then ISPR's Radd-ul-Fasaad total against the model's 2017-2020. Each row: ``period``, ``record``,
    ``fitted``, the model's ``q05``, ``median`` and ``q95`` over the runs, and ``ratio`` (median over record)."""
    counts = {**{y: (v, True) for y, v in KILLED.items()}, **{y: (v, False) for y, v in KILLED_NOT_FITTED.items()}}
    periods = [(str(y), (y,), *counts[y]) for y in sorted(counts)]
    radd = RADD_UL_FASAAD_KILLED["years"]
    periods.append((f"{radd[0]}-{radd[-1]} (Radd-ul-Fasaad, ISPR)", radd, RADD_UL_FASAAD_KILLED["killed"], False))
    rows = []
    for period, years, record, fitted in periods:
        model = runs.killed[:, [YEARS.index(y) for y in years]].sum(axis=1)
        q05, median, q95 = np.quantile(model, [0.05, 0.5, 0.95])
        rows.append({"period": period, "record": float(record), "fitted": fitted, "q05": round(float(q05)),
                     "median": round(float(median)), "q95": round(float(q95)), "ratio": float(median / record)})
    return rows


def rise_drivers(ratios: np.ndarray, draws: list[Mapping[str, float]]) -> list[dict[str, float | str]]:
    """Which parameters decide a run's rise: for every parameter that varies among the runs' draws, Spearman's rank
    correlation between its value and the run's ratio (2023 over 2020), with its p-value; strongest first. Empty
    for the point calibration (one parameter set) or fewer than three runs."""
    ratios = np.asarray(ratios, dtype=float)
    names = sorted({name for draw in draws for name in draw})
    if len(ratios) < 3 or not names:
        return []
    rows = []
    for name in names:
        values = np.array([float(draw.get(name, np.nan)) for draw in draws])
        if np.isnan(values).any() or np.ptp(values) == 0.0:
            continue
        result = spearmanr(values, ratios)
        rows.append({"parameter": name, "spearman": float(result.statistic), "p_value": float(result.pvalue)})
    return sorted(rows, key=lambda row: -abs(row["spearman"]))


def rise_interval(history: np.ndarray, confidence: float = CONFIDENCE) -> dict[str, float]:
    """The rise from 2020 to 2023 over a set of runs (rows of annual attacks, :data:`YEARS`), with how precisely the
    runs pin it: the median of the runs' ratios and the ratio of the median years (the median's 2023 over its
    2020), each with its bootstrap interval (runs resampled; percentile). A study of 40 runs can put the median
    ratio a tenth or more above or below what all the draws give, so a check of "at least 2" reads the interval."""
    i20, i23 = YEARS.index(2020), YEARS.index(2023)
    ratios = history[:, i23] / history[:, i20]

    def of_medians(rows) -> float:
        return float(np.median(history[rows, i23]) / np.median(history[rows, i20]))

    out = {"median_ratio": float(np.median(ratios)), "ratio_of_medians": of_medians(slice(None)),
           "confidence": confidence}
    if len(ratios) < 2:
        return {**out, **dict.fromkeys(("median_ratio_low", "median_ratio_high", "ratio_of_medians_low",
                                        "ratio_of_medians_high"), float("nan"))}
    rng = np.random.default_rng(SEED)
    median_ratio = bootstrap((ratios,), np.median, confidence_level=confidence, random_state=rng,
                             **BOOTSTRAP).confidence_interval
    medians = bootstrap((np.arange(len(ratios)),), of_medians, confidence_level=confidence, random_state=rng,
                        **BOOTSTRAP).confidence_interval
    return {**out, "median_ratio_low": float(median_ratio.low), "median_ratio_high": float(median_ratio.high),
            "ratio_of_medians_low": float(medians.low), "ratio_of_medians_high": float(medians.high)}


def study(runs: int, parameters: Any = None, workers: int = 1) -> dict[str, Any]:
    """The whole study, as the JSON record ``ctsim long-history`` writes (docs/long_history.json): the history's
    annual attacks beside both counterfactuals and the record, the share of the fall the policies explain, Sindh's
    share, and the out-of-sample score. ``parameters``: a :class:`ctsim.calibration.parameter_sets.ParameterSet`
    (replication ``r`` takes draw ``r``), or None for the point calibration."""
    policies = policy_counterfactual(runs, parameters, workers=workers)
    kabul = kabul_counterfactual(runs, parameters, workers=workers)
    share, low, high = share_explained(policies)

    def band(values: np.ndarray) -> dict[str, list[float]]:
        q05, q50, q95 = np.quantile(values, [0.05, 0.5, 0.95], axis=0)
        return {"median": q50.round(1).tolist(), "q05": q05.round(1).tolist(), "q95": q95.round(1).tolist()}

    observed = {**{y: v["attacks"] for y, v in EARLY_ANNUAL.items()}, **OUT_OF_SAMPLE,
                **{y: v["attacks"] for y, v in ANNUAL.items() if y >= 2022}}
    table = out_of_sample(policies.history)
    ratios = kabul.history.year(2023) / kabul.history.year(2020)
    rise = rise_interval(kabul.history.attacks)
    draws = [rep.draw for rep in replications(runs, SEED, parameters)]
    median = np.median(policies.history.attacks, axis=0)
    return {
        "model_fingerprint": model_fingerprint(), "dynamics_fingerprint": dynamics_fingerprint(),
        "parameters": (parameters.manifest(runs) if parameters is not None else {"mode": "point"}),
        "runs": runs, "seed": SEED, "years": list(YEARS),
        "observed": {str(y): float(v) for y, v in sorted(observed.items())},
        "fitted_years": sorted(EARLY_ANNUAL) + [y for y in ANNUAL if y >= 2022],
        "out_of_sample_years": sorted(OUT_OF_SAMPLE),
        "history": band(policies.history.attacks),
        "without_2014_2017_policies": band(policies.counterfactual.attacks),
        "sanctuary_kept_closed": band(kabul.counterfactual.attacks),
        "fall_2013_2017": float(1 - np.median(policies.history.year(2017) / policies.history.year(2013))),
        "fall_2013_2017_without_policies": float(
            1 - np.median(policies.counterfactual.year(2017) / policies.counterfactual.year(2013))),
        "share_of_fall_explained": {"value": share, "low": low, "high": high, "confidence": CONFIDENCE},
        "rise_2020_2023": rise["median_ratio"],
        "rise_2020_2023_interval": rise,
        "rise_2020_2023_runs_doubling": float(np.mean(ratios >= 2.0)),
        "rise_2020_2023_drivers": rise_drivers(ratios, draws),
        "rise_2020_2023_sanctuary_closed": float(
            np.median(kabul.counterfactual.year(2023) / kabul.counterfactual.year(2020))),
        "trough_year": int(YEARS[int(np.argmin(median[:8]))]),
        # the median's lowest year over the whole history: the turn may come later than the trough before 2021
        "lowest_year": int(YEARS[int(np.argmin(median))]),
        "sindh_share": {"2013": float(np.median(policies.history.share("sindh", (2013,)))),
                        "2015-2017": float(np.median(policies.history.share("sindh", (2015, 2016, 2017))))},
        "out_of_sample": table.to_dict("records"),
        "regions_2018": [
            {"region": region, "record": record,
             **dict(zip(("q05", "median", "q95"), np.quantile(policies.history.regional(region, 2018),
                                                               [0.05, 0.5, 0.95]).round(0).tolist(), strict=True))}
            for region, record in REGIONS_2018.items()],
        "militants_in_sanctuary": [
            {"month": f"{y}-{m:02d}", "un_low": low, "un_high": high,
             **dict(zip(("q05", "median", "q95"), np.quantile(policies.history.abroad[:, k], [0.05, 0.5, 0.95])
                        .round(0).tolist(), strict=True))}
            for k, ((y, m), (low, high)) in enumerate(UN_FIGHTERS_ABROAD.items())],
        "militants_killed": killed_against_record(policies.history),
    }


__all__ = ["CONFIDENCE", "REGIONS_2018", "UN_FIGHTERS_ABROAD", "YEARS", "Counterfactual", "history", "HistoryRuns",
           "kabul_counterfactual", "killed_against_record", "out_of_sample", "policy_counterfactual", "rise_drivers",
           "rise_interval", "run_history", "share_explained", "study", "without_policies"]
