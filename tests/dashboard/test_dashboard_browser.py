"""End to end in a real browser: the server on a free loopback port, headless Chromium through Playwright, every
request that is not to the loopback aborted (the classroom with no internet).

Chromium is Debian's /usr/bin/chromium (``make browser`` installs it); these tests fail, never skip, without it.
"""

from __future__ import annotations

import http.server
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from ctsim.dashboard.server import ServerError, free_port, spawn
from ctsim.scenarios.files import load_scenario

# Alone, after the tests that make test runs in parallel: play waits for the page to draw each month
# (ctsim.dashboard.pacing), and `make test` runs `pytest -m serial` as a step of its own.
pytestmark = pytest.mark.serial

CHROMIUM = Path("/usr/bin/chromium")
LOOPBACK = ("http://127.0.0.1", "ws://127.0.0.1", "http://localhost", "ws://localhost")
CTSIM = Path(sys.executable).with_name("ctsim")
PROJECTOR_VIEWPORTS = [(1280, 720), (1024, 768)]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """``ctsim dashboard`` on a free loopback port, its exercises in a fresh folder, stopped after the module."""
    work = tmp_path_factory.mktemp("work")
    try:
        proc, url = spawn(args=["--work", str(work)])
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
    """One browser context (one trainer, trainee or team) with every non-loopback request aborted and every problem
    recorded."""

    def __init__(self, browser, url: str, viewport=(1280, 720), wait_for_charts: bool = True) -> None:
        self.context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]},
                                           accept_downloads=True)
        self.outside: list[str] = []
        self.problems: list[str] = []
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("pageerror", lambda exc: self.problems.append(f"page error: {exc}"))
        self.page.on("response", lambda r: r.status >= 400 and self.problems.append(f"HTTP {r.status} {r.url}"))
        self.page.goto(url)
        if wait_for_charts:
            self.page.wait_for_selector(".ctsim-map canvas", timeout=60_000)
            self.page.wait_for_selector(".ctsim-attacks canvas", timeout=60_000)

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

    def choose(self, field: str, option: str) -> None:
        """Pick ``option`` in the Vuetify select inside ``field`` (a CSS selector)."""
        self.page.locator(f"{field} .v-select__slot").click()
        self.page.locator(".menuable__content__active .v-list-item", has_text=option).first.click()

    def check_clean(self) -> None:
        assert self.page.locator(".ctsim-error").count() == 0, "no error message is shown"
        assert self.page.locator("text=Traceback").count() == 0, "no stack trace reaches the page"
        assert not self.problems, f"the page loads without errors or missing files: {self.problems}"
        assert not self.outside, f"the page asks nothing of the internet: {self.outside}"


@pytest.fixture(scope="module")
def trainer(browser, server):
    visitor = Visitor(browser, server)
    yield visitor
    visitor.context.close()


def _inside(box, width: int, height: int) -> bool:
    return box is not None and box["x"] >= 0 and box["y"] >= 0 and box["x"] + box["width"] <= width + 1 \
        and box["y"] + box["height"] <= height + 1


@pytest.mark.parametrize("viewport", PROJECTOR_VIEWPORTS, ids=lambda v: f"{v[0]}x{v[1]}")
def test_on_a_projector_the_map_the_trade_off_and_attacks_are_in_view(browser, server, viewport):
    visitor = Visitor(browser, server, viewport)
    try:
        page = visitor.page
        visitor.settle()
        width, height = viewport
        for selector, what in ((".ctsim-map canvas", "the map"), (".ctsim-tradeoff", "the trade-off panel"),
                               (".ctsim-attacks canvas", "the attacks chart"), (".ctsim-play", "Play"),
                               (".ctsim-levers", "the Levers button")):
            box = page.locator(selector).first.bounding_box()
            assert _inside(box, width, height), f"{what} is inside the {width}x{height} screen without scrolling"
        assert page.evaluate("document.documentElement.scrollWidth") <= width, "nothing runs off the right edge"
        visitor.check_clean()
    finally:
        visitor.context.close()


def test_a_lever_from_the_drawer_shows_a_trade_off_against_the_status_quo(trainer, tmp_path):
    page = trainer.page
    assert trainer.scenario_month() == 0, "the page opens at the branch, after the history"
    assert page.locator(".ctsim-same").count() == 1, "the panel says the policy is the status quo itself"
    trainer.settle()
    map_before = page.locator(".ctsim-map").screenshot()
    page.locator(".ctsim-levers").click()
    trainer.choose(".ctsim-lever-ct_lead", "the police")
    page.wait_for_function("document.querySelector('.ctsim-same') === null", timeout=30_000)
    page.locator(".ctsim-drawer-close").click()
    page.locator(".ctsim-step12").click()
    trainer.wait_for_month(12)
    trainer.settle()
    rows = page.locator(".ctsim-tradeoff .ctsim-row")
    assert rows.count() == 5, "the panel weighs attacks, deaths, people held without trial, legitimacy and cost"
    verdicts = page.locator(".ctsim-tradeoff .ctsim-verdict").all_inner_texts()
    assert set(verdicts) <= {"better", "worse", "negligible", "unclear"} and len(verdicts) == 5
    assert "identical in every paired run" not in rows.first.inner_text(), \
        "with the police in the lead the policy's runs differ from the status quo's"
    panel = page.locator(".ctsim-tradeoff").inner_text()
    for code_name in ("detained_without_trial", "ci90", "ct_lead"):
        assert code_name not in panel, f"no code name ({code_name}) in the panel"
    assert page.locator(".ctsim-map").screenshot() != map_before, "the map recoloured the districts"
    assert "December 2025" in page.locator(".ctsim-month").inner_text()
    events = page.locator(".ctsim-events").inner_text()
    assert "January 2025: you set lead agency for counterterrorism to the police" in events, "what happened, in words"
    page.screenshot(path=str(tmp_path / "projector.png"))
    trainer.check_clean()


def test_second_trainee_has_a_model_of_their_own(browser, server, trainer):
    other = Visitor(browser, server)
    try:
        assert other.scenario_month() == 0, "a new session starts its own models, not the trainer's"
        other.page.locator(".ctsim-step1").click()
        other.wait_for_month(1)
        trainer.page.wait_for_timeout(500)
        assert trainer.scenario_month() == 12, "stepping one session leaves the other where it was"
        other.check_clean()
    finally:
        other.context.close()


def test_play_runs_until_paused(trainer):
    page = trainer.page
    start = trainer.scenario_month()
    page.locator(".ctsim-play").click()
    trainer.wait_for_month(start + 3)
    page.locator(".ctsim-play").click()
    page.wait_for_timeout(1000)
    paused = trainer.scenario_month()
    page.wait_for_timeout(1500)
    assert trainer.scenario_month() == paused > start, "play advances month by month and pause stops it"
    trainer.check_clean()


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


def test_pause_on_a_slow_page_stops_within_a_month(trainer):
    page = trainer.page
    cdp = trainer.context.new_cdp_session(page)
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": SLOW_PAGE})
    try:
        start = trainer.scenario_month()
        page.locator(".ctsim-play").click()
        trainer.wait_for_month(start + 4)
        at_click = page.evaluate(READ_AND_PAUSE)
        clicked = time.monotonic()
        shown = [(0.0, at_click)]
        while time.monotonic() - clicked < PAUSE_WATCH_S:
            shown.append((time.monotonic() - clicked, trainer.scenario_month()))
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
    trainer.check_clean()


def test_the_exported_file_validates_and_holds_the_lever(trainer, tmp_path):
    trainer.tab("Export")
    with trainer.page.expect_download() as download:
        trainer.page.get_by_text("Download scenario file (TOML)").click()
    path = tmp_path / "exported.toml"
    download.value.save_as(path)
    checked = subprocess.run([str(CTSIM), "validate", str(path)], capture_output=True, text=True, timeout=120)
    assert checked.returncode == 0, f"ctsim validate accepts the exported file: {checked.stdout}{checked.stderr}"
    assert load_scenario(path).levers["ct_lead"] == "police", "the exported file holds the lever set in the page"
    with trainer.page.expect_download() as download:
        trainer.page.get_by_text("Download charts (PNG)").click()
    png = tmp_path / "charts.png"
    download.value.save_as(png)
    assert png.read_bytes()[:4] == b"\x89PNG", "the charts download as a PNG"
    trainer.check_clean()


def test_compare_defaults_to_the_policy_against_the_status_quo_in_plain_words(trainer):
    page = trainer.page
    trainer.tab("Compare")
    assert "baseline" in page.locator(".ctsim-policy-a").inner_text(), "the status quo is the reference"
    assert "your current settings" in page.locator(".ctsim-policy-b").inner_text(), "against the trainer's policy"
    for selector, value in ((".ctsim-replications input", "2"), (".ctsim-years input", "1")):
        page.locator(selector).fill(value)
        page.locator(selector).press("Enter")
    page.locator(".ctsim-compare-run").click()
    page.wait_for_selector(".ctsim-compare-done", timeout=120_000)
    done = page.locator(".ctsim-compare-done").inner_text()
    assert "2 runs each, 1 years" in done and "one posterior draw per replication" in done
    table = page.locator(".ctsim-compare-table").inner_text()
    assert "People held without trial" in table and "90% interval" in table
    for code_name in ("new_radicals", "detained_without_trial", "ci90_low"):
        assert code_name not in table, f"no code name ({code_name}) in the table"
    trainer.choose(".ctsim-policy-b", "baseline")
    page.locator(".ctsim-compare-run").click()
    page.wait_for_selector(".ctsim-compare-problem", timeout=10_000)
    assert "the two policies are the same" in page.locator(".ctsim-compare-problem").inner_text(), \
        "identical policies are refused at once, not after half a minute of zeros"
    trainer.check_clean()


def test_an_exercise_with_three_teams_through_to_the_debrief_board(browser, server, trainer, tmp_path):
    page = trainer.page
    trainer.tab("Exercise")
    page.locator(".ctsim-ex-title input").fill("Three teams")
    for selector, value in ((".ctsim-ex-years input", "1"), (".ctsim-ex-runs input", "3"),
                            (".ctsim-ex-budget input", "1000000")):
        page.locator(selector).fill(value)
        page.locator(selector).press("Enter")
    page.locator(".ctsim-ex-open").click()
    page.wait_for_selector(".ctsim-ex-code", timeout=20_000)
    code = page.locator(".ctsim-ex-code").inner_text().strip()
    levers = {"Lahore": ("ct_lead", "the police"), "Quetta": ("nacta_placement", "the Prime Minister's Office"),
              "Karachi": None}
    teams = []
    try:
        for name, lever in levers.items():
            team = Visitor(browser, server.rstrip("/") + "/team", wait_for_charts=False)
            teams.append(team)
            team.page.locator(".ctsim-team-code input").fill(code)
            team.page.locator(".ctsim-team-name input").fill(name)
            team.page.locator(".ctsim-team-join").click()
            team.page.wait_for_selector(".ctsim-team-named", timeout=20_000)
            if lever is not None:
                team.choose(f".ctsim-lever-{lever[0]}", lever[1])
                team.page.wait_for_timeout(500)
            team.page.locator(".ctsim-team-submit").click()
            team.page.wait_for_function("document.querySelector('.ctsim-team-status') && "
                                        "document.querySelector('.ctsim-team-status').innerText === 'submitted'",
                                        timeout=60_000)
        page.wait_for_function("document.body.innerText.includes('3 joined, 3 submitted')", timeout=20_000)
        page.locator(".ctsim-ex-run").click()
        page.wait_for_selector(".ctsim-board", timeout=180_000)
        board = page.locator(".ctsim-board").inner_text()
        for name in levers:
            assert name in board, f"{name} is on the board"
        assert page.locator(".ctsim-board-row").count() == 3
        assert "On the trade-off front" in board and "90% interval" in board
        assert page.locator(".ctsim-front").count() >= 1, "someone is on the trade-off front"
        with page.expect_download() as download:
            page.get_by_text("Download the debrief (HTML brief)").click()
        brief = tmp_path / "brief.html"
        download.value.save_as(brief)
        text = brief.read_text()
        assert all(name in text for name in levers) and "<pre>" in text, "the brief holds each package's file"
        for team in teams:
            team.page.wait_for_selector(".ctsim-team-closed", timeout=20_000)
            team.check_clean()
        trainer.check_clean()
    finally:
        for team in teams:
            team.context.close()


class _ForeignSite(http.server.BaseHTTPRequestHandler):
    """Another site (another origin) whose page tries to open the dashboard's websocket."""

    def do_GET(self) -> None:  # noqa: N802 (the standard library's name)
        body = b"<!doctype html><title>elsewhere</title><p>another site</p>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


TRY_SOCKET = """(url) => new Promise((resolve) => {
    const socket = new WebSocket(url);
    socket.onopen = () => { resolve('opened'); socket.close(); };
    socket.onclose = () => resolve('refused');
    socket.onerror = () => resolve('refused');
    setTimeout(() => resolve('timeout'), 10000);
})"""


def test_a_page_from_another_origin_cannot_drive_a_session(browser, server):
    site = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), _ForeignSite)
    thread = threading.Thread(target=site.serve_forever, daemon=True)
    thread.start()
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(f"http://127.0.0.1:{site.server_address[1]}/")
        socket_url = server.replace("http://", "ws://").rstrip("/") + "/jupyter/api/kernels/k1/channels?session_id=x"
        assert page.evaluate(TRY_SOCKET, socket_url) == "refused", \
            "the dashboard refuses a websocket whose Origin is another site"
    finally:
        context.close()
        site.shutdown()
        site.server_close()


def test_bad_seed_gives_a_message_not_a_traceback(trainer):
    trainer.tab("Run")
    page = trainer.page
    page.locator(".ctsim-levers").click()
    seed = page.locator(".ctsim-seed input")
    seed.fill(str(2**63))
    seed.press("Enter")
    page.wait_for_selector(".ctsim-error", timeout=10_000)
    assert "from 0 to 9,223,372,036,854,775,807" in page.locator(".ctsim-error").inner_text()
    assert page.locator("text=Traceback").count() == 0


def test_sessions_beyond_the_cap_are_refused_and_a_closed_one_is_freed(browser, tmp_path):
    """With --max-sessions 1 a second tab is told the dashboard is full; once the first tab is left (its page sends
    Solara's close beacon), its models are freed and the second tab gets a session. Plain contexts here: a routed
    request can be lost while a page unloads, and the beacon must reach the server."""
    proc, url = spawn(args=["--work", str(tmp_path), "--max-sessions", "1", "--runs", "2"])
    contexts = [browser.new_context(), browser.new_context()]
    try:
        first, second = (context.new_page() for context in contexts)
        first.goto(url)
        first.wait_for_selector(".ctsim-map canvas", timeout=60_000)
        second.goto(url)
        second.wait_for_selector(".ctsim-full", timeout=60_000)
        assert "The dashboard is full" in second.locator(".ctsim-full").inner_text(), "the page says why"
        first.goto("about:blank")  # the tab leaves the page: its session is closed and its models freed
        freed = False
        deadline = time.monotonic() + 60
        while not freed and time.monotonic() < deadline:
            second.wait_for_timeout(2000)
            second.reload()
            second.wait_for_selector(".ctsim-map canvas, .ctsim-full", timeout=60_000)
            freed = second.locator(".ctsim-map canvas").count() == 1
        assert freed, "the freed place goes to the waiting tab within a minute"
    finally:
        for context in contexts:
            context.close()
        proc.terminate()
        proc.wait(timeout=10)
