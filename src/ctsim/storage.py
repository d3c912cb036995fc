"""Writing results safely: each file through a temporary name and a rename (a folder never holds half a file), and
fresh timestamped folders that never overwrite an earlier result."""

from __future__ import annotations

from collections.abc import Callable
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
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    folder = Path(base) / stamp
    k = 1
    while folder.exists():
        k += 1
        folder = Path(base) / f"{stamp}-{k}"
    folder.mkdir(parents=True)
    return folder
