"""Plain words for the page: what each outcome is called, its unit, numbers a trainer can read aloud, and the
verdict on a difference.

The outcomes' labels, units and the smallest change that matters are declared beside the outputs
(:mod:`ctsim.declarations.outputs`); the verdict and the number formats are the project's one rule
(:mod:`ctsim.verdicts`: ``judge``, ``format_value``, ``format_difference``, ``format_interval``,
``format_rupees``), which ``ctsim compare`` and the policy brief use too. This module only picks the five outcomes the
debate weighs and says how a run's figure is counted. Money is shown a year (a run's cost is its total).
"""

from __future__ import annotations

from ctsim.declarations.outputs import OUTPUTS_BY_NAME
from ctsim.scenarios.files import Scenario
from ctsim.verdicts import Verdict, format_difference, format_interval, format_rupees, format_value, judge

# The five outcomes the debate weighs, in reading order.
OUTCOMES = ("attacks", "deaths", "detained_without_trial", "legitimacy", "cost")
# Regions as a sentence names them ("in ...").
REGION_WORDS = {"Punjab": "Punjab", "Sindh": "Sindh",
                "KP (settled districts)": "Khyber Pakhtunkhwa's settled districts",
                "Merged districts": "the merged districts (former FATA)", "Balochistan": "Balochistan",
                "ICT": "Islamabad", "Gilgit-Baltistan": "Gilgit-Baltistan", "AJK": "Azad Jammu and Kashmir"}


def label(output: str) -> str:
    """The plain name of an output, as declared."""
    return OUTPUTS_BY_NAME[output].label


def unit(output: str) -> str:
    """The unit of an output for people (``attacks``, ``people``, ``rupees``, ``on the 0-1 index``)."""
    declared = OUTPUTS_BY_NAME[output]
    if declared.unit == "rupees":
        return "rupees a year"
    if declared.unit.startswith("index"):
        return "on the 0-1 index" if "0-1" in declared.unit else "index"
    return declared.noun or declared.unit


def how_counted(output: str, months: int) -> str:
    """How a run's figure for ``output`` is made, in words (``over 24 months``, ``a year``, ``at the end``)."""
    summary = OUTPUTS_BY_NAME[output].summary
    if output == "cost":
        return "a year, on average"
    if summary == "sum":
        return f"over {months} months" if months != 1 else "in one month"
    if summary == "mean":
        return f"averaged over {months} months"
    return "at the end"


def is_money(output: str) -> bool:
    return OUTPUTS_BY_NAME[output].unit == "rupees"


def value_words(output: str, value: float, months: int) -> str:
    """A run's figure with its unit; money a year (``Rs 120 bn a year``), counts over the months."""
    if is_money(output) and OUTPUTS_BY_NAME[output].summary == "sum":
        return format_rupees(value * 12 / months, "year")
    return format_value(output, value)


def change_and_interval(output: str, mean: float, low: float, high: float, months: int) -> tuple[str, str]:
    """A difference and its 90% interval in words: (``118 fewer attacks``, ``80 to 160 fewer attacks``); money a
    year."""
    if mean == low == high == 0:
        return "no change", "none: the same in every paired run"
    if is_money(output) and OUTPUTS_BY_NAME[output].summary == "sum":
        scale = 12 / months
        mean, low, high = mean * scale, low * scale, high * scale
        return (format_difference(output, mean, low, high, period="year"),
                format_interval(output, low, high, period="year"))
    return format_difference(output, mean, low, high), format_interval(output, low, high)


def difference_words(output: str, mean: float, low: float, high: float, months: int) -> str:
    """A difference and its 90% interval in words: ``118 fewer attacks (80 to 160 fewer attacks)``; money a year."""
    change, interval = change_and_interval(output, mean, low, high, months)
    return f"{change} ({interval})"


def verdict(output: str, mean: float, low: float, high: float, reference: float, months: int) -> Verdict:
    """The project's verdict on a paired difference (policy minus status quo) over ``months`` months."""
    return judge(output, mean, low, high, reference, months=months)


def budget_words(rupees_a_year: float) -> str:
    """A budget a year: ``Rs 50 bn a year``."""
    return format_rupees(rupees_a_year, "year")


def extra_cost_words(rupees_a_year: float) -> str:
    """A package's cost against the status quo: ``Rs 12 bn a year more than the status quo`` (or less)."""
    side = "less" if rupees_a_year < 0 else "more"
    return f"{format_rupees(abs(rupees_a_year), 'year')} {side} than the status quo"


def sentence_without_label(v: Verdict) -> str:
    """The verdict's sentence without the label it starts with (the panel prints the label beside it)."""
    text = v.sentence.removeprefix(f"{v.label}: ")
    return text[:1].upper() + text[1:]


def history_years(scenario: Scenario) -> str:
    """The years of the history a scenario branches from, as a reader sees them: ``2013-2024`` (or ``2024`` for one
    year; empty without a history)."""
    return scenario.history.years if scenario.history is not None else ""
