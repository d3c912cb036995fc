"""End to end in a real browser: the server on a free loopback port, headless Chromium through Playwright, every
request that is not to the loopback aborted (the classroom with no internet).

Chromium is Debian's /usr/bin/chromium (``make browser`` installs it); these tests fail, never skip, without it.
"""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import pytest

from ctsim.dashboard.server import ServerError, spawn
from ctsim.scenarios.files import load_scenario

# Alone, after the tests that make test runs in parallel. Since play waits for the page to draw each month
# (ctsim.dashboard.pacing) the file also passes beside another test file on two loaded cores, but `make test` runs
# `pytest -m serial` as a step of its own, which fails (exit status 5) when no test is marked serial.
pytestmark = pytest.mark.serial

CHROMIUM = Path("/usr/bin/chromium")
LOOPBACK = ("http://127.0.0.1", "ws://127.0.0.1", "http://localhost", "ws://localhost")


@pytest.fixture(scope="module")
def server():
    """``ctsim dashboard`` on a free loopback port, stopped after the module."""
    try:
        proc, url = spawn()
    except ServerError as exc:
        pytest.fail(str(exc))
    yield url
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.fail("Chromium is missing at /usr/bin/chromium: run `make browser` (it installs Debian's chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), headless=True)
        yield b
        b.close()


class Visitor:
    """One browser context (one trainee) with every non-loopback request aborted and every problem recorded."""

    def __init__(self, browser, url: str) -> None:
        self.context = browser.new_context(viewport={"width": 1600, "height": 1100}, accept_downloads=True)
        self.outside: list[str] = []
        self.problems: list[str] = []
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("pageerror", lambda exc: self.problems.append(f"page error: {exc}"))
        self.page.on("response", lambda r: r.status >= 400 and self.problems.append(f"HTTP {r.status} {r.url}"))
        self.page.goto(url)
        self.page.wait_for_selector(".ctsim-map canvas", timeout=60_000)
        self.page.wait_for_selector(".ctsim-charts canvas", timeout=60_000)

    def _route(self, route) -> None:
        if route.request.url.startswith(LOOPBACK):
            route.continue_()
        else:
            self.outside.append(route.request.url)
            route.abort()

    def scenario_month(self) -> int:
        return int(self.page.locator(".ctsim-scenario-month").inner_text())

    def wait_for_month(self, month: int) -> None:
        """Wait until the page shows ``month`` or later (while playing, a busy machine may skip a redraw)."""
        self.page.wait_for_function(
            f"Number(document.querySelector('.ctsim-scenario-month').innerText) >= {month}", timeout=30_000)

    def settle(self) -> None:
        self.page.wait_for_timeout(1500)  # the charts redraw after the month label

    def tab(self, name: str) -> None:
        self.page.get_by_role("tab", name=name).click()

    def check_clean(self) -> None:
        assert self.page.locator(".ctsim-error").count() == 0, "no error message is shown"
        assert self.page.locator("text=Traceback").count() == 0, "no stack trace reaches the page"
        assert not self.problems, f"the page loads without errors or missing files: {self.problems}"
        assert not self.outside, f"the page asks nothing of the internet: {self.outside}"


@pytest.fixture(scope="module")
def trainee(browser, server):
    visitor = Visitor(browser, server)
    yield visitor
    visitor.context.close()


def test_lever_change_and_a_year_move_map_and_charts(trainee, tmp_path):
    page = trainee.page
    assert trainee.scenario_month() == 0, "the page opens at the branch, after the history"
    trainee.settle()
    charts_before = page.locator(".ctsim-charts").screenshot()
    map_before = page.locator(".ctsim-map").screenshot()
    page.locator(".ctsim-lever-central_ctd label").click()
    page.wait_for_selector(".ctsim-lever-central_ctd input[aria-checked=true]", timeout=10_000)
    page.locator(".ctsim-step12").click()
    trainee.wait_for_month(12)
    trainee.settle()
    assert page.locator(".ctsim-charts").screenshot() != charts_before, "the charts drew the new year"
    assert page.locator(".ctsim-map").screenshot() != map_before, "the map recoloured the districts"
    assert page.locator(".ctsim-month").inner_text().endswith("2025-12")
    page.screenshot(path=str(tmp_path / "dashboard.png"), full_page=False)
    trainee.check_clean()


def test_second_trainee_has_a_model_of_their_own(browser, server, trainee):
    other = Visitor(browser, server)
    try:
        assert other.scenario_month() == 0, "a new session starts its own model, not the first trainee's"
        other.page.locator(".ctsim-step1").click()
        other.wait_for_month(1)
        trainee.page.wait_for_timeout(500)
        assert trainee.scenario_month() == 12, "stepping one session leaves the other where it was"
        other.check_clean()
    finally:
        other.context.close()


def test_play_runs_until_paused(trainee):
    page = trainee.page
    start = trainee.scenario_month()
    page.locator(".ctsim-play").click()
    trainee.wait_for_month(start + 3)
    page.locator(".ctsim-play").click()
    page.wait_for_timeout(1000)
    paused = trainee.scenario_month()
    page.wait_for_timeout(1500)
    assert trainee.scenario_month() == paused > start, "play advances month by month and pause stops it"
    trainee.check_clean()


# Chromium's CPU throttling: the page's scripts run this many times slower, so the page draws a month more slowly
# than the server steps one, as a busy 2-core classroom laptop does (without back-pressure, ten months queued up).
SLOW_PAGE = 6
PAUSE_WATCH_S = 8.0  # how long the month shown is watched after the click on Pause
PAUSE_SETTLE_S = 5.0  # by when the last month must be on the screen
# Read the month shown and click Pause in one task of the page, so that no month can be drawn between the two.
READ_AND_PAUSE = """() => {
    const month = Number(document.querySelector('.ctsim-scenario-month').innerText);
    document.querySelector('.ctsim-play').click();
    return month;
}"""


def test_pause_on_a_slow_page_stops_within_a_month(trainee):
    page = trainee.page
    cdp = trainee.context.new_cdp_session(page)
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": SLOW_PAGE})
    try:
        start = trainee.scenario_month()
        page.locator(".ctsim-play").click()
        trainee.wait_for_month(start + 4)
        at_click = page.evaluate(READ_AND_PAUSE)
        clicked = time.monotonic()
        shown = [(0.0, at_click)]
        while time.monotonic() - clicked < PAUSE_WATCH_S:
            shown.append((time.monotonic() - clicked, trainee.scenario_month()))
            page.wait_for_timeout(50)
    finally:
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": 1})
        cdp.detach()
    last = shown[-1][1]
    arrived = min(t for t, month in shown if month == last)
    assert last <= at_click + 1, (f"after Pause at month {at_click} at most one more month is shown, "
                                  f"not {last - at_click}: play waits for the page to draw each month")
    assert arrived <= PAUSE_SETTLE_S, f"the last month is on the screen {arrived:.1f} s after Pause, not later"
    assert all(month <= last for _, month in shown), "the month shown never goes back"
    assert page.locator(".ctsim-play").inner_text().strip().lower() == "play", "the button offers Play again"
    trainee.check_clean()


def test_export_gives_a_scenario_file_ctsim_accepts(trainee, tmp_path):
    trainee.tab("Export")
    text = trainee.page.locator(".ctsim-toml").inner_text()
    path = tmp_path / "exported.toml"
    path.write_text(text)
    scenario = load_scenario(path)
    assert scenario.levers["central_ctd"] is True, "the exported file holds the lever changed in the page"
    with trainee.page.expect_download() as download:
        trainee.page.get_by_text("Download charts (PNG)").click()
    png = tmp_path / "charts.png"
    download.value.save_as(png)
    assert png.read_bytes()[:4] == b"\x89PNG", "the charts download as a PNG"
    trainee.check_clean()


def test_compare_mode_completes(trainee, tmp_path):
    page = trainee.page
    trainee.tab("Compare")
    for selector, value in ((".ctsim-replications input", "2"), (".ctsim-years input", "1")):
        page.locator(selector).fill(value)
        page.locator(selector).press("Enter")
    page.locator(".ctsim-compare-run").click()
    page.wait_for_selector(".ctsim-compare-done", timeout=120_000)
    done = page.locator(".ctsim-compare-done").inner_text()
    assert "2 runs each, 1 years" in done
    assert "one posterior draw per replication" in done, "by default the runs carry parameter uncertainty, and say so"
    assert "posterior draw" in page.locator(".ctsim-compare-parameters").inner_text()
    page.wait_for_timeout(1500)
    assert page.locator("canvas").count() >= 6, "five band charts and the difference chart are drawn"
    page.screenshot(path=str(tmp_path / "dashboard_compare.png"), full_page=True)
    trainee.check_clean()


def test_bad_seed_gives_a_message_not_a_traceback(trainee):
    trainee.tab("Run")
    seed = trainee.page.locator(".ctsim-seed input")
    seed.fill("forty-two")
    seed.press("Enter")
    trainee.page.wait_for_selector(".ctsim-error", timeout=10_000)
    assert "whole number" in trainee.page.locator(".ctsim-error").inner_text()
    assert trainee.page.locator("text=Traceback").count() == 0
