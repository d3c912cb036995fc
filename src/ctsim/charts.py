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


def attacks_band_chart(comparison, path: str | Path) -> None:
    """Monthly national attacks per scenario: median over replications and the 5-95% band; saved as PNG."""
    fig, ax = plt.subplots(figsize=(10, 5.5), dpi=110)
    for name in [s.name for s in comparison.scenarios]:
        runs = comparison.monthly_attacks[comparison.monthly_attacks["scenario"] == name]
        wide = runs.pivot(index="month", columns="replication", values="attacks")
        low, mid, high = (wide.quantile(q, axis=1) for q in (0.05, 0.5, 0.95))
        line = ax.plot(wide.index, mid, label=f"{name} (median)")[0]
        ax.fill_between(wide.index, low, high, color=line.get_color(), alpha=0.2, label=f"{name} (5-95%)")
    n = int(len(comparison.runs) // len(comparison.scenarios))
    ax.set_title(f"Militant attacks per month, {n} replications per scenario (common random numbers)")
    ax.set_ylabel("attacks per month")
    ax.set_xlabel("month")
    ax.legend(loc="upper left", fontsize=8)
    ax.grid(alpha=0.3)
    fig.text(0.01, 0.01, "ctsim: exploratory model; bands show run-to-run spread, not forecast error", fontsize=8,
             alpha=0.7)
    fig.tight_layout()
    fig.savefig(path, format="png")
    plt.close(fig)
