"""The live trade-off: the five outcomes of the trainer's policy against the status quo, paired run by run, with plain
verdicts read in each outcome's declared direction; and the attacks so far as a running paired difference."""

from __future__ import annotations

import numpy as np
import pytest

from ctsim.analysis.paired import paired
from ctsim.dashboard.state import DashboardSession
from ctsim.dashboard.tradeoff import panel, run_figures, running_difference
from ctsim.dashboard.words import OUTCOMES, verdict
from ctsim.verdicts import judge


@pytest.fixture(scope="module")
def police_lead():
    s = DashboardSession("baseline", 4, runs=4)
    s.set_lever("ct_lead", "police")
    s.step(18)
    return s


def test_the_panel_holds_the_five_outcomes_in_plain_words(police_lead):
    rows = panel(police_lead)
    assert [r.output for r in rows] == list(OUTCOMES)
    assert [r.label for r in rows] == ["Attacks", "Deaths in attacks", "People held without trial",
                                       "State legitimacy", "Cost"]
    for row in rows:
        assert row.verdict in {"better", "worse", "negligible", "unclear"}
        assert "_" not in row.sentence, f"no code name in '{row.sentence}'"
        assert row.low <= row.difference <= row.high, "the interval holds the mean difference"


def test_each_difference_is_the_paired_difference_of_the_runs(police_lead):
    rows = {r.output: r for r in panel(police_lead)}
    branch = police_lead.history_months
    attacks = paired(police_lead.status_quo.array("attacks")[branch:].sum(axis=0),
                     police_lead.policy.array("attacks")[branch:].sum(axis=0))
    assert rows["attacks"].difference == pytest.approx(attacks.difference), "attacks: summed over the months so far"
    held = paired(police_lead.status_quo.array("detained_without_trial")[-1],
                  police_lead.policy.array("detained_without_trial")[-1])
    assert rows["detained_without_trial"].difference == pytest.approx(held.difference), \
        "people held without trial: the last month (a stock, as its declaration says)"
    assert rows["attacks"].counted == "over 18 months" and rows["legitimacy"].counted == "at the end"
    assert rows["cost"].counted == "a year, on average" and "Rs" in rows["cost"].sentence, "money in rupees a year"


def test_the_running_difference_ends_where_the_panel_is(police_lead):
    frame = running_difference(police_lead)
    assert len(frame) == 18, "one point per scenario month"
    last = frame.iloc[-1]
    attacks = {r.output: r for r in panel(police_lead)}["attacks"]
    assert (last["difference"], last["low"], last["high"]) == pytest.approx(
        (attacks.difference, attacks.low, attacks.high)), "the attacks-so-far line ends at the panel's figure"


def test_the_status_quo_against_itself_is_negligible_on_every_outcome():
    s = DashboardSession("baseline", 4, runs=2)
    s.step(3)
    assert {r.verdict for r in panel(s)} == {"negligible"}, "identical runs differ by nothing"
    assert panel(DashboardSession("baseline", 4, runs=2)) == [], "nothing to compare at the branch"


@pytest.mark.parametrize(("output", "interval", "word"), [
    ("attacks", (-30, -12), "better"), ("attacks", (12, 30), "worse"), ("attacks", (-15, 12), "unclear"),
    ("attacks", (-3, 2), "negligible"), ("legitimacy", (0.015, 0.03), "better"),
    ("legitimacy", (-0.03, -0.015), "worse"), ("cost", (2e10, 4e10), "worse"), ("cost", (5, 9), "negligible"),
    ("detained_without_trial", (-900, -100), "better"),
])
def test_the_panel_judges_by_the_projects_one_rule(output, interval, word):
    low, high = interval
    got = verdict(output, (low + high) / 2, low, high, 100.0, 120)
    assert got.word == word, f"{output} with an interval {interval} reads as {word}: {got.sentence}"
    assert got == judge(output, (low + high) / 2, low, high, 100.0, months=120), "the rule of ctsim.verdicts"


def test_run_figures_follow_the_declared_summary(police_lead):
    branch = police_lead.history_months
    np.testing.assert_array_equal(run_figures(police_lead.policy, "deaths", branch),
                                  police_lead.policy.array("deaths")[branch:].sum(axis=0))
    np.testing.assert_array_equal(run_figures(police_lead.policy, "legitimacy", branch),
                                  police_lead.policy.array("legitimacy")[-1])
