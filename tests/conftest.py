"""Shared fixtures: one 120-month baseline run reused by the tests that only read its outputs."""

from __future__ import annotations

import pytest

from ctsim.model.core import CTModel
from ctsim.model.recording import monthly_frames


@pytest.fixture(scope="session")
def baseline_run():
    """A 120-month status-quo run (seed 7): (model, national, regional)."""
    model = CTModel(seed=7)
    model.run(120)
    national, regional = monthly_frames(model)
    yield model, national, regional
    model.release()


# Files whose tests each take more than a few seconds on this project's 2-core machine (many model runs of the
# 2013-2024 history, studies, subprocesses, Dask clusters, browsers): marked `slow`, so `make check` (the inner loop)
# leaves them out and `make test` runs them. Measured with `pytest --durations`; a file is listed whole when most of
# its tests are slow.
SLOW_FILES = (
    "tests/test_readme.py", "tests/test_regression_baseline.py", "tests/test_fuzz_inputs.py",
    "tests/declarations/test_wiring.py", "tests/declarations/test_limits.py",
    "tests/analysis/calibration/", "tests/analysis/validation/", "tests/analysis/sensitivity/",
    "tests/analysis/discovery/test_discovery.py", "tests/analysis/test_compare.py",
    "tests/experiments/test_batch.py", "tests/experiments/test_safety.py",
    "tests/dashboard/", "tests/report/", "tests/docs/test_site.py", "tests/commands/",
    "tests/scenarios/test_library.py", "tests/scenarios/test_reactive_state.py",
    "tests/model/processes/test_long_history_mechanisms.py", "tests/model/test_core.py",
)


def pytest_collection_modifyitems(config, items):
    """Mark every test of :data:`SLOW_FILES` slow."""
    for item in items:
        path = item.nodeid.split("::", 1)[0]
        if any(path == f or (f.endswith("/") and path.startswith(f)) for f in SLOW_FILES):
            item.add_marker(pytest.mark.slow)
