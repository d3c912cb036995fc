"""The screenshots ``docs/dashboard.md`` shows, taken from the real page (``make dashboard-shots``).

Usage::

    python -m ctsim.dashboard.shots docs/figures

Starts ``ctsim dashboard`` on a free loopback port (its exercises in a temporary folder), drives Debian's headless
Chromium through Playwright at a projector's 1280x720 (every non-loopback request aborted), and writes:

- ``dashboard_projector.png``: the whole screen after four years of a police lead against the status quo;
- ``dashboard_tradeoff.png``: the trade-off panel of that screen;
- ``dashboard_map.png``: the map, coloured by the change in attacks against the status quo;
- ``dashboard_board.png``: the debrief board of an exercise in which three teams submitted packages.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ctsim.storage import temporary_folder

from .server import spawn

LOOPBACK = ("http://127.0.0.1", "ws://127.0.0.1")
CHROMIUM = "/usr/bin/chromium"
TEAMS = {"Lahore": ("ct_lead", "the police"), "Quetta": ("prosecution_capacity", None), "Karachi": None}


def _context(browser, width: int = 1280, height: int = 720):
    context = browser.new_context(viewport={"width": width, "height": height}, accept_downloads=True)
    context.route("**/*", lambda r: r.continue_() if r.request.url.startswith(LOOPBACK) else r.abort())
    return context


def _choose(page, field: str, option: str) -> None:
    page.locator(f"{field} .v-select__slot").click()
    page.locator(".menuable__content__active .v-list-item", has_text=option).first.click()


def projector(browser, url: str, folder: Path) -> None:
    """The projector view, the trade-off panel and the map."""
    context = _context(browser)
    page = context.new_page()
    page.goto(url)
    page.wait_for_selector(".ctsim-map canvas", timeout=60_000)
    page.locator(".ctsim-levers").click()
    _choose(page, ".ctsim-lever-ct_lead", "the police")
    page.wait_for_function("document.querySelector('.ctsim-same') === null", timeout=30_000)
    page.locator(".ctsim-drawer-close").click()
    for _ in range(4):
        page.locator(".ctsim-step12").click()
        page.wait_for_timeout(2000)
    page.wait_for_timeout(1500)
    page.screenshot(path=str(folder / "dashboard_projector.png"))
    page.locator(".ctsim-tradeoff").screenshot(path=str(folder / "dashboard_tradeoff.png"))
    _choose(page, ".ctsim-measure", "vs status quo")
    page.wait_for_timeout(2500)
    page.locator(".ctsim-map").screenshot(path=str(folder / "dashboard_map.png"))
    context.close()


def board(browser, url: str, folder: Path) -> None:
    """An exercise with three teams, run, and its debrief board."""
    context = _context(browser, 1280, 900)
    page = context.new_page()
    page.goto(url)
    page.wait_for_selector(".ctsim-map canvas", timeout=60_000)
    page.get_by_role("tab", name="Exercise").click()
    page.locator(".ctsim-ex-title input").fill("Counterterrorism packages, five years")
    for selector, value in ((".ctsim-ex-years input", "5"), (".ctsim-ex-runs input", "8")):
        page.locator(selector).fill(value)
        page.locator(selector).press("Enter")
    page.locator(".ctsim-ex-open").click()
    page.wait_for_selector(".ctsim-ex-code", timeout=20_000)
    code = page.locator(".ctsim-ex-code").inner_text().strip()
    for name, lever in TEAMS.items():
        team_context = _context(browser, 1000, 800)
        team = team_context.new_page()
        team.goto(url.rstrip("/") + "/team")
        team.locator(".ctsim-team-code input").fill(code)
        team.locator(".ctsim-team-name input").fill(name)
        team.locator(".ctsim-team-join").click()
        team.wait_for_selector(".ctsim-team-named", timeout=20_000)
        if lever is not None and lever[1] is not None:
            _choose(team, f".ctsim-lever-{lever[0]}", lever[1])
        elif lever is not None:
            team.locator(".ctsim-group-justice").click()
            team.locator(f".ctsim-lever-{lever[0]} .v-slider").click()  # the middle of the slider
        team.wait_for_timeout(800)
        team.locator(".ctsim-team-submit").click()
        team.wait_for_function("document.querySelector('.ctsim-team-status') && "
                               "document.querySelector('.ctsim-team-status').innerText === 'submitted'",
                               timeout=120_000)
        if name == "Lahore":
            team.screenshot(path=str(folder / "dashboard_team.png"))
        team_context.close()
    page.wait_for_function("document.body.innerText.includes('3 submitted')", timeout=30_000)
    page.locator(".ctsim-ex-run").click()
    page.wait_for_selector(".ctsim-board", timeout=600_000)
    page.wait_for_timeout(1000)
    page.locator(".ctsim-board").screenshot(path=str(folder / "dashboard_board.png"))
    context.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ctsim.dashboard.shots", description=__doc__.splitlines()[0])
    parser.add_argument("folder", help="where the PNG files go (docs/figures)")
    args = parser.parse_args(argv)
    folder = Path(args.folder)
    folder.mkdir(parents=True, exist_ok=True)
    from playwright.sync_api import sync_playwright

    with temporary_folder("ctsim-shots-") as work:
        proc, url = spawn(args=["--work", str(work)])
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, headless=True)
                projector(browser, url, folder)
                board(browser, url, folder)
                browser.close()
        finally:
            proc.terminate()
            proc.wait(timeout=10)
    for name in ("dashboard_projector", "dashboard_tradeoff", "dashboard_map", "dashboard_team", "dashboard_board"):
        print(folder / f"{name}.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
