"""``ctsim calibrate --abc``: writes a draws file with its settings and the model's fingerprints, resumes from its
work folder, ``--check`` reproduces it, and bad input ends in one line with exit status 2."""

from __future__ import annotations

import json

import numpy as np
import pytest

from ctsim.analysis.calibration.abc import same_draws
from ctsim.calibration.draws import load_draws
from ctsim.calibration.parameter_sets import POSTERIOR_FILE, current_model
from ctsim.cli import main
from ctsim.docs.validation import posterior_section

TINY = ["--population", "5", "--generations", "1", "--months", "12", "--replications", "1", "--seed", "11"]


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    """A reduced-budget draws file made by the command in two calls: one generation, then resumed for a second
    (a few dozen runs of the history's first year, 2013, whose attacks are a target)."""
    folder = tmp_path_factory.mktemp("abc")
    output = folder / "posterior.json"
    assert main(["calibrate", "--abc", *TINY, "--work", str(folder / "work"), "--output", str(output)]) == 0
    more = [*TINY[:2], "--generations", "2", *TINY[4:]]
    assert main(["calibrate", "--abc", *more, "--work", str(folder / "work"), "--output", str(output)]) == 0
    return folder, output


def test_the_draws_file_records_its_settings_and_the_model(tiny):
    folder, output = tiny
    posterior = load_draws(output)
    assert len(posterior.values) == 5
    s = posterior.settings
    assert (s["population_size"], s["generations_run"], s["replications"], s["seed"], s["months_option"],
            s["sampler"]) == (5, 2, 1, 11, 12, "single")
    assert s["stops"] == [1, 2] and s["resumed_from_generation"] == 1, "the second call resumed the first"
    assert "db_path" not in s, "the draws file should not carry a path of the machine that made it"
    assert posterior.model["model_fingerprint"] == current_model()["model_fingerprint"]
    assert (folder / "work" / "abc.db").is_file(), "the pyabc database stays in the work folder, for resuming"


def test_check_reproduces_the_stored_draws(tiny, capsys):
    """Same seed and the single-process sampler: a rerun replaying the stored calls gives identical draws."""
    _, output = tiny
    before = output.read_bytes()
    assert main(["calibrate", "--abc", "--check", "--output", str(output)]) == 0
    assert "posterior draws reproduced" in capsys.readouterr().out
    assert output.read_bytes() == before, "--check writes nothing"


def test_check_compares_draws_bit_for_bit(tiny):
    _, output = tiny
    stored = load_draws(output)
    assert same_draws(stored, load_draws(output))
    changed = load_draws(output)
    changed.values.iloc[0, 0] = np.nextafter(changed.values.iloc[0, 0], np.inf)
    assert not same_draws(stored, changed), "a value moved by the smallest step a float can take is a different draw"
    reweighted = load_draws(output)
    reweighted.weights = reweighted.weights[::-1].copy()
    assert not same_draws(stored, reweighted) or np.allclose(stored.weights, stored.weights[0])


def test_check_says_plainly_when_the_draws_differ(tiny, monkeypatch, capsys):
    """A rerun that gives other draws (here faked, without running the model) exits 1 and says why it may be."""
    from ctsim.analysis.calibration import abc as abc_command

    _, output = tiny
    other = load_draws(output)
    other.values.iloc[0, 0] += 1.0
    monkeypatch.setattr(abc_command, "_run", lambda *args, **kwargs: other)
    assert main(["calibrate", "--abc", "--check", "--output", str(output)]) == 1
    printed = capsys.readouterr().out
    assert "NOT reproduced" in printed and "same seed on this machine's processes" in printed
    assert main(["calibrate", "--abc", "--check", "--workers", "2", "--output", str(output)]) == 1
    assert "same seed on this machine's processes" in capsys.readouterr().out, \
        "several local processes reproduce one process's draws, so they are not the reason"
    assert main(["calibrate", "--abc", "--check", "--dask-local", "2", "--output", str(output)]) == 1
    assert "Dask sampler" in capsys.readouterr().out, "the Dask sampler is named as the reason"


def test_a_time_budget_stops_between_generations(tmp_path):
    output = tmp_path / "p.json"
    args = ["--population", "5", "--generations", "3", "--months", "12", "--seed", "3", "--time-budget", "0.001"]
    assert main(["calibrate", "--abc", *args, "--work", str(tmp_path / "w"), "--output", str(output)]) == 0
    s = load_draws(output).settings
    assert s["generations_run"] < 3 and s["time_budget_seconds"] == 0.001, \
        "no new generation starts once the budget is spent, and the budget is recorded"
    assert s["stops"] == [s["generations_run"]], "--check replays the stop the budget caused"


def test_a_work_folder_started_with_other_settings_is_refused(tiny, capsys):
    folder, _ = tiny
    other = ["--population", "6", *TINY[2:]]
    assert main(["calibrate", "--abc", *other, "--work", str(folder / "work"),
                 "--output", str(folder / "other.json")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "settings.json" in err[0] and "population 5 not 6" in err[0]
    assert not (folder / "other.json").exists()


@pytest.mark.parametrize("args, expected", [
    (["--population", "0"], "option '--population' = 0 is outside"),
    (["--generations", "0"], "option '--generations' = 0 is outside"),
    (["--months", "999"], "option '--months' = 999 is outside"),
    (["--time-budget", "-1"], "option '--time-budget' = -1.0 must be positive"),
    (["--popsize", "3"], "--popsize"),
    (["--scheduler", "http://x"], "option '--scheduler'"),
])
def test_bad_options_end_in_one_line(args, expected, tmp_path, capsys):
    assert main(["calibrate", "--abc", *args, "--work", str(tmp_path / "w"),
                 "--output", str(tmp_path / "p.json")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and expected in err[0] and "Traceback" not in err[0]
    assert not (tmp_path / "p.json").exists() and not (tmp_path / "w").exists()


@pytest.mark.parametrize("content, expected", [
    (None, "no stored posterior draws"),
    ("{", "not valid JSON"),
    ('{"format": "ctsim-abc-draws", "version": 2}', "key 'parameters' is missing"),
])
def test_check_of_a_missing_or_invalid_file_names_it(content, expected, tmp_path, capsys):
    path = tmp_path / "draws.json"
    if content is not None:
        path.write_text(content)
    assert main(["calibrate", "--abc", "--check", "--output", str(path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "draws.json" in err[0] and expected in err[0]


def test_abc_options_need_abc(capsys):
    assert main(["calibrate", "--population", "10", "--dry-run"]) == 2
    assert "option '--population' needs --abc" in capsys.readouterr().err


def test_the_report_section_describes_the_stored_draws(tiny):
    lines = "\n".join(posterior_section(POSTERIOR_FILE))
    stored = json.loads(POSTERIOR_FILE.read_text())
    assert "## Posterior draws" in lines and "| generation | epsilon |" in lines
    assert all(f"`{name}`" in lines for name in stored["parameters"]), "every free parameter gets a row"
    assert "Strongest correlations" in lines and "another state of the model" not in lines
    _, output = tiny
    record = json.loads(output.read_text())
    record["model"]["dynamics_fingerprint"] = "0" * 16
    output.with_name("stale.json").write_text(json.dumps(record))
    assert "another state of the model" in "\n".join(posterior_section(output.with_name("stale.json")))


def test_a_sigkilled_abc_driver_leaves_no_worker_behind(tmp_path):
    """The ABC's worker processes come from the executors' pool: they exit by themselves when the driver is killed
    (no handler runs on SIGKILL), as the batch's do."""
    import contextlib
    import os
    import signal
    import subprocess
    import sys
    import time

    import psutil

    command = [sys.executable, "-m", "ctsim", "calibrate", "--abc", "--population", "40", "--generations", "3",
               "--months", "12", "--workers", "2", "--seed", "5", "--work", str(tmp_path / "work"),
               "--output", str(tmp_path / "posterior.json")]
    driver = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    children: list[int] = []
    try:
        deadline = time.time() + 120
        while time.time() < deadline and driver.poll() is None:
            kids = psutil.Process(driver.pid).children(recursive=True)
            if len(kids) >= 2:
                children = [k.pid for k in kids]
                break
            time.sleep(0.1)
        assert children, "the ABC driver should have started its worker processes"
        os.kill(driver.pid, signal.SIGKILL)  # the driver alone: its workers must notice by themselves
        driver.wait()
        deadline = time.time() + 8

        def alive() -> list[int]:
            out = []
            for pid in children:
                try:
                    if psutil.Process(pid).status() != psutil.STATUS_ZOMBIE:
                        out.append(pid)
                except psutil.NoSuchProcess:
                    pass
            return out

        while alive() and time.time() < deadline:
            time.sleep(0.1)
        assert not alive(), f"ABC workers survived their driver: {alive()}"
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(driver.pid, signal.SIGKILL)
