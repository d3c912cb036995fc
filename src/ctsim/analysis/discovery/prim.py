"""PRIM (the patient rule induction method, Friedman and Fisher 1999) as scenario discovery uses it (Bryant and
Lempert 2010): boxes of the uncertainties in which a policy fails, each with its coverage and density.

First the inputs are screened (:func:`screen_inputs`): PRIM's peeling is greedy, and among dozens of inputs it
restricts some that only happened to help in this sample, so it peels only the ``screen`` inputs (8 by default)
whose values differ most between the failing cases and the others (a Kolmogorov-Smirnov distance). The algorithm
itself is EMA Workbench's (``ema_workbench.analysis.prim``, version 2.5.3, the last release for Python
3.11): peeling (each step removes the ``peel_alpha`` share of the cases at one edge of one input that most raises the
share of failures left) down to ``mass_min``, then pasting back (the ``paste_alpha`` share) while the share does not
fall. That gives a *trajectory* of boxes from the whole space (coverage 1, density = the overall failure rate) to a
small dense box; this module chooses one on it (:func:`choose`): the best balance of coverage and density (their
harmonic mean) among the boxes at least ``min_density`` dense. Then it prunes (:func:`_prune`): the weakest
restriction (largest quasi-p-value, a one-sided binomial test of the restriction, Bryant and Lempert 2010) is
dropped, one at a time, while it exceeds ``significance`` or the box restricts more than ``max_dimensions`` inputs,
so that what is left is supported by the data and a person can read it. A box still ``min_density`` dense is a
finding; one that is not is reported as the closest there is, and the search stops. Further boxes are searched among
the cases the earlier boxes leave.

- **coverage**: the share of all failures that lie in the box;
- **density**: the share of the cases in the box that fail;
- **mass**: the share of all cases in the box.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.stats import ks_2samp

with warnings.catch_warnings():  # the workbench announces optional parallel back-ends it does not find
    warnings.simplefilter("ignore")
    from ema_workbench.analysis import prim as ema_prim
    from ema_workbench.analysis import scenario_discovery_util as sdutil

DEFAULTS = {"max_dimensions": 3, "boxes": 2, "peel_alpha": 0.05, "paste_alpha": 0.05, "mass_min": 0.05,
            "significance": 0.05, "screen": 8}


@dataclass(frozen=True)
class Restriction:
    """One input a box restricts.

    Attributes:
        name: the input.
        low: the lower bound, or None when the box keeps the explored minimum.
        high: the upper bound, or None when the box keeps the explored maximum.
        levels: the levels kept, for a categorical input (None for numbers).
        qp: the quasi-p-value of the restriction (the smaller of its two sides' when both are restricted).
    """

    name: str
    low: float | None
    high: float | None
    levels: tuple | None
    qp: float


@dataclass
class Box:
    """A box of the uncertainties and how much of the failure it holds.

    Attributes:
        restrictions: the inputs it restricts.
        coverage: share of all failures in the box.
        density: share of the box's cases that fail.
        mass: share of all cases in the box.
        cases: cases in the box.
        failures: failures in the box.
        trajectory: the peeling and pasting trajectory (coverage, density, mass, restricted dimensions).
        chosen: the row of the trajectory the box is.
        dense: whether it reaches the density asked (False: the closest box there is, every restriction beyond
            chance but the failures not concentrated enough; the search stops there).
    """

    restrictions: list[Restriction]
    coverage: float
    density: float
    mass: float
    cases: int
    failures: int
    trajectory: pd.DataFrame
    chosen: int
    dense: bool = True


def default_min_density(failed: np.ndarray) -> float:
    """The density asked of a box by default: halfway between the overall failure rate and 1, and at least one
    half (a box must concentrate failures well beyond their overall rate)."""
    rate = float(np.mean(failed)) if len(failed) else 0.0
    return max(0.5, (1 + rate) / 2)


def choose(trajectory: pd.DataFrame, min_density: float, max_dimensions: int | None = None) -> int:
    """The row of a trajectory that balances coverage and density best (the largest harmonic mean of the two, as
    an F-score weighs recall and precision) among those at least ``min_density`` dense (and restricting at most
    ``max_dimensions`` inputs, when given); without any, the densest of them."""
    boxes = trajectory[trajectory["res_dim"] > 0]
    if max_dimensions is not None:
        boxes = boxes[boxes["res_dim"] <= max_dimensions]
    if boxes.empty:
        return int(trajectory.index[0])
    dense = boxes[boxes["density"] >= min_density]
    if dense.empty:
        return int(boxes["density"].idxmax())
    balance = 2 * dense["coverage"] * dense["density"] / (dense["coverage"] + dense["density"])
    return int(balance.idxmax())


def screen_inputs(x: pd.DataFrame, failed: np.ndarray, keep: int) -> list[str]:
    """The ``keep`` inputs whose values differ most between the failing cases and the others: the two-sample
    Kolmogorov-Smirnov distance for numbers, the total variation distance of the levels' shares for categories
    (ties and order: the columns' order). All of them when ``keep`` is 0 or at least their number."""
    if not keep or keep >= x.shape[1] or failed.all() or not failed.any():
        return list(x.columns)
    distance = {}
    for column in x.columns:
        values = x[column]
        if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
            distance[column] = float(ks_2samp(values[failed], values[~failed]).statistic)
        else:
            shares = pd.crosstab(values, failed, normalize="columns")
            distance[column] = float(0.5 * (shares[True] - shares[False]).abs().sum())
    return sorted(x.columns, key=lambda c: -distance[c])[:keep]


def find_boxes(x: pd.DataFrame, failed: np.ndarray, min_density: float | None = None,
               max_dimensions: int = DEFAULTS["max_dimensions"], boxes: int = DEFAULTS["boxes"],
               peel_alpha: float = DEFAULTS["peel_alpha"], paste_alpha: float = DEFAULTS["paste_alpha"],
               mass_min: float = DEFAULTS["mass_min"], significance: float = DEFAULTS["significance"],
               screen: int = DEFAULTS["screen"]) -> list[Box]:
    """Up to ``boxes`` boxes in which the cases ``failed`` concentrate (``x``: one row per case, one column per
    input that varies; numbers, or categories as text or true/false), PRIM peeling the ``screen`` inputs that
    differ most between failures and the rest (:func:`screen_inputs`; 0: all). Stops when a box would restrict
    nothing or hold a restriction not significant at ``significance``; a box less dense than ``min_density`` is
    returned marked (``dense`` False) as the last one."""
    failed = np.asarray(failed, dtype=bool)
    if len(x) != len(failed):
        raise ValueError(f"{len(x)} cases but {len(failed)} outcomes")
    if not failed.any():
        return []
    min_density = default_min_density(failed) if min_density is None else min_density
    x = x.reset_index(drop=True)
    x = x[screen_inputs(x, failed, screen)].copy()
    for column in x.columns:  # the workbench peels numbers as reals or integers and everything else as categories
        if x[column].dtype == bool:
            x[column] = x[column].map({True: "yes", False: "no"})
    found = []
    with warnings.catch_warnings():  # the workbench uses pandas calls pandas has deprecated; results are unchanged
        warnings.simplefilter("ignore")
        # The workbench's threshold only decides whether it returns the box it peeled or the whole space; the
        # density asked is applied here, so that a box below it can still be reported as the closest there is.
        prim = ema_prim.Prim(x, failed.astype(int), threshold=1e-9, peel_alpha=peel_alpha, paste_alpha=paste_alpha,
                             mass_min=mass_min)
        for _ in range(boxes):
            box = prim.find_box()
            if box is None or int(box.res_dim) == 0:
                break
            box.select(choose(box.peeling_trajectory, min_density))
            result = _box(_prune(box, max_dimensions, significance), x)
            # A box whose restrictions chance alone could draw says nothing: stop. One too thin in failures is kept
            # as the closest there is (marked), then the search stops.
            if not all(r.qp <= significance for r in result.restrictions):
                break
            result.dense = result.density >= min_density
            found.append(result)
            if not result.dense:
                break
    return found


def _strength(sides) -> float:
    """A restriction's quasi-p-value: the smaller of its restricted sides' (the workbench marks a free side -1)."""
    values = [p for p in sides if p is not None and p >= 0]
    return float(min(values)) if values else 1.0


def _prune(box, max_dimensions: int, significance: float):
    """Drop the weakest restriction of the selected box while it is beyond ``significance`` or the box restricts
    more than ``max_dimensions`` inputs, one at a time, the quasi-p-values recomputed after each drop (each drop adds
    a box to the trajectory and selects it). A restriction is one bound of a number (a lower and an upper bound are
    tested apart, so "between 0.59 and 0.79" becomes "above 0.59" when nothing supports the upper bound) or the
    levels kept of a category. In many dimensions PRIM's greedy peeling restricts inputs that only happened to help;
    this keeps those a binomial test supports."""
    while True:
        qp = box.qp[int(box._cur_box)]
        sides = [(p, name, k) for name, pair in qp.items() for k, p in enumerate(pair) if p is not None and p >= 0]
        if not sides:
            return box
        weakest, name, side = max(sides)
        if len(qp) <= max_dimensions and weakest <= significance:
            return box
        if len(qp) > max_dimensions:  # too many inputs: drop the whole input whose best side is weakest
            name = max(qp, key=lambda n: _strength(qp[n]))
            if len(qp) == 1:
                return box
            box.drop_restriction(name)
        elif len(sides) == 1:  # one restriction left, beyond chance: nothing left to say
            return box
        elif sum(1 for p in qp[name] if p is not None and p >= 0) > 1:
            _drop_side(box, name, side)
        else:
            box.drop_restriction(name)


def _drop_side(box, name: str, side: int) -> None:
    """Reset one bound of a restricted number to the whole space's (as the workbench's ``drop_restriction`` resets
    both) and make that box the selected one."""
    current = int(box._cur_box)
    limits = box.box_lims[current].copy()
    limits.loc[side, name] = box.box_lims[0].loc[side, name]
    remaining = box.prim.yi_remaining
    inside = sdutil._in_box(box.prim.x.loc[remaining, :], limits)
    box.update(limits, remaining[inside])


def _box(box, x: pd.DataFrame) -> Box:
    """A workbench box as a :class:`Box` (the selected row of its trajectory)."""
    row = int(box._cur_box)  # the workbench keeps the selected box here; it has no public accessor in 2.5.3
    lims, initial = box.box_lims[row], box.prim.box_init
    qp = box.qp[row]
    restrictions = []
    for name in x.columns:
        if name not in lims.columns:
            continue
        low, high = lims[name].iloc[0], lims[name].iloc[1]
        if isinstance(low, set):  # categories: the levels kept
            if low == initial[name].iloc[0]:
                continue
            levels = tuple(sorted(low, key=str))
            restrictions.append(Restriction(name, None, None, levels, _strength(qp.get(name) or [])))
            continue
        at_low, at_high = low <= initial[name].iloc[0], high >= initial[name].iloc[1]
        if at_low and at_high:
            continue
        restrictions.append(Restriction(name, None if at_low else float(low), None if at_high else float(high),
                                        None, _strength(qp.get(name) or [])))
    stats = box.peeling_trajectory.iloc[row]
    return Box(sorted(restrictions, key=lambda r: r.qp), float(stats["coverage"]), float(stats["density"]),
               float(stats["mass"]), int(stats["n"]), int(stats["k"]),
               box.peeling_trajectory[["coverage", "density", "mass", "res_dim"]].copy(), row)
