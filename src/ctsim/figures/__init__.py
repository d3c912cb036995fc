"""Figures and tables: functions that return matplotlib figures (:mod:`ctsim.figures.charts`) and formatted
tables (:mod:`ctsim.figures.tables`). Writing them to files is separate: :func:`save_figure`."""

from __future__ import annotations

from pathlib import Path

from matplotlib.figure import Figure

from ctsim.storage import atomic_write


def save_figure(fig: Figure, path: str | Path) -> Path:
    """Write ``fig`` as PNG to ``path`` (atomically)."""
    return atomic_write(Path(path), lambda tmp: fig.savefig(tmp, format="png"))
