"""Text tables and number formats, one place for every command and report: plain numbers with thousands
separators, percentages, Markdown tables, and the summary ``ctsim run`` prints."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import pandas as pd

from ctsim.calibration.parameter_sets import POINT_SET, describe
from ctsim.data import REGION_KEYS, REGIONS
from ctsim.declarations.levers import LEVERS_BY_NAME
from ctsim.verdicts import PRICE_YEAR

if TYPE_CHECKING:
    from ctsim.scenarios.files import Scenario
    from ctsim.scenarios.runner import RunResult


def number(value: float, decimals: int | None = None, missing: str = "n/a") -> str:
    """``1,234`` for large values, ``1.234`` below 10 (or exactly ``decimals`` places); ``missing`` for NaN."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return missing
    if decimals is None:
        decimals = 3 if abs(value) < 10 else 0
    return f"{value:,.{decimals}f}"


def compact(value: float) -> str:
    """Shortest exact-looking form (``0.25``, ``6000``), with separators from a million up (``1,200,000``)."""
    return f"{value:g}" if abs(value) < 1e6 else f"{value:,.0f}"


def percent(value: float, decimals: int = 1, missing: str = "") -> str:
    """A share as a percentage (``0.125`` -> ``12.5%``); ``missing`` for NaN."""
    if isinstance(value, float) and math.isnan(value):
        return missing
    return f"{100 * value:.{decimals}f}%"


def cell(text: object) -> str:
    """Text safe inside a Markdown table cell (pipes escaped, one line)."""
    return str(text).replace("|", "\\|").replace("\n", " ")


def markdown(table: pd.DataFrame, float_format: str = "{:.4g}") -> str:
    """A DataFrame as a Markdown table, index first; floats formatted with ``float_format``."""
    def fmt(v) -> str:
        return float_format.format(v) if isinstance(v, float) else cell(v)

    header = [table.index.name or "", *map(str, table.columns)]
    rows = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    rows += ["| " + " | ".join([cell(i), *map(fmt, r)]) + " |"
             for i, r in zip(table.index, table.to_numpy(), strict=True)]
    return "\n".join(rows)


def _spin_up(scenario: Scenario) -> str:
    months = scenario.spin_up_months
    return f" (after {months} months of spin-up from {scenario.start}, run but not reported)" if months else ""


def run_summary(result: RunResult) -> str:
    """What ``ctsim run`` prints: per year nationally and by region, and totals by region."""
    nat, reg = result.national, result.regional
    annual = result.annual
    lines = [
        f"ctsim run: scenario '{result.scenario.name}', seed {result.seed}, {len(nat)} months from "
        f"{result.scenario.reported_start}{_spin_up(result.scenario)}",
        _parameters(result.parameters),
        "Exploratory model: one stochastic run; compare scenarios over many seeds before drawing conclusions.",
        "",
        "National, per year",
    ]
    national = annual[["attacks", "deaths", "injuries", "recruits", "arrests", "legitimacy", "cost"]].copy()
    national["cost"] = national["cost"] / 1e9
    national = national.rename(columns={"legitimacy": "legitimacy_dec", "cost": "cost_rs_bn"})
    lines.append(national.to_string(float_format=lambda v: f"{v:,.2f}" if abs(v) < 10 else f"{v:,.0f}"))
    lines.append(f"cost_rs_bn: billions of Pakistani rupees at {PRICE_YEAR} prices, security personnel, deployed "
                 f"troops and programmes (each price's source and range: docs/odd.md 7.11)")
    lines += ["", "Attacks by region, per year"]
    by_region = annual[[f"attacks_{k}" for k in REGION_KEYS]]
    by_region.columns = list(REGION_KEYS)
    lines.append(by_region.astype(int).to_string())
    totals = reg.groupby("region", sort=False)[["attacks", "deaths", "injuries", "recruits"]].sum()
    totals = totals.reindex(list(REGIONS))
    totals["share_of_attacks"] = (totals["attacks"] / max(totals["attacks"].sum(), 1)).map(percent)
    last = reg[reg["month"] == reg["month"].max()].set_index("region")
    totals["legitimacy_end"] = last["legitimacy"].reindex(list(REGIONS)).map("{:.3f}".format)
    lines += ["", f"By region, whole horizon ({len(nat)} months)"]
    lines.append(totals.to_string(float_format=lambda v: f"{v:,.0f}"))
    s = result.summary
    lines += ["", f"Active militants at the end: {s['active_militants']:,.0f} in {s['cells']:,.0f} cells; "
                  f"sympathisers {s['sympathisers']:,.0f}; detained without trial {s['detained_without_trial']:,.0f}"]
    if result.reverted_levers:
        lines.append("Levers reverted at changes of government: "
                     + ", ".join(f"{n} (month {m})" for m, n in result.reverted_levers))
    if result.levers:
        lines += ["", "Levers as they acted (the schedule, the state's reactions and changes of government moved them "
                      "from what the scenario set; lock a lever in the scenario file to keep reactions off it):"]
        lines += [f"  {acted_line(name, figures)}" for name, figures in result.levers.items()]
    return "\n".join(lines)


def acted_line(name: str, figures: dict[str, float]) -> str:
    """One lever as it acted, in words: what was set, the mean it took, its range and how often it was elsewhere."""
    lever = LEVERS_BY_NAME[name]
    unit = f" {lever.unit}" if lever.unit and lever.unit not in ("share", "share of full programme") else ""
    fmt = (lambda v: f"{v:.0f}") if lever.kind == "int" else (lambda v: f"{v:.2f}")
    return (f"{lever.label}: set {fmt(figures['set'])}{unit}, {fmt(figures['mean'])} on average "
            f"({fmt(figures['low'])}-{fmt(figures['high'])}), elsewhere {figures['months_moved']:.0%} of the months")


def _parameters(record) -> str:
    line = describe(record or POINT_SET.manifest())
    index = (record or {}).get("draw_index")
    return line + (f"; this run used row {index[0]} of the draws (its seed chooses it)" if index else "")
