"""Process 6 of the month: the justice pipeline (prosecution, conviction or release), rehabilitation, return of
released militants to cells, surrender and disengagement from cells.

Deradicalisation is a programme with places (``rehabilitation_places_per_year`` at full programme): it reaches
people in custody before their release, then, with the places left, members of active cells who accept a surrender
offer. Graduates return to militancy at ``rehabilitation_relapse`` instead of ``return_rate_released``; surrendered
members leave their cells (those who relapse are among the returned). It does not act on the sympathiser pool.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ctsim.model.institutions import allocate_places
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
        rehabilitated: released persons who went through a rehabilitation programme in custody.
        surrendered: members of cells who surrendered into a programme.
        returned: released or surrendered persons who return to militancy (placed later in the month).
        disengaged: members who left cells (on their own or by surrender), in all.
    """

    decided: np.ndarray
    convicted: np.ndarray
    released: np.ndarray
    released_untried: np.ndarray
    rehabilitated: np.ndarray
    surrendered: np.ndarray
    returned: np.ndarray
    disengaged: int


def prosecute(model: CTModel, arrests: np.ndarray) -> Trials:
    """Arrests enter the prosecution queue; cases are decided within capacity; the released go through
    rehabilitation as places allow, and some return; members disengage from cells or surrender into the places
    left."""
    rng, p, cols = model.streams["justice"], model.p, model.cell_table
    derad = model.programmes.level("deradicalisation")
    capacity = p["prosecution_capacity_cases"] * model.programmes.level("prosecution_capacity")
    places = derad * p["rehabilitation_places_per_year"] / 12.0
    result = model.justice.step(rng, arrests, capacity, p["return_rate_released"], places,
                                p["rehabilitation_relapse"])
    leaving = rng.binomial(cols.members, p["disengagement_rate"])
    cols.members -= leaving
    surrendered = np.zeros(model.n_districts, dtype=np.int64)
    # Places left once everyone released from custody has one (a fractional place drawn for custody is used up).
    served = int(result["rehabilitated"].sum())
    left = places - served if served == int(result["released"].sum()) else 0.0
    if derad > 0.0 and left > 0.0:
        # Surrender offers reach active members (not in sanctuary); takers fill the places left.
        offered = np.where(cols.dormant | cols.in_sanctuary, 0, cols.members)
        willing = rng.binomial(offered, min(1.0, p["surrender_rate_full"] * derad))
        taking = allocate_places(rng, willing, left)
        cols.members -= taking
        np.add.at(surrendered, cols.district, taking)
        result["returned"] = result["returned"] + rng.binomial(surrendered, p["rehabilitation_relapse"])
    return Trials(**result, surrendered=surrendered, disengaged=int(leaving.sum() + surrendered.sum()))


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
