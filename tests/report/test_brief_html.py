"""The brief as a reader gets it: one HTML file that opens offline in Chromium with every image loaded, prints to
A4 pages, and is made by ``ctsim report`` (or ``ctsim compare --report``) from each kind of result."""

from __future__ import annotations

import re

import pytest

from ctsim.cli import main
from ctsim.report import make_report
from ctsim.report.pdf import offline_only


def _open_offline(browser, html_path):
    """Open the file with every request that is not a local file aborted; return the page and the blocked URLs."""
    blocked = []
    page = browser.new_page()

    def route(r):
        if not r.request.url.startswith(("file:", "data:")):
            blocked.append(r.request.url)
        offline_only(r)

    page.route("**/*", route)
    page.goto(html_path.resolve().as_uri(), wait_until="load")
    return page, blocked


@pytest.mark.parametrize("kind", ["compare_result", "batch_result", "morris_result"])
def test_brief_opens_offline_with_every_image_loaded(kind, request, browser, tmp_path):
    folder = request.getfixturevalue(kind)
    (html,) = make_report(folder, tmp_path / "brief.html")
    text = html.read_text()
    assert not re.search(r'(src|href)="(https?:)?//', text), "self-contained: no external images, styles or scripts"
    page, blocked = _open_offline(browser, html)
    try:
        sizes = page.eval_on_selector_all("img", "imgs => imgs.map(i => [i.complete, i.naturalWidth])")
        assert sizes, "the brief holds charts"
        assert all(done and width > 0 for done, width in sizes), f"every image loads offline: {sizes}"
        assert blocked == [], f"the brief asks for nothing outside the file: {blocked}"
        if kind == "morris_result":
            assert page.locator("table.ranking").count() == 2, "a ranking table per outcome"
        else:
            assert page.locator("table.headline tr[data-outcome]").count() == 10, "the headline table, 10 outcomes"
            assert page.locator("table.headline").first.is_visible()
        assert "not a forecast" in page.inner_text("body"), "the brief says it is exploratory"
    finally:
        page.close()


def test_pdf_is_a4_pages_holding_the_headline(compare_result, tmp_path, browser):
    pypdf = pytest.importorskip("pypdf")
    html, pdf = make_report(compare_result, tmp_path / "brief.html", pdf=True)
    reader = pypdf.PdfReader(pdf)
    # The compare brief holds 3 text sections, 4 charts and 6 tables: more than two pages, fewer than ten.
    assert 3 <= len(reader.pages) <= 9, f"expected 3-9 A4 pages, got {len(reader.pages)}"
    for page in reader.pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert (round(width), round(height)) == (595, 842), "every page is A4 (595 x 842 points)"
    text = " ".join(p.extract_text() for p in reader.pages)
    assert "Headline outcomes against" in text, "the PDF holds the headline section"
    assert "90% interval" in text and "Rs " in text and "FY2024-25" in text, "with its intervals and costs in rupees"


def test_report_command_writes_the_brief_and_refuses_a_non_result(compare_result, tmp_path, capsys):
    out = tmp_path / "x" / "b.html"
    assert main(["report", str(compare_result), "--out", str(out)]) == 2, "a missing folder is not created silently"
    assert "does not exist" in capsys.readouterr().err and not out.parent.exists()
    out.parent.mkdir()
    assert main(["report", str(compare_result), "--out", str(out)]) == 0
    assert out.is_file() and f"brief written to {out}" in capsys.readouterr().out
    assert main(["report", str(tmp_path)]) == 2, "a folder that is no result: exit status 2"
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "not a result of ctsim compare" in err, "one line naming what is missing"


def test_compare_report_flag_and_hint(tmp_path, capsys):
    from ctsim.scenarios.library import library_path

    assert main(["compare", "baseline", str(library_path("justice_reform")), "--replications", "2", "--months",
                 "12", "--out", str(tmp_path), "--report"]) == 0
    out = capsys.readouterr().out
    folder = next((tmp_path / "compare").iterdir())
    assert (folder / "brief.html").is_file(), "compare --report writes the brief into the result folder"
    assert "prosecution capacity" in out.lower(), "compare's table names the lever that changed, by its label"
    assert "verdict" in out and "Rs " in out and "FY2024-25" in out, "plain verdicts and rupees on screen"
    assert out.index("In short:") < out.index("Levers changed:"), "the bottom line first"
    assert main(["compare", "baseline", str(library_path("justice_reform")), "--replications", "2", "--months",
                 "12", "--out", str(tmp_path)]) == 0
    assert "make a brief: ctsim report " in capsys.readouterr().out, "without --report it prints the command"


def test_page_one_is_pictured_as_printed_on_a4(compare_result, tmp_path, browser):
    """The picture docs/brief.md shows: the first A4 page at the print stylesheet, 794 x 1123 CSS pixels (A4 at 96
    dpi) times the scale, holding the title and the bottom line."""
    from PIL import Image

    from ctsim.report.pdf import A4_PX, screenshot

    (html,) = make_report(compare_result, tmp_path / "brief.html")
    png = screenshot(html, tmp_path / "page1.png", scale=1.0)
    with Image.open(png) as image:
        assert image.size == A4_PX, f"page 1 at A4's proportions, got {image.size}"
        colours = image.convert("L").getextrema()
    assert colours[0] < 100 < colours[1], "the page holds dark text on a light page, not a blank picture"


def test_the_brief_names_the_years_the_runs_replay_and_the_fit_uses(compare_result, tmp_path):
    from ctsim.calibration.targets import ANNUAL, HISTORY_NAME
    from ctsim.report import words
    from ctsim.scenarios.files import resolve_scenario

    history = resolve_scenario(HISTORY_NAME)
    first = int(history.reported_start[:4])  # its spin-up (from 2010) is run, not reported
    assert words.past_years() == f"{first}-{int(history.start[:4]) + (history.months - 1) // 12}", \
        "the history scenario's own reported years"
    fitted = words.fitted_years()
    assert all(str(year) in fitted for year in (min(ANNUAL), max(ANNUAL))), "the first and last fitted years"
    (html,) = make_report(compare_result, tmp_path / "brief.html")
    text = html.read_text()
    assert f"simulated past ({words.past_years()})" in text and f"fitted to {fitted}" in text, \
        "the brief names the simulated past and the fitted years the runs really have"
    assert "(2022-2024)" not in text, "not the three years of the earlier, shorter history"
