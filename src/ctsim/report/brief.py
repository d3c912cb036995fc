"""The plain model of a brief: what :mod:`ctsim.report.gather` reads from a result folder and
:mod:`ctsim.report.render` lays out. Numbers, sentences and tables only; no formatting for a page."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from ctsim.analysis.paired import Paired
from ctsim.declarations.outputs import OUTPUTS_BY_NAME
from ctsim.report import words


class ReportError(ValueError):
    """A folder the brief cannot be made from; the message names the folder and what is missing."""


@dataclass
class LeverChange:
    """One lever a scenario sets differently from the reference.

    Attributes:
        name: lever name.
        label: its declared plain label.
        reference: the reference's value, in words with its unit.
        value: the scenario's value, in words with its unit.
        when: from the start, or the scheduled month and ramp.
        lag: the lever's lag in words.
        lag_months: the declared lag.
        provenance: where the size of its effect comes from (declared).
        assumed: whether that provenance says the size is an assumption.
    """

    name: str
    label: str
    reference: str
    value: str
    when: str
    lag: str
    lag_months: float
    provenance: str
    assumed: bool


@dataclass
class ScenarioInfo:
    """A scenario of the result: name, description, files, hash and its changes from the reference."""

    name: str
    description: str = ""
    files: list[str] = field(default_factory=list)
    sha256: str = ""
    changes: list[LeverChange] = field(default_factory=list)
    assumptions: list[str] = field(default_factory=list)  # uncertainty overrides, in words
    note: str = ""  # why the changes could not be read, when they could not


@dataclass
class Row:
    """One line of an outcome table: a scenario's difference from the reference in one outcome (or region, year).

    Attributes:
        scenario: the scenario compared with the reference.
        key: the outcome name, region key or year label.
        label: what the line is about, in words.
        unit: the unit of the numbers.
        diff: the paired difference and its interval.
        verdict: the plain verdict.
    """

    scenario: str
    key: str
    label: str
    unit: str
    diff: Paired
    verdict: words.Verdict

    @property
    def index(self) -> bool:
        """Whether the numbers are an index between 0 and 1 (printed with three decimals)."""
        return self.key in OUTPUTS_BY_NAME and OUTPUTS_BY_NAME[self.key].unit.startswith("index")

    @property
    def millions(self) -> bool:
        """Whether the numbers are written in millions (the cost, so that it and its difference read alike)."""
        return self.key == "cost"


@dataclass
class Spread:
    """The spread of one outcome over all runs of a design (batch or sensitivity without a reference)."""

    key: str
    label: str
    unit: str
    median: float
    p05: float
    p95: float
    runs: int


@dataclass
class Ranked:
    """One factor of a sensitivity ranking."""

    outcome: str
    stratum: str
    factor: str
    label: str
    measure: str
    value: float
    conf: float
    rank: int
    above_noise: bool


@dataclass
class Pattern:
    """One pattern check of docs/validation.md, with how robust its verdict is."""

    pattern: str
    measured: str
    tolerance: str
    result: str
    robustness: str = ""
    kind: str = ""  # "input reproduced" or "emergent" (docs/validation.md)


@dataclass
class Trust:
    """How far to trust the brief."""

    calibration: dict[str, Any]
    fit: str
    patterns: list[Pattern]
    assumed_levers: list[LeverChange]
    notes: list[str]


@dataclass
class Brief:
    """Everything the brief shows, read from one result folder.

    Attributes:
        kind: ``compare``, ``batch`` or ``sensitivity``.
        folder: the result folder.
        title: the brief's title.
        reference: name of the reference scenario (compare and batch).
        scenarios: the scenarios, reference first.
        months: the horizon after the 2022-2024 history.
        start: the first month of the horizon (``YYYY-MM``), when known.
        replications: runs per scenario (and design point).
        runs: number of runs the result holds.
        uncertainty: whether and how parameter uncertainty is included, in words.
        question: the question in a sentence.
        factors: the factors a design varied, in words (batch and sensitivity).
        headline: one row per scenario and headline outcome.
        years: per-year differences in attacks.
        regions: per-region differences in attacks.
        districts: per district, the first scenario's mean paired difference in attacks from the reference
            (``district_id``, ``difference``), when the result holds district figures.
        spreads: outcome spreads over a design's runs.
        ranking: a sensitivity ranking, when the result holds one.
        ranking_method: the method and its reading, in words.
        monthly: scenario, replication, month and attacks, for the charts (empty when the result has none).
        run_table: one row per run with summary outcomes and ``scenario`` and ``pair`` columns.
        trust: calibration, pattern checks and assumptions.
        provenance: label and value pairs.
        missing: what the result lacks for a full brief, in words.
    """

    kind: str
    folder: Path
    title: str
    reference: str
    scenarios: list[ScenarioInfo]
    months: int
    start: str
    replications: int
    runs: int
    uncertainty: str
    question: str
    factors: list[str] = field(default_factory=list)
    headline: list[Row] = field(default_factory=list)
    years: list[Row] = field(default_factory=list)
    regions: list[Row] = field(default_factory=list)
    districts: pd.DataFrame = field(default_factory=pd.DataFrame)
    spreads: list[Spread] = field(default_factory=list)
    ranking: list[Ranked] = field(default_factory=list)
    ranking_method: str = ""
    monthly: pd.DataFrame = field(default_factory=pd.DataFrame)
    run_table: pd.DataFrame = field(default_factory=pd.DataFrame)
    trust: Trust | None = None
    provenance: list[tuple[str, str]] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)


def read_json(path: Path) -> dict:
    """A result's JSON file; a missing or unreadable one raises ReportError naming it."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ReportError(f"{path}: file not found; the result folder is incomplete") from None
    except (OSError, json.JSONDecodeError) as exc:
        raise ReportError(f"{path}: cannot read ({exc})") from None

