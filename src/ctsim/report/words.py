"""Plain words for the policy brief: number formatting, horizons, outcome names and verdicts.

A reader who has never run a simulation must understand every number, so each figure comes with its unit, a
direction ("fewer", "more") and whether that direction is better or worse for people. Whether lower or higher is
better comes from the outputs' declarations (:data:`ctsim.declarations.outputs.OUTPUTS`, field ``better``); the
short noun for each outcome is kept here, beside the sentences that use it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ctsim.declarations.levers import LEVERS_BY_NAME, Lever
from ctsim.declarations.outputs import OUTPUTS_BY_NAME

COST_NOTE = ("Cost is an index in police-equivalent personnel-months (the personnel and programmes a policy "
             "keeps busy); no rupee figures exist for it.")

# Short nouns for the outcomes a brief reports (a plural noun for counts, a phrase for end values and indices).
NOUNS = {
    "attacks": "attacks",
    "deaths": "deaths in attacks",
    "injuries": "injuries in attacks",
    "new_radicals": "young people radicalised",
    "recruits": "recruits to militant cells",
    "active_militants": "active militants",
    "arrests": "arrests",
    "militants_killed": "militants killed",
    "collateral_casualties": "bystanders harmed in operations",
    "detained_without_trial": "people held without trial",
    "legitimacy": "state legitimacy",
    "fear": "fear",
    "cost": "cost",
}
# The outcomes of the headline table, in reading order.
HEADLINE = ("attacks", "deaths", "injuries", "recruits", "active_militants", "legitimacy", "detained_without_trial",
            "collateral_casualties", "cost")

_SMALL = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
          "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty")


def noun(outcome: str) -> str:
    """The plain noun of an outcome (its name with spaces when none is kept here)."""
    return NOUNS.get(outcome, outcome.replace("_", " "))


def count_words(n: int) -> str:
    """Small whole numbers in words (``ten``), larger ones in digits with separators."""
    return _SMALL[n] if 0 <= n < len(_SMALL) else f"{n:,}"


def horizon(months: int) -> str:
    """A horizon in plain words: ``ten years``, ``one year``, ``18 months``."""
    if months % 12 == 0:
        years = months // 12
        return f"{count_words(years)} year{'s' if years != 1 else ''}"
    return f"{months} months"


def number(value: float, *, index: bool = False, millions: bool = False) -> str:
    """A number for people: thousands separators, no spurious precision, millions spelled out.

    Args:
        value: the number.
        index: the value is an index between 0 and 1 (legitimacy): three decimals.
        millions: write it in millions whatever its size (so that a cost and its difference read alike).
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    a = abs(value)
    if index:
        text = f"{a:.3f}"
    elif millions or a >= 1_000_000:
        text = f"{a / 1e6:,.2f} million"
    elif a >= 10:
        text = f"{a:,.0f}"
    elif a >= 1:
        text = f"{a:.1f}"
    else:
        text = f"{a:.2g}"
    return ("-" if value < 0 and text.strip("0.,") and not text.startswith("0 ") else "") + text


def signed(value: float, *, index: bool = False, millions: bool = False) -> str:
    """A difference with its sign (``+1,200``, ``-0.012``)."""
    if value is None or math.isnan(value):
        return "n/a"
    body = number(abs(value), index=index, millions=millions)
    return ("+" if value > 0 else "-" if value < 0 else "") + body


def percent(value: float) -> str:
    """A relative change as a signed percentage, or empty when undefined."""
    if value is None or math.isnan(value) or math.isinf(value):
        return ""
    return f"{value:+.1%}"


def unit(outcome: str) -> str:
    """The unit of an outcome as a reader needs it (the cost's says it is an index)."""
    if outcome == "cost":
        return "personnel-months (index)"
    declared = OUTPUTS_BY_NAME[outcome].unit if outcome in OUTPUTS_BY_NAME else ""
    return declared


def _is_index(outcome: str) -> bool:
    return outcome in OUTPUTS_BY_NAME and OUTPUTS_BY_NAME[outcome].unit.startswith("index")


def _span(outcome: str, months: int) -> str:
    """Over what the outcome is measured: a total over the horizon, its value at the end, or a monthly mean."""
    summary = OUTPUTS_BY_NAME[outcome].summary if outcome in OUTPUTS_BY_NAME else "sum"
    if summary == "last":
        return f"at the end of the {horizon(months)}"
    if summary == "mean":
        return f"on average over the {horizon(months)}"
    return f"over {horizon(months)}"


@dataclass(frozen=True)
class Verdict:
    """A plain verdict on one difference.

    Attributes:
        kind: ``better``, ``worse``, ``unclear`` (the interval spans zero) or ``neither`` (no direction is better).
        headline: two or three words: ``Fewer attacks``, ``No clear difference``.
        sentence: the whole sentence with the size, the span and the interval.
    """

    kind: str
    headline: str
    sentence: str


def verdict(outcome: str, difference: float, low: float, high: float, months: int, level: float = 0.90) -> Verdict:
    """The verdict on a scenario's difference from the reference in one outcome.

    Args:
        outcome: the outcome's name (its ``better`` direction comes from its declaration).
        difference: scenario minus reference (mean over paired runs).
        low: lower end of the interval of the difference.
        high: upper end of the interval.
        months: the horizon (for "over ten years").
        level: the interval's level (0.90: a 90% interval).

    Returns:
        The verdict: "better" or "worse" only when the whole interval lies on one side of zero.
    """
    declared = OUTPUTS_BY_NAME.get(outcome)
    better = declared.better if declared else ""
    idx = _is_index(outcome)
    name = noun(outcome)
    span = _span(outcome, months)
    counted = not idx and outcome != "cost"  # people, attacks, cells: "fewer"; indices and cost: "lower"
    note = "; an index of police-equivalent personnel-months, not rupees" if outcome == "cost" else ""
    if math.isnan(low) or math.isnan(high):
        return Verdict("unclear", "Too few runs to tell",
                       f"{name.capitalize()}: {signed(difference, index=idx, millions=outcome == 'cost')} {span}; "
                       f"too few runs for an "
                       f"interval{note}.")
    interval = f"{level:.0%} interval {_range_words(low, high, idx, counted, outcome == 'cost')}{note}"
    if low <= 0 <= high:
        return Verdict("unclear", "No clear difference", f"No clear difference in {name} {span} ({interval}).")
    up = difference > 0
    kind = "neither" if not better else ("better" if (better == "higher") == up else "worse")
    if counted:
        head = f"{'More' if up else 'Fewer'} {name}"
        size = f"{number(abs(difference))} {'more' if up else 'fewer'}"
    else:
        head = f"{'Higher' if up else 'Lower'} {name}"
        size = f"{'up' if up else 'down'} by {number(abs(difference), index=idx, millions=outcome == 'cost')}"
    return Verdict(kind, head, f"{head}: {size} {span} ({interval}).")


def _range_words(low: float, high: float, index: bool, counted: bool, millions: bool = False) -> str:
    """An interval in words: ``900 to 1,500 fewer`` for counts on one side of zero, else ``-50 to +30``."""
    if counted and low < 0 and high < 0:
        return f"{number(abs(high))} to {number(abs(low))} fewer"
    if counted and low > 0 and high > 0:
        return f"{number(low)} to {number(high)} more"
    return f"{signed(low, index=index, millions=millions)} to {signed(high, index=index, millions=millions)}"


def lever_value(lever: Lever, value) -> str:
    """A lever's value in words with its unit (``3 x the status quo``, ``police``, ``yes``, ``100% of the full
    programme``)."""
    if lever.kind == "bool":
        return "yes" if value else "no"
    if lever.kind == "choice":
        return str(value).replace("_", " ")
    shown = f"{value:g}"
    if lever.unit == "share of full programme":
        return f"{value:.0%} of the full programme"
    if lever.unit == "share":
        return f"{shown} on a scale of 0 to 1"
    if lever.unit == "multiple of status quo":
        return f"{shown} x the status quo"
    if lever.unit == "probability":
        return f"{value:.0%} chance"
    return f"{shown} {lever.unit}".strip()


def lever_label(name: str) -> str:
    """The declared plain label of a lever, or the name when it is not a lever (an uncertainty)."""
    lever = LEVERS_BY_NAME.get(name)
    return lever.label if lever else name.replace("_", " ")


def lag_words(months: float) -> str:
    """A lever's lag in words: ``acts at once`` or ``about two thirds of its effect after 5 years``."""
    if not months:
        return "acts from the month it changes"
    return f"reaches about two thirds of its full effect after {horizon(int(months))}"
