"""The scenario library: every file opens with its purpose, validates and runs; the comparison works."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from ctsim.analysis.compare import compare
from ctsim.cli import main
from ctsim.scenarios.files import load_scenario
from ctsim.scenarios.runner import run

SCENARIOS = sorted((Path(__file__).resolve().parents[2] / "scenarios").glob("*.toml"))
REQUIRED = {"baseline", "civilian_led", "madrasa_reform", "nacta_relocation", "justice_reform",
            "merged_districts_development", "counter_narrative", "kinetic_surge", "whole_of_government",
            "azm_e_istehkam", "policy_discontinuity", "nap_2014_partial"}


def test_library_holds_the_required_scenarios():
    assert {p.stem for p in SCENARIOS} >= REQUIRED


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_scenario_opens_with_purpose_assumptions_sources_and_runs(path):
    text = path.read_text()
    assert text.startswith("#"), "a scenario file opens with a comment"
    header = text.split("\n\n")[0] + text
    for word in ("Purpose:", "Assumptions", "Sources:"):
        assert word in header, f"{path.name} must state its {word.rstrip(':')}"
    scenario = load_scenario(path)
    result = run(scenario, months=scenario.spin_up_months + 12)  # months count from the start, a spin-up's too
    assert len(result.national) == 12 and result.summary["attacks"] > 0


def test_kinetic_surge_schedule_fires_at_month_25():
    scenario = load_scenario(next(p for p in SCENARIOS if p.stem == "kinetic_surge"))
    assert {(e.month, e.lever) for e in scenario.schedule} >= {(25, "ct_lead"), (25, "military_formations")}
    assert scenario.policy().military_formations == 20


def test_comparing_a_scenario_with_itself_gives_zero_differences():
    base = load_scenario(next(p for p in SCENARIOS if p.stem == "baseline"))
    result = compare([base, base], replications=3, months=12, progress=False)
    assert list(result.differences["scenario"].unique()) == ["baseline-2"], "a repeated name gets a suffix"
    assert (result.differences["difference"] == 0).all(), "common random numbers: identical runs, zero difference"
    assert (result.differences["ci90_low"] == 0).all() and (result.differences["ci90_high"] == 0).all()


def test_compare_cli_writes_table_chart_and_csv(tmp_path, capsys):
    scenarios = {p.stem: p for p in SCENARIOS}
    code = main(["compare", str(scenarios["baseline"]), str(scenarios["justice_reform"]), "--replications", "3",
                 "--months", "24", "--out", str(tmp_path)])
    assert code == 0
    out = capsys.readouterr().out
    assert "== Five times today's prosecution capacity ==" in out and "90% interval" in out, \
        "each policy headed by its own description, with intervals"
    folder = next((tmp_path / "compare").iterdir())
    names = {p.name for p in folder.iterdir()}
    assert {"differences.csv", "runs.csv", "monthly_attacks.parquet", "attacks_bands.png", "manifest.json"} <= names
    import pandas as pd

    table = pd.read_csv(folder / "differences.csv")
    assert set(table["scenario"]) == {"justice_reform"} and len(table) >= 10
    assert np.all(table["ci90_low"] <= table["difference"]) and np.all(table["difference"] <= table["ci90_high"])


def test_compare_parallel_matches_serial():
    scenarios = [load_scenario(next(p for p in SCENARIOS if p.stem == name))
                 for name in ("baseline", "nacta_relocation")]
    serial = compare(scenarios, replications=2, months=12, progress=False)
    parallel = compare(scenarios, replications=2, months=12, jobs=2, progress=False)
    assert serial.runs.equals(parallel.runs), "worker processes must reproduce the serial runs bit for bit"


def test_compare_rejects_mismatched_horizons(tmp_path, capsys):
    short = tmp_path / "short.toml"
    short.write_text('[run]\nstart = "2025-01"\nmonths = 12\n')
    base = next(p for p in SCENARIOS if p.stem == "baseline")
    assert main(["compare", str(base), str(short), "--replications", "2"]) == 2
    assert "run.months" in capsys.readouterr().err
