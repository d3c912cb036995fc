"""Institutions: the political cycle and programme lags (the justice pipeline is process 6: tests/model/processes/
test_justice.py)."""

from __future__ import annotations

import math

import numpy as np

from ctsim.declarations.levers import Policy
from ctsim.declarations.parameters import resolve
from ctsim.model.institutions import PoliticalCycle, Programmes


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
