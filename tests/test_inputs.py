"""Input safety (issue 11): every reproducer of a bad input ends in one printable line naming the file and the key,
exit status 2, never a traceback; nothing is written outside the output folder; a failed write leaves no half run."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from ctsim.cli import main
from ctsim.experiments.executors import check_scheduler
from ctsim.inputs import MAX_MESSAGE, excerpt, inside, one_line, plain_name, reached_through
from ctsim.scenarios.files import ScenarioError, load_scenario

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ROOT / "scenarios" / "baseline.toml"
SWEEP = ROOT / "experiments" / "lever_sweep.toml"
MORRIS = ROOT / "experiments" / "screen_levers_morris.toml"


def one_error_line(capsys) -> str:
    """The single line a failing command printed on stderr (asserting there is exactly one)."""
    err = capsys.readouterr().err
    lines = err.splitlines()
    assert len(lines) == 1, f"exactly one line on stderr expected, got {err!r}"
    assert "Traceback" not in err and len(lines[0]) <= MAX_MESSAGE + 40, "one bounded line, no traceback"
    assert all(ch.isprintable() for ch in lines[0]), f"the line must be printable: {lines[0]!r}"
    return lines[0]


def scenario(tmp_path: Path, text: str, name: str = "s.toml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_one_line_escapes_control_characters_and_caps_length():
    assert one_line("a\nb\x1b[31mc\x00\n") == "a\\nb\\x1b[31mc\\x00"
    assert len(one_line("x" * 2_000_000)) == MAX_MESSAGE and one_line("x" * 2_000_000).endswith("...")
    assert len(excerpt("y" * 10_000)) <= 40
    deep: list = []
    for _ in range(5000):
        deep = [deep]
    assert "nested too deeply" in excerpt(deep), "formatting a deep value must not recurse"


def test_plain_names_and_paths_under_the_output_folder(tmp_path):
    for bad in ("..", ".", "/tmp/x", "a/b", "a\\b", ".hidden", "", "x" * 101, 3):
        with pytest.raises(ScenarioError, match="plain name"):
            plain_name("f.toml", "name", bad, ScenarioError)
    assert plain_name("f.toml", "name", "civilian_led-2.v1", ScenarioError) == "civilian_led-2.v1"
    assert inside(tmp_path, tmp_path / "a" / "b", "f", ScenarioError) == tmp_path / "a" / "b"
    with pytest.raises(ScenarioError, match="outside the output folder"):
        inside(tmp_path / "out", tmp_path / "out" / "..", "f", ScenarioError)


@pytest.mark.parametrize("text, expected", [
    ("[levers]\ndialogue = nan\n", "key 'levers.dialogue' = nan is not a finite number"),
    ("[levers]\ndialogue = inf\n", "key 'levers.dialogue' = inf is not a finite number"),
    ("[uncertainties]\nhit_fraction = -inf\n", "key 'uncertainties.hit_fraction' = -inf is not a finite"),
    ("[levers]\ndialogue = 1" + "0" * 400 + "\n", "key 'levers.dialogue'"),
    ('extends = "a\\u0000b"\n', "key 'extends' = 'a\\x00b' holds a control character"),
    ('extends = "' + "x" * 300 + '"\n', "key 'extends'"),
    ("x = " + "[" * 600 + "]" * 600 + "\n", "nested too deeply"),
    ("[run]\nstart = \"0000-01\"\n", "key 'run.start' = '0000-01': the year must lie in 1900 to 2200"),
    ('name = ".."\n', "key 'name' = '..' may hold only letters"),
    ('name = "x\\u001b[31m\\nred"\n', "key 'name' = 'x\\x1b[31m\\nred' may hold only"),
    ('[levers]\n"ct\\u001b[2J\\nlead" = 1\n', "key 'levers.ct\\x1b[2J\\nlead': unknown lever"),
    ('[run]\nmonths = "' + "m" * 900_000 + '"\n', "key 'run.months' must be a whole number"),
])
def test_scenario_reproducers_give_one_line_naming_file_and_key(tmp_path, capsys, text, expected):
    path = scenario(tmp_path, text)
    assert main(["validate", str(path)]) == 2
    line = one_error_line(capsys)
    assert str(path) in line and expected in line, line


def test_a_long_error_deep_in_a_chain_is_shortened_but_every_file_of_the_chain_stays_named():
    inner = "grand.toml: key 'levers.x' = " + "9" * 5000 + " (reached through /a/parent.toml: key 'extends')"
    message = reached_through(inner, "/b/child.toml", "extends")
    assert message.startswith("grand.toml: key 'levers.x'") and len(message) < 400
    assert message.index("/a/parent.toml: key 'extends'") < message.index("/b/child.toml: key 'extends'")
    assert message.endswith("(reached through /b/child.toml: key 'extends')")


def test_error_in_a_parent_names_the_extends_chain(tmp_path, capsys):
    scenario(tmp_path, "[levers]\ndialogue = nan\n", "grand.toml")
    scenario(tmp_path, 'extends = "grand.toml"\n', "parent.toml")
    child = scenario(tmp_path, 'extends = "parent.toml"\n', "child.toml")
    assert main(["validate", str(child)]) == 2
    line = one_error_line(capsys)
    assert line.index("grand.toml: key 'levers.dialogue'") < line.index("parent.toml: key 'extends'") < \
        line.index("child.toml: key 'extends'"), f"the chain child -> parent -> grand should be named: {line}"


def test_devices_fifos_folders_and_oversized_files_are_refused(tmp_path, capsys):
    fifo = tmp_path / "fifo.toml"
    os.mkfifo(fifo)
    big = scenario(tmp_path, "# " + "x" * 1_100_000 + "\n", "big.toml")
    for path, expected in (("/dev/zero", "not a regular file"), (fifo, "not a regular file"),
                           (tmp_path, "not a regular file"), (big, "larger than the limit")):
        assert main(["validate", str(path)]) == 2
        assert expected in one_error_line(capsys)
    os.mkfifo(tmp_path / "fifo.csv")
    for target, expected in (("fifo.csv", "is not a regular file"), ("big.toml", "must name a .csv or .parquet")):
        experiment = scenario(tmp_path, f'scenarios = ["{BASELINE}"]\n[design]\nmethod = "file"\n'
                                        f'path = "{target}"\n', "e.toml")
        assert main(["validate", str(experiment)]) == 2
        assert expected in one_error_line(capsys)


def test_points_file_contents_are_never_echoed(tmp_path, capsys):
    secret = "CTSIM_SECRET_VALUE_123"
    (tmp_path / "p.csv").write_bytes(b"\x00\x01" + f"TOKEN={secret}\x00PATH=/bin".encode() + b"\n1\n")
    for target in ("/proc/self/environ", "p.csv"):
        path = scenario(tmp_path, f'scenarios = ["{BASELINE}"]\n[design]\nmethod = "file"\npath = "{target}"\n',
                        "e.toml")
        assert main(["validate", str(path)]) == 2
        line = one_error_line(capsys)
        assert secret not in line and "PATH=" not in line and "design.path" in line, line


def test_designs_are_counted_before_they_are_built(tmp_path, capsys):
    from ctsim.declarations import registry

    numeric = [f for f in registry.FACTORS if f.kind == "float"][:12]
    assert len(numeric) == 12
    lines = [f"{f.name} = [{', '.join(repr(f.low + (f.high - f.low) * k / 4) for k in range(5))}]" for f in numeric]
    path = scenario(tmp_path, f'scenarios = ["{BASELINE}"]\n[design]\nmethod = "full_factorial"\n'
                              f'[design.factors]\n' + "\n".join(lines) + "\n", "ff.toml")
    import resource
    import time

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    code = main(["validate", str(path)])
    line = one_error_line(capsys)
    assert code == 2 and "244,140,625 points, more than the limit of 1,000,000" in line, line
    assert time.perf_counter() - started < 20, "counting must not build the 244-million-point grid"
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 300_000, "no memory spike (kB)"


@pytest.mark.parametrize("address, expected", [
    ("bogus://x", "not supported"), ("tcp://[::1", "not a valid address"), ("tls://10.0.0.1:8786", "certificates"),
    ("tcp://host", "needs a host and a port"), ("tcp://h:99999", "not a valid address"), ("127.0.0.1:8786", "scheme"),
])
def test_scheduler_addresses_are_checked_before_anything_is_created(tmp_path, capsys, address, expected):
    out = tmp_path / "batch"
    assert main(["batch", str(SWEEP), "--out", str(out), "--scheduler", address]) == 2
    assert expected in one_error_line(capsys)
    assert not out.exists(), "nothing may be created for a bad scheduler address"
    assert check_scheduler("tcp://[::1]:8786") == "tcp://[::1]:8786"


def test_validate_reads_experiment_and_study_files_by_content(tmp_path, capsys):
    assert main(["validate", str(SWEEP), str(MORRIS), str(BASELINE)]) == 0
    out = capsys.readouterr().out
    assert "ok (experiment lever_sweep: 128 runs" in out, out
    assert "ok (morris study" in out and "ok (scenario baseline" in out, out


def test_names_cannot_lead_outside_the_output_folder(tmp_path, capsys):
    child = scenario(tmp_path, f'name = ".."\nextends = "{BASELINE}"\n')
    assert main(["run", str(child), "--out", str(tmp_path / "D" / "inner"), "--months", "1"]) == 2
    assert "key 'name' = '..'" in one_error_line(capsys)
    exp = scenario(tmp_path, f'name = ".."\nscenarios = ["{BASELINE}"]\n', "e.toml")
    assert main(["batch", str(exp), "--dry-run"]) == 2
    assert "key 'name' = '..'" in one_error_line(capsys)
    study = scenario(tmp_path, f'name = "{tmp_path / "elsewhere"}"\nscenario = "{BASELINE}"\nmethod = "morris"\n'
                               f'[factors]\ndialogue = []\n', "study.toml")
    assert main(["sensitivity", str(study), "--dry-run"]) == 2
    assert "key 'name'" in one_error_line(capsys)
    assert not (tmp_path / "elsewhere").exists() and not (tmp_path / "D").exists()


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EROFS])
def test_a_disk_error_leaves_no_half_written_run_folder(tmp_path, capsys, monkeypatch, code):
    def failing(self, path, *args, **kwargs):
        Path(path).write_bytes(b"half")
        raise OSError(code, os.strerror(code), str(path))

    monkeypatch.setattr(pd.DataFrame, "to_csv", failing)
    out = tmp_path / "results"
    assert main(["run", str(BASELINE), "--months", "1", "--out", str(out), "--no-chart"]) == 2
    line = one_error_line(capsys)
    assert os.strerror(code) in line and "--out" in line, line
    assert list((out / "baseline").iterdir()) == [], "the staged run folder must be removed"


def test_ctrl_c_exits_130_with_one_line(tmp_path):
    script = ("import sys, ctsim.cli as c, ctsim.commands.levers as levers\n"
              "def boom(args):\n    raise KeyboardInterrupt\n"
              "levers.handle = boom\nsys.exit(c.main(['levers']))\n")
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 130, proc.stderr
    assert proc.stderr.count("\n") == 1 and "interrupted" in proc.stderr and "Traceback" not in proc.stderr


def test_scenario_error_messages_are_always_one_line():
    error = ScenarioError("f.toml: key 'x' = 'a\nb'\n")
    assert str(error) == "f.toml: key 'x' = 'a\\nb'"
    with pytest.raises(ScenarioError):
        load_scenario("/nonexistent/\x1b[2J.toml")
