"""Process 2 of the month: socio-economic drift and programme effects on the youth strata.

Poverty drifts exogenously (an uncertainty); the development programme cuts the poor share (with more of the same
budget in the merged districts if chosen); education works through schooling: it cuts the out-of-school share and the
share of youth living away from family under a teacher's control (the Swat finding, FACTS.md s3), and only through a
flagged assumption (``effect_education_admin_gain``, 0 in the central set) raises administrative capacity; the youth
of each district are then split again into the 24 strata of :mod:`ctsim.model.population`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ctsim.model.population import (
    StrataShares,
    composition,
)

if TYPE_CHECKING:
    from ctsim.model.core import CTModel


def update_socioeconomics(model: CTModel) -> None:
    """Programmes move toward the levers with their lags; poverty, schooling and administration follow; the youth
    strata are recomputed when anything moved."""
    model.programmes.advance(model.policy)
    p = model.p
    dev = model.programmes.level("development")
    edu = model.programmes.level("education_investment")
    merged_first = model.policy.development_merged_first
    # Exogenous drift of poverty (an uncertainty: growth, inflation, shocks), compounding from the start.
    drift = (1.0 + p["poverty_trend_per_year"]) ** (model.steps / 12.0)
    if (dev, edu, merged_first, drift) == model.socioeconomic_key:
        return  # nothing moved: keep the strata
    model.socioeconomic_key = (dev, edu, merged_first, drift)
    targeted = development_allocation(model.population, model.merged, p["development_merged_reach_multiple"]) \
        if merged_first else np.ones(model.n_districts)
    # The cut cannot exceed the whole poor share: reach beyond that is spent without further effect.
    cut = np.minimum(1.0, p["effect_development_poverty_cut"] * dev * targeted)
    model.poor_share = np.minimum(1.0, model.poor_share_initial * drift * (1.0 - cut))
    model.out_of_school = model.out_of_school_initial * (1.0 - p["effect_education_out_of_school_cut"] * edu)
    model.admin_capacity = np.minimum(1.0, model.admin_initial + p["effect_education_admin_gain"] * edu)
    model.away_scale = 1.0 - p["effect_education_away_cut"] * edu
    update_youth(model)
    model.development_reach = dev * targeted


def development_allocation(population: np.ndarray, merged: np.ndarray, multiple: float) -> np.ndarray:
    """Each district's development reach per unit of programme when the merged districts come first.

    The budget is the population-weighted reach, ``sum(population x reach)``; spread evenly every district has reach
    1. Merged districts first moves the same budget: they get ``multiple`` times the even reach, the other districts
    share what is left equally per person, so ``sum(population x reach) == sum(population)`` (FACTS.md s4
    recommends funding the merged districts; it does not say at the cost of nothing else).

    Args:
        population: people per district.
        merged: True for the merged districts.
        multiple: the merged districts' reach relative to an even spread (``development_merged_reach_multiple``);
            capped so that the other districts keep a reach of at least zero.

    Returns:
        Reach per district (1 everywhere if there are no merged or no other districts).
    """
    total, in_merged = float(population.sum()), float(population[merged].sum())
    if in_merged == 0.0 or in_merged == total:
        return np.ones(len(population))
    multiple = min(multiple, total / in_merged)
    elsewhere = (total - multiple * in_merged) / (total - in_merged)
    return np.where(merged, multiple, elsewhere)


def update_youth(model: CTModel) -> None:
    shares = composition(StrataShares(model.poor_share, model.out_of_school, model.away_scale),
                         model.p)
    model.youth = np.rint(model.population[:, None] * model.p["youth_share"] * shares).astype(np.int64)
