"""Trigger rules that fire during a session are marked on the charts like changes of government."""

from __future__ import annotations

from ctsim.dashboard.state import DashboardSession


def test_a_firing_trigger_becomes_an_event_marked_on_the_charts():
    session = DashboardSession("reactive_state", seed=1)
    session.step(36)
    fired = [e for e in session.model.trigger_events if e[2] == "fired"]
    events = [e for e in session.events if e.kind == "trigger"]
    assert fired, "the reactive status quo's surge fires within three years of the baseline's rising violence"
    assert len(events) == len(session.model.trigger_events), "every firing and release is marked"
    assert events[0].month == session.model.trigger_events[0][0] and "fired" in events[0].text
