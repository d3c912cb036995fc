"""Compare mode carries parameter uncertainty as ``ctsim compare`` does: replication r of both policies uses posterior
draw r beside seed r; the point calibration on request; the result says which; unusable draws give the page's remedy."""

from __future__ import annotations

import numpy as np
import pytest

from ctsim.calibration import parameter_sets
from ctsim.dashboard.compare import policy_scenario, run_comparison
from ctsim.dashboard.state import DashboardError
from ctsim.scenarios.runner import run

SEED, YEARS, REPLICATIONS = 7, 1, 2


@pytest.fixture(scope="module")
def by_mode():
    baseline, civilian = policy_scenario("baseline", None), policy_scenario("civilian_led", None)
    return {point: run_comparison(baseline, civilian, replications=REPLICATIONS, years=YEARS, seed=SEED, workers=1,
                                  point=point) for point in (False, True)}


def test_each_replication_uses_its_posterior_draw_in_both_policies(by_mode):
    draws = parameter_sets.choose(point=False)
    seeds = np.random.SeedSequence(SEED).spawn(REPLICATIONS)
    runs = by_mode[False].runs.set_index(["scenario", "replication"])
    assert draws.draw_index(0) != draws.draw_index(1) or draws.values(0) != draws.values(1)
    for name in ("baseline", "civilian_led"):
        for r in range(REPLICATIONS):
            expected = run(name, seeds[r], 12 * YEARS, draw=draws.values(r)).summary
            assert runs.loc[(name, r), "attacks"] == expected["attacks"], f"{name}, replication {r}: draw {r}, seed {r}"


def test_the_point_calibration_is_used_only_when_asked(by_mode):
    seeds = np.random.SeedSequence(SEED).spawn(REPLICATIONS)
    point_runs = by_mode[True].runs.set_index(["scenario", "replication"])
    for r in range(REPLICATIONS):
        assert point_runs.loc[("baseline", r), "attacks"] == run("baseline", seeds[r], 12 * YEARS).summary["attacks"]
    drawn = by_mode[False].runs["attacks"].to_numpy()
    assert not np.array_equal(drawn, by_mode[True].runs["attacks"].to_numpy()), "draws change the runs"


def test_the_result_says_which_parameters_it_used(by_mode):
    assert "posterior draw" in by_mode[False].parameters
    assert "point calibration" in by_mode[True].parameters


def test_unusable_draws_name_the_pages_remedy(tmp_path, monkeypatch):
    monkeypatch.setattr(parameter_sets, "POSTERIOR_FILE", tmp_path / "missing.json")
    baseline, civilian = policy_scenario("baseline", None), policy_scenario("civilian_led", None)
    with pytest.raises(DashboardError, match="tick 'point calibration'") as caught:
        run_comparison(baseline, civilian, replications=2, years=1, workers=1)
    assert "--point" not in str(caught.value) and "missing.json" in str(caught.value)
    out = run_comparison(baseline, civilian, replications=2, years=1, workers=1, point=True)
    assert "point calibration" in out.parameters


def test_the_compare_view_offers_the_point_calibration_and_refuses_unusable_draws(tmp_path, monkeypatch):
    import ipyvuetify as v
    import solara

    from ctsim.dashboard.compare_view import CompareView
    from ctsim.dashboard.state import DashboardSession

    monkeypatch.setattr(parameter_sets, "POSTERIOR_FILE", tmp_path / "missing.json")
    _, rc = solara.render(CompareView(DashboardSession("civilian_led", 1, runs=2)), handle_error=False)
    rc.find(v.Checkbox, label="point calibration (no parameter uncertainty)").assert_single()
    rc.find(v.Btn, class_="ctsim-compare-run").widget.click()
    rc.find(v.Alert).assert_single()
    assert "tick 'point calibration'" in rc.find(v.Alert).widget.children[0], "refused in the page, with the remedy"
