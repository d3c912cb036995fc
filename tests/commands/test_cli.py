"""Scenario files and the command line: clear one-line errors with exit 2, and a full run's outputs."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from ctsim.cli import main
from ctsim.scenarios.files import ScenarioError, load_scenario

ROOT = Path(__file__).resolve().parents[2]
BASELINE = ROOT / "scenarios" / "baseline.toml"


def write(tmp_path, text, name="s.toml"):
    path = tmp_path / name
    path.write_text(text)
    return path


@pytest.mark.parametrize("text, expected", [
    ("[run]\nmonths = 12\n[levers]\nct_leed = 'police'\n",
     "key 'levers.ct_leed': unknown lever; did you mean 'ct_lead'?"),
    ("[levers]\nct_lead = 'navy'\n", "key 'levers.ct_lead': 'ct_lead' must be one of military, rangers, police"),
    ("[levers]\nmadrasa_reform = 2.0\n", "key 'levers.madrasa_reform'"),
    ("[levers]\ncentral_ctd = 'yes'\n", "must be true or false"),
    ("[run]\nmonths = 'ten'\n", "key 'run.months' must be a whole number"),
    ("[run]\nmonths = 0\n", "key 'run.months' = 0 is outside the valid range [1, 600]"),
    ("[run]\nstart = '2024-13'\n", "key 'run.start' must be a month written YYYY-MM"),
    ("[run]\nstrat = '2024-01'\n", "unknown key 'run.strat'; did you mean 'start'?"),
    ("[lever]\nct_lead = 'police'\n", "unknown key 'lever'; did you mean 'levers'?"),
    ("[uncertainties]\nhit_fraction = 3\n", "key 'uncertainties.hit_fraction'"),
    ("[uncertainties]\nhit_fracton = 0.3\n", "did you mean 'hit_fraction'?"),
    ("levers = 3\n", "key 'levers' must be a table"),
    ("[run\n", "not valid TOML"),
])
def test_bad_scenarios_give_errors_naming_file_and_key(tmp_path, text, expected):
    path = write(tmp_path, text)
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    assert str(path) in str(err.value) and expected in str(err.value)


def test_missing_file(tmp_path):
    with pytest.raises(ScenarioError, match="file not found"):
        load_scenario(tmp_path / "absent.toml")


def test_cli_error_is_one_line_exit_2_no_traceback(tmp_path):
    path = write(tmp_path, "[levers]\nct_leed = 'police'\n")
    proc = subprocess.run([sys.executable, "-m", "ctsim.cli", "run", str(path)], capture_output=True, text=True,
                          cwd=tmp_path)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and str(path) in lines[0] and "levers.ct_leed" in lines[0]


def test_cli_usage_and_validate_statuses(tmp_path, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["run"])
    assert exc.value.code == 2
    bad = write(tmp_path, "[run]\nseed = -1\n")
    assert main(["validate", str(BASELINE)]) == 0
    assert main(["validate", str(BASELINE), str(bad)]) == 2
    err = capsys.readouterr().err
    assert "run.seed" in err and "Traceback" not in err
    assert main(["run", str(BASELINE), "--months", "0"]) == 2
    assert main(["run", str(tmp_path / "nope.toml")]) == 2


def test_cli_run_writes_series_manifest_and_chart(tmp_path, capsys):
    out = tmp_path / "results"
    assert main(["run", str(BASELINE), "--months", "24", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "National, per year" in printed and "Attacks by region" in printed and "KP (settled districts)" in printed
    folders = list((out / "baseline").iterdir())
    assert len(folders) == 1
    folder = folders[0]
    names = {p.name for p in folder.iterdir()}
    assert {"monthly_national.parquet", "monthly_regions.parquet", "recruits_by_stratum.parquet", "annual.csv",
            "summary.json", "manifest.json", "attacks_by_region.png"} <= names
    assert not any(n.startswith(".") for n in names), "no temporary files left behind"
    national = pd.read_parquet(folder / "monthly_national.parquet")
    regional = pd.read_parquet(folder / "monthly_regions.parquet")
    assert len(national) == 24 and len(regional) == 24 * 8
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["seed"] == 20250101 and manifest["months"] == 24
    assert len(manifest["scenario_sha256"]) == 64 and manifest["packages"]["mesa"] == "3.3.1"
    assert manifest["git_commit"]
    assert (folder / "attacks_by_region.png").read_bytes()[:4] == b"\x89PNG"
