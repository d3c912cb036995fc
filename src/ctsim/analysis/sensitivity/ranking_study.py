"""The ranking study (``ctsim rank``, ``make rank``): every lever, numeric and categorical, as a factor of one design,
run through the one executor, with the variance apportioned to groups and the ranking's reliability.

A study file (TOML) looks like::

    # Purpose in a comment at the top.
    name = "rank_levers"
    scenario = "../scenarios/baseline.toml"  # every lever varies around this scenario (after its history)
    n = 128                 # Sobol base samples of each of the two independent samples (a power of two)
    replications = 3        # runs per design row: replication r has its own seed and posterior draw
    months = 120            # horizon after the history
    seed = 2024
    outcomes = ["attacks", "deaths", "detained_without_trial", "legitimacy", "cost"]
    point_n = 64            # base samples of the same design on the point calibration (0: skip that check)
    effect_sizes = true     # the assumed effect sizes, as one group, each over its plausible range
    prices = true           # the assumed prices, as one group
    [quick]                 # --quick: a small design that checks the machinery end to end
    n = 4
    replications = 2
    point_n = 4
    months = 12

**What varies.** Every lever of the registry over its whole admissible range (numbers) or its levels (choices and
true/false, each equally likely), each its own group (:mod:`ctsim.analysis.sensitivity.ranking`). The assumed
values (registry uncertainties the calibration does not fit) over their plausible ranges, in two groups: effect
sizes, and prices (which move cost alone). The calibrated parameters come from the replications: replication
``r`` of sample ``s`` is replication ``s R + r`` of :func:`ctsim.experiments.executors.replications`, with its seed
and its posterior draw (:func:`ctsim.calibration.parameter_sets.choose`), so the two samples are independent in their
design, their seeds and their draws. A third design, nested in the first sample's rows and with its seeds, runs on
the point calibration, so that the ranking under the posterior can be compared with the ranking under the point
calibration.

**Outcomes** over the horizon: flows (attacks, deaths, cost) summed; stocks (people held without trial,
legitimacy) averaged over the months, as the evidence table measures them, since by the last month a change of
government has often reverted a lever.

**Runs** go through :func:`ctsim.experiments.executors.replicate` (local processes or Dask), a chunk of
:data:`CHUNK_RUNS` at a time; each finished chunk is a part file under ``runs/parts`` (written atomically, read back
through :func:`ctsim.storage.results.latest_records`), so rerunning the same command resumes.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ctsim.analysis.sensitivity.ranking import (
    ASSUMPTION,
    LEVER,
    Design,
    Group,
    Input,
    OutcomeRanking,
    rank_outcome,
    run_seed,
)
from ctsim.calibration import targets
from ctsim.calibration.fingerprint import model_fingerprint
from ctsim.calibration.parameter_sets import POINT_SET, ParameterSet
from ctsim.declarations import registry
from ctsim.declarations.levers import LEVERS_BY_NAME
from ctsim.declarations.outputs import OUTPUTS, OUTPUTS_BY_NAME
from ctsim.declarations.parameters import PARAMETERS_BY_NAME, calibration_version
from ctsim.experiments.design import ExperimentError, scenario_path
from ctsim.experiments.executors import ExecutorSpec, Replication, replicate, replications
from ctsim.inputs import check_keys, excerpt, excerpt_path, plain_name, reached_through, suggest, whole_number
from ctsim.provenance import git_commit
from ctsim.scenarios.files import ScenarioError, load_scenario, read_toml
from ctsim.scenarios.runner import run
from ctsim.storage import atomic_write, ensure_folder, write_text
from ctsim.storage.results import latest_records

REPO = Path(__file__).resolve().parents[4]
RANKING_CSV = REPO / "docs" / "ranking.csv"  # the published ranking, with the model fingerprint it was computed on
TOP_KEYS = ("name", "description", "scenario", "n", "replications", "months", "seed", "outcomes", "point_n",
            "effect_sizes", "prices", "quick")
QUICK_KEYS = ("n", "replications", "months", "point_n")
DEFAULT_OUTCOMES = ("attacks", "deaths", "detained_without_trial", "legitimacy", "cost")
EFFECT_SIZES, PRICES = "assumed_effect_sizes", "assumed_prices"
CHUNK_RUNS = 4096
STOCKS = tuple(o.name for o in OUTPUTS if o.summary == "last")
MAX_N = 8192


class RankingError(ExperimentError):
    """A ranking study file, or its results folder, that cannot be used; one line naming the file and key."""


def build_design(effect_sizes: bool = True, prices: bool = True) -> Design:
    """Every lever (its own group) and, as two groups, the assumed effect sizes and prices over their plausible
    ranges (the registry's uncertainties the calibration does not fit)."""
    inputs, groups = [], []
    for f in registry.levers():
        groups.append(Group(f.name, LEVER, LEVERS_BY_NAME[f.name].label))
        if f.is_numeric:
            inputs.append(Input(f.name, f.name, f.kind, float(f.low), float(f.high)))
        else:
            inputs.append(Input(f.name, f.name, "levels", levels=tuple(f.levels)))
    assumed = [f for f in registry.uncertainties() if f.name not in targets.FREE]
    for wanted, name, is_price, what in ((effect_sizes, EFFECT_SIZES, False, "effect sizes"),
                                         (prices, PRICES, True, "prices")):
        members = [f for f in assumed if PARAMETERS_BY_NAME[f.name].is_price == is_price]
        if wanted and members:
            groups.append(Group(name, ASSUMPTION, f"Assumed {what} ({len(members)} values together)"))
            inputs += [Input(f.name, name, "float", float(f.low), float(f.high)) for f in members]
    return Design(tuple(inputs), tuple(groups))


@dataclass
class RankingStudy:
    """A validated ranking study."""

    name: str
    path: Path
    sha256: str
    scenario: Any
    n: int
    replications: int
    months: int
    seed: int
    outcomes: tuple[str, ...]
    point_n: int
    effect_sizes: bool = True
    prices: bool = True
    description: str = ""
    quick: dict[str, int] = field(default_factory=dict)
    parameters: ParameterSet = POINT_SET

    @property
    def design(self) -> Design:
        """The design's inputs and groups."""
        return build_design(self.effect_sizes, self.prices)

    def quickened(self) -> RankingStudy:
        """The study with its ``[quick]`` settings (a small design that checks the machinery)."""
        return replace(self, name=f"{self.name}_quick", **self.quick)

    @property
    def with_point(self) -> bool:
        """Whether the point calibration's design runs (not when the study itself runs on the point set)."""
        return self.point_n > 0 and self.parameters.mode != "point"

    def blocks(self) -> list[Block]:
        """The designs the study runs, in run-id order: two independent samples, then the point calibration's."""
        design = self.design
        reps = replications(2 * self.replications, self.seed, self.parameters)
        out = [Block("first sample", self.n, self.seed, tuple(reps[:self.replications]), design.rows(self.n)),
               Block("second sample", self.n, self.seed + 1, tuple(reps[self.replications:]), design.rows(self.n))]
        if self.with_point:
            # Nested in the first sample (the same scrambled sequence, its first point_n base samples) and on its
            # seeds: the two rankings differ by the parameters alone, and by the design's size.
            point = replications(self.replications, self.seed, POINT_SET)
            out.append(Block("point calibration", self.point_n, self.seed, tuple(point), design.rows(self.point_n)))
        return out

    @property
    def runs(self) -> int:
        """Model runs of the whole study."""
        return sum(b.rows for b in self.blocks()) * self.replications

    @property
    def total_months(self) -> int:
        """Months each run simulates (the history included)."""
        return self.months + self.scenario.history_months


@dataclass(frozen=True)
class Block:
    """One design of the study: its base samples, the seed of its unit design, its replications and rows."""

    label: str
    n: int
    unit_seed: int
    replications: tuple[Replication, ...]
    rows: int


def load_ranking_study(path: str | Path) -> RankingStudy:
    """Read and validate a ranking study file (errors name the file and the key)."""
    path = Path(path)
    where = excerpt_path(path)
    raw, data = read_toml(path, TOP_KEYS, RankingError)
    name = plain_name(where, "name" if "name" in data else "name (from the file name)", data.get("name", path.stem),
                      RankingError)
    if "scenario" not in data or not isinstance(data["scenario"], str):
        raise RankingError(f"{where}: key 'scenario' must name a scenario file, e.g. \"../scenarios/baseline.toml\"")
    try:
        target = scenario_path(where, "scenario", path, data["scenario"])
        scenario = load_scenario(target, reached=True)
    except ScenarioError as exc:
        raise RankingError(reached_through(str(exc), where, "scenario")) from None
    n = _power_of_two(where, "n", data.get("n", 128))
    outcomes = data.get("outcomes", list(DEFAULT_OUTCOMES))
    if not isinstance(outcomes, list) or not outcomes:
        raise RankingError(f"{where}: key 'outcomes' must be a non-empty list of outputs, e.g. "
                           f"{list(DEFAULT_OUTCOMES)}")
    for i, outcome in enumerate(outcomes):
        if outcome not in OUTPUTS_BY_NAME:
            raise RankingError(f"{where}: key 'outcomes[{i}]': unknown output {excerpt(outcome)}"
                               f"{suggest(str(outcome), list(OUTPUTS_BY_NAME))}")
    if len(set(outcomes)) != len(outcomes):
        raise RankingError(f"{where}: key 'outcomes' names an output twice")
    flags = {}
    for key in ("effect_sizes", "prices"):
        flags[key] = data.get(key, True)
        if not isinstance(flags[key], bool):
            raise RankingError(f"{where}: key '{key}' must be true or false; got {excerpt(flags[key])}")
    point_n = data.get("point_n", 0)
    point_n = 0 if point_n == 0 and not isinstance(point_n, bool) else _power_of_two(where, "point_n", point_n)
    if point_n > n:
        raise RankingError(f"{where}: key 'point_n' = {point_n} must not exceed 'n' = {n} (its design is nested in "
                           f"the first sample's)")
    quick = _quick(where, data.get("quick", {}))
    digest = hashlib.sha256(raw)
    digest.update(scenario.sha256.encode())
    study = RankingStudy(
        name=name, path=path, sha256=digest.hexdigest(), scenario=scenario, n=n,
        replications=_int(where, "replications", data.get("replications", 3), 1, 1000),
        months=_int(where, "months", data.get("months", scenario.months), 1, 600),
        seed=_int(where, "seed", data.get("seed", 1), 0, 2**32 - 1), outcomes=tuple(outcomes), point_n=point_n,
        description=str(data.get("description", "")), quick=quick, **flags)
    if quick.get("point_n", study.point_n) > quick.get("n", study.n):
        raise RankingError(f"{where}: key 'quick.point_n' must not exceed the quick design's n")
    return study


def _int(where: str, key: str, value: Any, low: int, high: int) -> int:
    return whole_number(where, key, value, low, high, RankingError)


def _power_of_two(where: str, key: str, value: Any) -> int:
    value = _int(where, key, value, 2, MAX_N)
    if value & (value - 1):
        raise RankingError(f"{where}: key '{key}' = {value} must be a power of two (e.g. 64, 128, 256)")
    return value


def _quick(where: str, table: Any) -> dict[str, int]:
    if not isinstance(table, dict):
        raise RankingError(f"{where}: key 'quick' must be a table ([quick]) of {', '.join(QUICK_KEYS)}")
    check_keys(where, table, QUICK_KEYS, RankingError, "quick")
    out = {}
    for key, value in table.items():
        if key in ("n", "point_n"):
            out[key] = 0 if key == "point_n" and value == 0 and not isinstance(value, bool) else \
                _power_of_two(where, f"quick.{key}", value)
        else:
            out[key] = _int(where, f"quick.{key}", value, 1, 1000 if key == "replications" else 600)
    return out


# --- running -----------------------------------------------------------------------------------------------------

def horizon_values(national: pd.DataFrame, outcomes: tuple[str, ...]) -> dict[str, float]:
    """Each outcome over the horizon: flows summed, means averaged, stocks averaged over the months."""
    out = {}
    for name in outcomes:
        column = national[name].to_numpy(dtype=float)
        out[name] = float(column.sum() if OUTPUTS_BY_NAME[name].summary == "sum" else column.mean())
    return out


def run_task(task: tuple, scenario: Any, months: int, outcomes: tuple[str, ...]) -> dict[str, float]:
    """One run of the study (top level, so local processes and Dask workers can run it)."""
    levers, uncertainties, seed, draw = task
    result = run(scenario, seed, months, levers=levers, uncertainties=uncertainties, draw=draw or None)
    return horizon_values(result.national, outcomes)


def _plain(value: Any) -> Any:
    return value.item() if hasattr(value, "item") else value


class Runs:
    """The study's runs in run-id order: block by block, row by row, replication by replication."""

    def __init__(self, study: RankingStudy) -> None:
        self.study = study
        self.design = study.design
        self.blocks = study.blocks()
        self.units = [self.design.sample(b.n, b.unit_seed) for b in self.blocks]
        self.levers = {i.name for i in self.design.inputs if i.name in LEVERS_BY_NAME}
        self.total = sum(b.rows for b in self.blocks) * study.replications

    def task(self, run_id: int) -> tuple:
        """The run's levers, uncertainties, seed and draw."""
        r_count = self.study.replications
        row, r = divmod(run_id, r_count)
        for block, unit in zip(self.blocks, self.units, strict=True):
            if row < block.rows:
                values = self.design.values(unit[row])
                rep = block.replications[r]
                levers = {k: _plain(v) for k, v in values.items() if k in self.levers}
                uncertain = {k: float(v) for k, v in values.items() if k not in self.levers}
                return levers, uncertain, run_seed(rep, float(unit[row, -1])), dict(rep.draw)
            row -= block.rows
        raise IndexError(f"run {run_id} is beyond the study's {self.total} runs")

    def arrays(self, table: pd.DataFrame) -> dict[str, list[np.ndarray]]:
        """Outcome -> one array (rows x replications) per block, from the records in run-id order."""
        out: dict[str, list[np.ndarray]] = {o: [] for o in self.study.outcomes}
        start = 0
        for block in self.blocks:
            size = block.rows * self.study.replications
            part = table.iloc[start:start + size]
            for o in self.study.outcomes:
                out[o].append(part[o].to_numpy(dtype=float).reshape(block.rows, self.study.replications))
            start += size
        return out


def manifest(study: RankingStudy) -> dict[str, Any]:
    """What the results folder was computed from: a rerun resumes only on the same study, model and draws."""
    return {"kind": "ctsim rank", "study": study.name, "study_sha256": study.sha256,
            "model_fingerprint": model_fingerprint(), "runs": Runs(study).total, "chunk_runs": CHUNK_RUNS,
            "outcomes": list(study.outcomes), "months": study.months,
            "parameters": study.parameters.manifest(2 * study.replications)}


def execute(study: RankingStudy, folder: Path, spec: ExecutorSpec | None = None,
            on_result: Callable[[], None] | None = None) -> tuple[pd.DataFrame, float, int]:
    """Run (or resume) every run of the study into ``folder/runs``; returns the records in run-id order, the wall
    time of this invocation and the runs it made.

    Raises:
        RankingError: when ``folder`` holds runs of another study, model or parameter set.
    """
    started = time.perf_counter()
    runs = Runs(study)
    store = ensure_folder(ensure_folder(folder) / "runs")
    record = manifest(study)
    path = store / "manifest.json"
    if not path.is_file() and any(store.iterdir()):  # another command's files: never written over
        raise RankingError(f"{excerpt_path(store)}: holds files that are not a ranking study's runs; choose another "
                           f"folder with --out")
    ensure_folder(store / "parts")
    if path.is_file():
        try:
            stored = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            stored = None
        if stored != json.loads(json.dumps(record)):
            raise RankingError(f"{excerpt_path(path)}: the runs in this folder belong to another study, model or "
                               f"parameter set; choose another folder with --out or delete it")
    else:
        write_text(path, json.dumps(record, indent=1, sort_keys=True) + "\n")
        _write_batch_files(study, runs, store)
    done = latest_records(store)
    finished = set(done.loc[done["status"] == "ok", "run_id"].astype(int))
    made = 0
    for chunk, start in enumerate(range(0, runs.total, CHUNK_RUNS)):
        ids = [i for i in range(start, min(start + CHUNK_RUNS, runs.total)) if i not in finished]
        if not ids:
            continue
        results = replicate(partial(run_task, scenario=study.scenario, months=study.months, outcomes=study.outcomes),
                            (runs.task(i) for i in ids), spec, on_result=on_result)
        frame = pd.DataFrame(results).assign(run_id=ids, status="ok")
        atomic_write(store / "parts" / f"part-{chunk:06d}.parquet", lambda tmp, f=frame: f.to_parquet(tmp, index=False))
        made += len(ids)
    table = latest_records(store).sort_values("run_id").reset_index(drop=True)
    if len(table) != runs.total or not (table["run_id"].to_numpy() == np.arange(runs.total)).all():
        raise RankingError(f"{excerpt_path(store)}: {runs.total - len(table)} run(s) of the study are missing; rerun "
                           f"the same command to finish them")
    return table, time.perf_counter() - started, made


def _write_batch_files(study: RankingStudy, runs: Runs, store: Path) -> None:
    """Make ``runs/`` a batch folder as ``ctsim batch`` writes one (``design.parquet``, ``batch.json``, the parts),
    so the validated loader, ``ctsim batch --status`` and ``ctsim report`` (a sensitivity brief, with the ranking
    beside ``runs/``) read it. A design point is a row of a block; its replications are numbered as
    :func:`ctsim.experiments.executors.replications` numbers them for that block."""
    rows = []
    point = 0
    for block, unit in zip(runs.blocks, runs.units, strict=True):
        for row in unit:
            levers = {k: _plain(v) for k, v in runs.design.values(row).items() if k in runs.levers}
            for rep in block.replications:
                rows.append({"run_id": len(rows), "point": point, "scenario": study.scenario.name,
                             "scenario_index": 0, "replication": rep.index, "seed_entropy": study.seed,
                             "seed_spawn_key": rep.index, "block": block.label, **levers})
            point += 1
    design = pd.DataFrame(rows)
    atomic_write(store / "design.parquet", lambda tmp: design.to_parquet(tmp, index=False))
    info = {"experiment": study.name, "experiment_file": str(study.path), "experiment_sha256": study.sha256,
            "runs": len(rows), "months": study.months, "replications": study.replications, "root_seed": study.seed,
            "method": "sobol (ctsim rank: every lever in one design)",
            "scenarios": [{"name": study.scenario.name, "files": [str(f) for f in study.scenario.files]}],
            "seeds": "replication r of a block uses child r of SeedSequence(root_seed), reshuffled by the row's "
                     "noise-floor factor (ctsim.analysis.sensitivity.ranking.run_seed)",
            "parameters": study.parameters.manifest(2 * study.replications),
            "git_commit": git_commit(), "calibration_version": calibration_version(),
            "outcomes": "flows summed over the horizon, stocks averaged over its months"}
    write_text(store / "batch.json", json.dumps(info, indent=2))


# --- analysing ---------------------------------------------------------------------------------------------------

@dataclass
class RankingResult:
    """The study's analysis: one :class:`OutcomeRanking` per outcome."""

    study: RankingStudy
    outcomes: dict[str, OutcomeRanking]
    fingerprint: str = field(default_factory=model_fingerprint)
    # The commit checked out when the study was analysed: with the fingerprint and the parameters' label it says which
    # model and which calibration a published number comes from.
    commit: str = field(default_factory=git_commit)

    def ranking_table(self) -> pd.DataFrame:
        """One row per outcome and factor (levers, assumed groups, the noise floor): the indices, their intervals,
        the rank, whether above the noise floor, the probability of being among the top three levers."""
        rows = []
        for outcome, res in self.outcomes.items():
            table = res.ranking().reset_index()
            table.insert(0, "outcome", outcome)
            table.insert(1, "stratum", "all")
            table["n"] = res.pooled.n
            rows.append(table)
        return pd.concat(rows, ignore_index=True)

    def shares_table(self) -> pd.DataFrame:
        """One row per outcome and variance component: share with its interval."""
        return pd.concat([res.shares.reset_index().assign(outcome=o) for o, res in self.outcomes.items()],
                         ignore_index=True)[["outcome", "component", "share", "low", "high"]]

    def convergence_table(self) -> pd.DataFrame:
        """Indices at N and 2N for every outcome and factor."""
        return pd.concat([res.convergence().reset_index().assign(outcome=o) for o, res in self.outcomes.items()],
                         ignore_index=True)

    def agreement_table(self) -> pd.DataFrame:
        """Spearman agreement of the levers' rankings, per outcome."""
        rows = [{"outcome": o, "between": name, "rho": a.rho, "low": a.low, "high": a.high, "levers": a.levers}
                for o, res in self.outcomes.items() for name, a in res.agreements().items()]
        return pd.DataFrame(rows)

    def noise_table(self) -> pd.DataFrame:
        """The noise-floor check per outcome."""
        rows = []
        for o, res in self.outcomes.items():
            c = res.noise()
            rows.append({"outcome": o, "noise_floor": c.floor, "top_lever_index": c.top, "ratio": c.ratio,
                         "passes": c.passes, "replications": c.replications,
                         "replications_needed": c.replications_needed})
        return pd.DataFrame(rows)


def analyse(study: RankingStudy, table: pd.DataFrame, resamples: int = 500) -> RankingResult:
    """Analyse the records of :func:`execute`."""
    runs = Runs(study)
    arrays = runs.arrays(table)
    out = {}
    for k, outcome in enumerate(study.outcomes):
        blocks = arrays[outcome]
        point = blocks[2] if study.with_point else None
        out[outcome] = rank_outcome(runs.design, outcome, blocks[:2], study.n, study.seed + 101 * k + 1, point,
                                    study.point_n if point is not None else 0, resamples)
    return RankingResult(study, out)


def summary_text(result: RankingResult) -> str:
    """The printed summary: the design, then per outcome the top levers, the noise check, convergence and
    agreement."""
    study = result.study
    lines = [f"ranking of {len([g for g in study.design.groups if g.role == LEVER])} levers on '{study.scenario.name}':"
             f" Sobol N = {study.n} x 2 independent samples, {study.replications} replication(s) per row, "
             f"{study.runs:,} runs of {study.months} months; model fingerprint {result.fingerprint}, "
             f"commit {result.commit[:12]}",
             f"  {study.parameters.label()}"]
    for outcome, res in result.outcomes.items():
        ranking = res.ranking()
        levers = ranking[ranking["role"] == LEVER].head(3)
        top = "; ".join(f"{row['label']} {row['ST']:.2f} +/- {row['ST_conf']:.2f} (top three: "
                        f"{row['top3_probability']:.0%})" for _, row in levers.iterrows())
        noise = res.noise()
        agrees = res.convergence()["agrees"]
        agreement = res.agreements()
        lines.append(f"  {OUTPUTS_BY_NAME[outcome].label}: {top}")
        lines.append(f"    noise floor {noise.floor:.3f} = {noise.ratio:.2f} of the top index "
                     f"({'below' if noise.passes else 'NOT below'} a tenth"
                     + ("" if noise.passes else f"; about {noise.replications_needed} replications would do") + "); "
                     f"N and 2N agree for {int(agrees.sum())} of {len(agrees)}; "
                     + "; ".join(f"Spearman {k} {a.rho:.2f} [{a.low:.2f}, {a.high:.2f}]" for k, a in agreement.items()))
    return "\n".join(lines)


def runs_line(study: RankingStudy) -> str:
    """The design in one line: its blocks, rows and runs."""
    design = study.design
    parts = [f"{b.label}: N = {b.n}, {b.rows:,} rows" for b in study.blocks()]
    groups = len(design.group_names)
    return (f"rank study {study.name}: {groups} factors and groups ({sum(g.role == LEVER for g in design.groups)} "
            f"levers, {', '.join(g.name for g in design.groups if g.role == ASSUMPTION) or 'no assumed values'}, "
            f"the noise floor) + the levers together; " + "; ".join(parts)
            + f"; x {study.replications} replication(s) = {study.runs:,} runs of {study.total_months} months "
              f"(history included)")
