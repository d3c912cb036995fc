"""Recording of outputs: the Mesa DataCollector, the monthly frames and the per-run summary.

The outputs are declared once, in :mod:`ctsim.declarations.outputs`. The model fills
:attr:`ctsim.model.core.CTModel.record` every month; a Mesa ``DataCollector`` built from these
declarations stores it. :func:`monthly_frames` turns the collected data into two tidy tables (national, regional),
:func:`summarise` into the per-run scalars used by experiments and sensitivity analysis.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from mesa import DataCollector

from ctsim.data import REGION_KEYS, REGIONS
from ctsim.declarations.outputs import FORCES, OUTPUTS, REGIONAL_OUTPUTS
from ctsim.model.population import STRATUM_NAMES

if TYPE_CHECKING:
    from ctsim.model.core import CTModel




def make_datacollector() -> DataCollector:
    """A Mesa DataCollector with one model reporter per national output and one per regional output."""
    reporters = {o.name: partial(_recorded, o.name) for o in OUTPUTS}
    reporters.update({f"{name}@regions": partial(_recorded, f"{name}@regions") for name in REGIONAL_OUTPUTS})
    reporters["recruits@strata"] = partial(_recorded, "recruits@strata")
    return DataCollector(model_reporters=reporters)


def _recorded(key: str, model: CTModel):
    """One key of the model's monthly record. Reporters are ``partial(_recorded, key)``: a module-level function,
    not a closure, so that a model pickles (and Mesa's DataCollector calls partials with the model)."""
    return model.record[key]


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
    A run that started with a history (see :mod:`ctsim.scenarios.files`) reports only the scenario's months, unless
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
