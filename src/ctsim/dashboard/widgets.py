"""The page's own widgets, each an ipyvue template next to this file: a chart redrawn in place every month, and the
month label. Both report the frames they draw (:mod:`.pacing`), so that play never runs ahead of the page. Also the
small pieces every view uses: a paragraph of HTML and a failure in one line."""

from __future__ import annotations

import logging
from pathlib import Path

import ipyvuetify
import solara
import traitlets

from .pacing import DrawAcknowledged
from .state import DashboardError

log = logging.getLogger("ctsim.dashboard")


class LiveChart(DrawAcknowledged, solara.widgets.VegaLite):
    """Solara's Vega-Lite widget with a template that redraws a chart whose only change is its data in place, with
    no debounce (``live_chart.vue``): the month's redraw then costs a data update, not a compilation."""

    template_file = str(Path(__file__).with_name("live_chart.vue"))


class MonthLabel(DrawAcknowledged, ipyvuetify.VuetifyTemplate):
    """Where the run stands (``month_label.vue``); on every tab, so that every month shown is acknowledged."""

    template_file = str(Path(__file__).with_name("month_label.vue"))
    label = traitlets.Unicode("").tag(sync=True)  # YYYY-MM of the last month run
    month = traitlets.Int(0).tag(sync=True)  # scenario month (0 at the branch)
    horizon = traitlets.Int(0).tag(sync=True)  # the scenario's last month


def Note(text: str, size: str = "0.85em"):  # noqa: N802 (reads like a component)
    """A short paragraph of HTML. Solara's Markdown is avoided: it loads KaTeX, which solara-assets does not ship."""
    return solara.HTML(tag="div", unsafe_innerHTML=text, style={"font-size": size, "margin": "4px 0"})


def describe_failure(exc: BaseException) -> str:
    """One line for the page: the message of an error the user can act on, or a plain report of a fault."""
    if isinstance(exc, DashboardError):
        return str(exc)
    log.exception("dashboard action failed", exc_info=exc)
    return (f"Something went wrong ({type(exc).__name__}: {exc}). The server log has the details; "
            f"Reset the run or reload the page to carry on.")
