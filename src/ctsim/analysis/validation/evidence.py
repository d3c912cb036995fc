"""Measure each lever's effect against what the evidence says it should do.

For every lever of :mod:`ctsim.declarations.evidence`: paired runs of the baseline (with the lever's context) and
of the same with the lever at its contrast value, common random numbers, over the baseline's horizon after the
2013-2024 history; the mean paired difference of each outcome (flows summed over the horizon, stocks averaged over
it) with a 90% interval (Student t); and, where the evidence names a direction, whether the model agrees (the whole
interval on the expected side), contradicts it (the whole interval on the other side), or is unclear.

    ctsim evidence [--replications 8] [--workers 2]   # rewrites docs/evidence.csv (make evidence)

The stored table carries the fingerprint of the regression baseline it was measured on; ``python -m ctsim.docs
--check`` fails when the model has changed since (rerun ``make evidence``).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ctsim.analysis.paired import paired
from ctsim.calibration.fingerprint import model_fingerprint
from ctsim.declarations.evidence import LEVER_EVIDENCE, WINDOW_OUTCOMES, LeverEvidence
from ctsim.declarations.outputs import OUTPUTS
from ctsim.experiments.executors import ExecutorSpec, replicate
from ctsim.experiments.executors import replications as replications_of
from ctsim.scenarios.runner import run
from ctsim.storage import write_text

REPO = Path(__file__).resolve().parents[4]
EVIDENCE_CSV = REPO / "docs" / "evidence.csv"
EVIDENCE_SEED = 13_2024
CONFIDENCE = 0.90
# Every lever is also shown on the outcomes a policy reader weighs (issue 13's columns).
SHOWN = ("attacks", "recruits", "legitimacy", "cost", "detained_without_trial")


def outcomes_of(entry: LeverEvidence) -> tuple[str, ...]:
    """The outcomes measured for a lever: the expected ones first, then the shown ones."""
    named = [e.outcome for e in entry.expected]
    return tuple(dict.fromkeys([*named, *SHOWN]))


# Stocks (legitimacy, people held untried, militants...) are measured as their mean over the horizon, as flows are
# summed over it, not by the last month's value: by the horizon's end the political cycle has reverted most
# contrasts (kinetic intensity in 7 of 8 replications on calibration version 8), so the last month would measure
# what a lever leaves behind once it is gone, not what it does while it holds.
STOCKS = tuple(o.name for o in OUTPUTS if o.summary == "last")


def _one_run(task: tuple[dict, dict, np.random.SeedSequence, int | None]) -> dict[str, float]:
    levers, params, seed, months = task
    result = run("baseline", seed, months, levers=levers, uncertainties=params)
    out = dict(result.summary)
    for name in STOCKS:
        out[name] = float(result.national[name].mean())
    for key, (column, first, last) in WINDOW_OUTCOMES.items():
        out[key] = float(result.national[column].iloc[first:last].sum())
    return out


def measure(entries: tuple[LeverEvidence, ...] = LEVER_EVIDENCE, replications: int = 8, workers: int = 1,
            months: int | None = None, seed: int = EVIDENCE_SEED) -> pd.DataFrame:
    """One row per lever and outcome: reference mean, paired difference with its 90% interval, relative change, and
    the verdict where a direction is expected."""
    seeds = [r.seed for r in replications_of(replications, seed)]
    arms: dict[tuple, tuple[dict, dict]] = {}
    for entry in entries:
        base = (tuple(sorted(entry.context.items())), tuple(sorted(entry.params.items())))
        arms.setdefault(base, (dict(entry.context), dict(entry.params)))
        arms.setdefault((*base, entry.lever, entry.contrast),
                        ({**entry.context, entry.lever: entry.contrast}, dict(entry.params)))
    keys = list(arms)
    tasks = [(arms[k][0], arms[k][1], s, months) for k in keys for s in seeds]
    results = replicate(_one_run, tasks, ExecutorSpec(kind="processes", workers=workers))
    by_arm = {k: results[i * replications:(i + 1) * replications] for i, k in enumerate(keys)}
    rows = []
    for entry in entries:
        base = (tuple(sorted(entry.context.items())), tuple(sorted(entry.params.items())))
        reference, changed = by_arm[base], by_arm[(*base, entry.lever, entry.contrast)]
        expected = {e.outcome: e for e in entry.expected}
        for outcome in outcomes_of(entry):
            a = np.array([r[outcome] for r in reference])
            b = np.array([r[outcome] for r in changed])
            pair = paired(a, b, CONFIDENCE)
            mean, low, high = pair.difference, pair.low, pair.high
            e = expected.get(outcome)
            verdict = ""
            if e is not None:
                good = (high < 0) if e.direction == "lower" else (low > 0)
                bad = (low > 0) if e.direction == "lower" else (high < 0)
                verdict = "agrees" if good else "contradicts" if bad else "unclear"
            rows.append({
                "lever": entry.lever, "contrast": str(entry.contrast), "outcome": outcome,
                "expected": e.direction if e else "", "basis": e.basis if e else "",
                "source": e.source if e else "", "reference_mean": pair.reference, "difference": mean,
                "ci90_low": low, "ci90_high": high,
                "relative": pair.relative,
                "verdict": verdict, "replications": replications, "note": entry.note,
            })
    return pd.DataFrame(rows)


def write(table: pd.DataFrame, path: Path = EVIDENCE_CSV) -> Path:
    """Store the table with the model fingerprint it was measured on."""
    return write_text(path, table.assign(model_fingerprint=model_fingerprint()).to_csv(index=False))
