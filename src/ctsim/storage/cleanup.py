"""Temporary folders that do not outlive their process, and a stop by SIGTERM that unwinds like Ctrl-C.

By default SIGTERM (``kill PID``, a service manager stopping a job) and SIGHUP (the terminal closed) end a Python
process at once: no ``finally`` block runs, so temporary folders stay behind, and a pool of worker processes is not
shut down (the multiprocessing resource tracker then reports its semaphores as leaked, in a two-line warning).
:func:`stop_cleanly` makes both signals raise :class:`Terminated` in the main thread instead, as Ctrl-C raises
``KeyboardInterrupt``: every ``with`` block and ``finally`` runs, and the process then exits with status 128 + the
signal's number, as it would have.

:func:`temporary_folder` is a folder in the system's temporary folder that is removed when its block ends, when
the process is stopped by SIGTERM or SIGHUP (it installs the handler), and at exit (``atexit``) if it ends another
way; only SIGKILL, which nothing can catch, leaves it behind. The command line installs the handler for every
command (:mod:`ctsim.cli`).
"""

from __future__ import annotations

import atexit
import shutil
import signal
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

SIGNALS = tuple(s for s in (getattr(signal, "SIGTERM", None), getattr(signal, "SIGHUP", None)) if s is not None)
_FOLDERS: set[Path] = set()
_LOCK = threading.Lock()


class Terminated(SystemExit):
    """The process was asked to stop (SIGTERM or SIGHUP) while :func:`stop_cleanly`'s handler was installed.

    A ``SystemExit`` (not an ``Exception``), so ``except Exception`` blocks let it through, and uncaught it ends the
    process with status ``128 + signum`` without a traceback.

    Attributes:
        signum: the signal's number.
    """

    def __init__(self, signum: int) -> None:
        super().__init__(128 + signum)
        self.signum = signum

    @property
    def name(self) -> str:
        """The signal's name (``SIGTERM``)."""
        return signal.Signals(self.signum).name


def _raise_terminated(signum: int, frame: object) -> None:
    raise Terminated(signum)


def stop_cleanly() -> bool:
    """Make SIGTERM and SIGHUP raise :class:`Terminated` in the main thread, where their disposition is the default
    (a handler someone else installed is kept). Only the main thread can install handlers: called from another one,
    it changes nothing. Returns True when SIGTERM now raises :class:`Terminated`."""
    if threading.current_thread() is not threading.main_thread():
        return signal.getsignal(signal.SIGTERM) is _raise_terminated
    for signum in SIGNALS:
        if signal.getsignal(signum) is signal.SIG_DFL:
            signal.signal(signum, _raise_terminated)
    return signal.getsignal(signal.SIGTERM) is _raise_terminated


def track(folder: Path) -> None:
    """Remove ``folder`` at exit if it is still there and still tracked."""
    with _LOCK:
        _FOLDERS.add(Path(folder))


def forget(folder: Path) -> None:
    """Stop tracking ``folder`` (it was renamed into place or removed)."""
    with _LOCK:
        _FOLDERS.discard(Path(folder))


@atexit.register
def remove_tracked() -> None:
    """Remove every tracked folder (run at exit)."""
    with _LOCK:
        folders = list(_FOLDERS)
        _FOLDERS.clear()
    for folder in folders:
        shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def temporary_folder(prefix: str = "ctsim-", parent: str | Path | None = None) -> Iterator[Path]:
    """A new private folder (mode 0700) in ``parent`` (default: the system's temporary folder), removed with
    everything in it when the block ends, on SIGTERM or SIGHUP (see :func:`stop_cleanly`), or at exit.

    Example:
        >>> with temporary_folder("ctsim-example-") as folder:
        ...     _ = (folder / "a.txt").write_text("x")
        >>> folder.exists()
        False
    """
    stop_cleanly()
    folder = Path(tempfile.mkdtemp(prefix=prefix, dir=parent))
    track(folder)
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        forget(folder)
