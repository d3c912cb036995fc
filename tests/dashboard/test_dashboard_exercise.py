"""The exercise for teams: opened by the trainer, joined by teams, packages built within the budget and submitted,
all kept on disk (so a restart of the server loses nothing), run on the same seeds and posterior draws, and the
debrief board: who is on the trade-off front, which gaps are within the noise, the packages as scenario files, and
the board as a brief."""

from __future__ import annotations

import pandas as pd
import pytest

from ctsim.dashboard import board as boards
from ctsim.dashboard import exercise as ex
from ctsim.dashboard.settings import WORK_SETTING
from ctsim.dashboard.state import DashboardError
from ctsim.scenarios.files import load_scenario, resolve_scenario


@pytest.fixture(autouse=True)
def work(request, tmp_path, monkeypatch):
    """A fresh --work folder for each test (the debrief's tests share the module's)."""
    if "debrief" not in request.fixturenames:
        monkeypatch.setenv(WORK_SETTING, str(tmp_path))
    return tmp_path


def _restart(monkeypatch) -> None:
    """What a restart of the server forgets: everything in memory (the locks); the files stay."""
    monkeypatch.setattr(ex, "_locks", {})


def test_an_exercise_lives_on_disk_and_survives_a_restart(work, monkeypatch):
    opened = ex.open_exercise("Lesson", "baseline", 5000.0, 1, ["attacks", "cost"], replications=3)
    ex.join(opened.code, "Lahore")
    ex.set_lever(opened.code, "Lahore", "ct_lead", "police")
    assert (work / "exercises" / opened.code / "exercise.json").is_file(), "kept under the --work folder"
    _restart(monkeypatch)
    again = ex.load(opened.code)
    assert again.teams["Lahore"].levers == {"ct_lead": "police"}, "the package is there after a restart"
    assert ex.join(opened.code, "Lahore").teams["Lahore"].levers == {"ct_lead": "police"}, \
        "joining again with the same name takes the package up again"
    assert [e.code for e in ex.listing()] == [opened.code]


def test_a_lever_back_at_the_scenarios_value_is_no_change():
    opened = ex.open_exercise("Lesson", "baseline", 5000.0, 1, ["attacks"], replications=3)
    ex.join(opened.code, "A")
    ex.set_lever(opened.code, "A", "dialogue", 0.5)
    assert ex.set_lever(opened.code, "A", "dialogue", 0.0).teams["A"].levers == {}


@pytest.mark.parametrize(("call", "message"), [
    (lambda code: ex.join(code, ""), "team name"),
    (lambda code: ex.join(code, "status quo"), "team name"),
    (lambda code: ex.join("XXXX", "A"), "no exercise with the code"),
    (lambda code: ex.join("not a code", "A"), "not an exercise code"),
    (lambda code: ex.set_lever(code, "nobody", "dialogue", 0.5), "has not joined"),
    (lambda code: ex.set_lever(code, "A", "dialogue", 7), "outside the valid range"),
])
def test_mistakes_give_a_message(call, message):
    opened = ex.open_exercise("Lesson", "baseline", 5000.0, 1, ["attacks"], replications=3)
    ex.join(opened.code, "A")
    with pytest.raises(DashboardError, match=message):
        call(opened.code)


def test_at_most_eight_teams():
    opened = ex.open_exercise("Lesson", "baseline", 5000.0, 1, ["attacks"], replications=3)
    for i in range(ex.MAX_TEAMS):
        ex.join(opened.code, f"Team {i}")
    with pytest.raises(DashboardError, match="8 teams"):
        ex.join(opened.code, "One too many")


@pytest.mark.parametrize(("settings", "message"), [
    (dict(budget=-1.0), "budget"), (dict(years=0), "horizon"), (dict(outcomes=[]), "at least one outcome"),
    (dict(scenario="nonsense"), "unknown scenario"), (dict(replications=1), "runs per package"),
])
def test_an_exercise_that_cannot_be_run_is_refused(settings, message):
    args = dict(title="x", scenario="baseline", budget=10.0, years=1, outcomes=["attacks"], replications=3)
    with pytest.raises(DashboardError, match=message):
        ex.open_exercise(**{**args, **settings})


def test_a_package_over_budget_is_refused_with_both_figures():
    opened = ex.open_exercise("Lesson", "baseline", 0.0, 1, ["attacks"], replications=3)
    ex.join(opened.code, "Spenders")
    ex.set_lever(opened.code, "Spenders", "military_formations", 30)
    with pytest.raises(DashboardError, match="over the budget"):
        ex.submit(opened.code, "Spenders")
    team = ex.load(opened.code).teams["Spenders"]
    assert not team.submitted and team.estimate > 0, "the estimate is kept, the package not submitted"


@pytest.fixture(scope="module")
def debrief(tmp_path_factory):
    """Three teams, run on three paired replications of one year (one process)."""
    import os

    os.environ[WORK_SETTING] = str(tmp_path_factory.mktemp("work"))
    opened = ex.open_exercise("Debrief", "baseline", 1e12, 1, ["attacks", "detained_without_trial", "cost"],
                              replications=3, seed=9)
    packages = {"Police first": {"ct_lead": "police", "police_capacity": 1.0},
                "Courts": {"prosecution_capacity": 3.0}, "Same as today": {}}
    for team, levers in packages.items():
        ex.join(opened.code, team)
        for name, value in levers.items():
            ex.set_lever(opened.code, team, name, value)
        ex.submit(opened.code, team)
    runs = ex.run_packages(opened.code, workers=1)
    exercise = ex.load(opened.code)
    yield exercise, runs, boards.build(exercise, runs)
    del os.environ[WORK_SETTING]


def test_every_package_runs_on_the_same_seeds_and_draws(debrief):
    exercise, runs, _ = debrief
    assert exercise.stage == "debrief" and "posterior draw" in exercise.parameters
    assert set(runs["team"]) == {"status quo", "Police first", "Courts", "Same as today"}
    pivot = runs.pivot(index="replication", columns="team", values="attacks")
    pd.testing.assert_series_equal(pivot["Same as today"], pivot["status quo"], check_names=False,
                                   obj="a package that changes nothing runs exactly as the status quo")
    assert len(pivot) == 3
    assert ex.runs_of(exercise.code) is not None, "the runs are kept on disk beside the exercise"


def test_the_board_reads_the_front_and_the_noise(debrief):
    exercise, _, board = debrief
    assert set(board.front) <= set(board.teams) and board.front, "some team is on the front"
    for team in board.teams:
        if team not in board.front:
            assert board.dominated[team], "a team off the front is beaten on every counted outcome by another"
    for output in board.outputs:
        best = [t for t in board.teams if board.cells[(t, output)].best]
        assert len(best) == 1, f"one best team on {output}"
        assert not board.cells[(best[0], output)].near_best
    same = board.cells[("Same as today", "attacks")]
    assert (same.difference, same.low, same.high) == (0.0, 0.0, 0.0) and same.verdict == "negligible"


def test_packages_export_as_scenario_files_ctsim_accepts(debrief, tmp_path):
    exercise, _, board = debrief
    for team in board.teams:
        path = tmp_path / f"{team}.toml"
        path.write_text(boards.package_toml(exercise, team))
        loaded = load_scenario(path)
        assert {k: loaded.levers[k] for k in exercise.teams[team].levers} == exercise.teams[team].levers
        assert loaded.months == 12 and loaded.seed == 9


def test_the_brief_is_one_page_in_plain_words(debrief):
    _, _, board = debrief
    text = boards.brief_html(board)
    assert text.startswith("<!doctype html>") and "http" not in text.split("<body>")[1].split("<pre>")[0], \
        "a self-contained page: nothing to fetch"
    for team in board.teams:
        assert team in text
    body = text.split("<h2>The packages</h2>")[0]
    for code_name in ("detained_without_trial", "ci90", "ct_lead", "new_radicals"):
        assert code_name not in body, f"no code name ({code_name}) in the board"
    assert "People held without trial" in body and "On the trade-off front" in body
    history = resolve_scenario(board.exercise.scenario).history
    first, last = int(history.reported_start[:4]), int(history.start[:4]) + (history.months - 1) // 12
    assert f"after the {first}-{last}\nhistory" in text, \
        "the brief names the recorded years the runs replay (the spin-up before them is run, not reported)"


def test_a_known_front():
    """Team A is better than B on both outcomes, beyond the noise; C trades one against the other."""
    rows = []
    for r in range(6):
        noise = (r % 3) * 0.1
        rows += [{"team": "status quo", "replication": r, "attacks": 100 + noise, "cost": 10 + noise},
                 {"team": "A", "replication": r, "attacks": 80 + noise, "cost": 11 + noise},
                 {"team": "B", "replication": r, "attacks": 90 + noise, "cost": 12 + noise},
                 {"team": "C", "replication": r, "attacks": 70 + noise, "cost": 15 + noise}]
    exercise = ex.Exercise("ABCD", "x", "baseline", 10.0, 1, ["attacks", "cost"],
                           teams={t: ex.Team(t, submitted=True) for t in "ABC"})
    board = boards.build(exercise, pd.DataFrame(rows))
    assert board.front == ["A", "C"], "B is beaten by A on both outcomes; A and C trade attacks against cost"
    assert board.dominated["B"] == [("A", True)], "beaten clearly (beyond the noise)"
    assert board.cells[("C", "attacks")].best and board.cells[("A", "cost")].best
    assert "behind A" in boards.standing(board, "B")
