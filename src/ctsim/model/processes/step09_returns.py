"""Process 9 of the month: released and surrendered militants who return to militancy rejoin a cell in their
district (one chosen at random), or start one where there is none.

Writes ``cells`` (members; new cells).
"""

from __future__ import annotations

import numpy as np

from ctsim.compiling import kernel
from ctsim.model.compiled import Streams, pick
from ctsim.model.state import State


def place_returning(s: State, streams: Streams, returned: np.ndarray) -> int:
    """Place the returned persons (by district); return the rows of the cell table in use (new cells last)."""
    return returns_kernel(streams, returned, *s.cells.columns(), s.cells.n, s.affiliation_mix_cumulative, s.region)


@kernel
def returns_kernel(streams, returned, members, district, affiliation, resources, dormant, in_sanctuary, n_cells,
                   mix_cumulative, region):
    rng = streams.justice
    n = returned.size
    count = np.zeros(n, dtype=np.int64)
    for c in range(n_cells):
        count[district[c]] += 1
    rows = n_cells
    for d in range(n):
        if returned[d] == 0:
            continue
        if count[d] > 0:
            chosen = rng.integers(0, count[d])  # the district's rows in ascending order
            for c in range(n_cells):
                if district[c] == d:
                    if chosen == 0:
                        members[c] += returned[d]
                        break
                    chosen -= 1
        else:
            members[rows], district[rows] = returned[d], d
            affiliation[rows] = pick(rng, mix_cumulative[region[d]])
            resources[rows], dormant[rows], in_sanctuary[rows] = 0.0, False, False
            rows += 1
    return rows
