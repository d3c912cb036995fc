"""``ctsim report`` on results folders and outputs turned against the user (issue 38): a link planted at the brief's
temporary name, ``--out`` onto a FIFO, a link, a folder or under a missing folder, and tampered results (a file
missing, cut short, of the wrong type) each end in one line and exit status 2, with every target unchanged."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pandas as pd
import pytest

from ctsim.cli import main

SECRET = "the victim's content\n"


def copy(result: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "result"
    shutil.copytree(result, folder, symlinks=True)
    return folder


def one_line(capsys) -> str:
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err and "internal error" not in err, err
    return err


@pytest.fixture
def victim(tmp_path) -> Path:
    path = tmp_path / "victim.txt"
    path.write_text(SECRET)
    return path


def test_a_link_planted_at_the_briefs_temporary_name_is_not_written_through(compare_result, tmp_path, victim,
                                                                            capsys):
    folder = copy(compare_result, tmp_path)
    (folder / ".brief.html.tmp").symlink_to(victim)
    assert main(["report", str(folder)]) == 2
    assert ".brief.html.tmp: is a symbolic link" in one_line(capsys)
    assert victim.read_text() == SECRET and not (folder / "brief.html").exists()


@pytest.mark.parametrize("target", ["fifo", "link", "folder", "missing/brief.html"])
def test_out_onto_anything_but_a_new_or_regular_file_is_refused(compare_result, tmp_path, victim, capsys, target):
    out = tmp_path / target
    if target == "fifo":
        os.mkfifo(out)
    elif target == "link":
        out.symlink_to(victim)
    elif target == "folder":
        out.mkdir()
    before = sorted(p.name for p in tmp_path.iterdir())
    assert main(["report", str(compare_result), "--out", str(out)]) == 2
    line = one_line(capsys)
    assert "option '--out'" in line and str(out) in line, line
    assert sorted(p.name for p in tmp_path.iterdir()) == before, "nothing created: no .tmp, no folder"
    assert victim.read_text() == SECRET
    if target == "fifo":
        assert out.is_fifo()
    if target == "folder":
        assert list(out.iterdir()) == [], "no temporary file is left in the folder"


def _json(name: str, change) -> callable:
    def tamper(folder: Path) -> None:
        record = json.loads((folder / name).read_text())
        change(record)
        (folder / name).write_text(json.dumps(record))
    return tamper


def _table(name: str, change) -> callable:
    def tamper(folder: Path) -> None:
        path = folder / name
        frame = pd.read_csv(path) if path.suffix == ".csv" else pd.read_parquet(path)
        frame = change(frame)
        frame.to_csv(path, index=False) if path.suffix == ".csv" else frame.to_parquet(path)
    return tamper


def _cut(name: str) -> callable:
    def tamper(folder: Path) -> None:
        data = (folder / name).read_bytes()
        (folder / name).write_bytes(data[: len(data) // 2])
    return tamper


TAMPERING = {
    "compare: runs.csv missing": ("compare", "runs.csv", lambda f: (f / "runs.csv").unlink()),
    "compare: months as text": ("compare", "manifest.json", _json("manifest.json", lambda r: r.update(months="x"))),
    "compare: manifest cut short": ("compare", "manifest.json", _cut("manifest.json")),
    "compare: a scenario without a name": ("compare", "manifest.json",
                                           _json("manifest.json", lambda r: r["scenarios"][1].pop("name"))),
    "compare: differences without intervals": ("compare", "differences.csv",
                                               _table("differences.csv", lambda t: t.drop(columns="ci90_high"))),
    "compare: monthly cut short": ("compare", "monthly_attacks.parquet", _cut("monthly_attacks.parquet")),
    "batch: description cut short": ("batch", "batch.json", _cut("batch.json")),
    "batch: scenario index past the scenarios": ("batch", "design.parquet",
                                                 _table("design.parquet", lambda t: t.assign(scenario_index=9))),
    "batch: a factor as text": ("batch", "design.parquet",
                                _table("design.parquet", lambda t: t.assign(prosecution_capacity="high"))),
    "batch: a part cut short": ("batch", "parts/part-000000.parquet", _cut("parts/part-000000.parquet")),
    "sensitivity: rank as text": ("sensitivity", "ranking.csv",
                                  _table("ranking.csv", lambda t: t.assign(rank="first"))),
    "sensitivity: runs' description missing a key": ("sensitivity", "runs/batch.json",
                                                     _json("runs/batch.json", lambda r: r.pop("scenarios"))),
}


@pytest.mark.parametrize("case", TAMPERING, ids=list(TAMPERING))
def test_a_tampered_result_is_one_line_naming_the_file(request, tmp_path, capsys, case):
    kind, name, tamper = TAMPERING[case]
    fixture = {"compare": "compare_result", "batch": "batch_result", "sensitivity": "morris_result"}[kind]
    folder = copy(request.getfixturevalue(fixture), tmp_path)
    tamper(folder)
    assert main(["report", str(folder), "--out", str(tmp_path / "brief.html")]) == 2
    line = one_line(capsys)
    assert str(folder / name) in line or (name == "runs.csv" and "not a result" in line), line
    assert not (tmp_path / "brief.html").exists()


def test_a_scenario_file_a_result_names_is_shown_only_if_it_is_a_scenario(compare_result, tmp_path, capsys):
    secret = tmp_path / "credentials.toml"
    secret.write_text('SECRET_API_KEY = "sk-LIVE-0123"\n')
    folder = copy(compare_result, tmp_path)
    _json("manifest.json", lambda r: r["scenarios"][1].update(files=[str(secret)]))(folder)
    assert main(["report", str(folder), "--out", str(tmp_path / "brief.html")]) == 0
    html = (tmp_path / "brief.html").read_text()
    assert "not a ctsim scenario file" in html, "the brief says the named file could not be read"
    assert "SECRET_API_KEY" not in html and "sk-LIVE" not in html, "nothing of the file reaches the brief"


def test_a_result_that_does_not_record_its_version_says_so(compare_result, tmp_path):
    folder = copy(compare_result, tmp_path)
    _json("manifest.json", lambda r: r.pop("ctsim_version"))(folder)
    assert main(["report", str(folder), "--out", str(tmp_path / "brief.html")]) == 0
    assert "not recorded in the result (this report was made with ctsim" in (tmp_path / "brief.html").read_text()
