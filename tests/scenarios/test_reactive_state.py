"""The reactive status quo (exploratory library scenario): its triggers fire after a simulated spike and relax
afterwards, and it is the baseline plus triggers only."""

from __future__ import annotations

from dataclasses import replace

from ctsim.scenarios.runner import build_model, resolve_scenario


def test_reactive_state_is_the_baseline_plus_triggers():
    reactive, baseline = resolve_scenario("reactive_state"), resolve_scenario("baseline")
    assert reactive.levers == baseline.levers and reactive.schedule == baseline.schedule
    assert reactive.history is not None and reactive.history.sha256 == baseline.history.sha256
    assert {t.name for t in reactive.triggers} == {"operations_surge", "deployment_surge_merged",
                                                   "spectacular_attack"}


def test_the_operations_surge_fires_after_a_spike_and_relaxes_afterwards():
    """Simulate a spike by lowering the surge's levels (so the model's own violence crosses them), then raise the
    release level: it fires, holds kinetic intensity up, and lets it fall back once violence is below the release
    level."""
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
