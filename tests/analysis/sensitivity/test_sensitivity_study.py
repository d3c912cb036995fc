"""Sensitivity studies of ctsim: files, runs through the batch runner, strata, outputs, broken designs."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from ctsim.analysis.sensitivity.study import analyse_study, load_study
from ctsim.cli import main
from ctsim.experiments.design import ExperimentError

ROOT = Path(__file__).resolve().parents[3]
BASE = ROOT / "scenarios" / "baseline.toml"


def study_file(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "study.toml"
    path.write_text(f'scenario = "{BASE}"\nmonths = 6\nseed = 3\n' + body)
    return path


def test_morris_study_with_strata_runs_end_to_end(tmp_path, capsys):
    path = study_file(tmp_path, 'method = "morris"\nn = 2\noutcomes = ["attacks", "cost"]\n[factors]\n'
                                'police_capacity = []\nsanctuary_strength = [0.2, 0.8]\n[strata]\n'
                                'ct_lead = ["military", "police"]\n')
    assert main(["sensitivity", str(path), "--out", str(tmp_path / "out"), "--executor", "serial"]) == 0
    out = capsys.readouterr().out
    assert "morris sensitivity" in out and "N = 2" in out and "noise floor" in out
    table = pd.read_csv(tmp_path / "out" / "ranking.csv")
    assert set(table["stratum"]) == {"ct_lead=military", "ct_lead=police"}
    assert set(table["factor"]) == {"police_capacity", "sanctuary_strength", "dummy"}
    dummy = table[(table["factor"] == "dummy") & (table["outcome"] == "attacks")]
    assert (dummy["mu_star"] > 0).all(), "the dummy reshuffles the random streams: its effect on attacks is noise"
    names = {p.name for p in (tmp_path / "out").iterdir()}
    assert "ranking.md" in names and any(n.startswith("morris_attacks") for n in names)
    assert "horizon 6 months after the 2013-2024 history." in (tmp_path / "out" / "ranking.md").read_text(), \
        "the page should place the horizon after the history the study's scenario runs (baseline: 2013-2024)"
    assert any(n.startswith("rank_probability_cost") for n in names)
    assert main(["sensitivity", str(path), "--out", str(tmp_path / "out"), "--executor", "serial"]) == 0, \
        "a rerun resumes the finished batch and analyses again"


def test_sobol_study_and_its_design(tmp_path):
    path = study_file(tmp_path, 'method = "sobol"\nn = 4\noutcomes = ["attacks"]\nreplications = 2\n[factors]\n'
                                'prosecution_capacity = [1.0, 5.0]\n')
    study = load_study(path)
    assert study.runs == 4 * (2 + 2) * 2
    experiment = study.experiment()
    assert experiment.n_runs == study.runs and all(1.0 <= p["prosecution_capacity"] <= 5.0
                                                   for p in experiment.points)
    from ctsim.experiments.batch import BatchOptions, run_batch
    from ctsim.experiments.results import load

    run_batch(experiment, tmp_path / "runs", BatchOptions(executor="serial", progress=False))
    result = analyse_study(study, load(tmp_path / "runs"))
    indices = result.results[("all", "attacks")].indices
    assert {"S1", "S1_conf", "ST", "ST_conf"} <= set(indices.columns)

    runs = load(tmp_path / "runs")
    runs.loc[runs["run_id"] == 3, "status"] = "failed"
    with pytest.raises(ExperimentError, match="breaks the sobol design: 3"):
        analyse_study(study, runs)


@pytest.mark.parametrize("body, expected", [
    ('method = "fast"\n[factors]\ndialogue = []\n', "key 'method' must be one of morris, sobol"),
    ('method = "sobol"\nn = 100\n[factors]\ndialogue = []\n', "must be a power of two"),
    ('method = "morris"\n[factors]\nct_lead = []\n', "put it under [strata]"),
    ('method = "morris"\n[factors]\ndialogue = [0.5, 2.0]\n', "key 'factors.dialogue'"),
    ('method = "morris"\n[factors]\ndialogue = []\n[strata]\ndialogue = [0.1]\n', "is numeric"),
    ('method = "morris"\noutcomes = ["atacks"]\n[factors]\ndialogue = []\n', "did you mean 'attacks'?"),
    ('method = "morris"\n', "key 'factors' must be a table"),
])
def test_bad_study_files(tmp_path, body, expected):
    path = study_file(tmp_path, body)
    with pytest.raises(ExperimentError) as err:
        load_study(path)
    assert str(err.value).startswith(str(path)) and expected in str(err.value)


def test_ready_made_studies_validate():
    morris = load_study(ROOT / "experiments" / "screen_levers_morris.toml")
    sobol = load_study(ROOT / "experiments" / "rank_levers_sobol.toml")
    assert morris.method == "morris" and morris.n >= 20 and "ct_lead" in morris.strata
    assert sobol.method == "sobol" and sobol.n & (sobol.n - 1) == 0 and "nacta_placement" in sobol.strata
