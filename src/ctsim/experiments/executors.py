"""Where runs execute, and the one way a study replicates: in this process, in local processes, or on a Dask
cluster. One module for every caller.

Every study that runs replications (comparisons, the evidence table, pattern checks and their robustness and
posterior studies, the point calibration's candidates, the predictive checks, the long run, the dashboard's
comparison) takes its seeds and parameter draws from :func:`replications` and runs them with :func:`replicate`, so
replication ``r`` of every study follows one rule (child ``r`` of the study's ``SeedSequence``, draw ``r`` of the
parameter set), every study can run in parallel, and every pool it opens dies with its driver. Batches, the
calibration and the ABC open their executors here too (:func:`open_executor`, :func:`forked_pool`,
:func:`dask_client`), so every command offers the same choices and behaves the same way. Each executor is a
``concurrent.futures.Executor``; :func:`open_executor` is a context manager that starts it and shuts it down (a Dask
cluster it started included).

Local processes are started with ``spawn`` (a clean interpreter: no inherited locks or threads), and every random
draw of a run flows from its own seed, so results do not depend on the executor or the number of workers.

Local workers die with their driver: each worker watches its parent (a thread that exits the worker once
``os.getppid()`` changes, i.e. the driver is gone, however it died) and, on Linux, also asks the kernel for SIGKILL
when its parent dies (``prctl(PR_SET_PDEATHSIG)``). The multiprocessing resource tracker exits by itself once every
process holding its pipe is gone. A SIGKILLed driver therefore leaves no process behind.
"""

from __future__ import annotations

import gc
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from multiprocessing import get_context
from typing import Any
from urllib.parse import urlsplit

import numpy as np

KINDS = ("serial", "processes", "dask")
WORKER_PROFILE = "distributed.worker.profile.enabled"  # Dask setting; off for the clusters ctsim starts
PARENT_POLL_SECONDS = 0.5
PR_SET_PDEATHSIG = 1


@dataclass(frozen=True)
class ExecutorSpec:
    """Where to run.

    Attributes:
        kind: ``serial`` (this process), ``processes`` (local processes) or ``dask``.
        workers: local worker processes (default: one per core).
        scheduler: address of a running Dask scheduler (implies ``dask``). A scheduler runs the code it is sent:
            use only schedulers you trust.
        dask_local: start a Dask LocalCluster of this many workers on 127.0.0.1 (implies ``dask``).
    """

    kind: str = "processes"
    workers: int | None = None
    scheduler: str | None = None
    dask_local: int | None = None

    @property
    def resolved_kind(self) -> str:
        """The kind actually used: a scheduler address or a local cluster size means Dask."""
        return "dask" if (self.scheduler or self.dask_local) else self.kind


@dataclass
class OpenExecutor:
    """An executor that is running, with its number of worker slots and whether it is a local process pool (which
    the batch driver rebuilds after a worker dies)."""

    executor: Executor
    workers: int
    is_process_pool: bool


class SerialExecutor(Executor):
    """Runs each submitted call at once in this process (no pickling, easiest to debug)."""

    def submit(self, fn: Callable, /, *args: Any, **kwargs: Any) -> Future:
        future: Future = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as exc:  # noqa: BLE001 - the future carries the error, as other executors do
            future.set_exception(exc)
        return future


def default_workers() -> int:
    """One worker per core."""
    return os.cpu_count() or 1


def process_pool(workers: int) -> ProcessPoolExecutor:
    """A pool of ``workers`` local processes started with ``spawn``, each of which exits when the driver dies."""
    return ProcessPoolExecutor(max_workers=workers, mp_context=get_context("spawn"), initializer=die_with_parent,
                               initargs=(os.getpid(),))


def forked_pool(workers: int, initializer: Callable[..., None] | None = None,
                initargs: tuple = ()) -> ProcessPoolExecutor:
    """A pool of ``workers`` forked local processes (for work that cannot be pickled, such as pyabc's closures),
    each of which runs ``initializer(*initargs)`` and exits when the driver dies, as :func:`process_pool`'s do.

    A forked worker first moves every object it inherited into the garbage collector's permanent generation
    (``gc.freeze()``, which Python's documentation recommends after a fork): its collections then scan only what its
    own tasks allocate, not the driver's heap of imported libraries (some 450,000 objects under the ABC), and the
    inherited pages are not copied by the collector's writes. Candidates run one after another were 3-4% faster
    (docs/performance.md), a gain the posterior's wall time could not tell from the machine's own variation; what a
    task computes does not change."""
    return ProcessPoolExecutor(max_workers=workers, mp_context=get_context("fork"), initializer=_guarded_initializer,
                               initargs=(os.getpid(), initializer, initargs))


def _guarded_initializer(parent: int, initializer: Callable[..., None] | None, initargs: tuple) -> None:
    gc.freeze()
    die_with_parent(parent)
    if initializer is not None:
        initializer(*initargs)


@contextmanager
def dask_client(scheduler: str | None = None, workers: int | None = None) -> Iterator[Any]:
    """A Dask client: of the scheduler at ``scheduler``, or of a LocalCluster of ``workers`` single-threaded worker
    processes on 127.0.0.1 that this context starts and stops (without the workers' statistical profiler)."""
    from distributed import Client, LocalCluster  # distributed loads in a second: only when Dask is asked for

    with ExitStack() as stack:
        if scheduler:
            yield stack.enter_context(Client(scheduler, timeout="30s"))
            return
        import dask

        # The workers' statistical profiler samples the running task every 10 ms; on pure-Python model runs it cost
        # several per cent of the wall time (benchmarks/bench_batch.py), so local clusters run without it.
        with dask.config.set({WORKER_PROFILE: False}):
            cluster = stack.enter_context(LocalCluster(
                n_workers=workers or default_workers(), threads_per_worker=1, processes=True, host="127.0.0.1",
                dashboard_address=None))
        yield stack.enter_context(Client(cluster))


def die_with_parent(parent: int) -> None:
    """Make this process exit when ``parent`` (the driver) is gone: a watching thread, and on Linux the kernel's
    parent-death signal as well."""
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):  # no prctl: the watching thread alone does the job
            pass
    if os.getppid() != parent:  # the driver died before the signal was armed
        os._exit(1)
    # Ctrl-C reaches the whole process group: the driver handles it (one line, exit 130) and shuts the pool down;
    # workers ignore it rather than each printing a traceback.
    signal.signal(signal.SIGINT, signal.SIG_IGN)

    def watch() -> None:
        while True:
            if os.getppid() != parent:
                os._exit(1)  # no cleanup: the driver that would collect the results is gone
            threading.Event().wait(PARENT_POLL_SECONDS)

    threading.Thread(target=watch, name="ctsim-parent-watch", daemon=True).start()


@contextmanager
def open_executor(spec: ExecutorSpec | None = None) -> Iterator[OpenExecutor]:
    """Start the executor ``spec`` describes and shut it down on exit."""
    spec = spec or ExecutorSpec()
    kind = spec.resolved_kind
    if kind not in KINDS:
        raise ValueError(f"unknown executor {kind!r}; valid: {', '.join(KINDS)}")
    with ExitStack() as stack:
        if kind == "serial":
            yield OpenExecutor(SerialExecutor(), 1, False)
            return
        if kind == "processes":
            workers = spec.workers or default_workers()
            pool = stack.enter_context(process_pool(workers))
            yield OpenExecutor(pool, workers, True)
            return
        client = stack.enter_context(dask_client(spec.scheduler, spec.dask_local or spec.workers))
        workers = max(1, sum(w["nthreads"] for w in client.scheduler_info()["workers"].values()))
        yield OpenExecutor(client.get_executor(pure=False), workers, False)


@dataclass(frozen=True)
class Replication:
    """One replication of a study.

    Attributes:
        index: ``r``, from 0.
        seed: child ``r`` of the study's ``SeedSequence``: every random draw of the run flows from it.
        draw: the parameter values of draw ``r`` of the study's parameter set (empty: the point calibration).
    """

    index: int
    seed: np.random.SeedSequence
    draw: dict[str, float]


def replications(n: int, seed: int | np.random.SeedSequence, parameters: Any = None,
                 spawn_key: tuple[int, ...] = ()) -> list[Replication]:
    """The ``n`` replications of a study rooted at ``seed`` (an int, with an optional ``spawn_key`` that sets a
    study's streams apart, or a ``SeedSequence``): replication ``r`` has child ``r`` of the root and the values of
    draw ``r`` of ``parameters`` (a :class:`ctsim.calibration.parameter_sets.ParameterSet`; None: the point
    calibration). Every scenario of a study uses the same replications: common random numbers, for the parameters
    as for chance."""
    root = seed if isinstance(seed, np.random.SeedSequence) else np.random.SeedSequence(seed, spawn_key=spawn_key)
    values = parameters.values if parameters is not None else (lambda r: {})
    return [Replication(r, child, values(r)) for r, child in enumerate(root.spawn(n))]


def replicate(fn: Callable[[Any], Any], items: Iterable[Any], spec: ExecutorSpec | None = None,
              on_result: Callable[[], None] | None = None,
              on_progress: Callable[[int, int], None] | None = None) -> list[Any]:
    """``[fn(x) for x in items]`` on the executor ``spec`` describes (default: this process), in the order of
    ``items``; ``on_result`` is called once per finished item (a progress bar), ``on_progress`` with (items done, items
    in all). Serial when there is at most one item or one worker."""
    items = list(items)
    spec = spec or ExecutorSpec(kind="serial")
    if len(items) <= 1 or (spec.resolved_kind == "processes" and (spec.workers or default_workers()) <= 1):
        spec = ExecutorSpec(kind="serial")
    if spec.resolved_kind == "processes":
        spec = ExecutorSpec(kind="processes", workers=min(spec.workers or default_workers(), len(items)))
    with open_executor(spec) as running:
        out = []
        chunk = max(1, len(items) // (4 * running.workers))
        results = (running.executor.map(fn, items, chunksize=chunk) if running.is_process_pool
                   else running.executor.map(fn, items))
        for result in results:
            out.append(result)
            if on_result is not None:
                on_result()
            if on_progress is not None:
                on_progress(len(out), len(items))
        return out


def check_scheduler(address: str) -> str:
    """``address`` if it is a Dask scheduler address ctsim can use: ``tcp://HOST:PORT`` with a port in 1-65535.

    Checked before anything is created or contacted. Raises ``ValueError`` with a one-line reason otherwise
    (``tls://`` needs certificates, which ctsim does not pass). A scheduler runs the code it is sent: use only
    schedulers you trust.
    """

    example = "such as tcp://127.0.0.1:8786"
    if not isinstance(address, str) or len(address) > 300 or any(not c.isprintable() or c.isspace()
                                                                  for c in address):
        raise ValueError(f"must be a scheduler address {example}")
    if "://" not in address:
        raise ValueError(f"must be an address with a scheme, {example}")
    scheme = address.split("://", 1)[0].lower()
    if scheme == "tls":
        raise ValueError("tls:// needs certificates, which ctsim does not pass; use tcp:// on a trusted network "
                         "or through an SSH tunnel")
    if scheme != "tcp":
        raise ValueError(f"scheme '{scheme[:20]}://' is not supported; use tcp://HOST:PORT, {example}")
    try:
        parts = urlsplit(address)
        port = parts.port
    except ValueError:
        raise ValueError(f"is not a valid address ({example}; IPv6 as tcp://[::1]:8786)") from None
    if not parts.hostname or port is None or not 1 <= port <= 65535:
        raise ValueError(f"needs a host and a port in 1-65535, {example}")
    if parts.path not in ("", "/") or parts.query or parts.fragment or parts.username or parts.password:
        raise ValueError(f"must be just tcp://HOST:PORT, {example}")
    return address
