"""Batch experiments: every run of an experiment's design, on any ``concurrent.futures.Executor``, kept safe on disk.

Executors: ``serial`` (in this process), ``processes`` (the default: spawned local processes, one per core, recycled
after a number of tasks), ``dask`` (a Dask distributed scheduler given by address, or a ``LocalCluster`` started
here). Runs are grouped into tasks of about ``task_seconds`` each, with a bounded number in flight.

The batch folder holds ``design.parquet`` (one row per run), ``batch.json`` (what the batch is) and ``parts/``:
every finished task is written as a Parquet part file under a temporary name and renamed, so a part is either
whole or absent. A run is finished when a part records it; rerunning the same command resumes, skipping finished
runs, and ``retry_failed`` reruns the failed ones. A run that raises is recorded as failed with its error. A local
worker process that dies breaks the process pool: the pool is rebuilt and the tasks in flight are retried one at a
time, so the run that kills its worker is found and recorded as failed while the others finish. Dask reschedules
tasks of a lost worker itself and reports a task that keeps killing workers, which is then recorded as failed.

**What a resume checks.** ``batch.json`` records the SHA-256 of every file the design depends on: the experiment
(or study) file, every scenario file with its ``extends`` and ``history`` chain, a points file, and the calibration
the model reads. A rerun recomputes them and refuses to resume when one changed, naming it, since runs computed with
the new content would be labelled with the old design. One driver at a time: the driver holds an exclusive
``fcntl.flock`` on ``batch.lock`` while it runs; the operating system releases it when the driver dies, even by
SIGKILL, so a stale lock never blocks a rerun, and a second driver is refused with the first one's process id.

The design is written and read a chunk at a time and tasks are built as they are submitted, so the driver's memory
stays flat in the number of runs (``benchmarks/bench_design_memory.py``).
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import math
import os
import time
from collections import deque
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, Executor, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from tqdm import tqdm

from ctsim.calibration.parameter_sets import POINT_SET
from ctsim.declarations.levers import LEVERS_BY_NAME
from ctsim.declarations.limits import MAX_INITIAL_CELLS, MAX_INITIAL_MILITANTS, PLAUSIBLE_INITIAL_MILITANTS
from ctsim.declarations.parameters import CALIBRATION_FILE
from ctsim.experiments.design import Experiment, ExperimentError, largest_initial_state
from ctsim.experiments.executors import ExecutorSpec, OpenExecutor, default_workers, open_executor, process_pool
from ctsim.experiments.worker import RunSpec, TaskResult, execute_task
from ctsim.inputs import excerpt_path
from ctsim.provenance import version
from ctsim.storage import atomic_write, ensure_folder, open_in_place, write_text
from ctsim.storage.results import is_batch, latest_records, part_files, part_number, read_batch_info, read_part

SECONDS_PER_RUN_MONTH = 0.00045  # measured (a7f857f, docs/performance.md): a 156-month standard run 0.068 s, one core
SECONDS_PER_RUN_SETUP = 0.01
# How the cost grows with the initial state (benchmarks/bench_state_size.py, 2026-12-05; ctsim.declarations.limits):
# the first month merges small cells at 35 to 50 microseconds per initial cell (45,000 cells: 1.7 s with issue 32's
# compiled kernels, 2.4 s before), and a month costs 5e-8 to 1e-7 s more per militant beyond the plausible 9,000 (a
# million militants: 0.05 to 0.1 s a month, on a shared machine); the estimate takes the dearer figures.
SECONDS_PER_INITIAL_CELL = 5e-5
SECONDS_PER_MILITANT_MONTH = 1e-7
MAX_ISOLATED_ATTEMPTS = 2


@dataclass
class BatchOptions:
    """How to run a batch.

    Attributes:
        executor: ``serial``, ``processes`` or ``dask``.
        workers: local worker processes (default: one per core) or LocalCluster workers.
        scheduler: address of a running Dask scheduler (``tcp://host:port``); implies ``dask``.
        dask_local: start a Dask ``LocalCluster`` with this many single-threaded worker processes.
        retry_failed: rerun runs recorded as failed.
        task_seconds: target duration of a task (runs are grouped to reach it).
        max_in_flight: tasks submitted at once (default: twice the workers).
        max_tasks_per_child: tasks a local worker process runs, on average, before the pool is replaced (the driver
            drains and rebuilds the pool itself: ProcessPoolExecutor's own max_tasks_per_child can hang on Python
            3.11).
        progress: show a progress bar.
    """

    executor: str = "processes"
    workers: int | None = None
    scheduler: str | None = None
    dask_local: int | None = None
    retry_failed: bool = False
    task_seconds: float = 1.0
    max_in_flight: int | None = None
    max_tasks_per_child: int = 100
    progress: bool = True

    @property
    def spec(self) -> ExecutorSpec:
        """Where the runs execute (:mod:`ctsim.experiments.executors`)."""
        return ExecutorSpec(self.executor, self.workers, self.scheduler, self.dask_local)


@dataclass
class BatchSummary:
    """What a batch invocation did."""

    folder: Path
    total: int
    already_done: int
    ran: int
    failed: int
    pending: int
    wall_s: float

    @property
    def runs_per_second(self) -> float:
        """Runs finished (ok or failed) by this invocation per second of wall time."""
        return self.ran / self.wall_s if self.wall_s > 0 else 0.0

    def __str__(self) -> str:
        return (f"batch {self.folder}: {self.total} runs in the design; {self.already_done} already finished; "
                f"{self.ran} run now ({self.failed} failed) in {self.wall_s:.1f} s, "
                f"{self.runs_per_second:.2f} runs/s; {self.pending} pending")


class BatchStore:
    """The batch folder: design, description and part files."""

    def __init__(self, folder: str | Path) -> None:
        self.folder = Path(folder)
        self.parts = self.folder / "parts"
        self.monthly = self.folder / "monthly"
        self.design_path = self.folder / "design.parquet"
        self.info_path = self.folder / "batch.json"
        self._next_part: int | None = None

        self.lock_path = self.folder / "batch.lock"
        self._lock_fd: int | None = None

    def exists(self) -> bool:
        """True when a batch has been started in this folder."""
        return is_batch(self.folder)

    def lock(self, where: object) -> None:
        """Take the folder's single-driver lock, or raise naming the driver that holds it.

        ``fcntl.flock`` belongs to the open file: the operating system drops it when the holder exits or is killed,
        so a lock left by a killed driver never blocks. The file keeps the holder's pid and start time for the
        message. It is opened without following a link and must be a regular file with no other hard link
        (:func:`ctsim.storage.open_in_place`): a link planted there is refused, its target untouched.
        """
        self.folder.mkdir(parents=True, exist_ok=True)
        fd = open_in_place(self.lock_path)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 200, 0).decode("utf-8", "replace").strip() or "unknown"
            os.close(fd)
            raise ExperimentError(f"{where}: another ctsim batch driver ({holder}) is running this batch in "
                                  f"{excerpt_path(self.folder)}; wait for it to finish or stop it first") from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"pid {os.getpid()} started {datetime.now(UTC).isoformat(timespec='seconds')}".encode(), 0)
        self._lock_fd = fd

    def unlock(self) -> None:
        """Release the lock (the file stays; it is only a handle)."""
        if self._lock_fd is not None:
            os.close(self._lock_fd)
            self._lock_fd = None

    def start(self, experiment: Experiment) -> None:
        """Write the design and description, or check that they match a batch already started here."""
        inputs = input_hashes(experiment)
        parameters = _parameters(experiment).manifest(experiment.replications)
        if self.exists():
            info = read_batch_info(self.folder)  # checked: one line naming batch.json when it was changed
            mode = (info.get("parameters") or {}).get("mode", "point")  # batches before issue 14 ran on the point
            if mode != parameters["mode"]:
                started = "posterior draws" if mode == "draws" else "the point calibration (--point)"
                raise ExperimentError(
                    f"{experiment.path}: the batch in {excerpt_path(self.folder)} was started with {started}; resume "
                    f"it {'without' if mode == 'draws' else 'with'} --point, or write to a new folder (--out)")
            recorded = info.get("inputs")
            if recorded is not None:
                changed = [f for f in sorted(set(recorded) | set(inputs)) if recorded.get(f) != inputs.get(f)]
                if changed:
                    what = "; ".join(_change(f, recorded, inputs) for f in changed[:3])
                    raise ExperimentError(
                        f"{experiment.path}: cannot resume the batch in {excerpt_path(self.folder)}: {what} changed "
                        f"since the batch started; restore the original, or write to a new folder (--out)")
            if info.get("experiment_sha256") != experiment.sha256 or info.get("runs") != experiment.n_runs:
                raise ExperimentError(
                    f"{experiment.path}: the experiment or one of its scenario files changed since the batch in "
                    f"{excerpt_path(self.folder)} started; resume with the original files, or write to a new folder "
                    f"(--out)")
            return
        ensure_folder(self.parts)
        atomic_write(self.design_path, lambda tmp: write_design(experiment, tmp))
        info = {
            "experiment": experiment.name, "experiment_file": str(experiment.path),
            "experiment_sha256": experiment.sha256, "inputs": inputs, "runs": experiment.n_runs,
            "months": experiment.months,
            "replications": experiment.replications, "root_seed": experiment.seed, "method": experiment.method,
            "scenarios": [{"name": s.name, "files": [str(f) for f in s.files]} for s in experiment.scenarios],
            "ctsim_version": version(), "created_utc": datetime.now(UTC).isoformat(timespec="seconds"),
            "seeds": "replication r of every scenario and point uses SeedSequence(root_seed, spawn_key=(r,))",
            "parameters": parameters,
        }
        write_text(self.info_path, json.dumps(info, indent=2))

    def finished(self, n_runs: int) -> tuple[np.ndarray, np.ndarray]:
        """Masks over run ids: runs whose latest record is ok, and runs whose latest record failed (reading only
        the run id and status of each part, so memory stays small)."""
        ok = np.zeros(n_runs, dtype=bool)
        failed = np.zeros(n_runs, dtype=bool)
        for part in self.part_files():
            frame = read_part(part, ("run_id", "status"))
            ids = frame["run_id"].to_numpy(dtype=np.int64)
            keep = (ids >= 0) & (ids < n_runs)
            ids, good = ids[keep], (frame["status"].to_numpy() == "ok")[keep]
            ok[ids], failed[ids] = good, ~good  # parts in writing order: the latest record wins
        return ok, failed

    def part_files(self) -> list[Path]:
        """Finished part files, in the order they were written (checked: :func:`ctsim.storage.results.part_files`)."""
        return part_files(self.parts)

    def outcomes(self) -> pd.DataFrame:
        """The latest record of every run that has one (a retried run's newest part wins)."""
        return latest_records(self.folder)

    def write(self, result: TaskResult) -> None:
        """Write a finished task as the next part file (and its monthly part), each atomically."""
        if self._next_part is None:
            existing = self.part_files()
            self._next_part = part_number(existing[-1]) + 1 if existing else 0
        name = f"part-{self._next_part:06d}.parquet"
        self._next_part += 1
        if result.monthly is not None and not result.monthly.empty:
            ensure_folder(self.monthly)
            _atomic_parquet(result.monthly, self.monthly / name)
        _atomic_parquet(pd.DataFrame(result.runs), self.parts / name)


def _atomic_parquet(frame: pd.DataFrame, path: Path) -> None:
    atomic_write(path, lambda tmp: frame.to_parquet(tmp, index=False))


def _change(file: str, recorded: dict, now: dict) -> str:
    if file not in now:
        return f"{excerpt_path(file, 80)} (no longer used)"
    if file not in recorded:
        return f"{excerpt_path(file, 80)} (newly used)"
    return excerpt_path(file, 80)


def _sha(path: Path) -> str:
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError:
        return "unreadable"


def input_hashes(experiment: Experiment) -> dict[str, str]:
    """SHA-256 of every file the design depends on, by resolved path: the experiment file and a points file (as
    read when the experiment was loaded), every scenario file with its extends and history chain, and the
    calibration."""

    out = dict(experiment.inputs)
    for scenario in experiment.scenarios:
        files = [*scenario.files, *(scenario.history.files if scenario.history else ())]
        for file in files:
            out.setdefault(str(Path(file).resolve()), _sha(file))
    out[str(CALIBRATION_FILE.resolve())] = _sha(CALIBRATION_FILE)
    parameters = _parameters(experiment)
    if parameters.path is not None:  # runs on the draws depend on the draws file
        out[str(parameters.path.resolve())] = _sha(parameters.path)
    return out


def _parameters(experiment: Experiment):

    return experiment.parameters or POINT_SET


def write_design(experiment: Experiment, path: Path) -> None:
    """Write the design table to ``path`` as Parquet, a chunk at a time."""
    writer = None
    try:
        for chunk in experiment.design_chunks():
            table = pa.Table.from_pandas(chunk, preserve_index=False)
            if writer is None:
                writer = pq.ParquetWriter(path, table.schema)
            writer.write_table(table.cast(writer.schema))
    finally:
        if writer is not None:
            writer.close()


def default_folder(experiment: Experiment, root: str | Path = "results") -> Path:
    """``results/batch/<experiment name>``: a fixed place, so that rerunning the command resumes."""
    return Path(root) / "batch" / experiment.name


def run_specs(experiment: Experiment, design: pd.DataFrame) -> dict[int, RunSpec]:
    """The run specification of every row of the design."""
    factors = list(experiment.factors)
    levers = [f for f in factors if f in LEVERS_BY_NAME]
    uncertain = [f for f in factors if f not in LEVERS_BY_NAME]
    parameters = _parameters(experiment)
    draws: dict[int, dict[str, float] | None] = {}
    specs = {}
    for row in design.to_dict("records"):
        replication = int(row["replication"])
        if replication not in draws:
            draws[replication] = parameters.values(replication) or None
        specs[int(row["run_id"])] = RunSpec(
            run_id=int(row["run_id"]), scenario=experiment.scenarios[int(row["scenario_index"])],
            levers={k: _plain(row[k]) for k in levers}, uncertainties={k: float(row[k]) for k in uncertain},
            seed_entropy=int(row["seed_entropy"]), seed_spawn_key=int(row["seed_spawn_key"]),
            months=experiment.months, monthly=experiment.monthly, monthly_every=experiment.monthly_every,
            seed_extra=int(row.get("seed_extra", 0)), draw=draws[replication])
    return specs


def _plain(value):
    return value.item() if hasattr(value, "item") else value


def estimated_seconds(runs: int, months: int, workers: int, militants: float = 0.0, cells: float = 0.0) -> float:
    """Rough wall time of ``runs`` runs of ``months`` months each on ``workers`` workers (the measured cost of a
    model month; history months count), each starting with ``militants`` in ``cells`` (the larger the initial state,
    the dearer the first month and every month after)."""
    month = SECONDS_PER_RUN_MONTH + SECONDS_PER_MILITANT_MONTH * max(0.0, militants - PLAUSIBLE_INITIAL_MILITANTS)
    return runs * (SECONDS_PER_RUN_SETUP + month * months + SECONDS_PER_INITIAL_CELL * cells) / max(1, workers)


def dry_run_text(experiment: Experiment, options: BatchOptions, folder: Path) -> str:
    """What ``ctsim batch --dry-run`` prints: the run count, the executor and a rough wall time; nothing runs and
    nothing is created."""
    spec = options.spec
    workers = 1 if spec.resolved_kind == "serial" or spec.scheduler else (
        spec.dask_local or spec.workers or default_workers())
    months = experiment.months + max(s.history_months for s in experiment.scenarios)
    where = {"serial": "in this process", "processes": f"on {workers} local processes",
             "dask": f"on the Dask scheduler {spec.scheduler}" if spec.scheduler else
             f"on a Dask LocalCluster of {workers} workers"}[spec.resolved_kind]
    militants, cells = largest_initial_state(experiment)
    eta = estimated_seconds(experiment.n_runs, months, workers, militants, cells)
    basis = ("on one worker: divide by the cluster's workers" if spec.scheduler
             else "at the measured cost of a model month on this machine")
    return (f"batch {experiment.name}: {experiment.n_runs:,} runs ({len(experiment.scenarios)} scenario(s) x "
            f"{max(1, experiment.n_points):,} point(s) x {experiment.replications} replication(s)) of "
            f"{months} months (history included) {where}, into {folder}; each starting with at most "
            f"{militants:,.0f} militants in {cells:,.0f} cells (limits {MAX_INITIAL_MILITANTS:,.0f} and "
            f"{MAX_INITIAL_CELLS:,.0f}); roughly {_duration(eta)} ({basis}). "
            f"Dry run: nothing was run or created.")


def _duration(seconds: float) -> str:
    return f"{seconds:,.0f} s" if seconds < 60 else f"{seconds / 60:,.1f} min"


def runs_per_task(months: int, task_seconds: float) -> int:
    """Runs grouped into one task so that it lasts about ``task_seconds``."""
    estimate = SECONDS_PER_RUN_SETUP + SECONDS_PER_RUN_MONTH * months
    return max(1, math.ceil(task_seconds / estimate))


class _Tasks:
    """Tasks made on demand from an iterator (``popleft`` and truth like a deque), so that only the tasks in flight
    exist at any time."""

    def __init__(self, tasks: Iterator[tuple[int, list[RunSpec]]]) -> None:
        self._tasks = tasks
        self._next = next(tasks, None)
        self._returned: list[tuple[int, list[RunSpec]]] = []

    def __bool__(self) -> bool:
        return bool(self._returned) or self._next is not None

    def appendleft(self, item: tuple[int, list[RunSpec]]) -> None:
        """Put back a task that was taken but never started; it comes out next."""
        self._returned.append(item)

    def popleft(self) -> tuple[int, list[RunSpec]]:
        if self._returned:
            return self._returned.pop()
        item = self._next
        if item is None:
            raise IndexError("no more tasks")
        self._next = next(self._tasks, None)
        return item


def _task_stream(experiment: Experiment, todo: np.ndarray, size: int) -> Iterator[tuple[int, list[RunSpec]]]:
    """Tasks of ``size`` runs over the design's chunks, skipping runs not in ``todo`` (a mask over run ids)."""
    task_id, batch = 0, []
    for chunk in experiment.design_chunks():
        chunk = chunk[todo[chunk["run_id"].to_numpy()]]
        if chunk.empty:
            continue
        for spec in run_specs(experiment, chunk).values():
            batch.append(spec)
            if len(batch) == size:
                yield task_id, batch
                task_id, batch = task_id + 1, []
    if batch:
        yield task_id, batch


def run_batch(experiment: Experiment, folder: str | Path, options: BatchOptions | None = None) -> BatchSummary:
    """Run (or resume) every unfinished run of the experiment's design, writing results to ``folder``.

    Raises:
        ExperimentError: when another driver holds the batch, or a file the design depends on changed since the
            batch started (naming it).
    """
    options = options or BatchOptions()
    started = time.perf_counter()
    store = BatchStore(folder)
    # The executor first: an unreachable scheduler then stops the batch before its folder is created.
    with open_executor(options.spec) as running:
        store.lock(experiment.path)
        try:
            return _run_locked(experiment, store, options, started, running)
        finally:
            store.unlock()


def _run_locked(experiment: Experiment, store: BatchStore, options: BatchOptions, started: float,
                running: OpenExecutor) -> BatchSummary:
    store.start(experiment)
    n_runs = experiment.n_runs
    finished, failed_before = store.finished(n_runs)
    skip = finished if options.retry_failed else finished | failed_before
    todo = ~skip
    n_todo = int(todo.sum())
    size = runs_per_task(experiment.months, options.task_seconds)
    executor, workers, is_pool = running.executor, running.workers, running.is_process_pool
    # Enough tasks to keep every worker busy to the end (at least four per worker), none much longer than the
    # target.
    size = max(1, min(size, math.ceil(n_todo / (4 * workers)))) if n_todo else size
    tasks = _Tasks(_task_stream(experiment, todo, size))
    bar = tqdm(total=n_todo, desc=f"batch {experiment.name}", unit="run", disable=not options.progress,
               smoothing=0.1)
    failed_now = 0

    def record(result: TaskResult) -> None:
        nonlocal failed_now
        store.write(result)
        failed_now += sum(r["status"] == "failed" for r in result.runs)
        bar.update(len(result.runs))

    in_flight = options.max_in_flight or 2 * workers
    if is_pool:
        _drive_pool(tasks, executor, options, workers, in_flight, record)
    else:
        _drive(tasks, executor, in_flight, record)
    bar.close()
    ok, failed = store.finished(n_runs)
    pending = n_runs - int(ok.sum()) - int(failed.sum())
    return BatchSummary(store.folder, n_runs, int(skip.sum()), n_todo, failed_now, pending,
                        time.perf_counter() - started)


def _drive(tasks: deque, executor: Executor, in_flight: int, record) -> None:
    """Keep up to ``in_flight`` tasks submitted; record each as it finishes. A task whose execution raises (a Dask
    task that killed its workers too often, for example) is recorded with all its runs failed."""
    pending: dict[Future, tuple[int, list[RunSpec]]] = {}
    while tasks or pending:
        while tasks and len(pending) < in_flight:
            task_id, specs = tasks.popleft()
            pending[executor.submit(execute_task, task_id, specs)] = (task_id, specs)
        done, _ = wait(pending, return_when=FIRST_COMPLETED)
        for future in done:
            task_id, specs = pending.pop(future)
            error = future.exception()
            record(future.result() if error is None else _failed(task_id, specs, error))


def _failed(task_id: int, specs: list[RunSpec], error: BaseException) -> TaskResult:
    text = f"{type(error).__name__}: {error}"
    return TaskResult(task_id, [{"run_id": s.run_id, "status": "failed", "error": text, "elapsed_s": float("nan"),
                                 "worker": ""} for s in specs], None)


def _drive_pool(tasks: deque, executor: ProcessPoolExecutor, options: BatchOptions, workers: int, in_flight: int,
                record) -> None:
    """Like :func:`_drive`, for a local process pool that breaks when a worker dies: rebuild it, and retry the
    tasks that were in flight one run at a time, alone, so the run that kills its worker is found."""
    suspects: deque[tuple[int, RunSpec, int]] = deque()
    pool = executor
    try:
        while tasks or suspects:
            if suspects:
                task_id, spec, attempt = suspects.popleft()
                future = pool.submit(execute_task, task_id, [spec])
                try:
                    record(future.result())
                except BrokenProcessPool as exc:
                    pool.shutdown(wait=True, cancel_futures=True)
                    pool = process_pool(workers)
                    if attempt + 1 >= MAX_ISOLATED_ATTEMPTS:
                        record(_failed(task_id, [spec], RuntimeError(f"worker process died running it ({exc})")))
                    else:
                        suspects.appendleft((task_id, spec, attempt + 1))
                continue
            pending: dict[Future, tuple[int, list[RunSpec]]] = {}
            broken = False
            submitted = 0
            recycle_after = options.max_tasks_per_child * workers
            while (tasks or pending) and not broken:
                while tasks and len(pending) < in_flight and submitted < recycle_after:
                    task_id, specs = tasks.popleft()
                    try:
                        pending[pool.submit(execute_task, task_id, specs)] = (task_id, specs)
                    except BrokenProcessPool:  # a worker died before any of its futures was seen to fail
                        tasks.appendleft((task_id, specs))  # never started: it goes back in the queue
                        broken = True
                        break
                    submitted += 1
                if broken:
                    break
                if not pending:  # this pool has done its share: replace its workers with fresh ones
                    pool.shutdown(wait=True)
                    pool = process_pool(workers)
                    submitted = 0
                    continue
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    task_id, specs = pending.pop(future)
                    try:
                        record(future.result())
                    except BrokenProcessPool:
                        broken = True
                        suspects.extend((task_id, s, 0) for s in specs)
            if broken:
                for future, (task_id, specs) in pending.items():
                    if future.done() and future.exception() is None:
                        record(future.result())
                    else:
                        suspects.extend((task_id, s, 0) for s in specs)
                pool.shutdown(wait=True, cancel_futures=True)
                pool = process_pool(workers)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
