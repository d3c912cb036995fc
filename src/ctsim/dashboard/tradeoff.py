"""The live trade-off: the trainer's policy against the status quo on the five outcomes the debate weighs.

Both ensembles run on the same seeds and posterior draws (:func:`.state.replications`), so run ``r`` of the policy
is paired with run ``r`` of the status quo: the paired difference and its 90% interval come from
:func:`ctsim.analysis.paired.paired`, as in ``ctsim compare``. A run's figure follows the output's declaration:
summed over the scenario months so far (attacks, deaths, cost) or its last month (people held without trial,
legitimacy). Each difference gets the project's plain verdict (:func:`ctsim.verdicts.judge`: better or worse only when
the interval excludes zero and the change reaches the smallest that matters, negligible when the whole interval is
smaller than that, unclear otherwise).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ctsim.analysis.paired import paired
from ctsim.declarations.outputs import OUTPUTS_BY_NAME

from .state import DashboardSession, Ensemble
from .words import OUTCOMES, change_and_interval, how_counted, sentence_without_label, verdict


@dataclass(frozen=True)
class Row:
    """One outcome of the panel.

    Attributes:
        output: the output's name (never shown).
        label: its plain name.
        status_quo: the status quo's mean over its runs.
        policy: the policy's mean.
        difference: mean paired difference, policy minus status quo.
        low, high: its 90% interval.
        verdict: ``better``, ``worse``, ``negligible`` or ``unclear``.
        sentence: the difference in plain words with its unit and interval.
        counted: how a run's figure is made (``over 24 months``, ``at the end``).
        headline: the verdict in two to five words (``Fewer attacks``, ``No change that matters``).
        change: the difference in words (``20 fewer attacks``; money a year).
        interval: its 90% interval in words (``85 fewer to 45 more attacks``).
    """

    output: str
    label: str
    status_quo: float
    policy: float
    difference: float
    low: float
    high: float
    verdict: str
    sentence: str
    counted: str
    headline: str = ""
    change: str = ""
    interval: str = ""


def run_figures(ensemble: Ensemble, output: str, branch: int) -> np.ndarray:
    """One figure per run for ``output`` over the scenario months so far (its declared summary)."""
    values = ensemble.array(output)[branch:]
    if len(values) == 0:
        return np.full(len(ensemble.models), np.nan)
    summary = OUTPUTS_BY_NAME[output].summary
    if summary == "sum":
        return values.sum(axis=0)
    if summary == "mean":
        return values.mean(axis=0)
    return values[-1]


def panel(session: DashboardSession) -> list[Row]:
    """The five outcomes, policy against status quo, over the scenario months run so far (empty at the branch)."""
    with session.lock:
        branch = session.history_months
        months = session.scenario_month
        if months == 0:
            return []
        rows = []
        for output in OUTCOMES:
            reference = run_figures(session.status_quo, output, branch)
            mine = run_figures(session.policy, output, branch)
            pair = paired(reference, mine)
            judged = verdict(output, pair.difference, pair.low, pair.high, pair.reference, months)
            rows.append(Row(output, judged.label, pair.reference, pair.scenario, pair.difference, pair.low,
                            pair.high, judged.word, sentence_without_label(judged), how_counted(output, months),
                            judged.headline, *change_and_interval(output, pair.difference, pair.low, pair.high,
                                                                  months)))
        return rows


def running_difference(session: DashboardSession, output: str = "attacks") -> pd.DataFrame:
    """Month by month since the branch, the paired difference of ``output`` summed so far (policy minus status
    quo) with its 90% interval: the "attacks averted so far" line."""
    with session.lock:
        branch = session.history_months
        mine = session.policy.array(output)[branch:]
        reference = session.status_quo.array(output)[branch:]
        months = session.months()[branch:]
    rows = []
    cumulative_mine, cumulative_reference = np.cumsum(mine, axis=0), np.cumsum(reference, axis=0)
    for i, month in enumerate(months):
        pair = paired(cumulative_reference[i], cumulative_mine[i])
        rows.append({"month": month, "difference": pair.difference, "low": pair.low, "high": pair.high})
    return pd.DataFrame(rows, columns=["month", "difference", "low", "high"])
