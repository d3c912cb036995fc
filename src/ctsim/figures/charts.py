"""Charts of run outputs. Each function returns a matplotlib ``Figure``; :func:`ctsim.figures.save_figure` writes one.

Figures are built with the object-oriented API (``matplotlib.figure.Figure``), not pyplot: no global state, no
backend chosen at import time, nothing to close, safe in worker processes and in a web server.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from matplotlib.figure import Figure

from ctsim.calibration.parameter_sets import POINT_SET, describe
from ctsim.calibration.targets import MONTHLY_ATTACKS
from ctsim.data import REGION_KEYS, REGIONS

if TYPE_CHECKING:
    from ctsim.analysis.calibration.point import Fit
    from ctsim.scenarios.runner import RunResult


def _parameters(record) -> str:
    return describe(record or POINT_SET.manifest())


def attacks_by_region_chart(result: RunResult) -> Figure:
    """Monthly attacks by region, stacked, with the national total."""
    wide = result.regional.pivot(index="month", columns="region", values="attacks")[list(REGIONS)]
    fig = Figure(figsize=(10, 5.5), dpi=110)
    ax = fig.subplots()
    ax.stackplot(wide.index, wide.T.to_numpy(), labels=REGIONS, alpha=0.85)
    ax.set_title(f"Militant attacks by region, scenario '{result.scenario.name}' (seed {result.seed})")
    ax.set_ylabel("attacks per month")
    ax.set_xlabel("month")
    ax.legend(loc="upper left", fontsize=8, ncols=2)
    ax.grid(alpha=0.3)
    fig.text(0.01, 0.01, f"ctsim: exploratory model, one stochastic run, not a forecast; "
                         f"{_parameters(result.parameters)}", fontsize=8, alpha=0.7)
    fig.tight_layout()
    return fig


def attacks_band_chart(comparison) -> Figure:
    """Monthly national attacks per scenario: median over replications and the 5-95% band."""
    fig = Figure(figsize=(10, 5.5), dpi=110)
    ax = fig.subplots()
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
    parameters = getattr(comparison, "parameters", None)
    spread = "chance and parameter draws" if parameters is not None and parameters.mode == "draws" else "chance"
    fig.text(0.01, 0.01, f"ctsim: exploratory model; bands show run-to-run spread ({spread}), not forecast error; "
                         f"{_parameters(parameters.manifest() if parameters is not None else None)}", fontsize=7,
             alpha=0.7)
    fig.tight_layout()
    return fig


def sobol_chart(result, title: str) -> Figure:
    """First-order and total Sobol indices with their confidence intervals, as bars."""
    table = result.ranking()
    x = np.arange(len(table))
    fig = Figure(figsize=(max(6, 0.6 * len(table) + 2), 4.5), dpi=110)
    ax = fig.subplots()
    ax.bar(x - 0.2, table["S1"], 0.4, yerr=table["S1_conf"], capsize=3, label="first order S1")
    ax.bar(x + 0.2, table["ST"], 0.4, yerr=table["ST_conf"], capsize=3, label="total order ST")
    ax.axhline(float(table.loc["dummy", "ST"]), color="grey", linestyle="--", linewidth=1,
               label="noise floor (dummy ST)")
    ax.set_xticks(x, table.index, rotation=45, ha="right", fontsize=8)
    ax.set_ylabel("Sobol index")
    ax.set_title(f"Sobol indices: {title} (N = {result.n})", fontsize=10)
    ax.legend(fontsize=8)
    ax.grid(axis="y", alpha=0.3)
    fig.tight_layout()
    return fig


def morris_chart(result, title: str) -> Figure:
    """Morris mu* against sigma, with mu* intervals; factors named."""
    table = result.indices
    fig = Figure(figsize=(6.5, 5), dpi=110)
    ax = fig.subplots()
    ax.errorbar(table["mu_star"], table["sigma"], xerr=table["mu_star_conf"], fmt="o", capsize=3)
    for name, row in table.iterrows():
        ax.annotate(name, (row["mu_star"], row["sigma"]), fontsize=7, xytext=(3, 3), textcoords="offset points")
    ax.set_xlabel("mu* (mean absolute elementary effect)")
    ax.set_ylabel("sigma (non-linearity, interactions)")
    ax.set_title(f"Morris screening: {title} ({result.n} trajectories)", fontsize=10)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    return fig


def rank_probability_chart(result, title: str) -> Figure:
    """Heat map: how often each factor takes each rank across bootstrap resamples."""
    table = result.rank_probability.loc[result.ranking().index]
    fig = Figure(figsize=(max(5, 0.5 * table.shape[1] + 3), max(3, 0.35 * len(table) + 1.5)), dpi=110)
    ax = fig.subplots()
    image = ax.imshow(table.to_numpy(), cmap="Blues", vmin=0, vmax=1, aspect="auto")
    ax.set_xticks(range(table.shape[1]), [c.replace("rank ", "") for c in table.columns], fontsize=8)
    ax.set_yticks(range(len(table)), table.index, fontsize=8)
    ax.set_xlabel("rank (1 = most influential)")
    ax.set_title(f"Rank probabilities: {title}", fontsize=10)
    fig.colorbar(image, ax=ax, label="share of bootstrap resamples")
    fig.tight_layout()
    return fig


def calibration_chart(fit: Fit) -> Figure:
    """Observed PICSS monthly attacks against the simulated median and 5-95% band."""
    wide = fit.runs.pivot(index="month", columns="replication", values="attacks")
    fig = Figure(figsize=(10, 5), dpi=110)
    ax = fig.subplots()
    ax.fill_between(wide.index, wide.quantile(0.05, axis=1), wide.quantile(0.95, axis=1), alpha=0.25,
                    label="simulated, 5-95% of replications")
    ax.plot(wide.index, wide.median(axis=1), label="simulated, median")
    ax.plot(wide.index, MONTHLY_ATTACKS, "k.-", label="observed (PICSS, FACTS.md s1)")
    ax.set_ylabel("militant attacks per month")
    ax.set_title("Calibration window, January 2022 to December 2024")
    ax.grid(alpha=0.3)
    ax.legend(loc="upper left", fontsize=8)
    fig.tight_layout()
    return fig


# Annual national attacks observed (FACTS.md s1 and s5.1): PICSS, the counter the model is calibrated to (2014 and
# 2015 derived there from monthly averages), and PIPS, which counts differently (a cross-check, not the same count).
OBSERVED_PICSS = {2014: 1608, 2015: 708, 2016: 513, 2017: 420, 2018: 229, 2019: 159, 2020: 187, 2021: 294, 2022: 380,
                  2023: 645, 2024: 905}
OBSERVED_PIPS = {2007: 1503, 2008: 2148, 2009: 2586, 2010: 2113, 2011: 1966, 2012: 1575, 2013: 1717, 2014: 1206,
                 2015: 625, 2016: 441, 2017: 370, 2018: 262, 2019: 229}


def long_run_chart(yearly, scenario: str, seeds: int) -> Figure:
    """The status quo's long run: national attacks per year (median and 5-95% band over seeds) beside the observed
    annual series since 2007, and each region's mean share of attacks per year.

    Args:
        yearly: one row per year with ``attacks_median``, ``attacks_p05``, ``attacks_p95`` and ``share_<region key>``
            columns (as :func:`ctsim.analysis.validation.long_run.long_run` computes them).
        scenario: the scenario's name, for the title.
        seeds: how many seeds the band is over.
    """
    fig = Figure(figsize=(11, 8), dpi=110)
    top, bottom = fig.subplots(2, 1, sharex=True, height_ratios=(3, 2))
    years = yearly.index.to_numpy()
    top.fill_between(years, yearly["attacks_p05"], yearly["attacks_p95"], alpha=0.3,
                     label=f"ctsim '{scenario}', 5-95% of {seeds} seeds")
    top.plot(years, yearly["attacks_median"], "-", label="ctsim, median")
    top.plot(list(OBSERVED_PICSS), list(OBSERVED_PICSS.values()), "k.-",
             label="observed, PICSS (the count ctsim is calibrated to)")
    top.plot(list(OBSERVED_PIPS), list(OBSERVED_PIPS.values()), ".--", color="grey",
             label="observed, PIPS (counts differently)")
    top.set_ylabel("militant attacks per year")
    top.set_title(f"The status quo's long run against the record since 2007 ('{scenario}')")
    top.grid(alpha=0.3)
    top.legend(loc="upper right", fontsize=8)
    shares = np.vstack([yearly[f"share_{k}"].to_numpy() for k in REGION_KEYS]) * 100
    bottom.stackplot(years, shares, labels=REGIONS, alpha=0.85)
    bottom.set_ylabel("share of attacks, %")
    bottom.set_ylim(0, 100)
    bottom.set_xlabel("year")
    bottom.grid(alpha=0.3)
    bottom.legend(loc="upper left", fontsize=7, ncols=4)
    fig.text(0.01, 0.005, "ctsim: exploratory model; simulated years are not a forecast", fontsize=8, alpha=0.7)
    fig.tight_layout()
    return fig
