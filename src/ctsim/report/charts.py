"""The brief's charts, each a function of the :class:`ctsim.report.gather.Brief` returning a matplotlib Figure.

Figures are built with the object API (``matplotlib.figure.Figure``), not pyplot, so nothing global is touched and no
window opens; :func:`png_data_uri` turns one into the data URI the self-contained HTML embeds.
"""

from __future__ import annotations

import base64
import io

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from ctsim.analysis.paired import LEVEL, paired
from ctsim.data import load_districts
from ctsim.report import words

WIDTH = 7.2  # inches: the text width of an A4 page with 15 mm margins
COLOURS = ("#1b4f72", "#c0392b", "#1e8449", "#b9770e", "#6c3483", "#117a65", "#7b7d7d")


def png_data_uri(figure: Figure, dpi: int = 130) -> str:
    """The figure as a ``data:image/png;base64,...`` URI."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _names(brief) -> list[str]:
    return [s.name for s in brief.scenarios]


def _label(brief, name: str) -> str:
    """A scenario's short label in words (its name only when it has none)."""
    return next((s.label for s in brief.scenarios if s.name == name and s.label), name)


def attacks_over_time(brief) -> Figure | None:
    """Monthly national attacks per scenario: the median run and the band holding 90% of runs (5th-95th)."""
    monthly = brief.monthly
    if monthly.empty:
        return None
    fig = Figure(figsize=(WIDTH, 3.0))
    ax = fig.add_subplot()
    for i, name in enumerate(_names(brief)):
        table = monthly[monthly["scenario"] == name].pivot_table(index="month", columns="replication",
                                                                 values="attacks")
        if table.empty:
            continue
        colour = COLOURS[i % len(COLOURS)]
        ax.fill_between(table.index, table.quantile(0.05, axis=1), table.quantile(0.95, axis=1), color=colour,
                        alpha=0.18, linewidth=0)
        ax.plot(table.index, table.median(axis=1), color=colour, linewidth=1.6, label=f"{_label(brief, name)} "
                                                                                          f"(middle simulation)")
    ax.set_ylabel("attacks per month")
    ax.set_title("Attacks per month: the middle simulation and the range of 90% of simulations", fontsize=10)
    ax.legend(fontsize=8, frameon=False)
    ax.grid(alpha=0.3)
    return fig


def difference_over_time(brief) -> Figure | None:
    """The paired difference in attacks from the reference, per quarter, with its 90% interval: shows lags."""
    monthly = brief.monthly
    names = _names(brief)
    if monthly.empty or len(names) < 2:
        return None
    frame = monthly.assign(quarter=pd.to_datetime(monthly["month"]).dt.to_period("Q").dt.start_time)
    per = frame.groupby(["scenario", "replication", "quarter"])["attacks"].sum()
    fig = Figure(figsize=(WIDTH, 3.0))
    ax = fig.add_subplot()
    for i, name in enumerate(names[1:], start=1):
        rows = []
        for quarter in sorted(frame["quarter"].unique()):
            ref = per.loc[names[0]].xs(quarter, level="quarter").sort_index()
            other = per.loc[name].xs(quarter, level="quarter").reindex(ref.index)
            d = paired(ref.to_numpy(), other.to_numpy(), LEVEL)
            rows.append((quarter, d.difference, d.low, d.high))
        q, mean, low, high = (np.array(v) for v in zip(*rows, strict=True))
        colour = COLOURS[i % len(COLOURS)]
        ax.fill_between(q, low, high, color=colour, alpha=0.2, linewidth=0)
        ax.plot(q, mean, color=colour, linewidth=1.6, marker="o", markersize=2.5, label=_label(brief, name))
    ax.axhline(0, color="black", linewidth=0.8)
    ax.set_ylabel("attacks per quarter")
    reference = words.in_sentence(_label(brief, names[0]))
    ax.set_title(f"Difference in attacks per quarter from {reference} (below zero: fewer), with 90% interval",
                 fontsize=10)
    ax.legend(fontsize=8, frameon=False)
    ax.grid(alpha=0.3)
    return fig


TRADE_OFFS = (("cost", "extra cost,\nRs bn a year"),
              ("detained_without_trial", "extra people held\nwithout trial (at end)"),
              ("collateral_casualties", "extra bystanders\nharmed in operations"))


def trade_offs(brief) -> Figure | None:
    """Attacks averted against extra cost and against civil-liberties pressure, in one chart of three panels.

    With a reference: one point per scenario, the paired differences with their 90% intervals as error bars.
    Without one (a single-scenario design): one point per run.
    """
    runs = brief.run_table
    if runs.empty or not all(k in runs for k, _ in TRADE_OFFS) or "attacks" not in runs:
        return None
    names = _names(brief)
    fig = Figure(figsize=(WIDTH, 2.8))
    axes = fig.subplots(1, 3)
    if len(names) > 1:
        ref = runs[runs["scenario"] == names[0]].set_index("pair").sort_index()
        for i, name in enumerate(names[1:], start=1):
            other = runs[runs["scenario"] == name].set_index("pair")
            common = ref.index.intersection(other.index)
            averted = paired(other.loc[common, "attacks"].to_numpy(), ref.loc[common, "attacks"].to_numpy())
            for ax, (key, _) in zip(axes, TRADE_OFFS, strict=True):
                scale = 12 / brief.months / 1e9 if key == "cost" else 1.0  # cost in Rs bn a year
                d = paired(scale * ref.loc[common, key].to_numpy(), scale * other.loc[common, key].to_numpy())
                ax.errorbar(averted.difference, d.difference,
                            xerr=[[averted.difference - averted.low], [averted.high - averted.difference]],
                            yerr=[[d.difference - d.low], [d.high - d.difference]], fmt="o",
                            color=COLOURS[i % len(COLOURS)], capsize=3, label=_label(brief, name))
        xlabel = f"attacks averted over {words.horizon(brief.months)}"
        for ax in axes:
            ax.axhline(0, color="black", linewidth=0.6)
            ax.axvline(0, color="black", linewidth=0.6)
        axes[0].legend(fontsize=7, frameon=False)
    else:
        for ax, (key, _) in zip(axes, TRADE_OFFS, strict=True):
            scale = 12 / brief.months / 1e9 if key == "cost" else 1.0
            ax.scatter(runs["attacks"], scale * runs[key], s=6, alpha=0.5, color=COLOURS[0])
        xlabel = f"attacks over {words.horizon(brief.months)} (one dot per simulation)"
    for ax, (_key, label) in zip(axes, TRADE_OFFS, strict=True):
        ax.set_ylabel(label if len(names) > 1 else label.replace("extra ", ""), fontsize=8)
        ax.set_xlabel(xlabel, fontsize=8)
        ax.tick_params(labelsize=7)
        ax.grid(alpha=0.3)
    fig.suptitle("Trade-offs: attacks against cost and civil liberties", fontsize=10)
    fig.tight_layout()
    return fig


def ranking(brief) -> Figure | None:
    """The sensitivity ranking: each outcome's index per factor with its interval, noise floor dashed (the first
    stratum; the tables give the others)."""
    if not brief.ranking:
        return None
    table = pd.DataFrame([r.__dict__ for r in brief.ranking])
    first = table["stratum"].iloc[0]
    table = table[table["stratum"] == first]
    outcomes = list(dict.fromkeys(table["outcome"]))
    fig = Figure(figsize=(WIDTH, 1.1 + 1.9 * ((len(outcomes) + 1) // 2)))
    axes = np.atleast_1d(fig.subplots((len(outcomes) + 1) // 2, 2)).ravel()
    for ax, outcome in zip(axes, outcomes, strict=False):
        rows = table[(table["outcome"] == outcome) & (table["factor"] != "dummy")].sort_values("value").tail(6)
        floor = table[(table["outcome"] == outcome) & (table["factor"] == "dummy")]["value"]
        scale = 12 / brief.months if outcome == "cost" and table["measure"].iloc[0] == "mu_star" else 1.0
        ax.barh(rows["label"], scale * rows["value"], xerr=scale * rows["conf"], color=COLOURS[0], alpha=0.8,
                capsize=2)
        if len(floor):
            ax.axvline(scale * float(floor.iloc[0]), color=COLOURS[1], linestyle="--", linewidth=1,
                       label="noise floor")
            ax.legend(fontsize=6, frameon=False, loc="lower right")
        ax.set_title(words.label(outcome) + (", Rs a year" if outcome == "cost" and
                                              table["measure"].iloc[0] == "mu_star" else ""), fontsize=9)
        ax.tick_params(labelsize=6.5)
    for ax in axes[len(outcomes):]:
        ax.set_visible(False)
    index = "average change when the lever moves a step" if table["measure"].iloc[0] == "mu_star" else \
        "share of the spread the lever explains"
    within = "" if first == "all" else f", {first}"
    fig.suptitle(f"Which levers move each outcome most ({index}{within}; 95% intervals)", fontsize=10)
    fig.tight_layout()
    return fig


def regional_map(brief) -> Figure | None:
    """The first scenario's change in attacks against the reference, at the districts' centroids: each district's own
    mean paired difference when the result holds district figures, otherwise its region's (and the title says so)."""
    if not brief.regions and brief.districts.empty:
        return None

    districts = load_districts()
    if not brief.districts.empty:
        scenario = brief.scenarios[1].name if len(brief.scenarios) > 1 else brief.regions[0].scenario
        values = districts["district_id"].map(brief.districts.set_index("district_id")["difference"]).astype(float)
        what = "each dot a district, coloured by its own change (average over the runs)"
    else:
        scenario = brief.regions[0].scenario
        change = {r.label: r.diff.difference for r in brief.regions if r.scenario == scenario}
        values = districts["region"].map(change).astype(float)
        what = "each dot a district, coloured by its region's change"
    limit = max(1.0, float(np.nanmax(np.abs(values))))
    fig = Figure(figsize=(WIDTH * 0.62, 3.6))
    ax = fig.add_subplot()
    dots = ax.scatter(districts["lon"], districts["lat"], c=values, cmap="RdBu_r", vmin=-limit, vmax=limit,
                      s=8 + 40 * np.sqrt(districts["area_km2"] / districts["area_km2"].max()),
                      edgecolors="#555555", linewidths=0.3)
    cbar = fig.colorbar(dots, ax=ax, shrink=0.8)
    cbar.set_label(f"change in attacks over {words.horizon(brief.months)}\n(blue: fewer)", fontsize=7)
    cbar.ax.tick_params(labelsize=7)
    ax.set_aspect("equal")
    ax.set_xlabel("longitude", fontsize=7)
    ax.set_ylabel("latitude", fontsize=7)
    ax.tick_params(labelsize=6)
    reference = words.in_sentence(_label(brief, brief.reference))
    ax.set_title(f"{_label(brief, scenario)}: change in attacks from {reference}\n({what})", fontsize=8)
    return fig


def all_charts(brief) -> dict[str, str]:
    """Every chart the brief can draw, as data URIs by name (charts without data are left out)."""
    out = {}
    for name, draw in (("attacks", attacks_over_time), ("difference", difference_over_time),
                       ("trade_offs", trade_offs), ("ranking", ranking), ("map", regional_map)):
        fig = draw(brief)
        if fig is not None:
            out[name] = png_data_uri(fig)
    return out
