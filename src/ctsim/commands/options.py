"""Options and checks several commands share: the parameter set, dry runs, executors and bounded numbers."""

from __future__ import annotations

import argparse
import errno
import os
from pathlib import Path

from ctsim.experiments.executors import KINDS, check_scheduler
from ctsim.inputs import InputError, ascii_int, excerpt_path

DRY_RUN_HELP = "check everything and print what would run (count, time); run nothing, create nothing"
POINT_HELP = ("use the point calibration (calibration.json) in every replication instead of one posterior draw per "
              "replication (posterior.json, the default): deterministic, for speed and debugging")


def add_executor(parser: argparse.ArgumentParser, what: str = "run") -> None:
    """``--executor``, ``--workers``, ``--scheduler`` and ``--dask-local``."""
    parser.add_argument("--executor", choices=KINDS, default="processes",
                        help="where runs execute (default: local processes, one per core)")
    parser.add_argument("--workers", type=ascii_int, help="local worker processes (default: one per core)")
    parser.add_argument("--scheduler", metavar="tcp://HOST:PORT", help=f"{what} on this Dask scheduler")
    parser.add_argument("--dask-local", type=ascii_int, metavar="N", help="start a Dask LocalCluster of N workers")


def bounded(where: object, option: str, value: int | None, low: int, high: int) -> None:
    """One line naming the file and the option when a numeric option lies outside its range."""
    if value is not None and not low <= value <= high:
        raise InputError(f"{where}: option '{option}' = {value} is outside [{low}, {high}]")


def scheduler(where: object, address: str | None) -> None:
    """Check a --scheduler address before anything is created or contacted."""
    if address is None:
        return
    try:
        check_scheduler(address)
    except ValueError as exc:
        raise InputError(f"{where}: option '--scheduler' = {address!r}: {exc}") from None


def os_error(exc: OSError) -> str:
    """An operating-system error as a phrase naming the file and what to do. Every write goes through
    :mod:`ctsim.storage`, which puts the name of the file being written on the error (a library's own error, such
    as pyarrow's on a full disk, carries none)."""
    where = excerpt_path(exc.filename) if exc.filename else "a file being written"
    known = exc.errno in errno.errorcode if isinstance(exc.errno, int) else False
    reason = os.strerror(exc.errno) if known else (exc.strerror or type(exc).__name__)
    hint = {errno.ENOSPC: "free some space or choose another folder with --out",
            errno.EROFS: "choose a writable folder with --out",
            errno.EACCES: "check the permissions or choose another folder with --out",
            errno.EDQUOT: "free some space or choose another folder with --out"}.get(exc.errno or 0, "")
    return f"{where}: {reason}" + (f"; {hint}" if hint else "")


def check_out(where: Path, out: Path) -> None:
    """Create the output folder ``out`` or say in one line why it cannot be."""
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"{where}: option '--out' = {excerpt_path(out)}: cannot create folder "
                         f"({os_error(exc)})") from None
