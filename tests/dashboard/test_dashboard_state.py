"""The dashboard's session: the trainer's policy and the status quo stepped in lockstep on the same seeds and posterior
draws, lever changes (one per lever and month), changes of government, undo, district figures, and the messages a
trainer sees for a mistake."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from ctsim.dashboard.controls import GROUPS, grouped, slider_step
from ctsim.dashboard.state import (
    DashboardError,
    DashboardSession,
    live_parameters,
    parse_seed,
    replications,
    scenario_choices,
)
from ctsim.declarations.levers import LEVERS
from ctsim.scenarios.files import MAX_SEED, resolve_scenario
from ctsim.scenarios.runner import run
from ctsim.verdicts import price_draws

RUNS = 3


@pytest.fixture(scope="module")
def session():
    """A baseline session, seed 5, three runs of each, twelve months in with a police lead from the start and a
    prosecution change in month 7."""
    s = DashboardSession("baseline", 5, runs=RUNS)
    s.set_lever("ct_lead", "police")  # at the branch: becomes a starting lever
    s.step(6)
    s.set_lever("prosecution_capacity", 3.0)  # mid-run: from month 7
    s.step(6)
    return s


def test_every_run_is_the_cli_run_of_its_seed_and_draw():
    s = DashboardSession("civilian_led", 3, runs=2)
    history = resolve_scenario("civilian_led").history
    assert s.policy.steps == s.history_months == history.months > 0, "the page opens after the scenario's history"
    assert str(s.start) == history.start, "the session's calendar starts at the history's first month"
    s.step(12)
    branch = s.history_months
    parameters, _ = live_parameters()
    for rep in replications(3, 2, parameters):
        expected = run("civilian_led", rep.seed, 12, draw=rep.draw).national["attacks"].to_numpy()
        mine = s.policy.array("attacks")[branch:, rep.index]
        np.testing.assert_array_equal(mine, expected, err_msg=f"policy run {rep.index} follows ctsim's run of "
                                                              f"seed {rep.index} and draw {rep.index}")
        status_quo = run("baseline", rep.seed, 12, draw=rep.draw).national["attacks"].to_numpy()
        np.testing.assert_array_equal(s.status_quo.array("attacks")[branch:, rep.index], status_quo,
                                      err_msg="the status quo's run r has the same seed and draw as the policy's")


def test_replication_r_gets_seed_r_and_draw_r():
    parameters, _ = live_parameters()
    reps = replications(11, 4, parameters)
    children = np.random.SeedSequence(11).spawn(4)
    assert [r.seed.spawn_key for r in reps] == [c.spawn_key for c in children], "seed r: child r of the root seed"
    prices = price_draws(11, 4)
    assert [r.draw for r in reps] == [{**prices[r], **parameters.values(r)} for r in range(4)], \
        "draw r: the posterior's draw r and price draw r, as ctsim compare takes them"


def test_the_page_runs_as_ctsim_compare_does(tmp_path):
    from ctsim.analysis.compare import compare
    from ctsim.calibration.parameter_sets import choose

    s = DashboardSession("civilian_led", 6, runs=2)
    s.step(12)
    result = compare([resolve_scenario("baseline"), resolve_scenario("civilian_led")], 2, seed=6, months=12,
                     progress=False, parameters=choose(False))
    runs = result.runs.set_index(["scenario", "replication"])
    branch = s.history_months
    for r in range(2):
        assert runs.loc[("civilian_led", r), "cost"] == pytest.approx(s.policy.array("cost")[branch:, r].sum()), \
            "run r of the page is run r of ctsim compare: same seed, parameter draw and prices"
        assert runs.loc[("baseline", r), "attacks"] == s.status_quo.array("attacks")[branch:, r].sum(), \
            "the status quo's run r of the page is the baseline's run r of ctsim compare"


def test_the_status_quo_against_itself_is_identical_and_said_so():
    s = DashboardSession("baseline", 2, runs=2)
    assert s.same_as_status_quo, "the baseline with no change is the status quo"
    s.step(6)
    for output in ("attacks", "cost", "legitimacy"):
        np.testing.assert_array_equal(s.policy.array(output), s.status_quo.array(output),
                                      err_msg="common random numbers: the same policy gives the same runs")
    s.set_lever("dialogue", 0.5)
    assert not s.same_as_status_quo, "a changed lever makes it a policy of its own"


def test_a_policy_differs_from_the_status_quo_after_the_branch_only():
    s = DashboardSession("kinetic_surge", 2, runs=2)
    s.step(12)
    mine, reference, branch = s.policy.array("cost"), s.status_quo.array("cost"), s.history_months
    np.testing.assert_array_equal(mine[:branch], reference[:branch], err_msg="the shared history is the same for both")
    assert not np.array_equal(mine[branch:], reference[branch:]), "after the branch the policy's levers act"


def test_lever_change_applies_from_next_month_and_is_marked(session):
    changes, branch = [e for e in session.events if e.kind == "lever"], session.history_months
    assert [(e.lever, e.month) for e in changes] == [("ct_lead", branch + 1), ("prosecution_capacity", branch + 7)], \
        "each change is marked at the model month from which it applies: the first after the history, the seventh"
    assert session.levers["prosecution_capacity"] == 3.0 and session.levers["ct_lead"] == "police"
    assert all(m.policy.prosecution_capacity == 3.0 for m in session.policy.models), "every run of the policy"
    assert all(m.policy.prosecution_capacity == 1.0 for m in session.status_quo.models), "not the status quo"
    assert session.start_levers["ct_lead"] == "police", "a change at the branch is a starting lever"
    assert "the police" in changes[0].text and "ct_lead" not in changes[0].text, "marked in words"


def test_one_drag_is_one_change():
    s = DashboardSession("baseline", 1, runs=2)
    s.step(2)
    for value in (0.1, 0.2, 0.3, 0.4, 0.5):  # a slider passing through five positions in one month
        s.set_lever("dialogue", value)
    assert s.changes == [(s.history_months + 3, "dialogue", 0.5)], \
        "five values in one month are one change, to the last, from the month after the two run"
    assert [e.value for e in s.events if e.kind == "lever"] == [0.5], "and one mark"
    s.set_lever("dialogue", 0.0)
    assert s.changes == [] and not [e for e in s.events if e.kind == "lever"], \
        "dragged back to where it was, the month holds no change"


def test_exported_schedule_reproduces_every_run(session, tmp_path):
    from ctsim.dashboard.export import scenario_toml
    from ctsim.scenarios.files import load_scenario

    path = tmp_path / "exported.toml"
    path.write_text(scenario_toml(session))
    loaded = load_scenario(path)
    assert loaded.policy().as_dict() == session.start_levers, "the exported file starts with the session's levers"
    assert [(e.month, e.lever, e.value) for e in loaded.schedule] == [(7, "prosecution_capacity", 3.0)], \
        "changes made during the run are scheduled at their month"
    parameters, _ = live_parameters()
    for rep in replications(loaded.seed, RUNS, parameters):
        replayed = run(path, rep.seed, months=session.scenario_month, draw=rep.draw).national["attacks"].to_numpy()
        np.testing.assert_array_equal(replayed, session.policy.array("attacks")[session.history_months:, rep.index],
                                      err_msg="run r of the exported file (seed r, draw r) is the session's run r")


def test_change_of_government_reverts_levers_next_month():
    s = DashboardSession("baseline", 2, runs=RUNS)
    s.set_lever("political_continuity", 0.0)
    s.step(1)
    s.set_lever("madrasa_reform", 1.0)
    s.change_government()
    s.step(1)
    month = s.policy.steps
    for model in s.policy.models:
        assert month in model.politics.transitions, "the government changes next month in every run"
        assert (month, "madrasa_reform") in model.reverted_levers, "with no continuity, a changed lever reverts"
        assert model.policy.madrasa_reform == 0.0
    assert all(month in m.politics.transitions for m in s.status_quo.models), "the status quo's government too"
    assert s.model.politics.next_transition == month + s.model.politics.term, "later terms count from the change"


def test_cross_party_ownership_survives_a_change_of_government():
    s = DashboardSession("baseline", 2, runs=2)
    s.set_lever("political_continuity", 0.0)
    s.set_lever("cross_party_ownership", True)
    s.set_lever("madrasa_reform", 1.0)
    s.change_government()
    s.step(1)
    assert all(m.policy.madrasa_reform == 1.0 for m in s.policy.models), "a policy owned across parties survives"


def test_undo_restores_the_scenario_levers():
    s = DashboardSession("justice_reform", 1, runs=2)
    s.step(2)
    s.set_lever("prosecution_capacity", 0.5)
    s.set_lever("dialogue", 0.4)
    s.undo()
    expected = resolve_scenario("justice_reform").policy().as_dict()
    assert s.levers == expected, "undo puts back the scenario's levers"
    assert all((m.policy.prosecution_capacity, m.policy.dialogue) == (expected["prosecution_capacity"],
                                                                     expected["dialogue"]) for m in s.policy.models)
    assert s.events[-1].kind == "undo"


def test_district_figures_are_the_mean_of_the_runs(session):
    districts = session.districts()
    assert len(districts) == 160
    last_year = session.policy.array("attacks")[-12:].sum(axis=0).mean()
    assert districts["attacks_12m"].sum() == pytest.approx(last_year), \
        "districts' attacks in the last 12 months add up to the runs' mean national attacks"
    reference = session.status_quo.array("attacks")[-12:].sum(axis=0).mean()
    assert districts["attacks_12m_change"].sum() == pytest.approx(last_year - reference), \
        "the change map is this policy minus the status quo"
    shares = districts[["police_share", "paramilitary_share", "military_share"]].sum(axis=1)
    np.testing.assert_allclose(shares, 1.0, err_msg="deployment shares of a district sum to one")


def test_step_stops_at_the_horizon():
    s = DashboardSession("baseline", 1, runs=2)
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
    (lambda s: s.load("baseline", "-3"), "from 0 to"),
    (lambda s: s.load("baseline", str(2**63)), "from 0 to 9,223,372,036,854,775,807"),
])
def test_mistakes_give_a_message_naming_what_is_valid(call, message):
    s = DashboardSession("baseline", 1, runs=2)
    with pytest.raises(DashboardError, match=message):
        call(s)


def test_seeds_are_bounded_as_the_cli_bounds_them():
    assert parse_seed(" 42 ", 0) == 42 and parse_seed("", 9) == 9, "a typed seed arrives as a string"
    assert parse_seed(str(MAX_SEED), 0) == MAX_SEED, "the largest seed a scenario file accepts is accepted"
    with pytest.raises(DashboardError):
        parse_seed(str(MAX_SEED + 1), 0)


def test_only_scenarios_that_branch_with_the_status_quo_are_offered():
    base = resolve_scenario("baseline")
    choices = scenario_choices()
    assert "baseline" in choices and "civilian_led" in choices
    assert "reactive_state" not in choices and "history_2022_2024" not in choices \
        and "history_2013_2024" not in choices, \
        "a scenario without the shared history cannot step in lockstep with the status quo"
    assert all(resolve_scenario(n).history_months == base.history_months for n in choices)


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


def test_every_lever_sits_in_one_group_of_the_drawer():
    placed = [lever.name for _, levers in grouped() for lever in levers]
    assert sorted(placed) == sorted(lever.name for lever in LEVERS), "every declared lever is in the drawer once"
    assert [title for title, _ in GROUPS] == ["Who leads", "Justice", "Prevention", "Borders", "Politics"]
    assert grouped()[0][1][0].name == "ct_lead", "the most taught lever is on top"


def test_sessions_are_independent():
    a, b = DashboardSession("baseline", 1, runs=2), DashboardSession("baseline", 1, runs=2)
    a.step(5)
    a.set_lever("dialogue", 0.5)
    assert b.scenario_month == 0 and b.levers["dialogue"] == 0.0, "one session's actions leave another untouched"


def test_closing_a_session_frees_its_models():
    s = DashboardSession("baseline", 1, runs=2)
    s.close()
    assert s.policy.models == [] and s.status_quo.models == [], "a closed tab's models are released"


def test_help_under_a_lever_names_no_lever_by_its_code_name():
    from ctsim.dashboard.controls import help_text

    names = {lever.name for lever in LEVERS if "_" in lever.name}
    for lever in LEVERS:
        assert not any(name in help_text(lever) for name in names), f"plain words under {lever.label}"


def test_the_drawer_says_where_a_reaction_moved_a_lever():
    """Levers kept where the page set them say nothing; one moved inside the runs shows the mean it acted at, in
    words. The state's reactions may already be moving their levers when the page opens (a reaction to the last
    months of the history carries on past the branch), so the drawer may name those, and only those; a lever no
    reaction touches, set inside the runs as a trigger would set it, must then appear with its exact mean and range."""
    s = DashboardSession("baseline", 2, runs=2)
    reacting = {trigger.lever for trigger in resolve_scenario("baseline").triggers}
    assert "dialogue" not in reacting and s.levers["dialogue"] == 0.0, "the lever moved below is the page's alone"
    try:
        s.step(2)
        before = s.acted()
        assert set(before) <= reacting, "nothing but the state's reactions moved the levers yet"
        for model in s.policy.models:
            model.state.policy.set("dialogue", 0.5)  # set inside the runs, where the page did not set it
        s.step(2)
        words = s.acted()
        # A reaction may also start in these two months (on calibration version 18 the formations' trigger does).
        assert "dialogue" in words and set(words) - {"dialogue"} <= reacting, \
            "the moved lever joins those the reactions moved, and nothing else"
        assert set(before) <= set(words), "a lever once moved stays said"
        assert words["dialogue"].startswith("acted at 0.25 on average so far (0.00 to 0.50)"), \
            "two months at 0.0 then two at 0.5 in both runs: a mean of 0.25 over 0.00 to 0.50"
        assert all(w.startswith("acted at ") for w in words.values()), "every moved lever is said in words"
    finally:
        s.close()
