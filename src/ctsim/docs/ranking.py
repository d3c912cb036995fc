"""The published ranking of the levers (docs/ranking.csv, written by ``ctsim rank --publish``: ``make rank``) and the
model as it is.

A ranking takes about an hour to recompute (``make rank``), so a change of the model's results may land before it is
rerun. It may then stand only marked as the older model's: the line above it in docs/sensitivity.md (the generated
block ``ranking-status``, written by ``python -m ctsim.docs``) says on which model it was computed and that the model
has moved since. ``python -m ctsim.docs --check`` fails when the ranking is not one ctsim publishes, and when it was
computed on another model and the page does not say so."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ctsim.analysis.sensitivity.ranking_study import RANKING_CSV
from ctsim.calibration.fingerprint import model_fingerprint
from ctsim.storage.blocks import block_body

SENSITIVITY_PAGE = RANKING_CSV.parent / "sensitivity.md"  # the page that shows the ranking
BLOCK = "ranking-status"


class UnpublishedRankingError(ValueError):
    """docs/ranking.csv is not a ranking ctsim publishes (no model fingerprint)."""


def _computed_on(path: Path) -> tuple[str, str] | None:
    """The model fingerprint and commit the published ranking was computed on; None when none is published."""
    if not path.exists():
        return None
    try:
        table = pd.read_csv(path, dtype=str)
        fingerprint = str(table["model_fingerprint"].iloc[0])
    except (OSError, ValueError, KeyError, IndexError, pd.errors.EmptyDataError):
        raise UnpublishedRankingError(f"{path}: not a ranking ctsim publishes (no model fingerprint); "
                                      f"run 'make rank'") from None
    commit = str(table["commit"].iloc[0]) if "commit" in table.columns else "unknown"
    return fingerprint, commit


def ranking_status(path: Path = RANKING_CSV) -> str:
    """The line above the published ranking: computed on the model as it is, or on an older model (said plainly,
    with both fingerprints), or not published yet.

    Raises:
        UnpublishedRankingError: ``path`` exists but is not a ranking ctsim publishes.
    """
    stored, now = _computed_on(path), model_fingerprint()
    if stored is None:
        return "No ranking is published yet: `make rank` computes it."
    fingerprint, commit = stored
    if fingerprint == now:
        return f"The ranking below was computed on the model as it is (model fingerprint `{now}`)."
    return (f"**From an older model.** The ranking below was computed on model fingerprint `{fingerprint}` (commit "
            f"`{commit[:12]}`); the model's results have moved since (fingerprint now `{now}`). Read every figure in "
            f"it as the older model's until `make rank` is rerun.")


def ranking_staleness(path: Path = RANKING_CSV, page: Path = SENSITIVITY_PAGE) -> str | None:
    """Why the published ranking cannot stand as it is (one line), or None: it was computed on the model as it is,
    none is published yet, or it was computed on an older model and ``page`` says so (its ``ranking-status`` block
    holds what :func:`ranking_status` writes)."""
    try:
        stored = _computed_on(path)
    except UnpublishedRankingError as exc:
        return str(exc)
    if stored is None or stored[0] == model_fingerprint():
        return None
    status = ranking_status(path)
    if block_body(page.read_text(encoding="utf-8") if page.exists() else "", BLOCK) == status:
        return None
    return (f"{path} was computed on another state of the model (fingerprint {stored[0]}, now "
            f"{model_fingerprint()}) and {page} does not say so; run 'make rank', or 'python -m ctsim.docs' to mark "
            f"it as the older model's")
