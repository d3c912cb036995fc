"""Every change to results is deliberate: the canonical runs must match ``tests/baseline.json`` bit for bit."""

from __future__ import annotations

import json

from regression import BASELINE_FILE, compute, differences


def test_canonical_runs_match_the_stored_baseline():
    stored = json.loads(BASELINE_FILE.read_text())
    moved = differences(stored, compute())
    assert not moved, "results moved; if intended, run `make baseline` and commit it alone:\n" + "\n".join(moved[:40])


def test_differences_reports_a_moved_value():
    a = {"x/1": {"months": 3, "national_sha256": "a", "regional_sha256": "b", "summary": {"attacks": 10.0}}}
    b = {"x/1": {"months": 3, "national_sha256": "c", "regional_sha256": "b", "summary": {"attacks": 11.0}}}
    lines = differences(a, b)
    assert "x/1: national_sha256 changed" in lines
    assert any("attacks 10.0 -> 11.0 (+10.00%)" in line for line in lines)
    assert differences(a, a) == []


def test_the_shipped_fingerprints_are_the_baselines():
    from ctsim.calibration import fingerprint

    stored = json.loads(fingerprint.FINGERPRINT_FILE.read_text())
    assert stored == fingerprint.fingerprints_of(BASELINE_FILE.read_bytes()), (
        "src/ctsim/calibration/fingerprint.json is stale: `make baseline` rewrites it with tests/baseline.json")


def test_a_price_changes_the_model_fingerprint_but_not_the_dynamics():
    from ctsim.calibration.fingerprint import fingerprints_of

    run = {"months": 3, "national_sha256": "a", "regional_sha256": "b", "summary": {"attacks": 10.0, "cost": 5.0}}
    base = fingerprints_of(json.dumps({"x/1": run}).encode())
    repriced = fingerprints_of(json.dumps({"x/1": {**run, "national_sha256": "c",
                                                   "summary": {"attacks": 10.0, "cost": 6.0}}}).encode())
    moved = fingerprints_of(json.dumps({"x/1": {**run, "summary": {"attacks": 11.0, "cost": 5.0}}}).encode())
    assert repriced["model"] != base["model"] and repriced["dynamics"] == base["dynamics"], "cost is a price"
    assert moved["dynamics"] != base["dynamics"], "a moved attack count is a change of dynamics"
