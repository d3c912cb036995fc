"""Batch experiments: executors agree, results survive kills and failures, files are validated, results load."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from ctsim.experiments.batch import BatchOptions, BatchStore, run_batch
from ctsim.experiments.design import ExperimentError, load_experiment
from ctsim.experiments.results import load, load_monthly, status
from ctsim.experiments.worker import FAULTS_ENV

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
COMPARED = ["run_id", "status", "attacks", "deaths", "recruits", "active_militants", "legitimacy", "cost"]


def experiment_file(folder: Path, months=12, replications=2, samples=3, extra="") -> Path:
    path = folder / "exp.toml"
    path.write_text(f"""
name = "tiny"
scenarios = ["{ROOT / 'scenarios' / 'baseline.toml'}", "{ROOT / 'scenarios' / 'justice_reform.toml'}"]
replications = {replications}
months = {months}
seed = 11
[design]
method = "latin_hypercube"
samples = {samples}
[design.factors]
sanctuary_strength = [0.2, 0.8]
ct_lead = ["military", "police"]
[outputs]
monthly = ["attacks"]
monthly_every = 4
{extra}
""")
    return path


def outcomes(folder: Path) -> pd.DataFrame:
    return load(folder)[COMPARED].sort_values("run_id").reset_index(drop=True)


@pytest.fixture(scope="module")
def serial_reference(tmp_path_factory):
    folder = tmp_path_factory.mktemp("serial")
    experiment = load_experiment(experiment_file(folder))
    summary = run_batch(experiment, folder / "out", BatchOptions(executor="serial", progress=False))
    assert summary.failed == 0 and summary.pending == 0 and summary.total == 3 * 2 * 2
    return outcomes(folder / "out")


def test_design_has_common_seeds_and_stratified_levels(tmp_path):
    experiment = load_experiment(experiment_file(tmp_path, samples=4))
    design = experiment.design()
    assert len(design) == 4 * 2 * 2 and list(design["run_id"]) == list(range(16))
    assert set(design["seed_spawn_key"]) == {0, 1} and (design["seed_entropy"] == 11).all()
    assert design.groupby("ct_lead").size().to_dict() == {"military": 8, "police": 8}, "levels equally sampled"
    assert design["sanctuary_strength"].between(0.2, 0.8).all()


def test_local_processes_match_serial(tmp_path, serial_reference):
    experiment = load_experiment(experiment_file(tmp_path))
    run_batch(experiment, tmp_path / "out", BatchOptions(executor="processes", workers=2, task_seconds=0.05,
                                                         progress=False))
    pd.testing.assert_frame_equal(outcomes(tmp_path / "out"), serial_reference)
    monthly = load_monthly(tmp_path / "out")
    assert len(monthly) == 12 * 3 and set(monthly["month_index"]) == {4, 8, 12}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_dask_scheduler_and_two_workers_match_serial(tmp_path, serial_reference):
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    env = {**os.environ, "DASK_DISTRIBUTED__WORKER__DAEMON": "False"}
    procs = [subprocess.Popen([str(BIN / "dask"), "scheduler", "--host", "127.0.0.1", "--port", str(port),
                               "--no-dashboard"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)]
    try:
        for _ in range(2):
            procs.append(subprocess.Popen([str(BIN / "dask"), "worker", address, "--nworkers", "1", "--nthreads",
                                           "1", "--host", "127.0.0.1", "--no-dashboard"], env=env,
                                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        from distributed import Client

        with Client(address, timeout="60s") as client:
            client.wait_for_workers(2, timeout=120)
        experiment = load_experiment(experiment_file(tmp_path))
        code = subprocess.run([str(BIN / "ctsim"), "batch", str(experiment.path), "--out", str(tmp_path / "out"),
                               "--scheduler", address, "--task-seconds", "0.05", "--point"],  # as the reference ran
                              capture_output=True, text=True, timeout=600)
        assert code.returncode == 0, code.stderr
        pd.testing.assert_frame_equal(outcomes(tmp_path / "out"), serial_reference)
        workers = set(load(tmp_path / "out")["worker"])
        assert len(workers) == 2, f"both Dask workers should have run tasks: {workers}"
    finally:
        for proc in reversed(procs):
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()


def test_dask_local_cluster_matches_serial(tmp_path, serial_reference):
    experiment = load_experiment(experiment_file(tmp_path))
    summary = run_batch(experiment, tmp_path / "out", BatchOptions(dask_local=2, task_seconds=0.05, progress=False))
    assert summary.pending == 0 and summary.failed == 0
    pd.testing.assert_frame_equal(outcomes(tmp_path / "out"), serial_reference)


def test_sigkill_partway_then_rerun_completes_without_loss_or_duplicates(tmp_path):
    # long enough runs (2026-12: about 0.07 s each) that the batch is still going when three parts are written
    path = experiment_file(tmp_path, months=120, replications=4, samples=4)
    out = tmp_path / "out"
    command = [str(BIN / "ctsim"), "batch", str(path), "--out", str(out), "--workers", "2", "--task-seconds", "0.05",
               "--point"]
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    store = BatchStore(out)
    deadline = time.time() + 120
    while len(store.part_files()) < 3 and time.time() < deadline and proc.poll() is None:
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    before = {p.name: set(pd.read_parquet(p)["run_id"]) for p in store.part_files()}
    finished_before = set().union(*before.values())
    assert 0 < len(finished_before) < 32, "the kill should land partway"
    assert not list((out / "parts").glob("part-*.parquet.tmp")), "no half-written part is visible as a part"
    rerun = subprocess.run(command, capture_output=True, text=True, timeout=600)
    assert rerun.returncode == 0, rerun.stderr
    after = [set(pd.read_parquet(p)["run_id"]) for p in store.part_files()]
    new_runs = [r for p, ids in zip(store.part_files(), after, strict=True) if p.name not in before for r in ids]
    assert not set(new_runs) & finished_before, "finished runs must not be run again"
    assert len(new_runs) == len(set(new_runs)), "no run is duplicated"
    table = load(out)
    assert len(table) == 32 and (table["status"] == "ok").all()
    assert sorted(finished_before | set(new_runs)) == list(range(32))


def test_a_raising_run_is_recorded_and_retried(tmp_path, monkeypatch):
    experiment = load_experiment(experiment_file(tmp_path))
    monkeypatch.setenv(FAULTS_ENV, json.dumps({"3": "raise"}))
    summary = run_batch(experiment, tmp_path / "out", BatchOptions(executor="serial", progress=False))
    assert summary.failed == 1 and summary.pending == 0
    table = load(tmp_path / "out")
    bad = table[table["status"] == "failed"]
    assert list(bad["run_id"]) == [3] and "fault injected into run 3" in bad["error"].iloc[0]
    assert (table[table["run_id"] != 3]["status"] == "ok").all(), "the batch goes on after a failed run"
    again = run_batch(experiment, tmp_path / "out", BatchOptions(executor="serial", progress=False))
    assert again.ran == 0, "failed runs are not rerun unless asked"
    monkeypatch.delenv(FAULTS_ENV)
    retried = run_batch(experiment, tmp_path / "out", BatchOptions(executor="serial", retry_failed=True,
                                                                   progress=False))
    assert retried.ran == 1 and retried.failed == 0
    assert (load(tmp_path / "out")["status"] == "ok").all()
    assert status(tmp_path / "out").loc["total", "done"] == 12


def test_a_dying_worker_does_not_lose_the_batch(tmp_path, monkeypatch, serial_reference):
    experiment = load_experiment(experiment_file(tmp_path))
    monkeypatch.setenv(FAULTS_ENV, json.dumps({"5": "exit"}))
    summary = run_batch(experiment, tmp_path / "out", BatchOptions(executor="processes", workers=2,
                                                                   task_seconds=0.05, progress=False))
    table = load(tmp_path / "out")
    assert summary.pending == 0
    assert list(table.loc[table["status"] == "failed", "run_id"]) == [5], "only the killer run fails"
    assert "worker process died" in table.loc[table["run_id"] == 5, "error"].iloc[0]
    ok = outcomes(tmp_path / "out").query("run_id != 5").reset_index(drop=True)
    pd.testing.assert_frame_equal(ok, serial_reference.query("run_id != 5").reset_index(drop=True))


def test_a_pool_found_broken_at_submission_loses_nothing(tmp_path, monkeypatch, serial_reference):
    """A worker can die after its earlier futures were seen to succeed and before its own future is seen to fail:
    the next submission then raises. The batch must rebuild the pool and run every task, none twice or lost."""
    from concurrent.futures.process import BrokenProcessPool

    from ctsim.experiments import batch, executors

    real = executors.process_pool
    submissions = {"n": 0}

    class BreaksOnThirdSubmit:
        def __init__(self, workers):
            self.pool = real(workers)

        def submit(self, *args):
            submissions["n"] += 1
            if submissions["n"] == 3:
                raise BrokenProcessPool("simulated: a worker died unseen")
            return self.pool.submit(*args)

        def shutdown(self, *args, **kwargs):
            return self.pool.shutdown(*args, **kwargs)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.pool.shutdown(wait=True, cancel_futures=True)

    monkeypatch.setattr(executors, "process_pool", BreaksOnThirdSubmit)
    monkeypatch.setattr(batch, "process_pool", BreaksOnThirdSubmit)
    experiment = load_experiment(experiment_file(tmp_path))
    summary = run_batch(experiment, tmp_path / "out", BatchOptions(executor="processes", workers=2,
                                                                   task_seconds=0.05, progress=False))
    assert submissions["n"] > 3, "the simulated break happened"
    assert summary.pending == 0 and summary.failed == 0
    pd.testing.assert_frame_equal(outcomes(tmp_path / "out"), serial_reference)


def test_changed_experiment_refuses_to_resume(tmp_path):
    path = experiment_file(tmp_path)
    run_batch(load_experiment(path), tmp_path / "out", BatchOptions(executor="serial", progress=False))
    path.write_text(path.read_text().replace("seed = 11", "seed = 12"))
    with pytest.raises(ExperimentError, match="changed since the batch"):
        run_batch(load_experiment(path), tmp_path / "out", BatchOptions(executor="serial", progress=False))


@pytest.mark.parametrize("body, expected", [
    ('replications = 2\n', "key 'scenarios' is missing"),
    ('scenarios = ["nope.toml"]\n', "key 'scenarios[0]': file not found"),
    ('scenarios = ["S"]\nreplicatons = 2\n', "unknown key 'replicatons'; did you mean 'replications'?"),
    ('scenarios = ["S"]\nreplications = 0\n', "key 'replications' = 0 is outside the valid range"),
    ('scenarios = ["S"]\n[design]\nmethod = "sobol"\n', "key 'design.method' must be one of"),
    ('scenarios = ["S"]\n[design]\nmethod = "latin_hypercube"\n[design.factors]\nx = [0, 1]\n',
     "key 'design.factors.x': unknown lever or uncertainty"),
    ('scenarios = ["S"]\n[design]\nmethod = "latin_hypercube"\nsamples = 3\n[design.factors]\n'
     'sanctuary_strength = [0.2, 1.5]\n', "key 'design.factors.sanctuary_strength'"),
    ('scenarios = ["S"]\n[design]\nmethod = "latin_hypercube"\n[design.factors]\nsanctuary_strength = [0.2, 0.5]\n',
     "key 'design.samples' is needed"),
    ('scenarios = ["S"]\n[design]\nmethod = "full_factorial"\n[design.factors]\nct_lead = ["army"]\n',
     "'ct_lead' must be one of military, rangers, police"),
    ('scenarios = ["S"]\n[design]\nmethod = "list"\npoints = [{dialogue = 0.5}, {madrasa_reform = 1.0}]\n',
     "every point must set the same factors"),
    ('scenarios = ["S"]\n[design]\nmethod = "file"\npath = "points.csv"\n', "key 'design.path': file not found"),
    ('scenarios = ["S"]\n[outputs]\nmonthly = ["atacks"]\n', "did you mean 'attacks'?"),
])
def test_malformed_experiment_files(tmp_path, body, expected):
    path = tmp_path / "bad.toml"
    path.write_text(body.replace('"S"', f'"{ROOT / "scenarios" / "baseline.toml"}"'))
    with pytest.raises(ExperimentError) as err:
        load_experiment(path)
    assert str(err.value).startswith(str(path)) and expected in str(err.value)


def test_full_factorial_list_and_file_designs(tmp_path):
    base = ROOT / "scenarios" / "baseline.toml"
    path = tmp_path / "f.toml"
    path.write_text(f'scenarios = ["{base}"]\n[design]\nmethod = "full_factorial"\n[design.factors]\n'
                    f'ct_lead = ["military", "police"]\ncentral_ctd = [false, true]\ndialogue = [0.0, 0.5, 1.0]\n')
    assert len(load_experiment(path).points) == 12
    (tmp_path / "points.csv").write_text("dialogue,ct_lead\n0.2,police\n0.4,rangers\n")
    path.write_text(f'scenarios = ["{base}"]\n[design]\nmethod = "file"\npath = "points.csv"\n')
    assert load_experiment(path).points == [{"dialogue": 0.2, "ct_lead": "police"},
                                            {"dialogue": 0.4, "ct_lead": "rangers"}]
    (tmp_path / "points.csv").write_text("dialogue\n1.7\n")
    with pytest.raises(ExperimentError, match=r"design.path row 2.dialogue"):
        load_experiment(path)


def test_batch_cli_status_and_errors(tmp_path, capsys):
    from ctsim.cli import main

    path = experiment_file(tmp_path)
    assert main(["batch", str(path), "--out", str(tmp_path / "out"), "--executor", "serial"]) == 0
    assert "12 run now (0 failed)" in capsys.readouterr().out
    assert main(["batch", "--status", str(tmp_path / "out")]) == 0
    assert "total" in capsys.readouterr().out
    assert main(["batch", "--status", str(tmp_path / "nothing")]) == 2
    assert main(["batch", str(path), "--workers", "0"]) == 2
    assert main(["batch", str(tmp_path / "missing.toml")]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and "missing.toml: file not found" in err


def test_example_experiment_validates():
    experiment = load_experiment(ROOT / "experiments" / "lever_sweep.toml")
    assert experiment.n_runs == 16 * 2 * 4


def test_recycled_worker_pools_give_the_same_results(tmp_path, serial_reference):
    experiment = load_experiment(experiment_file(tmp_path))
    summary = run_batch(experiment, tmp_path / "out", BatchOptions(workers=2, task_seconds=0.01,
                                                                   max_tasks_per_child=1, progress=False))
    assert summary.pending == 0 and summary.failed == 0
    pd.testing.assert_frame_equal(outcomes(tmp_path / "out"), serial_reference)


def _square(x):
    return x * x


@pytest.mark.parametrize("kind", ["serial", "processes"])
def test_replicate_keeps_the_order_of_its_items_and_reports_progress_on_any_executor(kind):
    from ctsim.experiments.executors import ExecutorSpec, replicate

    seen, ticks = [], []
    out = replicate(_square, range(7), ExecutorSpec(kind=kind, workers=2), on_result=lambda: ticks.append(1),
                    on_progress=lambda done, total: seen.append((done, total)))
    assert out == [x * x for x in range(7)], f"{kind}: results in the order of the items"
    assert seen == [(k, 7) for k in range(1, 8)] and len(ticks) == 7, \
        f"{kind}: progress once per finished item, counting up to the number of items"
