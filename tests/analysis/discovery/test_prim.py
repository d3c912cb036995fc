"""PRIM on synthetic cases whose failure region is known: it finds the box, reads its bounds, and finds nothing
where failures are spread at random."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from ctsim.analysis.discovery.prim import choose, default_min_density, find_boxes, screen_inputs


def _cases(n: int = 1000, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    x = pd.DataFrame(rng.uniform(size=(n, 6)), columns=list("abcdef"))
    x["lead"] = rng.choice(["military", "police", "rangers"], size=n)
    x["flag"] = rng.uniform(size=n) < 0.5
    return x


def test_prim_recovers_a_known_box_despite_mislabelled_cases():
    x = _cases()
    inside = ((x["a"] > 0.6) & (x["b"] < 0.3)).to_numpy()
    flipped = np.random.default_rng(1).uniform(size=len(x)) < 0.03  # 3% of the cases mislabelled
    boxes = find_boxes(x, inside ^ flipped)
    assert boxes, "a box holds the failures"
    box = boxes[0]
    bounds = {r.name: (r.low, r.high) for r in box.restrictions}
    assert set(bounds) == {"a", "b"}, f"the box restricts exactly the two inputs that matter, got {bounds}"
    assert bounds["a"][0] == pytest.approx(0.6, abs=0.05) and bounds["a"][1] is None, "a above 0.6, no upper bound"
    assert bounds["b"][0] is None and bounds["b"][1] == pytest.approx(0.3, abs=0.05), "b below 0.3, no lower bound"
    assert box.coverage > 0.8 and box.density > 0.9, "most failures lie in the box, and most of it fails"
    assert all(r.qp < 1e-6 for r in box.restrictions), "both restrictions are far beyond chance"


def test_prim_keeps_the_levels_of_a_categorical_input_that_fail():
    x = _cases(seed=2)
    failed = ((x["lead"] == "police") & (x["c"] > 0.7)).to_numpy()
    boxes = find_boxes(x, failed, boxes=3)
    assert len(boxes) == 1, "one region, one box: what it leaves is no failure at all"
    bounds = {r.name: (r.low, r.high, r.levels) for r in boxes[0].restrictions}
    assert set(bounds) == {"lead", "c"}, f"the box restricts the lead and c, got {bounds}"
    assert bounds["lead"][2] == ("police",), "the box keeps the police lead only"
    assert bounds["c"][0] == pytest.approx(0.7, abs=0.05)
    assert boxes[0].coverage > 0.95 and boxes[0].density > 0.95, "nearly every failure, nearly only failures"


def test_failures_spread_at_random_give_no_box():
    x = _cases(seed=3)
    failed = np.random.default_rng(4).uniform(size=len(x)) < 0.2
    assert find_boxes(x, failed) == [], "no box concentrates failures that chance alone placed"


def test_a_policy_that_never_fails_has_no_box():
    assert find_boxes(_cases(n=200), np.zeros(200, dtype=bool)) == []


def test_choose_balances_coverage_and_density_within_the_readable_boxes():
    trajectory = pd.DataFrame({"coverage": [1.0, 0.95, 0.85, 0.60, 0.40],
                               "density": [0.15, 0.55, 0.90, 0.97, 1.00],
                               "res_dim": [0, 1, 2, 3, 4]})
    assert choose(trajectory, 0.5, 3) == 2, "0.85 coverage at 0.90 density balances best"
    assert choose(trajectory, 0.95, 3) == 3, "the density asked rules out looser boxes"
    assert choose(trajectory, 0.5, 1) == 1, "a box restricting more inputs than allowed is not chosen"
    assert choose(trajectory, 0.99, 3) == 3, "without a box dense enough, the densest readable one"


def test_the_default_density_asks_well_beyond_the_failure_rate():
    assert default_min_density(np.array([True] * 1 + [False] * 9)) == 0.55
    assert default_min_density(np.array([True] * 8 + [False] * 2)) == pytest.approx(0.9)
    assert default_min_density(np.zeros(5, dtype=bool)) == 0.5


def test_screening_keeps_the_inputs_that_matter_among_many():
    rng = np.random.default_rng(5)
    x = pd.DataFrame(rng.uniform(size=(800, 40)), columns=[f"noise{k}" for k in range(40)])
    x["a"], x["b"] = rng.uniform(size=800), rng.uniform(size=800)
    x["lead"] = rng.choice(["military", "police"], size=800)
    failed = ((x["a"] > 0.6) & (x["b"] < 0.3) & (x["lead"] == "police")).to_numpy()
    kept = screen_inputs(x, failed, 8)
    assert set(kept[:3]) == {"a", "b", "lead"}, f"the three inputs that decide come first: {kept}"
    assert len(kept) == 8 and screen_inputs(x, failed, 0) == list(x.columns), "0 keeps every input"
    boxes = find_boxes(x, failed)
    assert boxes and {r.name for r in boxes[0].restrictions} == {"a", "b", "lead"}, "no noise input in the box"


def test_a_weak_region_is_reported_as_the_closest_box_not_a_finding():
    rng = np.random.default_rng(6)
    x = pd.DataFrame(rng.uniform(size=(2000, 4)), columns=list("abcd"))
    failed = rng.uniform(size=2000) < np.where(x["a"] > 0.5, 0.5, 0.2)  # more failures above 0.5, not many more
    boxes = find_boxes(x, failed)
    assert len(boxes) == 1 and not boxes[0].dense, "a significant but thin concentration is the closest box only"
    assert [r.name for r in boxes[0].restrictions] == ["a"] and boxes[0].restrictions[0].low == pytest.approx(
        0.5, abs=0.1)
    assert boxes[0].density < default_min_density(failed)
