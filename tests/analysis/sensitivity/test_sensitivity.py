"""The sensitivity harness against functions whose indices are known analytically."""

from __future__ import annotations

import numpy as np
import pytest

from ctsim.analysis.sensitivity import harness as sa

PI = np.pi
# Ishigami (a = 7, b = 0.1) on [-pi, pi]^3: analytic first-order and total indices (Homma & Saltelli 1996).
ISHIGAMI_S1 = {"x1": 0.3139, "x2": 0.4424, "x3": 0.0}
ISHIGAMI_ST = {"x1": 0.5576, "x2": 0.4424, "x3": 0.2437}


def ishigami(values, rng):
    x1, x2, x3 = values["x1"], values["x2"], values["x3"]
    return {"y": np.sin(x1) + 7 * np.sin(x2) ** 2 + 0.1 * x3 ** 4 * np.sin(x1)}


PROBLEM = sa.Problem({"x1": (-PI, PI), "x2": (-PI, PI), "x3": (-PI, PI)})


def test_sobol_recovers_ishigami_indices_within_their_intervals():
    result = sa.run_function(ishigami, PROBLEM, "sobol", n=1024, seed=3, second_order=True)["y"]
    table = result.indices
    for name in ("x1", "x2", "x3"):
        assert abs(table.loc[name, "S1"] - ISHIGAMI_S1[name]) < max(2 * table.loc[name, "S1_conf"], 0.03)
        assert abs(table.loc[name, "ST"] - ISHIGAMI_ST[name]) < max(2 * table.loc[name, "ST_conf"], 0.03)
    assert abs(table.loc["dummy", "ST"]) < 0.02, "the dummy factor sits at the noise floor"
    ranking = result.ranking()
    assert list(ranking.index[:3]) == ["x1", "x2", "x3"] and not ranking.loc["dummy", "above_noise"]
    assert result.rank_probability.loc["x1", "rank 1"] > 0.95
    pairs = result.second_order.set_index(["factor_a", "factor_b"])
    assert pairs.loc[("x1", "x3"), "S2"] > 0.15, "Ishigami's x1-x3 interaction (analytic 0.244)"
    assert result.cross_check.loc["x2", "delta"] > result.cross_check.loc["dummy", "delta"]


def test_morris_screens_a_linear_function():
    problem = sa.Problem({"a": (0, 1), "b": (0, 1), "c": (0, 1)})
    result = sa.run_function(lambda v, rng: {"y": 10 * v["a"] + 2 * v["b"]}, problem, "morris", n=20, seed=1)["y"]
    mu_star = result.indices["mu_star"]
    assert mu_star["a"] == pytest.approx(10, rel=1e-9) and mu_star["b"] == pytest.approx(2, rel=1e-9)
    assert mu_star["c"] == 0 and mu_star["dummy"] == 0
    assert result.indices["sigma"].max() == pytest.approx(0, abs=1e-9), "a linear function has no interactions"
    assert list(result.ranking().index[:2]) == ["a", "b"]
    assert result.rank_probability.loc["a", "rank 1"] == 1.0


def test_noise_lifts_the_dummy_and_replications_lower_it():
    def noisy(values, rng):
        return {"y": values["a"] + rng.normal(0, 0.5)}

    problem = sa.Problem({"a": (0, 1)})
    one = sa.run_function(noisy, problem, "sobol", n=256, seed=2, replications=1,
                          common_random_numbers=False)["y"].indices
    many = sa.run_function(noisy, problem, "sobol", n=256, seed=2, replications=16,
                           common_random_numbers=False)["y"].indices
    assert one.loc["dummy", "ST"] > many.loc["dummy", "ST"], "averaging replications lowers the noise floor"


def test_design_sizes_and_errors():
    assert PROBLEM.runs("sobol", 64, second_order=True) == 64 * (2 * 4 + 2)
    assert PROBLEM.runs("morris", 20) == 20 * 5
    assert sa.sample(PROBLEM, "sobol", 64, seed=0).shape == (64 * 6, 4)
    with pytest.raises(ValueError, match="power of two"):
        sa.sample(PROBLEM, "sobol", 100, seed=0)
    with pytest.raises(ValueError, match="unknown method"):
        sa.sample(PROBLEM, "fast", 64, seed=0)
    design = sa.sample(PROBLEM, "sobol", 8, seed=0)
    with pytest.raises(ValueError, match="failed run breaks the design"):
        sa.analyse(PROBLEM, "sobol", design, np.full(len(design), np.nan), "y", 8, 0)
