"""The dashboard's session: the model the controls describe, lever changes, changes of government, undo, district
figures, and the messages a trainer sees for a mistake."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from ctsim.dashboard.controls import slider_step
from ctsim.dashboard.state import DashboardError, DashboardSession, parse_seed, scenario_choices
from ctsim.declarations.levers import LEVERS
from ctsim.model.recording import monthly_frames
from ctsim.scenarios.files import resolve_scenario
from ctsim.scenarios.runner import run


@pytest.fixture(scope="module")
def session():
    """A baseline session, seed 5, twelve months into the scenario with two lever changes."""
    s = DashboardSession("baseline", 5)
    s.set_lever("ct_lead", "police")  # at the branch: becomes a starting lever
    s.step(6)
    s.set_lever("prosecution_capacity", 3.0)  # mid-run: from month 7
    s.step(6)
    return s


def test_first_model_is_the_cli_model():
    s = DashboardSession("civilian_led", 3)
    assert s.model.steps == s.history_months == 36, "the page opens after the 2022-2024 history"
    s.step(12)
    national = monthly_frames(s.model)[0]
    expected = run("civilian_led", 3, 12).national
    pd.testing.assert_frame_equal(national.reset_index(drop=True), expected.reset_index(drop=True),
                                  obj="the dashboard's model follows the same path as ctsim run for the same seed")


def test_lever_change_applies_from_next_month_and_is_marked(session):
    changes = [e for e in session.events if e.kind == "lever"]
    assert [(e.lever, e.month) for e in changes] == [("ct_lead", 37), ("prosecution_capacity", 43)], \
        "each change is marked at the month from which it applies"
    assert session.levers["prosecution_capacity"] == 3.0 and session.levers["ct_lead"] == "police"
    assert session.start_levers["ct_lead"] == "police", "a change at the branch is a starting lever"


def test_exported_schedule_reproduces_the_session(session, tmp_path):
    from ctsim.dashboard.export import scenario_toml
    from ctsim.scenarios.files import load_scenario

    path = tmp_path / "exported.toml"
    path.write_text(scenario_toml(session))
    loaded = load_scenario(path)
    assert loaded.policy().as_dict() == session.start_levers, "the exported file starts with the session's levers"
    assert [(e.month, e.lever, e.value) for e in loaded.schedule] == [(7, "prosecution_capacity", 3.0)], \
        "changes made during the run are scheduled at their month"
    replayed = run(path, months=session.scenario_month).national
    mine = monthly_frames(session.model)[0]
    pd.testing.assert_frame_equal(replayed.reset_index(drop=True), mine.reset_index(drop=True),
                                  obj="running the exported file reproduces the session's run")


def test_change_of_government_reverts_levers_next_month():
    s = DashboardSession("baseline", 2)
    s.set_lever("political_continuity", 0.0)
    s.step(1)
    s.set_lever("madrasa_reform", 1.0)
    s.change_government()
    s.step(1)
    month = s.model.steps
    assert month in s.model.politics.transitions, "the government changes in the next month"
    assert (month, "madrasa_reform") in s.model.reverted_levers, "with no continuity, a changed lever reverts"
    assert s.levers["madrasa_reform"] == 0.0
    kinds = {e.kind for e in s.events if e.month == month}
    assert {"government", "reverted"} <= kinds, "the change and the reversion are marked on the charts"
    assert s.model.politics.next_transition == month + s.model.politics.term, "later terms count from the change"


def test_cross_party_ownership_survives_a_change_of_government():
    s = DashboardSession("baseline", 2)
    s.set_lever("political_continuity", 0.0)
    s.set_lever("cross_party_ownership", True)
    s.set_lever("madrasa_reform", 1.0)
    s.change_government()
    s.step(1)
    assert s.levers["madrasa_reform"] == 1.0, "a policy owned across parties survives"


def test_undo_restores_the_scenario_levers():
    s = DashboardSession("justice_reform", 1)
    s.step(2)
    s.set_lever("prosecution_capacity", 0.5)
    s.set_lever("dialogue", 0.4)
    s.undo()
    assert s.levers == resolve_scenario("justice_reform").policy().as_dict(), "undo puts back the scenario's levers"
    assert s.events[-1].kind == "undo"


def test_district_figures_add_up_to_the_regional_records(session):
    districts = session.districts()
    assert len(districts) == 160
    _, regional = monthly_frames(session.model)
    last = regional[regional["month"] == regional["month"].max()].set_index("region")
    for measure in ("attacks", "recruits"):
        by_region = districts.groupby("region")[measure].sum()
        np.testing.assert_allclose(by_region.reindex(last.index).to_numpy(), last[measure].to_numpy(),
                                   err_msg=f"district {measure} sum to the model's regional {measure}")
    shares = districts[["police_share", "paramilitary_share", "military_share"]].sum(axis=1)
    np.testing.assert_allclose(shares, 1.0, err_msg="deployment shares of a district sum to one")


def test_step_stops_at_the_horizon():
    s = DashboardSession("baseline", 1)
    s.scenario = replace(s.scenario, months=3)
    assert s.step(10) == 3, "the run stops at the scenario's horizon"
    with pytest.raises(DashboardError, match="horizon"):
        s.change_government()


@pytest.mark.parametrize(("call", "message"), [
    (lambda s: s.set_lever("prosecution_capacity", 50), "outside the valid range"),
    (lambda s: s.set_lever("ct_lead", "navy"), "must be one of"),
    (lambda s: s.set_lever("no_such_lever", 1), "unknown lever"),
    (lambda s: s.load("no_such_scenario"), "unknown scenario"),
    (lambda s: s.load("baseline", "forty-two"), "whole number"),
    (lambda s: s.load("baseline", "-3"), "0 or more"),
])
def test_mistakes_give_a_message_naming_what_is_valid(call, message):
    s = DashboardSession("baseline", 1)
    with pytest.raises(DashboardError, match=message):
        call(s)


def test_seed_typed_as_text_is_a_number():
    assert parse_seed(" 42 ", 0) == 42 and parse_seed("", 9) == 9, "a typed seed arrives as a string"


def test_sliders_reach_every_value_the_library_uses():
    for lever in LEVERS:
        if lever.kind != "float":
            continue
        step = slider_step(lever)
        values = {lever.default} | {resolve_scenario(name).policy().as_dict()[lever.name]
                                    for name in scenario_choices()}
        for value in values:
            ticks = (value - lever.low) / step
            assert abs(ticks - round(ticks)) < 1e-9, \
                f"{lever.name} = {value} lies on its slider's grid (a slider would otherwise snap and change it)"


def test_sessions_are_independent():
    a, b = DashboardSession("baseline", 1), DashboardSession("baseline", 1)
    a.step(5)
    a.set_lever("dialogue", 0.5)
    assert b.scenario_month == 0 and b.levers["dialogue"] == 0.0, "one session's actions leave another untouched"
