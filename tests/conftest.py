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
