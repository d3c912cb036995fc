"""The model's state, declared in one place: every variable a run carries, over what it ranges, its unit, its
meaning, and the one place that writes it.

Variables range over districts (``district``), districts and youth strata (``district x stratum``), districts and
force types (``district x force``: police with the CTDs, paramilitary, military), districts and months waited in
the prosecution queue (``district x month``), militant cells (``cell``: one row per cell, in the cell table), or the
nation (``national``). ``writer`` names the process of the month (``ctsim.model.processes``) that changes it, or
``initialisation`` for what is fixed for the whole run once the model is built. A process takes the state and
returns what it produced; it writes only the variables declared with it as their writer (a test checks every
process against this table), so that reading a process tells everything it changes.

The model's Mesa agents (districts, police forces, paramilitary wings, CTDs, military formations, militant cells)
are views of this state: a district reads its row, a cell its row of the cell table.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np


@dataclass(frozen=True)
class Variable:
    """One declared variable of the state."""

    name: str
    over: str
    unit: str
    meaning: str
    writer: str


INIT = "initialisation"
POLICY = "policy"
SOCIO = "socioeconomics"
RADICAL = "radicalisation"
RECRUIT = "recruitment"
OPS = "operations"
JUSTICE = "justice"
ATTACKS = "attacks"
LEGITIMACY = "legitimacy"
RETURNS = "returns"
NUCLEATION = "nucleation"
LIFECYCLE = "lifecycle"
RECORDING = "recording"

VARIABLES = (
    # -- fixed for the run: the places and the rates the first month is set from
    Variable("population", "district", "persons", "population 2023 (census; filled where flagged)", INIT),
    Variable("population_totals", "national, region", "persons", "the national population (an exactly rounded "
             "sum) and each region's", INIT),
    Variable("region", "district", "index of REGIONS", "the district's region", INIT),
    Variable("adjacency_indptr", "district + 1", "offsets", "where each district's neighbours start in "
             "adjacency_index (compressed sparse rows)", INIT),
    Variable("adjacency_index", "adjacency", "district index", "the neighbours of every district, in order", INIT),
    Variable("merged", "district", "bool", "one of the merged (ex-FATA) districts", INIT),
    Variable("dialogue_area", "district", "bool", "where dialogue with non-violent movements reaches (the merged "
             "districts and Balochistan)", INIT),
    Variable("strongholds", "district", "bool", "North Waziristan and Khyber, the militants' strongholds before "
             "Zarb-e-Azb", INIT),
    Variable("karachi", "district", "bool", "one of Karachi division's seven districts (the Karachi operation)",
             INIT),
    Variable("sanctuary_border", "affiliation x district", "bool", "the district's border offers that "
             "affiliation sanctuary", INIT),
    Variable("affiliation_mix_cumulative", "region x affiliation", "cumulative share", "the affiliation mix of new "
             "cells in each region, as running sums (ctsim.model.militants.AFFILIATION_MIX_BY_REGION)", INIT),
    Variable("poor_share_initial", "district", "share", "poor share at the start", INIT),
    Variable("out_of_school_initial", "district", "share", "out-of-school share at the start", INIT),
    Variable("admin_initial", "district", "index 0-1", "administrative capacity at the start", INIT),
    Variable("development_reach_per_unit", "district", "reach per programme unit", "the development programme's "
             "reach in each district per unit, when the merged districts come first (1 everywhere otherwise)", INIT),
    Variable("legitimacy_base", "district", "index 0-1", "legitimacy the district's administration supports", INIT),
    Variable("reference_tempo", "national", "tempo", "the status quo's tempo of operations militants have adapted to "
             "at the start", INIT),
    Variable("attack_rate", "national", "attacks per unit of capacity a month", "scales the first month to the "
             "observed level", INIT),
    Variable("lethality", "target", "relative", "lethality by target type, scaled to PICSS's deaths per attack", INIT),
    # -- policy: the levers in force and the state's reactions (1 of the month)
    Variable("policy", "national", "lever values", "the levers in force (schedules, triggers and changes of "
             "government change them)", POLICY),
    Variable("afghan_sanctuary", "national", "0-1", "openness of the Afghan sanctuary this month, 1 as since August "
             "2021 (the world, by date: ctsim.declarations.world)", POLICY),
    Variable("branch_month", "national", "months", "months run before the reported ones (a history or a spin-up)",
             POLICY),
    Variable("politics", "national", "political cycle", "changes of government so far and the next one "
             "(ctsim.model.institutions.PoliticalCycle)", POLICY),
    Variable("reverted_levers", "national", "(month, lever)", "levers reverted at changes of government", POLICY),
    Variable("trigger_events", "national", "(month, trigger, event, lever, value, level)", "the state's reactions "
             "that fired or were released", POLICY),
    # -- socio-economics (2)
    Variable("programmes", "national", "lever units", "how far each programme has been implemented (lags; "
             "ctsim.model.institutions.Programmes)", SOCIO),
    Variable("socioeconomic_key", "national", "levels", "the programme levels and drift the strata were last "
             "composed from", SOCIO),
    Variable("poor_share", "district", "share", "poor share of youth (drift and development)", SOCIO),
    Variable("out_of_school", "district", "share", "out-of-school share (education)", SOCIO),
    Variable("admin_capacity", "district", "index 0-1", "administrative capacity", SOCIO),
    Variable("away_scale", "national", "multiplier", "multiplier on the shares of youth living away from family",
             SOCIO),
    Variable("development_reach", "district", "programme units", "the development programme's reach", SOCIO),
    Variable("youth", "district x stratum", "persons", "youth by stratum (poverty x living x schooling x link)",
             SOCIO),
    # -- radicalisation, recruitment, nucleation (3, 4, 10)
    Variable("sympathisers", "district x stratum", "persons", "sympathiser pools", f"{RADICAL}, {RECRUIT}, "
             f"{NUCLEATION}"),
    # -- the cell table (4-11); rows in creation order, compacted when cells dissolve
    Variable("cells", "cell", "table", "members, district, affiliation, resources, dormant, in sanctuary of every "
             "cell (ctsim.model.militants.CellTable)", f"{RECRUIT}, {OPS}, {JUSTICE}, {ATTACKS}, {RETURNS}, "
             f"{NUCLEATION}, {LIFECYCLE}"),
    # -- operations (5)
    Variable("lead_weights", "lead", "weights summing to 1", "phase-in of the possible CT leads", OPS),
    Variable("police_weight", "national", "CT strength per officer", "effective CT strength of a police officer",
             OPS),
    Variable("strength", "district x force", "personnel", "deployed personnel by force type", OPS),
    Variable("effective", "district x force", "CT strength", "deployed personnel by force type, weighted", OPS),
    Variable("ctd", "district", "personnel", "CTD specialists deployed by threat", OPS),
    Variable("formation_district", "formation", "district index or -1", "where each military formation is "
             "deployed (-1: in barracks)", OPS),
    Variable("tempo", "national", "tempo", "operations' tempo this month", OPS),
    Variable("adapted_tempo", "national", "tempo", "the tempo militants have adapted to", OPS),
    Variable("reach", "district", "0-1", "the forces' reach this month (it also deters attacks)", OPS),
    Variable("denied", "district", "reach x relative tempo", "the pressure operations have sustained in the "
             "district (reach times tempo over the status quo's, remembered over room_denial_months): it denies "
             "cells room", OPS),
    # -- justice (6)
    Variable("queue", "district x month", "persons", "arrested persons awaiting a decision, by months waited",
             JUSTICE),
    # -- attacks (7)
    Variable("casualty_year_effect", "national", "year -> (deaths, injuries) multipliers", "each year's deaths and "
             "injuries per attack relative to the pooled ratios", ATTACKS),
    # -- legitimacy (8)
    Variable("fear", "district", "index", "fear from recent deaths", LEGITIMACY),
    Variable("legitimacy", "district", "index 0-1", "state legitimacy", LEGITIMACY),
    Variable("harm", "district", "harmed per 100,000", "remembered collateral harm", LEGITIMACY),
    Variable("support", "district", "0-1", "militants' local support", LEGITIMACY),
    Variable("threat", "district", "attacks a month", "the threat memory that guides next month's deployment",
             LEGITIMACY),
    # -- recording (12)
    Variable("record", "national", "outputs", "this month's outputs (ctsim.declarations.outputs)", RECORDING),
)
VARIABLES_BY_NAME = {v.name: v for v in VARIABLES}


class State:
    """The values of the declared variables (:data:`VARIABLES`), one attribute each; nothing else may be set."""

    __slots__ = tuple(v.name for v in VARIABLES)

    def snapshot(self) -> dict[str, Any]:
        """A deep copy of every set variable (for tests that check which variables a process writes)."""
        out = {}
        for name in self.__slots__:
            if hasattr(self, name):
                value = getattr(self, name)
                out[name] = value.snapshot() if hasattr(value, "snapshot") else _copy(value)
        return out

    def __getstate__(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.__slots__ if hasattr(self, name)}

    def __setstate__(self, values: dict[str, Any]) -> None:
        for name, value in values.items():
            setattr(self, name, value)


class Parameters(Mapping[str, float]):
    """The run's parameter values (resolved: declared, calibrated, overridden), by name, and as the vectors the
    kernels read (each process names its parameters in a tuple; the vector holds them in that order, built once)."""

    def __init__(self, values: Mapping[str, float]) -> None:
        self._values = dict(values)
        self._vectors: dict[tuple[str, ...], np.ndarray] = {}

    def __getitem__(self, name: str) -> float:
        return self._values[name]

    def __iter__(self):
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def vector(self, names: tuple[str, ...]) -> np.ndarray:
        """The values of ``names``, in order, as a float array (cached: built once per tuple)."""
        vector = self._vectors.get(names)
        if vector is None:
            vector = self._vectors[names] = np.array([self._values[name] for name in names], dtype=np.float64)
        return vector

    def __getstate__(self) -> dict[str, float]:
        return self._values

    def __setstate__(self, values: dict[str, float]) -> None:
        self.__init__(values)


def _copy(value: Any) -> Any:
    if isinstance(value, np.ndarray):
        return value.copy()
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    if hasattr(value, "copy"):
        return value.copy()
    return value


def describe() -> str:
    """The state as a Markdown table (docs/odd.md and the model's docstring show it)."""
    rows = ["| variable | over | unit | meaning | written by |", "|---|---|---|---|---|"]
    rows += [f"| `{v.name}` | {v.over} | {v.unit} | {v.meaning} | {v.writer} |" for v in VARIABLES]
    return "\n".join(rows)
