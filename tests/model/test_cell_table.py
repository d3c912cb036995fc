"""The cell table and its agents: the month's processes work on rows; :meth:`CellTable.settle` brings the Mesa agents
in step once the month is done."""

from __future__ import annotations

import numpy as np
import pytest

from ctsim.model.core import CTModel
from ctsim.model.militants import MilitantCell


@pytest.fixture
def model():
    m = CTModel(seed=4, start="2022-01")
    yield m
    m.release()


def _agents_match_rows(model: CTModel) -> None:
    table = model.cell_table
    assert len(table.agents) == table.n
    assert set(model.agents_of(MilitantCell)) == set(table.agents)
    for row, agent in enumerate(table.agents):
        assert agent.row == row
        assert agent.cell is model.grid[int(table.district[row])]


def test_rows_added_moved_and_dissolved_within_a_month_settle_at_its_end(model):
    table = model.cell_table
    _agents_match_rows(model)
    had = table.n
    first, second = table.agents[0], table.agents[1]
    # a month's processes: two rows appended, row 0 moved next door, row 1 emptied, one new row emptied too
    neighbour = int(model.state.adjacency_index[model.state.adjacency_indptr[int(table.district[0])]])
    table.reserve(2)
    table.buffers["members"][had:had + 2] = (5, 0)
    table.buffers["district"][had:had + 2] = (3, 4)
    table.extend(had + 2)
    assert len(table.agents) == had, "no agent before the month is done"
    table.buffers["district"][0] = neighbour
    table.note_moved(np.array([0]))
    table.buffers["members"][1] = 0
    ids_before = {a.unique_id for a in model.agents_of(MilitantCell)}
    from ctsim.model.processes.step11_lifecycle import dissolve_empty
    position, _ = dissolve_empty(model.state)
    table.settle(model, position)
    _agents_match_rows(model)
    assert table.n == had, "one old and one new row dissolved, one new row remained"
    assert first.cell is model.grid[neighbour], "the moved cell's agent moved with its row"
    assert second not in table.agents and second.model is model
    with pytest.raises(LookupError, match="dissolved"):
        _ = second.row
    new = [a for a in model.agents_of(MilitantCell) if a.unique_id not in ids_before]
    assert len(new) == 1 and new[0].district == 3 and new[0].members == 5, \
        "only the new row that survived the month became an agent"


def test_a_year_of_months_keeps_agents_and_rows_in_step(model):
    for _ in range(12):
        model.step()
        _agents_match_rows(model)


def test_a_model_without_cell_agents_records_the_same_months_bit_for_bit():
    """Cell agents are views of the table: a run that builds none (a calibration candidate) records the same."""
    with_agents, without = CTModel(seed=11, start="2013-01"), CTModel(seed=11, start="2013-01", cell_agents=False)
    try:
        assert without.cell_table.n == with_agents.cell_table.n > 0
        assert not without.cell_table.agents and not without.agents_of(MilitantCell)
        for _ in range(24):
            with_agents.step()
            without.step()
            assert without.cell_table.n == with_agents.cell_table.n
        _agents_match_rows(with_agents)
        assert np.array_equal(with_agents.recorder.national, without.recorder.national)
        assert np.array_equal(with_agents.recorder.regional, without.recorder.regional)
        for a, b in zip(with_agents.cell_table.snapshot().values(), without.cell_table.snapshot().values(),
                        strict=True):
            assert np.array_equal(a, b)
        # a district's militants are read from the table, agents or not
        assert [d.militants for d in without.districts] == [d.militants for d in with_agents.districts]
        with pytest.raises(RuntimeError, match="cell_agents=False"):
            _ = without.militant_cells
    finally:
        with_agents.release()
        without.release()


def test_a_recorded_run_builds_no_cell_agents_and_matches_a_full_run():
    from ctsim.scenarios.runner import build_model, run_recorded

    recorded = run_recorded("baseline", 3, months=6)
    model = build_model("baseline", 3)
    try:
        model.run(recorded.national.shape[0])
        assert model.cell_table.agents, "a full model has its cell agents"
        assert np.array_equal(model.recorder.national, recorded.national)
        assert np.array_equal(model.recorder.regional, recorded.regional)
    finally:
        model.release()


def test_a_run_in_stages_records_prefixes_of_the_whole_run_and_releases_a_run_given_up(monkeypatch):
    from ctsim.scenarios.runner import recorded_stages, run_recorded

    whole = run_recorded("baseline", 5, months=10)
    stages = list(recorded_stages("baseline", 5, months=10, pauses=[400, 4, 0, 7, 4]))
    total = whole.national.shape[0]
    assert [len(s.months) for s in stages] == [4, 7, total], "a stage at each pause within the run, then the end"
    for stage in stages:
        n = len(stage.months)
        assert np.array_equal(stage.national, whole.national[:n]) and np.array_equal(stage.regional,
                                                                                       whole.regional[:n])
        assert stage.months.equals(whole.months[:n])
    released = []
    monkeypatch.setattr(CTModel, "release", lambda model: released.append(model.steps))
    running = recorded_stages("baseline", 5, months=10, pauses=[3])
    next(running)
    assert released == [], "the model is alive between stages"
    running.close()
    assert released == [3], "a run given up is released where it stopped"
