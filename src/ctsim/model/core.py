"""CTModel: the ctsim agent-based model, one step per month.

The model's state lives here and in its entities (:mod:`ctsim.model.places`, :mod:`ctsim.model.forces`,
:mod:`ctsim.model.militants`, :mod:`ctsim.model.population`, :mod:`ctsim.model.institutions`); each process of the
month is a module of :mod:`ctsim.model.processes`, and :meth:`CTModel.step` calls them in this fixed order
(DESIGN.md s2; docs/odd.md, "Process overview and scheduling"):

1. policy: scheduled lever changes, then the political cycle (a change of government may revert levers);
2. socio-economics: programmes advance toward the levers with their lags; poverty, schooling and administration
   drift; the youth strata are recomputed;
3. radicalisation of youth into the sympathiser pools, and exit from them;
4. recruitment of sympathisers into existing cells; fighters arriving from sanctuary in Afghanistan join TTP-aligned
   cells;
5. deployment and security operations: detect, arrest, kill; collateral harm;
6. justice: prosecution, conviction or release; disengagement from cells;
7. attacks: number, place, target, deaths, injuries; cell resources;
8. legitimacy, fear and the threat memory;
9. released militants who return rejoin a cell in their district, or start one;
10. new cells where sympathisers gather with no cell;
11. cell lifecycle: dormancy, sanctuary, moves of pressed cells, splits, dissolution;
12. recording of every output (:func:`ctsim.model.recording.record_month`), then Mesa's DataCollector.

Initialisation is :mod:`ctsim.model.initialisation`. The core takes plain values and a seed and returns data; it
opens no files (the packaged geography is loaded once per process by :func:`ctsim.data.geography.packaged`).
Python users who want the CLI's 2022-2024 history build models with :func:`ctsim.build_model` instead.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from functools import cached_property

import numpy as np
import pandas as pd
from mesa import Agent, Model

from ctsim.data import REGIONS
from ctsim.data import geography as geo
from ctsim.declarations.levers import Policy
from ctsim.declarations.parameters import ADMIN_CAPACITY_BY_REGION, resolve
from ctsim.model import initialisation
from ctsim.model.forces import Forces, MilitaryFormation, ParamilitaryWing
from ctsim.model.institutions import JusticePipeline, PoliticalCycle, Programmes
from ctsim.model.militants import CellTable, MilitantCell
from ctsim.model.places import District, Police
from ctsim.model.processes import (
    attacks,
    justice,
    legitimacy,
    lifecycle,
    operations,
    radicalisation,
    recruitment,
    socioeconomics,
)
from ctsim.model.processes.policy import apply_policy
from ctsim.model.recording import MonthOutcome, make_datacollector, record_month

# One random stream per subsystem (common random numbers across scenarios, DESIGN.md s6). Append only: the order
# fixes which child of the SeedSequence each subsystem gets.
STREAMS = ("mesa", "init", "politics", "population", "recruitment", "operations", "justice", "attacks",
           "lifecycle", "casualties", "arrivals")


class CTModel(Model):
    """The counterterrorism model.

    Args:
        policy: lever values (default: the status quo).
        params: parameter overrides by name (see :mod:`ctsim.declarations.parameters`).
        seed: an int or a ``numpy.random.SeedSequence``; every random draw flows from it.
        start: first month, ``YYYY-MM``.
        geography: districts and adjacency (default: the packaged data).
        on_month: optional callback ``f(model, month)`` run first in every step (schedules use it).
        admin_capacity: administrative capacity by region, replacing the declared table (counterfactuals).

    Attributes:
        policy: the levers in force (schedules and political transitions change it).
        status_quo: the levers a transition reverts to.
        p: resolved parameter values.
        grid: the district network (``mesa.discrete_space.Network``), one cell per district.
        record: this month's outputs (see :mod:`ctsim.model.recording`).
    """

    def __init__(self, policy: Policy | None = None, params: Mapping[str, float] | None = None,
                 seed: int | np.random.SeedSequence = 0, start: str = "2024-01",
                 geography: geo.Geography | None = None,
                 on_month: Callable[[CTModel, int], None] | None = None,
                 admin_capacity: Mapping[str, float] | None = None) -> None:
        if isinstance(seed, np.random.SeedSequence):
            # A fresh copy: spawning advances a SeedSequence's counter, and the caller's must stay reusable so that
            # the same seed gives the same run (common random numbers across scenarios).
            seq = np.random.SeedSequence(seed.entropy, spawn_key=seed.spawn_key, pool_size=seed.pool_size)
        else:
            seq = np.random.SeedSequence(seed)
        streams = dict(zip(STREAMS, seq.spawn(len(STREAMS)), strict=True))
        super().__init__(rng=np.random.default_rng(streams["mesa"]))
        self.seed_sequence = seq
        self.streams = {name: np.random.default_rng(s) for name, s in streams.items() if name != "mesa"}
        self.start = pd.Period(start, freq="M")
        self.p = resolve(params)
        self.policy = policy.copy() if policy is not None else Policy()
        self.status_quo = Policy()
        self.on_month = on_month
        self.geography = geography or geo.packaged()
        initialisation.init_places(self, {**ADMIN_CAPACITY_BY_REGION, **(admin_capacity or {})})
        # Programmes and the CT lead start from the status quo and move toward the scenario's policy with their
        # lags: a reform announced in month one is not in force in month one.
        self.programmes = Programmes(self.status_quo, self.p)
        self.politics = PoliticalCycle(self.p, months_before_2024=(2024 - self.start.year) * 12 - self.start.month + 1)
        self.branch_month = 0  # months of history before the scenario proper (set by a history branch)
        self.justice = JusticePipeline(self.n_districts, self.p)
        self.forces = Forces(self, initialisation.police_by_district(self))
        self.threat = np.zeros(self.n_districts)
        # Year -> (deaths, injuries) per attack relative to the pooled ratios (processes/attacks.py).
        self.casualty_year_effect: dict[int, tuple[float, float]] = {}
        self.cell_table = CellTable()
        self.record: dict[str, object] = {}
        self.reverted_levers: list[tuple[int, str]] = []
        # (month, trigger, "fired" or "released", lever, value, level that fired it) (ctsim.scenarios.triggers)
        self.trigger_events: list[tuple] = []
        self.outcome: MonthOutcome | None = None  # what last month's processes produced
        initialisation.seed_population_and_cells(self)
        self.datacollector = make_datacollector()

    # ---------------------------------------------------------------------------------------- the month
    def step(self) -> None:
        """Advance one month: the processes in the order of the module docstring, one call each."""
        month = self.steps
        self.record = {}
        apply_policy(self, month)
        socioeconomics.update_socioeconomics(self)
        radicalised = radicalisation.radicalise(self)
        recruited = recruitment.recruit(self)
        arrived = recruitment.arrive(self)
        ops = operations.operate(self)
        trials = justice.prosecute(self, ops.arrested)
        attacked = attacks.attack(self)
        legitimacy.update_legitimacy(self, attacked, ops)
        justice.place_returning(self, trials.returned)
        founded = recruitment.nucleate(self)
        cells = lifecycle.lifecycle(self, ops.hit)
        self.outcome = MonthOutcome(radicalised, recruited + founded, ops, trials, attacked, cells, arrived)
        record_month(self, self.outcome)
        self.datacollector.collect(self)

    # ---------------------------------------------------------------------------------------------- outputs
    def by_region(self, values: np.ndarray) -> np.ndarray:
        """Sum a per-district array over each region (in ``REGIONS`` order)."""
        return np.bincount(self.region_index, values, len(REGIONS))

    def weighted_by_region(self, values: np.ndarray) -> tuple[float, np.ndarray]:
        """Population-weighted mean of a per-district array: national, and by region.

        The national sum is exactly rounded (``math.fsum``), so it has the same last bit on every machine: a BLAS dot
        product's rounding depends on the CPU kernel OpenBLAS picks at run time, and it moved the last bit of the
        recorded national legitimacy between two machines of this project's CI.
        """
        national_population, regional_population = self.population_totals
        weighted = values * self.population
        return math.fsum(weighted.tolist()) / national_population, self.by_region(weighted) / regional_population

    @cached_property
    def population_totals(self) -> tuple[float, np.ndarray]:
        """The national population (an exactly rounded sum) and each region's; population is fixed over a run."""
        return math.fsum(self.population.tolist()), self.by_region(self.population)

    # ------------------------------------------------------------------------------------------- helpers
    @property
    def militant_cells(self) -> list[MilitantCell]:
        """The militant cell agents, in the order of the cell table's rows."""
        return list(self.cell_table.agents)

    def run(self, months: int) -> CTModel:
        """Run ``months`` steps and return self."""
        for _ in range(months):
            self.step()
        return self

    def release(self) -> None:
        """Drop Mesa's per-model id counter (Mesa 3.3.1 keeps one per model forever: a leak in long batches)."""
        Agent._ids.pop(self, None)

    def agents_of(self, kind: type) -> list:
        """Agents of one class (an empty list when there are none; Mesa raises for absent types)."""
        agents = self.agents_by_type.get(kind)
        return list(agents) if agents is not None else []


__all__ = ["CTModel", "STREAMS", "District", "Police", "ParamilitaryWing", "MilitaryFormation", "MilitantCell"]
