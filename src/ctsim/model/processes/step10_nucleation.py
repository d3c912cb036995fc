"""Process 10 of the month: new cells where sympathisers gather with no cell. New cells must form under the state's
eyes: the stronger the forces' reach in a district, the less often sympathisers there found one.

Writes ``sympathisers`` and ``cells`` (new cells).
"""

from __future__ import annotations

import numpy as np

from ctsim.compiling import kernel
from ctsim.model.compiled import Streams, pick, take_without_replacement
from ctsim.model.state import Parameters, State

PARAMS = ("nucleus_size", "nucleation_rate", "nucleation_deterrence")
SIZE, RATE, DETERRENCE = range(len(PARAMS))


def nucleate(s: State, p: Parameters, streams: Streams) -> tuple[np.ndarray, int]:
    """Sympathisers in a district with no cell may form one; return its members (district x stratum) and the rows of
    the cell table in use (new cells last)."""
    return nucleate_kernel(streams, p.vector(PARAMS), s.sympathisers, s.reach, *s.cells.columns(), s.cells.n,
                           s.affiliation_mix_cumulative, s.region)


@kernel
def nucleate_kernel(streams, q, sympathisers, reach, members, district, affiliation, resources, dormant,
                    in_sanctuary, n_cells, mix_cumulative, region):
    rng = streams.recruitment
    n, strata = sympathisers.shape
    occupied = np.zeros(n, dtype=np.bool_)
    for c in range(n_cells):
        occupied[district[c]] = True
    size = int(q[SIZE])
    forming = np.zeros(n, dtype=np.bool_)
    for d in range(n):
        pool = sympathisers[d].sum()
        chance = (1.0 - np.exp(-q[RATE] * pool)) * (1.0 - q[DETERRENCE] * reach[d])
        forming[d] = rng.random() < chance and not occupied[d] and pool >= size
    taken = np.zeros((n, strata), dtype=np.int64)
    rows = n_cells
    for d in range(n):
        if not forming[d]:
            continue
        take_without_replacement(rng, sympathisers[d], size, taken[d])
        for k in range(strata):
            sympathisers[d, k] -= taken[d, k]
    for d in range(n):
        if forming[d]:
            members[rows], district[rows] = size, d
            affiliation[rows] = pick(rng, mix_cumulative[region[d]])
            resources[rows], dormant[rows], in_sanctuary[rows] = 0.0, False, False
            rows += 1
    return taken, rows
