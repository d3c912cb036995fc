"""Scoring probabilistic forecasts of monthly attack counts, and the naive forecasts a model has to beat.

A forecast here is a predictive sample: a matrix of ``n_samples x horizon`` simulated monthly counts, each row one
joint path (so the row sums are a sample of the period's total). It is scored against what happened with:

- the continuous ranked probability score (CRPS, lower is better; in attacks, and equal to the absolute error for a
  point forecast), computed by ``scoringrules`` as the exact CRPS of the sample's empirical distribution, per month
  and for the annual total;
- the coverage of the central 50% and 90% intervals of the sample (a calibrated forecast covers about 50% and 90%).

Three naive forecasts are fitted to the training months, each from a seeded numpy ``Generator``:

- :func:`last_twelve_months`: the empirical distribution of the last 12 observed months ("next year looks like last
  year", the climatology of the most recent year);
- :func:`linear_trend`: an ordinary least-squares line through the training months, sampled from its predictive
  distribution (parameter and residual uncertainty), clipped at zero;
- :func:`negative_binomial_trend`: a negative-binomial (NB2) regression of the counts on time with a log link, its
  dispersion estimated by maximum likelihood (statsmodels), sampled with parameter uncertainty.

:func:`score` tabulates CRPS and coverage by month and for the year; :func:`verdict` says in plain words whether the
model beats each naive forecast; :func:`score_from_origin` and :func:`score_2024` fit the naive forecasts at the end of
the training months and score all of them against the held-out months.

Example::

    from ctsim.analysis.validation.forecast import score_2024, verdict
    table = score_2024(model_samples)   # model_samples: runs x 12 simulated monthly attacks of 2024
    for sentence in verdict(table):
        print(sentence)

References:
    Gneiting, T. and Raftery, A. E. (2007). Strictly proper scoring rules, prediction, and estimation. JASA 102(477).
    Hyndman, R. J. and Athanasopoulos, G. (2021). Forecasting: principles and practice, 3rd ed., ch. 5 (benchmarks).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np
import pandas as pd
import scoringrules
import statsmodels.api as sm
from statsmodels.discrete.discrete_model import NegativeBinomial

from ctsim.calibration import targets as calibration_targets

# FACTS.md s1 (PICSS 2024, released for calibration): national militant attacks per month, January to December 2024;
# May, September and December are derived there from PICSS month-on-month changes; the months sum to 908.
OBSERVED_2024 = np.array([93, 97, 56, 77, 86, 69, 79, 83, 77, 68, 71, 52], dtype=float)
TRAINING_MONTHS_2022_2023 = 24  # calibration_targets.MONTHLY_ATTACKS begins with January 2022: its first 24 months
LEVELS = (0.5, 0.9)
YEAR = "year"
MONTHLY_MEAN = "monthly mean"

NaiveForecast = Callable[[np.ndarray, int, int, np.random.Generator], np.ndarray]


def crps(observed: Sequence[float], samples: np.ndarray) -> np.ndarray:
    """CRPS of a sample forecast, month by month.

    Args:
        observed: the observed counts, one per month (length ``horizon``).
        samples: predictive sample, ``n_samples x horizon``.

    Returns:
        The CRPS of each month (same unit as the counts). The "qd" estimator is the exact CRPS of the sample's
        empirical distribution, so a one-member sample scores its absolute error.
    """
    observed, samples = _checked(observed, samples)
    return np.asarray(scoringrules.crps_ensemble(observed, samples, m_axis=0, estimator="qd"), dtype=float)


def inside_interval(observed: Sequence[float], samples: np.ndarray, level: float) -> np.ndarray:
    """Whether each observed month lies inside the central ``level`` interval of the sample (ends included).

    Args:
        observed: the observed counts (length ``horizon``).
        samples: predictive sample, ``n_samples x horizon``.
        level: nominal coverage of the central interval, e.g. 0.9 for the 5% to 95% quantiles.
    """
    observed, samples = _checked(observed, samples)
    if not 0.0 < level < 1.0:
        raise ValueError(f"interval level must lie strictly between 0 and 1, got {level}")
    low, high = np.quantile(samples, [(1.0 - level) / 2.0, (1.0 + level) / 2.0], axis=0)
    return (observed >= low) & (observed <= high)


def coverage(observed: Sequence[float], samples: np.ndarray, level: float) -> float:
    """Share of observed months inside the central ``level`` interval of the sample."""
    return float(np.mean(inside_interval(observed, samples, level)))


def _checked(observed: Sequence[float], samples: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    observed = np.asarray(observed, dtype=float).reshape(-1)
    samples = np.asarray(samples, dtype=float)
    if samples.ndim == 1:
        samples = samples[:, None]
    if samples.ndim != 2 or samples.shape[1] != observed.size:
        raise ValueError(f"samples must be n_samples x {observed.size} (one column per observed month), "
                         f"got shape {samples.shape}")
    if not (np.all(np.isfinite(samples)) and np.all(np.isfinite(observed))):
        raise ValueError("observed values and samples must be finite")
    return observed, samples


# --- naive forecasts -------------------------------------------------------------------------------------------


def last_twelve_months(train: Sequence[float], horizon: int, n_samples: int, rng: np.random.Generator) -> np.ndarray:
    """Each future month drawn from the empirical distribution of the last 12 training months.

    Chosen over "the same month last year with Poisson noise" because monthly PICSS counts are far more dispersed than
    Poisson (2023 ranged from 39 to 99, FACTS.md s1): the empirical year carries that spread, Poisson noise would not.
    """
    train = _training(train, minimum=12)
    return rng.choice(train[-12:], size=(n_samples, horizon), replace=True)


def linear_trend(train: Sequence[float], horizon: int, n_samples: int, rng: np.random.Generator) -> np.ndarray:
    """A straight line fitted by least squares (statsmodels OLS), extrapolated with its predictive uncertainty.

    Each sample path draws the residual variance from its scaled inverse chi-square posterior, the intercept and
    slope from their normal posterior given that variance, then adds normal noise to every month (the Bayesian
    predictive under a flat prior, whose monthly marginals are the classical Student-t prediction intervals). Drawing
    whole paths keeps the months' shared parameter uncertainty in the annual total. Counts cannot be negative, so
    samples are clipped at zero.
    """
    train = _training(train, minimum=3)
    fit = sm.OLS(train, _design(np.arange(train.size))).fit()
    x_future = _design(np.arange(train.size, train.size + horizon))
    df = fit.df_resid
    variance = fit.scale * df / rng.chisquare(df, size=n_samples)  # sigma^2 | data
    # cov_params() is scale * (X'X)^-1; (X'X)^-1 itself keeps an exactly linear series (scale 0) exact
    unscaled_cov = np.linalg.inv(fit.model.exog.T @ fit.model.exog)
    z = rng.multivariate_normal(np.zeros(2), unscaled_cov, size=n_samples, method="cholesky")
    coefficients = fit.params + z * np.sqrt(variance)[:, None]
    noise = rng.standard_normal((n_samples, horizon)) * np.sqrt(variance)[:, None]
    return np.maximum(coefficients @ x_future.T + noise, 0.0)


def negative_binomial_trend(train: Sequence[float], horizon: int, n_samples: int,
                            rng: np.random.Generator) -> np.ndarray:
    """Counts regressed on time with a log link and negative-binomial (NB2) errors, dispersion estimated.

    statsmodels' ``NegativeBinomial`` estimates the intercept, the growth rate (per year) and the dispersion ``alpha``
    (variance = mu + alpha * mu^2) jointly by maximum likelihood. Each sample path draws the intercept, growth rate and
    log-dispersion from their asymptotic normal distribution (parameter uncertainty; the log keeps the dispersion
    positive, its covariance by the delta method), then every month's count from the negative binomial with that
    path's mean and dispersion.
    """
    train = _training(train, minimum=3)
    years = np.arange(train.size) / 12.0  # time in years keeps the design well conditioned
    fit = NegativeBinomial(train, _design(years), loglike_method="nb2").fit(disp=0, maxiter=500)
    params, cov = np.asarray(fit.params), np.asarray(fit.cov_params())
    if not (np.all(np.isfinite(params)) and np.all(np.isfinite(cov))) or params[2] <= 0:
        raise ValueError("the negative-binomial regression did not converge on these training months")
    jacobian = np.diag([1.0, 1.0, 1.0 / params[2]])  # d(log alpha)/d(alpha) = 1/alpha
    drawn = rng.multivariate_normal([params[0], params[1], np.log(params[2])], jacobian @ cov @ jacobian,
                                    size=n_samples, method="svd")
    future = _design(np.arange(train.size, train.size + horizon) / 12.0)
    mu = np.exp(drawn[:, :2] @ future.T)
    size = 1.0 / np.exp(drawn[:, 2:3])  # numpy's "n" is 1 / alpha
    return rng.negative_binomial(size, size / (size + mu)).astype(float)


NAIVE: dict[str, NaiveForecast] = {
    "last 12 months": last_twelve_months,
    "linear trend": linear_trend,
    "negative binomial trend": negative_binomial_trend,
}


def naive_forecasts(train: Sequence[float], horizon: int, n_samples: int = 2000,
                    seed: int = 2024) -> dict[str, np.ndarray]:
    """Every naive forecast of :data:`NAIVE`, each from its own child of one seed (deterministic)."""
    streams = np.random.SeedSequence(seed).spawn(len(NAIVE))
    return {name: forecast(np.asarray(train, dtype=float), horizon, n_samples, np.random.default_rng(stream))
            for (name, forecast), stream in zip(NAIVE.items(), streams, strict=True)}


def _training(train: Sequence[float], minimum: int) -> np.ndarray:
    train = np.asarray(train, dtype=float).reshape(-1)
    if train.size < minimum or not np.all(np.isfinite(train)):
        raise ValueError(f"need at least {minimum} finite training months, got {train.size}")
    return train


def _design(t: np.ndarray) -> np.ndarray:
    return np.column_stack([np.ones_like(t, dtype=float), t.astype(float)])


# --- scores and verdict ----------------------------------------------------------------------------------------


def score(observed: Sequence[float], forecasts: Mapping[str, np.ndarray],
          periods: Sequence[str] | None = None) -> pd.DataFrame:
    """CRPS and interval hits of each forecast, month by month, their means, and for the annual total.

    Args:
        observed: observed monthly counts (length ``horizon``).
        forecasts: name -> predictive sample (``n_samples x horizon``; row sums are the annual total's sample).
        periods: labels of the months (default "1" to "horizon").

    Returns:
        One row per month, then ``"monthly mean"`` (mean CRPS, and the coverage of the 50% and 90% intervals as the
        mean of the hits), then ``"year"`` (the sums: the CRPS of the annual total and whether it lies inside its
        intervals). Columns: ``("observed", "")`` and, for each forecast, ``(name, "crps")``, ``(name, "inside_50")``
        and ``(name, "inside_90")``.
    """
    observed = np.asarray(observed, dtype=float).reshape(-1)
    labels = [str(p) for p in (periods if periods is not None else range(1, observed.size + 1))]
    if len(labels) != observed.size:
        raise ValueError(f"{len(labels)} period labels for {observed.size} observed months")
    index = [*labels, MONTHLY_MEAN, YEAR]
    columns: dict[tuple[str, str], list[float]] = {("observed", ""): [*observed, observed.mean(), observed.sum()]}
    for name, samples in forecasts.items():
        samples = np.asarray(samples, dtype=float)
        monthly = crps(observed, samples)
        total_obs, total = [observed.sum()], samples.sum(axis=1)[:, None]
        columns[(name, "crps")] = [*monthly, monthly.mean(), float(crps(total_obs, total)[0])]
        for level in LEVELS:
            hits = inside_interval(observed, samples, level).astype(float)
            year_hit = float(inside_interval(total_obs, total, level)[0])
            columns[(name, f"inside_{round(level * 100)}")] = [*hits, hits.mean(), year_hit]
    table = pd.DataFrame(columns, index=pd.Index(index, name="period"))
    table.columns = pd.MultiIndex.from_tuples(table.columns, names=["forecast", "metric"])
    return table


def verdict(table: pd.DataFrame, model: str = "model") -> list[str]:
    """Plain-words comparison of ``model`` with every other forecast of a :func:`score` table (lower CRPS wins).

    Returns:
        One sentence per rival: in how many months the model's CRPS is lower, whether its mean monthly CRPS is lower,
        and whether the CRPS of its annual total is lower.
    """
    names = [n for n in table.columns.get_level_values("forecast").unique() if n not in ("observed", model)]
    if model not in table.columns.get_level_values("forecast"):
        raise ValueError(f"no forecast named {model!r} in the table")
    months = table.index[:-2]
    ours = table[(model, "crps")]
    sentences = []
    for name in names:
        theirs = table[(name, "crps")]
        wins = int((ours[months] < theirs[months]).sum())
        mean_word = "beats" if ours[MONTHLY_MEAN] < theirs[MONTHLY_MEAN] else "does not beat"
        year_word = "beats" if ours[YEAR] < theirs[YEAR] else "does not beat"
        sentences.append(
            f"{model} vs {name}: lower CRPS in {wins} of {len(months)} months; mean monthly CRPS "
            f"{ours[MONTHLY_MEAN]:.1f} vs {theirs[MONTHLY_MEAN]:.1f} ({mean_word} it); "
            f"annual total CRPS {ours[YEAR]:.1f} vs {theirs[YEAR]:.1f} "
            f"({year_word} it).")
    return sentences


def score_from_origin(train: Sequence[float], observed: Sequence[float], model_samples: np.ndarray, *,
                      periods: Sequence[str] | None = None, n_samples: int = 2000, seed: int = 2024,
                      model: str = "model") -> pd.DataFrame:
    """Fit the naive forecasts to the training months, forecast the observed months, score them and the model.

    Args:
        train: the months before the forecast origin (the model was calibrated on no later month).
        observed: the held-out months that follow.
        model_samples: the model's predictive sample of the held-out months (``n_runs x horizon``).
        periods: labels of the held-out months.
        n_samples: sample size of each naive forecast.
        seed: seeds the naive forecasts.
        model: the model's name in the table.
    """
    observed = np.asarray(observed, dtype=float).reshape(-1)
    forecasts = {model: np.asarray(model_samples, dtype=float),
                 **naive_forecasts(train, observed.size, n_samples=n_samples, seed=seed)}
    return score(observed, forecasts, periods=periods)


def score_2024(model_samples: np.ndarray, *, n_samples: int = 2000, seed: int = 2024) -> pd.DataFrame:
    """Score a model's predictive sample of 2024 against naive forecasts fitted to 2022-2023 (FACTS.md s1).

    The training months are the first 24 of ``calibration_targets.MONTHLY_ATTACKS`` (January 2022 to December 2023),
    read when called; the held-out months are :data:`OBSERVED_2024`.
    """
    train = np.asarray(calibration_targets.MONTHLY_ATTACKS, dtype=float)[:TRAINING_MONTHS_2022_2023]
    periods = [f"2024-{m:02d}" for m in range(1, 13)]
    return score_from_origin(train, OBSERVED_2024, model_samples, periods=periods, n_samples=n_samples, seed=seed)
