"""What ``ctsim compare`` prints: the comparison in the brief's plain words and by its rule (:mod:`ctsim.verdicts`):
a bottom line first, the levers changed with their cost, each outcome with its unit, interval and verdict against
the smallest change that matters, and attacks by region."""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING

from ctsim.analysis.compare import CONFIDENCE
from ctsim.analysis.paired import Paired
from ctsim.calibration.parameter_sets import POINT_SET
from ctsim.report import words
from ctsim.report.brief import Row
from ctsim.report.changes import describe, lever_changes, short_label
from ctsim.report.summary import regional_verdicts, summarise
from ctsim.verdicts import MONEY_NOTE, judge
from ctsim.verdicts.formats import output, scale_words

if TYPE_CHECKING:
    from ctsim.analysis.compare import Comparison

WIDTH = 110
TAGS = {"better": "better", "worse": "worse", "negligible": "no change that matters", "unclear": "unclear",
        "neither": "changed"}
RULE = ("verdict: better or worse only when the change reaches the smallest change that matters for that outcome and "
        "the 90% interval excludes no change; no change that matters when the whole interval is smaller than that; "
        "unclear otherwise.")


def _wrap(text: str, indent: str = "") -> list[str]:
    return textwrap.wrap(text, WIDTH, initial_indent=indent, subsequent_indent=indent) or [""]


def compare_text(comparison: Comparison) -> str:
    """The comparison as readable text: for each policy, the bottom line, the levers it changes (with what they
    cost), a table of outcomes with units, intervals and verdicts, and attacks by region."""
    reference = comparison.scenarios[0]
    months = comparison.months
    n = len(comparison.runs) // len(comparison.scenarios)
    ref_label = short_label(describe(reference, lever_changes(reference, None)))
    versus = words.in_sentence(ref_label)
    lines = _wrap(f"Against {versus}: each policy simulated {n} times with the same chance events (common random "
                  f"numbers, root seed {comparison.seed}), over {words.horizon(months)} after the simulated "
                  f"{words.past_years()}. {_parameters_line(comparison)}")
    lines += _wrap(RULE)
    for scenario in comparison.scenarios[1:]:
        changes = lever_changes(scenario, reference)
        description = describe(scenario, changes)
        label = short_label(description)
        table = comparison.differences[comparison.differences["scenario"] == scenario.name]
        rows = []
        for r in table.to_dict("records"):
            diff = Paired(r["reference_mean"], r["scenario_mean"], r["difference"], r["ci90_low"], r["ci90_high"],
                          int(r["replications"]))
            verdict = judge(r["outcome"], diff.difference, diff.low, diff.high, diff.reference, months=months,
                            level=CONFIDENCE, versus=versus)
            rows.append(Row(scenario.name, r["outcome"], words.label(r["outcome"]), r["outcome"], diff, verdict,
                            months))
        regions = regional_verdicts(comparison.runs, reference.name, scenario.name, months, CONFIDENCE,
                                    "replication", versus)
        summary = summarise(scenario.name, label, description, {row.key: row.verdict for row in rows}, regions,
                            months)
        lines += ["", f"== {description} =="]
        lines += _wrap(f"In short: {summary.bottom_line}")
        lines += ["", "Levers changed:"]
        for c in changes:
            lines += _wrap(f"{c.label}: {c.reference} -> {c.value} ({c.when}; {c.lag}). Cost: {c.cost}", "  ")
        if not changes:
            lines.append("  none: no lever differs")
        lines += ["", *_table(rows, ref_label, label)]
        if regions:
            lines += ["", "Attacks by region:"]
            lines += [f"  {v.headline:<24} {v.sentence}" for v in regions]
    lines += [""] + _wrap(MONEY_NOTE) + ["Exploratory model: read directions and relative sizes, not forecasts."]
    return "\n".join(lines)


def _table(rows: list[Row], reference: str, scenario: str) -> list[str]:
    """The outcomes as a text table: words left-aligned, numbers right-aligned, so that the columns read down."""
    shown = [{"outcome": row.label, "reference": _bare(row, row.reference_text),
              "policy": _bare(row, row.scenario_text), "difference": _bare(row, row.difference_text),
              "90% interval": _bare(row, row.interval_text), "verdict": TAGS[row.verdict.word],
              "matters from (unit)": row.threshold_text} for row in rows]
    left = ("outcome", "verdict", "matters from (unit)")
    width = {k: max(len(k), *(len(r[k]) for r in shown)) for k in shown[0]}

    def line(cells: dict) -> str:
        return "  ".join(str(cells[k]).ljust(width[k]) if k in left else str(cells[k]).rjust(width[k])
                         for k in shown[0]).rstrip()

    return [f"reference: {reference}; policy: {scenario}", line({k: k for k in shown[0]}), *map(line, shown)]


def _bare(row: Row, text: str) -> str:
    """A value, difference or interval without its unit, which the table's last column gives (narrower on a
    terminal)."""
    declared = output(row.output)
    for tail in (f" {declared.noun}", f" {scale_words(declared)}", " a year"):
        if tail.strip() and text.endswith(tail):
            return text[: -len(tail)]
    return text


def _parameters_line(comparison: Comparison) -> str:

    parameters = comparison.parameters or POINT_SET
    what = ("the intervals carry the fitted settings' uncertainty as well as chance" if parameters.mode == "draws"
            else "the fitted settings' uncertainty is not included")
    prices = ("prices drawn within their plausible ranges, the same for every policy" if comparison.prices == "drawn"
              else "central prices")
    return f"{parameters.label().capitalize()}: {what}; {prices}."
