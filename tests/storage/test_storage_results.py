"""The one validated loader of results folders (issue 38): a folder read back as written, and every file missing,
cut short, of the wrong type, linked or replaced by a FIFO refused with one line naming the file, never a KeyError.
The folders here are small ones written the way ctsim writes them; tests/report/test_brief_tampered.py tampers with
real results and runs ``ctsim report`` on them."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from ctsim.storage import ResultsError, read_batch, read_compare, read_sensitivity, result_kind

NAMES = ["baseline", "police_first"]


def make_compare(folder: Path) -> Path:
    folder.mkdir(parents=True)
    manifest = {"ctsim_version": "0.5", "git_commit": None, "scenarios": [{"name": n, "files": [f"{n}.toml"],
                                                                          "sha256": "ab"} for n in NAMES],
                "start": "2025-01", "months": 24, "replications": 2, "root_seed": 1, "confidence": 0.9,
                "parameters": {"mode": "point"}, "packages": {"mesa": "3.3.1"}}
    (folder / "manifest.json").write_text(json.dumps(manifest))
    pd.DataFrame({"scenario": [n for n in NAMES for _ in range(2)], "replication": [0, 1, 0, 1],
                  "attacks": [10.0, 12.0, 9.0, 11.0], "deaths": [5.0, 6.0, 4.0, 5.0]}).to_csv(folder / "runs.csv",
                                                                                          index=False)
    pd.DataFrame({"scenario": ["police_first"] * 2, "outcome": ["attacks", "deaths"], "better": ["lower"] * 2,
                  "reference_mean": [11.0, 5.5], "scenario_mean": [10.0, 4.5], "difference": [-1.0, -1.0],
                  "ci90_low": [-2.0, -2.0], "ci90_high": [0.0, 0.0], "replications": [2, 2]}).to_csv(
        folder / "differences.csv", index=False)
    months = pd.to_datetime(["2025-01-01", "2025-02-01"])
    pd.DataFrame({"month": list(months) * 4, "attacks": [1.0] * 8,
                  "scenario": [n for n in NAMES for _ in range(4)], "replication": [0, 0, 1, 1] * 2}).to_parquet(
        folder / "monthly_attacks.parquet")
    pd.DataFrame({"scenario": [n for n in NAMES for _ in range(2)], "replication": [0, 1, 0, 1],
                  "district_id": ["PK-1"] * 4, "attacks": [1.0] * 4}).to_parquet(folder / "district_attacks.parquet")
    return folder


def make_batch(folder: Path) -> Path:
    (folder / "parts").mkdir(parents=True)
    (folder / "monthly").mkdir()
    info = {"experiment": "tiny", "scenarios": [{"name": n, "files": [f"{n}.toml"]} for n in NAMES], "runs": 4,
            "months": 12, "replications": 2, "root_seed": 7, "method": "list", "parameters": {"mode": "point"}}
    (folder / "batch.json").write_text(json.dumps(info))
    pd.DataFrame({"run_id": [0, 1, 2, 3], "point": [0] * 4, "scenario": ["baseline", "baseline", "police_first",
                                                                          "police_first"],
                  "scenario_index": [0, 0, 1, 1], "replication": [0, 1, 0, 1], "dialogue": [0.5] * 4}).to_parquet(
        folder / "design.parquet")
    pd.DataFrame({"run_id": [0, 1], "status": ["ok", "ok"], "error": [None, None], "attacks": [3.0, 4.0]}).to_parquet(
        folder / "parts" / "part-000000.parquet")
    pd.DataFrame({"run_id": [2, 3], "status": ["ok", "failed"], "error": [None, "boom"],
                  "attacks": [2.0, None]}).to_parquet(folder / "parts" / "part-000001.parquet")
    pd.DataFrame({"month": pd.to_datetime(["2025-01-01"] * 2), "attacks": [1.0, 2.0], "run_id": [0, 1],
                  "month_index": [1, 1]}).to_parquet(folder / "monthly" / "part-000000.parquet")
    return folder


def make_sensitivity(folder: Path) -> Path:
    make_batch(folder / "runs")
    pd.DataFrame({"stratum": ["all"] * 2, "outcome": ["attacks"] * 2, "factor": ["dialogue", "dummy"],
                  "mu_star": [2.0, 0.1], "mu_star_conf": [0.5, 0.1], "above_noise": [True, False],
                  "rank": [1, 2]}).to_csv(folder / "ranking.csv", index=False)
    return folder


def test_written_folders_read_back(tmp_path):
    compare = read_compare(make_compare(tmp_path / "c"))
    assert compare.names == NAMES and len(compare.runs) == 4 and len(compare.monthly) == 8
    batch = read_batch(make_batch(tmp_path / "b"))
    assert list(batch.runs["status"]) == ["ok", "ok", "ok", "failed"] and len(batch.monthly) == 2
    assert batch.names == NAMES
    study = read_sensitivity(make_sensitivity(tmp_path / "s"))
    assert list(study.ranking["factor"]) == ["dialogue", "dummy"]
    assert [result_kind(tmp_path / k) for k in "cbs"] == ["compare", "batch", "sensitivity"]


def json_edit(name: str, change: Callable[[dict], object]) -> Callable[[Path], None]:
    def edit(folder: Path) -> None:
        record = json.loads((folder / name).read_text())
        change(record)
        (folder / name).write_text(json.dumps(record))
    return edit


def table_edit(name: str, change: Callable[[pd.DataFrame], pd.DataFrame]) -> Callable[[Path], None]:
    def edit(folder: Path) -> None:
        path = folder / name
        frame = pd.read_csv(path) if path.suffix == ".csv" else pd.read_parquet(path)
        frame = change(frame)
        frame.to_csv(path, index=False) if path.suffix == ".csv" else frame.to_parquet(path)
    return edit


def cut(name: str) -> Callable[[Path], None]:
    def edit(folder: Path) -> None:
        data = (folder / name).read_bytes()
        (folder / name).write_bytes(data[: len(data) // 2])
    return edit


def linked(name: str) -> Callable[[Path], None]:
    def edit(folder: Path) -> None:
        (folder / name).rename(folder / f"real-{name}")
        (folder / name).symlink_to(folder / f"real-{name}")
    return edit


def fifo(name: str) -> Callable[[Path], None]:
    def edit(folder: Path) -> None:
        (folder / name).unlink()
        os.mkfifo(folder / name)
    return edit


COMPARE_TAMPERING = {
    "manifest missing": ("manifest.json", lambda f: (f / "manifest.json").unlink()),
    "manifest cut short": ("manifest.json", cut("manifest.json")),
    "manifest not a table": ("manifest.json", lambda f: (f / "manifest.json").write_text("[1, 2]")),
    "months as text": ("manifest.json", json_edit("manifest.json", lambda r: r.update(months="ten"))),
    "months zero": ("manifest.json", json_edit("manifest.json", lambda r: r.update(months=0))),
    "no scenarios key": ("manifest.json", json_edit("manifest.json", lambda r: r.pop("scenarios"))),
    "scenario without name": ("manifest.json", json_edit("manifest.json", lambda r: r["scenarios"][0].pop("name"))),
    "scenario files a number": ("manifest.json", json_edit("manifest.json",
                                                           lambda r: r["scenarios"][0].update(files=3))),
    "parameters a string": ("manifest.json", json_edit("manifest.json", lambda r: r.update(parameters="draws"))),
    "parameters.settings a list": ("manifest.json", json_edit("manifest.json", lambda r: r.update(
        parameters={"mode": "draws", "settings": [1]}))),
    "twice the same name": ("manifest.json", json_edit("manifest.json", lambda r: r["scenarios"].append(
        r["scenarios"][0]))),
    "runs missing": ("runs.csv", lambda f: (f / "runs.csv").unlink()),
    "runs cut short": ("runs.csv", lambda f: (f / "runs.csv").write_text("")),
    "runs outcome as text": ("runs.csv", table_edit("runs.csv", lambda t: t.assign(attacks="many"))),
    "runs without replication": ("runs.csv", table_edit("runs.csv", lambda t: t.drop(columns="replication"))),
    "runs of an unknown scenario": ("runs.csv", table_edit("runs.csv", lambda t: t.assign(scenario="other"))),
    "runs repeated": ("runs.csv", table_edit("runs.csv", lambda t: pd.concat([t, t]))),
    "runs a link": ("runs.csv", linked("runs.csv")),
    "runs a fifo": ("runs.csv", fifo("runs.csv")),
    "differences without interval": ("differences.csv", table_edit("differences.csv",
                                                                   lambda t: t.drop(columns="ci90_low"))),
    "differences repeated": ("differences.csv", table_edit("differences.csv", lambda t: pd.concat([t, t]))),
    "monthly cut short": ("monthly_attacks.parquet", cut("monthly_attacks.parquet")),
    "monthly month as text": ("monthly_attacks.parquet", table_edit("monthly_attacks.parquet",
                                                                    lambda t: t.assign(month="May"))),
    "monthly months differ": ("monthly_attacks.parquet", table_edit("monthly_attacks.parquet", lambda t: t[~(
        (t["scenario"] == "police_first") & (t["month"] == t["month"].max()))])),
    "districts attacks as text": ("district_attacks.parquet", table_edit("district_attacks.parquet",
                                                                         lambda t: t.assign(attacks="x"))),
}


@pytest.mark.parametrize("case", COMPARE_TAMPERING, ids=list(COMPARE_TAMPERING))
def test_a_tampered_comparison_is_one_line_naming_the_file(tmp_path, case):
    name, tamper = COMPARE_TAMPERING[case]
    folder = make_compare(tmp_path / "c")
    tamper(folder)
    with pytest.raises(ResultsError) as err:
        read_compare(folder)
    message = str(err.value)
    assert "\n" not in message and str(folder / name) in message, f"one line naming {name}: {message}"


BATCH_TAMPERING = {
    "description missing": ("batch.json", lambda f: (f / "batch.json").unlink()),
    "description cut short": ("batch.json", cut("batch.json")),
    "scenarios a string": ("batch.json", json_edit("batch.json", lambda r: r.update(scenarios="baseline"))),
    "no scenario": ("batch.json", json_edit("batch.json", lambda r: r.update(scenarios=[]))),
    "months missing": ("batch.json", json_edit("batch.json", lambda r: r.pop("months"))),
    "experiment a number": ("batch.json", json_edit("batch.json", lambda r: r.update(experiment=1))),
    "design missing": ("design.parquet", lambda f: (f / "design.parquet").unlink()),
    "design cut short": ("design.parquet", cut("design.parquet")),
    "design garbage": ("design.parquet", lambda f: (f / "design.parquet").write_bytes(b"\x00\xffnot parquet")),
    "scenario index past the scenarios": ("design.parquet", table_edit("design.parquet",
                                                                       lambda t: t.assign(scenario_index=5))),
    "scenario index as text": ("design.parquet", table_edit("design.parquet", lambda t: t.assign(scenario_index="a"))),
    "run ids repeated": ("design.parquet", table_edit("design.parquet", lambda t: t.assign(run_id=0))),
    "points repeated": ("design.parquet", table_edit("design.parquet", lambda t: t.assign(replication=0))),
    "part cut short": ("parts/part-000001.parquet", cut("parts/part-000001.parquet")),
    "part without status": ("parts/part-000001.parquet", table_edit("parts/part-000001.parquet",
                                                                    lambda t: t.drop(columns="status"))),
    "part outcome as text": ("parts/part-000001.parquet", table_edit("parts/part-000001.parquet",
                                                                     lambda t: t.assign(attacks="x"))),
    "part without an outcome the others hold": ("parts/part-000001.parquet", table_edit(
        "parts/part-000001.parquet", lambda t: t.drop(columns="attacks"))),
    "part of another name": ("parts/part-abc.parquet", lambda f: (f / "parts" / "part-abc.parquet").write_bytes(b"")),
    "monthly without month": ("monthly/part-000000.parquet", table_edit("monthly/part-000000.parquet",
                                                                        lambda t: t.drop(columns="month"))),
}


@pytest.mark.parametrize("case", BATCH_TAMPERING, ids=list(BATCH_TAMPERING))
def test_a_tampered_batch_is_one_line_naming_the_file(tmp_path, case):
    name, tamper = BATCH_TAMPERING[case]
    folder = make_batch(tmp_path / "b")
    tamper(folder)
    with pytest.raises(ResultsError) as err:
        read_batch(folder)
    message = str(err.value)
    expected = folder if case in ("description missing", "design missing") else folder / name
    assert "\n" not in message and str(expected) in message, f"one line naming {expected}: {message}"


def test_declared_factor_types_are_checked(tmp_path):
    folder = make_batch(tmp_path / "b")
    table_edit("design.parquet", lambda t: t.assign(dialogue="half"))(folder)
    read_batch(folder)  # without declarations this floor cannot know that dialogue is a number
    with pytest.raises(ResultsError, match="column 'dialogue' must hold numbers"):
        read_batch(folder, factors={"dialogue": "numbers"})


@pytest.mark.parametrize("tamper", [
    cut("ranking.csv"),
    table_edit("ranking.csv", lambda t: t.drop(columns="mu_star")),
    table_edit("ranking.csv", lambda t: t.assign(rank="first")),
    table_edit("ranking.csv", lambda t: t.drop(columns="factor")),
], ids=["cut short", "no index", "rank as text", "no factor"])
def test_a_tampered_ranking_is_one_line_naming_it(tmp_path, tamper):
    folder = make_sensitivity(tmp_path / "s")
    tamper(folder)
    with pytest.raises(ResultsError, match=str(folder / "ranking.csv")):
        read_sensitivity(folder)


def test_the_runs_of_a_study_must_be_a_real_folder(tmp_path):
    folder = make_sensitivity(tmp_path / "s")
    (folder / "runs").rename(tmp_path / "elsewhere")
    (folder / "runs").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    with pytest.raises(ResultsError, match="not a folder"):
        read_sensitivity(folder)
