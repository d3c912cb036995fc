"""PRIM (the patient rule induction method, Friedman and Fisher 1999) as scenario discovery uses it (Bryant and
Lempert 2010): boxes of the uncertainties in which a policy fails, each with its coverage and density.

The algorithm is EMA Workbench's (``ema_workbench.analysis.prim``, version 2.5.3, the last release for Python
3.11): peeling (each step removes the ``peel_alpha`` share of the cases at one edge of one input that most raises the
share of failures left) down to ``mass_min``, then pasting back (the ``paste_alpha`` share) while the share does not
fall. That gives a *trajectory* of boxes from the whole space (coverage 1, density = the overall failure rate) to a
small dense box; this module chooses one on it (:func:`choose`): the best balance of coverage and density (their
harmonic mean) among the boxes at least ``min_density`` dense that restrict at most ``max_dimensions`` inputs, so
that a person can read it. Restrictions
whose quasi-p-value (a one-sided binomial test of the restriction, Bryant and Lempert 2010) exceeds ``significance``
are dropped. Further boxes are searched among the cases the earlier boxes leave.

- **coverage**: the share of all failures that lie in the box;
- **density**: the share of the cases in the box that fail;
- **mass**: the share of all cases in the box.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

with warnings.catch_warnings():  # the workbench announces optional parallel back-ends it does not find
    warnings.simplefilter("ignore")
    from ema_workbench.analysis import prim as ema_prim

DEFAULTS = {"max_dimensions": 3, "boxes": 2, "peel_alpha": 0.05, "paste_alpha": 0.05, "mass_min": 0.05,
            "significance": 0.05}


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
    """

    restrictions: list[Restriction]
    coverage: float
    density: float
    mass: float
    cases: int
    failures: int
    trajectory: pd.DataFrame
    chosen: int


def default_min_density(failed: np.ndarray) -> float:
    """The density asked of a box by default: halfway between the overall failure rate and 1, and at least one
    half (a box must concentrate failures well beyond their overall rate)."""
    rate = float(np.mean(failed)) if len(failed) else 0.0
    return max(0.5, (1 + rate) / 2)


def choose(trajectory: pd.DataFrame, min_density: float, max_dimensions: int) -> int:
    """The row of a trajectory that balances coverage and density best (the largest harmonic mean of the two, as
    an F-score weighs recall and precision) among those at least ``min_density`` dense and restricting at most
    ``max_dimensions`` inputs; without any, the densest of those readable enough."""
    readable = trajectory[(trajectory["res_dim"] <= max_dimensions) & (trajectory["res_dim"] > 0)]
    if readable.empty:
        return int(trajectory.index[0])
    dense = readable[readable["density"] >= min_density]
    if dense.empty:
        return int(readable["density"].idxmax())
    balance = 2 * dense["coverage"] * dense["density"] / (dense["coverage"] + dense["density"])
    return int(balance.idxmax())


def find_boxes(x: pd.DataFrame, failed: np.ndarray, min_density: float | None = None,
               max_dimensions: int = DEFAULTS["max_dimensions"], boxes: int = DEFAULTS["boxes"],
               peel_alpha: float = DEFAULTS["peel_alpha"], paste_alpha: float = DEFAULTS["paste_alpha"],
               mass_min: float = DEFAULTS["mass_min"], significance: float = DEFAULTS["significance"]) -> list[Box]:
    """Up to ``boxes`` boxes in which the cases ``failed`` concentrate (``x``: one row per case, one column per
    input that varies; numbers, or categories as text or true/false). Stops early when a box would be less dense
    than ``min_density``, restrict nothing, or hold no restriction significant at ``significance``."""
    failed = np.asarray(failed, dtype=bool)
    if len(x) != len(failed):
        raise ValueError(f"{len(x)} cases but {len(failed)} outcomes")
    if not failed.any():
        return []
    min_density = default_min_density(failed) if min_density is None else min_density
    x = x.reset_index(drop=True).copy()
    for column in x.columns:  # the workbench peels numbers as reals or integers and everything else as categories
        if x[column].dtype == bool:
            x[column] = x[column].map({True: "yes", False: "no"})
    found = []
    with warnings.catch_warnings():  # the workbench uses pandas calls pandas has deprecated; results are unchanged
        warnings.simplefilter("ignore")
        prim = ema_prim.Prim(x, failed.astype(int), threshold=min_density, peel_alpha=peel_alpha,
                             paste_alpha=paste_alpha, mass_min=mass_min)
        for _ in range(boxes):
            box = prim.find_box()
            if box is None or int(box.res_dim) == 0:
                break
            chosen = choose(box.peeling_trajectory, min_density, max_dimensions)
            box.select(chosen)
            box = _drop_insignificant(box, chosen, significance)
            result = _box(box, x)
            # A box too thin in failures, or whose restrictions chance alone could draw, says nothing: stop.
            if result.density < min_density or not any(r.qp <= significance for r in result.restrictions):
                break
            found.append(result)
    return found


def _drop_insignificant(box, chosen: int, significance: float):
    """Drop the restrictions of the chosen box whose quasi-p-values all exceed ``significance`` (each drop adds a
    box to the trajectory and selects it)."""
    qp = box.qp[chosen]
    weak = [name for name, sides in qp.items() if all(p < 0 or p > significance for p in sides)]
    if len(weak) >= len(qp):  # keep the strongest restriction rather than an empty box
        weak.remove(min(qp, key=lambda n: min(p for p in qp[n] if p >= 0) if any(p >= 0 for p in qp[n]) else 1.0))
    for name in weak:
        box.drop_restriction(name)
    return box


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
            restrictions.append(Restriction(name, None, None, levels, _qp(qp.get(name))))
            continue
        at_low, at_high = low <= initial[name].iloc[0], high >= initial[name].iloc[1]
        if at_low and at_high:
            continue
        restrictions.append(Restriction(name, None if at_low else float(low), None if at_high else float(high),
                                        None, _qp(qp.get(name))))
    stats = box.peeling_trajectory.iloc[row]
    return Box(sorted(restrictions, key=lambda r: r.qp), float(stats["coverage"]), float(stats["density"]),
               float(stats["mass"]), int(stats["n"]), int(stats["k"]),
               box.peeling_trajectory[["coverage", "density", "mass", "res_dim"]].copy(), row)


def _qp(sides) -> float:
    values = [p for p in (sides or []) if p is not None and p >= 0]
    return float(min(values)) if values else float("nan")
