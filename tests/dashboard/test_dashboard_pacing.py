"""Play waits for the page: the draw gate's bookkeeping, the widgets' reports, and the play loop held back until
the browser reports each month drawn (the browser simulated by calling the widgets' ``vue_drawn``)."""

from __future__ import annotations

import threading
import time

import ipyvuetify as v
import pytest
import solara
from solara.components.applayout import AppLayout

import ctsim.dashboard.app as app
from ctsim.dashboard.app import TrainerPage
from ctsim.dashboard.pacing import DrawGate
from ctsim.dashboard.widgets import LiveChart, MonthLabel


def test_gate_waits_until_every_widget_drew_what_it_was_sent():
    gate = DrawGate()
    gate.sent("map", 3)
    gate.sent("label", 3)
    gate.drawn("label", 3)
    assert not gate.caught_up(3), "a widget that has not drawn its frame holds play back"
    assert gate.behind() == {"map": 3}, "the map is the one behind"
    gate.drawn("map", 3)
    assert gate.caught_up(3) and gate.behind() == {}, "once every widget drew frame 3 the page has caught up"


def test_gate_counts_a_later_frame_as_drawing_the_earlier_ones():
    gate = DrawGate()
    gate.sent("chart", 4)
    gate.sent("chart", 5)
    gate.drawn("chart", 5)  # a slow browser skipped month 4 and drew the newest data
    assert gate.caught_up(5), "drawing frame 5 covers frame 4"
    gate.drawn("chart", 2)  # a late report of an old frame
    assert gate.caught_up(5), "an old report does not move a widget back"
    gate.drawn("gone", 9)  # a report from a chart that has left the page
    assert gate.behind() == {} and gate.caught_up(5), "a report from a widget that left changes nothing"


def test_gate_is_not_caught_up_before_the_frame_was_sent():
    gate = DrawGate()
    assert not gate.caught_up(1), "a page not yet sent its first frame (still rendering) has not drawn it"
    gate.sent("label", 1)
    gate.drawn("label", 1)
    assert not gate.caught_up(2), "frame 2 cannot have been drawn before the page was sent it"


def test_a_page_whose_widgets_left_has_nothing_to_wait_for():
    gate = DrawGate()
    gate.sent("chart", 1)
    gate.forget("chart")
    assert gate.caught_up(7), "a closed page (no widgets) does not hold play back"


def test_wait_ends_when_the_browser_reports():
    gate = DrawGate()
    gate.sent("chart", 1)
    threading.Timer(0.2, gate.drawn, ("chart", 1)).start()
    began = time.monotonic()
    assert gate.wait(1, timeout=5), "the wait returns True when the page caught up"
    assert time.monotonic() - began < 2, "the wait ends soon after the report, not at the timeout"


def test_wait_gives_up_at_the_timeout_and_on_stop():
    gate = DrawGate()
    gate.sent("chart", 1)
    began = time.monotonic()
    assert not gate.wait(1, timeout=0.3), "a page that never reports times out"
    assert 0.3 <= time.monotonic() - began < 2, "the timeout bounds the wait: a closed tab never hangs play"
    began = time.monotonic()
    assert not gate.wait(1, timeout=30, stop=lambda: True), "a stop (pause) ends the wait"
    assert time.monotonic() - began < 1, "a pause is not kept waiting for the page"


def test_widgets_report_what_they_were_sent_drew_and_left():
    gate = DrawGate()
    label = MonthLabel(label="2025-01", month=1, horizon=120, frame=1, gate=gate)
    assert gate.behind() == {id(label): 1}, "a widget given frame 1 is counted as sent it"
    label.vue_drawn(1)
    assert gate.caught_up(1), "the browser's report (the vue_drawn event) marks the frame drawn"
    label.frame = 2
    assert not gate.caught_up(2), "a new frame is awaited again"
    label.close()
    assert gate.caught_up(2), "a closed widget is no longer waited for"
    untracked = MonthLabel(frame=0, gate=gate)
    assert gate.caught_up(2) and not gate.behind(), "frame 0 marks a widget nobody waits for"
    untracked.close()


@solara.component
def InLayout():  # noqa: N802 (a Solara component): the sidebar and app bar need the layout Solara's server adds
    with AppLayout():
        TrainerPage()


def _month(rc) -> int:
    return rc.find(MonthLabel).widget.month


def _browser_draws(gate: DrawGate) -> None:
    """What the page's Vue templates do once a month is on the screen: report every frame they were sent."""
    for widget, frame in gate.behind().items():
        gate.drawn(widget, frame)


def _wait_until(condition, timeout: float = 20.0) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if condition():
            return True
        time.sleep(0.02)
    return False


@pytest.fixture
def page():
    _, rc = solara.render(InLayout(), handle_error=False)
    gate = rc.find(MonthLabel).widget.gate
    yield rc, gate
    play = rc.find(v.Btn, class_="ctsim-play").widget
    if play.children and "Pause" in str(play.children):
        play.click()


def test_play_steps_the_next_month_only_once_the_page_drew_this_one(page):
    rc, gate = page
    assert {type(w) for w in (rc.find(MonthLabel).widget, *rc.find(LiveChart).widgets)} == {MonthLabel, LiveChart}
    rc.find(v.Btn, class_="ctsim-play").widget.click()
    assert _wait_until(lambda: _month(rc) == 1), "play steps the first month"
    time.sleep(1.0)
    assert _month(rc) == 1, "with nothing drawn in the browser, play waits instead of stepping on"
    assert len(gate.behind()) == 4, "the month label, the map and both attacks charts are awaited"
    for month in (2, 3):
        _browser_draws(gate)
        assert _wait_until(lambda month=month: _month(rc) == month), "each report lets one more month through"
        time.sleep(0.5)
        assert _month(rc) == month, "and only one"
    rc.find(v.Btn, class_="ctsim-play").widget.click()  # pause while month 3 is being drawn
    _browser_draws(gate)
    time.sleep(1.0)
    assert _month(rc) == 3, "after a pause no month is stepped, even once the page caught up"


def test_a_page_that_never_draws_slows_play_but_does_not_stop_it(page, monkeypatch):
    monkeypatch.setattr(app, "DRAW_TIMEOUT_S", 0.3)
    rc, _ = page
    rc.find(v.Btn, class_="ctsim-play").widget.click()
    assert _wait_until(lambda: _month(rc) >= 3, timeout=30), \
        "play moves on after each timeout: a closed tab never hangs the play thread"


def test_charts_of_a_tab_left_are_no_longer_awaited(page):
    rc, gate = page
    rc.find(v.Btn, class_="ctsim-step1").widget.click()
    assert len(gate.behind()) == 4, "on the Run tab the label, the map and both attacks charts await their month"
    rc.find(v.Tabs).widget.v_model = 1  # "Compare"
    rc.find(v.Btn, class_="ctsim-step1").widget.click()
    assert len(gate.behind()) == 1, "on the Compare tab only the month label follows the run"
    _browser_draws(gate)
    assert gate.caught_up(rc.find(MonthLabel).widget.frame), "the charts that left do not hold play back"
