"""Model outputs, each declared once: monthly series nationally and by region, and per-run summary scalars.

The model fills :attr:`ctsim.model.CTModel.record` every month; a Mesa ``DataCollector`` built from these
declarations stores it. :func:`monthly_frames` turns the collected data into two tidy tables (national, regional),
:func:`summarise` into the per-run scalars used by experiments and sensitivity analysis.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from mesa import DataCollector

from ctsim.data import REGION_KEYS, REGIONS
from ctsim.population import STRATUM_NAMES

if TYPE_CHECKING:
    from ctsim.model import CTModel


@dataclass(frozen=True)
class Output:
    """One monthly output.

    Attributes:
        name: column name.
        unit: unit.
        meaning: one line.
        summary: how a run is summarised: ``sum`` over months, ``last`` value, or ``mean`` over months.
        regional: also reported by region.
    """

    name: str
    unit: str
    meaning: str
    summary: str = "sum"
    regional: bool = False


OUTPUTS: tuple[Output, ...] = (
    Output("attacks", "attacks", "militant attacks (PICSS definition: attacks by militants)", regional=True),
    Output("deaths", "persons", "people killed in attacks", regional=True),
    Output("injuries", "persons", "people injured in attacks", regional=True),
    Output("attacks_on_security_forces", "attacks", "attacks on police, FC, Rangers and military"),
    Output("attacks_on_civilians", "attacks", "attacks on civilians"),
    Output("attacks_on_state_institutions", "attacks", "attacks on officials, offices, politicians"),
    Output("attacks_on_high_value", "attacks", "attacks on high-value targets (CPEC, foreign nationals)"),
    Output("deaths_security_forces", "persons", "deaths in attacks on security forces"),
    Output("deaths_civilians", "persons", "deaths in attacks on civilians"),
    Output("deaths_state_institutions", "persons", "deaths in attacks on state institutions"),
    Output("deaths_high_value", "persons", "deaths in attacks on high-value targets"),
    Output("injuries_security_forces", "persons", "injuries in attacks on security forces"),
    Output("injuries_civilians", "persons", "injuries in attacks on civilians"),
    Output("injuries_state_institutions", "persons", "injuries in attacks on state institutions"),
    Output("injuries_high_value", "persons", "injuries in attacks on high-value targets"),
    Output("new_radicals", "persons", "youth entering the sympathiser pool", regional=True),
    Output("sympathisers", "persons", "sympathiser pool at month end", summary="last"),
    Output("recruits", "persons", "sympathisers recruited into cells (incl. new cells)", regional=True),
    Output("recruits_poor", "persons", "recruits from the poor band"),
    Output("recruits_affluent", "persons", "recruits from the affluent band"),
    Output("recruits_away_from_family", "persons", "recruits living away from family"),
    Output("recruits_out_of_school", "persons", "recruits out of school"),
    Output("recruits_religious_link", "persons", "recruits with a religious-school link"),
    Output("active_militants", "persons", "members of all cells at month end", summary="last", regional=True),
    Output("cells", "cells", "militant cells at month end", summary="last"),
    Output("dormant_cells", "cells", "dormant cells at month end", summary="last"),
    Output("cells_in_sanctuary", "cells", "cells across the border at month end", summary="last"),
    Output("militants_killed", "persons", "militants killed in operations"),
    Output("arrests", "persons", "militants arrested"),
    Output("prosecutions", "cases", "cases decided by the courts"),
    Output("convictions", "persons", "convictions"),
    Output("releases", "persons", "acquitted or released without trial"),
    Output("released_untried", "persons", "released because the pre-trial limit ran out"),
    Output("returned_to_militancy", "persons", "released persons who rejoined a cell"),
    Output("deradicalised", "persons", "members who left cells (disengagement and programmes)"),
    Output("detained_without_trial", "persons", "persons held awaiting trial at month end", summary="last"),
    Output("collateral_casualties", "persons", "bystanders harmed in operations"),
    Output("legitimacy", "index 0-1", "state legitimacy, population-weighted mean", summary="last", regional=True),
    Output("fear", "index", "fear, population-weighted mean", summary="mean", regional=True),
    Output("operations_police", "operations", "successful operations credited to police (by their share of the "
           "district's effective strength)"),
    Output("operations_paramilitary", "operations", "same for Rangers and FC"),
    Output("operations_military", "operations", "same for the military"),
    Output("deployed_formations", "formations", "military formations deployed", summary="mean"),
    Output("cost", "police-equivalent personnel-months", "cost index: security personnel and programmes"),
)
OUTPUTS_BY_NAME = {o.name: o for o in OUTPUTS}
REGIONAL_OUTPUTS = tuple(o.name for o in OUTPUTS if o.regional)


def make_datacollector() -> DataCollector:
    """A Mesa DataCollector with one model reporter per national output and one per regional output."""
    reporters = {o.name: _reporter(o.name) for o in OUTPUTS}
    reporters.update({f"{name}@regions": _reporter(f"{name}@regions") for name in REGIONAL_OUTPUTS})
    reporters["recruits@strata"] = _reporter("recruits@strata")
    return DataCollector(model_reporters=reporters)


def _reporter(key: str):
    def report(model: CTModel):
        return model.record[key]

    report.__name__ = f"report_{key}"
    return report


def _collected(model: CTModel, include_history: bool) -> tuple[pd.DataFrame, pd.DatetimeIndex]:
    """The collected rows (without the history months unless asked) and their month labels."""
    raw = model.datacollector.get_model_vars_dataframe()
    months = pd.period_range(model.start, periods=len(raw), freq="M").to_timestamp()
    first = 0 if include_history else model.branch_month
    return raw.iloc[first:], months[first:]


def monthly_frames(model: CTModel, include_history: bool = False) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The collected months as (national, regional) DataFrames.

    National: one row per month, a ``month`` column (period start dates) and one column per output.
    Regional: one row per month and region, with ``region`` and ``region_key`` columns.
    A run that started with a history (see :mod:`ctsim.scenario`) reports only the scenario's months, unless
    ``include_history``.
    """
    raw, months = _collected(model, include_history)
    national = pd.DataFrame({"month": months})
    for o in OUTPUTS:
        national[o.name] = raw[o.name].to_numpy(dtype=float)
    per_region = {name: np.stack(raw[f"{name}@regions"].to_numpy()) for name in REGIONAL_OUTPUTS}
    n_regions = len(REGIONS)
    regional = pd.DataFrame({
        "month": np.repeat(months.to_numpy(), n_regions),
        "region": np.tile(REGIONS, len(raw)),
        "region_key": np.tile(REGION_KEYS, len(raw)),
    })
    for name, values in per_region.items():
        regional[name] = values.reshape(-1)
    return national, regional


def recruits_by_stratum(model: CTModel) -> pd.DataFrame:
    """Recruits per month in each of the 24 youth strata (columns named band|living|schooling|religious link)."""
    raw, months = _collected(model, include_history=False)
    frame = pd.DataFrame(np.stack(raw["recruits@strata"].to_numpy()), columns=list(STRATUM_NAMES))
    frame.insert(0, "month", months)
    return frame


FORCES = ("police", "paramilitary", "military")
# Names of the per-run summary scalars, in the order summarise() returns them.
SUMMARY_NAMES = (tuple(o.name for o in OUTPUTS) + tuple(f"ops_share_{f}" for f in FORCES)
                 + tuple(f"attacks_{key}" for key in REGION_KEYS))


def summarise(national: pd.DataFrame, regional: pd.DataFrame) -> dict[str, float]:
    """Per-run summary scalars: each output aggregated over the horizon as its declaration says, the deployment mix
    ``ops_share_<force>`` (each force's share of all successful operations over the horizon), and the attacks in
    each region over the horizon, ``attacks_<region key>``."""
    out = {}
    for o in OUTPUTS:
        column = national[o.name]
        out[o.name] = float(column.sum() if o.summary == "sum" else
                            column.iloc[-1] if o.summary == "last" else column.mean())
    operations = sum(out[f"operations_{f}"] for f in FORCES)
    for f in FORCES:
        out[f"ops_share_{f}"] = out[f"operations_{f}"] / operations if operations > 0 else 0.0
    by_region = regional.groupby("region_key")["attacks"].sum()
    for key in REGION_KEYS:
        out[f"attacks_{key}"] = float(by_region.get(key, 0.0))
    return out


def annual_table(national: pd.DataFrame, regional: pd.DataFrame) -> pd.DataFrame:
    """Attacks, deaths and injuries per calendar year, nationally and by region, with recruits, arrests,
    end-of-year legitimacy and cost."""
    nat = national.assign(year=national["month"].dt.year)
    years = nat.groupby("year").agg(attacks=("attacks", "sum"), deaths=("deaths", "sum"),
                                    injuries=("injuries", "sum"), recruits=("recruits", "sum"),
                                    arrests=("arrests", "sum"), legitimacy=("legitimacy", "last"),
                                    cost=("cost", "sum"))
    reg = regional.assign(year=regional["month"].dt.year)
    by_region = reg.pivot_table(index="year", columns="region_key", values="attacks", aggfunc="sum")
    by_region = by_region[list(REGION_KEYS)].add_prefix("attacks_")
    return years.join(by_region)
