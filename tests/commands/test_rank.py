"""``ctsim rank``: the dry run counts and estimates before anything runs; mistakes are one line, exit 2."""

from __future__ import annotations

from pathlib import Path

import pytest

from ctsim.analysis.sensitivity.ranking_study import load_ranking_study
from ctsim.cli import main
from ctsim.declarations import registry

ROOT = Path(__file__).resolve().parents[2]
STUDY = ROOT / "experiments" / "rank_levers.toml"


def test_the_dry_run_prints_the_runs_and_the_time_and_creates_nothing(tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["rank", str(STUDY), "--point", "--dry-run", "--out", str(out), "--workers", "2"]) == 0
    printed = capsys.readouterr().out
    study = load_ranking_study(STUDY)
    # Rows per base sample: SALib's A, one per group (each lever, the assumed effect sizes, the assumed prices, the
    # noise floor) and B, then the levers together; every run simulates the scenario's history, then the horizon.
    rows = 1 + (len(registry.levers()) + 3) + 1 + 1
    history = study.scenario.history_months
    runs = 2 * study.n * rows * study.replications  # --point: the two samples, no point-calibration design
    assert f"{runs:,} runs of {history + study.months} months" in printed, \
        f"two samples of N = {study.n}, {rows} rows each, {study.replications} replications, history included"
    assert "roughly" in printed and "min on 2 worker(s)" in printed and "Dry run: nothing was run" in printed
    assert not out.exists(), "a dry run creates nothing"
    assert main(["rank", str(STUDY), "--point", "--dry-run", "--quick", "--out", str(out)]) == 0
    quick = study.quick
    assert f"{2 * quick['n'] * rows * quick['replications']:,} runs of {history + quick['months']} months" in \
        capsys.readouterr().out, "the [quick] design: its N, replications and months, history included"


@pytest.mark.parametrize(("args", "expected"), [
    (["--quick", "--publish"], "option '--publish' publishes the full study only"),
    (["--resamples", "5"], "option '--resamples' = 5 is outside [20, 100000]"),
    (["--workers", "0"], "option '--workers' = 0 is outside"),
    (["--scheduler", "http://x"], "option '--scheduler'"),
])
def test_bad_options_are_one_line_exit_2(args, expected, capsys):
    assert main(["rank", str(STUDY), "--point", "--dry-run", *args]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and expected in err and "rank_levers.toml" in err, err


@pytest.mark.parametrize(("body", "expected"), [
    ("n = 100\n", "key 'n' = 100 must be a power of two"),
    ('scenario = "nowhere.toml"\n', "nowhere.toml"),
    ("seed = -1\n", "key 'seed' = -1 is outside the valid range"),
])
def test_bad_study_files_are_one_line_naming_the_file_and_key(tmp_path, body, expected, capsys):
    path = tmp_path / "study.toml"
    text = f'scenario = "{ROOT / "scenarios" / "baseline.toml"}"\n' if "scenario" not in body else ""
    path.write_text(text + body)
    assert main(["rank", str(path), "--point", "--dry-run"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and str(path) in err and expected in err, err
    assert main(["rank", str(tmp_path / "absent.toml"), "--point", "--dry-run"]) == 2
    assert "absent.toml" in capsys.readouterr().err
