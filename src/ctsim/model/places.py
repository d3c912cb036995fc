"""District agents and their police forces: Mesa agents fixed to the cells of the district network.

State that the model updates for all districts at once (legitimacy, fear, sympathisers, youth strata) lives in
numpy arrays on :class:`ctsim.model.core.CTModel`; each agent reads its own row, so code and people can ask a district
about itself while the monthly update stays vectorised.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from mesa.discrete_space import FixedAgent

if TYPE_CHECKING:
    from ctsim.model.core import CTModel


class District(FixedAgent):
    """A district: a place with people, administration, legitimacy and fear.

    Attributes:
        index: row of this district in the model's arrays (also its network node).
        district_id: snake_case identifier from the district table.
        name: district name.
        region: one of :data:`ctsim.data.REGIONS`.
        border: ``afghanistan``, ``iran``, ``india_loc`` or ``none``.
        merged: True for the merged (ex-FATA) districts.
    """

    model: CTModel

    def __init__(self, model: CTModel, index: int, row: dict) -> None:
        super().__init__(model)
        self.index = index
        self.district_id: str = row["district_id"]
        self.name: str = row["district"]
        self.region: str = row["region"]
        self.border: str = row["border"]
        self.merged = bool(row["merged"])
        self.cell = model.grid[index]

    @property
    def population(self) -> float:
        """Population 2023 (census; filled where flagged in the data)."""
        return float(self.model.population[self.index])

    @property
    def legitimacy(self) -> float:
        """State legitimacy, 0-1."""
        return float(self.model.legitimacy[self.index])

    @property
    def fear(self) -> float:
        """Fear from recent attacks (0 = none)."""
        return float(self.model.fear[self.index])

    @property
    def administrative_capacity(self) -> float:
        """Administrative capacity index, 0-1."""
        return float(self.model.admin_capacity[self.index])

    @property
    def sympathisers(self) -> int:
        """Size of the sympathiser pool (all strata)."""
        return int(self.model.sympathisers[self.index].sum())

    @property
    def youth_by_stratum(self) -> np.ndarray:
        """Youth counts in the 24 strata (see :mod:`ctsim.model.population`)."""
        return self.model.youth[self.index].copy()

    @property
    def militants(self) -> int:
        """Members of the militant cells located here (including dormant cells and cells in sanctuary)."""
        return sum(a.members for a in self.cell.agents if isinstance(a, _cell_class()))

    def __repr__(self) -> str:
        return f"District({self.district_id}, {self.region})"


class Police(FixedAgent):
    """The police force of one district.

    Attributes:
        index: the district's row.
        strength: officers, from the region's police strength shared by population (FACTS.md s2).
    """

    model: CTModel

    def __init__(self, model: CTModel, index: int, strength: float) -> None:
        super().__init__(model)
        self.index = index
        self.strength = float(strength)
        self.cell = model.grid[index]

    @property
    def ct_weight(self) -> float:
        """Effective counterterrorism strength per officer this month."""
        return float(self.model.forces.police_weight)

    @property
    def monthly_cost(self) -> float:
        """Cost index per month (police-equivalent personnel)."""
        return self.strength * self.model.p["cost_weight_police"]


def _cell_class() -> type:
    from ctsim.model.militants import MilitantCell

    return MilitantCell
