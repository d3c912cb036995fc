"""Compare mode: two policies as ensembles with common random numbers, progress, bands and paired differences."""

from __future__ import annotations

import pytest

from ctsim.analysis.compare import OUTCOMES
from ctsim.dashboard.compare import CURRENT, SERIES, check_settings, policy_scenario, run_comparison
from ctsim.dashboard.state import DashboardError, DashboardSession


@pytest.fixture(scope="module")
def result():
    progress = []
    session = DashboardSession("baseline", 1)
    session.set_lever("kinetic_intensity", 1.0)
    out = run_comparison(policy_scenario("baseline", None), policy_scenario(CURRENT, session), replications=3,
                         years=1, seed=4, workers=1, on_progress=lambda done, total: progress.append((done, total)))
    return out, progress


def test_progress_counts_every_run(result):
    _, progress = result
    assert progress == [(i, 6) for i in range(1, 7)], "progress is reported after each of the 2 x 3 runs"


def test_bands_hold_the_median(result):
    out, _ = result
    assert set(out.bands["output"]) == set(SERIES)
    assert set(out.bands["policy"]) == {"baseline", CURRENT}
    assert (out.bands["low"] <= out.bands["median"]).all() and (out.bands["median"] <= out.bands["high"]).all(), \
        "each band runs from the 5th to the 95th percentile around the median"
    assert out.bands.groupby(["policy", "output"]).size().eq(12).all(), "one row per month of a one-year horizon"


def test_differences_are_paired_with_intervals(result):
    out, _ = result
    diffs = out.differences.set_index("outcome")
    assert set(diffs.index) == set(OUTCOMES), "every outcome of ctsim compare is compared"
    assert (diffs["ci90_low"] <= diffs["difference"]).all() and (diffs["difference"] <= diffs["ci90_high"]).all()
    runs = out.runs.pivot(index="replication", columns="scenario", values="attacks")
    assert diffs.loc["attacks", "difference"] == pytest.approx((runs[CURRENT] - runs["baseline"]).mean()), \
        "the difference is the mean over paired replications (second minus first)"


def test_a_policy_against_itself_differs_by_nothing():
    out = run_comparison(policy_scenario("baseline", None), policy_scenario("baseline", None), replications=2,
                         years=1, workers=1)
    assert (out.differences["difference"] == 0).all(), "common random numbers: identical policies, identical runs"


@pytest.mark.parametrize(("replications", "years", "message"), [(1, 10, "at least"), (10, 0, "years"),
                                                                 (500, 10, "between 2")])
def test_bad_sizes_are_refused_with_a_reason(replications, years, message):
    with pytest.raises(DashboardError, match=message):
        check_settings(replications, years)


def test_unknown_policy_is_refused():
    with pytest.raises(DashboardError, match="unknown policy"):
        policy_scenario("nonsense", None)
