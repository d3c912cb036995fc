"""The page's pictures as Vega-Lite specifications: "this policy" against "status quo" month by month with bands,
the attacks averted so far, the district map over the provinces, the deployment mix, and the comparison's charts.

Every chart has dated axes; the 2013-2024 history is shaded; the trainer's changes and changes of government are
vertical rules whose tooltip says what happened in words. The charts redrawn every month are Vega-Lite dictionaries
whose data sit in named ``datasets``, so that the page swaps the data of a running chart instead of compiling it
again (``live_chart.vue``); each is as wide as its place on the screen (``width: container``), so the page fills a
projector's 1024 pixels or a monitor's 1920.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from . import geo
from .state import MAP_MEASURES, DashboardSession, Event
from .words import label

SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json"  # names the version; nothing is fetched
POLICY, STATUS_QUO = "this policy", "status quo"
COLOURS = {POLICY: "#2166ac", STATUS_QUO: "#8c8c8c"}
# The outcome charts: output -> title for people.
CHARTS: dict[str, str] = {
    "attacks": "Attacks per month",
    "deaths": "Deaths in attacks per month",
    "detained_without_trial": "People held without trial",
    "legitimacy": "State legitimacy (0 to 1)",
    "cost": "Cost per month (Rs bn)",
}
# Outputs shown in another scale than the model's unit: output -> factor (rupees as billions of rupees).
SHOWN_SCALE = {"cost": 1e-9}
FORCES = {"operations_police": "police", "operations_paramilitary": "paramilitary (Rangers, FC)",
          "operations_military": "military"}
EVENT_COLOURS = {"lever": "#1f77b4", "undo": "#7f7f7f", "government": "#d62728"}
EVENT_NAMES = {"lever": "you changed a lever", "undo": "you undid your changes", "government": "change of government"}


def spec(chart) -> dict:
    """The Vega-Lite dictionary of a chart (unvalidated), or the dictionary itself."""
    return chart if isinstance(chart, dict) else chart.to_dict(validate=False)


def config(large: bool = False) -> dict:
    """Fonts large enough for the back of a room (``large``: the page's large-type switch)."""
    size = 16 if large else 12
    return {"font": "Roboto, sans-serif", "axis": {"labelFontSize": size, "titleFontSize": size},
            "legend": {"labelFontSize": size, "titleFontSize": size, "orient": "bottom"},
            "title": {"fontSize": size + 2, "anchor": "start", "frame": "bounds"}, "view": {"stroke": None}}


def _iso(values) -> list[str]:
    return [pd.Timestamp(v).strftime("%Y-%m-%d") for v in values]


def history_frame(start: pd.Period, history_months: int) -> list[dict]:
    """One record spanning the history months (none without a history)."""
    if history_months <= 0:
        return []
    return [{"from": start.to_timestamp().strftime("%Y-%m-%d"),
             "to": (start + history_months).to_timestamp().strftime("%Y-%m-%d"),
             "label": f"{start.year}-{(start + history_months - 1).year}: the recorded years the model is "
                      f"calibrated to; the policy starts after them"}]


def events_frame(events: Sequence[Event], start: pd.Period, governments: Sequence[int] = ()) -> list[dict]:
    """The trainer's actions and the changes of government as records with the first day of their month."""
    rows = [{"month": (start + (e.month - 1)).to_timestamp().strftime("%Y-%m-%d"), "kind": e.kind,
             "colour": EVENT_COLOURS[e.kind], "what": EVENT_NAMES[e.kind], "text": e.text}
            for e in events if e.kind in EVENT_COLOURS]
    for month in governments:
        day = (start + (month - 1)).to_timestamp()
        rows.append({"month": day.strftime("%Y-%m-%d"), "kind": "government", "colour": EVENT_COLOURS["government"],
                     "what": EVENT_NAMES["government"], "text": f"{day:%B %Y}: a new government took office"})
    return rows


def decorations(session: DashboardSession) -> tuple[list[dict], list[dict], list[str]]:
    """The shaded history, the marked events and the x domain (the whole run but the history's spin-up) of the
    session's charts."""
    start, shown = session.start, session.shown_from
    governments = sorted({m for m in session.model.politics.transitions if m > session.history_months}
                         - {e.month for e in session.events if e.kind == "government"})
    end = (start + session.history_months + session.horizon - 1).to_timestamp()
    domain = [(start + shown).to_timestamp().strftime("%Y-%m-%d"), end.strftime("%Y-%m-%d")]
    return (history_frame(start + shown, session.history_months - shown),
            events_frame(session.events, start, governments), domain)


def band_rows(session: DashboardSession, output: str) -> list[dict]:
    """Median and range of the runs of both policies, month by month (the history once: it is shared)."""
    with session.lock:
        months = _iso(session.months())
        scale = SHOWN_SCALE.get(output, 1.0)
        mine, reference = session.policy.array(output) * scale, session.status_quo.array(output) * scale
        branch, shown = session.history_months, session.shown_from
    rows = []
    for name, values, first in ((STATUS_QUO, reference, shown), (POLICY, mine, max(branch - 1, shown))):
        if len(values) == 0:
            continue
        median, low, high = np.median(values, axis=1), values.min(axis=1), values.max(axis=1)
        for i in range(first, len(values)):
            rows.append({"month": months[i], "policy": name, "median": round(float(median[i]), 4),
                         "low": round(float(low[i]), 4), "high": round(float(high[i]), 4)})
    return rows


def _x(domain: list[str]) -> dict:
    return {"field": "month", "type": "temporal", "title": None, "scale": {"domain": domain},
            "axis": {"format": "%Y", "tickCount": "year", "grid": False}}


def _decoration_layers() -> list[dict]:
    return [
        {"data": {"name": "history"}, "mark": {"type": "rect", "color": "#bbbbbb", "opacity": 0.3},
         "encoding": {"x": {"field": "from", "type": "temporal", "title": None}, "x2": {"field": "to"},
                      "tooltip": [{"field": "label", "type": "nominal", "title": "shaded"}]}},
        {"data": {"name": "events"}, "mark": {"type": "rule", "strokeWidth": 2, "strokeDash": [4, 2]},
         "encoding": {"x": {"field": "month", "type": "temporal", "title": None},
                      "color": {"field": "colour", "type": "nominal", "scale": None},
                      "tooltip": [{"field": "text", "type": "nominal", "title": "what happened"}]}},
    ]


def outcome_chart(session: DashboardSession, output: str, height: int = 160, large: bool = False,
                  runs: int | None = None) -> dict:
    """One outcome, this policy against the status quo: the median of the runs and the band from the lowest to the
    highest run, month by month."""
    history, events, domain = decorations(session)
    runs = len(session.policy.models) if runs is None else runs
    title = CHARTS.get(output, label(output))
    colour = {"field": "policy", "type": "nominal", "title": None,
              "scale": {"domain": [POLICY, STATUS_QUO], "range": [COLOURS[POLICY], COLOURS[STATUS_QUO]]}}
    tooltip = [{"field": "policy", "type": "nominal", "title": "policy"},
               {"field": "month", "type": "temporal", "format": "%B %Y", "title": "month"},
               {"field": "median", "type": "quantitative", "format": ",.3~f", "title": f"middle of {runs} runs"},
               {"field": "low", "type": "quantitative", "format": ",.3~f", "title": "lowest run"},
               {"field": "high", "type": "quantitative", "format": ",.3~f", "title": "highest run"}]
    layers = [
        _decoration_layers()[0],
        {"data": {"name": "bands"}, "mark": {"type": "area", "opacity": 0.22},
         "encoding": {"x": _x(domain), "y": {"field": "low", "type": "quantitative", "title": None},
                      "y2": {"field": "high"}, "color": {**colour, "legend": None}}},
        {"data": {"name": "bands"}, "mark": {"type": "line", "strokeWidth": 2},
         "encoding": {"x": {"field": "month", "type": "temporal"},
                      "y": {"field": "median", "type": "quantitative"}, "color": colour, "tooltip": tooltip}},
        _decoration_layers()[1],
    ]
    return {"$schema": SCHEMA, "title": title, "width": "container", "height": height,
            "autosize": {"type": "fit-x", "contains": "padding"}, "config": config(large),
            "datasets": {"bands": band_rows(session, output), "history": history, "events": events},
            "layer": layers}


def averted_chart(session: DashboardSession, difference: pd.DataFrame, height: int = 120,
                  large: bool = False) -> dict:
    """Attacks so far under this policy minus the status quo, summed from the branch, with its 90% interval: below
    zero, attacks averted."""
    _, events, _ = decorations(session)
    start = (session.start + session.history_months).to_timestamp()
    end = (session.start + session.history_months + session.horizon - 1).to_timestamp()
    rows = [{"month": m, "difference": round(float(d), 2), "low": round(float(lo), 2), "high": round(float(hi), 2)}
            for m, d, lo, hi in zip(_iso(difference["month"]), difference["difference"], difference["low"],
                                    difference["high"], strict=True)
            if np.isfinite(lo)]
    x = {"field": "month", "type": "temporal", "title": None,
         "scale": {"domain": [start.strftime("%Y-%m-%d"), end.strftime("%Y-%m-%d")]},
         "axis": {"format": "%Y", "tickCount": "year", "grid": False}}
    tooltip = [{"field": "month", "type": "temporal", "format": "%B %Y", "title": "up to"},
               {"field": "difference", "type": "quantitative", "format": "+,.0f", "title": "difference"},
               {"field": "low", "type": "quantitative", "format": "+,.0f", "title": "90% interval from"},
               {"field": "high", "type": "quantitative", "format": "+,.0f", "title": "to"}]
    layers = [
        {"data": {"name": "zero"}, "mark": {"type": "rule", "color": "#333333"},
         "encoding": {"y": {"field": "y", "type": "quantitative"}}},
        {"data": {"name": "difference"}, "mark": {"type": "area", "opacity": 0.25, "color": COLOURS[POLICY]},
         "encoding": {"x": x, "y": {"field": "low", "type": "quantitative",
                                    "title": "attacks"}, "y2": {"field": "high"}}},
        {"data": {"name": "difference"}, "mark": {"type": "line", "color": COLOURS[POLICY], "strokeWidth": 2},
         "encoding": {"x": {"field": "month", "type": "temporal"},
                      "y": {"field": "difference", "type": "quantitative"}, "tooltip": tooltip}},
        _decoration_layers()[1],
    ]
    # Its title is the page's (AVERTED_TITLE), in HTML above it: a chart whose axis labels carry minus signs is laid
    # out wider than its frame, and Vega would clip the start of a title anchored to it.
    return {"$schema": SCHEMA, "width": "container", "height": height,
            "autosize": {"type": "fit-x", "contains": "padding"},
            "config": config(large), "datasets": {"difference": rows, "zero": [{"y": 0}], "events": events},
            "layer": layers}


AVERTED_TITLE = ("<b>Attacks so far: this policy minus status quo</b><br><span class='ctsim-note'>below 0: fewer "
                 "attacks; band: 90% interval</span>")

MAP_TOOLTIP = [("district", "district", None), ("region", "region", None), ("population", "population", ",.0f"),
               ("attacks_12m", "attacks, last 12 months", ",.1f"),
               ("attacks_12m_change", "attacks, last 12 months, minus status quo", "+,.1f"),
               ("recruits_12m", "recruits, last 12 months", ",.1f"), ("militants", "active militants", ",.0f"),
               ("legitimacy", "legitimacy (0 to 1)", ".2f"), ("police_share", "police share of CT strength", ".0%"),
               ("military_share", "military share of CT strength", ".0%")]


def district_map(districts: pd.DataFrame, measure: str, runs: int, height: int = 330, large: bool = False) -> dict:
    """Districts as circles at their centroids, sized by population and coloured by ``measure`` on the measure's one
    scale for the whole run (:data:`.geo.SCALES`), over the outline of Pakistan's provinces; hover names the
    district and gives its figures. The month is not in the title: a chart whose only change is its data is redrawn
    in place."""
    label_text, unit_text = MAP_MEASURES[measure]
    thresholds, colours = geo.SCALES[measure]
    tooltip = [{"field": f, "title": t, "type": "nominal" if fmt is None else "quantitative",
                **({"format": fmt} if fmt else {})} for f, t, fmt in MAP_TOOLTIP]
    mean = f"mean of {runs} runs" if measure not in ("legitimacy", "militants", "military_share",
                                                     "police_share") else f"this month, mean of {runs} runs"
    columns = ["district", "region", "lat", "lon", "population", *[f for f, _, _ in MAP_TOOLTIP[3:]]]
    frame = districts[columns].round(4)
    labels = geo.bin_labels(measure, unit_text)
    frame["bin"] = [labels[geo.bin_of(measure, v)] for v in districts[measure]]
    points = frame.to_dict("records")
    provinces = {"data": {"url": geo.MAP_URL, "format": {"type": "topojson", "feature": geo.FEATURE}},
                 "mark": {"type": "geoshape", "fill": "#f4f1ea", "stroke": "#9a9a9a", "strokeWidth": 0.8}}
    circles = {"data": {"name": "districts"},
               "mark": {"type": "circle", "opacity": 0.9, "stroke": "#555555", "strokeWidth": 0.4},
               "encoding": {
                   "longitude": {"field": "lon", "type": "quantitative"},
                   "latitude": {"field": "lat", "type": "quantitative"},
                   "size": {"field": "population", "type": "quantitative", "legend": None,
                            "scale": {"range": [12, 320]}},
                   "color": {"field": "bin", "type": "ordinal",
                             "title": [label_text, f"({unit_text}; {mean})"],
                             "scale": {"domain": labels, "range": colours},
                             "legend": {"orient": "bottom", "direction": "horizontal", "titleLimit": 600,
                                        "columns": 3, "columnPadding": 6}},
                   "tooltip": tooltip}}
    return {"$schema": SCHEMA, "width": "container", "height": height,
            "autosize": {"type": "fit-x", "contains": "padding"}, "config": config(large),
            "projection": {"type": "mercator"}, "datasets": {"districts": points}, "layer": [provinces, circles]}


def mix_chart(session: DashboardSession, height: int = 150, large: bool = False) -> dict:
    """Share of counterterrorism operations led by police, paramilitary and military (this policy, mean of the
    runs), month by month."""
    history, events, domain = decorations(session)
    with session.lock:
        shown = session.shown_from
        months = _iso(session.months()[shown:])
        rows = [{"month": m, "force": title, "operations": round(float(v), 3)}
                for key, title in FORCES.items()
                for m, v in zip(months, session.policy.array(key)[shown:].mean(axis=1), strict=True)]
    area = {"data": {"name": "mix"}, "mark": {"type": "area", "opacity": 0.85},
            "encoding": {"x": _x(domain),
                         "y": {"field": "operations", "type": "quantitative", "stack": "normalize", "title": None,
                               "axis": {"format": "%"}},
                         "color": {"field": "force", "type": "nominal", "title": None,
                                   "scale": {"domain": list(FORCES.values()),
                                             "range": ["#4c78a8", "#72b7b2", "#54a24b"]}},
                         "tooltip": [{"field": "month", "type": "temporal", "format": "%B %Y"},
                                     {"field": "force", "type": "nominal"},
                                     {"field": "operations", "type": "quantitative", "format": ",.0f"}]}}
    return {"$schema": SCHEMA, "title": "Who leads operations (this policy; share of operations)",
            "width": "container", "height": height, "autosize": {"type": "fit-x", "contains": "padding"},
            "config": config(large), "datasets": {"mix": rows, "history": history, "events": events},
            "layer": [_decoration_layers()[0], area, _decoration_layers()[1]]}


def bands_chart(bands: pd.DataFrame, output: str, names: tuple[str, str]) -> dict:
    """Median and 5-95% band of one output per policy, month by month (``bands`` from :mod:`.compare`)."""
    rows = bands[bands["output"] == output]
    scale = SHOWN_SCALE.get(output, 1.0)
    records = [{"month": m, "policy": p, "median": float(md) * scale, "low": float(lo) * scale,
                "high": float(hi) * scale}
               for m, p, md, lo, hi in zip(_iso(rows["month"]), rows["policy"], rows["median"], rows["low"],
                                           rows["high"], strict=True)]
    colour = {"field": "policy", "type": "nominal", "title": None,
              "scale": {"domain": list(names), "range": [COLOURS[STATUS_QUO], COLOURS[POLICY]]}}
    title = CHARTS.get(output, label(output))
    return {"$schema": SCHEMA, "title": f"{title}: middle run and 5-95% band", "width": "container", "height": 170,
            "autosize": {"type": "fit-x", "contains": "padding"}, "config": config(),
            "data": {"values": records},
            "layer": [
                {"mark": {"type": "area", "opacity": 0.22},
                 "encoding": {"x": {"field": "month", "type": "temporal", "title": None,
                                    "axis": {"format": "%Y", "grid": False}},
                              "y": {"field": "low", "type": "quantitative", "title": None}, "y2": {"field": "high"},
                              "color": {**colour, "legend": None}}},
                {"mark": {"type": "line", "strokeWidth": 2},
                 "encoding": {"x": {"field": "month", "type": "temporal"},
                              "y": {"field": "median", "type": "quantitative"}, "color": colour,
                              "tooltip": [{"field": "policy", "type": "nominal"},
                                          {"field": "month", "type": "temporal", "format": "%B %Y"},
                                          {"field": "median", "type": "quantitative", "format": ",.3~f",
                                           "title": "middle run"},
                                          {"field": "low", "type": "quantitative", "format": ",.3~f",
                                           "title": "5th percentile"},
                                          {"field": "high", "type": "quantitative", "format": ",.3~f",
                                           "title": "95th percentile"}]}}]}


VERDICT_COLOURS = {"better": "#1a9850", "worse": "#d73027", "negligible": "#7f7f7f", "unclear": "#7f7f7f"}


__all__ = ["CHARTS", "averted_chart", "bands_chart", "district_map", "mix_chart", "outcome_chart", "spec"]
