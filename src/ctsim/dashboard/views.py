"""The page's pictures as Altair (Vega-Lite) specifications: the district map, the monthly charts, the deployment
mix and the comparison bands.

Every chart has dated axes (months); the 2022-2024 history is shaded and labelled; the trainer's lever changes,
undo, changes of government and the levers a new government reverted are vertical rules whose tooltip says what
happened. The charts redrawn every month are Vega-Lite dictionaries; the comparison's are Altair charts, and
:func:`spec` turns one into the dictionary the page sends, without Altair's schema validation (the charts are fixed
by this module, and validation costs more than drawing).
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from ctsim.data import REGIONS
from ctsim.declarations.outputs import OUTPUTS_BY_NAME

from .state import MAP_MEASURES, Event

# National series on the main charts: output -> title for people.
SERIES: dict[str, str] = {
    "attacks": "Attacks per month",
    "deaths": "Deaths in attacks per month",
    "recruits": "Recruits into militant cells per month",
    "legitimacy": "Legitimacy of the state (index 0-1)",
    "cost": "Cost index per month (police-equivalents)",
}
REGIONAL_SERIES = ("attacks", "deaths", "recruits", "legitimacy")
FORCES = {"operations_police": "police", "operations_paramilitary": "paramilitary (Rangers, FC)",
          "operations_military": "military"}
EVENT_COLOURS = {"lever": "#1f77b4", "undo": "#7f7f7f", "government": "#d62728", "reverted": "#ff7f0e",
                 "trigger": "#9467bd"}
EVENT_NAMES = {"lever": "lever changed", "undo": "undo to scenario", "government": "change of government",
               "reverted": "lever reverted", "trigger": "trigger rule"}
WIDTH = 290
HEIGHT = 150


def spec(chart) -> dict:
    """The Vega-Lite dictionary of a chart (unvalidated), or the dictionary itself."""
    return chart if isinstance(chart, dict) else chart.to_dict(validate=False)


# The charts redrawn every month are written as Vega-Lite dictionaries directly: Altair takes about 0.2 s to build
# and serialise the six panels, more than the whole month's budget (benchmarks/bench_dashboard.py). Their data sit in
# named ``datasets``, so that the page can swap the data of a running chart instead of drawing it anew.
SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json"  # names the version; nothing is fetched


def _iso(values) -> list[str]:
    return [pd.Timestamp(v).strftime("%Y-%m-%d") for v in values]


def events_frame(events: Sequence[Event], start: pd.Period) -> list[dict]:
    """Events as records with the first day of the month from which they apply."""
    return [{"month": (start + (e.month - 1)).to_timestamp().strftime("%Y-%m-%d"), "kind": e.kind,
             "what": EVENT_NAMES[e.kind], "text": e.text} for e in events]


def history_frame(start: pd.Period, history_months: int) -> list[dict]:
    """One record spanning the history months (none without a history)."""
    if history_months <= 0:
        return []
    return [{"from": start.to_timestamp().strftime("%Y-%m-%d"),
             "to": (start + history_months).to_timestamp().strftime("%Y-%m-%d"),
             "label": f"history {start.year}-{(start + history_months - 1).year} (calibrated; the scenario starts "
                      f"after it)"}]


def _x(domain: list[str]) -> dict:
    return {"field": "month", "type": "temporal", "title": None, "scale": {"domain": domain},
            "axis": {"format": "%Y", "tickCount": "year"}}


def _decorations() -> list[dict]:
    """The shaded history and the event rules (named datasets ``history`` and ``events``); the x scale's domain is
    set by the chart's main layer only (set twice, Vega-Lite warns of a conflict)."""
    return [
        {"data": {"name": "history"}, "mark": {"type": "rect", "color": "#bbbbbb", "opacity": 0.3},
         "encoding": {"x": {"field": "from", "type": "temporal", "title": None},
                      "x2": {"field": "to"},
                      "tooltip": [{"field": "label", "type": "nominal", "title": "period"}]}},
        {"data": {"name": "events"}, "mark": {"type": "rule", "strokeWidth": 2, "strokeDash": [4, 2]},
         "encoding": {"x": {"field": "month", "type": "temporal", "title": None},
                      "color": {"field": "what", "type": "nominal", "title": "marks",
                                "scale": {"domain": list(EVENT_NAMES.values()),
                                          "range": [EVENT_COLOURS[k] for k in EVENT_NAMES]}},
                      "tooltip": [{"field": "text", "type": "nominal", "title": "what happened"}]}},
    ]


def _records(frame: pd.DataFrame, columns: Sequence[str]) -> list[dict]:
    out = frame[list(columns)].copy()
    out["month"] = _iso(out["month"])
    return out.to_dict("records")


def national_charts(national: pd.DataFrame, history: list[dict], events: list[dict],
                    horizon_end: pd.Timestamp) -> dict:
    """Small multiples of the national series, with the history shaded and the events marked.

    One faceted chart (each series a facet with its own y scale) rather than a concatenation of layered charts:
    the browser compiles it several times faster, which is most of the month's redraw time. The history and the
    events are repeated for each series so that every facet carries them.
    """
    domain = [_iso(national["month"][:1])[0] if len(national) else None, horizon_end.strftime("%Y-%m-%d")]
    months = _iso(national["month"])
    rows = [{"series": title, "month": m, "value": float(v)}
            for name, title in SERIES.items() for m, v in zip(months, national[name], strict=True)]
    rows += [{"series": title, "from": h["from"], "to": h["to"], "label": h["label"]}
             for title in SERIES.values() for h in history]
    rows += [{"series": title, "event_month": e["month"], "what": e["what"], "text": e["text"]}
             for title in SERIES.values() for e in events]
    x = {"field": "month", "type": "temporal", "title": None, "scale": {"domain": domain},
         "axis": {"format": "%Y", "tickCount": "year"}}
    layers = [
        {"mark": {"type": "rect", "color": "#bbbbbb", "opacity": 0.3}, "transform": [{"filter": "datum.from"}],
         "encoding": {"x": {"field": "from", "type": "temporal"}, "x2": {"field": "to"},
                      "tooltip": [{"field": "label", "type": "nominal", "title": "period"}]}},
        {"mark": {"type": "line", "color": "#333333"}, "transform": [{"filter": "datum.value != null"}],
         "encoding": {"x": x, "y": {"field": "value", "type": "quantitative", "title": None},
                      "tooltip": [{"field": "month", "type": "temporal", "format": "%b %Y"},
                                  {"field": "value", "type": "quantitative", "format": ",.3~f"}]}},
        {"mark": {"type": "rule", "strokeWidth": 2, "strokeDash": [4, 2]},
         "transform": [{"filter": "datum.event_month"}],
         "encoding": {"x": {"field": "event_month", "type": "temporal"},
                      "color": {"field": "what", "type": "nominal", "title": "marks",
                                "scale": {"domain": list(EVENT_NAMES.values()),
                                          "range": [EVENT_COLOURS[k] for k in EVENT_NAMES]}},
                      "tooltip": [{"field": "text", "type": "nominal", "title": "what happened"}]}},
    ]
    return {"$schema": SCHEMA, "data": {"name": "rows"}, "datasets": {"rows": rows},
            "facet": {"field": "series", "type": "nominal", "title": None, "sort": list(SERIES.values()),
                      "header": {"labelFontSize": 12, "labelFontWeight": "bold"}},
            "columns": 3, "spec": {"width": WIDTH, "height": HEIGHT, "layer": layers},
            "resolve": {"scale": {"y": "independent"}, "axis": {"x": "independent"}}}


def mix_chart(national: pd.DataFrame, history: list[dict], events: list[dict], horizon_end: pd.Timestamp) -> dict:
    """The deployment mix as a chart of its own."""
    domain = [_iso(national["month"][:1])[0] if len(national) else None, horizon_end.strftime("%Y-%m-%d")]
    return {"$schema": SCHEMA, **_mix_panel(domain),
            "datasets": {"national": _records(national, ["month", *FORCES]), "history": history, "events": events}}


def _mix_panel(domain: list[str]) -> dict:
    """Share of CT operations led by police, paramilitary and military, month by month."""
    area = {"data": {"name": "national"},
            "transform": [{"fold": list(FORCES), "as": ["force_key", "operations"]},
                          {"calculate": " : ".join(f"datum.force_key === '{k}' ? '{v}'" for k, v in FORCES.items())
                           + " : ''", "as": "force"}],
            "mark": {"type": "area", "opacity": 0.85},
            "encoding": {"x": _x(domain),
                         "y": {"field": "operations", "type": "quantitative", "stack": "normalize",
                               "title": "share of operations", "axis": {"format": "%"}},
                         "color": {"field": "force", "type": "nominal", "title": "force",
                                   "scale": {"domain": list(FORCES.values()),
                                             "range": ["#4c78a8", "#72b7b2", "#54a24b"]}},
                         "tooltip": [{"field": "month", "type": "temporal", "format": "%b %Y"},
                                     {"field": "force", "type": "nominal"},
                                     {"field": "operations", "type": "quantitative", "format": ",.0f"}]}}
    return {"title": "Deployment mix (share of operations)", "width": WIDTH, "height": HEIGHT,
            "layer": [area, *_decorations()], "resolve": {"scale": {"color": "independent"}}}


def regional_chart(regional: pd.DataFrame, output: str, history: list[dict], events: list[dict],
                   horizon_end: pd.Timestamp) -> dict:
    """One output by region, month by month."""
    domain = [_iso(regional["month"][:1])[0] if len(regional) else None, horizon_end.strftime("%Y-%m-%d")]
    lines = {"data": {"name": "regional"}, "mark": "line",
             "encoding": {"x": _x(domain),
                          "y": {"field": output, "type": "quantitative", "title": OUTPUTS_BY_NAME[output].unit},
                          "stroke": {"field": "region", "type": "nominal", "title": "region",
                                     "scale": {"domain": list(REGIONS)}},
                          "tooltip": [{"field": "month", "type": "temporal", "format": "%b %Y"},
                                      {"field": "region", "type": "nominal"},
                                      {"field": output, "type": "quantitative", "format": ",.3~f"}]}}
    return {"$schema": SCHEMA, "title": f"{SERIES.get(output, output)}, by region", "width": 2 * WIDTH + 60,
            "height": HEIGHT + 60, "layer": [*_decorations(), lines],
            "resolve": {"scale": {"color": "independent"}},
            "datasets": {"regional": _records(regional, ["month", "region", output]), "history": history,
                         "events": events}}


MAP_TOOLTIP = [("district", "district", None), ("region", "region", None), ("population", "population", ",.0f"),
               ("attacks", "attacks this month", ",.0f"), ("attacks_12m", "attacks, last 12 months", ",.0f"),
               ("recruits_12m", "recruits, last 12 months", ",.0f"), ("militants", "active militants", ",.0f"),
               ("legitimacy", "legitimacy", ".2f"), ("police_share", "police share of CT strength", ".0%"),
               ("paramilitary_share", "paramilitary share", ".0%"), ("military_share", "military share", ".0%")]


def district_map(districts: pd.DataFrame, measure: str) -> dict:
    """Districts at their centroids, sized by population and coloured by ``measure``; hover names the district
    and gives its figures. The month is not in the title: a chart whose only change is its data is redrawn in
    place (see ``live_chart.vue``)."""
    label, unit = MAP_MEASURES[measure]
    scheme = {"legitimacy": "blues", "police_share": "blues", "military_share": "greens"}.get(measure, "orangered")
    tooltip = [{"field": f, "title": t, "type": "nominal" if fmt is None else "quantitative",
                **({"format": fmt} if fmt else {})} for f, t, fmt in MAP_TOOLTIP]
    return {"$schema": SCHEMA, "title": f"Districts, {label.lower()}", "width": 420, "height": 440,
            "data": {"name": "districts"}, "datasets": {"districts": districts.round(4).to_dict("records")},
            "projection": {"type": "mercator"},
            "mark": {"type": "circle", "opacity": 0.85, "stroke": "#555555", "strokeWidth": 0.4},
            "encoding": {"longitude": {"field": "lon", "type": "quantitative"},
                         "latitude": {"field": "lat", "type": "quantitative"},
                         "size": {"field": "population", "type": "quantitative", "legend": None,
                                  "scale": {"range": [15, 500]}},
                         "color": {"field": measure, "type": "quantitative", "title": [label, f"({unit})"],
                                   "scale": {"scheme": scheme}},
                         "tooltip": tooltip}}


def bands_chart(bands: pd.DataFrame, output: str):
    """Median and 5-95% band of one output per policy, month by month (``bands`` from :mod:`.compare`), as an
    Altair chart (drawn once per comparison; imported here so that the page starts faster)."""
    import altair as alt

    rows = bands[bands["output"] == output]
    base = alt.Chart(rows).encode(x=alt.X("month:T", title=None),
                                  color=alt.Color("policy:N", title="policy"))
    band = base.mark_area(opacity=0.25).encode(y=alt.Y("low:Q", title=OUTPUTS_BY_NAME[output].unit), y2="high:Q")
    median = base.mark_line().encode(
        y="median:Q", tooltip=["policy:N", alt.Tooltip("month:T", format="%b %Y"),
                               alt.Tooltip("median:Q", format=",.3~f", title="median"),
                               alt.Tooltip("low:Q", format=",.3~f", title="5th percentile"),
                               alt.Tooltip("high:Q", format=",.3~f", title="95th percentile")])
    return alt.layer(band, median).properties(title=f"{SERIES.get(output, output)}: median and 5-95% band",
                                              width=WIDTH, height=HEIGHT)


def difference_chart(differences: pd.DataFrame, reference: str, other: str):
    """Paired difference (other - reference) of each outcome with its 90% interval, relative to the reference, as an
    Altair chart."""
    import altair as alt

    rows = differences.copy()
    base_mean = rows["reference_mean"].where(rows["reference_mean"] != 0)
    rows["relative"] = rows["difference"] / base_mean
    rows["low"] = rows["ci90_low"] / base_mean
    rows["high"] = rows["ci90_high"] / base_mean
    rows = rows.dropna(subset=["relative"])
    rows["verdict"] = rows.apply(verdict, axis=1)
    base = alt.Chart(rows).encode(y=alt.Y("outcome:N", title=None, sort=None))
    bars = base.mark_rule(strokeWidth=3, color="#888888").encode(
        x=alt.X("low:Q", title=f"{other} minus {reference}, relative to {reference}", axis=alt.Axis(format="%")),
        x2="high:Q")
    points = base.mark_point(filled=True, size=60).encode(
        x="relative:Q",
        color=alt.Color("verdict:N", title="", scale=alt.Scale(
            domain=list(VERDICT_COLOURS), range=list(VERDICT_COLOURS.values()))),
        tooltip=["outcome:N", alt.Tooltip("difference:Q", format=",.4~g"),
                 alt.Tooltip("ci90_low:Q", format=",.4~g", title="90% interval, low"),
                 alt.Tooltip("ci90_high:Q", format=",.4~g", title="90% interval, high"),
                 alt.Tooltip("reference_mean:Q", format=",.4~g", title=f"{reference} mean"),
                 alt.Tooltip("scenario_mean:Q", format=",.4~g", title=f"{other} mean")])
    zero = alt.Chart(pd.DataFrame({"x": [0.0]})).mark_rule(color="black").encode(x="x:Q")
    return alt.layer(zero, bars, points).properties(
        title=f"Paired difference per run, 90% interval ({other} vs {reference})", width=420, height=300)


VERDICT_COLOURS = {"better": "#2ca02c", "worse": "#d62728", "different (no better or worse)": "#1f77b4",
                   "no clear difference": "#7f7f7f"}


def verdict(row: pd.Series) -> str:
    """Whether the 90% interval of the paired difference excludes zero, read with the outcome's declared direction
    (``better`` says which way is better for people; nothing is optimised)."""
    if not (row["ci90_low"] > 0 or row["ci90_high"] < 0):
        return "no clear difference"
    if row["better"] == "lower":
        return "better" if row["ci90_high"] < 0 else "worse"
    if row["better"] == "higher":
        return "better" if row["ci90_low"] > 0 else "worse"
    return "different (no better or worse)"
