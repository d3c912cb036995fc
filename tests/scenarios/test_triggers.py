"""Trigger rules: strict validation, firing on the model's own outputs, holding, releasing, and the record."""

from __future__ import annotations

import pytest

from ctsim.scenarios.files import ScenarioError, load_scenario
from ctsim.scenarios.runner import build_model, run

BASE = 'name = "t"\n[run]\nstart = "2024-01"\nmonths = 24\nseed = 5\n'


def _scenario(tmp_path, triggers: str, extra: str = ""):
    path = tmp_path / "t.toml"
    path.write_text(BASE + extra + triggers)
    return load_scenario(path)


SURGE = """
[[trigger]]
name = "surge"
when = "attacks"
window = 2
above = {above}
lever = "kinetic_intensity"
value = 1.0
{end}
"""


@pytest.mark.parametrize("body, message", [
    ('name = "x"\nwhen = "attacks"\nabove = 1\nlever = "kinetic_intensity"\nvalue = 1.0',
     "needs exactly one of 'months'"),
    ('name = "x"\nwhen = "atacks"\nabove = 1\nlever = "kinetic_intensity"\nvalue = 1.0\nmonths = 3', "declared output"),
    ('name = "x"\nwhen = "attacks"\nlever = "kinetic_intensity"\nvalue = 1.0\nmonths = 3', "exactly one of 'above'"),
    ('name = "x"\nwhen = "attacks"\nabove = 1\nbelow = 0\nlever = "kinetic_intensity"\nvalue = 1.0\nmonths = 3',
     "exactly one of 'above'"),
    ('name = "x"\nwhen = "attacks"\nabove = 1\nlever = "kinetic_intensity"\nvalue = 2.0\nmonths = 3', "outside"),
    ('name = "x"\nwhen = "attacks"\nabove = 1\nlever = "ct_leed"\nvalue = 1.0\nmonths = 3', "unknown lever"),
    ('name = "x"\nwhen = "cost"\nregion = "Sindh"\nabove = 1\nlever = "dialogue"\nvalue = 1.0\nmonths = 3',
     "not reported by region"),
    ('name = "x"\nwhen = "attacks"\nregion = "Mars"\nabove = 1\nlever = "dialogue"\nvalue = 1.0\nmonths = 3',
     "must be one of"),
    ('name = "x"\nwhen = "attacks"\nabove = nan\nlever = "dialogue"\nvalue = 1.0\nmonths = 3', "finite number"),
    ('name = "x"\nwhen = "attacks"\nabove = 1\nlever = "ct_lead"\nvalue = "police"\nramp = 3\nmonths = 3',
     "only numeric levers can ramp"),
    ('name = "x y"\nwhen = "attacks"\nabove = 1\nlever = "dialogue"\nvalue = 1.0\nmonths = 3', "plain name"),
    ('name = "x"\nwhen = "attacks"\nabove = 1\nlever = "dialogue"\nvalue = 1.0\nmonths = 3\nsoon = 1', "unknown key"),
    ('name = "x"\nwhen = "change_of_government"\nabove = 1\nlever = "dialogue"\nvalue = 1.0\nmonths = 3',
     "takes no 'above'"),
    ('name = "x"\nenabled = "no"', "must be true or false"),
    ('name = "x"\nenabled = false\nabove = 1', "takes no other key"),
    ('name = "x"\nenabled = false', "none is called 'x'"),
])
def test_bad_triggers_give_one_line_naming_the_file_and_key(tmp_path, body, message):
    with pytest.raises(ScenarioError) as err:
        _scenario(tmp_path, "[[trigger]]\n" + body + "\n")
    text = str(err.value)
    assert str(tmp_path / "t.toml") in text and "trigger" in text and message in text, text
    assert "\n" not in text


def test_two_triggers_may_not_share_a_name(tmp_path):
    one = SURGE.format(above=1, end="months = 3")
    with pytest.raises(ScenarioError, match="another trigger is called 'surge'"):
        _scenario(tmp_path, one + one)


def test_a_trigger_fires_on_its_level_holds_for_its_months_and_restores_the_lever(tmp_path):
    scenario = _scenario(tmp_path, SURGE.format(above=1.0, end="months = 4"))
    model = build_model(scenario, history=False)
    before = model.policy.kinetic_intensity
    model.run(3)  # month 3 sees months 1-2 recorded: their mean attacks far exceed 1
    events = [e for e in model.trigger_events if e[1] == "surge"]
    assert events[0][:5] == (3, "surge", "fired", "kinetic_intensity", 1.0), events
    assert model.policy.kinetic_intensity == 1.0
    assert model.record["triggers_fired"] == 1.0
    model.run(4)
    released = [e for e in model.trigger_events if e[2] == "released"]
    assert released and released[0][0] == 7, "held for 4 months from month 3, released in month 7"
    assert model.policy.kinetic_intensity in (before, 1.0)  # it may fire again at once (no cooldown)
    model.release()


def test_a_trigger_that_cannot_fire_changes_nothing(tmp_path):
    quiet = _scenario(tmp_path, SURGE.format(above=1e9, end="months = 4"))
    path = tmp_path / "plain.toml"
    path.write_text(BASE)
    a = run(quiet, history=False)
    b = run(load_scenario(path), history=False)
    assert a.trigger_events == []
    assert a.national.drop(columns="triggers_fired").equals(b.national.drop(columns="triggers_fired")), \
        "a trigger that never fires must leave the run bit for bit unchanged"


def test_until_below_releases_when_violence_falls_and_cooldown_delays_refiring(tmp_path):
    # Fires while monthly attacks exceed 1 and is released once they fall below 1e9 (at once): a pulse each time
    # the cooldown allows.
    scenario = _scenario(tmp_path, SURGE.format(above=1.0, end="until_below = 1e9\ncooldown = 5"))
    result = run(scenario, history=False)
    fired = [m for m, name, event, *_ in result.trigger_events if event == "fired"]
    released = [m for m, name, event, *_ in result.trigger_events if event == "released"]
    assert fired[0] == 3 and released[0] == 4, result.trigger_events[:4]
    assert all(b - a >= 6 for a, b in zip(fired, fired[1:], strict=False)), "cooldown of 5 months after release"
    assert int(result.national["triggers_fired"].sum()) == len(fired)


def test_a_regional_trigger_reads_its_region_and_a_child_replaces_it_by_name(tmp_path):
    parent = tmp_path / "parent.toml"
    parent.write_text(BASE + SURGE.format(above=1e9, end="months = 2").replace('when = "attacks"',
                                                                           'when = "attacks"\nregion = "Punjab"'))
    child = tmp_path / "child.toml"
    child.write_text('extends = "parent.toml"\n' + SURGE.format(above=0.0, end="months = 2").replace(
        'when = "attacks"', 'when = "attacks"\nregion = "Balochistan"'))
    scenario = load_scenario(child)
    assert [t.name for t in scenario.triggers] == ["surge"] and scenario.triggers[0].above == 0.0
    result = run(scenario, history=False, months=6)
    assert any(e[2] == "fired" for e in result.trigger_events), "Balochistan's attacks exceed 0 in every month"


def test_change_of_government_trigger_fires_the_month_after_a_transition(tmp_path):
    scenario = _scenario(tmp_path, '[[trigger]]\nname = "new_government"\nwhen = "change_of_government"\n'
                                   'lever = "dialogue"\nvalue = 1.0\nmonths = 6\n', extra="")
    scenario = type(scenario)(**{**scenario.__dict__, "months": 80})
    model = build_model(scenario, history=False)
    model.run(80)
    first = model.politics.transitions[0]
    fired = [e[0] for e in model.trigger_events if e[2] == "fired"]
    assert fired == [first + 1], (first, model.trigger_events)
    model.release()


def test_an_odd_key_or_value_is_quoted_short_and_printable(tmp_path):
    body = ('[[trigger]]\nname = "x"\nwhen = "attacks"\nabove = "' + "9" * 5000 + '"\nlever = "dialogue"\n'
            'value = 1.0\nmonths = 3\n')
    with pytest.raises(ScenarioError) as err:
        _scenario(tmp_path, body)
    assert len(str(err.value)) < 400 and "finite number" in str(err.value)
    with pytest.raises(ScenarioError) as err:
        _scenario(tmp_path, '[[trigger]]\n"bad\\u001b[31mkey" = 1\n')
    assert "\x1b" not in str(err.value) and "unknown key" in str(err.value)


def test_enabled_false_removes_an_inherited_trigger_and_only_that_one(tmp_path):
    parent = tmp_path / "parent.toml"
    parent.write_text(BASE + SURGE.format(above=0.0, end="months = 2")
                      + SURGE.format(above=0.0, end="months = 2").replace('name = "surge"', 'name = "other"'))
    child = tmp_path / "child.toml"
    child.write_text('extends = "parent.toml"\n[[trigger]]\nname = "surge"\nenabled = false\n')
    assert [t.name for t in load_scenario(parent).triggers] == ["surge", "other"]
    assert [t.name for t in load_scenario(child).triggers] == ["other"], "the disabled trigger is gone, the other stays"
    result = run(load_scenario(child), history=False, months=4)
    assert {e[1] for e in result.trigger_events} == {"other"}, "a removed trigger never fires"


# ----------------------------------------------------------------------- locks and the levers as they acted
def test_a_locked_lever_is_left_where_the_scenario_sets_it(tmp_path):
    """A trigger acting on a lever the scenario locks never fires; the same trigger on an unlocked lever does, and
    the run reports the lever as it acted (set, mean, range, share of months elsewhere)."""
    free = _scenario(tmp_path, SURGE.format(above=1.0, end="months = 6"))
    moved = run(free, 5, history=False)
    assert any(e[2] == "fired" for e in moved.trigger_events), "attacks are above 1 a month: the surge fires"
    acted = moved.levers["kinetic_intensity"]
    assert acted["set"] == 0.5 and acted["high"] == 1.0 and 0.5 < acted["mean"] <= 1.0
    assert 0 < acted["months_moved"] <= 1.0
    locked = _top(tmp_path, 'locked = ["kinetic_intensity"]\n', SURGE.format(above=1.0, end="months = 6"))
    assert locked.locked == ("kinetic_intensity",)
    kept = run(locked, 5, history=False)
    assert not kept.trigger_events and "kinetic_intensity" not in kept.levers
    assert (kept.national["attacks"] != moved.national["attacks"]).any(), "the lock changes the run"


def test_locked_must_name_levers(tmp_path):
    with pytest.raises(ScenarioError, match="key 'locked\\[0\\]': unknown lever 'kinetic_intensty'"):
        _top(tmp_path, 'locked = ["kinetic_intensty"]\n')
    with pytest.raises(ScenarioError, match="key 'locked' must be a list of lever names"):
        _top(tmp_path, 'locked = "kinetic_intensity"\n')


def _top(tmp_path, top: str, triggers: str = ""):
    """A scenario whose top-level keys come before its tables."""
    path = tmp_path / "t.toml"
    path.write_text(top + BASE + triggers)
    return load_scenario(path)
