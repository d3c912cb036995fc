"""Charts of run outputs (matplotlib, no display needed)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from ctsim.data import REGIONS  # noqa: E402

if TYPE_CHECKING:
    from ctsim.runner import RunResult


def attacks_by_region_chart(result: RunResult, path: str | Path) -> None:
    """Monthly attacks by region, stacked, with the national total; saved as PNG."""
    wide = result.regional.pivot(index="month", columns="region", values="attacks")[list(REGIONS)]
    fig, ax = plt.subplots(figsize=(10, 5.5), dpi=110)
    ax.stackplot(wide.index, wide.T.to_numpy(), labels=REGIONS, alpha=0.85)
    ax.set_title(f"Militant attacks by region, scenario '{result.scenario.name}' (seed {result.seed})")
    ax.set_ylabel("attacks per month")
    ax.set_xlabel("month")
    ax.legend(loc="upper left", fontsize=8, ncols=2)
    ax.grid(alpha=0.3)
    fig.text(0.01, 0.01, "ctsim: exploratory model, one stochastic run, not a forecast", fontsize=8, alpha=0.7)
    fig.tight_layout()
    fig.savefig(path, format="png")
    plt.close(fig)
