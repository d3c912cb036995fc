"""The page as Solara components, without a browser (Solara's render and find): buttons act on the session's
ensembles, the charts receive the new month, the trade-off panel and the event list speak plain words, and the
page refuses a session beyond the server's cap."""

from __future__ import annotations

import ipyvuetify as v
import solara
from solara.components.applayout import AppLayout

import ctsim.dashboard.app as app
from ctsim.dashboard.app import LiveChart, TrainerPage
from ctsim.dashboard.guard import SessionCounter


@solara.component
def InLayout():  # noqa: N802 (a Solara component): the layout Solara's server adds
    with AppLayout():
        TrainerPage()


def _charts(rc) -> dict[str, dict]:
    """The page's live charts by their first dataset's name."""
    return {next(iter(w.spec.get("datasets", {"?": 0}))): w.spec for w in rc.find(LiveChart).widgets}


def _html(rc) -> str:
    """Every paragraph of HTML on the page."""
    return " ".join(str(w.unsafe_innerHTML) for w in rc.find(solara.widgets.HTML).widgets)


def test_buttons_step_the_model_and_feed_the_charts():
    _, rc = solara.render(InLayout(), handle_error=False)
    before = _charts(rc)
    assert {"districts", "bands", "difference"} <= set(before), "map, attacks chart and attacks so far are drawn"
    rc.find(v.Btn, class_="ctsim-step12").widget.click()
    after = _charts(rc)
    assert after["bands"] != before["bands"] and after["districts"] != before["districts"], \
        "a year later the charts and the map have new data"
    months = {r["month"] for r in after["bands"]["datasets"]["bands"]}
    assert max(months) == "2025-12-01", "the charts run to the last month stepped"
    assert {r["policy"] for r in after["bands"]["datasets"]["bands"]} == {"this policy", "status quo"}


def test_the_trade_off_panel_and_the_levers_drawer():
    _, rc = solara.render(InLayout(), handle_error=False)
    assert "Your policy is the status quo itself" in _html(rc), "the panel says when there is no trade-off to show"
    assert "Press <b>Play</b>" in _html(rc)
    rc.find(v.Btn, class_="ctsim-levers").widget.click()
    drawer = rc.find(v.NavigationDrawer).widget
    assert drawer.v_model is True, "the Levers button opens the drawer"
    rc.find(v.ExpansionPanels).assert_single()
    rc.find(v.Btn, class_="ctsim-government").widget.click()
    rc.find(v.Btn, class_="ctsim-step1").widget.click()
    rows = _charts(rc)["bands"]["datasets"]["events"]
    assert any(r.get("kind") == "government" and r.get("month") == "2025-01-01" for r in rows), \
        "the change of government is marked in the month it happened"
    text = _html(rc)
    assert "January 2025: you called an early change of government" in text, "and listed in words"
    for label in ("Attacks", "Deaths in attacks", "People held without trial", "State legitimacy", "Cost"):
        assert f"<b>{label}</b>" in text, f"the trade-off panel has a line for {label}"


def test_a_session_beyond_the_cap_is_refused_in_words(monkeypatch):
    monkeypatch.setattr(app, "SESSIONS", SessionCounter(0))
    _, rc = solara.render(InLayout(), handle_error=False)
    alert = rc.find(v.Alert).widget
    assert "The dashboard is full" in str(alert.children), "the page says why, and what to do"
    assert not rc.find(LiveChart).widgets, "no model is built for a refused session"
