"""Development targeting reallocates the same budget (issue 13): merged districts first moves money toward them
without cutting the total."""

from __future__ import annotations

import numpy as np
import pytest

from ctsim.declarations.levers import Policy
from ctsim.model.core import CTModel
from ctsim.model.processes.step02_socioeconomics import development_allocation


def _after(months: int, **levers) -> CTModel:
    model = CTModel(policy=Policy(development=1.0, **levers), seed=11)
    model.run(months)
    return model


def test_merged_first_conserves_the_population_weighted_budget_and_moves_it_to_the_merged_districts():
    even, first = _after(24, development_merged_first=False), _after(24, development_merged_first=True)
    try:
        budget_even = float(even.population @ even.development_reach)
        budget_first = float(first.population @ first.development_reach)
        assert budget_first == pytest.approx(budget_even, rel=1e-9), \
            "merged districts first should move the development budget, not change its size"
        merged = first.merged
        assert (first.development_reach[merged] > even.development_reach[merged]).all(), \
            "the merged districts should get more reach when they come first"
        assert (first.development_reach[~merged] < even.development_reach[~merged]).all(), \
            "the other districts pay for it"
        assert first.poor_share[merged].mean() < even.poor_share[merged].mean(), \
            "more reach should cut poverty further in the merged districts"
    finally:
        even.release()
        first.release()


@pytest.mark.parametrize("multiple", [1.0, 2.0, 4.0, 1e6])
def test_allocation_keeps_the_budget_for_any_multiple(multiple):
    population = np.array([5.0, 100.0, 50.0, 2.0])
    merged = np.array([True, False, False, True])
    reach = development_allocation(population, merged, multiple)
    assert population @ reach == pytest.approx(population.sum()), "the budget is conserved"
    assert (reach >= 0).all(), "no district gets a negative reach, however large the multiple"
    assert reach[merged].min() >= reach[~merged].max(), "the merged districts get at least the others' reach"
    assert development_allocation(population, np.zeros(4, bool), multiple).tolist() == [1.0] * 4
