"""Process 9 of the month: cell lifecycle: dormancy, sanctuary across the border, moves of pressed cells,
splits, remnants absorbed by a larger cell, small cells consolidating, and dissolution of empty cells.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ctsim.model.processes.attacks import border_openness

if TYPE_CHECKING:
    from ctsim.model.core import CTModel


@dataclass
class CellCounts:
    """Cells at the end of the month: members by district, dormant cells, cells in sanctuary."""

    members_by_district: np.ndarray
    dormant: int
    in_sanctuary: int


def group_key(table, side: bool = False) -> np.ndarray:
    """One integer per row naming the cell's group: its district and affiliation (fewer than 16 affiliations) and,
    with ``side``, whether it is across the border in sanctuary."""
    key = table.district * 16 + table.affiliation
    return key * 2 + table.in_sanctuary if side else key


def absorb_remnants(table, viable: float) -> None:
    """Cells reduced below ``viable`` members join the largest cell of the same affiliation in their district (a
    remnant cannot act alone); a remnant with no such cell carries on. Deterministic: no random draw."""
    small = np.flatnonzero((table.members > 0) & (table.members < viable))
    if not len(small):
        return
    key = group_key(table)
    for row in small.tolist():
        if table.members[row] == 0 or table.members[row] >= viable:
            continue
        peers = np.flatnonzero((key == key[row]) & (table.members >= viable))
        if len(peers):
            target = int(peers[np.argmax(table.members[peers])])
            table.members[target] += table.members[row]
            table.resources[target] += table.resources[row]
            table.members[row] = 0


def consolidate(table, ceiling: float) -> None:
    """Cells of the same affiliation in a district, on the same side of the border, merge while the merged cell stays
    within ``ceiling`` members: the two smallest first, the smaller joining the larger (it keeps the larger's dormancy),
    until the two smallest together would exceed it. Deterministic: no random draw."""
    live = np.flatnonzero(table.members > 0)
    if len(live) < 2:
        return
    members = table.members
    key = group_key(table, side=True)[live]
    sort = np.lexsort((members[live], key))  # by group, then by size (stable: ties in row order)
    order, key = live[sort], key[sort]
    starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
    ends = np.r_[starts[1:], len(key)]
    sizes = members[order]
    pairs = ends - starts >= 2  # groups whose two smallest cells fit together: the only ones to work on
    pairs[pairs] = sizes[starts[pairs]] + sizes[starts[pairs] + 1] <= ceiling
    for start, end in zip(starts[pairs].tolist(), ends[pairs].tolist(), strict=True):
        heap = [(int(members[row]), int(row)) for row in order[start:end]]
        heapq.heapify(heap)
        while len(heap) > 1:
            small, row = heapq.heappop(heap)
            larger, target = heap[0]
            if small + larger > ceiling:
                break
            heapq.heapreplace(heap, (small + larger, target))
            members[target] += small
            table.resources[target] += table.resources[row]
            members[row], table.resources[row] = 0, 0.0


def lifecycle(model: CTModel, hit: np.ndarray) -> CellCounts:
    """Dormancy, sanctuary and moves of pressed cells, splits, remnants absorbed, small cells consolidated, then
    dissolution of empty cells.
    Returns end-of-month aggregates (members by district, dormant cells, cells in sanctuary)."""
    rng, p, table = model.streams["lifecycle"], model.p, model.cell_table
    n = len(table)
    hit = np.concatenate([hit, np.zeros(n - len(hit), dtype=bool)])  # cells born this month were not hit
    u = rng.random((n, 5))
    alive = table.members > 0
    table.dormant = np.where(table.dormant, u[:, 0] >= p["reactivation_rate"], u[:, 0] < p["dormancy_rate"])
    enter = p["sanctuary_strength"] * border_openness(model) * np.where(hit, 1.0, p["sanctuary_entry_unpressed"])
    inside = ~table.in_sanctuary
    entering = inside & model.sanctuary_border[table.affiliation, table.district] & (u[:, 1] < enter)
    staying = table.in_sanctuary & (u[:, 1] >= p["sanctuary_return_rate"])
    table.in_sanctuary = staying | entering
    # Pressure displaces: a pressed cell moves more often the higher the tempo of operations.
    move_rate = min(1.0, p["cell_move_rate_under_pressure"] * model.tempo / model.reference_tempo)
    moving = alive & inside & ~entering & hit & (u[:, 2] < move_rate)
    if moving.any():
        # A pressed cell moves where support is high and pressure low: sympathisers over force density.
        density = model.forces.effective.sum(axis=1) / model.population * 1e5
        appeal = (model.sympathisers.sum(axis=1) + 1.0) / (density + p["force_density_half_saturation"])
        for row in np.flatnonzero(moving).tolist():
            neighbours = model.geography.neighbours[table.district[row]]
            table.agents[row].move_to_district(int(neighbours[np.argmax(appeal[neighbours])]))
    for row in np.flatnonzero(alive & (table.members > p["split_size"])).tolist():
        here = int(table.district[row])
        neighbours = model.geography.neighbours[here]
        place = here if u[row, 3] < p["split_stay_share"] else int(neighbours[int(u[row, 4] * len(neighbours))])
        table.agents[row].split(place)
    absorb_remnants(table, p["cell_viable_size"])
    consolidate(table, p["cell_consolidation_size"])
    table.remove_empty()
    return CellCounts(np.bincount(table.district, table.members, model.n_districts), int(table.dormant.sum()),
                      int(table.in_sanctuary.sum()))
