"""Ranking factors of any kind in one variance-based design, and apportioning the variance to groups.

The core of ``ctsim rank`` (:mod:`ctsim.analysis.sensitivity.ranking_study`), written for any function of named
inputs so that it can be checked on functions whose indices are known.

**Method: Sobol indices with every input mapped from the unit interval.** Each input is sampled as a number ``u`` in
[0, 1) by SALib's Saltelli design (a scrambled Sobol sequence, ``SALib.sample.sobol`` with ``groups``) and mapped to
its value: a real input to ``low + u (high - low)``, a whole-number input to one of its integers, a categorical or
true/false input to level ``floor(u k)`` of its ``k`` levels. Every level then has probability ``1/k`` exactly, so a
categorical lever is a discrete uniform input, never a rounded number. The Sobol-Hoeffding decomposition holds for
any independent inputs, discrete or continuous, so the first-order (``S1``) and total (``ST``) indices of a
categorical lever are estimated by the same formulas as those of a numeric one (SALib's ``analyze.sobol``: Saltelli
2010 for ``S1``, Jansen 1999 for ``ST``, bootstrap intervals) and the two kinds are ranked on one scale.

Inputs are organised in **groups**: each lever is its own group; several inputs may form one group (all the assumed
effect sizes), which then gets one index for all of them together. A ``dummy`` group changes nothing but the random
streams (:func:`run_seed`), so its index is the noise floor.

**Replications.** Each design row is evaluated in every replication of :func:`ctsim.experiments.executors.
replications` (its seed, reshuffled by the row's dummy, and its parameter draw); the mean over replications is
analysed. Rows that differ in one group share seeds and draws (common random numbers), so their differences are
free of most of the noise.

**Variance apportioned to groups** (:func:`variance_shares`), of a single run's outcome, from the same runs:

- *chance*: half the mean squared difference of runs that differ only by the dummy (same inputs, same draw, another
  seed);
- *calibrated parameters*: the mean variance across replications at a design row (draws and seeds differ), less
  chance;
- *levers*, *assumed values* and their *interactions*: the rest, the variance of the outcome's conditional mean over
  the design, split by one extra block of runs (``A`` with every lever taken from ``B``, "the levers together").

Bootstrap intervals resample the design's base rows. The probability that each lever is among the top three
(:func:`top_probability`) and the agreement of two rankings (:func:`agreement`, Spearman's rho) use SALib's own
bootstrap resamples of ``ST``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import numpy as np
import pandas as pd
from SALib.analyze import sobol as sobol_analyze
from SALib.analyze.sobol import first_order, total_order
from SALib.sample import sobol as sobol_sample
from scipy.stats import spearmanr

from ctsim.analysis.sensitivity.harness import DUMMY
from ctsim.experiments.executors import Replication, replicate

LEVER, ASSUMPTION = "lever", "assumption"
ROLES = (LEVER, ASSUMPTION, DUMMY)
KINDS = ("float", "int", "levels")
NOISE_RATIO = 0.1  # the noise floor must stay below a tenth of the top lever's index
TOP = 3
SHARES = ("levers", "levers x assumed values", "assumed values", "calibrated parameters", "chance")


@dataclass(frozen=True)
class Input:
    """One input of the design and how a unit number becomes its value.

    Attributes:
        name: the input's name (a lever or a parameter).
        group: the group it belongs to (a lever: its own name).
        kind: ``float`` (``low`` to ``high``), ``int`` (the integers from ``low`` to ``high``) or ``levels``.
        low: lower end (numbers).
        high: upper end (numbers).
        levels: the levels of a categorical or true/false input, each equally likely.
    """

    name: str
    group: str
    kind: str = "float"
    low: float = 0.0
    high: float = 1.0
    levels: tuple[Any, ...] = ()

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"input {self.name}: kind must be one of {', '.join(KINDS)}")
        if self.kind == "levels" and len(self.levels) < 2:
            raise ValueError(f"input {self.name}: a categorical input needs at least two levels")
        if self.kind != "levels" and not self.low < self.high:
            raise ValueError(f"input {self.name}: low must be below high")

    def value(self, u: float) -> Any:
        """The input's value at unit number ``u`` in [0, 1)."""
        if self.kind == "float":
            return float(self.low + u * (self.high - self.low))
        if self.kind == "int":
            return int(min(self.high, math.floor(self.low + u * (self.high - self.low + 1))))
        return self.levels[min(len(self.levels) - 1, int(u * len(self.levels)))]


@dataclass(frozen=True)
class Group:
    """A group of inputs that gets one index.

    Attributes:
        name: the group's name (a lever's name for a lever).
        role: ``lever`` or ``assumption`` (the dummy is added by :class:`Design`).
        label: plain name for people.
    """

    name: str
    role: str
    label: str


@dataclass(frozen=True)
class Design:
    """The inputs and their groups; the dummy group is appended.

    Attributes:
        inputs: every input (each naming one of ``groups``).
        groups: the groups, in the order of the tables.
    """

    inputs: tuple[Input, ...]
    groups: tuple[Group, ...]

    def __post_init__(self) -> None:
        names = [g.name for g in self.groups]
        if len(set(names)) != len(names) or DUMMY in names:
            raise ValueError("group names must be unique and not 'dummy'")
        unknown = {i.group for i in self.inputs} - set(names)
        if unknown:
            raise ValueError(f"inputs name unknown groups: {', '.join(sorted(unknown))}")
        empty = set(names) - {i.group for i in self.inputs}
        if empty:
            raise ValueError(f"groups without inputs: {', '.join(sorted(empty))}")
        if any(g.role not in (LEVER, ASSUMPTION) for g in self.groups):
            raise ValueError(f"a group's role must be '{LEVER}' or '{ASSUMPTION}'")
        if not any(g.role == LEVER for g in self.groups):
            raise ValueError("a ranking needs at least one lever")

    @property
    def ordered_inputs(self) -> tuple[Input, ...]:
        """The inputs ordered by group (SALib numbers groups by their first appearance), the dummy last."""
        order = {g.name: k for k, g in enumerate(self.groups)}
        ordered = sorted(self.inputs, key=lambda i: order[i.group])
        return (*ordered, Input(DUMMY, DUMMY))

    @property
    def group_names(self) -> list[str]:
        """Group names in the order of SALib's indices, the dummy last."""
        return [*(g.name for g in self.groups), DUMMY]

    @property
    def roles(self) -> dict[str, str]:
        """Group name -> role."""
        return {**{g.name: g.role for g in self.groups}, DUMMY: DUMMY}

    @property
    def labels(self) -> dict[str, str]:
        """Group name -> plain label."""
        return {**{g.name: g.label for g in self.groups}, DUMMY: "noise floor (changes nothing but chance)"}

    def problem(self) -> dict:
        """The SALib problem: every input on [0, 1], with its group."""
        inputs = self.ordered_inputs
        return {"num_vars": len(inputs), "names": [i.name for i in inputs], "bounds": [[0.0, 1.0]] * len(inputs),
                "groups": [i.group for i in inputs]}

    @property
    def step(self) -> int:
        """Rows per base sample in SALib's layout: A, one row per group, B."""
        return len(self.group_names) + 2

    def rows(self, n: int) -> int:
        """Rows of a design of ``n`` base samples: SALib's, then the block of the levers together."""
        return n * (self.step + 1)

    def sample(self, n: int, seed: int) -> np.ndarray:
        """The unit design (rows x inputs, in :attr:`ordered_inputs` order): SALib's Saltelli rows (``n`` a power of
        two), then ``n`` rows of ``A`` with every lever input taken from ``B``."""
        if n < 2 or n & (n - 1):
            raise ValueError(f"N must be a power of two (at least 2); got {n}")
        unit = sobol_sample.sample(self.problem(), n, calc_second_order=False, seed=seed)
        a, b = unit[0::self.step], unit[self.step - 1::self.step]
        roles = self.roles
        levers = [k for k, i in enumerate(self.ordered_inputs) if roles[i.group] == LEVER]
        together = a.copy()
        together[:, levers] = b[:, levers]
        return np.vstack([unit, together])

    def values(self, row: np.ndarray) -> dict[str, Any]:
        """The inputs' values at one unit row (the dummy left out)."""
        return {i.name: i.value(float(u)) for i, u in zip(self.ordered_inputs, row, strict=True) if i.name != DUMMY}


def run_seed(replication: Replication, dummy: float) -> np.random.SeedSequence:
    """The seed of one run: the replication's, reshuffled by the row's dummy (as a sensitivity study's
    ``seed_extra`` does), so the dummy changes chance and nothing else."""
    extra = 1 + int(dummy * (2**31 - 2))
    return np.random.SeedSequence(replication.seed.entropy, spawn_key=(*replication.seed.spawn_key, extra))


def evaluate(function: Callable[[dict[str, Any], np.random.Generator, dict[str, float]], Mapping[str, float]],
             design: Design, unit: np.ndarray, replications: Sequence[Replication]) -> dict[str, np.ndarray]:
    """Evaluate a plain function ``function(values, rng, draw)`` at every row and replication, in this process:
    outcome -> array (rows x replications). A ctsim study runs its rows through the executor instead
    (:mod:`ctsim.analysis.sensitivity.ranking_study`), by the same seed rule."""
    tasks = [(design.values(row), run_seed(rep, float(row[-1])), rep.draw) for row in unit for rep in replications]
    results = replicate(partial(_call, function), tasks)  # the one way to replicate (here: in this process)
    out: dict[str, np.ndarray] = {}
    for k, result in enumerate(results):
        i, r = divmod(k, len(replications))
        for name, value in result.items():
            out.setdefault(name, np.full((len(unit), len(replications)), np.nan))[i, r] = value
    return out


def _call(function: Callable, task: tuple) -> Mapping[str, float]:
    values, seed, draw = task
    return function(values, np.random.default_rng(seed), draw)


@dataclass
class Indices:
    """Indices of one outcome on one design (or several designs pooled).

    Attributes:
        n: base samples.
        table: one row per group: ``S1``, ``S1_conf``, ``ST``, ``ST_conf`` (95% bootstrap), ``role``, ``label``.
        resamples: SALib's bootstrap resamples of ``ST`` (resamples x groups), jointly drawn.
    """

    n: int
    table: pd.DataFrame
    resamples: pd.DataFrame

    @property
    def floor(self) -> float:
        """The dummy's total index: the noise floor."""
        return float(self.table.loc[DUMMY, "ST"])

    @property
    def levers(self) -> pd.DataFrame:
        """The levers' rows, ranked by total index."""
        return self.table[self.table["role"] == LEVER].sort_values("ST", ascending=False)

    def ranking(self) -> pd.DataFrame:
        """Every group ranked by total index, with ``above_noise`` (index less its interval above the floor) and
        the levers' probability of being among the top three."""
        table = self.table.sort_values("ST", ascending=False).copy()
        table["above_noise"] = (table["ST"] - table["ST_conf"] > self.floor) & (table.index != DUMMY)
        table["rank"] = np.arange(1, len(table) + 1)
        top = top_probability(self)
        table["top3_probability"] = [top.get(name, np.nan) for name in table.index]
        table.index.name = "factor"
        return table


def _split(design: Design, y: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """SALib's rows and the levers-together block of ``y`` (rows first)."""
    main = n * design.step
    if len(y) != design.rows(n):
        raise ValueError(f"expected {design.rows(n)} rows for N = {n}, got {len(y)}")
    return y[:main], y[main:]


def pool(design: Design, ys: Sequence[np.ndarray], ns: Sequence[int]) -> tuple[np.ndarray, int]:
    """Several designs' outcomes as one design of their summed N (SALib's rows of each, then each block of the
    levers together), for indices at N and 2N from two independent samples."""
    parts = [_split(design, y, n) for y, n in zip(ys, ns, strict=True)]
    return np.concatenate([p[0] for p in parts] + [p[1] for p in parts]), int(sum(ns))


def indices(design: Design, y: np.ndarray, n: int, seed: int, resamples: int = 500,
            conf_level: float = 0.95) -> Indices:
    """Sobol indices of every group from ``y`` (rows x replications; their mean is analysed)."""
    y = np.asarray(y, dtype=float)
    if not np.all(np.isfinite(y)):
        raise ValueError("an outcome has missing values: a failed run breaks the design")
    main, _ = _split(design, y.mean(axis=1), n)
    s = sobol_analyze.analyze(design.problem(), main, calc_second_order=False, num_resamples=resamples,
                              conf_level=conf_level, keep_resamples=True, seed=int(seed) + 1)  # SALib: 0 = unseeded
    names = design.group_names
    table = pd.DataFrame({"S1": s["S1"], "S1_conf": s["S1_conf"], "ST": s["ST"], "ST_conf": s["ST_conf"]},
                         index=names)
    table["role"] = [design.roles[g] for g in names]
    table["label"] = [design.labels[g] for g in names]
    table.index.name = "factor"
    return Indices(n, table, pd.DataFrame(np.asarray(s["ST_conf_all"]), columns=names))


def top_probability(result: Indices, k: int = TOP) -> dict[str, float]:
    """Each lever's probability of being among the ``k`` levers of largest total index, over the bootstrap
    resamples."""
    levers = list(result.table.index[result.table["role"] == LEVER])
    values = result.resamples[levers].to_numpy()
    ranks = (-values).argsort(axis=1).argsort(axis=1) + 1  # 1 = largest in that resample
    return dict(zip(levers, (ranks <= k).mean(axis=0).tolist(), strict=True))


@dataclass(frozen=True)
class Agreement:
    """Spearman's rho between two rankings of the levers, with a bootstrap interval."""

    rho: float
    low: float
    high: float
    levers: int


def agreement(a: Indices, b: Indices, conf_level: float = 0.95) -> Agreement:
    """How well two rankings of the levers agree: Spearman's rho of their total indices, and its interval from
    pairing the two analyses' bootstrap resamples one by one."""
    levers = [g for g in a.table.index if a.table.loc[g, "role"] == LEVER and g in b.table.index]
    rho = float(spearmanr(a.table.loc[levers, "ST"], b.table.loc[levers, "ST"]).statistic)
    m = min(len(a.resamples), len(b.resamples))
    ra, rb = a.resamples[levers].to_numpy()[:m], b.resamples[levers].to_numpy()[:m]
    rhos = np.array([spearmanr(x, z).statistic for x, z in zip(ra, rb, strict=True)], dtype=float)
    tail = (1 - conf_level) / 2
    low, high = np.nanquantile(rhos, [tail, 1 - tail]) if np.isfinite(rhos).any() else (np.nan, np.nan)
    return Agreement(rho, float(low), float(high), len(levers))


def convergence(small: Indices, large: Indices) -> pd.DataFrame:
    """Indices at N and at 2N side by side: they agree when the larger sample's index lies within the smaller
    one's 95% interval."""
    table = pd.DataFrame({"ST_N": small.table["ST"], "ST_N_conf": small.table["ST_conf"],
                          "ST_2N": large.table["ST"], "ST_2N_conf": large.table["ST_conf"]})
    table["agrees"] = (table["ST_N"] - table["ST_2N"]).abs() <= table["ST_N_conf"]
    table.index.name = "factor"
    return table


@dataclass(frozen=True)
class NoiseCheck:
    """Whether the noise floor is below a tenth of the top lever's index, and the replications that would get it
    there (the dummy's index falls about as one over the replications)."""

    floor: float
    top: float
    ratio: float
    passes: bool
    replications: int
    replications_needed: int


def noise_check(result: Indices, replications: int) -> NoiseCheck:
    """The dummy's total index against a tenth of the largest lever's."""
    top = float(result.levers["ST"].max())
    floor = max(result.floor, 0.0)
    ratio = floor / top if top > 0 else math.inf
    needed = replications if ratio < NOISE_RATIO else (
        math.ceil(replications * ratio / NOISE_RATIO) if math.isfinite(ratio) else replications * 10)
    return NoiseCheck(result.floor, top, ratio, ratio < NOISE_RATIO, replications, int(needed))


def _components(design: Design, y: np.ndarray, base: np.ndarray) -> np.ndarray:
    """The five variance components (absolute) of :data:`SHARES`, from base samples ``base`` of one (pooled) design
    laid out as :func:`pool` leaves it."""
    step = design.step
    n = len(y) // (step + 1)
    main, together = y[:n * step], y[n * step:]
    a, b = main[0::step][base], main[step - 1::step][base]
    dummy = main[step - 2::step][base]  # the dummy is the last group: its block sits just before B
    ab_levers = together[base]
    runs = np.concatenate([a, b])
    total = runs.var()
    chance = 0.5 * np.mean((a - dummy) ** 2)
    # With one replication the draws cannot be told apart from the design's spread: their share is unknown.
    within = runs.var(axis=1, ddof=1).mean() if y.shape[1] > 1 else chance
    mean_a, mean_b, mean_l = a.mean(axis=1), b.mean(axis=1), ab_levers.mean(axis=1)
    # SALib's estimators (Saltelli 2010 first order, Jansen total) of the levers together, in absolute variance.
    spread = np.r_[mean_a, mean_b].var()
    levers_alone = float(first_order(mean_a, mean_l, mean_b)) * spread
    levers_total = float(total_order(mean_a, mean_l, mean_b)) * spread
    between = total - within  # the variance of the outcome's conditional mean over the design
    parameters = within - chance if y.shape[1] > 1 else np.nan
    return np.array([levers_alone, levers_total - levers_alone, between - levers_total, parameters, chance]) \
        / total if total > 0 else np.full(len(SHARES), np.nan)


def variance_shares(design: Design, y: np.ndarray, n: int, seed: int, resamples: int = 500,
                    conf_level: float = 0.95) -> pd.DataFrame:
    """The single run's variance apportioned to levers, their interactions with the assumed values, the assumed
    values, the calibrated parameters (the replications' draws) and chance, as shares with bootstrap intervals
    (base samples resampled). ``y``: rows x replications of one (pooled) design of ``n`` base samples.

    With one replication the parameters' share is unknown (NaN: their draw is the same for every row, so their
    spread hides in the design's); with the point calibration it is zero but for noise."""
    y = np.asarray(y, dtype=float)
    if len(y) != design.rows(n):
        raise ValueError(f"expected {design.rows(n)} rows for N = {n}, got {len(y)}")
    rng = np.random.default_rng(seed)
    point = _components(design, y, np.arange(n))
    boot = np.array([_components(design, y, rng.integers(n, size=n)) for _ in range(resamples)])
    tail = (1 - conf_level) / 2
    low, high = np.full(len(SHARES), np.nan), np.full(len(SHARES), np.nan)
    known = np.isfinite(boot).any(axis=0)
    low[known], high[known] = np.nanquantile(boot[:, known], [tail, 1 - tail], axis=0)
    return pd.DataFrame({"share": point, "low": low, "high": high}, index=pd.Index(SHARES, name="component"))


@dataclass
class OutcomeRanking:
    """Everything the ranking says about one outcome.

    Attributes:
        outcome: the outcome's name.
        first: indices on the first sample (N).
        second: indices on the second, independent sample (N).
        pooled: indices on both (2N): the published ranking.
        point: indices on the point calibration's design (None when not run).
        shares: the variance apportioned to groups (:func:`variance_shares`, both samples pooled).
        replications: replications per design row.
    """

    outcome: str
    first: Indices
    second: Indices
    pooled: Indices
    shares: pd.DataFrame
    replications: int
    point: Indices | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def ranking(self) -> pd.DataFrame:
        """The published ranking (both samples pooled)."""
        return self.pooled.ranking()

    def convergence(self) -> pd.DataFrame:
        """Indices at N (the first sample) against 2N (both)."""
        return convergence(self.first, self.pooled)

    def noise(self) -> NoiseCheck:
        """The noise-floor check on the pooled indices."""
        return noise_check(self.pooled, self.replications)

    def agreements(self) -> dict[str, Agreement]:
        """Spearman agreement between the two samples, and between the point calibration and the posterior."""
        out = {"two independent samples": agreement(self.first, self.second)}
        if self.point is not None:
            out["point calibration and posterior"] = agreement(self.point, self.pooled)
        return out


def rank_outcome(design: Design, outcome: str, samples: Sequence[np.ndarray], n: int, seed: int,
                 point: np.ndarray | None = None, point_n: int = 0, resamples: int = 500) -> OutcomeRanking:
    """Analyse one outcome: ``samples`` holds two independent designs of ``n`` base samples (rows x replications
    each); ``point`` an optional design of ``point_n`` on the point calibration."""
    if len(samples) != 2:
        raise ValueError("the ranking needs two independent samples (indices at N and 2N, and their agreement)")
    first = indices(design, samples[0], n, seed, resamples)
    second = indices(design, samples[1], n, seed + 1, resamples)
    pooled_y, pooled_n = pool(design, samples, [n, n])
    pooled = indices(design, pooled_y, pooled_n, seed + 2, resamples)
    shares = variance_shares(design, pooled_y, pooled_n, seed + 3, resamples)
    on_point = indices(design, point, point_n, seed + 4, resamples) if point is not None else None
    return OutcomeRanking(outcome, first, second, pooled, shares, int(samples[0].shape[1]), on_point)
