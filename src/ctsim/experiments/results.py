"""Reading batch results: the design joined with each run's outcomes, monthly series, and the batch's status.

The files are plain Parquet (``design.parquet``, ``parts/part-*.parquet``, ``monthly/part-*.parquet``) and read
directly with pandas or polars as well; these helpers read them through the validated loader
(:func:`ctsim.storage.read_batch`: a missing, truncated or changed file is one line naming it), join them and keep
the latest record of a retried run.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ctsim.declarations import registry
from ctsim.declarations.parameters import PARAMETERS
from ctsim.storage import BatchResult, read_batch

KINDS = {"float": "numbers", "int": "numbers", "bool": "true or false", "choice": "text"}


def factor_columns() -> dict[str, str]:
    """The type of the column of every factor a design may vary: levers and uncertainties by their declared kind,
    any other parameter (varied explicitly) a number."""
    kinds = {p.name: "numbers" for p in PARAMETERS}
    kinds.update({f.name: KINDS[f.kind] for f in (*registry.levers(), *registry.uncertainties())})
    return kinds


def read(folder: str | Path, monthly: bool = True) -> BatchResult:
    """The batch folder, read and checked (:func:`ctsim.storage.read_batch`), its factor columns of their declared
    types.

    Raises:
        ctsim.storage.ResultsError: when the folder holds no batch, or a file of it is missing or changed.
    """
    return read_batch(folder, monthly, factor_columns())


def load(folder: str | Path) -> pd.DataFrame:
    """Design plus outcomes: one row per run of the design, with ``status`` (ok, failed or pending), ``error``,
    ``elapsed_s``, ``worker`` and every summary outcome (missing for runs that are not ok)."""
    return read(folder, monthly=False).runs


def load_monthly(folder: str | Path) -> pd.DataFrame:
    """The monthly series kept by the experiment (``outputs.monthly``), joined with the design; empty if none."""
    return read(folder).monthly


def status(folder: str | Path) -> pd.DataFrame:
    """Runs done, failed and pending, per scenario and in total."""
    frame = load(folder)
    table = pd.crosstab(frame["scenario"], frame["status"])
    for column in ("ok", "failed", "pending"):
        if column not in table:
            table[column] = 0
    table = table[["ok", "failed", "pending"]].rename(columns={"ok": "done"})
    table.loc["total"] = table.sum()
    return table
