"""Experiment files (TOML): which scenarios, which factors vary and how, replications, horizon, outputs.

An experiment file looks like::

    # Purpose in a comment at the top.
    name = "sanctuary_vs_lead"
    scenarios = ["../scenarios/baseline.toml", "../scenarios/civilian_led.toml"]   # relative to this file
    replications = 4            # runs per scenario and design point (common random numbers across them)
    months = 60                 # optional: override the scenarios' horizon
    seed = 2024                 # root seed of the replications
    [design]
    method = "latin_hypercube"  # latin_hypercube | full_factorial | list | file
    samples = 20                # latin_hypercube only
    [design.factors]            # levers and/or uncertainties from the registry (`ctsim levers`)
    sanctuary_strength = [0.2, 0.8]     # latin_hypercube: [low, high] for numbers, a list of levels otherwise
    ct_lead = ["military", "police"]
    [outputs]
    monthly = ["attacks", "active_militants"]   # optional monthly series to keep (summary scalars always kept)
    monthly_every = 3                            # keep every 3rd month

``full_factorial`` takes a list of levels for every factor; ``list`` takes ``points = [{...}, {...}]`` under
``[design]``; ``file`` takes ``path = "points.csv"`` (CSV or Parquet, one column per factor). A design point's levers
set the scenario's starting values (a scenario's schedule may still change them later); its uncertainties override
the scenario's.

:func:`load_experiment` validates everything, with messages naming the file and the key, and
:meth:`Experiment.design` expands it into one row per run.
"""

from __future__ import annotations

import hashlib
import itertools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import qmc

from ctsim.declarations import registry
from ctsim.declarations.levers import LEVERS_BY_NAME, LeverError, check_value
from ctsim.declarations.outputs import OUTPUTS_BY_NAME
from ctsim.declarations.parameters import PARAMETERS_BY_NAME, ParameterError, resolve
from ctsim.scenarios.files import MAX_MONTHS, Scenario, ScenarioError, _suggest, load_scenario, read_toml

TOP_KEYS = ("name", "description", "scenarios", "replications", "months", "seed", "design", "outputs")
DESIGN_KEYS = ("method", "samples", "factors", "points", "path")
OUTPUT_KEYS = ("monthly", "monthly_every")
METHODS = ("latin_hypercube", "full_factorial", "list", "file")
MAX_RUNS = 10_000_000


class ExperimentError(ScenarioError):
    """An experiment file that cannot be used; the message names the file and the key."""


@dataclass
class Experiment:
    """A validated experiment.

    Attributes:
        name: short name (results folder).
        path: the file.
        sha256: hash of the file and of every scenario file it uses.
        scenarios: the scenarios, in file order.
        replications: runs per scenario and point.
        months: horizon of every run.
        seed: root seed; replication r uses child r of ``SeedSequence(seed)`` in every scenario and point.
        method: design method.
        factors: factor name -> range [low, high] or list of levels, as given.
        points: the design points (factor name -> value), one dict per point.
        monthly: monthly outcomes to keep (empty: none).
        monthly_every: keep every k-th month of those.
        description: free text.
    """

    name: str
    path: Path
    sha256: str
    scenarios: list[Scenario]
    replications: int
    months: int
    seed: int
    method: str
    factors: dict[str, Any] = field(default_factory=dict)
    points: list[dict[str, Any]] = field(default_factory=list)
    monthly: tuple[str, ...] = ()
    monthly_every: int = 1
    description: str = ""

    @property
    def n_runs(self) -> int:
        """Number of runs: points x scenarios x replications."""
        return max(1, len(self.points)) * len(self.scenarios) * self.replications

    def design(self) -> pd.DataFrame:
        """One row per run: run id, point, scenario, replication, seed (entropy and spawn key) and factor values.

        Runs are ordered point by point, then scenario, then replication; ``run_id`` is that position, so the same
        file always gives the same ids.
        """
        points = self.points or [{}]
        rows = []
        run_id = 0
        for p, point in enumerate(points):
            for s, scenario in enumerate(self.scenarios):
                for r in range(self.replications):
                    rows.append({"run_id": run_id, "point": p, "scenario": scenario.name, "scenario_index": s,
                                 "replication": r, "seed_entropy": self.seed, "seed_spawn_key": r, **point})
                    run_id += 1
        frame = pd.DataFrame(rows)
        for name in self.factors:
            if registry.factor(name).kind == "bool":
                frame[name] = frame[name].astype(bool)
        return frame


def load_experiment(path: str | Path) -> Experiment:
    """Read and validate an experiment file and the scenarios it names.

    Raises:
        ExperimentError: naming the file and the key, for every mistake in the experiment file; errors in a
            scenario file name that file.
    """
    path = Path(path)
    where = str(path)
    raw, data = read_toml(path, TOP_KEYS, ExperimentError)
    name = data.get("name", path.stem)
    if not isinstance(name, str) or not re.fullmatch(r"[A-Za-z0-9_.-]+", name):
        raise ExperimentError(f"{where}: key 'name' = {name!r} may hold only letters, digits, _ . -")
    scenarios = _scenarios(where, path, data.get("scenarios"))
    digest = hashlib.sha256(raw)
    for s in scenarios:
        digest.update(s.sha256.encode())
    replications = _int(where, "replications", data.get("replications", 1), 1, 100_000)
    months = _int(where, "months", data.get("months", scenarios[0].months), 1, MAX_MONTHS)
    if "months" not in data and len({s.months for s in scenarios}) > 1:
        raise ExperimentError(f"{where}: key 'months' is needed: the scenarios have different horizons")
    seed = _int(where, "seed", data.get("seed", scenarios[0].seed), 0, 2**63 - 1)
    experiment = Experiment(name=name, path=path, sha256=digest.hexdigest(), scenarios=scenarios,
                            replications=replications, months=months, seed=seed, method="none",
                            description=str(data.get("description", "")))
    if "design" in data:
        _design(where, path, data["design"], experiment)
    _outputs(where, data.get("outputs", {}), experiment)
    if experiment.n_runs > MAX_RUNS:
        raise ExperimentError(f"{where}: the design has {experiment.n_runs:,} runs, more than {MAX_RUNS:,}")
    return experiment


def _int(where: str, key: str, value: Any, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ExperimentError(f"{where}: key '{key}' must be a whole number; got {value!r}")
    if not low <= value <= high:
        raise ExperimentError(f"{where}: key '{key}' = {value} is outside the valid range [{low}, {high}]")
    return value


def _scenarios(where: str, path: Path, value: Any) -> list[Scenario]:
    if value is None:
        raise ExperimentError(f"{where}: key 'scenarios' is missing: list the scenario files, e.g. "
                              f"scenarios = [\"../scenarios/baseline.toml\"]")
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        raise ExperimentError(f"{where}: key 'scenarios' must be a non-empty list of scenario file paths")
    out = []
    for i, item in enumerate(value):
        target = (path.parent / item).resolve()
        if not target.is_file():
            raise ExperimentError(f"{where}: key 'scenarios[{i}]': file not found: {target}")
        out.append(load_scenario(target))
    names = [s.name for s in out]
    if len(set(names)) != len(names):
        raise ExperimentError(f"{where}: key 'scenarios': two scenarios share a name ({', '.join(names)})")
    if len({s.start for s in out}) > 1:
        raise ExperimentError(f"{where}: key 'scenarios': the scenarios start in different months")
    return out


def _check_factor_value(where: str, key: str, name: str, value: Any) -> Any:
    if name in LEVERS_BY_NAME:
        try:
            return check_value(LEVERS_BY_NAME[name], value)
        except LeverError as exc:
            raise ExperimentError(f"{where}: key '{key}': {exc}") from None
    try:
        resolve({name: value})
    except ParameterError as exc:
        raise ExperimentError(f"{where}: key '{key}': {exc}") from None
    return float(value)


def _known(where: str, key: str, name: str) -> registry.Factor:
    if name not in LEVERS_BY_NAME and name not in PARAMETERS_BY_NAME:
        raise ExperimentError(f"{where}: key '{key}': unknown lever or uncertainty"
                              f"{_suggest(name, list(LEVERS_BY_NAME) + list(PARAMETERS_BY_NAME))}")
    if name in registry.FACTORS_BY_NAME:
        return registry.FACTORS_BY_NAME[name]
    spec = PARAMETERS_BY_NAME[name]  # a fixed parameter may still be varied explicitly
    return registry.Factor(name, registry.UNCERTAINTY, "float", spec.value, spec.low, spec.high, (), spec.unit,
                           spec.source, spec.kind)


def _design(where: str, path: Path, design: Any, experiment: Experiment) -> None:
    if not isinstance(design, dict):
        raise ExperimentError(f"{where}: key 'design' must be a table ([design])")
    for key in design:
        if key not in DESIGN_KEYS:
            raise ExperimentError(f"{where}: unknown key 'design.{key}'{_suggest(key, list(DESIGN_KEYS))}")
    method = design.get("method")
    if method not in METHODS:
        raise ExperimentError(f"{where}: key 'design.method' must be one of {', '.join(METHODS)}; got {method!r}")
    experiment.method = method
    if method in ("latin_hypercube", "full_factorial"):
        factors = design.get("factors")
        if not isinstance(factors, dict) or not factors:
            raise ExperimentError(f"{where}: key 'design.factors' must be a table naming at least one factor")
        for name, spec in factors.items():
            _known(where, f"design.factors.{name}", name)
            experiment.factors[name] = spec
        if method == "latin_hypercube":
            samples = _int(where, "design.samples", design.get("samples"), 1, MAX_RUNS) \
                if "samples" in design else None
            if samples is None:
                raise ExperimentError(f"{where}: key 'design.samples' is needed for latin_hypercube")
            experiment.points = _latin_hypercube(where, factors, samples, experiment.seed)
        else:
            experiment.points = _factorial(where, factors)
    elif method == "list":
        points = design.get("points")
        if not isinstance(points, list) or not points or not all(isinstance(p, dict) for p in points):
            raise ExperimentError(f"{where}: key 'design.points' must be a non-empty list of tables, e.g. "
                                  f"points = [{{ sanctuary_strength = 0.3 }}]")
        experiment.points = [_point(where, f"design.points[{i}]", p) for i, p in enumerate(points)]
    else:
        experiment.points = _points_file(where, path, design.get("path"))
    names = sorted({k for p in experiment.points for k in p})
    experiment.factors = experiment.factors or {n: None for n in names}
    for i, point in enumerate(experiment.points):
        missing = set(names) - set(point)
        if missing:
            raise ExperimentError(f"{where}: key 'design.points[{i}]' lacks {', '.join(sorted(missing))}: every "
                                  f"point must set the same factors")


def _point(where: str, key: str, point: dict) -> dict:
    out = {}
    for name, value in point.items():
        _known(where, f"{key}.{name}", name)
        out[name] = _check_factor_value(where, f"{key}.{name}", name, value)
    return out


def _latin_hypercube(where: str, factors: dict, samples: int, seed: int) -> list[dict]:
    names = list(factors)
    unit = qmc.LatinHypercube(d=len(names), seed=np.random.default_rng(seed)).random(samples)
    columns = {}
    for j, name in enumerate(names):
        f = _known(where, f"design.factors.{name}", name)
        spec = factors[name]
        key = f"design.factors.{name}"
        if f.kind in ("float", "int"):
            if not (isinstance(spec, list) and len(spec) == 2 and all(
                    isinstance(v, int | float) and not isinstance(v, bool) for v in spec)):
                raise ExperimentError(f"{where}: key '{key}' must be [low, high] for a numeric factor; got {spec!r}")
            low, high = (float(v) for v in spec)
            _check_factor_value(where, key, name, low)
            _check_factor_value(where, key, name, high)
            if not low < high:
                raise ExperimentError(f"{where}: key '{key}' = {spec} must have low < high")
            values = low + unit[:, j] * (high - low)
            if f.kind == "int":
                values = np.floor(low + unit[:, j] * (high - low + 1)).clip(low, high)
            columns[name] = [int(v) if f.kind == "int" else float(v) for v in values]
        else:
            levels = _levels(where, key, name, spec)
            # Each level takes an equal share of the strata of the hypercube: no rounding of a number.
            columns[name] = [levels[int(u * len(levels))] for u in unit[:, j]]
    return [{name: columns[name][i] for name in names} for i in range(samples)]


def _levels(where: str, key: str, name: str, spec: Any) -> list:
    if not isinstance(spec, list) or not spec:
        raise ExperimentError(f"{where}: key '{key}' must be a list of levels; got {spec!r}")
    levels = [_check_factor_value(where, key, name, v) for v in spec]
    if len(set(map(repr, levels))) != len(levels):
        raise ExperimentError(f"{where}: key '{key}' repeats a level")
    return levels


def _factorial(where: str, factors: dict) -> list[dict]:
    names = list(factors)
    grids = [_levels(where, f"design.factors.{n}", n, factors[n]) for n in names]
    return [dict(zip(names, combo, strict=True)) for combo in itertools.product(*grids)]


def _points_file(where: str, path: Path, value: Any) -> list[dict]:
    if not isinstance(value, str):
        raise ExperimentError(f"{where}: key 'design.path' must name a CSV or Parquet file of points")
    target = (path.parent / value).resolve()
    if not target.is_file():
        raise ExperimentError(f"{where}: key 'design.path': file not found: {target}")
    try:
        frame = pd.read_parquet(target) if target.suffix == ".parquet" else pd.read_csv(target)
    except Exception as exc:  # noqa: BLE001 - any reader error becomes a clear message
        raise ExperimentError(f"{where}: key 'design.path': cannot read {target} ({exc})") from None
    if frame.empty:
        raise ExperimentError(f"{where}: key 'design.path': {target} holds no points")
    return [_point(where, f"design.path row {i + 2}", {k: (v.item() if hasattr(v, "item") else v)
                                                        for k, v in row.items()})
            for i, row in enumerate(frame.to_dict("records"))]


def _outputs(where: str, outputs: Any, experiment: Experiment) -> None:
    if not isinstance(outputs, dict):
        raise ExperimentError(f"{where}: key 'outputs' must be a table ([outputs])")
    for key in outputs:
        if key not in OUTPUT_KEYS:
            raise ExperimentError(f"{where}: unknown key 'outputs.{key}'{_suggest(key, list(OUTPUT_KEYS))}")
    monthly = outputs.get("monthly", [])
    if not isinstance(monthly, list) or not all(isinstance(m, str) for m in monthly):
        raise ExperimentError(f"{where}: key 'outputs.monthly' must be a list of output names")
    for i, name in enumerate(monthly):
        if name not in OUTPUTS_BY_NAME:
            raise ExperimentError(f"{where}: key 'outputs.monthly[{i}]': unknown output '{name}'"
                                  f"{_suggest(name, list(OUTPUTS_BY_NAME))}")
    experiment.monthly = tuple(monthly)
    experiment.monthly_every = _int(where, "outputs.monthly_every", outputs.get("monthly_every", 1), 1, MAX_MONTHS)
