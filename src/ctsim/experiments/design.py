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
:meth:`Experiment.design_chunks` expands it into one row per run, a bounded chunk at a time (:meth:`Experiment.design`
gives the whole table for small designs). The number of runs is counted from the file before any point is built, so
a design too large for :data:`MAX_RUNS` stops at once, and the points are held column by column (a table, not one
object per point), so the driver's memory does not grow with the number of runs.
"""

from __future__ import annotations

import hashlib
import io
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import qmc

from ctsim.declarations import registry
from ctsim.declarations.levers import LEVERS_BY_NAME, LeverError, check_value
from ctsim.declarations.limits import CELL_SIZE, INITIAL_KEYS, MAX_INITIAL_CELLS, MAX_INITIAL_MILITANTS, MILITANTS
from ctsim.declarations.outputs import OUTPUTS_BY_NAME
from ctsim.declarations.parameters import PARAMETERS_BY_NAME, ParameterError, resolve
from ctsim.inputs import (
    MAX_POINTS_BYTES,
    check_keys,
    check_path_text,
    excerpt,
    excerpt_key,
    excerpt_path,
    plain_name,
    reached_through,
    read_input,
    suggest,
    whole_number,
)
from ctsim.scenarios.files import MAX_MONTHS, Scenario, ScenarioError, check_initial_size, load_scenario, read_toml
from ctsim.scenarios.library import library_path

TOP_KEYS = ("name", "description", "scenarios", "replications", "months", "seed", "design", "outputs")
DESIGN_KEYS = ("method", "samples", "factors", "points", "path")
OUTPUT_KEYS = ("monthly", "monthly_every")
METHODS = ("latin_hypercube", "full_factorial", "list", "file")
MAX_RUNS = 10_000_000
MAX_POINTS = 1_000_000  # design points (the table of points is held in memory: at most ~8 MB per factor)
DESIGN_CHUNK = 50_000  # rows of the design table built at a time


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
        table: the design points as a table (one row per point, one column per factor); :attr:`points` gives
            them as dicts.
        inputs: files the design depends on, read while loading (path -> SHA-256 of the bytes read): the
            experiment file and a points file. Scenario files and the calibration are added by the batch.
        monthly: monthly outcomes to keep (empty: none).
        monthly_every: keep every k-th month of those.
        description: free text.
        parameters: the parameter set of the replications (:mod:`ctsim.calibration.parameter_sets`): replication
            r uses its draw r in every scenario and point; None means the point calibration.
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
    monthly: tuple[str, ...] = ()
    monthly_every: int = 1
    description: str = ""
    table: pd.DataFrame | None = None
    inputs: dict[str, str] = field(default_factory=dict)
    parameters: Any = None

    def __post_init__(self) -> None:
        if self.table is None:
            self.table = pd.DataFrame()

    @property
    def points(self) -> list[dict[str, Any]]:
        """The design points as dicts of plain Python values (for small designs: built on every call)."""
        return [{k: _plain(v) for k, v in row.items()} for row in self.table.to_dict("records")]

    @property
    def runs_per_point(self) -> int:
        """Runs of one design point: scenarios x replications."""
        return len(self.scenarios) * self.replications

    @property
    def n_points(self) -> int:
        """Design points (0 without a design)."""
        return len(self.table)

    @property
    def n_runs(self) -> int:
        """Number of runs: points x scenarios x replications."""
        return max(1, self.n_points) * len(self.scenarios) * self.replications

    def design(self) -> pd.DataFrame:
        """One row per run: run id, point, scenario, replication, seed (entropy and spawn key) and factor values.

        Runs are ordered point by point, then scenario, then replication; ``run_id`` is that position, so the same
        file always gives the same ids. The whole table at once: use :meth:`design_chunks` for large designs.
        """
        return pd.concat(list(self.design_chunks()), ignore_index=True)

    def design_chunks(self, size: int = DESIGN_CHUNK) -> Iterator[pd.DataFrame]:
        """The rows of :meth:`design`, ``size`` at a time (memory bounded by ``size``, not by the number of runs)."""
        per_point = len(self.scenarios) * self.replications
        names = np.array([s.name for s in self.scenarios], dtype=object)
        table = self.table if self.n_points else pd.DataFrame(index=[0])
        for start in range(0, self.n_runs, size):
            run_id = np.arange(start, min(start + size, self.n_runs), dtype=np.int64)
            point = run_id // per_point
            scenario_index = (run_id // self.replications) % len(self.scenarios)
            replication = run_id % self.replications
            frame = pd.DataFrame({
                "run_id": run_id, "point": point, "scenario": names[scenario_index],
                "scenario_index": scenario_index, "replication": replication,
                "seed_entropy": np.full(len(run_id), self.seed, dtype=np.int64),
                "seed_spawn_key": replication})
            values = table.iloc[point].reset_index(drop=True)
            for name in table.columns:
                frame[name] = values[name].to_numpy()
            for name in self.factors:
                if name in frame and registry.factor(name).kind == "bool":
                    frame[name] = frame[name].astype(bool)
            yield frame


def _plain(value: Any) -> Any:
    return value.item() if hasattr(value, "item") else value


def points_table(points: list[dict[str, Any]]) -> pd.DataFrame:
    """Design points as a table, keeping each column's type (ints stay ints, bools stay bools)."""
    if not points:
        return pd.DataFrame()
    return pd.DataFrame.from_records(points)


def load_experiment(path: str | Path) -> Experiment:
    """Read and validate an experiment file and the scenarios it names.

    Raises:
        ExperimentError: naming the file and the key, for every mistake in the experiment file; errors in a
            scenario file name that file.
    """
    path = Path(path)
    where = excerpt_path(path)
    raw, data = read_toml(path, TOP_KEYS, ExperimentError)
    # The name becomes the batch folder (results/batch/<name>): a plain name, never '..' or a path.
    name = plain_name(where, "name" if "name" in data else "name (from the file name)", data.get("name", path.stem),
                      ExperimentError)
    scenarios = _scenarios(where, path, data.get("scenarios"))
    digest = hashlib.sha256(raw)
    for s in scenarios:
        digest.update(s.sha256.encode())
    replications = _int(where, "replications", data.get("replications", 1), 1, 100_000)
    months = _int(where, "months", data.get("months", scenarios[0].months), 1, MAX_MONTHS)
    if "months" not in data and len({s.months for s in scenarios}) > 1:
        raise ExperimentError(f"{where}: key 'months' is needed: the scenarios have different horizons")
    seed = _int(where, "seed", data.get("seed", scenarios[0].seed), 0, 2**63 - 1)
    experiment = Experiment(name=name, path=path, sha256="", scenarios=scenarios,
                            replications=replications, months=months, seed=seed, method="none",
                            description=str(data.get("description", "")))
    experiment.inputs[str(path.resolve())] = hashlib.sha256(raw).hexdigest()
    if "design" in data:
        _design(where, path, data["design"], experiment)
    _outputs(where, data.get("outputs", {}), experiment)
    _check_count(where, experiment.n_runs)
    check_initial_states(where, experiment)
    for file, sha in experiment.inputs.items():  # the points file's content is part of what the batch is
        if file != str(path.resolve()):
            digest.update(sha.encode())
    experiment.sha256 = digest.hexdigest()
    return experiment


def initial_states(experiment: Experiment) -> Iterator[tuple[Scenario, np.ndarray, np.ndarray]]:
    """For each scenario, the militants and the cells each design point starts with (one value without a design,
    or when the design varies neither ``initial_active_militants`` nor ``initial_cell_size``)."""
    table = experiment.table
    for scenario in experiment.scenarios:
        base = resolve({**(scenario.history.uncertainties if scenario.history else {}), **scenario.uncertainties})
        militants = table[MILITANTS].to_numpy(dtype=float) if MILITANTS in table else np.array([base[MILITANTS]])
        size = table[CELL_SIZE].to_numpy(dtype=float) if CELL_SIZE in table else np.array([base[CELL_SIZE]])
        militants, size = np.broadcast_arrays(militants, size)
        yield scenario, militants, militants / np.maximum(size, 1.0)


def largest_initial_state(experiment: Experiment) -> tuple[float, float]:
    """The most militants and the most cells any run of the design starts with (the time estimate's basis)."""
    states = [(float(m.max()), float(c.max())) for _, m, c in initial_states(experiment)]
    return max(m for m, _ in states), max(c for _, c in states)


def check_initial_states(where: str, experiment: Experiment) -> None:
    """Refuse a design one of whose runs would start beyond the cost guard's limits
    (:mod:`ctsim.declarations.limits`), naming the design's keys; checked on every design point, before anything
    runs."""
    for scenario, militants, cells in initial_states(experiment):
        beyond = np.flatnonzero((militants > MAX_INITIAL_MILITANTS) | (cells > MAX_INITIAL_CELLS))
        if beyond.size == 0:
            continue
        i = int(beyond[0])
        point = experiment.table.iloc[i] if len(experiment.table) else {}
        varied = {k: float(point[k]) for k in INITIAL_KEYS if k in experiment.table}
        label = {"latin_hypercube": "design.factors.{}", "full_factorial": "design.factors.{}",
                 "list": f"design.points[{i}].{{}}"}.get(experiment.method, f"design.path row {i + 2} column {{}}")
        check_initial_size(scenario, varied, {k: label.format(k) for k in varied}, where, ExperimentError)


def _check_count(where: str, runs: int, what: str = "the design", points: int = 0) -> None:
    if points > MAX_POINTS:
        raise ExperimentError(f"{where}: {what} has {points:,} points, more than the limit of {MAX_POINTS:,}; "
                              f"reduce the samples, levels or points")
    if runs > MAX_RUNS:
        raise ExperimentError(f"{where}: {what} has {runs:,} runs, more than the limit of {MAX_RUNS:,}; reduce "
                              f"the samples, levels, points or replications")


def _int(where: str, key: str, value: Any, low: int, high: int) -> int:
    return whole_number(where, key, value, low, high, ExperimentError)


def _scenarios(where: str, path: Path, value: Any) -> list[Scenario]:
    if value is None:
        raise ExperimentError(f"{where}: key 'scenarios' is missing: list the scenario files or library names, "
                              f"e.g. scenarios = [\"baseline\", \"../my_policy.toml\"]")
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        raise ExperimentError(f"{where}: key 'scenarios' must be a non-empty list of scenario file paths")
    if len(value) > 100:
        raise ExperimentError(f"{where}: key 'scenarios' lists {len(value)} scenarios; at most 100 are allowed")
    out = []
    for i, item in enumerate(value):
        target = scenario_path(where, f"scenarios[{i}]", path, item)
        try:
            out.append(load_scenario(target, reached=True))
        except ScenarioError as exc:
            raise ExperimentError(reached_through(str(exc), where, f"scenarios[{i}]")) from None
    names = [s.name for s in out]
    if len(set(names)) != len(names):
        raise ExperimentError(f"{where}: key 'scenarios': two scenarios share a name ({', '.join(names)})")
    if len({s.start for s in out}) > 1:
        raise ExperimentError(f"{where}: key 'scenarios': the scenarios start in different months")
    return out


def scenario_path(where: str, key: str, path: Path, item: str) -> Path:
    """A scenario named in an experiment or study: a file relative to it or, failing that, a library scenario by
    name (``"baseline"`` or ``"baseline.toml"``), as ``extends`` resolves."""
    check_path_text(where, key, item, ExperimentError)
    found = library_path(item)
    try:
        beside = (path.parent / item).is_file()
    except (OSError, ValueError):
        beside = False
    return found.resolve() if found is not None and not beside else _input_path(where, key, path, item)


def _input_path(where: str, key: str, path: Path, item: str) -> Path:
    """A file named in the experiment (relative to it), which must exist."""
    check_path_text(where, key, item, ExperimentError)
    try:
        target = (path.parent / item).resolve()
        found = target.is_file()
    except (OSError, ValueError) as exc:
        raise ExperimentError(f"{where}: key '{key}' = {excerpt(item)}: not a usable path "
                              f"({getattr(exc, 'strerror', None) or type(exc).__name__})") from None
    if not found and target.exists():  # a FIFO would block, a device never ends: never opened
        raise ExperimentError(f"{where}: key '{key}': {excerpt_path(target)} is not a regular file")
    if not found:
        raise ExperimentError(f"{where}: key '{key}': file not found: {excerpt_path(target)}")
    return target


def _check_factor_value(where: str, key: str, name: str, value: Any) -> Any:
    key = excerpt_key(key)
    if isinstance(value, float) and not math.isfinite(value):
        raise ExperimentError(f"{where}: key '{key}' = {value} is not a finite number; give a number such as 0.5")
    try:
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
    except (ValueError, TypeError, OverflowError) as exc:
        if isinstance(exc, ScenarioError):
            raise
        raise ExperimentError(f"{where}: key '{key}' = {excerpt(value)} is not a valid value of '{name}'; see "
                              f"`ctsim levers` for its range or levels") from None


def _known(where: str, key: str, name: str) -> registry.Factor:
    if name not in LEVERS_BY_NAME and name not in PARAMETERS_BY_NAME:
        raise ExperimentError(f"{where}: key '{excerpt_key(key)}': unknown lever or uncertainty"
                              f"{suggest(str(name), list(LEVERS_BY_NAME) + list(PARAMETERS_BY_NAME))}")
    if name in registry.FACTORS_BY_NAME:
        return registry.FACTORS_BY_NAME[name]
    spec = PARAMETERS_BY_NAME[name]  # a fixed parameter may still be varied explicitly
    return registry.Factor(name, registry.UNCERTAINTY, "float", spec.value, spec.low, spec.high, (), spec.unit,
                           spec.source, spec.kind)


def _design(where: str, path: Path, design: Any, experiment: Experiment) -> None:
    if not isinstance(design, dict):
        raise ExperimentError(f"{where}: key 'design' must be a table ([design])")
    check_keys(where, design, DESIGN_KEYS, ExperimentError, "design")
    method = design.get("method")
    if not isinstance(method, str) or method not in METHODS:
        raise ExperimentError(f"{where}: key 'design.method' must be one of {', '.join(METHODS)}; got "
                              f"{excerpt(method)}")
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
            _check_count(where, samples * experiment.runs_per_point, points=samples)
            experiment.table = _latin_hypercube(where, factors, samples, experiment.seed)
        else:
            experiment.table = _factorial(where, factors, experiment.runs_per_point)
        return
    if method == "list":
        points = design.get("points")
        if not isinstance(points, list) or not points or not all(isinstance(p, dict) for p in points):
            raise ExperimentError(f"{where}: key 'design.points' must be a non-empty list of tables, e.g. "
                                  f"points = [{{ sanctuary_strength = 0.3 }}]")
        _check_count(where, len(points) * experiment.runs_per_point, points=len(points))
        points = [_point(where, f"design.points[{i}]", p) for i, p in enumerate(points)]
    else:
        points = _points_file(where, path, design.get("path"), experiment)
    names = sorted({k for p in points for k in p})
    experiment.factors = {n: None for n in names}
    for i, point in enumerate(points):
        missing = set(names) - set(point)
        if missing:
            raise ExperimentError(f"{where}: key 'design.points[{i}]' lacks {', '.join(sorted(missing))}: every "
                                  f"point must set the same factors")
    experiment.table = points_table(points)


def _point(where: str, key: str, point: dict) -> dict:
    out = {}
    for name, value in point.items():
        _known(where, f"{key}.{name}", name)
        out[name] = _check_factor_value(where, f"{key}.{name}", name, value)
    return out


def _latin_hypercube(where: str, factors: dict, samples: int, seed: int) -> pd.DataFrame:
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
                values = np.floor(low + unit[:, j] * (high - low + 1)).clip(low, high).astype(np.int64)
            columns[name] = values
        else:
            levels = _levels(where, key, name, spec)
            # Each level takes an equal share of the strata of the hypercube: no rounding of a number.
            columns[name] = _level_array(levels)[(unit[:, j] * len(levels)).astype(np.int64)]
    return pd.DataFrame(columns, columns=names)


def _level_array(levels: list) -> np.ndarray:
    """Levels as an array that keeps their type (bool, str, number)."""
    if all(isinstance(v, bool) for v in levels):
        return np.array(levels, dtype=bool)
    if all(isinstance(v, int) and not isinstance(v, bool) for v in levels):
        return np.array(levels, dtype=np.int64)
    if all(isinstance(v, float) for v in levels):
        return np.array(levels, dtype=np.float64)
    return np.array(levels, dtype=object)


def _levels(where: str, key: str, name: str, spec: Any) -> list:
    if not isinstance(spec, list) or not spec:
        raise ExperimentError(f"{where}: key '{excerpt_key(key)}' must be a list of levels; got {excerpt(spec)}")
    levels = [_check_factor_value(where, key, name, v) for v in spec]
    if len(set(map(repr, levels))) != len(levels):
        raise ExperimentError(f"{where}: key '{key}' repeats a level")
    return levels


def _factorial(where: str, factors: dict, runs_per_point: int) -> pd.DataFrame:
    """Every combination of the levels, counted first: a grid over the limit stops before anything is built."""
    names = list(factors)
    grids = [_levels(where, f"design.factors.{n}", n, factors[n]) for n in names]
    points = math.prod(len(g) for g in grids)
    _check_count(where, points * runs_per_point, "the full-factorial design", points)
    index = np.indices([len(g) for g in grids]).reshape(len(grids), -1)  # last factor varies fastest
    return pd.DataFrame({n: _level_array(g)[index[j]] for j, (n, g) in enumerate(zip(names, grids, strict=True))},
                        columns=names)


def _points_file(where: str, path: Path, value: Any, experiment: Experiment) -> list[dict]:
    if not isinstance(value, str):
        raise ExperimentError(f"{where}: key 'design.path' must name a CSV or Parquet file of points")
    target = _input_path(where, "design.path", path, value)
    if target.suffix.lower() not in (".csv", ".parquet"):
        raise ExperimentError(f"{where}: key 'design.path' = {excerpt(value)} must name a .csv or .parquet file")
    raw = read_input(target, "points file", ExperimentError, MAX_POINTS_BYTES)
    experiment.inputs[str(target)] = hashlib.sha256(raw).hexdigest()

    try:  # parse the bytes read and hashed, so that what is recorded is what is used
        frame = pd.read_parquet(io.BytesIO(raw)) if target.suffix.lower() == ".parquet" \
            else pd.read_csv(io.BytesIO(raw))
    except Exception as exc:  # noqa: BLE001 - any reader error becomes a clear message, without the file's text
        raise ExperimentError(f"{where}: key 'design.path': cannot read {excerpt_path(target)} as "
                              f"{target.suffix.lower()[1:].upper()} ({type(exc).__name__})") from None
    if frame.empty:
        raise ExperimentError(f"{where}: key 'design.path': {excerpt_path(target)} holds no points")
    for j, column in enumerate(frame.columns):
        if column not in LEVERS_BY_NAME and column not in PARAMETERS_BY_NAME:
            # Quote a column name only when it looks like a name: never a stretch of an arbitrary file's text.
            shown = f"'{column}'" if isinstance(column, str) and re.fullmatch(r"[A-Za-z_]\w{0,40}", column) \
                else "(not a factor name)"
            raise ExperimentError(f"{where}: key 'design.path': column {j + 1} {shown} of {excerpt_path(target)} "
                                  f"is not a lever or uncertainty; columns must be factor names (`ctsim levers`)")
    _check_count(where, len(frame) * experiment.runs_per_point, points=len(frame))
    return [_point(where, f"design.path row {i + 2}", {k: (v.item() if hasattr(v, "item") else v)
                                                        for k, v in row.items()})
            for i, row in enumerate(frame.to_dict("records"))]


def _outputs(where: str, outputs: Any, experiment: Experiment) -> None:
    if not isinstance(outputs, dict):
        raise ExperimentError(f"{where}: key 'outputs' must be a table ([outputs])")
    check_keys(where, outputs, OUTPUT_KEYS, ExperimentError, "outputs")
    monthly = outputs.get("monthly", [])
    if not isinstance(monthly, list) or not all(isinstance(m, str) for m in monthly):
        raise ExperimentError(f"{where}: key 'outputs.monthly' must be a list of output names")
    for i, name in enumerate(monthly):
        if name not in OUTPUTS_BY_NAME:
            raise ExperimentError(f"{where}: key 'outputs.monthly[{i}]': unknown output {excerpt(name)}"
                                  f"{suggest(name, list(OUTPUTS_BY_NAME))}")
    experiment.monthly = tuple(monthly)
    experiment.monthly_every = _int(where, "outputs.monthly_every", outputs.get("monthly_every", 1), 1, MAX_MONTHS)
