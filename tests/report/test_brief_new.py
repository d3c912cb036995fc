"""The policy-staff path: a scenario file copied to any folder runs, and ``ctsim new`` writes one that extends a
library scenario by name, loads, and takes effect when a lever line is uncommented."""

from __future__ import annotations

import shutil

import pytest

from ctsim.cli import main
from ctsim.declarations.levers import LEVERS
from ctsim.scenarios.files import ScenarioError, load_scenario
from ctsim.scenarios.library import library_path


def test_a_library_scenario_copied_to_a_temporary_folder_runs(tmp_path, monkeypatch):
    copy = tmp_path / "elsewhere" / "my_civilian_led.toml"
    copy.parent.mkdir()
    shutil.copy(library_path("civilian_led"), copy)
    monkeypatch.chdir(tmp_path)  # nothing beside the copy: extends/history must resolve to the library
    scenario = load_scenario(copy)
    assert scenario.policy().ct_lead == "police" and scenario.history is not None, \
        "the copy finds its parent (baseline) and its 2022-2024 history by library name"
    assert main(["run", str(copy), "--months", "3", "--out", str(tmp_path / "out"), "--no-chart"]) == 0


def test_new_writes_a_template_that_loads_and_takes_a_lever(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["new", "police_first", "--from", "baseline", "--dir", "mine"]) == 0
    path = tmp_path / "mine" / "police_first.toml"
    assert f"wrote {path.relative_to(tmp_path)}" in capsys.readouterr().out
    text = path.read_text()
    assert 'extends = "baseline"' in text, "extends the library scenario by name, so the file runs anywhere"
    for lever in LEVERS:
        assert f"# {lever.name} = " in text and lever.label in text, f"a commented line for {lever.name}"
    scenario = load_scenario(path)
    assert scenario.name == "police_first", "the name comes from the name key"
    assert scenario.policy() == load_scenario(library_path("baseline")).policy(), "as written it changes nothing"
    edited = text.replace('# ct_lead = "military"', 'ct_lead = "police"').replace(
        "# prosecution_capacity = 1", "prosecution_capacity = 3")
    path.write_text(edited)
    changed = load_scenario(path)
    assert (changed.policy().ct_lead, changed.policy().prosecution_capacity) == ("police", 3.0), \
        "uncommenting a lever line sets that lever"
    assert main(["run", str(path), "--months", "2", "--out", str(tmp_path / "out"), "--no-chart"]) == 0


def test_new_refuses_an_existing_file_an_unknown_parent_and_a_bad_name(tmp_path, capsys):
    from ctsim.report.new import new_scenario

    new_scenario("a", "baseline", tmp_path)
    with pytest.raises(ScenarioError, match="exists already"):
        new_scenario("a", "baseline", tmp_path)
    with pytest.raises(ScenarioError, match="not a library scenario"):
        new_scenario("b", "no_such_scenario", tmp_path)
    assert main(["new", "bad name", "--dir", str(tmp_path)]) == 2, "a bad name: one line, exit status 2"
    assert "may hold only" in capsys.readouterr().err
