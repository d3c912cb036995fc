"""ctsim compare by the one verdict rule: differences.csv carries each outcome's verdict and smallest change that
matters as ctsim.verdicts judges them, and with posterior draws every replication's runs price with the same drawn
prices (so cost intervals carry price uncertainty while the pairs stay paired)."""

from __future__ import annotations

import numpy as np
import pytest

from ctsim.analysis.compare import OUTCOMES, compare
from ctsim.calibration.parameter_sets import choose
from ctsim.scenarios.files import load_scenario
from ctsim.scenarios.library import library_path
from ctsim.scenarios.runner import run
from ctsim.verdicts import judge, price_draws

MONTHS = 12


@pytest.fixture(scope="module")
def pair():
    base, nacta = (load_scenario(library_path(n)) for n in ("baseline", "nacta_relocation"))
    return base, nacta


def test_differences_carry_the_verdict_of_the_one_rule(pair):
    result = compare(list(pair), replications=3, months=MONTHS, progress=False)
    table = result.differences
    assert set(table["outcome"]) == set(OUTCOMES) and "fear" in set(table["outcome"])
    for r in table.to_dict("records"):
        v = judge(r["outcome"], r["difference"], r["ci90_low"], r["ci90_high"], r["reference_mean"], months=MONTHS)
        assert (r["verdict"], r["smallest_change"]) == (v.word, pytest.approx(v.threshold)), \
            f"{r['outcome']}: the verdict and its threshold come from ctsim.verdicts.judge"
    assert result.prices == "central", "without posterior draws (the point calibration) prices stay central"


def test_with_draws_each_replication_prices_with_its_drawn_prices_in_every_scenario(pair):
    base, _ = pair
    parameters = choose(point=False)
    result = compare([base, base], replications=2, months=MONTHS, progress=False, parameters=parameters)
    assert result.prices == "drawn"
    assert (result.differences["difference"] == 0).all(), "the same prices in both scenarios: the pairs cancel"
    seeds = np.random.SeedSequence(result.seed).spawn(2)
    prices = price_draws(result.seed, 2)
    for r in range(2):
        expected = run(base, seeds[r], MONTHS, draw={**prices[r], **parameters.values(r)}).summary["cost"]
        shown = result.runs[(result.runs["scenario"] == "baseline") & (result.runs["replication"] == r)]["cost"]
        assert float(shown.iloc[0]) == pytest.approx(expected), f"replication {r} uses price draw {r}"
    central = run(base, seeds[0], MONTHS, draw=parameters.values(0)).summary["cost"]
    assert float(result.runs["cost"].iloc[0]) != pytest.approx(central), "drawn prices are not the central ones"
