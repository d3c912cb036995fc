"""Process 4 of the month: recruitment of sympathisers into cells, and new cells where sympathisers gather with
no cell (the nucleation step runs late in the month, after legitimacy; see :meth:`ctsim.model.core.CTModel.step`).

Recruitment is limited by the supply of sympathisers: the cells of a district reach a share of its pool that grows
with their numbers and saturates. It is limited too by safe space: a district can hide, feed and lead only so many
militants (``safe_space_capacity`` per 100,000 youth, scaled by its sympathy), and recruitment slows logistically as
its militants approach that room. New cells must form under the state's eyes: the stronger the forces' reach in a
district, the less often sympathisers there found one. Fighters also arrive from sanctuary in Afghanistan and rejoin
TTP-aligned cells (:func:`arrive`), a flow from outside the districts' pools.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ctsim.model.militants import (
    AFFILIATION_MIX_BY_REGION,
    AFFILIATIONS,
    MilitantCell,
)
from ctsim.model.population import (
    draw_without_replacement,
)
from ctsim.model.processes.attacks import border_openness
from ctsim.model.processes.radicalisation import sympathy

if TYPE_CHECKING:
    from ctsim.model.core import CTModel


def recruit(model: CTModel) -> np.ndarray:
    """Cells take recruits from their district's sympathiser pool; return the recruits (district x stratum)."""
    rng, p, cols = model.streams["recruitment"], model.p, model.cell_table
    pool = model.sympathisers.sum(axis=1)
    # The cells of a district reach a share of its sympathiser pool that grows with their numbers and saturates
    # at recruit_reach: recruitment is limited by the supply of sympathisers, so militancy has a carrying
    # capacity set by radicalisation. Each cell takes its part in proportion to its members.
    activity = np.where(cols.dormant, 0.0, np.where(cols.in_sanctuary, p["sanctuary_raid_factor"], 1.0))
    active = cols.members * activity
    reaching = np.bincount(cols.district, active, model.n_districts)
    militants = np.bincount(cols.district, cols.members, model.n_districts)
    per_member = (p["recruit_reach"] * pool / (reaching + p["recruit_half_militants"])
                  * np.maximum(1.0 - militants / safe_space(model), 0.0))
    demand = rng.poisson(per_member[cols.district] * active)
    wanted = np.bincount(cols.district, demand, model.n_districts).astype(np.int64)
    for d in np.flatnonzero(wanted > pool):  # rare: more demand than sympathisers; trim the last cells
        excess = int(wanted[d] - pool[d])
        for i in np.flatnonzero(cols.district == d)[::-1]:
            cut = min(excess, int(demand[i]))
            demand[i] -= cut
            excess -= cut
        wanted[d] = pool[d]
    taken = draw_without_replacement(rng, model.sympathisers, wanted)
    model.sympathisers -= taken
    cols.members += demand
    return taken


def arrive(model: CTModel) -> np.ndarray:
    """Fighters arriving from sanctuary in Afghanistan rejoin TTP-aligned cells; return the arrivals by district.

    Since August 2021 the TTP has had freedom of movement and sanctuary across the border (FACTS.md s4), and the UN
    Monitoring Team counts its Pakistani fighters there in thousands (FACTS.md s5.8). ``cross_border_inflow`` fighters
    a month (a Poisson draw) come across, fewer as border management closes the sanctuary, and rejoin the organisation
    where it operates: each joins a TTP-aligned cell chosen in proportion to its members (a new cell in a district on
    the Afghan border where there is none). A constant inflow against attrition adds a bounded stock, not a growing
    one.
    """
    rng, p, cols = model.streams["arrivals"], model.p, model.cell_table
    arrivals = np.zeros(model.n_districts, dtype=np.int64)
    n = int(rng.poisson(p["cross_border_inflow"] * border_openness(model)))
    if n == 0:
        return arrivals
    ttp = AFFILIATIONS.index("religious_nationalist")
    hosts = np.flatnonzero(cols.affiliation == ttp)
    weights = cols.members[hosts].astype(float)
    if weights.sum() > 0:
        joined = rng.multinomial(n, weights / weights.sum())
        cols.members[hosts] += joined
        np.add.at(arrivals, cols.district[hosts], joined)
    else:
        d = int(rng.choice(np.flatnonzero(model.sanctuary_border[ttp])))
        MilitantCell(model, d, ttp, n, 0.0)
        arrivals[d] += n
    return arrivals


def safe_space(model: CTModel) -> np.ndarray:
    """Militants each district can hide, feed and lead: capacity per 100,000 youth, scaled by sympathy."""
    return np.maximum(model.p["safe_space_capacity"] * model.youth.sum(axis=1) / 1e5 * sympathy(model), 1e-9)


def nucleate(model: CTModel) -> np.ndarray:
    """Sympathisers in a district with no cell may form one; return its members (district x stratum)."""
    rng, p, cols = model.streams["recruitment"], model.p, model.cell_table
    occupied = np.zeros(model.n_districts, dtype=bool)
    occupied[cols.district] = True
    pool = model.sympathisers.sum(axis=1)
    size = int(p["nucleus_size"])
    chance = (1.0 - np.exp(-p["nucleation_rate"] * pool)) * (1.0 - p["nucleation_deterrence"] * model.reach)
    forming = (~occupied) & (pool >= size) & (rng.random(model.n_districts) < chance)
    n = np.where(forming, size, 0)
    if not n.any():
        return np.zeros_like(model.sympathisers)
    taken = draw_without_replacement(rng, model.sympathisers, n)
    model.sympathisers -= taken
    for d in np.flatnonzero(forming):
        affiliation = rng.choice(len(AFFILIATIONS), p=AFFILIATION_MIX_BY_REGION[model.region_names[d]])
        MilitantCell(model, int(d), int(affiliation), size, 0.0)
    return taken
