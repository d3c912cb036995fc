"""The state's reactions to violence (the trigger rules the status quo inherits) are recorded in every run of the
session and listed in words."""

from __future__ import annotations

from ctsim.dashboard.events import happenings
from ctsim.dashboard.state import DashboardSession


def test_firing_triggers_become_lines_of_the_event_list():
    # Since calibration version 14 the status quo's violence eases after 2024 and its surges rarely fire; with
    # operations eased to a tenth of their tempo it rises and the reactive state answers (on version 15 within five
    # years: one surge in the merged districts in three runs, none within three years).
    session = DashboardSession("baseline", seed=1, runs=3)
    session.set_lever("kinetic_intensity", 0.1)
    session.step(60)
    branch = session.history_months
    fired = {(e[0], e[1]) for m in session.policy.models for e in m.trigger_events if e[2] == "fired" and e[0] > branch}
    lines = [h for h in happenings(session) if h.kind == "trigger"]
    assert fired, "the reactive state's surges fire within five years of violence rising as operations ease"
    assert {h.month for h in lines} == {month for month, _ in fired}, "every month with a firing has its line"
    assert sum(h.runs for h in lines) == len(fired), "each line counts the runs in which the rule fired"
