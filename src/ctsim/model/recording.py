"""Recording of outputs (the last process of the month): every declared output from what the month's processes
returned, the Mesa DataCollector that stores them, the monthly frames and the per-run summary.

The outputs are declared once, in :mod:`ctsim.declarations.outputs`. The model fills
:attr:`ctsim.model.core.CTModel.record` every month; a Mesa ``DataCollector`` built from these
declarations stores it. :func:`monthly_frames` turns the collected data into two tidy tables (national, regional),
:func:`summarise` into the per-run scalars used by experiments and sensitivity analysis.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from mesa import DataCollector

from ctsim.data import REGION_KEYS, REGIONS
from ctsim.declarations.levers import LEVERS, LEVERS_BY_NAME
from ctsim.declarations.outputs import FORCES, OUTPUTS, REGIONAL_OUTPUTS
from ctsim.model.militants import TARGETS
from ctsim.model.population import STRATUM_AWAY, STRATUM_BAND, STRATUM_NAMES, STRATUM_OUT_OF_SCHOOL, STRATUM_RELIGIOUS

if TYPE_CHECKING:
    from ctsim.model.core import CTModel
    from ctsim.model.processes.attacks import Attacks
    from ctsim.model.processes.justice import Trials
    from ctsim.model.processes.lifecycle import CellCounts
    from ctsim.model.processes.operations import Operations




@dataclass
class MonthOutcome:
    """What the processes of one month produced, for recording (typed, one field per process).

    Attributes:
        radicalised: new sympathisers (district x stratum).
        recruited: recruits into existing cells and members of new cells (district x stratum).
        operations: the operations' results.
        trials: the justice pipeline's results.
        attacks: attacks and casualties by district and target.
        cells: cells at the month's end.
        arrived: fighters from sanctuary in Afghanistan who joined cells (by district).
    """

    radicalised: np.ndarray
    recruited: np.ndarray
    operations: Operations
    trials: Trials
    attacks: Attacks
    cells: CellCounts
    arrived: np.ndarray

    @property
    def flows(self) -> dict[str, int]:
        """Flows of militants this month (persons): into cells, killed, arrested, returned from release, left,
        arrived from Afghanistan."""
        return {"recruited": int(self.recruited.sum()), "killed": int(self.operations.killed.sum()),
                "arrested": int(self.operations.arrested.sum()), "returned": int(self.trials.returned.sum()),
                "deradicalised": self.trials.disengaged, "arrived": int(self.arrived.sum())}


PROGRAMME_LEVERS = tuple(lever for lever in LEVERS if lever.cost.kind == "programme")
INSTITUTION_LEVERS = tuple(lever for lever in LEVERS if lever.cost.kind == "institution")

# Recruit subgroups reported as outputs: the Swat profile (FACTS.md s3) by band, living, schooling, religious link.
RECRUIT_GROUPS = (("recruits_poor", STRATUM_BAND == 0), ("recruits_affluent", STRATUM_BAND == 2),
                  ("recruits_away_from_family", STRATUM_AWAY == 1),
                  ("recruits_out_of_school", STRATUM_OUT_OF_SCHOOL == 1),
                  ("recruits_religious_link", STRATUM_RELIGIOUS == 1))


def record_month(model: CTModel, month: MonthOutcome) -> None:
    """Fill ``model.record`` with every declared output for this month (the only place outputs are written)."""
    rec = model.record = {}
    attacks, ops, trials, cells = month.attacks, month.operations, month.trials, month.cells
    for key, values in (("attacks", attacks.attacks), ("deaths", attacks.deaths), ("injuries", attacks.injuries)):
        by_district = values.sum(axis=1)
        rec[key] = float(by_district.sum())
        rec[f"{key}@regions"] = model.by_region(by_district)
    by_target = attacks.attacks.sum(axis=0)
    deaths_by_target = attacks.deaths.sum(axis=0)
    injuries_by_target = attacks.injuries.sum(axis=0)
    for t, name in enumerate(TARGETS):
        rec[f"attacks_on_{name}"] = float(by_target[t])
        rec[f"deaths_{name}"] = float(deaths_by_target[t])
        rec[f"injuries_{name}"] = float(injuries_by_target[t])
    rec["new_radicals@regions"] = model.by_region(month.radicalised.sum(axis=1))
    rec["new_radicals"] = float(month.radicalised.sum())
    by_stratum = month.recruited.sum(axis=0)
    rec["recruits@strata"] = by_stratum
    rec["recruits"] = float(by_stratum.sum())
    rec["recruits@regions"] = model.by_region(month.recruited.sum(axis=1))
    # By district, for maps (the dashboard); not stored by the DataCollector, so runs keep their size.
    rec["attacks@districts"] = attacks.attacks.sum(axis=1).astype(float)
    rec["recruits@districts"] = month.recruited.sum(axis=1).astype(float)
    for key, mask in RECRUIT_GROUPS:
        rec[key] = float(by_stratum[mask].sum())
    flows = month.flows
    rec["sympathisers"] = float(model.sympathisers.sum())
    rec["active_militants"] = float(cells.members_by_district.sum())
    rec["active_militants@regions"] = model.by_region(cells.members_by_district)
    rec["cells"] = float(len(model.cell_table))
    rec["arrivals"] = float(flows["arrived"])
    rec["dormant_cells"] = float(cells.dormant)
    rec["cells_in_sanctuary"] = float(cells.in_sanctuary)
    rec["militants_killed"] = float(flows["killed"])
    rec["arrests"] = float(flows["arrested"])
    rec["prosecutions"] = float(trials.decided.sum())
    rec["convictions"] = float(trials.convicted.sum())
    rec["releases"] = float(trials.released.sum())
    rec["released_untried"] = float(trials.released_untried.sum())
    rec["returned_to_militancy"] = float(flows["returned"])
    rec["deradicalised"] = float(flows["deradicalised"])
    rec["rehabilitated"] = float(trials.rehabilitated.sum() + trials.surrendered.sum())
    rec["detained_without_trial"] = float(model.justice.awaiting)
    rec["collateral_casualties"] = float(ops.collateral.sum())
    rec["legitimacy"], rec["legitimacy@regions"] = model.weighted_by_region(model.legitimacy)
    rec["fear"], rec["fear@regions"] = model.weighted_by_region(model.fear)
    rec["militant_support"], rec["militant_support@regions"] = model.weighted_by_region(model.support)
    rec["operations_police"], rec["operations_paramilitary"], rec["operations_military"] = map(
        float, ops.operations_by_force)
    rec["deployed_formations"] = float(sum(f.cell is not None for f in model.forces.formations))
    rec["triggers_fired"] = float(sum(1 for e in model.trigger_events if e[0] == model.steps and e[2] == "fired"))
    rec["cost"] = model.forces.monthly_cost() + programme_cost(model)
    missing = {o.name for o in OUTPUTS} - rec.keys()
    assert not missing, f"outputs not recorded: {sorted(missing)}"


def programme_effort(model: CTModel) -> dict[str, float]:
    """Each priced lever's cost this month in units of its cost parameter (:class:`ctsim.declarations.levers.Cost`):
    a programme's declared weight x its implemented level (less the status quo's, for levers priced above it), or
    1 for an institution while the lever is at a priced value."""
    level = model.programmes.level
    effort = {lever.name: lever.cost.weight * (level(lever.name) - (lever.default if lever.cost.above_status_quo
                                                                   else 0.0))
              for lever in PROGRAMME_LEVERS}
    effort.update({lever.name: float(getattr(model.policy, lever.name) in lever.cost.when)
                   for lever in INSTITUTION_LEVERS})
    return effort


def programme_cost(model: CTModel) -> float:
    """Cost this month of every lever not priced through the forces, in police-equivalent personnel-months: each
    lever's effort x its cost parameter (docs/odd.md section 7.11)."""
    p = model.p
    return sum(p[LEVERS_BY_NAME[name].cost.parameter] * effort for name, effort in programme_effort(model).items())


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


def _collected(model: CTModel, include_history: bool) -> tuple[dict[str, list], pd.DatetimeIndex]:
    """The collected values of each reporter, month by month (without the history months unless asked), and their
    month labels. Read from the DataCollector's ``model_vars`` (one list per reporter) rather than through a
    DataFrame of objects, which cost a batch run more than a tenth of its time."""
    collected = model.datacollector.model_vars
    n = len(collected["attacks"])
    first = 0 if include_history else model.branch_month
    months = pd.period_range(model.start, periods=n, freq="M").to_timestamp()
    return {name: values[first:] for name, values in collected.items()}, months[first:]


def monthly_frames(model: CTModel, include_history: bool = False) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The collected months as (national, regional) DataFrames.

    National: one row per month, a ``month`` column (period start dates) and one column per output.
    Regional: one row per month and region, with ``region`` and ``region_key`` columns.
    A run that started with a history (see :mod:`ctsim.scenarios.files`) reports only the scenario's months, unless
    ``include_history``.
    """
    raw, months = _collected(model, include_history)
    n_months, n_regions = len(months), len(REGIONS)
    # Every column built first and the frames made at once (inserting columns one by one is slow in pandas).
    national = pd.DataFrame({"month": months, **{o.name: np.asarray(raw[o.name], dtype=float) for o in OUTPUTS}})
    regional = pd.DataFrame({
        "month": np.repeat(months.to_numpy(), n_regions),
        "region": np.tile(REGIONS, n_months),
        "region_key": np.tile(REGION_KEYS, n_months),
        **{name: np.stack(raw[f"{name}@regions"]).reshape(-1) for name in REGIONAL_OUTPUTS},
    })
    return national, regional


def recruits_by_stratum(model: CTModel) -> pd.DataFrame:
    """Recruits per month in each of the 24 youth strata (columns named band|living|schooling|religious link)."""
    raw, months = _collected(model, include_history=False)
    frame = pd.DataFrame(np.stack(raw["recruits@strata"]), columns=list(STRATUM_NAMES))
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
