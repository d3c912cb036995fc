"""The one verdict rule: better or worse only when the interval excludes zero and the change reaches the declared
smallest change that matters; negligible when the whole interval lies inside it; unclear otherwise."""

from __future__ import annotations

import math

import pytest

from ctsim.declarations.outputs import OUTPUTS_BY_NAME
from ctsim.verdicts import judge, side_effects, threshold

ATTACKS_SQ = 1450.0  # a status quo's attacks over the horizon: 5% of it is 72.5


def test_a_change_that_matters_with_an_interval_clear_of_zero_is_better_or_worse():
    fewer = judge("attacks", -118.0, -160.0, -80.0, ATTACKS_SQ)
    assert fewer.word == "better" and fewer.material, "fewer attacks by more than 5% of the status quo is better"
    assert fewer.sentence == ("Attacks: 118 fewer attacks over ten years (90% interval 80 to 160 fewer attacks), "
                              "8.1% fewer than under the status quo."), fewer.sentence
    more = judge("attacks", 225.0, 83.0, 367.0, 2500.0, where="merged")
    assert more.word == "worse" and more.label == "Attacks in the merged districts", "a rise is worse, by region"
    assert judge("legitimacy", 0.02, 0.012, 0.03, 0.56).word == "better", "legitimacy: higher is better"
    assert judge("arrests", 300.0, 200.0, 400.0, 5000.0).word == "neither", \
        "arrests have no better direction: a change that matters is neither better nor worse"


def test_a_real_but_immaterial_change_is_negligible_not_better():
    """The issue's case: legitimacy up 0.0007 with an interval that excludes zero, on a 0-1 index."""
    v = judge("legitimacy", 0.0007, 0.0001, 0.0013, 0.56)
    assert v.word == "negligible", "an interval inside the smallest change that matters is negligible"
    assert "0.0001 to 0.0013 higher on the 0-1 index" in v.sentence, "the interval shows its digits, never 0.000"
    assert "0.000 " not in v.sentence
    assert v.context.startswith("State legitimacy is an index from 0"), "an index says what its scale means"
    assert "ends at 0.56 on the 0-1 index" in v.context, "and where the status quo stands"


@pytest.mark.parametrize("mean, low, high, why", [
    (-40.0, -100.0, -5.0, "excludes zero, but the mean falls short of the smallest change that matters"),
    (-80.0, -180.0, 20.0, "the mean reaches it, but the interval includes no change"),
    (-3.0, math.nan, math.nan, "too few runs for an interval"),
])
def test_otherwise_it_is_unclear(mean, low, high, why):
    assert judge("attacks", mean, low, high, ATTACKS_SQ).word == "unclear", why


def test_the_boundary_between_negligible_and_unclear_is_the_declared_size():
    size = threshold("attacks", ATTACKS_SQ, 120)
    assert size == pytest.approx(72.5), "5% of the status quo's attacks"
    assert judge("attacks", 0.0, -size, size, ATTACKS_SQ).word == "negligible", "an interval at the bar is inside"
    assert judge("attacks", 0.0, -size - 1, size, ATTACKS_SQ).word == "unclear", "one attack past it is not"
    assert judge("attacks", -size, -size - 10, -size + 10, ATTACKS_SQ).word == "better", "a mean at the bar matters"


def test_thresholds_follow_the_declarations():
    assert threshold("attacks", 10.0, 120) == pytest.approx(10.0), "a region with few attacks: one a year, the floor"
    assert threshold("attacks", 10.0, 24) == pytest.approx(2.0), "the floor of a flow scales with the horizon"
    assert threshold("legitimacy", 0.56, 24) == threshold("legitimacy", 0.2, 120) == pytest.approx(0.01), \
        "legitimacy: an absolute size, a twentieth of the Punjab-merged districts gap at the start"
    assert threshold("detained_without_trial", 100.0, 24) == pytest.approx(10.0), "a stock's floor does not scale"
    with pytest.raises(ValueError, match="give reference"):
        threshold("attacks")
    with pytest.raises(ValueError, match="unknown output"):
        judge("atacks", 1.0, 0.0, 2.0, 1.0)


def test_every_output_declares_a_positive_smallest_change_with_its_reason():
    for o in OUTPUTS_BY_NAME.values():
        assert o.matters.share > 0 or o.matters.floor > 0, f"{o.name}: a positive smallest change that matters"
        assert len(o.matters.reason) > 30 and "judgement" in o.matters.reason, \
            f"{o.name}: the reason says why, and that it is a judgement"
        assert "FACTS.md" not in o.matters.reason, f"{o.name}: the reader has no FACTS.md"
        assert o.label and "_" not in o.label, f"{o.name}: a plain label"


def test_side_effects_are_the_regional_changes_that_run_against_the_national_verdict():
    national = judge("attacks", -900.0, -1000.0, -800.0, 12_000.0)
    regions = [judge("attacks", 225.0, 83.0, 367.0, 2500.0, where="merged"),
               judge("attacks", -500.0, -600.0, -400.0, 4000.0, where="kp_settled"),
               judge("attacks", 60.0, 40.0, 80.0, 300.0, where="sindh"),
               judge("attacks", 3.0, -2.0, 8.0, 20.0, where="gb")]
    found = side_effects(national, regions)
    assert [v.label for v in found] == ["Attacks in the merged districts", "Attacks in Sindh"], \
        "material rises where the country sees fewer attacks, largest first; not the region that agrees"
