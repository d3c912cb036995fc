"""Figures and tables: what a reader sees of a run, drawn from its frames."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ctsim.figures import save_figure
from ctsim.figures.charts import attacks_by_region_chart
from ctsim.figures.tables import markdown, number, percent, run_summary
from ctsim.scenarios.runner import run


def test_numbers_and_tables_read_as_a_person_writes_them():
    assert number(1234.5) == "1,234" or number(1234.5) == "1,235", "large values have separators and no decimals"
    assert number(0.12345) == "0.123", "small values keep three decimals"
    assert number(float("nan")) == "n/a" and percent(0.125) == "12.5%"
    table = pd.DataFrame({"value": [0.5, 2.0]}, index=pd.Index(["a|b", "c"], name="name"))
    text = markdown(table)
    assert text.splitlines()[0] == "| name | value |" and "a\\|b" in text, "a pipe in a cell is escaped"


def test_a_run_is_summarised_and_drawn_from_its_own_frames(tmp_path):
    result = run("baseline", seed=2, months=12, history=False)
    summary = run_summary(result)
    attacks = int(result.national["attacks"].sum())
    assert f"{attacks:,}" in summary, "the summary reports the run's own attack total"
    assert "point calibration" in summary, "the summary names the parameter set it used"
    fig = attacks_by_region_chart(result)
    ax = fig.axes[0]
    stacked = np.sum([np.asarray(c.get_paths()[0].vertices)[:, 1].max() for c in ax.collections[:1]])
    assert stacked > 0 and "baseline" in ax.get_title(), "the chart stacks the run's attacks and names the scenario"
    path = save_figure(fig, tmp_path / "chart.png")
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", "the chart is written as PNG"
    assert not list(tmp_path.glob(".*tmp*")), "no temporary file is left behind"
