"""What a batch worker does: run a task (a group of runs) and return one record per run.

Top-level and importable, so local processes and Dask workers can run it. A run that raises is returned as a failed
record with its error; it does not stop the task. For tests of the failure handling, the environment variable
``CTSIM_FAULT_INJECTION`` may hold JSON mapping run ids to ``"raise"`` (the run raises) or ``"exit"`` (the worker
process dies with ``os._exit``); it is ignored when unset.
"""

from __future__ import annotations

import json
import os
import socket
import time
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ctsim.scenarios.files import Scenario
from ctsim.scenarios.runner import run

FAULTS_ENV = "CTSIM_FAULT_INJECTION"


@dataclass(frozen=True)
class RunSpec:
    """Everything one run needs.

    Attributes:
        run_id: the run's id in the design.
        scenario: the scenario (levers, uncertainties, schedule).
        levers: the design point's lever values (override the scenario's starting values).
        uncertainties: the design point's uncertainty values.
        seed_entropy: root seed.
        seed_spawn_key: the replication (the run's SeedSequence is ``SeedSequence(entropy, spawn_key=(key,))``).
        seed_extra: when not 0, appended to the spawn key: a sensitivity study's dummy factor reshuffles the random
            streams this way, so that its index measures noise alone.
        months: horizon.
        monthly: monthly outputs to keep.
        monthly_every: keep every k-th month.
        draw: the replication's posterior draw (parameter values below the scenario's and the design point's;
            :mod:`ctsim.calibration.parameter_sets`); None for the point calibration.
    """

    run_id: int
    scenario: Scenario
    levers: dict[str, Any]
    uncertainties: dict[str, float]
    seed_entropy: int
    seed_spawn_key: int
    months: int
    monthly: tuple[str, ...] = ()
    monthly_every: int = 1
    seed_extra: int = 0
    draw: dict[str, float] | None = None


@dataclass
class TaskResult:
    """Records of a task: summary rows (one per run) and thinned monthly rows."""

    task_id: int
    runs: list[dict[str, Any]]
    monthly: pd.DataFrame | None


def _faults() -> dict[int, str]:
    text = os.environ.get(FAULTS_ENV)
    return {int(k): v for k, v in json.loads(text).items()} if text else {}


def run_one(spec: RunSpec) -> tuple[dict[str, float], pd.DataFrame | None]:
    """Run one design row and return its summary and (if asked) its thinned monthly series."""

    fault = _faults().get(spec.run_id)
    if fault == "exit":
        os._exit(17)
    if fault == "raise":
        raise RuntimeError(f"fault injected into run {spec.run_id}")
    key = (spec.seed_spawn_key,) if spec.seed_extra == 0 else (spec.seed_spawn_key, spec.seed_extra)
    seed = np.random.SeedSequence(spec.seed_entropy, spawn_key=key)
    result = run(spec.scenario, seed, spec.months, levers=spec.levers, uncertainties=spec.uncertainties,
                 draw=spec.draw)
    national = result.national
    monthly = None
    if spec.monthly:
        kept = national.iloc[spec.monthly_every - 1::spec.monthly_every]
        monthly = kept[["month", *spec.monthly]].assign(run_id=spec.run_id,
                                                          month_index=kept.index.to_numpy() + 1)
    return result.summary, monthly


def execute_task(task_id: int, specs: list[RunSpec]) -> TaskResult:
    """Run every spec of a task; a run that raises becomes a failed record and the task goes on."""
    host = f"{socket.gethostname()}:{os.getpid()}"
    runs, monthly = [], []
    for spec in specs:
        start = time.perf_counter()
        try:
            summary, series = run_one(spec)
            record = {"run_id": spec.run_id, "status": "ok", "error": "", **summary}
            if series is not None:
                monthly.append(series)
        except Exception as exc:  # noqa: BLE001 - a failed run is data, recorded with its error
            record = {"run_id": spec.run_id, "status": "failed", "error": f"{type(exc).__name__}: {exc}"}
        record.update(elapsed_s=time.perf_counter() - start, worker=host)
        runs.append(record)
    return TaskResult(task_id, runs, pd.concat(monthly, ignore_index=True) if monthly else None)
