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
from ctsim.report.summary import Summary
from ctsim.verdicts import (
    Verdict,
    format_difference,
    format_interval,
    format_percent,
    format_rupees,
    format_value,
)
from ctsim.verdicts.formats import directions


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
        cost: how it costs in rupees (its price, range and basis), or why it is not priced, in words.
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
    cost: str = ""


@dataclass
class ScenarioInfo:
    """A scenario of the result: name (a file name, never shown as a title), description and short label in words
    (its own file's description, or what it changes), files, hash and its changes from the reference."""

    name: str
    description: str = ""
    label: str = ""
    files: list[str] = field(default_factory=list)
    sha256: str = ""
    changes: list[LeverChange] = field(default_factory=list)
    assumptions: list[str] = field(default_factory=list)  # uncertainty overrides, in words
    note: str = ""  # why the changes could not be read, when they could not


@dataclass
class Row:
    """One line of an outcome table: a scenario's difference from the reference in one outcome (or region, year),
    with its verdict (:func:`ctsim.verdicts.judge`) and the numbers as a reader sees them.

    Attributes:
        scenario: the scenario compared with the reference (its name, a key).
        key: the outcome name, region key or year label.
        label: what the line is about, in words.
        output: the output the numbers are of (``attacks`` for regions and years).
        diff: the paired difference and its interval.
        verdict: the verdict.
        months: the span the numbers cover (money is shown a year).
    """

    scenario: str
    key: str
    label: str
    output: str
    diff: Paired
    verdict: Verdict
    months: int

    @property
    def _per(self) -> tuple[float, str | None]:
        money = OUTPUTS_BY_NAME[self.output].unit == "rupees"
        return (12 / self.months, "year") if money else (1.0, None)

    def value_text(self, value: float) -> str:
        """A value of the outcome with its unit (money a year)."""
        scale, period = self._per
        if period:
            return format_rupees(value * scale, period)
        return format_value(self.output, value)

    @property
    def reference_text(self) -> str:
        """The reference's mean, with its unit."""
        return self.value_text(self.diff.reference)

    @property
    def scenario_text(self) -> str:
        """The scenario's mean, with its unit."""
        return self.value_text(self.diff.scenario)

    @property
    def difference_text(self) -> str:
        """The mean paired difference in words, at the precision of its interval."""
        scale, period = self._per
        d = self.diff
        return format_difference(self.output, d.difference * scale, d.low * scale, d.high * scale, period)

    @property
    def interval_text(self) -> str:
        """The interval of the difference in words, never printed as 0.000 to 0.000."""
        scale, period = self._per
        return format_interval(self.output, self.diff.low * scale, self.diff.high * scale, period)

    @property
    def threshold_text(self) -> str:
        """The smallest change that matters, with its unit (money a year)."""
        return self.value_text(self.verdict.threshold)

    @property
    def change_text(self) -> str:
        """The relative change (``8.1% fewer``), or empty when undefined."""
        share = format_percent(self.diff.relative)
        if not share or not self.diff.difference:
            return ""
        down, up = directions(OUTPUTS_BY_NAME[self.output])
        return f"{share} {up if self.diff.difference > 0 else down}"


@dataclass
class Spread:
    """The spread of one outcome over all runs of a design (batch or sensitivity without a reference)."""

    key: str
    label: str
    median: float
    p05: float
    p95: float
    runs: int
    months: int = 120

    def _text(self, value: float) -> str:
        if OUTPUTS_BY_NAME[self.key].unit == "rupees":
            return format_rupees(value * 12 / self.months, "year")
        return format_value(self.key, value)

    @property
    def median_text(self) -> str:
        """The middle run, with its unit (money a year)."""
        return self._text(self.median)

    @property
    def range_text(self) -> str:
        """The range holding 90% of runs, with its unit."""
        return f"{self._text(self.p05)} to {self._text(self.p95)}"


@dataclass
class Ranked:
    """One factor of a sensitivity ranking (``value`` and ``conf`` in the outcome's unit for a screening, a share
    for a Sobol index; ``months`` the horizon, for money a year)."""

    outcome: str
    stratum: str
    factor: str
    label: str
    measure: str
    value: float
    conf: float
    rank: int
    above_noise: bool
    months: int = 120

    def _text(self, value: float) -> str:
        if self.measure != "mu_star":
            return f"{value:.2f}" if abs(value) >= 0.005 or value == 0 else f"{value:.2g}"
        if OUTPUTS_BY_NAME.get(self.outcome) and OUTPUTS_BY_NAME[self.outcome].unit == "rupees":
            return format_rupees(value * 12 / self.months, "year")
        return format_value(self.outcome, value) if self.outcome in OUTPUTS_BY_NAME else f"{value:.3g}"

    @property
    def value_text(self) -> str:
        """The index, with its unit for a screening (money a year)."""
        return self._text(self.value)

    @property
    def conf_text(self) -> str:
        """The half-width of its 95% interval, in the same unit."""
        return self._text(self.conf)


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
        months: the horizon after the 2013-2024 history.
        start: the first month of the horizon (``YYYY-MM``), when known.
        replications: runs per scenario (and design point).
        runs: number of runs the result holds.
        uncertainty: whether and how parameter uncertainty is included, in words.
        question: the question in a sentence.
        factors: the factors a design varied, in words (batch and sensitivity).
        headline: one row per scenario and headline outcome.
        summaries: per scenario after the reference, the bottom line, the verdicts "In short" lists and the
            regional side-effects that matter.
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
        fitted: the years the result's parameters were fitted to, in words (from its manifest).
        acted: for each policy, the levers its schedule, the state's reactions or changes of government moved from
            what its file set, in words (mean and range over the runs).
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
    fitted: str = ""
    factors: list[str] = field(default_factory=list)
    headline: list[Row] = field(default_factory=list)
    summaries: list[Summary] = field(default_factory=list)
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
    acted: dict[str, list[str]] = field(default_factory=dict)


def read_json(path: Path) -> dict:
    """A result's JSON file; a missing or unreadable one raises ReportError naming it."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ReportError(f"{path}: file not found; the result folder is incomplete") from None
    except (OSError, json.JSONDecodeError) as exc:
        raise ReportError(f"{path}: cannot read ({exc})") from None

