"""District agents and their police forces: Mesa agents fixed to the cells of the district network.

The state that changes month by month (legitimacy, fear, sympathisers, youth strata) is declared in
:mod:`ctsim.model.state` and updated for all districts at once; each agent reads its own row, so code and people can
ask a district about itself while the monthly update stays vectorised.
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
        index: row of this district in the state's arrays (also its network node).
        district_id: snake_case identifier from the district table.
        name: district name.
        region: one of :data:`ctsim.data.REGIONS`.
        border: ``afghanistan``, ``iran``, ``india_loc`` or ``none``.
        merged: True for the merged (ex-FATA) districts.
    """

    model: CTModel

    def __init__(self, model: CTModel, index: int, row: tuple) -> None:
        super().__init__(model)
        self.index = index
        self.district_id, self.name, self.region, self.border, merged = row
        self.merged = bool(merged)
        self.cell = model.grid[index]

    @property
    def population(self) -> float:
        """Population 2023 (census; filled where flagged in the data)."""
        return float(self.model.state.population[self.index])

    @property
    def legitimacy(self) -> float:
        """State legitimacy, 0-1."""
        return float(self.model.state.legitimacy[self.index])

    @property
    def fear(self) -> float:
        """Fear from recent attacks (0 = none)."""
        return float(self.model.state.fear[self.index])

    @property
    def administrative_capacity(self) -> float:
        """Administrative capacity index, 0-1."""
        return float(self.model.state.admin_capacity[self.index])

    @property
    def sympathisers(self) -> int:
        """Size of the sympathiser pool (all strata)."""
        return int(self.model.state.sympathisers[self.index].sum())

    @property
    def youth_by_stratum(self) -> np.ndarray:
        """Youth counts in the 24 strata (see :mod:`ctsim.model.population`)."""
        return self.model.state.youth[self.index].copy()

    @property
    def militants(self) -> int:
        """Members of the militant cells located here (including dormant cells and cells in sanctuary)."""
        cells = self.model.state.cells
        return int(cells.members[cells.district == self.index].sum())

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
        return float(self.model.state.police_weight)

    @property
    def monthly_cost(self) -> float:
        """Cost per month, in rupees (FY2024-25 prices)."""
        return self.strength * self.model.p["cost_weight_police"]
