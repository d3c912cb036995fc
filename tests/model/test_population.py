"""Youth strata: composition, relative risks, drawing recruits without replacement."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from ctsim.declarations.parameters import defaults
from ctsim.model.compiled import take_without_replacement
from ctsim.model.population import (
    COMPOSITION_PARAMS,
    N_STRATA,
    RISK_PARAMS,
    SEMINARY,
    STRATUM_AWAY,
    STRATUM_BAND,
    compose_youth,
    relative_risk,
)
from ctsim.model.state import Parameters


def test_composition_rows_are_distributions_with_the_given_shares():
    p = Parameters({**defaults(), "youth_share": 1.0})  # every person counted: shares exact to 1e-8
    poor = np.array([0.0, 0.2, 0.65, 0.95])
    oos = np.array([0.1, 0.3, 0.5, 0.9])
    youth = np.zeros((4, N_STRATA), dtype=np.int64)
    compose_youth(np.full(4, 1e8), poor, oos, 1.0, p.vector(COMPOSITION_PARAMS), youth)
    shares = youth / 1e8
    assert np.allclose(shares.sum(axis=1), 1.0, atol=1e-6)
    assert np.allclose(shares[:, STRATUM_BAND == 0].sum(axis=1), poor, atol=1e-6), "poor band share = poverty"
    assert (shares >= 0).all()
    # A district poorer than 80% leaves less than the affluent share for the affluent band.
    assert np.isclose(shares[3, STRATUM_BAND == 2].sum(), 0.05, atol=1e-6)


def test_relative_risk_follows_the_swat_findings():
    q = Parameters(defaults()).vector(RISK_PARAMS)
    rr = relative_risk(q, 0.0)
    assert (rr[STRATUM_BAND == 2] == 0).all(), "affluent youth are never recruited (FACTS.md s3)"
    not_affluent = STRATUM_BAND < 2
    assert rr[(STRATUM_AWAY == 1) & not_affluent].min() > rr[STRATUM_AWAY == 0].max(), "living away dominates"
    reformed = relative_risk(q, 0.8)
    assert (reformed[SEMINARY & (STRATUM_BAND < 2)] < rr[SEMINARY & (STRATUM_BAND < 2)]).all()
    assert np.array_equal(reformed[~SEMINARY], rr[~SEMINARY]), "madrasa reform acts on seminary strata only"


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, 50), min_size=N_STRATA, max_size=N_STRATA), st.integers(0, 2**32 - 1),
       st.floats(0, 1))
def test_draw_without_replacement_takes_exactly_n_and_never_more_than_there_is(row, seed, fraction):
    pool = np.array(row, dtype=np.int64)
    n = int(np.floor(pool.sum() * fraction))
    taken = np.zeros(N_STRATA, dtype=np.int64)
    take_without_replacement(np.random.default_rng(seed), pool, n, taken)
    assert (taken >= 0).all() and (taken <= pool).all()
    assert taken.sum() == n
    assert pool.tolist() == row, "the pool is left as it was"


def test_draw_follows_the_pool_composition():
    pool = np.array([9000, 1000] + [0] * (N_STRATA - 2), dtype=np.int64)
    rng = np.random.default_rng(0)
    taken = np.zeros(N_STRATA, dtype=np.int64)
    second = 0
    for _ in range(200):
        take_without_replacement(rng, pool, 50, taken)
        second += taken[1]
    share = second / (200 * 50)
    assert 0.08 < share < 0.12, f"draws should mirror the pool (10%), got {share:.3f}"


def test_a_draw_of_everyone_takes_everyone():
    pool = np.array([3, 0, 7, 1] + [0] * (N_STRATA - 4), dtype=np.int64)
    taken = np.zeros(N_STRATA, dtype=np.int64)
    take_without_replacement(np.random.default_rng(5), pool, 11, taken)
    assert taken.tolist() == pool.tolist()
