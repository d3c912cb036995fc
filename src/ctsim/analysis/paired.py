"""Paired differences with intervals: the one place ctsim computes them.

Replication ``r`` of every scenario shares its seed with replication ``r`` of the reference (common random numbers),
so scenarios are compared in pairs: the mean of the paired differences, with a Student-t confidence interval over
the pairs. Comparisons (:mod:`ctsim.analysis.compare`), the evidence table (:mod:`ctsim.analysis.validation.evidence`),
the policy brief and the dashboard all use :func:`paired`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

LEVEL = 0.90


@dataclass(frozen=True)
class Paired:
    """Mean paired difference (scenario minus reference) and its interval.

    Attributes:
        reference: mean of the reference runs.
        scenario: mean of the scenario runs.
        difference: mean of the paired differences.
        low: lower end of the interval.
        high: upper end.
        pairs: number of pairs.
    """

    reference: float
    scenario: float
    difference: float
    low: float
    high: float
    pairs: int

    @property
    def relative(self) -> float:
        """The difference as a share of the reference mean (NaN when the reference is zero)."""
        return self.difference / self.reference if self.reference else float("nan")


def paired(reference: np.ndarray, scenario: np.ndarray, level: float = LEVEL) -> Paired:
    """The mean paired difference ``scenario - reference`` with a ``level`` Student-t interval.

    Args:
        reference: one value per pair (replication), reference scenario.
        scenario: the same pairs, in the same order, other scenario.
        level: confidence level of the interval.

    Returns:
        The difference; with a single pair the interval is NaN, with identical pairs it has zero width.
    """
    ref = np.asarray(reference, dtype=float)
    other = np.asarray(scenario, dtype=float)
    diff = other - ref
    n = len(diff)
    mean = float(diff.mean()) if n else float("nan")
    if n > 1 and diff.std(ddof=1) > 0:
        half = float(stats.t.ppf(0.5 + level / 2, n - 1) * diff.std(ddof=1) / np.sqrt(n))
    else:
        half = 0.0 if n > 1 else float("nan")
    return Paired(float(ref.mean()), float(other.mean()), mean, mean - half, mean + half, n)
