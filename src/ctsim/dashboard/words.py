"""Plain words for the page: what each outcome is called, its unit, and numbers a trainer can read aloud.

The five outcomes the debate weighs (:data:`OUTCOMES`) are those of the trade-off panel, the comparison and the
exercise; their names for people are kept here, beside the sentences that use them, and no output's code name reaches
the page. How a run is summarised (summed over the months, or its last month) comes from the outputs' declarations
(:data:`ctsim.declarations.outputs.OUTPUTS`).
"""

from __future__ import annotations

import math

from ctsim.declarations.outputs import OUTPUTS_BY_NAME

# The five outcomes the debate weighs, in reading order.
OUTCOMES = ("attacks", "deaths", "detained_without_trial", "legitimacy", "cost")
LABELS = {
    "attacks": "Attacks",
    "deaths": "Deaths in attacks",
    "injuries": "Injuries in attacks",
    "detained_without_trial": "People held without trial",
    "legitimacy": "Legitimacy of the state",
    "cost": "Cost",
    "recruits": "Recruits to militant cells",
    "new_radicals": "Young people radicalised",
    "active_militants": "Active militants",
    "arrests": "Arrests",
    "militants_killed": "Militants killed",
    "collateral_casualties": "Bystanders harmed in operations",
    "fear": "Fear",
}
# Regions as a sentence names them ("in ...").
REGION_WORDS = {"Punjab": "Punjab", "Sindh": "Sindh",
                "KP (settled districts)": "Khyber Pakhtunkhwa's settled districts",
                "Merged districts": "the merged districts (former FATA)", "Balochistan": "Balochistan",
                "ICT": "Islamabad", "Gilgit-Baltistan": "Gilgit-Baltistan", "AJK": "Azad Jammu and Kashmir"}
# Units for people (the declarations' units are for developers: "index 0-1", "persons").
UNITS = {"attacks": "attacks", "deaths": "deaths", "injuries": "injuries", "detained_without_trial": "people",
         "legitimacy": "on a scale from 0 to 1", "recruits": "people", "new_radicals": "people",
         "active_militants": "people", "arrests": "people", "militants_killed": "people",
         "collateral_casualties": "people", "fear": "index"}


def label(output: str) -> str:
    """The plain name of an output."""
    return LABELS.get(output, output.replace("_", " ").capitalize())


def how_counted(output: str, months: int) -> str:
    """How a run's figure for ``output`` is made, in words (``summed over 24 months``, ``in the last month``)."""
    summary = OUTPUTS_BY_NAME[output].summary
    if summary == "sum":
        return f"over {months} months" if months != 1 else "in one month"
    if summary == "mean":
        return f"averaged over {months} months"
    return "at the end"


def unit(output: str) -> str:
    """The unit of an output for people (the cost's is the model's own unit)."""
    if output == "cost":
        return OUTPUTS_BY_NAME["cost"].unit
    return UNITS.get(output, OUTPUTS_BY_NAME[output].unit)


def number(output: str, value: float, signed: bool = False) -> str:
    """A figure of ``output`` with sensible precision (an index with three decimals, counts as whole numbers)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    sign = "+" if signed and value > 0 else ""
    if output in ("legitimacy", "fear"):
        return f"{sign}{value:.3f}"
    if abs(value) >= 1e6:
        return f"{sign}{value / 1e6:,.2f} million"
    if abs(value) >= 100:
        return f"{sign}{value:,.0f}"
    return f"{sign}{value:,.1f}"


def with_unit(output: str, value: float, signed: bool = False) -> str:
    """A figure with its unit (``1,234 attacks``)."""
    return f"{number(output, value, signed)} {unit(output)}"
