"""Posterior predictive checks: coverage and tolerance on a constructed case with a known answer, and where the
parameter sets come from."""

import numpy as np
import pandas as pd
import pytest

from ctsim.analysis.calibration import posterior
from ctsim.analysis.validation import predictive
from ctsim.calibration import targets as calibration_targets
from ctsim.cli import main
from ctsim.declarations.parameters import calibrated

RUNS = np.arange(1.0, 101.0)  # 100 runs valued 1..100: quartiles 25.75 and 75.25, 5% and 95% at 5.95 and 95.05


def _sample() -> predictive.PredictiveSample:
    monthly = np.column_stack([RUNS + 10.0 * j for j in range(4)])  # month j shifted by 10 j
    return predictive.PredictiveSample(
        ["2022-01", "2022-02", "2022-03", "2022-04"], monthly,
        {"annual/2022/attacks": RUNS, "annual/2022/deaths": RUNS, "shares/2023/merged": np.linspace(0.2, 0.4, 100),
         "killed/2023": RUNS})


def _targets() -> dict:
    # month 1 central; month 2 inside 90% only; month 3 beyond 95%; month 4 inside 90% only
    return {posterior.MONTHLY: np.array([50.0, 30.0, 119.0, 110.0]), posterior.DISPERSION: 0.1,
            "annual/2022/attacks": 50.0,   # median 50.5: +1%, within 10%
            "annual/2022/deaths": 40.0,    # median 50.5: +26%, outside 10%, still inside the 50% interval
            "shares/2023/merged": 0.27,    # median 0.30: +3 points, within 5
            "annual/2024/attacks": 900.0}  # not simulated: left out


def test_coverage_and_tolerance_have_the_known_answer():
    table, summary = predictive.predictive_checks(_sample(), _targets())
    monthly = table[table["group"] == "monthly"]
    assert monthly["inside_50"].tolist() == [True, False, False, False], "only month 1 lies between the quartiles"
    assert monthly["inside_90"].tolist() == [True, True, False, True], "month 3 lies beyond the 95th percentile"
    assert summary["groups"]["monthly"] == {"targets": 4, "inside_50": 0.25, "inside_90": 0.75, "median_within": None}
    annual = table[table["group"] == "annual"].set_index("target")
    assert annual.loc["2022/attacks", "error"] == pytest.approx(0.01) and annual.loc["2022/attacks", "within"], \
        "a median 1% off its target is within the 10% tolerance"
    assert annual.loc["2022/deaths", "error"] == pytest.approx(50.5 / 40 - 1), "the median's error is relative"
    assert not annual.loc["2022/deaths", "within"], "a median 26% off its target is outside the 10% tolerance"
    assert summary["groups"]["annual"] == {"targets": 2, "inside_50": 1.0, "inside_90": 1.0, "median_within": 1}
    shares = table[table["group"] == "shares"].iloc[0]
    assert shares["error"] == pytest.approx(0.03) and shares["within"], "a share 3 points off is within 5 points"
    assert "killed" not in summary["groups"], "a simulated figure without a target is not checked"
    assert "2024/attacks" not in set(table["target"]), "a target the runs do not cover is left out"
    expected = np.corrcoef([50.5, 60.5, 70.5, 80.5], [50.0, 30.0, 119.0, 110.0])[0, 1]
    assert summary["monthly_correlation"] == pytest.approx(expected)
    assert summary["monthly_correlation_within"] == (expected >= calibration_targets.TOLERANCE["monthly_correlation"])


def test_a_predictive_that_is_the_truths_own_distribution_covers_near_nominal():
    rng = np.random.default_rng(5)
    months = 400
    sample = predictive.PredictiveSample([f"m{i}" for i in range(months)], rng.poisson(60, (500, months)), {})
    targets = {posterior.MONTHLY: rng.poisson(60, months).astype(float)}
    _, summary = predictive.predictive_checks(sample, targets)
    assert 0.42 < summary["groups"]["monthly"]["inside_50"] < 0.62, "about half the months inside the 50% interval"
    assert 0.86 < summary["groups"]["monthly"]["inside_90"] <= 0.97, "about 90% inside the 90% interval"


def test_point_mode_repeats_the_stored_calibration_and_a_missing_file_is_named(tmp_path):
    sets = predictive.parameter_sets(predictive.POINT, 3)
    assert sets.source == "point" and sets.values == [dict(calibrated())] * 3, "every run uses the stored values"
    with pytest.raises(FileNotFoundError, match="nowhere.json"):
        predictive.parameter_sets(tmp_path / "nowhere.json", 3)


def test_a_draws_file_gives_each_run_its_replications_draw(tmp_path):
    values = {"detection_rate": np.array([0.1, 0.2, 0.3])}
    draws = posterior.Posterior(values=pd.DataFrame(values), weights=np.array([0.2, 0.3, 0.5]),
                                priors={"detection_rate": (0.08, 0.3)}, settings={"seed": 9})
    path = posterior.write_draws(draws, tmp_path / "draws.json")
    sets = predictive.parameter_sets(path, 5)
    assert sets.values == [posterior.draw_for_replication(draws, r) for r in range(5)], \
        "run r takes the draw replication r would take"
    assert "3 ABC draws" in sets.description


def test_packaged_draws_from_another_model_are_refused_and_a_named_file_says_so(tmp_path, monkeypatch, capsys):
    from ctsim.calibration.parameter_sets import DrawsError

    draws = posterior.Posterior(values=pd.DataFrame({"detection_rate": np.array([0.1, 0.2])}),
                                weights=np.array([0.5, 0.5]), priors={"detection_rate": (0.08, 0.3)},
                                settings={"seed": 9})
    path = posterior.write_draws(draws, tmp_path / "posterior.json")  # no fingerprint of this model
    monkeypatch.setattr(predictive, "STORED_DRAWS", path)
    with pytest.raises(DrawsError, match="posterior.json: the packaged posterior draws were computed on another model"
                                         ".*make posterior.*--draws point"):
        predictive.parameter_sets(None, 3)
    assert "computed on another model" in predictive.parameter_sets(path, 3).description
    # The study's command stops with that one line and exit status 2, before any run and without writing its record.

    record = tmp_path / "out" / "forecast.json"
    assert main(["forecast", "--json", str(record), "--runs", "2", "--abc-dir", str(tmp_path / "abc")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "computed on another model" in err and "Traceback" not in err
    assert not record.exists() and not (tmp_path / "abc").exists()
