"""Militant cells: Mesa agents that move on the district network, and the column view the model updates at once.

A cell has an affiliation, members, resources, and a place: the district cell it stands in, possibly across the
Afghan or Iranian border in sanctuary (it then stays attached to the border district it slipped out of). Its
lifecycle: recruit, attack, move, split, go dormant, be disrupted, dissolve. The monthly arithmetic over all cells is
done on numpy columns (:class:`CellColumns`); lifecycle events that change the agents themselves are methods here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from mesa.discrete_space import CellAgent

if TYPE_CHECKING:
    from ctsim.model import CTModel

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
# Relative lethality by target (assumption); rescaled at start so the mean matches PICSS 2023 per attack.
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


class MilitantCell(CellAgent):
    """A militant cell.

    Attributes:
        affiliation: index into :data:`AFFILIATIONS`.
        district: index of the district whose network cell it stands in (kept equal to ``cell.coordinate``).
        members: active members (dormant and sanctuary cells included).
        resources: attack units in hand (an attack costs one).
        dormant: a dormant cell neither attacks nor recruits and is harder to find.
        in_sanctuary: across the border, out of reach of operations.
    """

    model: CTModel

    def __init__(self, model: CTModel, district: int, affiliation: int, members: int, resources: float) -> None:
        super().__init__(model)
        self.affiliation = int(affiliation)
        self.members = int(members)
        self.resources = float(resources)
        self.dormant = False
        self.in_sanctuary = False
        self.district = int(district)
        self.move_to(model.grid[district])

    @property
    def affiliation_name(self) -> str:
        """Affiliation as a word."""
        return AFFILIATIONS[self.affiliation]

    def move_to_district(self, district: int) -> None:
        """Move to another district (an adjacent one, in the model's use)."""
        self.district = int(district)
        self.move_to(self.model.grid[district])

    def split(self, district: int) -> MilitantCell:
        """Split off half the members (and half the resources) into a new cell in ``district``; it shares the
        parent's dormancy, and its sanctuary if it stays attached to the same border district."""
        leaving = self.members // 2
        self.members -= leaving
        self.resources /= 2.0
        child = MilitantCell(self.model, district, self.affiliation, leaving, self.resources)
        child.dormant = self.dormant
        child.in_sanctuary = self.in_sanctuary and district == self.district
        return child

    def dissolve(self) -> None:
        """Remove the cell from the model and its district."""
        self.remove()

    def __repr__(self) -> str:
        where = "sanctuary" if self.in_sanctuary else "inside"
        return (f"MilitantCell({self.unique_id}, {self.affiliation_name}, district={self.district}, "
                f"members={self.members}, {where}{', dormant' if self.dormant else ''})")


@dataclass
class CellColumns:
    """Columns of all cells in the model's list order: gathered at the end of a month, updated at once through the
    next month, and written back to the agents in the lifecycle step."""

    members: np.ndarray
    district: np.ndarray
    affiliation: np.ndarray
    resources: np.ndarray
    dormant: np.ndarray
    in_sanctuary: np.ndarray

    @classmethod
    def gather(cls, cells: list[MilitantCell]) -> CellColumns:
        """Read the columns from the agents."""
        n = len(cells)
        return cls(
            members=np.fromiter((c.members for c in cells), np.int64, n),
            district=np.fromiter((c.district for c in cells), np.int64, n),
            affiliation=np.fromiter((c.affiliation for c in cells), np.int64, n),
            resources=np.fromiter((c.resources for c in cells), np.float64, n),
            dormant=np.fromiter((c.dormant for c in cells), bool, n),
            in_sanctuary=np.fromiter((c.in_sanctuary for c in cells), bool, n),
        )
