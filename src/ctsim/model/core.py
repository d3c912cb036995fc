"""CTModel: the ctsim agent-based model, one step per month.

The model's state is declared in one place, :mod:`ctsim.model.state` (every variable, its unit, its meaning and the
process that writes it), and its entities are Mesa agents that view it (:mod:`ctsim.model.places`,
:mod:`ctsim.model.forces`, :mod:`ctsim.model.militants`). Each process of the month is a module of
:mod:`ctsim.model.processes`, numbered in the order :meth:`CTModel.step` calls them (DESIGN.md s2; docs/odd.md,
"Process overview and scheduling"):

1. the world and the policy: the Afghan sanctuary's openness by date; scheduled lever changes and the state's
   reactions, then the political cycle (a change of government may revert levers);
2. socio-economics: programmes advance toward the levers with their lags; poverty, schooling and administration
   drift; the youth strata are recomputed;
3. radicalisation of youth into the sympathiser pools, and exit from them;
4. recruitment of sympathisers into existing cells; fighters arriving from sanctuary in Afghanistan join TTP-aligned
   cells;
5. deployment and security operations: detect, arrest, kill; collateral harm;
6. justice: prosecution, conviction or release; disengagement and surrender from cells;
7. attacks: number, place, target, deaths, injuries; cell resources;
8. legitimacy, fear, militants' local support and the threat memory;
9. released militants who return rejoin a cell in their district, or start one;
10. new cells where sympathisers gather with no cell;
11. cell lifecycle: dormancy, sanctuary, moves of pressed cells, splits, merges, dissolution;
12. recording of every output (:mod:`ctsim.model.processes.step12_recording`) into the run's
    :class:`ctsim.model.recording.Recorder`.

Initialisation is :mod:`ctsim.model.initialisation`. The core takes plain values and a seed and returns data; it
opens no files (the packaged geography is loaded once per process by :func:`ctsim.data.geography.packaged`).
Python users who want the CLI's 2013-2024 history build models with :func:`ctsim.build_model` instead.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import pandas as pd
from mesa import Agent, Model
from mesa.discrete_space import Network

from ctsim.data import geography as geo
from ctsim.declarations.levers import Policy
from ctsim.declarations.parameters import ADMIN_CAPACITY_BY_REGION, resolve
from ctsim.model import initialisation
from ctsim.model.compiled import STREAMS, compile_streams
from ctsim.model.forces import Forces, MilitaryFormation, ParamilitaryWing
from ctsim.model.militants import MilitantCell
from ctsim.model.places import District, Police
from ctsim.model.processes.step01_policy import apply_policy
from ctsim.model.processes.step02_socioeconomics import update_socioeconomics
from ctsim.model.processes.step03_radicalisation import radicalise
from ctsim.model.processes.step04_recruitment import arrive, recruit
from ctsim.model.processes.step05_operations import operate
from ctsim.model.processes.step06_justice import prosecute
from ctsim.model.processes.step07_attacks import attack
from ctsim.model.processes.step08_legitimacy import update_legitimacy
from ctsim.model.processes.step09_returns import place_returning
from ctsim.model.processes.step10_nucleation import nucleate
from ctsim.model.processes.step11_lifecycle import dissolve_empty, lifecycle
from ctsim.model.processes.step12_recording import MonthOutcome, record_month
from ctsim.model.recording import Recorder
from ctsim.model.state import VARIABLES_BY_NAME, Parameters, State


class CTModel(Model):
    """The counterterrorism model.

    Args:
        policy: lever values (default: the status quo).
        params: parameter overrides by name (see :mod:`ctsim.declarations.parameters`).
        seed: an int or a ``numpy.random.SeedSequence``; every random draw flows from it.
        start: first month, ``YYYY-MM``.
        geography: districts and adjacency (default: the packaged data).
        on_month: optional callback ``f(model, month)`` run first in every step (schedules and triggers use it).
        admin_capacity: administrative capacity by region, replacing the declared table (counterfactuals).
        cell_agents: give every militant cell a Mesa agent on the district network (default). False: the cells are
            the cell table alone, for runs whose caller keeps only the recorded outputs (calibration candidates):
            the outputs are the same bit for bit, at 81-87% of the cost.
        agents: build the Mesa agents and the district network (default). False: none at all (no district, police
            or force agents, no formations or cells as agents, no network: ``grid`` is None and ``districts``,
            ``police_forces`` and the forces' ``wings``, ``ctds`` and ``formations`` are empty), the state and the
            processes alone, for runs whose caller keeps only the recorded outputs; those are the same bit for bit.
        lean_record: record only the outputs a calibration candidate reads
            (:class:`ctsim.model.recording.Recorder`'s ``lean``; every other output is NaN); those it records are the
            same bit for bit.

    Attributes:
        state: the model's state (:class:`ctsim.model.state.State`; its variables can also be read as attributes of
            the model, ``model.legitimacy``).
        status_quo: the levers a change of government reverts to.
        p: resolved parameter values (:class:`ctsim.model.state.Parameters`).
        streams: the run's random generators, one per subsystem (:data:`ctsim.model.compiled.STREAMS`).
        grid: the district network (``mesa.discrete_space.Network``), one cell per district.
        districts, police_forces, forces: the district and police agents; the forces (wings, CTDs, formations).
        recorder: every output of every month so far (:class:`ctsim.model.recording.Recorder`).
        outcome: what last month's processes produced.
    """

    def __init__(self, policy: Policy | None = None, params: Mapping[str, float] | None = None,
                 seed: int | np.random.SeedSequence = 0, start: str = "2024-01",
                 geography: geo.Geography | None = None,
                 on_month: Callable[[CTModel, int], None] | None = None,
                 admin_capacity: Mapping[str, float] | None = None, cell_agents: bool = True,
                 agents: bool = True, lean_record: bool = False) -> None:
        if isinstance(seed, np.random.SeedSequence):
            # A fresh copy: spawning advances a SeedSequence's counter, and the caller's must stay reusable so that
            # the same seed gives the same run (common random numbers across scenarios).
            seq = np.random.SeedSequence(seed.entropy, spawn_key=seed.spawn_key, pool_size=seed.pool_size)
        else:
            seq = np.random.SeedSequence(seed)
        children = dict(zip(STREAMS, seq.spawn(len(STREAMS)), strict=True))
        super().__init__(rng=np.random.default_rng(children["mesa"]))
        self.seed_sequence = seq
        self.streams = {name: np.random.default_rng(s) for name, s in children.items() if name != "mesa"}
        self.compiled_streams = compile_streams(self.streams)
        self.start = pd.Period(start, freq="M")
        self._month_before_start = self.start.year * 12 + self.start.month - 2  # calendar() counts from it
        self.p = Parameters(resolve(params))
        self.initial_policy = policy.copy() if policy is not None else Policy()
        self.status_quo = Policy()
        self.on_month = on_month
        self.geography = geography or geo.packaged()
        self.outcome: MonthOutcome | None = None
        where = initialisation.places(self.geography)
        self.n_districts, self.region_names, self.border_names = where.n, where.region_names, where.border_names
        self.recorder = Recorder(where.n, lean=lean_record)
        self.grid = Network(self.geography.graph, random=self.random) if agents else None
        self.districts = [District(self, i, row) for i, row in enumerate(where.rows)] if agents else []
        self.police_forces = [Police(self, i, strength) for i, strength in enumerate(where.police)] if agents else []
        self.forces = Forces(self, where.police, where.population, agents=agents)
        self.state: State = initialisation.initial_state(self, where,
                                                         {**ADMIN_CAPACITY_BY_REGION, **(admin_capacity or {})},
                                                         cell_agents=bool(cell_agents) and agents)

    # ---------------------------------------------------------------------------------------- the month
    def step(self) -> None:
        """Advance one month: the processes in the order of the module docstring, one call each."""
        month = self.steps
        s, p, streams, cells = self.state, self.p, self.compiled_streams, self.state.cells
        # Room for every row the month can add: an arrival's cell, a returned or new cell per district, a split
        # per cell.
        cells.reserve(cells.n + 4 * self.n_districts + 2)
        apply_policy(self, month)
        update_socioeconomics(s, p, month)
        radicalised = radicalise(s, p, streams)
        recruited = recruit(s, p, streams)
        arrived, rows = arrive(s, p, streams)
        cells.extend(rows)
        ops = operate(self, s, p, streams)
        trials = prosecute(s, p, streams, ops.arrested)
        attacked = attack(s, p, streams, self.calendar(month)[0])
        update_legitimacy(s, p, attacked, ops.collateral)
        cells.extend(place_returning(s, streams, trials.returned))
        founded, rows = nucleate(s, p, streams)
        cells.extend(rows)
        changes = lifecycle(s, p, streams, ops.hit)
        cells.extend(changes.rows)
        cells.note_moved(changes.moved)
        position, counts = dissolve_empty(s)
        cells.settle(self, position, counts.cells)
        self.outcome = MonthOutcome(radicalised, recruited + founded, ops, trials, attacked, counts, arrived)
        s.record = record_month(self, s, p, self.outcome)

    # ------------------------------------------------------------------------------------------- helpers
    def calendar(self, month: int) -> tuple[int, int]:
        """The calendar year and month (1-12) of model month ``month`` (1: the start month)."""
        months = self._month_before_start + month
        return months // 12, months % 12 + 1

    def __getattr__(self, name: str) -> Any:
        # The state's variables read as the model's attributes (model.legitimacy): only when the name is declared.
        if name in VARIABLES_BY_NAME and "state" in self.__dict__:
            return getattr(self.__dict__["state"], name)
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def __setattr__(self, name: str, value: Any) -> None:
        # ... and are written into the state: a declared variable has one place, whoever writes it.
        if name in VARIABLES_BY_NAME and "state" in self.__dict__:
            setattr(self.__dict__["state"], name, value)
        else:
            super().__setattr__(name, value)

    @property
    def policy(self) -> Policy:
        """The levers in force."""
        return self.state.policy

    @policy.setter
    def policy(self, value: Policy) -> None:
        self.state.policy = value

    @property
    def cell_table(self):
        """The cell table (:class:`ctsim.model.militants.CellTable`)."""
        return self.state.cells

    @property
    def militant_cells(self) -> list[MilitantCell]:
        """The militant cell agents, in the order of the cell table's rows."""
        if not self.state.cells.keeps_agents:
            raise RuntimeError("this model was built with cell_agents=False: its militant cells are the cell table "
                               "alone (model.cell_table), with no agents")
        return list(self.state.cells.agents)

    @property
    def record(self) -> dict:
        """This month's outputs (see :mod:`ctsim.declarations.outputs`)."""
        return self.state.record

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

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        del state["compiled_streams"]  # a compiled view of the generators: rebuilt from them when restored
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self.compiled_streams = compile_streams(self.streams)


__all__ = ["CTModel", "STREAMS", "District", "Police", "ParamilitaryWing", "MilitaryFormation", "MilitantCell"]
