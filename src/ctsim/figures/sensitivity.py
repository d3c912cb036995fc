"""The sensitivity study's tables and charts, written into its folder: the ranking (CSV and Markdown), Sobol bars
with intervals or Morris mu*-sigma, and a rank-probability heat map, per stratum and outcome."""

from __future__ import annotations

from pathlib import Path

from ctsim.analysis.sensitivity.study import StudyResult, parameters_line
from ctsim.experiments.design import ExperimentError
from ctsim.figures import save_figure
from ctsim.figures.charts import morris_chart, rank_probability_chart, sobol_chart
from ctsim.figures.tables import markdown
from ctsim.inputs import inside
from ctsim.storage import write_text


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
    lines = [f"# Sensitivity: {result.study.name}", "",
             f"Method: {result.study.method}, N = {result.study.n}, {result.study.replications} replication(s) per "
             f"point, {result.study.runs} runs; horizon {result.study.months} months after the 2013-2024 history.",
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
