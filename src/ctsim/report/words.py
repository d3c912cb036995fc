"""Plain words for the policy brief: outcome labels, horizons, lever values and lags.

Verdicts and number formats come from :mod:`ctsim.verdicts` (one rule for ``ctsim compare``, the brief and the
dashboard); outcome labels from the outputs' declarations (:mod:`ctsim.declarations.outputs`). This module keeps
what only the brief says: which outcomes it heads with, and how a lever's value reads.
"""

from __future__ import annotations

import calendar

from ctsim.calibration.targets import ANNUAL, HISTORY_NAME
from ctsim.declarations.levers import LEVERS_BY_NAME, Lever
from ctsim.declarations.outputs import OUTPUTS_BY_NAME
from ctsim.scenarios.files import resolve_scenario
from ctsim.verdicts import MONEY_NOTE, horizon_words
from ctsim.verdicts.rule import count_words

__all__ = ["HEADLINE", "MONEY_NOTE", "count_words", "horizon", "in_sentence", "label", "lag_words", "lever_label",
           "lever_value", "month_words", "noun"]

# The outcomes of the headline table, in reading order.
HEADLINE = ("attacks", "deaths", "injuries", "recruits", "active_militants", "legitimacy", "fear",
            "detained_without_trial", "collateral_casualties", "cost")


def label(outcome: str) -> str:
    """The declared plain label of an outcome (``People held without trial``)."""
    declared = OUTPUTS_BY_NAME.get(outcome)
    return declared.label if declared else outcome.replace("_", " ").capitalize()


def in_sentence(text: str) -> str:
    """A label as it reads inside a sentence: first letter lowered unless it starts an acronym (``NACTA``)."""
    return text[0].lower() + text[1:] if text[1:2].islower() else text


def noun(outcome: str) -> str:
    """The label as it reads inside a sentence (``people held without trial``)."""
    return in_sentence(label(outcome))


def horizon(months: int) -> str:
    """A horizon in plain words: ``ten years``, ``one year``, ``18 months``."""
    return horizon_words(months)


def month_words(month: str) -> str:
    """``2025-01`` as ``January 2025`` (the text as given when it is not a month)."""
    try:
        year, number = (int(x) for x in month.split("-"))
        return f"{calendar.month_name[number]} {year}"
    except (ValueError, IndexError):
        return month


def lever_value(lever: Lever, value) -> str:
    """A lever's value in words with its unit (``3 x the status quo``, ``the police``, ``yes``, ``100% of the full
    programme``)."""
    if lever.kind == "bool":
        return "yes" if value else "no"
    if lever.kind == "choice":
        return lever.choice_labels.get(value, str(value).replace("_", " "))
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
    """The declared plain label of a lever, or the name in words when it is not a lever (an uncertainty)."""
    lever = LEVERS_BY_NAME.get(name)
    return lever.label if lever else name.replace("_", " ")


def lag_words(months: float) -> str:
    """A lever's lag in words: ``acts at once`` or ``about two thirds of its effect after 5 years``."""
    if not months:
        return "acts from the month it changes"
    return f"reaches about two thirds of its full effect after {horizon(int(months))}"


def _spans(years: list[int]) -> str:
    """Consecutive years as spans: ``2013-2017 and 2022-2024``."""
    spans: list[list[int]] = []
    for year in sorted(years):
        if spans and year == spans[-1][1] + 1:
            spans[-1][1] = year
        else:
            spans.append([year, year])
    parts = [f"{a}-{b}" if b > a else f"{a}" for a, b in spans]
    return " and ".join([", ".join(parts[:-1]), parts[-1]]) if len(parts) > 1 else "".join(parts)


def past_years() -> str:
    """The years of the simulated past every run replays before its policy: the calibration's history scenario."""
    return resolve_scenario(HISTORY_NAME).years


def fitted_years(years: list[int] | None = None) -> str:
    """The years whose recorded attacks the model is fitted to: ``years`` as a result's parameter record gives them
    (the calibration it ran on), else this code's annual targets."""
    return _spans(list(years) if years else list(ANNUAL))
