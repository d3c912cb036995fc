"""Fighters arriving from sanctuary in Afghanistan (issue 12): a calibrated inflow that rejoins TTP-aligned cells,
cut by border management, drawn from its own stream."""

from __future__ import annotations

import numpy as np
import pytest

from ctsim.declarations.levers import Policy
from ctsim.model.core import CTModel
from ctsim.model.militants import AFFILIATIONS
from ctsim.model.processes.step04_recruitment import arrive as arrive_process

TTP = AFFILIATIONS.index("religious_nationalist")


def _model(params=None, seed=3, levers=None):
    return CTModel(policy=Policy(**(levers or {})), params=params, seed=seed, start="2022-01")


def arrive(model: CTModel) -> np.ndarray:
    """Fighters arriving this month, with the cell table's agents brought in step (as a month does)."""
    model.cell_table.reserve(1)
    arrivals, rows = arrive_process(model.state, model.p, model.compiled_streams)
    model.cell_table.extend(rows)
    model.cell_table.settle(model)
    return arrivals


def test_no_inflow_means_no_arrivals_and_no_change_to_any_cell():
    model = _model({"cross_border_inflow": 0.0})
    try:
        before = model.cell_table.members.copy()
        assert arrive(model).sum() == 0
        assert np.array_equal(model.cell_table.members, before)
    finally:
        model.release()


def test_arrivals_join_ttp_cells_only_and_are_counted_where_they_join():
    model = _model({"cross_border_inflow": 300.0})
    try:
        cols = model.cell_table
        before = cols.members.copy()
        arrivals = arrive(model)
        gained = cols.members - before
        assert arrivals.sum() > 0
        assert gained.sum() == arrivals.sum(), "every arrival joins a cell"
        assert (gained[cols.affiliation != TTP] == 0).all(), "only TTP-aligned cells take fighters from Afghanistan"
        assert (gained >= 0).all()
        by_district = np.bincount(cols.district, gained, model.n_districts)
        assert np.array_equal(by_district, arrivals)
    finally:
        model.release()


def test_the_monthly_number_is_poisson_with_the_declared_rate_and_border_management_cuts_it():
    # The sanctuary fully open from the start (in 2022 it is still opening over the build-up after Kabul fell).
    params = {"cross_border_inflow": 120.0, "afghan_sanctuary_buildup_months": 0.0}
    model = _model(params)
    try:
        cut = model.p["effect_border_sanctuary_cut"]
        status_quo = model.programmes.level("border_management")  # the status quo already manages the border a little
        assert 0.0 < status_quo < 1.0
        open_border = np.mean([arrive(model).sum() for _ in range(400)])
    finally:
        model.release()
    # Poisson(about 100): the mean of 400 months has a standard error of about 0.5.
    assert open_border == pytest.approx(120.0 * (1.0 - cut * status_quo), abs=3.0)
    closed = _model(params, levers={"border_management": 1.0})
    try:
        for _ in range(600):  # let the programme reach its level (it moves with the lever's lag)
            closed.programmes.advance(closed.policy)
        level = closed.programmes.level("border_management")
        assert level > 0.99
        got = np.mean([arrive(closed).sum() for _ in range(400)])
    finally:
        closed.release()
    assert got == pytest.approx(120.0 * (1.0 - cut * level), abs=3.0)
    assert got < open_border


def test_with_no_ttp_cell_the_fighters_form_one_in_a_district_on_the_afghan_border():
    model = _model({"cross_border_inflow": 50.0})
    try:
        cols = model.cell_table
        members = cols.members
        members[cols.affiliation == TTP] = 0
        cols.members = members
        n_before = len(cols)
        arrivals = arrive(model)
        assert len(cols) == n_before + 1
        district = int(np.flatnonzero(arrivals)[0])
        assert model.sanctuary_border[TTP, district]
        assert cols.members[-1] == arrivals.sum() and cols.affiliation[-1] == TTP
    finally:
        model.release()


def test_arrivals_come_from_their_own_stream_so_other_draws_do_not_move():
    """Arrivals draw only from the `arrivals` stream: every other stream's state is untouched by them, and with the
    inflow switched off the month's other draws are the same as with it on, up to the arrivals."""
    model = _model({"cross_border_inflow": 100.0}, seed=11)
    try:
        before = {name: rng.bit_generator.state for name, rng in model.streams.items()}
        assert arrive(model).sum() > 0
        after = {name: rng.bit_generator.state for name, rng in model.streams.items()}
    finally:
        model.release()
    assert after["arrivals"] != before["arrivals"]
    assert {k: v for k, v in after.items() if k != "arrivals"} == {k: v for k, v in before.items() if k != "arrivals"}
    runs = []
    for rate in (0.0, 100.0):
        model = _model({"cross_border_inflow": rate}, seed=11)
        try:
            model.step()
            runs.append((model.record["new_radicals"], model.outcome.arrived.sum()))
        finally:
            model.release()
    assert runs[0][0] == runs[1][0]
    assert runs[0][1] == 0 and runs[1][1] > 0
