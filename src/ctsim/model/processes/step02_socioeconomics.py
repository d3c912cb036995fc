"""Process 2 of the month: socio-economic drift and programme effects on the youth strata.

Programmes move toward the levers with their lags. Poverty drifts exogenously (an uncertainty); the development
programme cuts the poor share (with more of the same budget in the merged districts if chosen); education works
through schooling: it cuts the out-of-school share and the share of youth living away from family under a teacher's
control (the Swat finding, FACTS.md s3), and only through a flagged assumption (``effect_education_admin_gain``, 0 in
the central set) raises administrative capacity; the youth of each district are then split again into the 24 strata
of :mod:`ctsim.model.population` (only in a month when something they depend on moved).

Writes ``programmes``, ``poor_share``, ``out_of_school``, ``admin_capacity``, ``away_scale``,
``development_reach`` and ``youth``.
"""

from __future__ import annotations

import numpy as np

from ctsim.compiling import kernel
from ctsim.model.population import COMPOSITION_PARAMS, compose_youth
from ctsim.model.state import Parameters, State


def update_socioeconomics(s: State, p: Parameters, month: int) -> None:
    """Programmes move toward the levers; poverty, schooling and administration follow; the youth strata are
    recomputed when anything they depend on moved (``month`` is the model month, 1-based)."""
    s.programmes.advance(s.policy)
    dev = s.programmes.level("development")
    edu = s.programmes.level("education_investment")
    merged_first = s.policy.development_merged_first
    # Exogenous drift of poverty (an uncertainty: growth, inflation, shocks), compounding from the start.
    drift = (1.0 + p["poverty_trend_per_year"]) ** (month / 12.0)
    key = (dev, edu, merged_first, drift)
    if key == s.socioeconomic_key:
        return  # nothing moved: keep the strata
    s.socioeconomic_key = key
    s.away_scale = 1.0 - p["effect_education_away_cut"] * edu
    # The cut of poverty cannot exceed the whole poor share: reach beyond that is spent without further effect.
    s.poor_share, s.out_of_school, s.admin_capacity, s.development_reach = shares_kernel(
        s.poor_share_initial, s.out_of_school_initial, s.admin_initial,
        s.development_reach_per_unit if merged_first else np.ones_like(s.poor_share_initial),
        p["effect_development_poverty_cut"] * dev, dev,
        drift, 1.0 - p["effect_education_out_of_school_cut"] * edu, p["effect_education_admin_gain"] * edu)
    compose(s, p)


@kernel
def shares_kernel(poor_initial, out_of_school_initial, admin_initial, targeted, cut_per_reach, dev, drift,
                  out_of_school_kept, admin_gain):
    """This month's poor share (the drift, less development's cut: ``cut_per_reach`` x each district's reach,
    ``targeted``), out-of-school share, administrative capacity and development
    reach, by district: each computed as the numpy expressions it replaces would (the same operations in the same
    order), in one pass."""
    n = poor_initial.size
    poor, out_of_school, admin, reach = np.empty(n), np.empty(n), np.empty(n), np.empty(n)
    for d in range(n):
        cut = min(1.0, cut_per_reach * targeted[d])
        poor[d] = min(1.0, poor_initial[d] * drift * (1.0 - cut))
        out_of_school[d] = out_of_school_initial[d] * out_of_school_kept
        admin[d] = min(1.0, admin_initial[d] + admin_gain)
        reach[d] = dev * targeted[d]
    return poor, out_of_school, admin, reach


def compose(s: State, p: Parameters) -> None:
    """Split each district's youth into the strata from its current shares (writes ``youth``)."""
    compose_youth(s.population, s.poor_share, s.out_of_school, s.away_scale, p.vector(COMPOSITION_PARAMS), s.youth)


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
