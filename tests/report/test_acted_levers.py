"""The brief says where a policy's levers acted at another value than its file set (the state's reactions, the
schedule, changes of government), from the comparison's per-run means."""

from __future__ import annotations

import pandas as pd

from ctsim.report.gather import _acted


def test_levers_moved_from_their_setting_are_named_with_their_mean_and_range():
    runs = pd.DataFrame({"scenario": ["a"] * 4 + ["b"] * 4,
                         "acted_kinetic_intensity": [0.5, 0.5, 0.5, 0.5, 0.8, 0.9, 0.7, 0.8],
                         "acted_military_formations": [10.0] * 4 + [12.0, 14.0, 13.0, 13.0]})
    scenarios = [{"name": "a", "levers": {"kinetic_intensity": 0.5, "military_formations": 10, "ct_lead": "military"}},
                 {"name": "b", "levers": {"kinetic_intensity": 0.5, "military_formations": 10, "ct_lead": "police"}}]
    acted = _acted(runs, scenarios)
    assert "a" not in acted, "levers that acted where they were set are not mentioned"
    text = "; ".join(acted["b"])
    assert "set at 0.50, acted at 0.80 on average" in text and "Military formations" in text
    assert "set at 10.0, acted at 13.0 on average" in text


def test_a_result_made_before_levers_were_recorded_says_nothing():
    runs = pd.DataFrame({"scenario": ["a", "a"], "attacks": [1.0, 2.0]})
    assert _acted(runs, [{"name": "a", "levers": {"kinetic_intensity": 0.5}}]) == {}
