"""Scenario files: inheritance, schedules and every validation message."""

from __future__ import annotations

from pathlib import Path

import pytest

from ctsim.declarations.levers import Policy
from ctsim.model.core import CTModel
from ctsim.scenarios.files import ScenarioError, Schedule, ScheduleEntry, load_scenario

ROOT = Path(__file__).resolve().parents[2]


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text)
    return path


def test_child_inherits_and_overrides(tmp_path):
    write(tmp_path, "parent.toml", """
name = "parent"
[run]
start = "2024-01"
months = 60
seed = 5
replications = 4
[levers]
ct_lead = "rangers"
madrasa_reform = 0.5
[uncertainties]
sanctuary_strength = 0.3
[[schedule]]
month = 10
lever = "development"
value = 0.5
""")
    child = write(tmp_path, "child.toml", """
extends = "parent.toml"
[run]
months = 48
[levers]
madrasa_reform = 1.0
[uncertainties]
hit_fraction = 0.2
[[schedule]]
date = "2025-01"
lever = "development"
value = 1.0
""")
    s = load_scenario(child)
    assert s.name == "child", "a child is named after its own file unless it says otherwise"
    assert (s.start, s.months, s.seed, s.replications) == ("2024-01", 48, 5, 4)
    assert s.levers == {"ct_lead": "rangers", "madrasa_reform": 1.0}
    assert s.uncertainties == {"sanctuary_strength": 0.3, "hit_fraction": 0.2}
    assert [(e.month, e.value) for e in s.schedule] == [(10, 0.5), (13, 1.0)], "parent's entries first; dates resolved"
    assert s.files == (child, (tmp_path / "parent.toml").resolve())
    assert len(s.sha256) == 64 and s.sha256 != load_scenario(tmp_path / "parent.toml").sha256


def test_parent_dates_follow_the_childs_start(tmp_path):
    write(tmp_path, "p.toml", '[[schedule]]\ndate = "2026-01"\nlever = "dialogue"\nvalue = 1.0\n')
    child = write(tmp_path, "c.toml", 'extends = "p.toml"\n[run]\nstart = "2025-01"\nmonths = 24\n')
    assert load_scenario(child).schedule[0].month == 13


@pytest.mark.parametrize("text, expected", [
    ('extends = "missing.toml"\n', "key 'extends': file not found"),
    ('extends = 3\n', "key 'extends' must be the path of a scenario file"),
    ('[run]\nmonths = 12\n[[schedule]]\nmonth = 13\nlever = "dialogue"\nvalue = 1.0\n',
     "key 'schedule[0]': month 13 is outside the horizon (months 1 to 12, 2025-01 to 2025-12)"),
    ('[run]\nmonths = 12\n[[schedule]]\ndate = "2023-12"\nlever = "dialogue"\nvalue = 1.0\n',
     "key 'schedule[0]': date 2023-12 is outside the horizon"),
    ('[[schedule]]\ndate = "2024-1"\nlever = "dialogue"\nvalue = 1.0\n',
     "key 'schedule[0].date' must be a month written YYYY-MM"),
    ('[[schedule]]\nmonth = 3\ndate = "2024-03"\nlever = "dialogue"\nvalue = 1.0\n',
     "needs exactly one of 'month' (1 = first month) or 'date'"),
    ('[[schedule]]\nmonth = 3\nlever = "dialog"\nvalue = 1.0\n',
     "key 'schedule[0].value': unknown lever; did you mean 'dialogue'?"),
    ('[[schedule]]\nmonth = 3\nlever = "dialogue"\nvalue = 2.0\n',
     "key 'schedule[0].value': 'dialogue' = 2.0 is outside the valid range [0.0, 1.0]"),
    ('[[schedule]]\nmonth = 3\nlever = "ct_lead"\nvalue = "police"\nramp = 6\n',
     "key 'schedule[0].ramp': lever 'ct_lead' is a choice; only numeric levers can ramp"),
    ('[[schedule]]\nmonth = 3\nlever = "dialogue"\nvalue = 1.0\nramps = 6\n',
     "unknown key 'schedule[0].ramps'; did you mean 'ramp'?"),
    ('[[schedule]]\nmonth = 3\nvalue = 1.0\n', "key 'schedule[0]' needs 'lever' and 'value'"),
    ('schedule = 3\n', "key 'schedule' must be a list"),
    ('[run]\nreplications = 0\n', "key 'run.replications' = 0 is outside the valid range [1, 10000]"),
    ('[levers]\nhandover_months = 2.5\n', "key 'levers.handover_months': 'handover_months' must be a whole number"),
    ('[levers]\nprosecution_capacity = "high"\n', "'prosecution_capacity' must be a number"),
    ('[uncertainties]\nsanctuary_strength = 1.5\n', "key 'uncertainties.sanctuary_strength'"),
    ('[parameters]\nsanctuary_strength = 0.5\n', "unknown key 'parameters'"),
    ('name = "a b"\n', "key 'name' = 'a b' may hold only letters"),
])
def test_validation_messages_name_file_and_key(tmp_path, text, expected):
    path = write(tmp_path, "s.toml", text)
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    message = str(err.value)
    assert message.startswith(str(path)), f"message should start with the file: {message}"
    assert expected in message


def test_cyclic_extends_is_reported(tmp_path):
    write(tmp_path, "a.toml", 'extends = "b.toml"\n')
    write(tmp_path, "b.toml", 'extends = "a.toml"\n')
    with pytest.raises(ScenarioError, match=r"key 'extends': cyclic inheritance \(a.toml -> b.toml -> a.toml\)"):
        load_scenario(tmp_path / "a.toml")
    write(tmp_path, "self.toml", 'extends = "self.toml"\n')
    with pytest.raises(ScenarioError, match="cyclic inheritance"):
        load_scenario(tmp_path / "self.toml")


def test_error_in_parent_names_the_parent(tmp_path):
    write(tmp_path, "p.toml", "[levers]\nct_lead = 'army'\n")
    child = write(tmp_path, "c.toml", 'extends = "p.toml"\n')
    with pytest.raises(ScenarioError) as err:
        load_scenario(child)
    assert str(err.value).startswith(str((tmp_path / "p.toml").resolve())) and "levers.ct_lead" in str(err.value)


class _Stub:
    def __init__(self, policy):
        self.policy = policy
        self.reverted_levers = []


def test_schedule_sets_and_ramps_levers():
    schedule = Schedule((ScheduleEntry(3, "prosecution_capacity", 5.0, ramp=4),
                         ScheduleEntry(2, "ct_lead", "police"),
                         ScheduleEntry(4, "military_formations", 20, ramp=3)))
    stub = _Stub(Policy())
    seen = []
    for month in range(1, 9):
        schedule(stub, month)
        seen.append((stub.policy.ct_lead, stub.policy.prosecution_capacity, stub.policy.military_formations))
    assert [s[0] for s in seen] == ["military"] + ["police"] * 7
    assert [s[1] for s in seen] == [1.0, 1.0, 2.0, 3.0, 4.0, 5.0, 5.0, 5.0], "linear ramp over 4 months"
    assert [s[2] for s in seen] == [10, 10, 10, 13, 17, 20, 20, 20], "int levers ramp in whole steps"


def test_a_reverted_lever_stops_ramping():
    schedule = Schedule((ScheduleEntry(1, "development", 1.0, ramp=10),))
    stub = _Stub(Policy())
    for month in range(1, 4):
        schedule(stub, month)
    assert stub.policy.development == pytest.approx(0.3)
    stub.policy.development = 0.0
    stub.reverted_levers.append((3, "development"))
    schedule(stub, 4)
    assert stub.policy.development == 0.0, "after a reversion the ramp no longer applies"


def test_scheduled_change_reaches_the_model(tmp_path):
    path = write(tmp_path, "s.toml", '[run]\nmonths = 6\n[[schedule]]\nmonth = 4\nlever = "ct_lead"\n'
                                     'value = "police"\n')
    scenario = load_scenario(path)
    model = CTModel(policy=scenario.policy(), seed=1, on_month=scenario.scheduler())
    model.run(3)
    assert model.policy.ct_lead == "military"
    weights_before = model.lead_weights.copy()
    model.run(1)
    assert model.policy.ct_lead == "police"
    assert model.lead_weights[2] > weights_before[2], "the handover toward the police has begun"
    model.release()


def test_readme_example_scenario_is_valid(tmp_path):
    readme = (ROOT / "README.md").read_text()
    block = readme.split("```toml\n", 1)[1].split("```", 1)[0]
    for name in ("baseline.toml", "history_2013_2024.toml", "history_2022_2024.toml"):
        (tmp_path / name).write_text((ROOT / "scenarios" / name).read_text())
    scenario = load_scenario(write(tmp_path, "example.toml", block))
    assert scenario.name == "justice_then_police" and len(scenario.schedule) == 2


def test_a_file_read_again_is_read_afresh_when_it_or_its_parent_changed(tmp_path):
    """Reading a file twice gives the same scenario without parsing it again, but a change to any file of its
    chain on disk is read, and a caller's changes to what it got never reach the next caller."""
    import os

    parent = write(tmp_path, "parent.toml", 'name = "parent"\n[levers]\nprosecution_capacity = 2.0\n')
    child = write(tmp_path, "child.toml", 'name = "child"\nextends = "parent.toml"\n[levers]\nmadrasa_reform = 0.5\n')
    first = load_scenario(child)
    first.levers["madrasa_reform"] = 0.9  # a caller changing its copy
    again = load_scenario(child)
    assert again.levers == {"prosecution_capacity": 2.0, "madrasa_reform": 0.5}
    parent.write_text('name = "parent"\n[levers]\nprosecution_capacity = 4.0\n')
    os.utime(parent, ns=(1, 1))  # a new modification time, whatever the clock's resolution
    assert load_scenario(child).levers["prosecution_capacity"] == 4.0, "the parent's change is read"
    child.unlink()
    with pytest.raises(ScenarioError):
        load_scenario(child)


@pytest.mark.parametrize("month", ["2024-12", "2026-01"])
def test_reactions_from_outside_the_run_is_refused_naming_the_key_and_the_months_allowed(tmp_path, month):
    path = write(tmp_path, "r.toml", f'[run]\nstart = "2025-01"\nmonths = 12\nreactions_from = "{month}"\n')
    with pytest.raises(ScenarioError, match=r"r\.toml: key 'run\.reactions_from' = .*from 2025-01 to 2025-12"):
        load_scenario(path)
    inside = write(tmp_path, "ok.toml", '[run]\nstart = "2025-01"\nmonths = 12\nreactions_from = "2025-12"\n')
    assert load_scenario(inside).reactions_month() == 12, "the run's last month is allowed"


@pytest.mark.parametrize("month", ["2024-12", "2026-01"])
def test_report_from_outside_the_run_is_refused_naming_the_key_and_the_months_allowed(tmp_path, month):
    path = write(tmp_path, "r.toml", f'[run]\nstart = "2025-01"\nmonths = 12\nreport_from = "{month}"\n')
    with pytest.raises(ScenarioError, match=r"r\.toml: key 'run\.report_from' = .*from 2025-01 to 2025-12"):
        load_scenario(path)


def test_report_from_is_refused_in_a_scenario_with_a_history(tmp_path):
    write(tmp_path, "h.toml", '[run]\nstart = "2024-01"\nmonths = 12\n')
    path = write(tmp_path, "b.toml", 'history = "h.toml"\n[run]\nstart = "2025-01"\nmonths = 12\n'
                                     'report_from = "2025-06"\n')
    with pytest.raises(ScenarioError, match=r"b\.toml: key 'run\.report_from' = .*set report_from in the history"):
        load_scenario(path)


def test_a_spin_up_is_run_but_not_reported(tmp_path):
    from ctsim.scenarios.runner import run

    whole = run(load_scenario(write(tmp_path, "w.toml", '[run]\nstart = "2025-01"\nmonths = 24\nseed = 3\n')))
    spun = load_scenario(write(tmp_path, "s.toml", '[run]\nstart = "2025-01"\nmonths = 24\nseed = 3\n'
                                                   'report_from = "2026-01"\n'))
    assert (spun.spin_up_months, spun.reported_start, spun.years) == (12, "2026-01", "2026")
    reported = run(spun)
    assert list(reported.annual.index) == [2026]
    assert reported.national["month"].iloc[0].strftime("%Y-%m") == "2026-01"
    tail = whole.national.iloc[12:].reset_index(drop=True)
    assert reported.national.equals(tail), "the reported months are the same run's, bit for bit"
    assert reported.district_attacks.sum() == tail["attacks"].sum()
    with pytest.raises(ValueError, match="ends within the 12-month spin-up"):
        run(spun, months=12)
