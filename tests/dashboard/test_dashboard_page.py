"""The page as Solara components, without a browser (Solara's render and find): buttons act on the session's model
and the charts receive the new month."""

from __future__ import annotations

import ipyvuetify as v
import solara
from solara.components.applayout import AppLayout

from ctsim.dashboard.app import LiveChart, Page


@solara.component
def InLayout():  # noqa: N802 (a Solara component): the sidebar and app bar need the layout Solara's server adds
    with AppLayout():
        Page()


def _charts(rc) -> dict[str, dict]:
    """The page's live charts by their first dataset's name."""
    return {next(iter(w.spec.get("datasets", {"?": 0}))): w.spec for w in rc.find(LiveChart).widgets}


def test_buttons_step_the_model_and_feed_the_charts():
    _, rc = solara.render(InLayout(), handle_error=False)
    before = _charts(rc)
    assert {"districts", "rows", "national"} <= set(before), "map, national charts and deployment mix are drawn"
    rc.find(v.Btn, class_="ctsim-step12").widget.click()
    after = _charts(rc)
    assert after["rows"] != before["rows"] and after["districts"] != before["districts"], \
        "a year later the charts and the map have new data"
    months = {r["month"] for r in after["rows"]["datasets"]["rows"] if "month" in r}
    assert max(months) == "2025-12-01", "the charts run to the last month stepped"


def test_change_of_government_is_marked_on_the_charts():
    _, rc = solara.render(InLayout(), handle_error=False)
    rc.find(v.Btn, class_="ctsim-government").widget.click()
    rc.find(v.Btn, class_="ctsim-step1").widget.click()
    rows = _charts(rc)["rows"]["datasets"]["rows"]
    assert any(r.get("what") == "change of government" and r.get("event_month") == "2025-01-01" for r in rows), \
        "the change of government is a marked event in the month it happened"
