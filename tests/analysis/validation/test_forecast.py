"""Known answers for forecast scoring (CRPS, coverage) and the naive forecasts the model must beat."""

import numpy as np
import pytest
from scipy import stats

from ctsim.analysis.validation import forecast


def test_crps_of_a_point_mass_is_the_absolute_error():
    observed = np.array([10.0, 3.0, 7.5])
    point = np.array([[12.0, 3.0, 1.5]])
    assert np.allclose(forecast.crps(observed, point), [2.0, 0.0, 6.0]), \
        "the CRPS of a one-member forecast should equal its absolute error"


def test_crps_of_a_normal_ensemble_approaches_the_closed_form():
    rng = np.random.default_rng(5)
    mu, sigma, observed = 2.0, 3.0, np.array([2.0, 5.0, -4.0])
    samples = rng.normal(mu, sigma, size=(20_000, observed.size))
    z = (observed - mu) / sigma
    # Gneiting and Raftery (2007), eq. 21: the CRPS of N(mu, sigma^2) at y.
    exact = sigma * (z * (2 * stats.norm.cdf(z) - 1) + 2 * stats.norm.pdf(z) - 1 / np.sqrt(np.pi))
    assert np.allclose(forecast.crps(observed, samples), exact, rtol=0.02), \
        "the CRPS of a large normal ensemble should approach the closed-form normal CRPS"


def test_a_forecast_that_is_the_truths_own_distribution_covers_near_nominal():
    rng = np.random.default_rng(11)
    months = 4000
    truth = rng.poisson(60.0, size=months).astype(float)
    samples = rng.poisson(60.0, size=(4000, months)).astype(float)
    assert forecast.coverage(truth, samples, 0.5) == pytest.approx(0.5, abs=0.06), \
        "a calibrated forecast's central 50% interval should hold about half the observations"
    assert forecast.coverage(truth, samples, 0.9) == pytest.approx(0.9, abs=0.04), \
        "a calibrated forecast's central 90% interval should hold about 90% of the observations"


def test_a_forecast_far_off_covers_nothing():
    truth = np.full(12, 50.0)
    samples = np.random.default_rng(1).normal(500.0, 5.0, size=(500, 12))
    assert forecast.coverage(truth, samples, 0.9) == 0.0, "a forecast centred far from the truth should cover nothing"


def test_linear_trend_predicts_a_perfectly_linear_series():
    series = 10.0 + 2.0 * np.arange(36)
    samples = forecast.linear_trend(series[:24], 12, 300, np.random.default_rng(0))
    assert np.allclose(samples, series[24:], atol=1e-6), \
        "a straight line fitted to a perfectly linear series should extrapolate it exactly, without spread"


def test_negative_binomial_trend_follows_a_log_linear_series():
    rng = np.random.default_rng(3)
    mean = 20.0 * np.exp(0.03 * np.arange(48))  # 3% growth a month
    counts = rng.negative_binomial(20.0, 20.0 / (20.0 + mean)).astype(float)  # dispersion alpha = 1/20
    samples = forecast.negative_binomial_trend(counts[:36], 12, 4000, np.random.default_rng(1))
    median = np.median(samples, axis=0)
    assert np.all(np.abs(median / mean[36:] - 1.0) < 0.35), \
        "the negative-binomial regression should extrapolate the growing mean of a log-linear series"
    assert median[-1] > median[0], "a growing series should be forecast to keep growing"


def test_last_twelve_months_draws_only_last_years_values():
    series = np.concatenate([np.full(12, 1.0), np.arange(100.0, 112.0)])
    samples = forecast.last_twelve_months(series, 6, 1000, np.random.default_rng(0))
    assert set(np.unique(samples)) <= set(series[-12:]), "the carried-forward year should hold only last year's values"
    assert len(np.unique(samples)) == 12, "every month of last year should be drawn"


def test_naive_forecasts_are_deterministic_for_a_seed():
    train = np.array([24, 13, 26, 34, 29, 26, 33, 31, 42, 39, 34, 49, 44, 58, 39, 48, 40, 47, 54, 99, 65, 47, 63, 46.])
    first = forecast.naive_forecasts(train, 12, n_samples=200, seed=9)
    again = forecast.naive_forecasts(train, 12, n_samples=200, seed=9)
    other = forecast.naive_forecasts(train, 12, n_samples=200, seed=10)
    for name in forecast.NAIVE:
        assert np.array_equal(first[name], again[name]), f"{name}: the same seed should give the same sample"
        assert first[name].shape == (200, 12), f"{name}: the sample should be n_samples x horizon"
    assert not np.array_equal(first["negative binomial trend"], other["negative binomial trend"]), \
        "another seed should give another sample"


def test_score_table_sums_the_year_and_averages_the_months():
    observed = np.array([10.0, 20.0, 30.0])
    exact = np.array([[10.0, 20.0, 30.0]])
    off = np.array([[12.0, 20.0, 25.0]])
    table = forecast.score(observed, {"model": exact, "rival": off}, periods=["a", "b", "c"])
    assert list(table.index) == ["a", "b", "c", forecast.MONTHLY_MEAN, forecast.YEAR], \
        "the table should have one row per month, then the monthly mean and the year"
    assert table.loc[forecast.YEAR, ("observed", "")] == 60.0, "the year's observation should be the sum of the months"
    assert table.loc[forecast.MONTHLY_MEAN, ("rival", "crps")] == pytest.approx(7.0 / 3.0), \
        "the monthly mean should be the mean CRPS of the months"
    assert table.loc[forecast.YEAR, ("rival", "crps")] == pytest.approx(3.0), \
        "the year's CRPS should score the sum of each sample path against the annual total"
    assert table.loc[forecast.MONTHLY_MEAN, ("model", "inside_90")] == 1.0, "an exact forecast covers every month"


def test_verdict_says_which_forecast_wins():
    observed = np.array([10.0, 20.0, 30.0])
    table = forecast.score(observed, {"model": observed[None, :] + 1.0, "rival": observed[None, :] + 5.0})
    sentence, = forecast.verdict(table)
    assert "lower CRPS in 3 of 3 months" in sentence and "(beats it)" in sentence, \
        "a forecast closer every month should be said to beat its rival"
    assert "does not beat" not in sentence, "a forecast closer every month should never be said to lose"
    reverse, = forecast.verdict(table, model="rival")
    assert "lower CRPS in 0 of 3 months" in reverse and "(beats it)" not in reverse, \
        "a forecast farther every month should be said not to beat its rival"


def test_score_2024_scores_the_model_against_every_naive_forecast_on_facts_2024():
    model = np.tile(forecast.OBSERVED_2024, (50, 1))  # a model that knew 2024 exactly
    table = forecast.score_2024(model, n_samples=300)
    assert table.loc[forecast.YEAR, ("observed", "")] == 908.0, "2024's months should sum to 908 (FACTS.md s1)"
    assert set(forecast.NAIVE) <= set(table.columns.get_level_values("forecast")), \
        "every naive forecast should be scored"
    assert all("(beats it)" in s and "12 of 12" in s for s in forecast.verdict(table)), \
        "a model that knew 2024 should beat every naive forecast in every month and for the year"


def test_mismatched_shapes_are_refused():
    with pytest.raises(ValueError, match="n_samples x 3"):
        forecast.crps([1.0, 2.0, 3.0], np.zeros((5, 4)))
