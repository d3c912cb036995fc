"""Whether the published ranking of the levers (docs/ranking.csv, written by ``ctsim rank --publish``: ``make rank``)
was computed on the model as it is: ``python -m ctsim.docs --check`` fails when it was not, as it does for the
evidence table."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ctsim.analysis.sensitivity.ranking_study import RANKING_CSV
from ctsim.calibration.fingerprint import model_fingerprint


def ranking_staleness(path: Path = RANKING_CSV) -> str | None:
    """Why the published ranking is stale (one line), or None when it is current or none is published yet (then
    docs/sensitivity.md says "not computed yet")."""
    if not path.exists():
        return None
    try:
        stored = pd.read_csv(path, usecols=["model_fingerprint"], dtype=str)["model_fingerprint"].iloc[0]
    except (OSError, ValueError, KeyError, IndexError, pd.errors.EmptyDataError):
        return f"{path}: not a ranking ctsim publishes (no model fingerprint); run 'make rank'"
    now = model_fingerprint()
    if stored != now:
        return (f"{path} was computed on another state of the model (fingerprint {stored}, now {now}); "
                f"run 'make rank'")
    return None
