"""The reactive status quo: trigger rules that the history and the baseline inherit (and so every library
scenario but the one that removes them); they fire after a spike of violence and relax when it has passed."""

from __future__ import annotations

from dataclasses import replace

from ctsim.scenarios.library import library_names
from ctsim.scenarios.runner import build_model, resolve_scenario

REACTIONS = {"operations_surge", "deployment_surge_merged", "major_operation_formations", "major_operation_tempo",
             "spectacular_attack"}


def test_the_history_the_baseline_and_every_policy_scenario_inherit_the_reactive_state():
    assert {t.name for t in resolve_scenario("reactive_state").triggers} == REACTIONS
    for name in library_names():
        scenario = resolve_scenario(name)
        names = {t.name for t in scenario.triggers}
        if name == "unreactive_state":
            assert names == set(), "unreactive_state removes every reaction"
        elif name != "reactive_state":
            assert names >= REACTIONS, f"{name} inherits the reactive state"
        if scenario.history is not None:
            assert {t.name for t in scenario.history.triggers} == REACTIONS, f"{name}'s history reacts too"
    unreactive, baseline = resolve_scenario("unreactive_state"), resolve_scenario("baseline")
    assert unreactive.levers == baseline.levers and unreactive.schedule == baseline.schedule


def test_the_baseline_surges_after_a_spike_of_violence_and_relaxes_once_it_has_passed():
    """After the history, a spike is simulated by multiplying the militants' attack rate by 2.5 for six months (the
    trigger levels are the library's own): operations surge (kinetic intensity up) within months, a major operation
    may follow, and once attacks are back below the release levels every surge is released and intensity returns to
    the status quo's. (Since calibration version 5 the baseline's own violence grows and crosses the surge level again
    about two years later, so a later surge may fire: the test asks that the spike's surges relax, not that none
    ever fires again.)"""
    model = build_model("baseline", seed=3)
    history = resolve_scenario("baseline").history.months
    model.run(history)
    status_quo = model.policy.kinetic_intensity
    surge = next(t for t in resolve_scenario("baseline").triggers if t.name == "operations_surge")
    normal = model.attack_rate
    intensity = []
    for month in range(48):
        model.attack_rate = normal * (2.5 if month < 6 else 1.0)
        model.step()
        intensity.append(model.policy.kinetic_intensity)
    events = [(m - history, name, e) for m, name, e, lever, *_ in model.trigger_events
              if lever == "kinetic_intensity" and m > history]
    fired = [m for m, _, e in events if e == "fired"]
    assert fired and fired[0] <= 6, f"the spike fires a surge within its six months: {events}"
    assert max(intensity) >= surge.value, "operations reach at least the surge's intensity"
    calm = next((m for m in range(6, len(intensity)) if intensity[m] == status_quo), None)
    assert calm is not None, f"intensity returns to the status quo's once the spike has passed: {events}"
    # an event of month m (counted from the history's end, from 1) shows in intensity[m - 1]
    during = [e for m, _, e in events if m <= calm + 1]
    assert during.count("released") == during.count("fired"), \
        f"every surge the spike fired is released before intensity is back at the status quo's: {events}"
    model.release()


def test_the_operations_surge_fires_after_a_spike_and_relaxes_afterwards():
    """Lower the surge's levels (so the model's own violence crosses them), then raise the release level: it fires,
    holds kinetic intensity up, and lets it fall back once violence is below the release level."""
    scenario = resolve_scenario("reactive_state")
    surge = next(t for t in scenario.triggers if t.name == "operations_surge")
    spike = replace(surge, above=20.0, until_below=1e6, cooldown=12)  # fires on ordinary months, released at once
    scenario = replace(scenario, triggers=(spike,), history=None, months=30)
    model = build_model(scenario, seed=3)
    before = model.policy.kinetic_intensity
    model.run(30)
    events = [(m, e) for m, name, e, *_ in model.trigger_events if name == "operations_surge"]
    assert events[:2] == [(4, "fired"), (5, "released")], events
    fired = [m for m, e in events if e == "fired"]
    assert all(b - a >= 13 for a, b in zip(fired, fired[1:], strict=False)), "the cooldown spaces the surges"
    assert model.policy.kinetic_intensity == before or events[-1][1] == "fired"
    model.release()
