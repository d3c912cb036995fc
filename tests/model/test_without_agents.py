"""A model built without agents (a calibration candidate's run): the state and the processes alone, recording the
same months as the agent-based model bit for bit."""

from __future__ import annotations

import numpy as np
from mesa import Agent

from ctsim.analysis.calibration import point
from ctsim.calibration.draws import draw_for_replication
from ctsim.calibration.parameter_sets import read_posterior
from ctsim.model.core import CTModel
from ctsim.model.recording import REGIONAL_INDEX
from ctsim.scenarios.runner import build_model, run_recorded


def test_a_model_without_agents_records_the_same_months_as_with_them():
    with_agents, without = CTModel(seed=11, start="2013-01"), CTModel(seed=11, start="2013-01", agents=False)
    try:
        assert len(with_agents.agents) > 300 and with_agents.grid is not None
        assert len(without.agents) == 0 and without.grid is None
        assert not without.districts and not without.police_forces and not without.forces.formations
        assert np.array_equal(without.forces.unit_strength, with_agents.forces.unit_strength)
        assert np.array_equal(without.forces.police, with_agents.forces.police)
        for _ in range(36):
            with_agents.step()
            without.step()
        assert np.array_equal(with_agents.recorder.national, without.recorder.national)
        assert np.array_equal(with_agents.recorder.regional, without.recorder.regional)
        assert np.array_equal(with_agents.state.formation_district, without.state.formation_district)
        deployed = [f.district_index for f in with_agents.forces.formations]
        assert deployed == [None if k < 0 else k for k in with_agents.state.formation_district.tolist()]
    finally:
        with_agents.release()
        without.release()


def test_a_recorded_history_on_a_draw_equals_the_agent_based_run():
    """What the calibration runs (no agents, the fit's outputs alone) against the full model on the long history."""
    values = draw_for_replication(read_posterior(), 1)
    recorded = run_recorded(point.HISTORY, 4, uncertainties=values, outputs=point.READ)
    model = build_model(point.HISTORY, 4, uncertainties=values)
    before = len(Agent._ids)
    try:
        model.run(recorded.national.shape[0])
        assert model.districts and model.cell_table.agents
        for name in point.KEPT:
            assert np.array_equal(model.recorder.series(name), recorded.series(name))
        attacks = REGIONAL_INDEX["attacks"]
        assert np.array_equal(model.recorder.regional[:, attacks], recorded.regional[:, attacks])
    finally:
        model.release()
    assert len(Agent._ids) == before - 1
