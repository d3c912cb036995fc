"""Writing results safely: each file through a temporary name and a rename (a folder never holds half a file),
fresh timestamped folders that never overwrite an earlier result, and whole folders written under a temporary name
and renamed once complete (:func:`staged_folder`), so a disk error or a kill leaves no half-written run folder."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path


def atomic_write(path: Path, write: Callable[[Path], object]) -> Path:
    """Call ``write(tmp)`` on a temporary path beside ``path``, then rename it to ``path``."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        write(tmp)
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


def new_folder(base: Path) -> Path:
    """Create and return ``base/<UTC timestamp>`` (``-2``, ``-3``, ... appended when it exists)."""
    folder = _fresh_name(base)
    folder.mkdir(parents=True)
    return folder


def _fresh_name(base: Path) -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    folder = Path(base) / stamp
    k = 1
    while folder.exists():
        k += 1
        folder = Path(base) / f"{stamp}-{k}"
    return folder


@contextmanager
def staged_folder(base: Path) -> Iterator[tuple[Path, list[Path]]]:
    """Write a new ``base/<UTC timestamp>`` folder in a temporary folder beside it and rename it into place once
    the block ends without error; on any error (a full or read-only disk, Ctrl-C) the temporary folder is removed.

    Yields ``(tmp, final)``: write into ``tmp``; after the block ``final[0]`` is the folder's name.
    """
    base = Path(base)
    base.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".partial-", dir=base))
    final: list[Path] = []
    try:
        yield tmp, final
        target = _fresh_name(base)
        os.rename(tmp, target)  # atomic: the folder appears whole or not at all
        final.append(target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
