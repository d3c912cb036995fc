"""Deaths and injuries per attack that vary by year (issue 14), local support from the 2011 pattern through a
calibrated exponent (issue 12), and community intelligence in detection (issue 13)."""

from __future__ import annotations

import numpy as np
import pytest

from ctsim.data import PICSS_ANNUAL
from ctsim.declarations.levers import Policy
from ctsim.model.core import CTModel
from ctsim.model.initialisation import places
from ctsim.model.processes import step05_operations as operations
from ctsim.model.processes import step07_attacks


def casualties_per_attack(model):
    """The month's mean deaths and injuries per attack (the model has stepped into the month)."""
    year = model.start.year + (model.start.month + model.steps - 2) // 12
    return step07_attacks.casualties_per_attack(model.state, model.p, model.compiled_streams, year)


def historical_support(model):
    return places(model.geography).historical_rate ** model.p["historical_support_exponent"]


def _model(start="2022-01", params=None, seed=5, levers=None):
    return CTModel(policy=Policy(**(levers or {})), params=params, seed=seed, start=start)


# ------------------------------------------------------------------------------------ casualties per attack
def test_observed_years_use_picss_ratio_of_the_year():
    model = _model()
    try:
        for year in (2022, 2023, 2024):
            for _ in range(12):
                model.step()
                deaths, injuries = casualties_per_attack(model)
                assert (model.start + (model.steps - 1)).year == year
                assert deaths == pytest.approx(PICSS_ANNUAL[year]["deaths"] / PICSS_ANNUAL[year]["attacks"])
                assert injuries == pytest.approx(PICSS_ANNUAL[year]["injuries"] / PICSS_ANNUAL[year]["attacks"])
    finally:
        model.release()


def test_other_years_draw_one_effect_per_year_and_the_same_one_for_the_same_seed():
    def yearly(seed):
        model = _model(start="2025-01", seed=seed)
        out = []
        try:
            for _ in range(36):
                model.step()
                out.append(casualties_per_attack(model))
        finally:
            model.release()
        return [out[12 * y: 12 * (y + 1)] for y in range(3)]

    first, again, other = yearly(1), yearly(1), yearly(2)
    assert first == again, "the same seed gives the same year effects"
    for months in first:
        assert len(set(months)) == 1, "one draw per year, held for its twelve months"
    assert len({months[0] for months in first}) == 3, "each year draws its own"
    assert first != other


def test_drawn_year_effects_have_mean_one_and_the_declared_spread():
    model = _model(start="2025-01", params={"casualty_year_sd_deaths": 0.2, "casualty_year_sd_injuries": 0.3})
    try:
        effects = []
        for year in range(2025, 2025 + 4000):
            model.casualty_year_effect.pop(year, None)
            model.steps = (year - 2025) * 12 + 1
            d, i = casualties_per_attack(model)
            effects.append((d / model.p["deaths_per_attack"], i / model.p["injuries_per_attack"]))
    finally:
        model.release()
    logs = np.log(np.array(effects))
    assert np.exp(logs).mean(axis=0) == pytest.approx([1.0, 1.0], abs=0.02)
    assert logs.std(axis=0) == pytest.approx([0.2, 0.3], rel=0.05)


def test_with_no_spread_other_years_use_the_pooled_ratio():
    model = _model(start="2025-01", params={"casualty_year_sd_deaths": 0.0, "casualty_year_sd_injuries": 0.0})
    try:
        model.step()
        assert casualties_per_attack(model) == (model.p["deaths_per_attack"], model.p["injuries_per_attack"])
    finally:
        model.release()


def test_simulated_deaths_follow_the_year_ratio():
    """Over the history, deaths per attack in each year track PICSS's ratio of that year (1.42, 1.51, 1.30)."""
    model = _model(seed=11)
    attacks_by_year, deaths_by_year = np.zeros(3), np.zeros(3)
    try:
        for month in range(36):
            model.step()
            attacks_by_year[month // 12] += model.record["attacks"]
            deaths_by_year[month // 12] += model.record["deaths"]
    finally:
        model.release()
    ratio = deaths_by_year / attacks_by_year
    assert ratio[1] > ratio[2], "2023's attacks were deadlier than 2024's"
    expected = [PICSS_ANNUAL[y]["deaths"] / PICSS_ANNUAL[y]["attacks"] for y in (2022, 2023, 2024)]
    np.testing.assert_allclose(ratio, expected, rtol=0.12)


# --------------------------------------------------------------------------------- local support from 2011
def test_a_lower_exponent_raises_support_outside_the_heartland_and_keeps_the_heartland_at_one():
    low, high = _model(params={"historical_support_exponent": 0.5}), _model(params={"historical_support_exponent": 1.0})
    try:
        a, b = historical_support(low), historical_support(high)
        merged = low.region_names == "Merged districts"
        settled = low.region_names == "KP (settled districts)"
        np.testing.assert_allclose(a[merged], 1.0)
        np.testing.assert_allclose(b[merged], 1.0)
        np.testing.assert_allclose(a[settled], np.sqrt(b[settled]))
        assert np.all(a[settled] > b[settled])
        assert np.all(a[low.region_names == "Gilgit-Baltistan"] == 0.0), "no 2011 violence, no support from it"
    finally:
        low.release()
        high.release()


# --------------------------------------------------------------------------------- community intelligence
def _hazard(model, weight):
    p = model.p
    q = p.vector(operations.PARAMS).copy()
    q[operations.INTELLIGENCE] = weight
    s = model.state
    members, district, _, _, dormant, in_sanctuary = s.cells.columns()
    hazard, mix, _, _, _ = operations.search(q, s.effective, s.population, s.legitimacy, members, district, dormant,
                                             in_sanctuary, s.cells.n, s.tempo, 1.0, 1.0,
                                             np.ones(s.population.size))
    return hazard, mix


def test_community_intelligence_raises_detection_with_police_share_and_legitimacy():
    model = _model(seed=2)
    try:
        model.run(3)
        cols = model.cell_table
        base, mix = _hazard(model, 0.0)
        more, _ = _hazard(model, 1.0)
        gain = 1.0 + mix[:, 0] * model.legitimacy
        np.testing.assert_allclose(more, base * gain[cols.district])
        model.legitimacy[:] = 0.0
        none, _ = _hazard(model, 1.0)
        np.testing.assert_allclose(none, base, err_msg="without trust, no tips")
    finally:
        model.release()
