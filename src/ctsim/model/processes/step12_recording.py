"""Process 12 of the month: recording. Every declared output (:mod:`ctsim.declarations.outputs`) from what the
month's processes returned and the state they left, kept in the month's ``record`` and appended to the run's
:class:`ctsim.model.recording.Recorder`.

Writes ``record``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from ctsim.compiling import kernel
from ctsim.declarations.levers import LEVERS
from ctsim.model.militants import TARGETS
from ctsim.model.population import STRATUM_AWAY, STRATUM_BAND, STRATUM_OUT_OF_SCHOOL, STRATUM_RELIGIOUS
from ctsim.model.recording import LEAN_OUTPUTS, LEAN_REGIONAL, OUTPUT_INDEX, RECORDED_LEVERS, REGIONAL_INDEX, Recorder
from ctsim.model.state import Parameters, State

if TYPE_CHECKING:
    from ctsim.model.core import CTModel
    from ctsim.model.processes.step05_operations import Operations
    from ctsim.model.processes.step06_justice import Trials
    from ctsim.model.processes.step07_attacks import Attacks
    from ctsim.model.processes.step11_lifecycle import CellCounts


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
GROUP_MASKS = np.array([mask for _, mask in RECRUIT_GROUPS])
# The outputs the recording kernel computes, in the order it computes them; the others are set in Python.
KERNEL_OUTPUTS = (("attacks", "deaths", "injuries")
                  + tuple(f"attacks_on_{t}" for t in TARGETS) + tuple(f"deaths_{t}" for t in TARGETS)
                  + tuple(f"injuries_{t}" for t in TARGETS)
                  + ("new_radicals", "recruits", *(name for name, _ in RECRUIT_GROUPS), "sympathisers",
                     "active_militants", "detained_without_trial", "legitimacy", "fear", "militant_support"))
# The regional outputs in the order the kernel computes them.
KERNEL_REGIONAL = ("attacks", "deaths", "injuries", "new_radicals", "recruits", "active_militants", "legitimacy",
                   "fear", "militant_support")
KERNEL_AT = np.array([OUTPUT_INDEX[name] for name in KERNEL_OUTPUTS], dtype=np.int64)
REGIONAL_AT = np.array([REGIONAL_INDEX[name] for name in KERNEL_REGIONAL], dtype=np.int64)
# The flows the second kernel totals, in the order it writes them (then the wings' and formations' personnel cost).
FLOW_OUTPUTS = ("militants_killed", "arrests", "returned_to_militancy", "arrivals", "prosecutions", "convictions",
                "releases", "released_untried", "rehabilitated", "operations_police",
                "operations_paramilitary", "operations_military", "deployed_formations", "cost")
FLOW_AT = np.array([OUTPUT_INDEX[name] for name in FLOW_OUTPUTS], dtype=np.int64)
IN_PYTHON = ("cells", "dormant_cells", "cells_in_sanctuary", "militants_in_sanctuary", "deradicalised",
             "triggers_fired", "collateral_casualties", "attacks_in_karachi")
(CELLS_AT, DORMANT_AT, SANCTUARY_AT, ABROAD_AT, DERADICALISED_AT, TRIGGERS_AT,
 COLLATERAL_AT, KARACHI_AT) = (OUTPUT_INDEX[n] for n in IN_PYTHON)
COST_AT = OUTPUT_INDEX["cost"]
assert set(OUTPUT_INDEX) == set(KERNEL_OUTPUTS) | set(FLOW_OUTPUTS) | set(IN_PYTHON), "an output nobody records"
# A lean recorder's outputs (ctsim.model.recording.LEAN_OUTPUTS) in the order its kernel computes them, then cells.
LEAN_KERNEL = ("attacks", "deaths", "injuries", "active_militants", "militants_killed")
LEAN_AT = np.array([OUTPUT_INDEX[name] for name in LEAN_KERNEL], dtype=np.int64)
LEAN_REGIONAL_AT = np.array([REGIONAL_INDEX[name] for name in LEAN_REGIONAL], dtype=np.int64)
assert set(LEAN_KERNEL) | {"cells", "attacks_in_karachi", "militants_in_sanctuary"} == set(LEAN_OUTPUTS), \
    "a lean output nobody records"
assert LEAN_REGIONAL == ("attacks", "deaths", "injuries", "active_militants"), "the lean kernel's regional order"


def record_month(model: CTModel, s: State, p: Parameters, month: MonthOutcome) -> MonthRecord:
    """Every declared output for this month (the only place outputs are computed), appended to the model's
    recorder; returns the month's record."""
    recorder = model.recorder
    m = recorder.next_month()
    attacks, ops, trials, cells = month.attacks, month.operations, month.trials, month.cells
    # the outputs outside the kernels that the lean record keeps too (the fit reads them), written once for both
    row = recorder.national_buffer[m]
    row[KARACHI_AT] = attacks.attacks[s.karachi].sum()
    row[CELLS_AT] = len(s.cells)
    row[ABROAD_AT] = cells.members_in_sanctuary
    if recorder.lean:  # the outputs a calibration candidate reads, as the full recording computes them
        record_lean_kernel(s.region, attacks.attacks, attacks.deaths, attacks.injuries, cells.members_by_district,
                           ops.killed, LEAN_AT, LEAN_REGIONAL_AT, row, recorder.regional_buffer[m])
        recorder.months += 1
        return MonthRecord(recorder, m)
    record_kernel(s.region, s.population, s.population_totals[1], s.population_totals[0], attacks.attacks,
                  attacks.deaths, attacks.injuries, month.radicalised, month.recruited, s.sympathisers,
                  cells.members_by_district, s.queue, s.legitimacy, s.fear, s.support, GROUP_MASKS, KERNEL_AT,
                  REGIONAL_AT, row, recorder.regional_buffer[m], recorder.strata_buffer[m],
                  recorder.districts_buffer[m])
    record_flows_kernel(row, FLOW_AT, ops.killed, ops.arrested, trials.returned, month.arrived, trials.decided,
                        trials.convicted, trials.released, trials.released_untried, trials.rehabilitated,
                        trials.surrendered, ops.operations_by_force, s.formation_district, s.strength,
                        model.forces.personnel_prices(p))
    row[COLLATERAL_AT] = ops.collateral.sum()  # numpy's pairwise sum, as before: the same last bit
    row[DORMANT_AT] = cells.dormant
    row[SANCTUARY_AT] = cells.in_sanctuary
    row[DERADICALISED_AT] = trials.disengaged
    row[TRIGGERS_AT] = sum(1 for e in s.trigger_events if e[0] == model.steps and e[2] == "fired")
    row[COST_AT] += programme_cost(s, p)
    values = s.policy.as_dict()
    recorder.levers_buffer[m] = [values[name] for name in RECORDED_LEVERS]
    recorder.months += 1
    return MonthRecord(recorder, m)


class MonthRecord(Mapping[str, Any]):
    """One month's outputs by name: a national output (``"attacks"``), one by region (``"attacks@regions"``, in
    ``REGIONS`` order), recruits by stratum (``"recruits@strata"``), or attacks and recruits by district
    (``"attacks@districts"``, ``"recruits@districts"``, for maps). A view of the recorder's arrays."""

    def __init__(self, recorder: Recorder, month: int) -> None:
        self.recorder, self.month = recorder, month

    def __getitem__(self, key: str) -> Any:
        r, m = self.recorder, self.month
        if key in OUTPUT_INDEX:
            return float(r.national_buffer[m, OUTPUT_INDEX[key]])
        name, _, over = key.partition("@")
        if over == "regions" and name in REGIONAL_INDEX:
            return r.regional_buffer[m, REGIONAL_INDEX[name]].copy()
        if key == "recruits@strata":
            return r.strata_buffer[m].copy()
        if over == "districts" and name in ("attacks", "recruits"):
            return r.districts_buffer[m, 0 if name == "attacks" else 1].copy()
        raise KeyError(key)

    def __iter__(self):
        yield from OUTPUT_INDEX
        yield from (f"{name}@regions" for name in REGIONAL_INDEX)
        yield from ("recruits@strata", "attacks@districts", "recruits@districts")

    def __len__(self) -> int:
        return len(OUTPUT_INDEX) + len(REGIONAL_INDEX) + 3


@kernel
def record_kernel(region, population, region_population, national_population, attacks, deaths, injuries,
                  radicalised, recruited, sympathisers, militants, queue, legitimacy, fear, support, group_masks,
                  at, regional_at, national, regional, strata, districts):
    n, targets = attacks.shape
    values = np.zeros(at.size)
    by_region = np.zeros((regional_at.size, regional.shape[1]))
    k = 0
    for table in (attacks, deaths, injuries):  # totals
        for d in range(n):
            for t in range(targets):
                values[k] += table[d, t]
                by_region[k, region[d]] += table[d, t]
        k += 1
    for table in (attacks, deaths, injuries):  # by target
        for t in range(targets):
            for d in range(n):
                values[k] += table[d, t]
            k += 1
    strata[:] = 0.0
    for d in range(n):
        radicals = 0.0
        recruits = 0.0
        for s in range(radicalised.shape[1]):
            radicals += radicalised[d, s]
            recruits += recruited[d, s]
            strata[s] += recruited[d, s]
        values[k] += radicals
        values[k + 1] += recruits
        by_region[3, region[d]] += radicals
        by_region[4, region[d]] += recruits
        districts[1, d] = recruits
        attacked = 0.0
        for t in range(targets):
            attacked += attacks[d, t]
        districts[0, d] = attacked
    k += 2
    for g in range(group_masks.shape[0]):
        for s in range(strata.size):
            if group_masks[g, s]:
                values[k] += strata[s]
        k += 1
    for d in range(n):
        values[k] += sympathisers[d].sum()
        values[k + 1] += militants[d]
        by_region[5, region[d]] += militants[d]
        values[k + 2] += queue[d].sum()
    k += 3
    # Population-weighted means, nationally and by region (sequential sums: the same last bit on every machine).
    for j in range(3):
        series = legitimacy if j == 0 else (fear if j == 1 else support)
        for d in range(n):
            weighted = series[d] * population[d]
            values[k + j] += weighted
            by_region[6 + j, region[d]] += weighted
        values[k + j] /= national_population
        for r in range(regional.shape[1]):
            by_region[6 + j, r] /= region_population[r]
    for i in range(at.size):
        national[at[i]] = values[i]
    for i in range(regional_at.size):
        regional[regional_at[i]] = by_region[i]


@kernel
def record_lean_kernel(region, attacks, deaths, injuries, militants, killed, at, regional_at, national, regional):
    """A lean recorder's month (:data:`LEAN_KERNEL` nationally, ``LEAN_REGIONAL`` by region): each value summed in
    the order :func:`record_kernel` and :func:`record_flows_kernel` sum it, so it is theirs to the last bit."""
    n, targets = attacks.shape
    values = np.zeros(at.size)
    by_region = np.zeros((regional_at.size, regional.shape[1]))
    for k in range(3):
        table = attacks if k == 0 else (deaths if k == 1 else injuries)
        for d in range(n):
            for t in range(targets):
                values[k] += table[d, t]
                by_region[k, region[d]] += table[d, t]
    for d in range(n):
        values[3] += militants[d]
        by_region[3, region[d]] += militants[d]
    for d in range(killed.size):
        values[4] += killed[d]
    for i in range(at.size):
        national[at[i]] = values[i]
    for i in range(regional_at.size):
        regional[regional_at[i]] = by_region[i]


@kernel
def record_flows_kernel(row, at, killed, arrested, returned, arrived, decided, convicted, released, released_untried,
                        rehabilitated, surrendered, operations_by_force, formation_district, strength, prices):
    """The month's flows, totalled over districts, and the personnel cost (``prices``: police, paramilitary
    personnel in all, military a person a month), written into the month's national row at ``at``."""
    totals = np.zeros(at.size)
    for d in range(killed.size):
        totals[0] += killed[d]
        totals[1] += arrested[d]
        totals[2] += returned[d]
        totals[3] += arrived[d]
        totals[4] += decided[d]
        totals[5] += convicted[d]
        totals[6] += released[d]
        totals[7] += released_untried[d]
        totals[8] += rehabilitated[d] + surrendered[d]
    for f in range(3):
        totals[9 + f] = operations_by_force[f]
    for k in range(formation_district.size):
        if formation_district[k] >= 0:
            totals[12] += 1.0
    # column totals in row order, as numpy sums a C-ordered array over its first axis (the same last bit)
    police, military = 0.0, 0.0
    for d in range(strength.shape[0]):
        police += strength[d, 0]
        military += strength[d, 2]
    totals[13] = police * prices[0] + prices[1] + military * prices[2]
    for i in range(at.size):
        row[at[i]] = totals[i]


# What the cost of each priced lever reads, in lever order: (name, cost weight, the level its cost counts from, cost
# parameter) for programmes; (name, the values it is priced at, cost parameter) for institutions.
_PROGRAMMES = tuple((lever.name, lever.cost.weight, lever.default if lever.cost.above_status_quo else 0.0,
                     lever.cost.parameter) for lever in PROGRAMME_LEVERS)
_INSTITUTIONS = tuple((lever.name, lever.cost.when, lever.cost.parameter) for lever in INSTITUTION_LEVERS)


def programme_effort(s: State) -> dict[str, float]:
    """Each priced lever's cost this month in units of its cost parameter (:class:`ctsim.declarations.levers.Cost`):
    a programme's declared weight x its implemented level (less the status quo's, for levers priced above it), or
    1 for an institution while the lever is at a priced value."""
    level, policy = s.programmes.level, s.policy.as_dict()
    effort = {name: weight * (level(name) - base) for name, weight, base, _ in _PROGRAMMES}
    effort.update({name: float(policy[name] in when) for name, when, _ in _INSTITUTIONS})
    return effort


def programme_cost(s: State, p: Parameters) -> float:
    """Cost this month of every lever not priced through the forces, in rupees (FY2024-25 prices): each lever's
    effort x its cost parameter, a price (docs/odd.md section 7.11)."""
    level, policy = s.programmes.level, s.policy.as_dict()
    total = 0
    for name, weight, base, parameter in _PROGRAMMES:
        total += p[parameter] * (weight * (level(name) - base))
    for name, when, parameter in _INSTITUTIONS:
        total += p[parameter] * float(policy[name] in when)
    return total
