"""Inputs turned against the user (issue 38), from the command line: an ``extends`` that names a file which is not a
scenario reveals nothing of it; a resource bomb within the declared ranges is refused by validate and --dry-run
with one line naming the keys, and a run that outgrows the limits stops with one line; dates and numbers take ASCII
digits only; ``ctsim new`` checks the name before writing; Ctrl-C promises a resume only where there is one."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from ctsim.cli import main
from ctsim.declarations import limits
from ctsim.scenarios.files import ScenarioError, load_scenario
from test_inputs import one_error_line, scenario

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ROOT / "scenarios" / "baseline.toml"
SECRET = "sk-LIVE-0123456789abcdef"


@pytest.mark.parametrize("content, name", [
    (f'SECRET_API_KEY = "{SECRET}"\nregion = "eu"\n', "credentials.toml"),
    (f'[levers]\nSECRET_API_KEY = "{SECRET}"\n', "nested.toml"),
    (f'name = "x"\n[run]\nSECRET_API_KEY = "{SECRET}"\n', "run_table.toml"),
    (f'this is not TOML at all {SECRET}\n', "broken.toml"),
    (b"\x7fELF\x02\x01\x01\x00" + SECRET.encode() + b"\x00\xff" * 50, "binary.toml"),
    (f'SECRET_API_KEY = "{SECRET}"\n', "credentials"),
])
def test_extends_to_a_file_that_is_not_a_scenario_reveals_nothing_of_it(tmp_path, capsys, content, name):
    target = tmp_path / name
    target.write_bytes(content if isinstance(content, bytes) else content.encode())
    child = scenario(tmp_path, f'extends = "{name}"\n', "child.toml")
    assert main(["validate", str(child)]) == 2
    line = one_error_line(capsys)
    assert "not a ctsim scenario file" in line and "child.toml: key 'extends'" in line, line
    for leak in ("SECRET_API_KEY", SECRET, "region", "line", "column", "ELF", "TOML at"):
        assert leak not in line, f"the message reveals {leak!r} of the file: {line}"


def test_a_scenario_file_reached_through_extends_keeps_its_detailed_messages(tmp_path):
    scenario(tmp_path, "[levers]\nct_lead = 'army'\n", "parent.toml")
    child = scenario(tmp_path, 'extends = "parent.toml"\n', "child.toml")
    with pytest.raises(ScenarioError, match="levers.ct_lead"):
        load_scenario(child)
    # The file named on the command line is the user's own: its unknown keys are named, with a suggestion.
    with pytest.raises(ScenarioError, match="unknown lever; did you mean 'ct_lead'"):
        load_scenario(scenario(tmp_path, "[levers]\nct_leed = 'police'\n", "own.toml"))


BOMB = "[uncertainties]\ninitial_active_militants = 1e6\ninitial_cell_size = 2\n"


def test_a_resource_bomb_is_refused_by_validate_and_dry_run_naming_the_keys(tmp_path, capsys):
    bomb = scenario(tmp_path, f'extends = "{BASELINE}"\n{BOMB}', "bomb.toml")
    assert main(["validate", str(bomb)]) == 2
    line = one_error_line(capsys)
    assert "key 'uncertainties.initial_active_militants' = 1,000,000" in line, line
    assert "key 'uncertainties.initial_cell_size' = 2" in line and "500,000 cells" in line, line
    experiment = scenario(tmp_path, f'scenarios = ["{BASELINE}"]\nmonths = 3\n[design]\nmethod = "list"\n'
                                    f'points = [{{ initial_active_militants = 6000.0, initial_cell_size = 20.0 }}, '
                                    f'{{ initial_active_militants = 95000.0, initial_cell_size = 20.0 }}]\n', "e.toml")
    assert main(["batch", str(experiment), "--dry-run"]) == 2
    line = one_error_line(capsys)
    assert "key 'design.points[1].initial_active_militants' = 95,000" in line and "limit" not in line, line
    study = scenario(tmp_path, f'scenario = "{BASELINE}"\nmethod = "morris"\n[factors]\n'
                               f'initial_active_militants = [2000, 1000000]\ndialogue = []\n', "study.toml")
    for command in (["validate", str(study)], ["sensitivity", str(study), "--dry-run"]):
        assert main(command) == 2
        assert "key 'factors.initial_active_militants' = 1,000,000" in one_error_line(capsys)


def test_the_dry_run_estimate_grows_with_the_initial_state(tmp_path, capsys):
    small = scenario(tmp_path, f'scenarios = ["{BASELINE}"]\nmonths = 12\nreplications = 50\n', "small.toml")
    large = scenario(tmp_path, f'scenarios = ["{BASELINE}"]\nmonths = 12\nreplications = 50\n[design]\n'
                               f'method = "list"\npoints = [{{ initial_active_militants = 80000.0, '
                               f'initial_cell_size = 2.0 }}]\n', "large.toml")
    seconds = []
    for path in (small, large):
        assert main(["batch", str(path), "--dry-run", "--workers", "1", "--point"]) == 0
        out = capsys.readouterr().out
        text = out.split("roughly ")[1].split(" (")[0]
        seconds.append(float(text.split()[0].replace(",", "")) * (60 if text.endswith("min") else 1))
    assert "40,000 cells" in out, out
    assert seconds[1] > 10 * seconds[0], f"40,000 initial cells cost far more than the default's: {seconds}"


def test_a_run_that_outgrows_the_running_limit_stops_with_one_line(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(limits, "MAX_RUNNING_CELLS", 50)  # the baseline holds a few hundred cells
    out = tmp_path / "results"
    assert main(["run", str(BASELINE), "--months", "2", "--out", str(out), "--no-chart", "--point"]) == 2
    line = one_error_line(capsys)
    assert "stopped in month 1" in line and "past the limit of 50 cells" in line and "baseline" in line, line
    assert not any(out.rglob("*.parquet")), "a stopped run writes no result"


@pytest.mark.parametrize("text, key", [
    ('[run]\nstart = "٢٠٢٥-01"\n', "run.start"),
    ('[run]\nstart = "２０２５-01"\n', "run.start"),
    ('[[schedule]]\ndate = "2026-٠٧"\nlever = "dialogue"\nvalue = 0.5\n', "schedule[0].date"),
])
def test_dates_take_ascii_digits_only(tmp_path, capsys, text, key):
    path = scenario(tmp_path, f'extends = "{BASELINE}"\n{text}')
    assert main(["validate", str(path)]) == 2
    assert f"key '{key}' must be a month written YYYY-MM" in one_error_line(capsys)


@pytest.mark.parametrize("option", [["run", str(BASELINE), "--seed"], ["compare", "baseline", "--seed"],
                                    ["run", str(BASELINE), "--months"], ["batch", str(BASELINE), "--task-seconds"]])
@pytest.mark.parametrize("value", ["١٢٣", "１２", "1_000", " 7"])
def test_numbers_on_the_command_line_take_ascii_digits_only(tmp_path, capsys, option, value):
    with pytest.raises(SystemExit) as exit_status:  # argparse's error: one line, status 2
        main([*option, value, "--out", str(tmp_path / "o")])
    assert exit_status.value.code == 2
    line = one_error_line(capsys)
    assert "written with the digits 0-9" in line and option[-1] in line, line
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize("name", [".", "..", ".x", "-rf", "a/b", "x.toml"])
def test_new_checks_the_name_before_writing_anything(tmp_path, capsys, name):
    assert main(["new", "--dir", str(tmp_path), "--", name]) == 2
    assert "NAME" in one_error_line(capsys)
    assert list(tmp_path.iterdir()) == [], "nothing is written for a name that is refused"


def test_new_never_writes_through_a_link(tmp_path, capsys):
    victim = tmp_path / "victim.txt"
    victim.write_text("keep")
    (tmp_path / "mine.toml").symlink_to(victim)
    assert main(["new", "mine", "--dir", str(tmp_path)]) == 2
    assert "exists already" in one_error_line(capsys) and victim.read_text() == "keep"


INTERRUPT = ("import sys, ctsim.cli as c, ctsim.commands.{module} as m\n"
             "def boom(args):\n    raise KeyboardInterrupt\n"
             "m.handle = boom\nsys.exit(c.main({argv!r}))\n")


@pytest.mark.parametrize("module, argv, resumes", [
    ("compare", ["compare", "baseline"], False), ("run", ["run", "baseline"], False),
    ("batch", ["batch", "x.toml"], True), ("sensitivity", ["sensitivity", "x.toml"], True),
])
def test_ctrl_c_promises_a_resume_only_where_there_is_one(module, argv, resumes):
    proc = subprocess.run([sys.executable, "-c", INTERRUPT.format(module=module, argv=argv)], capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == 130 and proc.stderr.count("\n") == 1 and "interrupted (Ctrl-C)" in proc.stderr
    assert ("resumes where it stopped" in proc.stderr) == resumes, proc.stderr
