"""Fixtures shared by the analysis tests."""

from __future__ import annotations

import pandas as pd
import pytest


@pytest.fixture
def stub_fit(monkeypatch):
    """Replace the fit's simulation and chart in :mod:`ctsim.docs.validation` by a fast stand-in, for tests of
    the report's other sections (the fit itself is tested in test_calibration.py)."""
    from ctsim.docs import validation

    columns = ["target", "observed", "simulated", "low_5", "high_95", "error", "within"]
    monkeypatch.setattr(validation, "fit_table", lambda history, values, replications: (
        pd.DataFrame(columns=columns), None, {"monthly_correlation": 0.8, "loss": 1.0}))
    monkeypatch.setattr(validation, "calibration_chart", lambda fit: None)
    monkeypatch.setattr(validation, "save_figure", lambda figure, path: None)
    return validation
