"""Benchmark: the dashboard's month (step plus redraw in the browser, the trainer's policy and the status quo stepped
together) and compare mode.

Usage::

    python benchmarks/bench_dashboard.py [--steps 15] [--rounds 3] [--compare-rounds 3] [--sessions 5]
                                         [--pause-rounds 5] [--slow-page 6] [--runs N]
                                         [--figure docs/figures/dashboard.png] [--json FILE]

1. Step plus redraw: ``ctsim dashboard`` in a child process (``--runs`` runs each of the policy and the status quo,
   default the server's), headless Chromium at 1280x720 (every non-loopback request aborted), one click on "1 month",
   timed until the map, the attacks chart and the attacks-so-far chart have all been drawn again (each chart counts
   its draws) and the month label has moved; the policy is a police lead, so the trade-off panel has figures to
   compute; ``--steps`` clicks per round, ``--rounds`` rounds in fresh pages. Also the time from starting the server
   to a usable page.
2. The same with ``--sessions`` browser sessions stepping at once (the classroom case).
3. Compare mode: baseline against civilian_led, 10 replications each, 10 years after the history, common random
   numbers, two worker processes (as the page runs it); ``--compare-rounds`` rounds.
4. Pause while playing on a slow page: Chromium throttles the page's CPU ``--slow-page`` times (a busy classroom
   laptop), play runs four months, then one script reads the month shown and clicks Pause; recorded are the months
   shown after that one, the seconds until the last of them was on the screen, and the play rate before the click.
   ``--pause-rounds`` rounds in one page (``--slow-page 1``: no throttling).

Targets: a month under 0.3 s; a comparison under 30 s on 2 cores; at most one month after Pause. Medians are
reported, with min and max.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time

from ctsim.dashboard.compare import run_comparison
from ctsim.dashboard.server import spawn
from ctsim.dashboard.settings import DEFAULT_RUNS
from ctsim.scenarios.files import resolve_scenario

STEP_TARGET_S = 0.3
COMPARE_TARGET_S = 30.0
PAUSE_TARGET_MONTHS = 1  # play waits for the page to draw each month (ctsim.dashboard.pacing)
PAUSE_WATCH_S = 8.0  # how long the month shown is watched after the click on Pause
LOOPBACK = ("http://127.0.0.1", "ws://127.0.0.1")
# Each chart counts its draws on its element (data-draws, set by live_chart.vue).
CHARTS = "document.querySelectorAll('.ctsim-map [data-draws], .ctsim-charts [data-draws]')"
POLICE_LEAD = "the police"
REDRAWN = f"""() => {{
    const charts = [...{CHARTS}];
    return charts.length >= 3 && charts.every((c, i) => Number(c.dataset.draws) > window.__draws[i])
        && document.querySelector('.ctsim-scenario-month').innerText !== window.__before;
}}"""
MONTH = "Number(document.querySelector('.ctsim-scenario-month').innerText)"
READ_AND_PAUSE = f"() => {{ const month = {MONTH}; document.querySelector('.ctsim-play').click(); return month; }}"
MARK = f"""() => {{
    window.__draws = [...{CHARTS}].map(c => Number(c.dataset.draws));
    window.__before = document.querySelector('.ctsim-scenario-month').innerText;
}}"""


def open_page(browser, url: str, police_lead: bool = True):
    """A trainer's page at 1280x720; with ``police_lead``, the police in the lead (a policy unlike the status quo)."""
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    context.route("**/*", lambda r: r.continue_() if r.request.url.startswith(LOOPBACK) else r.abort())
    page = context.new_page()
    page.goto(url)
    page.wait_for_selector(".ctsim-map canvas", timeout=60_000)
    page.wait_for_selector(".ctsim-charts canvas", timeout=60_000)
    if police_lead:
        page.locator(".ctsim-levers").click()
        page.locator(".ctsim-lever-ct_lead .v-select__slot").click()
        page.locator(".menuable__content__active .v-list-item", has_text=POLICE_LEAD).first.click()
        page.wait_for_function("document.querySelector('.ctsim-same') === null", timeout=30_000)
        page.locator(".ctsim-drawer-close").click()
    page.wait_for_timeout(1000)
    return context, page


def time_steps(page, steps: int) -> list[float]:
    """Seconds from each click on "Step 1 month" until every chart has been redrawn."""
    times = []
    for _ in range(steps):
        page.evaluate(MARK)
        began = time.perf_counter()
        page.locator(".ctsim-step1").click()
        page.wait_for_function(REDRAWN, polling="raf", timeout=30_000)
        times.append(time.perf_counter() - began)
        page.wait_for_timeout(150)  # let the page settle, as between a trainer's clicks
    return times


def time_pauses(context, page, rounds: int, slow_page: float) -> dict[str, list[float]]:
    """Play and pause ``rounds`` times on a page throttled ``slow_page`` times: months shown after the click's month,
    seconds until the last of them appeared, and months a second while playing."""
    cdp = context.new_cdp_session(page)
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": slow_page})
    out: dict[str, list[float]] = {"months_after_pause": [], "last_month_after_s": [], "play_months_per_s": []}
    try:
        for _ in range(rounds):
            start = page.evaluate(MONTH)
            began = time.perf_counter()
            page.locator(".ctsim-play").click()
            page.wait_for_function(f"{MONTH} >= {start + 4}", timeout=120_000)
            at_click = page.evaluate(READ_AND_PAUSE)
            clicked = time.perf_counter()
            out["play_months_per_s"].append((at_click - start) / (clicked - began))
            last, arrived = at_click, 0.0
            while time.perf_counter() - clicked < PAUSE_WATCH_S:
                month = page.evaluate(MONTH)
                if month != last:
                    last, arrived = month, time.perf_counter() - clicked
                page.wait_for_timeout(50)
            out["months_after_pause"].append(last - at_click)
            out["last_month_after_s"].append(arrived)
    finally:
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": 1})
        cdp.detach()
    return out


def take_figure(page, path: str) -> None:
    """The README's screenshot: the police in the lead (set when the page opened), four years run."""
    for _ in range(4):
        page.locator(".ctsim-step12").click()
        page.wait_for_timeout(1500)
    page.wait_for_timeout(1500)
    page.screenshot(path=path)


def bench_browser(steps: int, rounds: int, sessions: int, figure: str | None, pause_rounds: int,
                  slow_page: float, runs: int | None = None) -> dict:
    from playwright.sync_api import sync_playwright

    began = time.perf_counter()
    proc, url = spawn(args=["--runs", str(runs)] if runs else [])
    out = {}
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True)
            context, page = open_page(browser, url)
            out["startup_to_usable_page_s"] = time.perf_counter() - began
            context.close()
            single = []
            for _ in range(rounds):
                context, page = open_page(browser, url)
                single += time_steps(page, steps)
                if figure:
                    take_figure(page, figure)
                    figure = None
                context.close()
            out["step_redraw_s"] = single
            pages = [open_page(browser, url) for _ in range(sessions)]
            # Playwright's sync API is single-threaded: the sessions' clicks go out together, then each waits.
            together = []
            for _ in range(steps):
                for _, page in pages:
                    page.evaluate(MARK)
                began_all = time.perf_counter()
                for _, page in pages:
                    page.locator(".ctsim-step1").click(no_wait_after=True)
                for _, page in pages:
                    page.wait_for_function(REDRAWN, polling="raf", timeout=60_000)
                together.append(time.perf_counter() - began_all)
            out["concurrent_all_redrawn_s"] = together
            for context, _ in pages:
                context.close()
            if pause_rounds:
                context, page = open_page(browser, url)
                out["pause"] = time_pauses(context, page, pause_rounds, slow_page)
                context.close()
            browser.close()
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    return out


def bench_compare(rounds: int) -> list[float]:
    reference, other = resolve_scenario("baseline"), resolve_scenario("civilian_led")
    times = []
    for _ in range(rounds):
        began = time.perf_counter()
        run_comparison(reference, other, replications=10, years=10, seed=0, workers=2)
        times.append(time.perf_counter() - began)
    return times


def summary(values: list[float]) -> dict:
    return {"median": statistics.median(values), "min": min(values), "max": max(values), "n": len(values)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=15, help="timed months per round")
    parser.add_argument("--rounds", type=int, default=3, help="rounds, each in a fresh page")
    parser.add_argument("--sessions", type=int, default=5, help="browser sessions stepping at once")
    parser.add_argument("--compare-rounds", type=int, default=3)
    parser.add_argument("--pause-rounds", type=int, default=5, help="play-and-pause rounds on a slow page (0: none)")
    parser.add_argument("--slow-page", type=float, default=6.0,
                        help="how many times Chromium slows the page's CPU for the pause rounds")
    parser.add_argument("--runs", type=int, default=None,
                        help=f"runs each of the policy and the status quo (default {DEFAULT_RUNS}, the server's)")
    parser.add_argument("--figure", help="save a screenshot after four years (e.g. docs/figures/dashboard.png)")
    parser.add_argument("--json", help="also write the figures to this JSON file")
    args = parser.parse_args(argv)
    browser = bench_browser(args.steps, args.rounds, args.sessions, args.figure, args.pause_rounds, args.slow_page,
                            args.runs)
    compare = bench_compare(args.compare_rounds)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    result = {"runs_each": args.runs or DEFAULT_RUNS, "step_redraw_s": summary(browser["step_redraw_s"]),
              "concurrent_sessions": args.sessions,
              "concurrent_all_redrawn_s": summary(browser["concurrent_all_redrawn_s"]),
              "startup_to_usable_page_s": browser["startup_to_usable_page_s"],
              "compare_2x10x10y_s": summary(compare) if compare else None,
              "pause": ({"slow_page": args.slow_page, **{k: summary(v) for k, v in browser["pause"].items()}}
                        if "pause" in browser else None),
              "machine": f"{platform.machine()}, {os.cpu_count()} cores, load average {load:.1f} at the end",
              "python": sys.version.split()[0]}
    s, c, m = result["step_redraw_s"], result["compare_2x10x10y_s"], result["concurrent_all_redrawn_s"]
    print(f"step + redraw in the browser, {result['runs_each']} runs each of the policy and the status quo in "
          f"lockstep: median {s['median']:.3f} s over {s['n']} months (min {s['min']:.3f}, "
          f"max {s['max']:.3f}); target {STEP_TARGET_S} s: {'met' if s['median'] <= STEP_TARGET_S else 'MISSED'}")
    print(f"{args.sessions} sessions stepping at once, until all redrawn: median {m['median']:.3f} s "
          f"(min {m['min']:.3f}, max {m['max']:.3f})")
    print(f"server start to usable page: {result['startup_to_usable_page_s']:.1f} s")
    if c:
        print(f"compare 2 x 10 replications x 10 years, 2 processes: median {c['median']:.1f} s over {c['n']} runs "
              f"(min {c['min']:.1f}, max {c['max']:.1f}); target {COMPARE_TARGET_S:.0f} s: "
              f"{'met' if c['median'] <= COMPARE_TARGET_S else 'MISSED'}")
    if result["pause"]:
        p = result["pause"]
        after, late, rate = p["months_after_pause"], p["last_month_after_s"], p["play_months_per_s"]
        print(f"pause on a page slowed {args.slow_page:g}x: {after['max']:.0f} month(s) at most after the one shown "
              f"at the click (median {after['median']:.0f}, {after['n']} rounds), the last on the screen within "
              f"{late['max']:.2f} s; target {PAUSE_TARGET_MONTHS}: "
              f"{'met' if after['max'] <= PAUSE_TARGET_MONTHS else 'MISSED'}; playing at a median "
              f"{rate['median']:.1f} months/s")
    print(result["machine"])
    if args.json:
        with open(args.json, "w", encoding="utf-8") as fh:
            json.dump(result, fh, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
