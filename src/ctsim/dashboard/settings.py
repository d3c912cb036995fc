"""The server's settings for the page, passed from ``ctsim dashboard``'s options to every session through
environment variables (Solara builds the page in the server's process): runs per ensemble, the cap on sessions that
hold models, and the folder that keeps exercises. Light on purpose: ``ctsim --help`` imports it."""

from __future__ import annotations

import os
from pathlib import Path

RUNS_SETTING = "CTSIM_DASHBOARD_RUNS"
MAX_SESSIONS_SETTING = "CTSIM_DASHBOARD_MAX_SESSIONS"
WORK_SETTING = "CTSIM_DASHBOARD_WORK"
# Runs of the policy and of the status quo stepped together. Measured: step and redraw of 2 x 8 runs stay within the
# 0.3 s budget on a 2-core laptop (benchmarks/bench_dashboard.py); raise it with --runs on a faster model or machine.
DEFAULT_RUNS = 8
MAX_RUNS = 40
DEFAULT_MAX_SESSIONS = 12  # about 12 x 2 x 8 models of some 4 MB each
DEFAULT_WORK = "results/dashboard"


def _int(name: str, default: int, low: int, high: int) -> int:
    try:
        value = int(os.environ.get(name, "") or default)
    except ValueError:
        value = default
    return min(max(value, low), high)


def runs() -> int:
    """Runs per ensemble (``--runs``)."""
    return _int(RUNS_SETTING, DEFAULT_RUNS, 2, MAX_RUNS)


def max_sessions() -> int:
    """Sessions that may hold models at once (``--max-sessions``)."""
    return _int(MAX_SESSIONS_SETTING, DEFAULT_MAX_SESSIONS, 1, 1000)


def work_folder() -> Path:
    """The folder that keeps exercises (``--work``)."""
    return Path(os.environ.get(WORK_SETTING) or DEFAULT_WORK)
