"""Sensitivity-analysis harness: which factors matter, for which outcome, and how sure we are.

The core works on any function of named factors, not only ctsim, so it can be checked against functions whose
indices are known (``tests/analysis/test_sensitivity.py`` uses Ishigami's). Everything statistical is SALib's:

- ``morris``: elementary effects for screening (SALib ``sample.morris`` / ``analyze.morris``): mu*, sigma and a
  bootstrap confidence interval on mu*; ``N`` trajectories cost ``N x (D + 1)`` evaluations.
- ``sobol``: Saltelli-Sobol indices (SALib ``sample.sobol`` / ``analyze.sobol``), first and total order, optionally
  second order, with bootstrap confidence intervals; ``N`` (a power of two) costs ``N x (2D + 2)`` evaluations
  (``N x (D + 2)`` without second order).
- given-data cross-checks on the same runs: ``pawn`` and ``delta`` (SALib ``analyze.pawn`` / ``analyze.delta``).

Stochastic models are handled explicitly: each design point may be evaluated over replications (their mean is
analysed), and a ``dummy`` factor is always added, so its index shows the noise floor below which no index means
anything. A plain function never reads it; a ctsim study (``ctsim.analysis.sensitivity.study``) lets it reshuffle the
random
streams and nothing else, so that under common random numbers its index is the effect of noise alone.
Rank probabilities say how often each factor takes each rank across bootstrap
resamples (Sobol: SALib's own resamples; Morris: resampled trajectories).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from SALib.analyze import delta as delta_analyze
from SALib.analyze import morris as morris_analyze
from SALib.analyze import pawn as pawn_analyze
from SALib.analyze import sobol as sobol_analyze
from SALib.sample import morris as morris_sample
from SALib.sample import sobol as sobol_sample

METHODS = ("morris", "sobol")
DUMMY = "dummy"


@dataclass
class Problem:
    """The factors of an analysis and their ranges (a dummy factor is appended).

    Attributes:
        factors: name -> (low, high).
        dummy: add the noise-floor factor ``dummy`` (never read by the model).
    """

    factors: Mapping[str, tuple[float, float]]
    dummy: bool = True

    @property
    def names(self) -> list[str]:
        """Factor names, the dummy last."""
        return [*self.factors, *([DUMMY] if self.dummy else [])]

    def salib(self) -> dict:
        """The SALib problem dict."""
        bounds = [list(map(float, b)) for b in self.factors.values()] + ([[0.0, 1.0]] if self.dummy else [])
        return {"num_vars": len(self.names), "names": self.names, "bounds": bounds}

    def runs(self, method: str, n: int, second_order: bool = False) -> int:
        """Evaluations a design of size ``n`` needs (before replications)."""
        d = len(self.names)
        if method == "morris":
            return n * (d + 1)
        return n * (2 * d + 2 if second_order else d + 2)


def sample(problem: Problem, method: str, n: int, seed: int, second_order: bool = False,
           num_levels: int = 4) -> np.ndarray:
    """The design matrix (one row per evaluation, one column per factor, the dummy last)."""
    if method == "morris":
        return morris_sample.sample(problem.salib(), n, num_levels=num_levels, seed=seed)
    if method == "sobol":
        if n < 2 or n & (n - 1):
            raise ValueError(f"Sobol's N must be a power of two; got {n}")
        return sobol_sample.sample(problem.salib(), n, calc_second_order=second_order, seed=seed)
    raise ValueError(f"unknown method '{method}'; valid: {', '.join(METHODS)}")


@dataclass
class Result:
    """Indices of one outcome.

    Attributes:
        outcome: the outcome's name.
        method: ``morris`` or ``sobol``.
        n: design size (trajectories or base samples).
        indices: one row per factor: the method's indices and their confidence intervals.
        rank_probability: factor x rank (1 = most influential): share of bootstrap resamples.
        cross_check: given-data indices (PAWN median, delta) on the same runs.
        second_order: Sobol second-order indices (factor pairs), when asked.
    """

    outcome: str
    method: str
    n: int
    indices: pd.DataFrame
    rank_probability: pd.DataFrame
    cross_check: pd.DataFrame = field(default_factory=pd.DataFrame)
    second_order: pd.DataFrame | None = None

    @property
    def measure(self) -> str:
        """The column ranking is based on: total-order index (Sobol) or mu* (Morris)."""
        return "ST" if self.method == "sobol" else "mu_star"

    def ranking(self) -> pd.DataFrame:
        """Factors sorted by influence, with the noise floor (the dummy's index) marked."""
        table = self.indices.sort_values(self.measure, ascending=False).copy()
        floor = float(table.loc[DUMMY, self.measure]) if DUMMY in table.index else 0.0
        conf = f"{self.measure}_conf"
        table["above_noise"] = table[self.measure] - table[conf] > floor
        table["rank"] = np.arange(1, len(table) + 1)
        return table


def _ranks(values: np.ndarray, names: list[str]) -> pd.DataFrame:
    """Rank probabilities from bootstrap index values (resamples x factors)."""
    order = np.argsort(-values, axis=1)
    ranks = np.empty_like(order)
    rows = np.arange(values.shape[0])[:, None]
    ranks[rows, order] = np.arange(1, values.shape[1] + 1)
    table = pd.DataFrame({f"rank {r}": (ranks == r).mean(axis=0) for r in range(1, values.shape[1] + 1)},
                         index=names)
    table.index.name = "factor"
    return table


def analyse(problem: Problem, method: str, design: np.ndarray, y: np.ndarray, outcome: str, n: int, seed: int,
            second_order: bool = False, resamples: int = 200, conf_level: float = 0.95,
            cross_check: bool = True, num_levels: int = 4) -> Result:
    """Indices of one outcome ``y`` (one value per row of ``design``), with confidence intervals and rank
    probabilities."""
    names = problem.names
    y = np.asarray(y, dtype=float)
    if not np.all(np.isfinite(y)):
        raise ValueError(f"outcome '{outcome}' has missing values: a failed run breaks the design")
    if method == "sobol":
        s = sobol_analyze.analyze(problem.salib(), y, calc_second_order=second_order, num_resamples=resamples,
                                  conf_level=conf_level, keep_resamples=True, seed=seed)
        indices = pd.DataFrame({"S1": s["S1"], "S1_conf": s["S1_conf"], "ST": s["ST"], "ST_conf": s["ST_conf"]},
                               index=names)
        ranks = _ranks(np.asarray(s["ST_conf_all"]), names)  # SALib's bootstrap resamples of ST
        pairs = None
        if second_order:
            rows = [{"factor_a": names[i], "factor_b": names[j], "S2": s["S2"][i, j], "S2_conf": s["S2_conf"][i, j]}
                    for i in range(len(names)) for j in range(i + 1, len(names))]
            pairs = pd.DataFrame(rows)
    else:
        s = morris_analyze.analyze(problem.salib(), design, y, num_resamples=resamples, conf_level=conf_level,
                                   num_levels=num_levels, seed=seed)
        indices = pd.DataFrame({"mu": s["mu"], "mu_star": s["mu_star"], "sigma": s["sigma"],
                                "mu_star_conf": s["mu_star_conf"]}, index=names)
        ranks = _ranks(_morris_bootstrap(problem, design, y, resamples, seed, num_levels), names)
        pairs = None
    indices.index.name = "factor"
    checks = _cross_check(problem, design, y, seed) if cross_check else pd.DataFrame()
    return Result(outcome, method, n, indices, ranks, checks, pairs)


def _morris_bootstrap(problem: Problem, design: np.ndarray, y: np.ndarray, resamples: int, seed: int,
                      num_levels: int) -> np.ndarray:
    """mu* over trajectories resampled with replacement."""
    width = len(problem.names) + 1
    trajectories = len(y) // width
    rng = np.random.default_rng(seed)
    design_t, yt = design.reshape(trajectories, width, -1), y.reshape(trajectories, width)
    out = []
    for _ in range(resamples):
        pick = rng.integers(trajectories, size=trajectories)
        s = morris_analyze.analyze(problem.salib(), design_t[pick].reshape(-1, design.shape[1]), yt[pick].reshape(-1),
                                   num_resamples=2, num_levels=num_levels, seed=seed)
        out.append(s["mu_star"])
    return np.array(out)


DELTA_MAX_ROWS = 2000


def _cross_check(problem: Problem, design: np.ndarray, y: np.ndarray, seed: int) -> pd.DataFrame:
    """Given-data indices on the same runs: PAWN (median KS statistic) and delta (moment-independent; estimated on
    at most DELTA_MAX_ROWS runs drawn at random, as its kernel density estimates grow slow with many runs)."""
    if len(y) > DELTA_MAX_ROWS:
        keep = np.sort(np.random.default_rng(seed).choice(len(y), DELTA_MAX_ROWS, replace=False))
        design_delta, y_delta = design[keep], y[keep]
    else:
        design_delta, y_delta = design, y
    table = pd.DataFrame(index=problem.names)
    table.index.name = "factor"
    try:
        table["pawn_median"] = pawn_analyze.analyze(problem.salib(), design, y, S=10, seed=seed)["median"]
    except (ValueError, ZeroDivisionError, IndexError):  # too few runs for the slices
        table["pawn_median"] = np.nan
    try:
        d = delta_analyze.analyze(problem.salib(), design_delta, y_delta, num_resamples=10, seed=seed,
                                  method="delta")
        table["delta"], table["delta_conf"] = d["delta_raw"], d["delta_raw_conf"]
    except (ValueError, ZeroDivisionError, IndexError, np.linalg.LinAlgError):
        table["delta"], table["delta_conf"] = np.nan, np.nan
    return table


def evaluate(function: Callable[[dict[str, float], np.random.Generator], Mapping[str, float]], problem: Problem,
             design: np.ndarray, replications: int = 1, seed: int = 0,
             common_random_numbers: bool = True) -> pd.DataFrame:
    """Evaluate ``function(values, rng)`` at every design row, averaging over replications. With common random
    numbers replication r uses the same generator seed at every row; without, every row and replication has its own.
    Returns one row per design row, one column per outcome. The dummy factor is not passed to the function."""
    root = np.random.SeedSequence(seed)
    common = root.spawn(replications)
    rows = []
    for i, x in enumerate(design):
        values = {name: float(v) for name, v in zip(problem.names, x, strict=True) if name != DUMMY}
        seeds = common if common_random_numbers else np.random.SeedSequence(seed, spawn_key=(i,)).spawn(
            replications)
        outs = [function(values, np.random.default_rng(s)) for s in seeds]
        rows.append({k: float(np.mean([o[k] for o in outs])) for k in outs[0]})
    return pd.DataFrame(rows)


def run_function(function, problem: Problem, method: str, n: int, seed: int = 0, replications: int = 1,
                 second_order: bool = False, resamples: int = 200,
                 common_random_numbers: bool = True) -> dict[str, Result]:
    """Sample, evaluate and analyse a plain function of named factors: one :class:`Result` per outcome."""
    design = sample(problem, method, n, seed, second_order=second_order)
    outputs = evaluate(function, problem, design, replications, seed, common_random_numbers)
    return {outcome: analyse(problem, method, design, outputs[outcome].to_numpy(), outcome, n, seed, second_order,
                             resamples) for outcome in outputs.columns}
