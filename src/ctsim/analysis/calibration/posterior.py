"""Approximate Bayesian computation: a weighted set of plausible parameter sets instead of one optimum.

The generic core, :func:`run_abc`, runs pyabc's ABC-SMC (Del Moral et al. 2012; Klinger et al. 2018) for any
``simulate(params, rng) -> summary dict``, with uniform priors over given ranges, an adaptive epsilon (the median
distance of the previous generation) and pyabc's default multivariate normal perturbation. Its database (SQLite) lives
where the caller says, so a stopped run can be resumed from it. The result is a :class:`Posterior`: the last
generation's particles and weights plus diagnostics (effective sample size, acceptance rate and epsilon per
generation, posterior 5/50/95% quantiles against the prior ranges, parameter correlations), written to and read
from a self-describing JSON file (:func:`write_draws`, :func:`load_draws`). :func:`draw_for_replication` gives
replication ``r`` the same draw every time (common random numbers across scenarios).

The ctsim adapter, :func:`run_ctsim_abc`, simulates the history scenario with :func:`ctsim.analysis.calibration.point.
simulate` over the free parameters of :data:`ctsim.analysis.calibration.point.FREE` and their declared plausible ranges,
and reads the targets from the calibration module's constants when called (so it follows them when they change).
Its distance (:func:`ctsim_distance`) is an explicit error model, each group weighted by :data:`DISTANCE_WEIGHTS`.

Reproducibility: pyabc draws from numpy's global legacy stream, which :func:`run_abc` seeds from ``seed`` (and
restores afterwards). The default sampler, :class:`ctsim.analysis.calibration.abc_sampler.SeededOrderedSampler`, seeds
each numbered candidate of a generation from that stream and accepts candidates in number order, so the same seed gives
the same draws on one process or several. pyabc's Dask sampler reseeds its workers from the operating system and
accepts particles in the order they finish, so its draws differ from run to run.

Perturbation: a Gaussian kernel around each particle whose covariance is twice the weighted covariance of the
previous generation (Beaumont et al. 2009, shown there to be the best Gaussian kernel of that family for ABC-SMC),
instead of pyabc's default Silverman bandwidth. With twelve parameters, most of them only loosely constrained by the
targets, the default kernel is narrower than the particle cloud and the importance weights became very uneven
(effective sample size 32 of 200 on calibration version 7); the wider kernel spreads them. Proposals outside the
priors' box are rejected, as pyabc does, but drawn in batches (:class:`BoxedNormalTransition`): one by one, proposing
cost more than the model runs.

Example (minutes to hours; ``time_budget`` stops between generations)::

    from ctsim.analysis.calibration.posterior import draw_for_replication, load_draws, run_ctsim_abc
    run_ctsim_abc("results/abc", population_size=100, max_populations=8, replications=3, time_budget=3600)
    draws = load_draws("results/abc/draws.json")   # calling run_ctsim_abc again on the folder resumes it
    values = draw_for_replication(draws, 0)        # replication 0's parameter values, always the same

References:
    Del Moral, P., Doucet, A. and Jasra, A. (2012). An adaptive sequential Monte Carlo method for approximate
    Bayesian computation. Statistics and Computing 22.
    Klinger, E., Rickert, D. and Hasenauer, J. (2018). pyABC: distributed, likelihood-free inference.
    Bioinformatics 34(20).
    Beaumont, M. A., Cornuet, J.-M., Marin, J.-M. and Robert, C. P. (2009). Adaptive approximate Bayesian
    computation. Biometrika 96(4).
"""

from __future__ import annotations

import math
import platform
import time
import warnings
from collections.abc import Callable, Generator, Mapping
from contextlib import closing
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyabc
import statsmodels.api as sm
from pyabc.weighted_statistics import effective_sample_size, weighted_quantile
from statsmodels.discrete.discrete_model import NegativeBinomial
from statsmodels.tools.sm_exceptions import HessianInversionWarning

from ctsim.analysis.calibration import point
from ctsim.analysis.calibration.abc_sampler import SeededOrderedSampler
from ctsim.calibration import targets as calibration_targets

# The draws file's format lives in ctsim.calibration.draws (cheap to import for every run); re-exported here.
from ctsim.calibration.draws import (  # noqa: F401
    FORMAT,
    REPLICATION_STREAM,
    VERSION,
    Posterior,
    draw_for_replication,
    load_draws,
    replication_order,
    write_draws,
)
from ctsim.declarations.parameters import PARAMETERS_BY_NAME
from ctsim.experiments.executors import replications as replications_of
from ctsim.scenarios.files import load_scenario

QUANTILES = (0.05, 0.5, 0.95)
LIBRARIES = ("pyabc", "numpy", "scipy", "pandas", "statsmodels", "SQLAlchemy")

Simulate = Callable[[dict[str, float], np.random.Generator], dict[str, Any]]
Distance = Callable[[dict[str, Any], dict[str, Any]], float]
# The same run as a Simulate, in stages: a generator of (summary so far, complete) pairs, the complete summary last
# (a generator: a candidate given up closes it, which stops its run).
Staged = Callable[[dict[str, float], np.random.Generator], Generator[tuple[dict[str, Any], bool], None, None]]
# A partial summary's distance is a lower bound of the final one up to rounding (its terms are summed with fewer
# others): a candidate is given up only when the bound exceeds epsilon by more than this relative margin.
EARLY_REJECTION_MARGIN = 1e-9



def run_abc(simulate: Simulate, prior_ranges: Mapping[str, tuple[float, float]], observed: Mapping[str, Any],
            distance: Distance, *, population_size: int = 100, max_populations: int = 8, seed: int = 1,
            sampler: str | int | pyabc.sampler.Sampler = "single", db_path: str | Path,
            time_budget: float | None = None, resume: bool = True, show_progress: bool = True,
            extra_settings: Mapping[str, Any] | None = None, staged: Staged | None = None,
            ) -> Posterior:
    """Run (or resume) ABC-SMC and return the last generation as a :class:`Posterior`.

    Args:
        simulate: ``simulate(params, rng) -> summary dict`` (values: numbers or numpy arrays), one stochastic run.
        prior_ranges: parameter -> (low, high); each prior is uniform over its range.
        observed: the observed summary, in the same form as ``simulate``'s.
        distance: ``distance(simulated, observed) -> float`` (0 for a perfect match).
        population_size: particles per generation (and so the number of draws returned).
        max_populations: generations in all (a resumed run continues up to this many).
        seed: seeds the prior draws, the perturbations and each simulation's generator.
        sampler: "single" (one process), a number of worker processes (the same draws as one process), or any
            pyabc sampler, e.g. ``pyabc.sampler.DaskDistributedSampler(dask_client=client)`` for a Dask cluster
            (not reproducible).
        db_path: the SQLite file pyabc keeps its generations in (keep it beside the draws file).
        time_budget: seconds after which no new generation starts (pyabc checks between generations).
        resume: continue the last run stored in ``db_path`` if there is one; False refuses an existing file.
        show_progress: a progress bar per generation (pyabc also logs each generation on the "ABC" logger).
        extra_settings: further settings to record (e.g. the adapter's replications), kept with the draws.
        staged: the runs of ``simulate`` in stages (:data:`Staged`), for early rejection: a candidate whose partial
            summary is already farther than epsilon from ``observed`` is rejected without running the rest
            (:class:`EarlyRejectingModel`). ``distance`` must then add non-negative terms over the keys a summary
            holds, and a partial summary must hold only values the complete one will hold too, so that its distance is a
            lower bound of the final one. The draws are the same as without it, value for value.

    Returns:
        The posterior: ``population_size`` weighted draws and diagnostics.
    """
    names = list(prior_ranges)
    for name, (low, high) in prior_ranges.items():
        if not (np.isfinite(low) and np.isfinite(high) and low < high):
            raise ValueError(f"prior range of {name!r} must be finite with low < high, got ({low}, {high})")
    db_path = Path(db_path).resolve()
    if db_path.exists() and not resume:
        raise FileExistsError(f"{db_path} already holds an ABC run: delete it, or pass resume=True to continue it")
    db_path.parent.mkdir(parents=True, exist_ok=True)

    model = EarlyRejectingModel(names, simulate, staged)
    prior = UniformBoxPrior(**{k: pyabc.RV("uniform", low, high - low) for k, (low, high) in prior_ranges.items()})
    abc = pyabc.ABCSMC(model, prior, lambda x, x0: float(distance(x, x0)), population_size=population_size,
                       sampler=_sampler(sampler, show_progress), transitions=perturbation(prior_ranges))
    url = f"sqlite:///{db_path}"
    saved_state = np.random.get_state()
    started = time.perf_counter()
    try:
        if db_path.exists():
            abc.load(url, abc_id=_last_run_id(url))
            if not _same_summary(abc.x_0, observed):
                raise ValueError(f"{db_path} holds a run against other observed data (the targets changed?): "
                                 "use a new database file")
            done = abc.history.max_t + 1
        else:
            done = 0
        np.random.seed(np.random.SeedSequence([seed, done]).generate_state(4))
        if done == 0:
            abc.new(url, dict(observed))
        if done < max_populations:
            walltime = timedelta(seconds=time_budget) if time_budget is not None else None
            abc.run(max_nr_populations=max_populations - done, max_walltime=walltime)
    finally:
        np.random.set_state(saved_state)
    history = abc.history
    settings = {"population_size": population_size, "max_populations": max_populations, "seed": seed,
                "sampler": sampler if isinstance(sampler, str | int) else type(sampler).__name__,
                "perturbation": "multivariate normal, covariance twice the weighted particle covariance, truncated "
                                "to the priors' box (proposals drawn in batches)",
                "time_budget_seconds": time_budget, "db_path": str(db_path), "abc_id": int(history.id),
                "generations_run": int(history.max_t + 1), "resumed_from_generation": done,
                "seconds_this_call": round(time.perf_counter() - started, 1), **dict(extra_settings or {})}
    return _posterior(history, {k: (float(lo), float(hi)) for k, (lo, hi) in prior_ranges.items()}, settings)


class UniformBoxPrior(pyabc.Distribution):
    """pyabc's prior of independent uniforms (scipy's ``uniform(loc, scale)`` each), whose density pyabc evaluates
    for every candidate: computed here as scipy computes each factor (``1/scale`` where ``(x - loc)/scale`` lies in
    [0, 1], 0 outside, NaN for NaN) and multiplied in pyabc's order, so the same numbers, without scipy's argument
    handling (about 0.55 ms a candidate, 18 calls of scipy, saved). Sampling is pyabc's own."""

    def pdf(self, x):
        factors = getattr(self, "_factors", None)
        if factors is None:
            factors = self._factors = {key: (float(rv.args[0]), float(rv.args[1])) for key, rv in self.items()
                                       if rv.name == "uniform" and len(rv.args) == 2 and not rv.kwargs}
        if len(factors) != len(self) or sorted(x.keys()) != sorted(factors):
            return super().pdf(x)  # another prior, or pyabc's own error for mismatched parameters
        density = None
        for key, value in x.items():
            loc, scale = factors[key]
            y = (value - loc) / scale
            factor = 1.0 / scale if 0.0 <= y <= 1.0 else (0.0 if y == y else math.nan)
            density = factor if density is None else density * factor
        return 1 if density is None else density


class EarlyRejectingModel(pyabc.Model):
    """The model pyabc evaluates: ``simulate`` with a generator of its own per candidate, and, when ``staged`` is
    given, early rejection.

    pyabc's own :class:`pyabc.Model` runs a candidate to the end, then computes its distance and accepts it if the
    distance is at most epsilon. With ``staged``, :meth:`accept` checks each partial summary on the way: its distance
    is a lower bound of the final one (see :func:`run_abc`), so once it exceeds epsilon the candidate cannot be
    accepted and the rest of its run is skipped (pyabc's ``IntegratedModel`` describes this use; here the complete
    run goes through pyabc's own acceptor, exactly as :class:`pyabc.Model` would send it). Accepted particles, their
    distances and weights, the rejected count and every later candidate are unchanged: each candidate draws its
    generator first, and the sampler seeds each candidate on its own. A rejected candidate's distance is the bound
    that rejected it.
    """

    def __init__(self, names: list[str], simulate: Simulate, staged: Staged | None = None) -> None:
        super().__init__(name="model")  # the name pyabc's database gave the plain function model before
        self.names, self.simulate, self.staged = list(names), simulate, staged

    def _prepare(self, parameters) -> tuple[dict[str, float], np.random.Generator]:
        # A generator per simulation, drawn from the stream pyabc's sampler controls (seeded by run_abc).
        rng = np.random.default_rng(np.random.randint(0, 2 ** 32, size=4, dtype=np.uint64))
        return {k: float(parameters[k]) for k in self.names}, rng

    def sample(self, pars):
        return self.simulate(*self._prepare(pars))

    def accept(self, t, pars, sum_stat_calculator, distance_calculator, eps_calculator, acceptor, x_0):
        if self.staged is None:
            return super().accept(t, pars, sum_stat_calculator, distance_calculator, eps_calculator, acceptor, x_0)
        eps = float(eps_calculator(t))
        with closing(self.staged(*self._prepare(pars))) as stages:  # closing: a given-up run is released now
            for summary, complete in stages:
                if complete:
                    break
                bound = float(distance_calculator(sum_stat_calculator(summary), x_0, t, pars))
                if bound > eps + EARLY_REJECTION_MARGIN * max(abs(eps), 1.0):
                    return pyabc.ModelResult(distance=bound, accepted=False)
            else:
                raise RuntimeError("a staged simulation ended without its complete summary")
        result = pyabc.ModelResult(sum_stat=sum_stat_calculator(summary))
        verdict = acceptor(distance_function=distance_calculator, eps=eps_calculator, x=result.sum_stat, x_0=x_0,
                           t=t, par=pars)
        result.distance, result.accepted, result.weight = verdict.distance, verdict.accept, verdict.weight
        return result


def _twice_the_covariance(n_samples: float, dimension: int) -> float:  # noqa: ARG001 (pyabc's selector signature)
    """Bandwidth factor for pyabc's Gaussian kernel: its covariance is factor**2 times the weighted covariance of
    the particles, so sqrt(2) gives Beaumont et al.'s (2009) kernel, twice that covariance."""
    return float(np.sqrt(2.0))


class BoxedNormalTransition(pyabc.MultivariateNormalTransition):
    """pyabc's Gaussian perturbation, truncated to the priors' box by drawing proposals in batches.

    pyabc draws one perturbed particle at a time and rejects it when the prior density is zero, at about a
    millisecond of pandas and scipy per proposal. Near the edges of twelve uniform priors most proposals fall outside
    (54 of 55 in the second generation of a 2026-12-05 run), so proposing cost more than simulating. This kernel draws
    ``batch`` proposals at once from the same mixture (a particle by weight, plus a normal step with the fitted
    covariance) and returns the first one inside the box: the first success of the same independent sequence, so the
    same truncated distribution as pyabc's own loop, its density unchanged (pyabc weights by the untruncated kernel
    in both cases). The draws come from numpy's global stream, which the sampler seeds per candidate.

    Args:
        box: parameter -> (low, high), the priors' ranges (the prior density is positive on the closed box).
        batch: proposals drawn at a time.
    """

    def __init__(self, box: Mapping[str, tuple[float, float]], batch: int = 256, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.box = {name: (float(low), float(high)) for name, (low, high) in box.items()}
        self.batch = int(batch)

    def rvs_single(self) -> pyabc.Parameter:
        names = list(self.X.columns)
        low = np.array([self.box[name][0] for name in names])
        high = np.array([self.box[name][1] for name in names])
        zero = np.zeros(self.cov.shape[0])
        for _ in range(10_000):  # pyabc warns after 1,000 rejections; give up (with pyabc's own loop) far later
            picked = np.random.choice(self._range, size=self.batch, p=self.w, replace=True)
            proposals = self._X_arr[picked] + np.random.multivariate_normal(zero, self.cov, size=self.batch)
            inside = np.flatnonzero(((proposals >= low) & (proposals <= high)).all(axis=1))
            if inside.size:
                return pyabc.Parameter(dict(zip(names, proposals[inside[0]].tolist(), strict=True)))
        return pyabc.Parameter(dict(zip(names, proposals[0].tolist(), strict=True)))  # outside: pyabc rejects it


def perturbation(box: Mapping[str, tuple[float, float]] | None = None) -> pyabc.MultivariateNormalTransition:
    """The ABC-SMC perturbation kernel (see the module's docstring), truncated to ``box`` when given
    (:class:`BoxedNormalTransition`)."""
    if box is None:
        return pyabc.MultivariateNormalTransition(scaling=1.0, bandwidth_selector=_twice_the_covariance)
    return BoxedNormalTransition(box, scaling=1.0, bandwidth_selector=_twice_the_covariance)


def _sampler(sampler: str | int | pyabc.sampler.Sampler, show_progress: bool) -> pyabc.sampler.Sampler:

    if sampler == "single":
        chosen = SeededOrderedSampler(1)
    elif isinstance(sampler, int) and not isinstance(sampler, bool) and sampler >= 1:
        chosen = SeededOrderedSampler(sampler)
    elif isinstance(sampler, pyabc.sampler.Sampler):
        chosen = sampler
    else:
        raise ValueError(f"sampler must be 'single', a number of processes or a pyabc sampler, got {sampler!r}")
    chosen.show_progress = show_progress
    return chosen


def _same_summary(stored: Mapping[str, Any], given: Mapping[str, Any]) -> bool:
    if set(stored) != set(given):
        return False
    for key in given:
        a, b = np.asarray(stored[key], dtype=float), np.asarray(given[key], dtype=float)
        if a.shape != b.shape or not np.allclose(a, b, rtol=1e-12, atol=0.0):
            return False
    return True


def _last_run_id(url: str) -> int:
    runs = pyabc.History(url).all_runs()
    if not runs:
        raise ValueError(f"{url} holds no ABC run to resume")
    return int(max(run.id for run in runs))


def _posterior(history: pyabc.History, priors: dict[str, tuple[float, float]], settings: dict) -> Posterior:
    frame, weights = history.get_distribution(m=0, t=history.max_t)
    names = list(priors)
    values = frame[names].reset_index(drop=True).astype(float)
    weights = np.asarray(weights, dtype=float) / np.sum(weights)
    generations = history.get_all_populations()
    generations = generations[generations["t"] >= 0]
    per_generation = []
    for row in generations.itertuples():
        _, w = history.get_distribution(m=0, t=int(row.t))
        per_generation.append({"generation": int(row.t), "epsilon": float(row.epsilon),
                               "simulations": int(row.samples), "accepted": int(row.particles),
                               "acceptance_rate": float(row.particles / row.samples),
                               "effective_sample_size": float(effective_sample_size(np.asarray(w)))})
    versions = {"python": platform.python_version(), "ctsim": _version("ctsim"),
                **{lib: _version(lib) for lib in LIBRARIES}}
    diagnostics = {"generations": per_generation, "effective_sample_size": float(effective_sample_size(weights)),
                   "parameters": _summaries(values, weights, priors), "correlations": _correlations(values, weights)}
    return Posterior(values, weights, priors, settings, diagnostics, versions,
                     datetime.now(UTC).isoformat(timespec="seconds"))


def _summaries(values: pd.DataFrame, weights: np.ndarray, priors: dict[str, tuple[float, float]]) -> dict:
    summaries = {}
    for name, (low, high) in priors.items():
        points = values[name].to_numpy()
        q05, q50, q95 = (float(weighted_quantile(points, weights, alpha=a)) for a in QUANTILES)
        mean = float(np.sum(weights * points))
        sd = float(np.sqrt(np.sum(weights * (points - mean) ** 2)))
        summaries[name] = {"prior": [low, high], "mean": mean, "sd": sd, "q05": q05, "q50": q50, "q95": q95,
                           # how much of the prior range the central 90% still spans: near 0.9 means the data
                           # said little about this parameter, near 0 that they pinned it down
                           "q05_q95_share_of_prior": (q95 - q05) / (high - low)}
    return summaries


def _correlations(values: pd.DataFrame, weights: np.ndarray) -> dict[str, dict[str, float | None]]:
    names = list(values.columns)
    if len(values) < 2:
        return {a: {b: None for b in names} for a in names}
    cov = np.atleast_2d(np.cov(values.to_numpy().T, aweights=weights))
    sd = np.sqrt(np.diag(cov))
    with np.errstate(invalid="ignore", divide="ignore"):
        corr = cov / np.outer(sd, sd)
    # a parameter with no spread has no correlation: recorded as null, not as a number
    return {a: {b: (float(corr[i, j]) if np.isfinite(corr[i, j]) else None) for j, b in enumerate(names)}
            for i, a in enumerate(names)}


def _version(distribution: str) -> str:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return "unknown"



# --- the ctsim adapter ----------------------------------------------------------------------------------------

# The error model, one term per observation. Each annual, share and killed target is one observation with a Gaussian
# error whose standard deviation is the tolerance calibration accepts for it (annual figures 10%, shares 5 points,
# militants killed 25%: calibration_targets.TOLERANCE), so its squared standardised error enters in full: a target
# missed by its tolerance adds 1, whatever group it is in. (Until calibration version 10's posterior these were group
# means, which divided one target's miss by the number of targets in its group: 2024's attacks 11% low added 0.13, and
# the merged districts' 2024 share 12 points high 0.5, against a monthly term whose chance alone is about 1; the
# posterior's medians then missed both.) The monthly series enters as its mean negative-binomial deviance per month
# (about 1 when the months scatter as the error model expects): it carries the series' shape, since its level is
# already three of the annual targets, and counting 36 months in full would count that level again.
DISTANCE_WEIGHTS = {"monthly": 1.0, "annual": 1.0, "shares": 1.0, "killed": 1.0, "abroad": 1.0}
DISTANCE_TERMS = ("one term per annual, share, killed and fighters-abroad target (squared error in units of its "
                  "tolerance); the monthly series as its mean negative-binomial deviance per month")
MONTHLY = "monthly_attacks"
DISPERSION = "monthly_dispersion"


def ctsim_targets() -> dict[str, Any]:
    """The calibration targets as a flat summary, read from :mod:`ctsim.calibration.targets` now.

    Keys: ``monthly_attacks`` (array), ``annual/<year>/<attacks|deaths|injuries>``, ``shares/<year>/<region>``,
    ``killed/<year>``, ``abroad/<year>/<month>`` (the UN's counts of fighters in Afghanistan), and
    ``monthly_dispersion``: the negative-binomial dispersion of the observed monthly series
    around a log-linear trend (maximum likelihood, statsmodels), which the distance's count deviance uses.
    """
    monthly = np.asarray(calibration_targets.MONTHLY_ATTACKS, dtype=float)
    years = np.arange(monthly.size) / 12.0
    with warnings.catch_warnings():
        # only the point estimate is used: a series close to Poisson puts alpha near 0, where the Hessian (needed
        # for standard errors, not here) cannot be inverted
        warnings.simplefilter("ignore", HessianInversionWarning)
        fit = NegativeBinomial(monthly, sm.add_constant(years), loglike_method="nb2").fit(disp=0, maxiter=500)
    alpha = float(fit.params[-1])
    if not (np.isfinite(alpha) and alpha > 0):
        raise ValueError(f"the dispersion of the observed monthly attacks could not be estimated (got {alpha})")
    targets: dict[str, Any] = {MONTHLY: monthly, DISPERSION: alpha}
    targets.update(_flatten(calibration_targets.ANNUAL, calibration_targets.SHARES, calibration_targets.KILLED,
                            calibration_targets.ABROAD))
    return targets


def ctsim_summary(fit) -> dict[str, Any]:
    """A :class:`ctsim.analysis.calibration.point.Fit` as a flat summary with :func:`ctsim_targets`'s keys, keeping only
    the years the run covers in full (a shortened history has no annual figures for its partial year)."""
    full = fit.full_years
    shares, killed = fit.shares, fit.killed
    summary: dict[str, Any] = {MONTHLY: np.asarray(fit.monthly_attacks, dtype=float)}
    summary.update(_flatten({y: v for y, v in fit.annual.items() if y in full},
                            {y: v for y, v in shares.items() if y in full},
                            {y: v for y, v in killed.items() if y in full},
                            {k: float(v.mean()) for k, v in fit.abroad.items() if k[0] in full}))
    return summary


def partial_summary(recorded, years=None) -> dict[str, Any]:
    """The summary of runs not yet over (:func:`ctsim.analysis.calibration.point.complete_years`): their complete
    years' annual, share, killed and fighters-abroad figures (of ``years`` only, when given; the values the whole
    runs' summary will hold, bit for bit) and no monthly series (its term is a mean over months still to come). Under
    :func:`ctsim_distance`, which adds non-negative terms over the keys a summary holds, its distance is a lower bound
    of the whole runs'."""
    return {MONTHLY: np.zeros(0), **_flatten(*point.complete_years(recorded, years))}


def _years_of(summary: Mapping[str, Any]) -> set[int]:
    """The years a flat summary's annual, share, killed and fighters-abroad keys name."""
    return {int(key.split("/")[1]) for key in summary if key.count("/") >= 1}


def year_end_pauses(history, targets: Mapping[str, Any]) -> list[int]:
    """The months (from the start of ``history``'s run, its own history included) at which a year with targets
    ends, before the run's end: where a staged candidate is checked."""
    total = history.history_months + history.months
    ends = [_months_to_end_of(history, year) for year in sorted(_years_of(targets))]
    return [end for end in ends if 0 < end < total]


def _months_to_end_of(history, year: int) -> int:
    """Months from the start of ``history``'s run (its own history included) to the end of ``year``."""
    first = pd.Period(history.start, freq="M") - history.history_months
    return (year - first.year) * 12 + 13 - first.month


def ctsim_staged(history, seeds: list[np.random.SeedSequence], targets: Mapping[str, Any]) -> Staged:
    """The history runs of a candidate in stages, for :class:`EarlyRejectingModel`: a pause at the end of each year
    with targets (:func:`year_end_pauses`), where the summary grows by the years just completed
    (:func:`partial_summary`), then the whole run's summary (the same as :func:`ctsim_summary` of
    :func:`ctsim.analysis.calibration.point.simulate`, bit for bit)."""
    pauses = year_end_pauses(history, targets)
    target_years = _years_of(targets)

    def staged(values: dict[str, float], rng: np.random.Generator) -> Generator[tuple[dict[str, Any], bool]]:
        summary: dict[str, Any] = {MONTHLY: np.zeros(0)}
        with closing(point.simulate_in_stages(values, history, seeds, pauses)) as stages:
            for stage, recorded in enumerate(stages):
                if stage < len(pauses):
                    # a year's figures join the summary once, at the first pause after it ends
                    summary.update(partial_summary(recorded, target_years - _years_of(summary)))
                    yield dict(summary), False
                else:
                    yield ctsim_summary(point.fit_of(recorded)), True

    return staged


def _flatten(annual: Mapping, shares: Mapping, killed: Mapping, abroad: Mapping) -> dict[str, float]:
    flat = {f"annual/{y}/{k}": float(v) for y, row in annual.items() for k, v in row.items()}
    flat.update({f"shares/{y}/{k}": float(v) for y, row in shares.items() for k, v in row.items()})
    flat.update({f"killed/{y}": float(v) for y, v in killed.items()})
    flat.update({f"abroad/{y}/{m:02d}": float(v) for (y, m), v in abroad.items()})
    return flat


def ctsim_distance(simulated: Mapping[str, Any], observed: Mapping[str, Any],
                   weights: Mapping[str, float] = DISTANCE_WEIGHTS) -> float:
    """The error model: the weighted sum of five groups, each compared where the simulation covers the target.

    - monthly attacks: negative-binomial deviance per month (dispersion ``observed["monthly_dispersion"]``) of the
      observed counts given the simulated mean, over the months both cover;
    - annual attacks, deaths and injuries: sum of squared relative errors in units of
      ``TOLERANCE["annual_relative"]`` (one term per target);
    - regional shares: sum of squared errors in points, in units of ``TOLERANCE["share_points"]``;
    - militants killed (if calibration has the target): sum of squared relative errors in units of
      ``TOLERANCE["killed_relative"]``;
    - fighters in Afghanistan (the UN's counts): sum of squared relative errors in units of
      ``TOLERANCE["abroad_relative"]``.
    """
    tolerance = calibration_targets.TOLERANCE
    sim, obs = np.asarray(simulated[MONTHLY], dtype=float), np.asarray(observed[MONTHLY], dtype=float)
    n = min(sim.size, obs.size)
    total = 0.0
    if n:  # a shortened history (``--months``) may end before the monthly targets begin
        # a month with no simulated attack against a recorded one is a very bad fit, not an infinite one
        mu = np.maximum(sim[:n], np.finfo(float).tiny)
        family = sm.families.NegativeBinomial(alpha=float(observed[DISPERSION]))
        total = weights["monthly"] * float(family.deviance(obs[:n], mu)) / n

    scales = {"annual": tolerance["annual_relative"], "shares": tolerance["share_points"],
              "killed": tolerance.get("killed_relative"), "abroad": tolerance.get("abroad_relative")}
    for group, scale in scales.items():
        keys = [k for k in observed if k.startswith(f"{group}/") and k in simulated]
        if not keys or scale is None:
            continue
        target = np.array([observed[k] for k in keys], dtype=float)
        error = np.array([simulated[k] for k in keys], dtype=float) - target
        relative = group != "shares"  # shares are compared in points, the rest relative to the target
        errors = (error / target if relative else error) / scale
        total += weights[group] * float(np.sum(errors ** 2))
    return total


def run_ctsim_abc(out_dir: str | Path, *, population_size: int = 100, max_populations: int = 8,
                  replications: int = 1, seed: int = 20220101, sampler: str | int | pyabc.sampler.Sampler = "single",
                  time_budget: float | None = None, months: int | None = None, resume: bool = True,
                  show_progress: bool = True, early_rejection: bool = True) -> Posterior:
    """ABC over calibration's free parameters on the history scenario; writes ``draws.json`` beside ``abc.db``.

    Args:
        out_dir: folder for the pyabc database (``abc.db``, for resuming) and the draws file (``draws.json``).
        population_size: particles per generation (the number of draws; at least 100 for use).
        max_populations: ABC-SMC generations.
        replications: runs per candidate, with the same seeds for every candidate (common random numbers); their
            mean is compared with the targets.
        seed: seeds the ABC and (through a separate stream) the replications.
        sampler: see :func:`run_abc`.
        time_budget: seconds after which no new generation starts.
        months: run only the history's first ``months`` months (quick checks); targets beyond them are left out.
        resume: continue a run stored in ``out_dir``.
        show_progress: progress bar per generation.
        early_rejection: check each candidate at the end of every year with targets and give it up as soon as its
            complete years alone are farther than epsilon from the targets (:class:`EarlyRejectingModel`); the draws
            are the same either way, value for value.
    """
    history = load_scenario(point.HISTORY)
    if months is not None:
        history = replace(history, months=int(months))
    seeds = [r.seed for r in replications_of(replications, seed, spawn_key=(0,))]
    priors = {name: tuple(PARAMETERS_BY_NAME[name].plausible) for name in calibration_targets.FREE}

    def simulate(values: dict[str, float], rng: np.random.Generator) -> dict[str, Any]:
        # the replications' seeds are fixed (common random numbers), so the ABC's generator is not needed here
        return ctsim_summary(point.simulate(values, history, seeds))

    out_dir = Path(out_dir)
    targets = ctsim_targets()
    staged = ctsim_staged(history, seeds, targets)
    posterior = run_abc(simulate, priors, targets, ctsim_distance, population_size=population_size,
                        max_populations=max_populations, seed=seed, sampler=sampler, db_path=out_dir / "abc.db",
                        time_budget=time_budget, resume=resume, show_progress=show_progress,
                        staged=staged if early_rejection else None,
                        extra_settings={"adapter": "ctsim.analysis.calibration.posterior.run_ctsim_abc",
                                        "history_scenario": history.name, "history_months": history.months,
                                        "replications": replications, "distance_weights": dict(DISTANCE_WEIGHTS),
                                        "distance_terms": DISTANCE_TERMS,
                                        "monthly_dispersion": targets[DISPERSION],
                                        "targets": sorted(k for k in targets if k not in (MONTHLY, DISPERSION))})
    write_draws(posterior, out_dir / "draws.json")
    return posterior
