"""Compare mode: two policies as ensembles with common random numbers, progress, bands and paired differences."""

from __future__ import annotations

import re

import pytest

from ctsim.analysis.compare import OUTCOMES
from ctsim.dashboard.compare import CURRENT, SERIES, check_settings, policy_scenario, refuse_identical, run_comparison
from ctsim.dashboard.compare_view import default_pair, difference_table
from ctsim.dashboard.state import DashboardError, DashboardSession


@pytest.fixture(scope="module")
def result():
    progress = []
    session = DashboardSession("baseline", 1, runs=2)
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


def test_a_policy_against_itself_is_refused_before_any_run():
    progress = []
    with pytest.raises(DashboardError, match="the two policies are the same"):
        run_comparison(policy_scenario("baseline", None), policy_scenario("baseline", None), replications=2,
                       years=1, workers=1, on_progress=lambda *a: progress.append(a))
    assert progress == [], "refused at once, not after half a minute of runs"
    session = DashboardSession("baseline", 1, runs=2)
    with pytest.raises(DashboardError, match="the two policies are the same"):
        refuse_identical(policy_scenario("baseline", None), policy_scenario(CURRENT, session))
    session.set_lever("dialogue", 0.5)
    refuse_identical(policy_scenario("baseline", None), policy_scenario(CURRENT, session))  # now they differ


def test_compare_defaults_to_the_chosen_scenario_against_the_status_quo():
    assert default_pair(DashboardSession("civilian_led", 1, runs=2)) == ("baseline", "civilian_led")
    changed = DashboardSession("civilian_led", 1, runs=2)
    changed.set_lever("dialogue", 0.5)
    assert default_pair(changed) == ("baseline", CURRENT), "the trainer's own changes are what is compared"


def test_the_table_speaks_plain_words(result):
    out, _ = result
    text = difference_table(out)
    for code_name in ("new_radicals", "detained_without_trial", "ci90_low", "reference_mean"):
        assert code_name not in text, f"no code name ({code_name}) in the table"
    for label in ("Attacks", "People held without trial", "State legitimacy", "Cost", "90% interval", "Rs "):
        assert label in text
    assert not re.search(r"\d{4,}\.\d|\d{5,}", text), \
        "no raw figure such as 111571118.993: thousands separated, money in Rs bn"


@pytest.mark.parametrize(("replications", "years", "message"), [(1, 10, "at least"), (10, 0, "years"),
                                                                 (500, 10, "between 2")])
def test_bad_sizes_are_refused_with_a_reason(replications, years, message):
    with pytest.raises(DashboardError, match=message):
        check_settings(replications, years)


def test_unknown_policy_is_refused():
    with pytest.raises(DashboardError, match="unknown policy"):
        policy_scenario("nonsense", None)
