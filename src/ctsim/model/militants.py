"""Militant cells: Mesa agents that move on the district network, with their state in shared numpy columns.

A cell has an affiliation, members, resources, and a place: the district cell it stands in, possibly across the
Afghan or Iranian border in sanctuary (it then stays attached to the border district it slipped out of). Its
lifecycle: recruit, attack, move, split, go dormant, be disrupted, dissolve.

The state of every cell lives in one row of a :class:`CellTable` (structure of arrays), so the model updates all
cells at once with numpy; each :class:`MilitantCell` agent reads and writes its own row through properties, and
carries the events that change agents (moving on the network, splitting, dissolving).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from mesa.discrete_space import CellAgent

if TYPE_CHECKING:
    from ctsim.model.core import CTModel

AFFILIATIONS = ("religious_nationalist", "separatist", "sectarian")
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


def _table_column(name: str) -> property:
    """A column of the table: a view of the first ``len(table)`` rows of its buffer; assigning writes into it."""

    def get(self: CellTable) -> np.ndarray:
        return self._buffers[name][: self._n]

    def set_(self: CellTable, values) -> None:
        self._buffers[name][: self._n] = values

    return property(get, set_)


class CellTable:
    """The state of all militant cells, one row per cell, in creation order.

    Columns live in buffers that grow by doubling, so adding a cell costs O(1) on average; each column attribute is
    a view of the rows in use.

    Attributes:
        members, district, affiliation, resources, dormant, in_sanctuary: numpy columns (see :class:`MilitantCell`).
        agents: the agent of each row.
    """

    COLUMNS = (("members", np.int64), ("district", np.int64), ("affiliation", np.int64),
               ("resources", np.float64), ("dormant", bool), ("in_sanctuary", bool))
    members = _table_column("members")
    district = _table_column("district")
    affiliation = _table_column("affiliation")
    resources = _table_column("resources")
    dormant = _table_column("dormant")
    in_sanctuary = _table_column("in_sanctuary")

    def __init__(self, capacity: int = 512) -> None:
        self._buffers = {name: np.zeros(capacity, dtype=dtype) for name, dtype in self.COLUMNS}
        self._n = 0
        self.agents: list[MilitantCell] = []

    def __len__(self) -> int:
        return self._n

    def append(self, agent: MilitantCell, **values) -> int:
        """Add a row for ``agent`` and return its index."""
        row = self._n
        if row == len(self._buffers["members"]):
            for name, buffer in self._buffers.items():
                grown = np.zeros(2 * len(buffer), dtype=buffer.dtype)
                grown[:row] = buffer
                self._buffers[name] = grown
        for name, _ in self.COLUMNS:
            self._buffers[name][row] = values[name]
        self._n += 1
        self.agents.append(agent)
        return row

    def remove_empty(self) -> int:
        """Dissolve every cell without members (its agent leaves the model and the network) and drop its row.

        Returns:
            The number of cells dissolved.
        """
        keep = self.members > 0
        if keep.all():
            return 0
        gone = np.flatnonzero(~keep)
        for row in gone.tolist():
            self.agents[row].dissolve()
        kept = int(keep.sum())
        for buffer in self._buffers.values():
            buffer[:kept] = buffer[: self._n][keep]
        self._n = kept
        self.agents = [agent for agent, k in zip(self.agents, keep.tolist(), strict=True) if k]
        for row in range(int(gone[0]), len(self.agents)):
            self.agents[row]._row = row
        return len(gone)


def _column(name: str, cast: type, doc: str) -> property:
    def get(self: MilitantCell):
        return cast(self._table._buffers[name][self._row])

    def set_(self: MilitantCell, value) -> None:
        self._table._buffers[name][self._row] = value

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
    members = _column("members", int, "active members")
    resources = _column("resources", float, "attack units in hand")
    dormant = _column("dormant", bool, "dormant: no attacks, no recruiting, harder to find")
    in_sanctuary = _column("in_sanctuary", bool, "across the border, out of reach of operations")

    def __init__(self, model: CTModel, district: int, affiliation: int, members: int, resources: float,
                 dormant: bool = False, in_sanctuary: bool = False) -> None:
        super().__init__(model)
        self._table = model.cell_table
        self._row = self._table.append(self, members=int(members), district=int(district),
                                       affiliation=int(affiliation), resources=float(resources), dormant=dormant,
                                       in_sanctuary=in_sanctuary)
        self.move_to(model.grid[district])

    @property
    def district(self) -> int:
        """Index of the district whose network cell it stands in."""
        return int(self._table._buffers["district"][self._row])

    @property
    def affiliation(self) -> int:
        """Affiliation index."""
        return int(self._table._buffers["affiliation"][self._row])

    @property
    def affiliation_name(self) -> str:
        """Affiliation as a word."""
        return AFFILIATIONS[self.affiliation]

    def move_to_district(self, district: int) -> None:
        """Move to another district (an adjacent one, in the model's use)."""
        self._table._buffers["district"][self._row] = district
        self.move_to(self.model.grid[district])

    def split(self, district: int) -> MilitantCell:
        """Split off half the members (and half the resources) into a new cell in ``district``; it shares the
        parent's dormancy, and its sanctuary if it stays attached to the same border district."""
        leaving = self.members // 2
        self.members -= leaving
        self.resources /= 2.0
        return MilitantCell(self.model, district, self.affiliation, leaving, self.resources, dormant=self.dormant,
                            in_sanctuary=self.in_sanctuary and district == self.district)

    def dissolve(self) -> None:
        """Leave the model and the network (called by :meth:`CellTable.remove_empty`)."""
        self.remove()

    def __repr__(self) -> str:
        where = "sanctuary" if self.in_sanctuary else "inside"
        return (f"MilitantCell({self.unique_id}, {self.affiliation_name}, district={self.district}, "
                f"members={self.members}, {where}{', dormant' if self.dormant else ''})")
