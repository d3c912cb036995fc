"""Process 4 of the month: recruitment of sympathisers into cells, and fighters arriving from sanctuary in
Afghanistan.

Recruitment is limited by the supply of sympathisers: the cells of a district reach a share of its pool that grows
with their numbers and saturates. It is limited too by safe space: a district can hide, feed and lead only so many
militants (``safe_space_capacity`` per 100,000 youth, scaled by its sympathy), and recruitment slows logistically as
its militants approach that room. Fighters also arrive from sanctuary in Afghanistan and rejoin TTP-aligned cells
(:func:`arrive`), a flow from outside the districts' pools.

Writes ``sympathisers`` and ``cells`` (members; a new cell when fighters arrive where the TTP has none).
"""

from __future__ import annotations

import numpy as np

from ctsim.compiling import kernel
from ctsim.model.compiled import Streams, multinomial, take_without_replacement
from ctsim.model.militants import TTP
from ctsim.model.processes.step03_radicalisation import militants_by_district
from ctsim.model.processes.step07_attacks import raid_factor, sanctuary_reach
from ctsim.model.state import Parameters, State

PARAMS = ("sanctuary_raid_factor", "recruit_reach", "recruit_half_militants", "safe_space_capacity",
          "sympathy_floor", "room_denial")
RAID, REACH, HALF, SAFE_SPACE, FLOOR, DENIAL = range(len(PARAMS))


def recruit(s: State, p: Parameters, streams: Streams) -> np.ndarray:
    """Cells take recruits from their district's sympathiser pool; return the recruits (district x stratum)."""
    members, district, _, _, dormant, in_sanctuary = s.cells.columns()
    q = p.vector(PARAMS).copy()
    q[RAID] = raid_factor(s, p)  # cells in sanctuary recruit as far as the sanctuary lets them
    return recruit_kernel(streams, q, members, district, dormant, in_sanctuary, s.cells.n, s.sympathisers, s.youth,
                          s.support, s.denied)


def arrive(s: State, p: Parameters, streams: Streams) -> tuple[np.ndarray, int]:
    """Fighters arriving from the militants' safe havens rejoin TTP-aligned cells; return the arrivals by district
    and the rows of the cell table in use (a new cell is its last row).

    Since August 2021 the TTP has had freedom of movement and sanctuary across the border (FACTS.md s4), and the UN
    Monitoring Team counts its Pakistani fighters there in thousands (FACTS.md s5.8); before Zarb-e-Azb the tribal
    strongholds played that part inside the country (an assumption). ``cross_border_inflow`` fighters a month (a
    Poisson draw) come, as far as the havens send them (:func:`ctsim.model.processes.step07_attacks.sanctuary_reach`:
    fewer as border management closes the border, few while Kabul was hostile and the strongholds were cleared), and
    rejoin the organisation where it operates: each joins a TTP-aligned cell chosen in proportion to its members (a
    new cell in a district on the Afghan border where there is none). A constant inflow against attrition adds a
    bounded stock, not a growing one.
    """
    mean = p["cross_border_inflow"] * sanctuary_reach(s, p)
    return arrive_kernel(streams, mean, *s.cells.columns(), s.cells.n, s.sanctuary_border[TTP])


@kernel
def recruit_kernel(streams, q, members, district, dormant, in_sanctuary, n_cells, sympathisers, youth, support,
                   denied):
    rng = streams.recruitment
    n, strata = sympathisers.shape
    pool = np.zeros(n, dtype=np.int64)
    for d in range(n):
        pool[d] = sympathisers[d].sum()
    # The cells of a district reach a share of its sympathiser pool that grows with their numbers and saturates at
    # recruit_reach: recruitment is limited by the supply of sympathisers, so militancy has a carrying capacity set
    # by radicalisation. Each cell takes its part in proportion to its members.
    active = np.empty(n_cells)
    reaching = np.zeros(n)
    for c in range(n_cells):
        activity = 0.0 if dormant[c] else (q[RAID] if in_sanctuary[c] else 1.0)
        active[c] = members[c] * activity
        reaching[district[c]] += active[c]
    militants = militants_by_district(members, district, n_cells, n)
    per_member = np.empty(n)
    for d in range(n):
        room = max(q[SAFE_SPACE] * youth[d].sum() / 1e5 * (q[FLOOR] + (1.0 - q[FLOOR]) * support[d])
                   * np.exp(-q[DENIAL] * denied[d]), 1e-9)
        per_member[d] = q[REACH] * pool[d] / (reaching[d] + q[HALF]) * max(1.0 - militants[d] / room, 0.0)
    demand = np.empty(n_cells, dtype=np.int64)
    wanted = np.zeros(n, dtype=np.int64)
    for c in range(n_cells):
        demand[c] = rng.poisson(per_member[district[c]] * active[c])
        wanted[district[c]] += demand[c]
    for d in range(n):  # rare: more demand than sympathisers; trim the last cells of the district
        if wanted[d] > pool[d]:
            excess = wanted[d] - pool[d]
            for c in range(n_cells - 1, -1, -1):
                if district[c] == d and excess > 0:
                    cut = min(excess, demand[c])
                    demand[c] -= cut
                    excess -= cut
            wanted[d] = pool[d]
    taken = np.zeros((n, strata), dtype=np.int64)
    for d in range(n):
        if wanted[d] > 0:
            take_without_replacement(rng, sympathisers[d], wanted[d], taken[d])
            for k in range(strata):
                sympathisers[d, k] -= taken[d, k]
    for c in range(n_cells):
        members[c] += demand[c]
    return taken


@kernel
def arrive_kernel(streams, mean, members, district, affiliation, resources, dormant, in_sanctuary, n_cells,
                  ttp_border):
    rng = streams.arrivals
    arrivals = np.zeros(ttp_border.size, dtype=np.int64)
    total = rng.poisson(mean)
    if total == 0:
        return arrivals, n_cells
    hosts = np.flatnonzero(affiliation[:n_cells] == TTP)
    weight = 0.0
    for c in hosts:
        weight += members[c]
    if weight > 0:
        p = np.empty(hosts.size)
        for i in range(hosts.size):
            p[i] = members[hosts[i]] / weight
        joined = np.zeros(hosts.size, dtype=np.int64)
        multinomial(rng, total, p, joined)
        for i in range(hosts.size):
            members[hosts[i]] += joined[i]
            arrivals[district[hosts[i]]] += joined[i]
        return arrivals, n_cells
    places = np.flatnonzero(ttp_border)
    where = places[rng.integers(0, places.size)]
    members[n_cells], district[n_cells], affiliation[n_cells] = total, where, TTP
    resources[n_cells], dormant[n_cells], in_sanctuary[n_cells] = 0.0, False, False
    arrivals[where] += total
    return arrivals, n_cells + 1
