"""The ranking core on functions whose indices and variance shares are known: a categorical input ranked beside
numeric ones, the noise floor below, the top-three probabilities, Spearman agreement and the variance groups."""

from __future__ import annotations

import numpy as np
import pytest

from ctsim.analysis.sensitivity import ranking as rk
from ctsim.experiments.executors import replications

PI = np.pi
LEVELS = (-PI, 0.0, PI)  # a discrete stand-in for Ishigami's x3: z^4 takes 0 or pi^4


def ishigami_discrete(values, rng, draw):
    """Ishigami (a = 7, b = 0.1) with x3 replaced by a categorical input z, uniform over LEVELS, plus a little
    noise."""
    x1, x2, z = values["x1"], values["x2"], values["z"]
    return {"y": np.sin(x1) + 7 * np.sin(x2) ** 2 + 0.1 * z ** 4 * np.sin(x1) + rng.normal(0, 0.05)}


def _ishigami_discrete_indices() -> dict[str, tuple[float, float]]:
    """Analytic (S1, ST): V1 = (1 + b E[z^4])^2 / 2, V2 = a^2 / 8, V13 = b^2 Var(z^4) / 2, V3 = 0."""
    z4 = np.array(LEVELS) ** 4
    v1 = (1 + 0.1 * z4.mean()) ** 2 / 2
    v2 = 49 / 8
    v13 = 0.01 * z4.var() / 2
    total = v1 + v2 + v13
    return {"x1": (v1 / total, (v1 + v13) / total), "x2": (v2 / total, v2 / total), "z": (0.0, v13 / total)}


DESIGN = rk.Design(
    inputs=(rk.Input("x1", "x1", "float", -PI, PI), rk.Input("x2", "x2", "float", -PI, PI),
            rk.Input("z", "z", "levels", levels=LEVELS)),
    groups=(rk.Group("x1", rk.LEVER, "first"), rk.Group("x2", rk.LEVER, "second"),
            rk.Group("z", rk.LEVER, "the categorical one")))


def _samples(design, function, n, reps, seed=1):
    out = []
    for s in range(2):
        unit = design.sample(n, seed + s)
        out.append(rk.evaluate(function, design, unit, reps[s * len(reps) // 2:(s + 1) * len(reps) // 2])["y"])
    return out


@pytest.fixture(scope="module")
def ishigami_ranking():
    reps = replications(4, 7)
    samples = _samples(DESIGN, ishigami_discrete, 512, reps)
    return rk.rank_outcome(DESIGN, "y", samples, 512, seed=3)


def test_input_values_map_the_unit_interval_to_ranges_integers_and_equally_likely_levels():
    u = (np.arange(3000) + 0.5) / 3000
    levels = [rk.Input("c", "c", "levels", levels=("a", "b", "c")).value(x) for x in u]
    assert {lv: levels.count(lv) for lv in "abc"} == {"a": 1000, "b": 1000, "c": 1000}, "each level has 1/k"
    ints = [rk.Input("i", "i", "int", 0, 3).value(x) for x in u]
    assert sorted(set(ints)) == [0, 1, 2, 3] and ints.count(0) == ints.count(3), "integers from low to high, even"
    assert rk.Input("f", "f", "float", 2.0, 4.0).value(0.25) == pytest.approx(2.5)


def test_a_categorical_input_is_ranked_beside_numeric_ones_with_known_indices(ishigami_ranking):
    expected = _ishigami_discrete_indices()
    table = ishigami_ranking.pooled.table
    for name, (s1, st) in expected.items():
        assert abs(table.loc[name, "S1"] - s1) < max(2 * table.loc[name, "S1_conf"], 0.03), f"S1 of {name}"
        assert abs(table.loc[name, "ST"] - st) < max(2 * table.loc[name, "ST_conf"], 0.03), f"ST of {name}"
    ranking = ishigami_ranking.ranking()
    assert list(ranking.index[:4]) == ["x1", "z", "x2", "dummy"], \
        "the categorical z (ST 0.24) ranks between x1 (0.86) and x2 (0.14), the noise floor last"
    assert ranking.loc["z", "above_noise"] and not ranking.loc["dummy", "above_noise"]
    assert ishigami_ranking.noise().passes, "the noise floor is below a tenth of the top index"


def test_top_three_and_rank_agreement(ishigami_ranking):
    ranking = ishigami_ranking.ranking()
    assert ranking.loc["x1", "top3_probability"] == 1.0
    assert np.isnan(ranking.loc["dummy", "top3_probability"]), "only levers compete for the top three"
    agree = ishigami_ranking.agreements()["two independent samples"]
    assert agree.rho == pytest.approx(1.0) and agree.low > 0.4, "two samples rank three distinct levers alike"
    assert ishigami_ranking.convergence()["agrees"].all(), "indices at N and 2N agree within their intervals"


def test_top_three_probability_splits_between_levers_of_equal_effect():
    design = rk.Design(tuple(rk.Input(f"l{k}", f"l{k}") for k in range(5)),
                       tuple(rk.Group(f"l{k}", rk.LEVER, f"lever {k}") for k in range(5)))

    def function(values, rng, draw):  # l0 large, l1-l4 equal and small: the third place is a lottery among four
        return {"y": 10 * values["l0"] + sum(values[f"l{k}"] for k in range(1, 5))}

    reps = replications(2, 1)
    result = rk.rank_outcome(design, "y", _samples(design, function, 256, reps), 256, seed=5)
    top = result.ranking()["top3_probability"]
    assert top["l0"] == 1.0
    assert all(0.2 < top[f"l{k}"] < 0.8 for k in range(1, 5)), "equal levers share the two other places"
    assert top[[f"l{k}" for k in range(5)]].sum() == pytest.approx(3.0), "three places per resample"


def test_spearman_agreement_falls_when_rankings_differ():
    design = rk.Design(tuple(rk.Input(f"l{k}", f"l{k}") for k in range(4)),
                       tuple(rk.Group(f"l{k}", rk.LEVER, f"lever {k}") for k in range(4)))
    up = lambda v, rng, d: {"y": sum((k + 1) * v[f"l{k}"] for k in range(4))}  # noqa: E731
    down = lambda v, rng, d: {"y": sum((4 - k) * v[f"l{k}"] for k in range(4))}  # noqa: E731
    reps = replications(1, 2)
    unit = design.sample(128, 4)
    a = rk.indices(design, rk.evaluate(up, design, unit, reps)["y"], 128, 1)
    b = rk.indices(design, rk.evaluate(down, design, unit, reps)["y"], 128, 1)
    assert rk.agreement(a, a).rho == pytest.approx(1.0)
    assert rk.agreement(a, b).rho == pytest.approx(-1.0), "reversed importance, reversed ranking"


def test_variance_is_apportioned_to_levers_assumed_values_parameters_and_chance():
    design = rk.Design(
        inputs=(rk.Input("lever", "lever", "float", 0, 1), rk.Input("a1", "assumed", "float", 0, 1),
                rk.Input("a2", "assumed", "float", 0, 1)),
        groups=(rk.Group("lever", rk.LEVER, "a lever"), rk.Group("assumed", rk.ASSUMPTION, "assumed values")))
    thetas = [-1.0, -0.5, 0.0, 0.5, 1.0, -1.0, -0.5, 0.0, 0.5, 1.0]
    reps = [rk.Replication(r.index, r.seed, {"theta": thetas[r.index]}) for r in replications(10, 3)]

    def function(values, rng, draw):
        return {"y": 3 * values["lever"] + 2 * (values["a1"] + values["a2"]) + draw["theta"] + rng.normal(0, 0.5)}

    samples = _samples(design, function, 256, reps)
    shares = rk.rank_outcome(design, "y", samples, 256, seed=2).shares["share"]
    parts = {"levers": 9 / 12, "levers x assumed values": 0.0, "assumed values": 4 * 2 / 12,
             "calibrated parameters": np.var(thetas[:5], ddof=1), "chance": 0.25}
    total = sum(parts.values())
    for name, value in parts.items():
        assert shares[name] == pytest.approx(value / total, abs=0.04), f"the share of {name}"
    assert shares.sum() == pytest.approx(1.0), "the components add up to the single run's variance"


def test_the_noise_check_asks_for_more_replications_when_noise_dominates():
    design = rk.Design((rk.Input("l", "l"),), (rk.Group("l", rk.LEVER, "lever"),))
    noisy = lambda v, rng, d: {"y": v["l"] + rng.normal(0, 1.0)}  # noqa: E731
    reps = replications(2, 9)
    unit = design.sample(256, 1)
    result = rk.indices(design, rk.evaluate(noisy, design, unit, reps[:1])["y"], 256, 1)
    check = rk.noise_check(result, 1)
    assert not check.passes and check.replications_needed > 10, "noise of sd 1 swamps a lever of sd 0.29"


def test_bad_designs_are_refused():
    with pytest.raises(ValueError, match="at least two levels"):
        rk.Input("c", "c", "levels", levels=("only",))
    with pytest.raises(ValueError, match="unknown groups"):
        rk.Design((rk.Input("x", "nowhere"),), (rk.Group("x", rk.LEVER, "x"),))
    with pytest.raises(ValueError, match="power of two"):
        DESIGN.sample(100, 1)


def test_with_one_replication_the_parameters_share_is_unknown_not_negative():
    design = rk.Design((rk.Input("l", "l"),), (rk.Group("l", rk.LEVER, "lever"),))
    noisy = lambda v, rng, d: {"y": v["l"] + rng.normal(0, 0.1)}  # noqa: E731
    unit = design.sample(256, 1)
    shares = rk.variance_shares(design, rk.evaluate(noisy, design, unit, replications(1, 2))["y"], 256, 1)
    assert np.isnan(shares.loc["calibrated parameters", "share"]), "one replication cannot tell draws from design"
    chance = shares.loc["chance"]
    assert chance["low"] <= 0.01 / (1 / 12 + 0.01) <= chance["high"], "chance is still measured, within its interval"
