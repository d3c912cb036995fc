"""Small cells consolidate (issue 12): cells of one affiliation in a district, on one side of the border, merge while
the merged cell stays within ``cell_consolidation_size`` members, so the same militants do not spread over ever more,
smaller cells."""

from __future__ import annotations

import numpy as np

from ctsim.declarations.levers import Policy
from ctsim.model.core import CTModel
from ctsim.model.militants import CellTable
from ctsim.model.processes.step11_lifecycle import consolidate as consolidate_kernel


def _table(rows):
    """A bare cell table: rows of (members, district, affiliation, in_sanctuary), resources equal to members."""
    table = CellTable(capacity=2)
    for members, district, affiliation, sanctuary in rows:
        table.append(members, district, affiliation, float(members), False, sanctuary)
    return table


def consolidate(table, ceiling):
    members, district, affiliation, resources, _, in_sanctuary = table.columns()
    consolidate_kernel(members, district, affiliation, resources, in_sanctuary, table.n, ceiling)


def test_small_cells_of_one_group_merge_smallest_first_within_the_ceiling():
    table = _table([(4, 0, 0, False), (10, 0, 0, False), (6, 0, 0, False), (30, 0, 0, False)])
    consolidate(table, 25.0)
    # 4 joins 6 (10), then 10 joins 10 (20); 20 + 30 exceeds 25, so the 30 stays apart.
    assert sorted(table.members[table.members > 0].tolist()) == [20, 30]
    assert table.members.sum() == 50 and table.resources.sum() == 50.0, "members and resources are conserved"
    assert np.array_equal(table.members, table.resources.astype(int)), "resources follow their members"


def test_only_cells_of_the_same_district_affiliation_and_side_of_the_border_merge():
    rows = [(5, 0, 0, False), (5, 1, 0, False), (5, 0, 1, False), (5, 0, 0, True)]
    table = _table(rows)
    consolidate(table, 25.0)
    assert table.members.tolist() == [5, 5, 5, 5]


def test_a_ceiling_below_any_pair_changes_nothing_and_the_result_is_deterministic():
    rows = [(7, 2, 1, False), (9, 2, 1, False), (3, 2, 1, False), (12, 2, 1, False), (8, 4, 1, False)]
    unchanged = _table(rows)
    consolidate(unchanged, 9.0)
    assert unchanged.members.tolist() == [7, 9, 3, 12, 8]
    first, second = _table(rows), _table(rows)
    consolidate(first, 20.0)
    consolidate(second, 20.0)
    assert np.array_equal(first.members, second.members)
    live = first.members[first.members > 0]
    assert live.max() <= 20 and live.sum() == 39
    group = first.members[:4][first.members[:4] > 0]
    assert (np.add.outer(group, group)[~np.eye(len(group), dtype=bool)] > 20).all(), "no two left could still merge"


def _mergeable_pairs(table, ceiling):
    """Pairs of live cells in one group (district, affiliation, side of the border) that fit within the ceiling."""
    live = np.flatnonzero(table.members > 0)
    key = (table.district[live] * 16 + table.affiliation[live]) * 2 + table.in_sanctuary[live]
    pairs = 0
    for group in np.unique(key):
        sizes = np.sort(table.members[live[key == group]])
        pairs += int(len(sizes) > 1 and sizes[0] + sizes[1] <= ceiling)
    return pairs


def test_in_a_run_no_two_cells_that_fit_together_are_left_apart_and_cells_follow_their_members():
    counts = {}
    for size in (3.0, 25.0):
        model = CTModel(policy=Policy(), params={"cell_consolidation_size": size}, seed=5, start="2022-01")
        try:
            for _ in range(120):
                model.step()
                if size == 25.0:
                    assert _mergeable_pairs(model.cell_table, size) == 0
            table = model.cell_table
            counts[size] = (len(table), float(table.members.mean()))
        finally:
            model.release()
    assert counts[25.0][0] < counts[3.0][0], "fewer cells"
    assert counts[25.0][1] > counts[3.0][1], "larger on average"
