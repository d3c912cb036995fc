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
