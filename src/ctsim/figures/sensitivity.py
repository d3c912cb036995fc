"""The sensitivity study's tables and charts, written into its folder: the ranking (CSV and Markdown), Sobol bars
with intervals or Morris mu*-sigma, and a rank-probability heat map, per stratum and outcome; and the ranking of
every lever (``ctsim rank``): its chart, its short table and its publication in docs/; and the chart of a scenario
discovery (``ctsim discover``)."""

from __future__ import annotations

import math
import textwrap
from pathlib import Path

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from ctsim.analysis.discovery import words as discovery_words
from ctsim.analysis.discovery.study import Discovery
from ctsim.analysis.sensitivity.harness import DUMMY
from ctsim.analysis.sensitivity.ranking import ASSUMPTION, LEVER, SHARES
from ctsim.analysis.sensitivity.ranking_study import RankingResult
from ctsim.analysis.sensitivity.study import StudyResult, parameters_line
from ctsim.declarations import registry
from ctsim.declarations.levers import LEVERS_BY_NAME
from ctsim.declarations.outputs import OUTPUTS_BY_NAME
from ctsim.experiments.design import ExperimentError
from ctsim.figures import save_figure
from ctsim.figures.charts import morris_chart, rank_probability_chart, sobol_chart
from ctsim.figures.tables import cell, markdown
from ctsim.inputs import inside
from ctsim.scenarios.files import Scenario
from ctsim.storage import write_text
from ctsim.storage.blocks import has_block, markers, replace_block


def write_outputs(result: StudyResult, folder: Path) -> list[Path]:
    """Ranking tables (CSV and Markdown) and charts: Sobol bars with intervals or Morris mu*-sigma, and a
    rank-probability heat map, per stratum and outcome."""
    folder.mkdir(parents=True, exist_ok=True)
    where = str(result.study.path)

    def under(path: Path) -> Path:  # every file the study writes lies under its folder
        return inside(folder, path, where, ExperimentError)

    written = []
    table = result.ranking_table()
    write_text(folder / "ranking.csv", table.to_csv(index=False))
    written.append(folder / "ranking.csv")
    study = result.study
    lines = [f"# Sensitivity: {study.name}", "",
             f"Method: {study.method}, N = {study.n}, {study.replications} replication(s) per point, {study.runs} "
             f"runs; horizon {study.months} months {_after_history(study.scenario)}.",
             "", parameters_line(result.study), ""]
    for (stratum, outcome), res in result.results.items():
        slug = f"{outcome}__{stratum}".replace(", ", "__").replace("=", "-")
        lines += [f"## {outcome} ({stratum})", "", markdown(res.ranking()), ""]
        chart = under(folder / f"{res.method}_{slug}.png")
        save_figure((sobol_chart if res.method == "sobol" else morris_chart)(res, f"{outcome} ({stratum})"), chart)
        heat = under(folder / f"rank_probability_{slug}.png")
        save_figure(rank_probability_chart(res, f"{outcome} ({stratum})"), heat)
        written += [chart, heat]
    write_text(folder / "ranking.md", "\n".join(lines) + "\n")
    written.append(folder / "ranking.md")
    return written


# --- the ranking of every lever (ctsim rank) ------------------------------------------------------------------------

SHARE_WORDS = {"levers": "levers", "levers x assumed values": "levers with assumed values",
               "assumed values": "assumed values", "calibrated parameters": "calibrated parameters",
               "chance": "chance"}
ORDINALS = ("1st", "2nd", "3rd")


def ranking_chart(result: RankingResult) -> Figure:
    """The levers ranked by total Sobol index, with 95% intervals and the noise floor, one panel per outcome; the
    groups of assumed values in grey; a last panel with each outcome's variance apportioned to groups."""
    outcomes = list(result.outcomes)
    columns = 2
    rows = math.ceil((len(outcomes) + 1) / columns)
    height = max(3.0, 0.24 * len(next(iter(result.outcomes.values())).pooled.table) + 1.2)
    fig = Figure(figsize=(13, height * rows), dpi=100)
    axes = fig.subplots(rows, columns, squeeze=False).ravel()
    for ax, outcome in zip(axes, outcomes, strict=False):
        res = result.outcomes[outcome]
        table = res.ranking()
        floor, floor_conf = float(table.loc[DUMMY, "ST"]), float(table.loc[DUMMY, "ST_conf"])
        assumed = table[table["role"] == ASSUMPTION]
        table = table[table["role"] == LEVER]
        y = np.arange(len(table))[::-1]
        ax.barh(y, table["ST"].clip(lower=0), xerr=table["ST_conf"], color="#1f77b4", capsize=2,
                error_kw={"linewidth": 0.8})
        ax.axvspan(0, max(floor + floor_conf, 0), color="#f4cccc", alpha=0.6, linewidth=0)
        ax.axvline(max(floor, 0), color="#c00000", linestyle="--", linewidth=1)
        ax.set_yticks(y, [_short(label) for label in table["label"]], fontsize=7)
        right = max(float((table["ST"] + table["ST_conf"]).max()), floor + floor_conf, 1e-6) * 1.3
        for yy, (_, row) in zip(y, table.iterrows(), strict=True):
            if row["top3_probability"] >= 0.05:
                ax.annotate(f"top 3: {row['top3_probability']:.0%}", (row["ST"] + row["ST_conf"], yy), fontsize=6,
                            xytext=(3, -2), textcoords="offset points")
        ax.set_xlim(0, right)
        ax.set_xlabel("share of the spread a lever explains, alone or with others (total Sobol index)", fontsize=7)
        together = "; ".join(f"{r['label'].split(' (')[0].lower()} {_interval(r)}" for _, r in assumed.iterrows())
        ax.set_title(f"{_outcome_label(outcome)} over {_years(result.study.months)}"
                     + (f"\n{together}" if together else ""), fontsize=8)
        ax.grid(axis="x", alpha=0.3)
    _shares_panel(axes[len(outcomes)], result)
    for ax in axes[len(outcomes) + 1:]:
        ax.set_visible(False)
    fig.suptitle(textwrap.fill(
        f"Which levers matter: {result.study.runs:,} runs, Sobol N = 2 x {result.study.n}, "
        f"{result.study.replications} replication(s) per setting; bars: 95% intervals; red dashed line and band: the "
        f"noise floor (a stand-in that changes nothing but chance); under each title, the assumed values' index, "
        f"together. Model {result.fingerprint}.", 150), fontsize=8)
    fig.tight_layout(rect=(0, 0, 1, 0.96))
    return fig


def _years(months: int) -> str:
    return f"{months // 12} years" if months % 12 == 0 and months >= 24 else f"{months} months"


def _after_history(scenario: Scenario) -> str:
    """Where the horizon starts, in words: "after the 2022-2024 history" (the years the scenario's history covers),
    so that a ranking computed after a longer history says so."""
    if scenario.history is None:
        return "from the scenario's start"
    return f"after the {scenario.history.years} history"


def _short(label: str) -> str:
    return label if len(label) <= 42 else label[:40] + "..."


def _outcome_label(outcome: str) -> str:
    declared = OUTPUTS_BY_NAME.get(outcome)
    return declared.label if declared else outcome


def _shares_panel(ax, result: RankingResult) -> None:
    """Stacked bars: each outcome's single-run variance apportioned to groups."""
    outcomes = list(result.outcomes)
    left = np.zeros(len(outcomes))
    y = np.arange(len(outcomes))[::-1]
    for k, component in enumerate(SHARES):
        values = np.array([max(0.0, float(result.outcomes[o].shares.loc[component, "share"])) for o in outcomes])
        ax.barh(y, values, left=left, label=SHARE_WORDS[component], color=f"C{k}")
        left += values
    ax.set_yticks(y, [_outcome_label(o) for o in outcomes], fontsize=7)
    ax.set_xlabel("share of a single run's variance", fontsize=7)
    ax.set_title("Where the spread comes from", fontsize=9)
    ax.legend(fontsize=6, loc="lower right")
    ax.set_xlim(0, max(1.0, float(left.max())))


def _interval(row) -> str:
    return f"{row['ST']:.2f} [{max(0.0, row['ST'] - row['ST_conf']):.2f}, {row['ST'] + row['ST_conf']:.2f}]"


def ranking_markdown(result: RankingResult) -> str:
    """The short table docs/sensitivity.md shows: per outcome the top three levers with their intervals and
    top-three probabilities, the noise floor, convergence, agreement and the variance groups; then where the
    categorical levers rank."""
    study, outcomes = result.study, list(result.outcomes)
    lines = [f"Computed on model fingerprint `{result.fingerprint}`, commit `{result.commit[:12]}` "
             f"({study.parameters.label()}); "
             f"Sobol N = {study.n} x 2 independent samples, {study.replications} replication(s) per setting, "
             f"{study.runs:,} runs of {_years(study.months)} {_after_history(study.scenario)}; the whole table is "
             f"[ranking.csv](ranking.csv), the chart [figures/ranking.png](figures/ranking.png).", "",
             "Index: the share of the outcome's spread a lever explains, alone or with others (total Sobol index, "
             "95% interval); *top three*: how often it is among the three largest in 500 bootstrap resamples.", "",
             "| | " + " | ".join(_outcome_label(o) for o in outcomes) + " |", "|---|" + "---|" * len(outcomes)]
    rankings = {o: result.outcomes[o].ranking() for o in outcomes}
    for k, ordinal in enumerate(ORDINALS):
        cells = []
        for o in outcomes:
            levers = rankings[o][rankings[o]["role"] == LEVER]
            row = levers.iloc[k]
            cells.append(f"{cell(row['label'])} {_interval(row)}, top three {row['top3_probability']:.0%}")
        lines.append(f"| {ordinal} | " + " | ".join(cells) + " |")
    checks = {
        "noise floor (ratio to the top lever; passes below 0.1)": lambda r: (
            f"{r.noise().floor:.3f} ({r.noise().ratio:.2f}{'' if r.noise().passes else ', fails'})"),
        "indices at N and 2N agree": lambda r: f"{int(r.convergence()['agrees'].sum())} of {len(r.convergence())}",
        "two independent samples agree (Spearman)": lambda r: _rho(r.agreements()["two independent samples"]),
        "point calibration and posterior agree (Spearman)": lambda r: _rho(
            r.agreements().get("point calibration and posterior")),
        "spread: levers / with assumed values / assumed values / calibrated parameters / chance": lambda r: " / ".join(
            "n/a" if math.isnan(v) else f"{100 * max(0.0, v):.0f}%" for v in r.shares["share"]),
    }
    for name, make in checks.items():
        lines.append(f"| {name} | " + " | ".join(make(result.outcomes[o]) for o in outcomes) + " |")
    categorical = [g.name for g in study.design.groups if g.role == LEVER and
                   registry.factor(g.name).kind in ("choice", "bool")]
    if categorical:
        count = sum(g.role == LEVER for g in study.design.groups)
        lines += ["", f"Where the choices rank among the {count} levers (rank, index [95% interval]):", "",
                  "| choice | " + " | ".join(_outcome_label(o) for o in outcomes) + " |",
                  "|---|" + "---|" * len(outcomes)]
        for name in categorical:
            cells = []
            for o in outcomes:
                levers = rankings[o][rankings[o]["role"] == LEVER]
                position = list(levers.index).index(name) + 1
                cells.append(f"{position}: {_interval(levers.loc[name])}")
            lines.append(f"| {cell(LEVERS_BY_NAME[name].label)} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _rho(agreement) -> str:
    if agreement is None:
        return "not run"
    return f"{agreement.rho:.2f} [{agreement.low:.2f}, {agreement.high:.2f}]"


def write_ranking_outputs(result: RankingResult, folder: Path) -> list[Path]:
    """The study's tables (CSV), its Markdown summary and its chart, in its folder."""
    folder.mkdir(parents=True, exist_ok=True)
    tables = {"ranking.csv": result.ranking_table(), "shares.csv": result.shares_table(),
              "convergence.csv": result.convergence_table(), "agreement.csv": result.agreement_table(),
              "noise.csv": result.noise_table()}
    written = [write_text(folder / name, table.to_csv(index=False)) for name, table in tables.items()]
    text = f"# Ranking: {result.study.name}\n\n{ranking_markdown(result)}\n"
    written.append(write_text(folder / "ranking.md", text))
    written.append(save_figure(ranking_chart(result), folder / "ranking.png"))
    return written


BLOCK = "ranking"


def publish_ranking(result: RankingResult, csv: Path, chart: Path, page: Path) -> list[Path]:
    """Publish the ranking: the whole table with the model fingerprint (``csv``, which the docs check compares with
    the model), the chart, and the short table in the generated block of ``page``.

    Raises:
        ExperimentError: when ``page`` has no generated block for the ranking.
    """
    text = page.read_text(encoding="utf-8")
    if not has_block(text, BLOCK):
        begin, end = markers(BLOCK)
        raise ExperimentError(f"{page}: no block '{begin}' ... '{end}' to hold the ranking")
    table = result.ranking_table().assign(model_fingerprint=result.fingerprint, commit=result.commit,
                                          parameters=result.study.parameters.mode)
    written = [write_text(csv, table.to_csv(index=False)), save_figure(ranking_chart(result), chart)]
    body = ranking_markdown(result)
    written.append(write_text(page, replace_block(text, BLOCK, body)))
    return written


# --- scenario discovery (ctsim discover) ---------------------------------------------------------------------------

def discovery_chart(discovery: Discovery) -> Figure:
    """Left: the first box's peeling trajectory, coverage against density (the trade-off PRIM walks), the chosen box
    ringed. Right: the cases on the first box's two leading inputs, failures in red, the box drawn."""
    fig = Figure(figsize=(11, 4.5), dpi=100)
    left, right = fig.subplots(1, 2)
    noun, verb = discovery_words.outcome_words(discovery.cases.outcome)
    if not discovery.boxes:
        left.text(0.5, 0.5, "no box", ha="center", va="center")
        right.set_visible(False)
        return fig
    box = discovery.boxes[0]
    trajectory = box.trajectory
    points = left.scatter(trajectory["coverage"], trajectory["density"], c=trajectory["res_dim"], cmap="viridis",
                          s=14)
    left.scatter([box.coverage], [box.density], s=120, facecolors="none", edgecolors="#c00000", linewidths=1.5,
                 label="the box chosen")
    fig.colorbar(points, ax=left, label="inputs restricted")
    left.set_xlabel("coverage: share of all failures in the box")
    left.set_ylabel("density: share of the box's cases that fail")
    left.set_title("Coverage against density along PRIM's peeling", fontsize=9)
    left.legend(fontsize=7)
    left.grid(alpha=0.3)
    numeric = [r for r in box.restrictions if r.levels is None]
    inputs = discovery.cases.inputs
    if len(numeric) >= 1:
        a = numeric[0]
        b = numeric[1] if len(numeric) > 1 else None
        x = inputs[a.name].to_numpy(dtype=float)
        y = inputs[b.name].to_numpy(dtype=float) if b else discovery.cases.difference
        failed = discovery.cases.failed
        right.scatter(x[~failed], y[~failed], s=8, color="#1f77b4", alpha=0.6, label="works")
        right.scatter(x[failed], y[failed], s=8, color="#c00000", alpha=0.7, label=f"fails to {verb} {noun}")
        x0, x1 = (a.low if a.low is not None else x.min()), (a.high if a.high is not None else x.max())
        if b:
            y0, y1 = (b.low if b.low is not None else y.min()), (b.high if b.high is not None else y.max())
        else:
            y0, y1 = y.min(), y.max()
        right.add_patch(Rectangle((x0, y0), x1 - x0, y1 - y0, fill=False, edgecolor="black", linewidth=1.2))
        right.set_xlabel(_axis(a.name), fontsize=8)
        right.set_ylabel(_axis(b.name) if b else f"change in {noun} against {discovery.reference_label}", fontsize=8)
        right.legend(fontsize=7)
    else:
        right.set_visible(False)
    right.set_title(textwrap.fill(f"{discovery.policy_label}: the first box", 70), fontsize=9)
    fig.tight_layout()
    return fig


def _axis(name: str) -> str:
    measure = discovery_words.unit(name)
    return textwrap.fill(discovery_words.label(name) + (f" ({measure})" if measure else ""), 60)
