"""Youth strata: composition, relative risks, drawing recruits without replacement."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from ctsim.declarations.parameters import defaults
from ctsim.model.population import (
    N_STRATA,
    SEMINARY,
    STRATUM_AWAY,
    STRATUM_BAND,
    StrataShares,
    composition,
    draw_without_replacement,
    relative_risk,
)


def test_composition_rows_are_distributions_with_the_given_shares():
    p = defaults()
    poor = np.array([0.0, 0.2, 0.65, 0.95])
    oos = np.array([0.1, 0.3, 0.5, 0.9])
    shares = composition(StrataShares(poor, oos), p)
    assert shares.shape == (4, N_STRATA)
    assert np.allclose(shares.sum(axis=1), 1.0)
    assert np.allclose(shares[:, STRATUM_BAND == 0].sum(axis=1), poor), "poor band share must equal poverty"
    assert (shares >= 0).all()
    # A district poorer than 80% leaves less than the affluent share for the affluent band.
    assert np.isclose(shares[3, STRATUM_BAND == 2].sum(), 0.05)


def test_relative_risk_follows_the_swat_findings():
    p = defaults()
    rr = relative_risk(p)
    assert (rr[STRATUM_BAND == 2] == 0).all(), "affluent youth are never recruited (FACTS.md s3)"
    not_affluent = STRATUM_BAND < 2
    assert rr[(STRATUM_AWAY == 1) & not_affluent].min() > rr[STRATUM_AWAY == 0].max(), "living away dominates"
    reformed = relative_risk(p, seminary_risk_cut=0.8)
    assert (reformed[SEMINARY & (STRATUM_BAND < 2)] < rr[SEMINARY & (STRATUM_BAND < 2)]).all()
    assert np.array_equal(reformed[~SEMINARY], rr[~SEMINARY]), "madrasa reform acts on seminary strata only"


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(st.integers(0, 50), min_size=N_STRATA, max_size=N_STRATA), min_size=1, max_size=6),
       st.integers(0, 2**32 - 1), st.floats(0, 1))
def test_draw_without_replacement_takes_exactly_n_and_never_more_than_there_is(rows, seed, fraction):
    pool = np.array(rows, dtype=np.int64)
    n = np.floor(pool.sum(axis=1) * fraction).astype(np.int64)
    taken = draw_without_replacement(np.random.default_rng(seed), pool, n)
    assert (taken >= 0).all() and (taken <= pool).all()
    assert np.array_equal(taken.sum(axis=1), n)


def test_draw_follows_the_pool_composition():
    pool = np.array([[9000, 1000] + [0] * (N_STRATA - 2)])
    taken = draw_without_replacement(np.random.default_rng(0), np.repeat(pool, 200, axis=0), np.full(200, 50))
    share = taken[:, 1].sum() / taken.sum()
    assert 0.08 < share < 0.12, f"draws should mirror the pool (10%), got {share:.3f}"
