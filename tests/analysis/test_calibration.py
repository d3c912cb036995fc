"""Calibration: targets from FACTS.md, the loss, a deterministic search, the stored result used by default."""

from __future__ import annotations

import json

import numpy as np
import pytest

from ctsim.analysis import calibration as cal
from ctsim.analysis.validation import fit_table
from ctsim.declarations.parameters import PARAMETERS_BY_NAME, calibrated, defaults
from ctsim.scenarios.files import load_scenario

HISTORY = cal.Path(__file__).resolve().parents[2] / "scenarios" / "history_2022_2023.toml"


def test_targets_are_the_facts():
    assert cal.MONTHLY_ATTACKS[:12].sum() == 380, "FACTS.md s1: the 2022 months sum to 380"
    assert cal.ANNUAL[2023] == {"attacks": 645.0, "deaths": 976.0, "injuries": 1354.0}
    assert abs(sum(cal.SHARES_2023.values()) - 1) < 0.01


def test_loss_is_zero_at_the_targets_and_grows_away_from_them():
    perfect = cal.Fit(cal.MONTHLY_ATTACKS.copy(), {y: dict(v) for y, v in cal.ANNUAL.items()},
                      dict(cal.SHARES_2023), None)
    assert cal.loss(perfect) == pytest.approx(0.0, abs=1e-12)
    off = cal.Fit(cal.MONTHLY_ATTACKS * 1.2, {y: {k: v * 1.2 for k, v in t.items()} for y, t in cal.ANNUAL.items()},
                  dict(cal.SHARES_2023), None)
    assert cal.loss(off) > 0.1


def test_free_parameters_are_declared_uncertainties_with_bounds():
    for name in cal.FREE:
        spec = PARAMETERS_BY_NAME[name]
        assert spec.kind in ("calibrate", "assumption") and spec.plausible is not None


def test_search_is_deterministic():
    history = load_scenario(HISTORY)
    first = cal.calibrate(history, replications=1, generations=1, popsize=1)
    second = cal.calibrate(history, replications=1, generations=1, popsize=1)
    assert first["free_parameters"] == second["free_parameters"] and first["loss"] == second["loss"]
    for name, spec in first["free_parameters"].items():
        low, high = PARAMETERS_BY_NAME[name].plausible
        assert low <= spec["value"] <= high


def test_runs_use_the_stored_calibration():
    record = json.loads(cal.CALIBRATION_FILE.read_text())
    stored = {k: v["value"] for k, v in record["free_parameters"].items()}
    assert dict(calibrated()) == stored
    assert all(defaults()[k] == v for k, v in stored.items())
    assert record["settings"]["seed"] == 20220101 and not record["settings"]["stopped_by_time_budget"]


def test_default_model_meets_the_fit_targets():
    record = json.loads(cal.CALIBRATION_FILE.read_text())
    values = {k: v["value"] for k, v in record["free_parameters"].items()}
    table, _, summary = fit_table(load_scenario(HISTORY), values, replications=12)
    misses = table[~table["within"]]
    assert misses.empty, f"targets missed: {misses[['target', 'observed', 'simulated']].to_dict('records')}"
    assert summary["monthly_correlation"] >= 0.6, summary
    assert np.isfinite(summary["loss"])


def test_calibrate_reproduces_the_stored_calibration():
    """The stored calibration is what `ctsim calibrate` computes from this code (same seed, same result); it takes
    several minutes. After a change to the model, rerun `ctsim calibrate` and commit its outputs."""
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing import get_context

    record = json.loads(cal.CALIBRATION_FILE.read_text())
    settings = record["settings"]
    with ProcessPoolExecutor(2, mp_context=get_context("spawn")) as executor:
        again = cal.calibrate(load_scenario(HISTORY), replications=settings["replications"], seed=settings["seed"],
                              generations=settings["generations"], popsize=settings["popsize"], executor=executor)
    assert again["free_parameters"] == record["free_parameters"]
    assert again["loss"] == pytest.approx(record["loss"], rel=1e-12)
