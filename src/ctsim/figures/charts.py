"""Charts of run outputs. Each function returns a matplotlib ``Figure``; :func:`ctsim.figures.save_figure` writes one.

Figures are built with the object-oriented API (``matplotlib.figure.Figure``), not pyplot: no global state, no
backend chosen at import time, nothing to close, safe in worker processes and in a web server.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from ctsim.calibration.parameter_sets import POINT_SET, describe
from ctsim.calibration.targets import EARLY_ANNUAL, MONTHLY_ATTACKS, OUT_OF_SAMPLE, monthly_window
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
    """The calibration history: simulated monthly attacks (median and 5-95% band) against the observed months of
    2022-2024 (PICSS) and each other year's observed attacks as a monthly average, fitted (2013-2017) or out of sample
    (2018-2021)."""
    wide = fit.runs.pivot(index="month", columns="replication", values="attacks")
    fig = Figure(figsize=(10, 5), dpi=110)
    ax = fig.subplots()
    ax.fill_between(wide.index, wide.quantile(0.05, axis=1), wide.quantile(0.95, axis=1), alpha=0.25,
                    label="simulated, 5-95% of replications")
    ax.plot(wide.index, wide.median(axis=1), label="simulated, median")
    window = monthly_window(wide.index)
    if window.any():
        ax.plot(wide.index[window], MONTHLY_ATTACKS[: int(window.sum())], "k.-", ms=3,
                label="observed monthly (PICSS, FACTS.md s1)")
    for observed, style, label in ((EARLY_ANNUAL, "k-", "observed, the year's attacks / 12 (fitted)"),
                                   (OUT_OF_SAMPLE, "r--", "observed, the year's attacks / 12 (out of sample)")):
        for year, value in observed.items():
            attacks = value["attacks"] if isinstance(value, dict) else value
            if wide.index[0].year <= year <= wide.index[-1].year:
                ax.plot([pd.Timestamp(year, 1, 1), pd.Timestamp(year, 12, 1)], [attacks / 12] * 2, style, lw=2,
                        label=label)
                label = None
    ax.set_ylabel("militant attacks per month")
    ax.set_title(f"Calibration history, {wide.index[0]:%B %Y} to {wide.index[-1]:%B %Y}")
    ax.grid(alpha=0.3)
    ax.legend(loc="upper right", fontsize=8)
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


def long_history_chart(record: dict) -> Figure:
    """The 2013-2024 history (``ctsim long-history``'s record): annual attacks, median and 90% band over the runs,
    beside the history with 2013's policies held through 2017, the history with the Afghan sanctuary kept closed,
    and the record (fitted years black, out-of-sample years red)."""
    years = np.array(record["years"])
    fig = Figure(figsize=(10, 5), dpi=110)
    ax = fig.subplots()
    for key, label, colour in (("history", "the history (policies as they were)", "C0"),
                               ("without_2014_2017_policies", "2013's policies held through 2017", "C1"),
                               ("sanctuary_kept_closed", "the Afghan sanctuary kept closed after August 2021", "C2")):
        band = record[key]
        ax.fill_between(years, band["q05"], band["q95"], color=colour, alpha=0.18)
        ax.plot(years, band["median"], color=colour, label=f"model: {label} (median, 90% of runs)")
    observed = record["observed"]
    fitted = [y for y in years if str(y) in observed and y not in record["out_of_sample_years"]]
    held = [y for y in years if y in record["out_of_sample_years"]]
    ax.plot(fitted, [observed[str(y)] for y in fitted], "ko", label="observed, fitted (PICSS's count)")
    ax.plot(held, [observed[str(y)] for y in held], "rs", label="observed, out of sample (PICSS)")
    ax.set_xticks(years)
    ax.set_ylabel("militant attacks per year")
    ax.set_title(f"2013-2024: the fall, the trough and the return ({record['runs']} runs each)")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig
