"""The bottom line and the short list of verdicts a reader sees first, shared by the brief and ``ctsim compare``'s
printed table: one scenario's verdicts (:func:`ctsim.verdicts.judge`) on the headline outcomes and on attacks by
region, the regional side-effects that matter, and one sentence that says it all ("Over ten years, X would ..., at
about Rs ... more a year; it would not ...")."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import pandas as pd

from ctsim.analysis.paired import LEVEL, paired
from ctsim.data import REGION_KEYS, REGIONS
from ctsim.verdicts import (
    Verdict,
    format_difference,
    format_interval,
    format_percent,
    format_rupees,
    formats,
    horizon_words,
    judge,
    side_effects,
)

# The outcomes "In short" always lists; any other headline outcome joins it when its change matters.
IN_SHORT = ("attacks", "deaths", "legitimacy", "detained_without_trial", "cost")


@dataclass
class Summary:
    """What a reader sees first about one scenario against the reference.

    Attributes:
        scenario: the scenario's name (for the tables' keys; never shown).
        label: its short label, in words.
        bottom_line: one sentence (two with a regional side-effect).
        verdicts: the headline outcomes' verdicts, by outcome.
        regions: the verdicts on attacks in each region.
        side_effects: the regional changes that matter and run against the national verdict, largest first.
    """

    scenario: str
    label: str
    bottom_line: str
    verdicts: dict[str, Verdict]
    regions: list[Verdict] = field(default_factory=list)
    side_effects: list[Verdict] = field(default_factory=list)

    @property
    def in_short(self) -> list[Verdict]:
        """The verdicts "In short" lists: the fixed outcomes, every other one whose change matters, then every
        regional side-effect."""
        shown = [v for k, v in self.verdicts.items() if k in IN_SHORT or v.material]
        return shown + self.side_effects


def regional_verdicts(runs: pd.DataFrame, reference: str, scenario: str, months: int, level: float = LEVEL,
                      pair: str = "pair", versus: str = "the status quo") -> list[Verdict]:
    """The verdict on attacks in each region (paired over the ``pair`` column), from the runs' ``attacks_<region>``
    totals; empty when the runs do not hold them."""
    if not all(f"attacks_{k}" in runs for k in REGION_KEYS):
        return []
    ref = runs[runs["scenario"] == reference].set_index(pair).sort_index()
    other = runs[runs["scenario"] == scenario].set_index(pair).reindex(ref.index)
    out = []
    for key, region in zip(REGION_KEYS, REGIONS, strict=True):
        d = paired(ref[f"attacks_{key}"].to_numpy(), other[f"attacks_{key}"].to_numpy(), level)
        out.append(judge("attacks", d.difference, d.low, d.high, d.reference, months=months, level=level,
                         where=region, versus=versus))
    return out


def summarise(scenario: str, label: str, description: str, verdicts: dict[str, Verdict], regions: list[Verdict],
              months: int) -> Summary:
    """The summary of one scenario: its verdicts, side-effects and bottom line."""
    national = verdicts.get("attacks")
    found = side_effects(national, regions) if national is not None else []
    return Summary(scenario, label, bottom_line(description, verdicts, found, months), verdicts, regions, found)


def _change(v: Verdict) -> str:
    """``attacks by about 900 (7.1%)``, ``state legitimacy by about 0.02 on the 0-1 index (3.6%)``: the outcome, the
    size of its change at the precision of its interval, and its share of the status quo."""
    declared = formats.output(v.output)
    number = format_difference(v.output, abs(v.mean), abs(v.low), abs(v.high)).split(" ")[0]
    scale = formats.scale_words(declared)
    share = f" ({format_percent(v.relative)})" if math.isfinite(v.relative) else ""
    what = v.label[0].lower() + v.label[1:] if v.label[1:2].islower() else v.label
    return f"{what} by about {number}{' ' + scale if scale else ''}{share}"


def _join(items: list[str], conjunction: str = "and") -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + f" {conjunction} " + items[-1]


def _clauses(changes: list[Verdict]) -> list[str]:
    """``cut attacks by about 900 (7.1%) and deaths by about 1,200 (6.8%)``, one clause per verb."""
    down = [_change(v) for v in changes if v.direction == "down"]
    up = [_change(v) for v in changes if v.direction == "up"]
    verb_down = "cut" if any(v.output != "legitimacy" for v in changes if v.direction == "down") else "lower"
    out = [f"{verb_down} {_join(down)}"] if down else []
    return out + ([f"raise {_join(up)}"] if up else [])


def _cost_clause(v: Verdict | None) -> str:
    if v is None:
        return ""
    per_year = 12 / v.months
    if v.word in ("better", "worse", "neither"):
        amount = format_rupees(abs(v.mean) * per_year)
        return f", saving about {amount} a year" if v.mean < 0 else f", at about {amount} more a year"
    if v.word == "negligible":
        return f", at about the same cost (within {format_rupees(v.threshold * per_year, 'year')} either way)"
    return f", at a cost that is unclear (90% interval {_cost_interval(v)})"


def _cost_interval(v: Verdict) -> str:
    return format_interval("cost", v.low * 12 / v.months, v.high * 12 / v.months, "year")


def bottom_line(description: str, verdicts: dict[str, Verdict], side: list[Verdict], months: int) -> str:
    """One sentence a reader can act on: what the policy would change that matters (better, then worse), at what
    cost a year, and what it would not change; then the largest regional side-effect that matters, if any."""
    # Outcomes with a better direction only: a change in arrests is neither good nor bad news on its own.
    outcomes = {k: v for k, v in verdicts.items() if k != "cost" and formats.output(k).better}
    good = [v for v in outcomes.values() if v.word == "better"]
    bad = [v for v in outcomes.values() if v.word == "worse"]
    negligible = [v.label[0].lower() + v.label[1:] for v in outcomes.values() if v.word == "negligible"]
    unclear = [v.label[0].lower() + v.label[1:] for v in outcomes.values() if v.word == "unclear"]
    head = f"Over {horizon_words(months)}, \u201c{description}\u201d would "
    if good or bad:
        body = (f"{' and '.join(_clauses(good))}, but {' and '.join(_clauses(bad))}" if good and bad else
                " and ".join(_clauses(good or bad)))
        text = head + body + _cost_clause(verdicts.get("cost"))
        if negligible:
            text += f"; it would not change {_join(negligible, 'or')} by an amount that matters"
        if unclear:
            text += f"; its effect on {_join(unclear)} is unclear"
    else:
        text = head + "change nothing that matters" + _cost_clause(verdicts.get("cost"))
        parts = ([f"{_join(negligible)} would move by less than would matter"] if negligible else []) + \
            ([f"its effect on {_join(unclear)} is unclear"] if unclear else [])
        if parts:
            text += ": " + ", and ".join(parts)
    text += "."
    if side:
        largest = side[0]
        where = largest.label.removeprefix(formats.output(largest.output).label + " ")
        rest = largest.sentence.split(": ", 1)[1]
        text += f" By region, the largest change that matters: {where}, {rest}"
    return text
