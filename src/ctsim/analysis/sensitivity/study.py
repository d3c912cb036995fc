"""Sensitivity studies of ctsim: experiment files, runs through the batch runner, tables and charts.

A study file (TOML) looks like::

    # Purpose in a comment at the top.
    name = "screen_levers_morris"
    scenario = "../scenarios/baseline.toml"   # the scenario whose levers and uncertainties are varied
    method = "morris"                          # morris (screening) | sobol (quantifying)
    n = 20                                     # Morris trajectories, or Sobol base samples (a power of two)
    second_order = false                       # Sobol only
    replications = 2                           # runs per design point; their mean is analysed
    months = 60                                # horizon after the scenario's history
    seed = 1
    outcomes = ["attacks", "deaths", "recruits", "legitimacy", "cost"]
    [factors]                                  # numeric levers and uncertainties; [] takes the registry range
    police_capacity = []
    sanctuary_strength = [0.2, 0.8]
    [strata]                                   # choice or bool levers: the analysis is run within each level
    ct_lead = ["military", "police"]

Every design row of every stratum becomes a point of a batch experiment, so local processes, Dask, resume and
failure records all apply. A failed run breaks a Sobol or Morris design: the study then stops with the list of
failed runs (rerun with ``--retry-failed``) instead of analysing a broken design.
"""

from __future__ import annotations

import hashlib
import itertools
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ctsim.analysis.sensitivity import harness as sa
from ctsim.calibration.parameter_sets import POINT_SET
from ctsim.declarations import registry
from ctsim.declarations.limits import CELL_SIZE, MILITANTS
from ctsim.declarations.outputs import SUMMARY_NAMES
from ctsim.experiments.design import (
    Experiment,
    ExperimentError,
    _check_count,
    _check_factor_value,
    _int,
    _known,
    points_table,
    scenario_path,
)
from ctsim.inputs import excerpt, excerpt_path, plain_name, reached_through, suggest
from ctsim.scenarios.files import ScenarioError, check_initial_size, load_scenario, read_toml

TOP_KEYS = ("name", "description", "scenario", "method", "n", "second_order", "replications", "months", "seed",
            "outcomes", "factors", "strata")
DEFAULT_OUTCOMES = ("attacks", "deaths", "recruits", "legitimacy", "cost")


@dataclass
class Study:
    """A validated sensitivity study."""

    name: str
    path: Path
    sha256: str
    scenario: Any
    method: str
    n: int
    second_order: bool
    replications: int
    months: int
    seed: int
    outcomes: tuple[str, ...]
    factors: dict[str, tuple[float, float]]
    strata: dict[str, list] = field(default_factory=dict)
    description: str = ""
    # replication r of every design point uses draw r (ctsim.calibration.parameter_sets); the study's factors win
    # over the draw. None: the point calibration.
    parameters: Any = None

    @property
    def problem(self) -> sa.Problem:
        """The SALib problem (with the dummy factor)."""
        return sa.Problem(self.factors)

    def strata_levels(self) -> list[dict]:
        """Every combination of the strata's levels ([{}] without strata)."""
        names = list(self.strata)
        return [dict(zip(names, combo, strict=True)) for combo in itertools.product(*self.strata.values())]

    def design(self) -> np.ndarray:
        """The design matrix (rows: evaluations; columns: factors, the dummy last)."""
        return sa.sample(self.problem, self.method, self.n, self.seed, second_order=self.second_order)

    def experiment(self) -> Experiment:
        """The batch experiment running every design row within every stratum."""
        design = self.design()
        ints = {name for name in self.factors if registry.factor(name).kind == "int"}
        points = []
        for level in self.strata_levels():
            for row in design:
                point = {name: (int(round(v)) if name in ints else float(v))
                         for name, v in zip(self.factors, row[:len(self.factors)], strict=True)}
                # The dummy factor reshuffles the random streams and nothing else: its index is noise alone.
                point["seed_extra"] = 1 + int(row[-1] * (2**31 - 2))
                points.append({**point, **level})
        return Experiment(name=self.name, path=self.path, sha256=self.sha256, scenarios=[self.scenario],
                          replications=self.replications, months=self.months, seed=self.seed, method="list",
                          factors={n: None for n in [*self.factors, *self.strata]}, table=points_table(points),
                          parameters=self.parameters)

    @property
    def runs(self) -> int:
        """Total model runs."""
        strata = math.prod(len(levels) for levels in self.strata.values())
        return strata * self.problem.runs(self.method, self.n, self.second_order) * self.replications


def load_study(path: str | Path) -> Study:
    """Read and validate a sensitivity study file (errors name the file and the key)."""
    path = Path(path)
    where = excerpt_path(path)
    raw, data = read_toml(path, TOP_KEYS, ExperimentError)

    # The name becomes the results folder (results/sensitivity/<name>): a plain name, never a path or '..'.
    name = plain_name(where, "name" if "name" in data else "name (from the file name)", data.get("name", path.stem),
                      ExperimentError)
    if "scenario" not in data or not isinstance(data["scenario"], str):
        raise ExperimentError(f"{where}: key 'scenario' must name a scenario file, e.g. \"../scenarios/baseline.toml\"")
    target = scenario_path(where, "scenario", path, data["scenario"])
    try:
        scenario = load_scenario(target, reached=True)
    except ScenarioError as exc:
        raise ExperimentError(reached_through(str(exc), where, "scenario")) from None
    method = data.get("method")
    if not isinstance(method, str) or method not in sa.METHODS:
        raise ExperimentError(f"{where}: key 'method' must be one of {', '.join(sa.METHODS)}; got {excerpt(method)}")
    n = _int(where, "n", data.get("n", 20 if method == "morris" else 64), 2, 1_000_000)
    if method == "sobol" and n & (n - 1):
        raise ExperimentError(f"{where}: key 'n' = {n} must be a power of two for Sobol (e.g. 64, 128, 256)")
    second_order = data.get("second_order", False)
    if not isinstance(second_order, bool):
        raise ExperimentError(f"{where}: key 'second_order' must be true or false")
    outcomes = data.get("outcomes", list(DEFAULT_OUTCOMES))
    if not isinstance(outcomes, list) or not outcomes:
        raise ExperimentError(f"{where}: key 'outcomes' must be a non-empty list of summary outcomes")
    for i, name in enumerate(outcomes):
        if name not in SUMMARY_NAMES:
            raise ExperimentError(f"{where}: key 'outcomes[{i}]': unknown outcome {excerpt(name)}"
                                  f"{suggest(str(name), list(SUMMARY_NAMES))}")
    factors = _factors(where, data.get("factors"))
    strata = _strata(where, data.get("strata", {}))
    overlap = set(factors) & set(strata)
    if overlap:
        raise ExperimentError(f"{where}: key 'strata': {', '.join(sorted(overlap))} is also a factor")
    digest = hashlib.sha256(raw)
    digest.update(scenario.sha256.encode())
    study = Study(name=name, path=path, sha256=digest.hexdigest(), scenario=scenario,
                  method=method, n=n, second_order=second_order,
                  replications=_int(where, "replications", data.get("replications", 1), 1, 10_000),
                  months=_int(where, "months", data.get("months", scenario.months), 1, 600),
                  seed=_int(where, "seed", data.get("seed", 1), 0, 2**32 - 1), outcomes=tuple(outcomes),
                  factors=factors, strata=strata, description=str(data.get("description", "")))
    _check_count(where, study.runs, "the study")  # counted before any design row is drawn
    # The cost guard on the corner of the ranges that starts the largest state: most militants, smallest cells.
    corner = {k: (factors[k][1] if k == MILITANTS else factors[k][0]) for k in (MILITANTS, CELL_SIZE) if k in factors}
    check_initial_size(scenario, corner, {k: f"factors.{k}" for k in corner}, where, ExperimentError)
    return study


def _factors(where: str, factors: Any) -> dict[str, tuple[float, float]]:
    if not isinstance(factors, dict) or not factors:
        raise ExperimentError(f"{where}: key 'factors' must be a table naming at least one factor")
    out = {}
    for name, spec in factors.items():
        key = f"factors.{name}"
        f = _known(where, key, name)
        if not f.is_numeric:
            levels = ", ".join(map(str, f.levels))
            raise ExperimentError(f"{where}: key '{key}': '{name}' is a {f.kind} lever ({levels}); put it under "
                                  f"[strata] to analyse within each level, never as a rounded number")
        if spec == []:
            low, high = f.low, f.high
        elif isinstance(spec, list) and len(spec) == 2 and all(isinstance(v, int | float) and not isinstance(v, bool)
                                                              for v in spec):
            low, high = (float(v) for v in spec)
            _check_factor_value(where, key, name, low)
            _check_factor_value(where, key, name, high)
        else:
            raise ExperimentError(f"{where}: key '{key}' must be [low, high], or [] for the registry's range")
        if not low < high:
            raise ExperimentError(f"{where}: key '{key}' = [{low}, {high}] must have low < high")
        out[name] = (float(low), float(high))
    return out


def _strata(where: str, strata: Any) -> dict[str, list]:
    if not isinstance(strata, dict):
        raise ExperimentError(f"{where}: key 'strata' must be a table ([strata])")
    out = {}
    for name, levels in strata.items():
        key = f"strata.{name}"
        f = _known(where, key, name)
        if f.is_numeric:
            raise ExperimentError(f"{where}: key '{key}': '{name}' is numeric; put it under [factors]")
        if not isinstance(levels, list) or not levels:
            raise ExperimentError(f"{where}: key '{key}' must be a list of levels, e.g. {list(f.levels)}")
        out[name] = [_check_factor_value(where, key, name, v) for v in levels]
        if len(set(map(repr, out[name]))) != len(out[name]):
            raise ExperimentError(f"{where}: key '{key}' repeats a level")
    return out


@dataclass
class StudyResult:
    """Indices of every outcome within every stratum."""

    study: Study
    results: dict[tuple[str, str], sa.Result]  # (stratum label, outcome) -> result

    def ranking_table(self) -> pd.DataFrame:
        """One row per stratum, outcome and factor: index, interval, rank, above the noise floor."""
        rows = []
        for (stratum, outcome), result in self.results.items():
            ranking = result.ranking().reset_index()
            ranking.insert(0, "outcome", outcome)
            ranking.insert(0, "stratum", stratum)
            rows.append(ranking)
        return pd.concat(rows, ignore_index=True)


def stratum_label(level: dict) -> str:
    """A short label for a stratum (``all`` without strata)."""
    return ", ".join(f"{k}={v}" for k, v in level.items()) or "all"


def analyse_study(study: Study, runs: pd.DataFrame) -> StudyResult:
    """Analyse the loaded batch results (``ctsim.experiments.results.load``) of a study.

    Raises:
        ExperimentError: if any run failed or is missing (the design is broken without it).
    """
    bad = runs[runs["status"] != "ok"]
    if len(bad):
        listing = ", ".join(f"{r} ({s})" for r, s in zip(bad["run_id"][:10], bad["status"][:10], strict=False))
        raise ExperimentError(f"{study.path}: {len(bad)} run(s) failed or are missing, which breaks the "
                              f"{study.method} design: {listing}{' ...' if len(bad) > 10 else ''}; rerun the study "
                              f"(with --retry-failed for failed runs)")
    design = study.design()
    per_point = runs.groupby("point")[list(study.outcomes)].mean().sort_index()
    results = {}
    for s, level in enumerate(study.strata_levels()):
        block = per_point.iloc[s * len(design):(s + 1) * len(design)]
        for outcome in study.outcomes:
            results[(stratum_label(level), outcome)] = sa.analyse(
                study.problem, study.method, design, block[outcome].to_numpy(), outcome, study.n, study.seed,
                second_order=study.second_order)
    return StudyResult(study, results)


def summary_text(result: StudyResult) -> str:
    """The printed summary: method and N, then the top factors of each outcome with their intervals."""
    study = result.study
    lines = [f"{study.method} sensitivity of '{study.scenario.name}': N = {study.n}, {len(study.factors)} factors "
             f"(+ dummy), {study.replications} replication(s), {study.runs} runs, {study.months} months",
             f"  {parameters_line(study)}"]
    for (stratum, outcome), res in result.results.items():
        ranking = res.ranking()
        m = res.measure
        floor = float(ranking.loc[sa.DUMMY, m])
        top = [f"{name} {row[m]:.3g} +/- {row[f'{m}_conf']:.2g}" for name, row in ranking.head(4).iterrows()]
        lines.append(f"  {outcome} [{stratum}] by {m}: " + "; ".join(top) + f"  (noise floor {floor:.3g})")
    return "\n".join(lines)


def parameters_line(study: Study) -> str:
    """One line saying which parameter values the study's runs used."""
    parameters = study.parameters or POINT_SET
    if parameters.mode == "point":
        return parameters.label() + "."
    return (parameters.label() + ": replication r of every design point uses draw r, and the study's factors win "
            "over the draw" + (" (one replication: the indices are conditional on a single draw)"
                               if study.replications == 1 else "") + ".")
