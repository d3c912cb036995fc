"""Institutions: justice pipeline, political cycle, programme lags."""

from __future__ import annotations

import math

import numpy as np

from ctsim.declarations.levers import Policy
from ctsim.declarations.parameters import resolve
from ctsim.model.institutions import JusticePipeline, PoliticalCycle, Programmes


def run_pipeline(capacity, months=24, arrests_per_month=100, return_rate=0.5):
    p = resolve({"max_pretrial_months": 6})
    justice = JusticePipeline(3, p)
    rng = np.random.default_rng(0)
    totals = {"decided": 0, "convicted": 0, "released": 0, "released_untried": 0, "returned": 0}
    admitted = 0
    for _ in range(months):
        arrests = np.array([arrests_per_month, 0, arrests_per_month // 2])
        admitted += arrests.sum()
        out = justice.step(rng, arrests, capacity, return_rate)
        for key in totals:
            totals[key] += int(out[key].sum())
    return justice, totals, admitted


def test_pipeline_conserves_people():
    justice, t, admitted = run_pipeline(capacity=60)
    assert admitted == t["decided"] + t["released_untried"] + justice.awaiting
    assert t["released"] == t["decided"] - t["convicted"] + t["released_untried"]
    assert t["returned"] <= t["released"]


def test_without_prosecutors_every_arrest_walks_free_untried():
    justice, t, admitted = run_pipeline(capacity=0)
    assert t["decided"] == 0 and t["convicted"] == 0
    assert t["released_untried"] == admitted - justice.awaiting
    assert justice.awaiting <= 150 * 5, "nobody is held beyond the pre-trial limit"


def test_ample_capacity_tries_everyone_and_releases_none_untried():
    _, t, _ = run_pipeline(capacity=10_000)
    assert t["released_untried"] == 0
    assert 0.2 < t["convicted"] / t["decided"] < 0.4, "conviction share near the declared 30%"


def test_more_prosecutors_fewer_returns():
    _, low, _ = run_pipeline(capacity=20)
    _, high, _ = run_pipeline(capacity=200)
    assert high["returned"] < low["returned"], "prosecution capacity should close the revolving door"


def test_transition_reverts_changed_levers_only_without_continuity():
    p = resolve({"months_to_first_transition": 3})
    status_quo = Policy()
    rng = np.random.default_rng(0)
    policy = Policy(development=1.0, political_continuity=0.0)
    cycle = PoliticalCycle(p)
    assert cycle.step(2, policy, status_quo, rng) == []
    assert cycle.step(3, policy, status_quo, rng) == ["development"]
    assert policy.development == 0.0 and cycle.next_transition == 63

    kept = Policy(development=1.0, political_continuity=1.0)
    assert PoliticalCycle(p).step(3, kept, status_quo, rng) == [] and kept.development == 1.0
    owned = Policy(development=1.0, political_continuity=0.0, cross_party_ownership=True)
    assert PoliticalCycle(p).step(3, owned, status_quo, rng) == [] and owned.development == 1.0


def test_programmes_approach_the_lever_with_its_lag():
    policy = Policy(education_investment=1.0)  # lag 60 months
    programmes = Programmes(Policy(), resolve())
    for _ in range(60):
        programmes.advance(policy)
    assert math.isclose(programmes.level("education_investment"), 1 - math.exp(-1), rel_tol=1e-9)
    programmes.advance(Policy(kinetic_intensity=1.0))  # no lag: immediate
    assert programmes.level("kinetic_intensity") == 1.0


def test_nacta_in_pm_office_raises_coordination_bounded():
    p = resolve()
    interior = Programmes(Policy(), p)
    pm = Programmes(Policy(nacta_placement="pm_office", central_ctd=True), p)
    assert interior.level("coordination") < pm.level("coordination") <= 1.0
