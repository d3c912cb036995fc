"""Reading batch results: the design joined with each run's outcomes, monthly series, and the batch's status.

The files are plain Parquet (``design.parquet``, ``parts/part-*.parquet``, ``monthly/part-*.parquet``) and read
directly with pandas or polars as well; these helpers only join them and keep the latest record of a retried run.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ctsim.experiments.batch import BatchStore


def _store(folder: str | Path) -> BatchStore:
    store = BatchStore(folder)
    if not store.exists():
        raise FileNotFoundError(f"{folder}: no batch here (design.parquet and batch.json are missing)")
    return store


def load(folder: str | Path) -> pd.DataFrame:
    """Design plus outcomes: one row per run of the design, with ``status`` (ok, failed or pending), ``error``,
    ``elapsed_s``, ``worker`` and every summary outcome (missing for runs that are not ok)."""
    store = _store(folder)
    design = pd.read_parquet(store.design_path)
    outcomes = store.outcomes().drop(columns=["part"])
    frame = design.merge(outcomes, on="run_id", how="left")
    frame["status"] = frame["status"].fillna("pending")
    return frame


def load_monthly(folder: str | Path) -> pd.DataFrame:
    """The monthly series kept by the experiment (``outputs.monthly``), joined with the design; empty if none."""
    store = _store(folder)
    parts = sorted(store.monthly.glob("part-*.parquet")) if store.monthly.is_dir() else []
    if not parts:
        return pd.DataFrame()
    monthly = pd.concat([pd.read_parquet(p) for p in parts], ignore_index=True)
    # A retried run may appear in more than one part: keep its last series.
    monthly = monthly.drop_duplicates(["run_id", "month_index"], keep="last")
    design = pd.read_parquet(store.design_path)
    return design.merge(monthly, on="run_id", how="inner")


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
