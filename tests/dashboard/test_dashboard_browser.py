"""End to end in a real browser: the server on a free loopback port, headless Chromium through Playwright, every
request that is not to the loopback aborted (the classroom with no internet).

Chromium is Debian's /usr/bin/chromium (``make browser`` installs it); these tests fail, never skip, without it.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from ctsim.dashboard.server import ServerError, spawn
from ctsim.scenarios.files import load_scenario

# Alone, after the tests that make test runs in parallel: play and pause are timed, and two busy test processes on
# two cores starve the server and the browser (a pause then lands seconds late).
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
    assert "2 runs each, 1 years" in page.locator(".ctsim-compare-done").inner_text()
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
