"""The page's own widgets, each an ipyvue template next to this file: a chart redrawn in place every month, and the
month label. Both report the frames they draw (:mod:`.pacing`), so that play never runs ahead of the page."""

from __future__ import annotations

from pathlib import Path

import ipyvuetify
import solara
import traitlets

from .pacing import DrawAcknowledged


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
