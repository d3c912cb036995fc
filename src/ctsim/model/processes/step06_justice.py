"""Process 6 of the month: the justice pipeline (prosecution, conviction or release), rehabilitation, surrender and
disengagement from cells.

Arrested militants wait in a queue by district and months waited. Each month the oldest cases are decided first, up
to the national prosecution capacity; cases that reach the pre-trial limit undecided are released without trial.
Deradicalisation is a programme with places (``rehabilitation_places_per_year`` at full programme): it reaches
people in custody before their release, then, with the places left, members of active cells who accept a surrender
offer. Graduates return to militancy at ``rehabilitation_relapse`` instead of ``return_rate_released``; surrendered
members leave their cells (those who relapse are among the returned, placed in cells by process 9). It does not act
on the sympathiser pool.

Writes ``queue`` and ``cells`` (members who disengage or surrender).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ctsim.compiling import kernel
from ctsim.model.compiled import Streams, take_without_replacement
from ctsim.model.state import Parameters, State

PARAMS = ("conviction_rate", "return_rate_released", "rehabilitation_relapse", "disengagement_rate",
          "surrender_rate_full")
CONVICTION, RETURN, RELAPSE, DISENGAGEMENT, SURRENDER = range(len(PARAMS))


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
        returned: released or surrendered persons who return to militancy (placed in cells by process 9).
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


def prosecute(s: State, p: Parameters, streams: Streams, arrests: np.ndarray) -> Trials:
    """Arrests enter the prosecution queue; cases are decided within capacity; the released go through
    rehabilitation as places allow, and some return; members disengage from cells or surrender into the places
    left."""
    derad = s.programmes.level("deradicalisation")
    capacity = p["prosecution_capacity_cases"] * s.programmes.level("prosecution_capacity")
    places = derad * p["rehabilitation_places_per_year"] / 12.0
    members, district, _, _, dormant, in_sanctuary = s.cells.columns()
    result = prosecute_kernel(streams, p.vector(PARAMS), s.queue, arrests, capacity, places, derad, members, district,
                              dormant, in_sanctuary, s.cells.n)
    return Trials(*result[:7], disengaged=int(result[7]))


@kernel
def allocate_places(rng, candidates, places):
    """Share ``places`` (a whole number, or a fraction drawn as a chance of one more) among the candidates of each
    district: everyone when there are enough, otherwise a draw without replacement. Returns persons by district."""
    whole = int(places)
    if places > whole and rng.random() < places - whole:
        whole += 1
    total = candidates.sum()
    taken = np.zeros(candidates.size, dtype=np.int64)
    if whole >= total:
        taken[:] = candidates
    elif whole > 0:
        take_without_replacement(rng, candidates, whole, taken)
    return taken


@kernel
def prosecute_kernel(streams, q, queue, arrests, capacity, places, derad, members, district, dormant, in_sanctuary,
                     n_cells):
    rng = streams.justice
    n, months = queue.shape
    for d in range(n):
        for w in range(months - 1, 0, -1):
            queue[d, w] = queue[d, w - 1]
        queue[d, 0] = arrests[d]
    decided = np.zeros(n, dtype=np.int64)
    budget = int(capacity) + int(rng.random() < capacity - int(capacity))
    take = np.empty(n, dtype=np.int64)
    for w in range(months - 1, -1, -1):  # oldest cases first
        waiting = queue[:, w].sum()
        if budget <= 0 or waiting == 0:
            continue
        if waiting <= budget:
            take[:] = queue[:, w]
        else:
            take_without_replacement(rng, queue[:, w].copy(), budget, take)
        for d in range(n):
            queue[d, w] -= take[d]
            decided[d] += take[d]
        budget -= take.sum()
    released_untried = queue[:, months - 1].copy()
    queue[:, months - 1] = 0
    convicted = np.empty(n, dtype=np.int64)
    for d in range(n):
        convicted[d] = rng.binomial(decided[d], q[CONVICTION])
    released = decided - convicted + released_untried
    rehabilitated = allocate_places(rng, released, places)
    returned = np.empty(n, dtype=np.int64)
    for d in range(n):
        returned[d] = rng.binomial(released[d] - rehabilitated[d], q[RETURN])
    for d in range(n):
        returned[d] += rng.binomial(rehabilitated[d], q[RELAPSE])
    disengaged = 0
    for c in range(n_cells):
        leaving = rng.binomial(members[c], q[DISENGAGEMENT])
        members[c] -= leaving
        disengaged += leaving
    surrendered = np.zeros(n, dtype=np.int64)
    # Places left once everyone released from custody has one (a fractional place drawn for custody is used up).
    served = rehabilitated.sum()
    left = places - served if served == released.sum() else 0.0
    if derad > 0.0 and left > 0.0:
        # Surrender offers reach active members (not in sanctuary); takers fill the places left.
        willing = np.zeros(n_cells, dtype=np.int64)
        chance = min(1.0, q[SURRENDER] * derad)
        for c in range(n_cells):
            offered = 0 if (dormant[c] or in_sanctuary[c]) else members[c]
            willing[c] = rng.binomial(offered, chance)
        taking = allocate_places(rng, willing, left)
        for c in range(n_cells):
            members[c] -= taking[c]
            surrendered[district[c]] += taking[c]
            disengaged += taking[c]
        for d in range(n):
            returned[d] += rng.binomial(surrendered[d], q[RELAPSE])
    return decided, convicted, released, released_untried, rehabilitated, surrendered, returned, disengaged
