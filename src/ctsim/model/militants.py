"""Militant cells: Mesa agents that move on the district network, with their state in the cell table.

A cell has an affiliation, members, resources, and a place: the district cell it stands in, possibly across the
Afghan or Iranian border in sanctuary (it then stays attached to the border district it slipped out of). Its
lifecycle: recruit, attack, move, split, go dormant, be disrupted, dissolve.

The state of every cell lives in one row of the :class:`CellTable` (a structure of arrays, one column per field, in
creation order), which the kernels of the month read and write whole. Each :class:`MilitantCell` agent is the view of
one row. The month's processes work on the table alone; at the end of the month the table brings its agents in step
with its rows (:meth:`CellTable.settle`), so between months the network holds every cell where the table says it is.
"""

from __future__ import annotations

from itertools import compress
from typing import TYPE_CHECKING

import numpy as np
from mesa.discrete_space import CellAgent

if TYPE_CHECKING:
    from ctsim.model.core import CTModel

AFFILIATIONS = ("religious_nationalist", "separatist", "sectarian")
TTP = AFFILIATIONS.index("religious_nationalist")
TARGETS = ("security_forces", "civilians", "state_institutions", "high_value")
HIGH_VALUE = TARGETS.index("high_value")

# Target mix by affiliation (rows sum to 1). Assumption: TTP-style groups mostly hit security forces, Baloch
# separatists also Chinese/CPEC targets (FACTS.md s4, Azm-e-Istehkam's focus), sectarian groups civilians.
TARGET_MIX = np.array([
    [0.60, 0.20, 0.15, 0.05],
    [0.50, 0.20, 0.10, 0.20],
    [0.10, 0.80, 0.05, 0.05],
])
# Relative lethality by target (assumption); rescaled at start so the mean matches PICSS 2022-2024 per attack.
TARGET_LETHALITY = np.array([1.0, 1.2, 0.8, 1.5])

# Affiliation mix of the cells seeded in each region (assumption, FACTS.md s1 and s4 for who is active where).
AFFILIATION_MIX_BY_REGION = {
    "Punjab": (0.5, 0.0, 0.5),
    "Sindh": (0.4, 0.3, 0.3),
    "KP (settled districts)": (0.9, 0.0, 0.1),
    "Merged districts": (0.9, 0.0, 0.1),
    "Balochistan": (0.3, 0.7, 0.0),
    "ICT": (1.0, 0.0, 0.0),
    "Gilgit-Baltistan": (0.5, 0.0, 0.5),
    "AJK": (1.0, 0.0, 0.0),
}
# Borders across which each affiliation finds sanctuary (FACTS.md s4 for the TTP; the separatist case is assumed).
SANCTUARY_BORDERS = {
    "religious_nationalist": ("afghanistan",),
    "separatist": ("afghanistan", "iran"),
    "sectarian": (),
}


def _column(name: str) -> property:
    """A column of the table: a view of the first ``len(table)`` rows of its buffer; assigning writes into it."""

    def get(self: CellTable) -> np.ndarray:
        return self.buffers[name][: self.n]

    def set_(self: CellTable, values) -> None:
        self.buffers[name][: self.n] = values

    return property(get, set_)


class CellTable:
    """The state of all militant cells, one row per cell, in creation order.

    Columns live in buffers with room to spare (the kernels append rows into them; :meth:`reserve` grows them by
    doubling before a month starts), and each column attribute is a view of the rows in use.

    Attributes:
        members, district, affiliation, resources, dormant, in_sanctuary: the columns (see :class:`MilitantCell`).
        n: rows in use.
        buffers: the columns' buffers, by name.
        agents: the agent of each row (in step with the rows at the end of every month, :meth:`settle`); empty in a
            table built with ``agents=False``.
        keeps_agents: whether the rows have agents. A run whose caller keeps only the recorded outputs (a
            calibration candidate) builds none: the processes read and write the table alone, so the outputs are the
            same bit for bit, and founding, moving and dissolving agents (Mesa's registration of each) is 13-19% of
            such a run's cost.
    """

    COLUMNS = (("members", np.int64), ("district", np.int64), ("affiliation", np.int64),
               ("resources", np.float64), ("dormant", np.bool_), ("in_sanctuary", np.bool_))
    members = _column("members")
    district = _column("district")
    affiliation = _column("affiliation")
    resources = _column("resources")
    dormant = _column("dormant")
    in_sanctuary = _column("in_sanctuary")

    def __init__(self, capacity: int = 512, agents: bool = True) -> None:
        self.keeps_agents = agents
        self.buffers = {name: np.zeros(capacity, dtype=dtype) for name, dtype in self.COLUMNS}
        self.n = 0
        self.agents: list[MilitantCell] = []
        self._moved: list[np.ndarray] = []
        self._rows: dict[int, int] | None = None

    def __len__(self) -> int:
        return self.n

    @property
    def capacity(self) -> int:
        """Rows the buffers hold."""
        return len(self.buffers["members"])

    def reserve(self, rows: int) -> None:
        """Make room for at least ``rows`` rows beyond those in use (doubling the buffers as needed)."""
        needed = self.n + rows
        if needed <= self.capacity:
            return
        size = self.capacity
        while size < needed:
            size *= 2
        for name, buffer in self.buffers.items():
            grown = np.zeros(size, dtype=buffer.dtype)
            grown[: self.n] = buffer[: self.n]
            self.buffers[name] = grown

    def columns(self) -> tuple[np.ndarray, ...]:
        """The six buffers, in the order kernels take them."""
        b = self.buffers
        return b["members"], b["district"], b["affiliation"], b["resources"], b["dormant"], b["in_sanctuary"]

    def append(self, members: int, district: int, affiliation: int, resources: float, dormant: bool = False,
               in_sanctuary: bool = False) -> int:
        """Add one row (at set-up; kernels append in bulk) and return its index."""
        self.reserve(1)
        row = self.n
        for name, value in (("members", members), ("district", district), ("affiliation", affiliation),
                            ("resources", resources), ("dormant", dormant), ("in_sanctuary", in_sanctuary)):
            self.buffers[name][row] = value
        self.n += 1
        return row

    def append_rows(self, members, district, affiliation, resources: float) -> None:
        """Add rows at once (at set-up): active cells inside the country, each with ``resources``."""
        count = len(members)
        self.reserve(count)
        rows = slice(self.n, self.n + count)
        b = self.buffers
        b["members"][rows], b["district"][rows], b["affiliation"][rows] = members, district, affiliation
        b["resources"][rows], b["dormant"][rows], b["in_sanctuary"][rows] = resources, False, False
        self.n += count

    def extend(self, rows: int) -> None:
        """A kernel appended rows: ``rows`` are in use now (their agents come at :meth:`settle`)."""
        self.n = rows

    def note_moved(self, moved: np.ndarray) -> None:
        """A process moved the cells of these rows to another district (their agents move at :meth:`settle`)."""
        if moved.size:
            self._moved.append(moved)

    def settle(self, model: CTModel, position: np.ndarray | None = None, rows: int | None = None) -> None:
        """Bring the agents in step with the table once a month's processes are done: the agents of dissolved cells
        leave the model and the network, moved cells' agents move, and every new row that remained gets its agent,
        in its district. ``position``: each of the month's rows' place in the compacted table (-1: dissolved; the
        table already compacted, in order); None: no row dissolved. ``rows``: the rows that remain, when the caller
        knows (else counted from ``position``).

        The processes of a month work on the table alone (kernels add, move, merge and empty rows), so a cell
        founded and dissolved within one month never becomes an agent, and each agent moves at most once a month.
        """
        if position is not None:
            self.n = int(np.count_nonzero(position >= 0)) if rows is None else rows
        if not self.keeps_agents:
            self._moved.clear()
            return
        agents, had = self.agents, len(self.agents)
        survivors, kept_old = agents, had
        if position is not None:
            old_keep = position[:had] >= 0
            kept_old = int(np.count_nonzero(old_keep))
            if kept_old < had:
                for row in np.flatnonzero(~old_keep).tolist():
                    agents[row].remove()
                survivors = list(compress(agents, old_keep.tolist()))
        district = self.buffers["district"]
        if self._moved:
            moved = self._moved[0] if len(self._moved) == 1 else np.concatenate(self._moved)
            self._moved.clear()
            for old in dict.fromkeys(moved.tolist()):
                now = old if position is None else int(position[old])
                if old >= had or now < 0:
                    continue  # a new row (its agent starts where it is) or a dissolved one
                place = model.grid[int(district[now])]
                if agents[old].cell is not place:
                    agents[old].move_to(place)
        # the new rows that remained follow the old ones, in order
        for d in district[kept_old:self.n].tolist():
            survivors.append(MilitantCell(model, self, d))
        self.agents = survivors
        self._rows = None

    def row_of(self, agent: MilitantCell) -> int:
        """The table row of a cell agent (its place changes as dissolved rows are compacted away)."""
        if self._rows is None:
            self._rows = {id(a): row for row, a in enumerate(self.agents)}
        try:
            return self._rows[id(agent)]
        except KeyError:
            raise LookupError(f"militant cell {agent.unique_id} has dissolved: it has no row in the cell "
                              "table") from None

    def snapshot(self) -> dict[str, np.ndarray]:
        """A copy of the rows in use (tests compare tables with it)."""
        return {name: self.buffers[name][: self.n].copy() for name, _ in self.COLUMNS}


def _field(name: str, cast: type, doc: str) -> property:
    def get(self: MilitantCell):
        return cast(self.table.buffers[name][self.row])

    def set_(self: MilitantCell, value) -> None:
        self.table.buffers[name][self.row] = value

    return property(get, set_, doc=doc)


class MilitantCell(CellAgent):
    """A militant cell: an agent on the district network whose state is a row of the model's :class:`CellTable`.

    Attributes:
        members: active members (dormant and sanctuary cells included).
        district: index of the district whose network cell it stands in (always ``cell.coordinate``).
        affiliation: index into :data:`AFFILIATIONS`.
        resources: attack units in hand (an attack costs one).
        dormant: a dormant cell neither attacks nor recruits and is harder to find.
        in_sanctuary: across the border, out of reach of operations.
    """

    model: CTModel
    members = _field("members", int, "active members")
    affiliation = _field("affiliation", int, "affiliation index")
    resources = _field("resources", float, "attack units in hand")
    dormant = _field("dormant", bool, "dormant: no attacks, no recruiting, harder to find")
    in_sanctuary = _field("in_sanctuary", bool, "across the border, out of reach of operations")

    def __init__(self, model: CTModel, table: CellTable, district: int) -> None:
        super().__init__(model)
        self.table = table
        self.move_to(model.grid[district])

    @property
    def row(self) -> int:
        """Its row in the cell table."""
        return self.table.row_of(self)

    @property
    def district(self) -> int:
        """Index of the district whose network cell it stands in (the lifecycle moves cells, nothing else)."""
        return int(self.table.buffers["district"][self.row])

    @property
    def affiliation_name(self) -> str:
        """Affiliation as a word."""
        return AFFILIATIONS[self.affiliation]

    def __repr__(self) -> str:
        if id(self) not in {id(a) for a in self.table.agents}:
            return f"MilitantCell({self.unique_id}, dissolved)"
        where = "sanctuary" if self.in_sanctuary else "inside"
        return (f"MilitantCell({self.unique_id}, {self.affiliation_name}, district={self.district}, "
                f"members={self.members}, {where}{', dormant' if self.dormant else ''})")
