"""Process 11 of the month: cell lifecycle: dormancy, sanctuary across the border, moves of pressed cells, splits,
remnants absorbed by a larger cell, small cells consolidating, and dissolution of empty cells.

Writes ``cells`` (dormancy, sanctuary, district, members and resources of merged cells; new rows for splits; rows of
empty cells removed).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ctsim.compiling import kernel
from ctsim.model.compiled import Streams
from ctsim.model.militants import AFFILIATIONS
from ctsim.model.processes.step07_attacks import border_openness
from ctsim.model.state import Parameters, State

PARAMS = ("reactivation_rate", "dormancy_rate", "sanctuary_entry_unpressed", "cell_move_rate_under_pressure",
          "force_density_half_saturation", "split_size", "split_stay_share", "cell_viable_size",
          "cell_consolidation_size")
(REACTIVATION, DORMANCY, ENTRY_UNPRESSED, MOVE_RATE, HALF_SATURATION, SPLIT_SIZE, STAY, VIABLE,
 CEILING) = range(len(PARAMS))
N_AFFILIATIONS = len(AFFILIATIONS)  # consolidation's groups are keyed by (district, affiliation, side of the border)


@dataclass
class CellCounts:
    """Cells at the end of the month: members by district, dormant cells, cells in sanctuary and their members, and
    all cells."""

    members_by_district: np.ndarray
    dormant: int
    in_sanctuary: int
    members_in_sanctuary: int
    cells: int


@dataclass
class Changes:
    """What the lifecycle changed in the cell table, for its agents: the rows in use after splits and the rows that
    moved district."""

    rows: int
    moved: np.ndarray


def lifecycle(s: State, p: Parameters, streams: Streams, hit: np.ndarray) -> Changes:
    """Dormancy, sanctuary and moves of pressed cells, splits, remnants absorbed and small cells consolidated (the
    caller brings the agents in step, then dissolves the empty cells with :func:`dissolve_empty`)."""
    enter = p["sanctuary_strength"] * border_openness(s, p)
    # A cell in sanctuary comes back across as the sanctuary lets it: before Kabul fell, the hostile government and
    # the drones that held cells back from raiding held them in their hideouts too (the UN Monitoring Team's
    # 6,000-6,500 Pakistani fighters in Afghanistan in July 2020, FACTS.md s5.8); since, as the sanctuary opens.
    back = p["sanctuary_return_rate"] * s.afghan_sanctuary
    move_rate = min(1.0, p["cell_move_rate_under_pressure"] * s.tempo / s.reference_tempo)
    # Cells cut off from their bases by a managed border (the fence, Afghan cooperation) lie low more often: by the
    # border management in force this month, not the programme's lagged level. A cell is cut off by the border as it
    # stands (a history's schedule ramps the lever as the fence is built) and no longer once cooperation ends.
    rates = p.vector(PARAMS).copy()
    rates[DORMANCY] *= 1.0 + p["border_dormancy"] * float(s.policy.border_management)
    rows, moved = lifecycle_kernel(
        streams, rates, enter, back, move_rate, hit, *s.cells.columns(), s.cells.n, s.sanctuary_border,
        s.adjacency_indptr, s.adjacency_index, s.effective, s.population, s.sympathisers)
    return Changes(rows, moved)


def dissolve_empty(s: State) -> tuple[np.ndarray, CellCounts]:
    """Remove the rows of cells without members (compacting the table); return where each row went (its new row,
    -1 for a dissolved cell) and the month's cell counts."""
    position, by_district, dormant, in_sanctuary, abroad, kept = compact(*s.cells.columns(), s.cells.n,
                                                                         s.population.size)
    return position, CellCounts(by_district, dormant, in_sanctuary, abroad, kept)


@kernel
def compact(members, district, affiliation, resources, dormant, in_sanctuary, n_cells, n_districts):
    """Dissolve every cell without members: move the rows that remain up, in order. Returns each row's new row (-1:
    dissolved), and the members by district, the dormant cells, the cells in sanctuary and their members, and all cells
    that remain."""
    position = np.full(n_cells, -1, dtype=np.int64)
    by_district = np.zeros(n_districts)
    n_dormant, n_sanctuary, abroad = 0, 0, 0
    kept = 0
    for c in range(n_cells):
        if members[c] > 0:
            if kept != c:
                members[kept], district[kept], affiliation[kept] = members[c], district[c], affiliation[c]
                resources[kept], dormant[kept], in_sanctuary[kept] = resources[c], dormant[c], in_sanctuary[c]
            position[c] = kept
            by_district[district[kept]] += members[kept]
            n_dormant += dormant[kept]
            n_sanctuary += in_sanctuary[kept]
            if in_sanctuary[kept]:
                abroad += members[kept]
            kept += 1
    return position, by_district, n_dormant, n_sanctuary, abroad, kept


@kernel
def absorb_remnants(members, district, affiliation, resources, n_cells, viable):
    """Cells reduced below ``viable`` members join the largest cell of the same affiliation in their district (a
    remnant cannot act alone); a remnant with no such cell carries on."""
    for row in range(n_cells):
        if members[row] == 0 or members[row] >= viable:
            continue
        target = -1
        for c in range(n_cells):  # the largest viable peer, the first in row order among equals
            if (district[c] == district[row] and affiliation[c] == affiliation[row] and members[c] >= viable
                    and (target < 0 or members[c] > members[target])):
                target = c
        if target >= 0:
            members[target] += members[row]
            resources[target] += resources[row]
            members[row] = 0


@kernel
def consolidate(members, district, affiliation, resources, in_sanctuary, n_cells, ceiling):
    """Cells of the same affiliation in a district, on the same side of the border, merge while the merged cell stays
    within ``ceiling`` members: the two smallest first (the smaller, or the earlier row among equals, joins the other,
    which keeps its dormancy), until the two smallest together would exceed it."""
    # The live cells grouped by (district, affiliation, side of the border), each group in row order: a counting
    # sort on the group's key (stable, linear in the cells).
    n_keys = 0
    n_live = 0
    for c in range(n_cells):
        if members[c] > 0:
            n_live += 1
            n_keys = max(n_keys, (district[c] * N_AFFILIATIONS + affiliation[c]) * 2 + 2)
    if n_live < 2:
        return
    starts = np.zeros(n_keys + 1, dtype=np.int64)
    for c in range(n_cells):
        if members[c] > 0:
            starts[(district[c] * N_AFFILIATIONS + affiliation[c]) * 2 + in_sanctuary[c] + 1] += 1
    for k in range(n_keys):
        starts[k + 1] += starts[k]
    order = np.empty(n_live, dtype=np.int64)
    key = np.empty(n_live, dtype=np.int64)
    for c in range(n_cells):
        if members[c] > 0:
            group_key = (district[c] * N_AFFILIATIONS + affiliation[c]) * 2 + in_sanctuary[c]
            order[starts[group_key]] = c
            key[starts[group_key]] = group_key
            starts[group_key] += 1
    scratch_rows = np.empty(n_live, dtype=np.int64)  # one buffer for every group's rows and sizes
    scratch_sizes = np.empty(n_live, dtype=members.dtype)
    start = 0
    while start < order.size:
        end = start
        while end < order.size and key[end] == key[start]:
            end += 1
        if end - start >= 2:
            group = scratch_rows[: end - start]
            sizes = scratch_sizes[: end - start]
            for i in range(end - start):
                group[i] = order[start + i]
                sizes[i] = members[group[i]]
            # Kept sorted by (members, row): the two smallest are the first two.
            for i in range(1, group.size):  # insertion sort, stable by row
                j = i
                while j > 0 and (sizes[j - 1] > sizes[j] or (sizes[j - 1] == sizes[j] and group[j - 1] > group[j])):
                    sizes[j - 1], sizes[j] = sizes[j], sizes[j - 1]
                    group[j - 1], group[j] = group[j], group[j - 1]
                    j -= 1
            first = 0
            while group.size - first >= 2 and sizes[first] + sizes[first + 1] <= ceiling:
                row, target = group[first], group[first + 1]
                sizes[first + 1] += sizes[first]
                members[target] += members[row]
                resources[target] += resources[row]
                members[row], resources[row] = 0, 0.0
                first += 1
                j = first  # the merged cell moves up to its place by (members, row)
                while j + 1 < group.size and (sizes[j] > sizes[j + 1]
                                              or (sizes[j] == sizes[j + 1] and group[j] > group[j + 1])):
                    sizes[j], sizes[j + 1] = sizes[j + 1], sizes[j]
                    group[j], group[j + 1] = group[j + 1], group[j]
                    j += 1
        start = end


@kernel
def lifecycle_kernel(streams, q, enter, back, move_rate, hit, members, district, affiliation, resources, dormant,
                     in_sanctuary, n_cells, sanctuary_border, indptr, index, effective, population, sympathisers):
    rng = streams.lifecycle
    n = n_cells
    u = np.empty((n, 5))
    for c in range(n):
        for k in range(5):
            u[c, k] = rng.random()
    alive = members[:n] > 0
    was_inside = ~in_sanctuary[:n]
    entering = np.zeros(n, dtype=np.bool_)
    for c in range(n):
        dormant[c] = u[c, 0] >= q[REACTIVATION] if dormant[c] else u[c, 0] < q[DORMANCY]
        pressed = c < hit.size and hit[c]  # cells born this month were not hit
        chance = enter * (1.0 if pressed else q[ENTRY_UNPRESSED])
        if in_sanctuary[c]:
            in_sanctuary[c] = u[c, 1] >= back
        else:
            entering[c] = sanctuary_border[affiliation[c], district[c]] and u[c, 1] < chance
            in_sanctuary[c] = entering[c]
    # Pressure displaces: a pressed cell moves more often the higher the tempo of operations, to the neighbour where
    # support is high and pressure low (sympathisers over force density).
    moved = np.empty(n, dtype=np.int64)
    n_moved = 0
    appeal = np.empty(0)
    for c in range(n):
        if not (alive[c] and was_inside[c] and not entering[c] and c < hit.size and hit[c] and u[c, 2] < move_rate):
            continue
        if appeal.size == 0:
            appeal = np.empty(population.size)
            for d in range(population.size):
                density = (effective[d, 0] + effective[d, 1] + effective[d, 2]) / population[d] * 1e5
                appeal[d] = (sympathisers[d].sum() + 1.0) / (density + q[HALF_SATURATION])
        here = district[c]
        best, best_appeal = -1, -np.inf
        for j in range(indptr[here], indptr[here + 1]):
            if appeal[index[j]] > best_appeal:
                best, best_appeal = index[j], appeal[index[j]]
        if best >= 0:
            district[c] = best
            moved[n_moved] = c
            n_moved += 1
    rows = n
    for c in range(n):  # splits: half the members and resources form a new cell, here or next door
        if not (alive[c] and members[c] > q[SPLIT_SIZE]):
            continue
        here = district[c]
        degree = indptr[here + 1] - indptr[here]
        place = here if (u[c, 3] < q[STAY] or degree == 0) else index[indptr[here] + int(u[c, 4] * degree)]
        leaving = members[c] // 2
        members[c] -= leaving
        resources[c] /= 2.0
        members[rows], district[rows], affiliation[rows] = leaving, place, affiliation[c]
        resources[rows], dormant[rows] = resources[c], dormant[c]
        in_sanctuary[rows] = in_sanctuary[c] and place == here
        rows += 1
    absorb_remnants(members, district, affiliation, resources, rows, q[VIABLE])
    consolidate(members, district, affiliation, resources, in_sanctuary, rows, q[CEILING])
    return rows, moved[:n_moved]
