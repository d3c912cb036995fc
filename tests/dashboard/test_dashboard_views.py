"""The pictures: map, charts, export, and the offline front end the server lays out."""

from __future__ import annotations

import json

from ctsim.dashboard import views
from ctsim.dashboard.export import charts_png, scenario_toml
from ctsim.dashboard.server import ASSETS, add_parser, offline_cdn
from ctsim.dashboard.state import MAP_MEASURES, DashboardSession
from ctsim.data import load_districts


def _session():
    s = DashboardSession("baseline", 3)
    s.step(3)
    s.set_lever("dialogue", 0.5)
    s.step(2)
    return s


def test_map_places_every_district_at_its_centroid_with_hover_figures():
    s = _session()
    for measure in MAP_MEASURES:
        spec = views.district_map(s.districts(), measure)
        points = spec["datasets"]["districts"]
        assert len(points) == 160, "one point per district"
        assert spec["encoding"]["color"]["field"] == measure, "the colour follows the chosen measure"
    packaged = load_districts().set_index("district")
    for point in points[:5]:
        assert (point["lat"], point["lon"]) == (packaged.loc[point["district"], "lat"],
                                                packaged.loc[point["district"], "lon"]), "centroids from the data"
    tooltip = {t["field"] for t in spec["encoding"]["tooltip"]}
    assert {"district", "region", "attacks", "recruits_12m", "legitimacy", "military_share"} <= tooltip


def test_charts_shade_the_history_and_mark_events():
    s = _session()
    national = s.national([*views.SERIES, *views.FORCES])
    end = (s.model.start + s.history_months + s.horizon - 1).to_timestamp()
    history = views.history_frame(s.model.start, s.history_months)
    events = views.events_frame(s.events, s.model.start)
    spec = views.national_charts(national, history, events, end)
    rows = spec["datasets"]["rows"]
    assert {r["series"] for r in rows} == set(views.SERIES.values())
    assert history == [{"from": "2022-01-01", "to": "2025-01-01", "label": history[0]["label"]}], \
        "the shaded period is the 2022-2024 history"
    assert [e["month"] for e in events if e["kind"] == "lever"] == ["2025-04-01"], \
        "the lever change is marked at the month it applies"
    assert all(e["kind"] in views.EVENT_NAMES for e in events), "only known kinds of event"
    assert sum("event_month" in r for r in rows) == len(views.SERIES) * len(events), "each series carries each event"
    json.dumps(spec)  # what the page sends must be plain JSON
    mix = views.mix_chart(national, history, events, end)
    assert len(mix["datasets"]["national"]) == s.model.steps


def test_png_export_is_an_image():
    png = charts_png(_session())
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 20_000, "the charts export as a PNG image"


def test_exported_toml_names_parent_and_seed():
    text = scenario_toml(_session())
    assert 'extends = "baseline"' in text and "seed = 3" in text and 'lever = "dialogue"' in text


def test_offline_cdn_serves_what_the_page_asks_for(tmp_path):
    cdn = offline_cdn(tmp_path / "cdn")
    for path in ("vega@5/build/vega.min.js", "vega-lite@5/build/vega-lite.min.js",
                 "vega-embed@6/build/vega-embed.min.js", "requirejs@2.3.6/require.js",
                 "font-awesome@4.5.0/css/font-awesome.min.css"):
        assert (cdn / path).is_file(), f"{path} is served from disk, not fetched from the internet"
    assert all((ASSETS / f"LICENSE-{name}").is_file() for name in ("vega", "vega-lite", "vega-embed")), \
        "shipped builds carry their licences"


def test_cli_defaults_to_loopback_8765():
    import argparse

    parser = argparse.ArgumentParser()
    add_parser(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["dashboard"])
    assert (args.host, args.port) == ("127.0.0.1", 8765), "the dashboard listens on this computer only by default"


def test_a_port_in_use_is_reported_before_starting():
    import socket

    import pytest

    from ctsim.dashboard.server import ServerError, check_free

    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        held.listen()
        with pytest.raises(ServerError, match="--port"):
            check_free("127.0.0.1", held.getsockname()[1])
