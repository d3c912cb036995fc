"""Process 6 of the month: the justice pipeline (prosecution, conviction or release), return of released
militants to cells, and disengagement from cells.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ctsim.model.militants import (
    AFFILIATION_MIX_BY_REGION,
    AFFILIATIONS,
    MilitantCell,
)

if TYPE_CHECKING:
    from ctsim.model.core import CTModel


@dataclass
class Trials:
    """What the justice pipeline did this month, by district (persons), and the members who left cells.

    Attributes:
        decided: cases decided by the courts.
        convicted: convictions.
        released: acquitted or released without trial.
        released_untried: released because the pre-trial limit ran out.
        returned: released persons who return to militancy (placed later in the month).
        disengaged: members who left cells (disengagement and deradicalisation programmes), in all.
    """

    decided: np.ndarray
    convicted: np.ndarray
    released: np.ndarray
    released_untried: np.ndarray
    returned: np.ndarray
    disengaged: int


def prosecute(model: CTModel, arrests: np.ndarray) -> Trials:
    """Arrests enter the prosecution queue; cases are decided within capacity; some of the released return; members
    disengage from cells."""
    rng, p, cols = model.streams["justice"], model.p, model.cell_table
    derad = model.programmes.level("deradicalisation")
    capacity = p["prosecution_capacity_cases"] * model.programmes.level("prosecution_capacity")
    return_rate = p["return_rate_released"] * (1.0 - p["effect_deradicalisation_return_cut"] * derad)
    result = model.justice.step(rng, arrests, capacity, return_rate)
    leaving = rng.binomial(cols.members, min(1.0, p["disengagement_rate"] + p["effect_deradicalisation_member_exit"]
                                             * derad))
    cols.members -= leaving
    return Trials(**result, disengaged=int(leaving.sum()))


def place_returning(model: CTModel, returned: np.ndarray) -> None:
    """Released militants who return join a cell in their district (one chosen at random), or start one."""
    rng, cols = model.streams["justice"], model.cell_table
    districts = np.flatnonzero(returned)
    if not len(districts):
        return
    order = np.argsort(cols.district, kind="stable")
    counts = np.bincount(cols.district, minlength=model.n_districts)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    for d in districts.tolist():
        if counts[d]:  # the district's rows in ascending order, as np.flatnonzero would list them
            cols.members[order[starts[d] + int(rng.integers(counts[d]))]] += int(returned[d])
        else:
            affiliation = rng.choice(len(AFFILIATIONS), p=AFFILIATION_MIX_BY_REGION[model.region_names[d]])
            MilitantCell(model, int(d), int(affiliation), int(returned[d]), 0.0)
