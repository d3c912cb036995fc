"""Compiled code: the settings every kernel of the model is compiled with, and where numba caches it.

The processes of the month do their per-district and per-cell work in numba kernels (docs/performance.md says why:
the cost of the numpy model was thousands of small array operations a month, not one hot spot). Compiled code is
cached on disk. numba checks only the source file of the function it loads, not the helpers it calls from other
files, so the cache lives in a folder named by a hash of every source file of the model (and the numba and numpy
versions): any edit to the model compiles afresh, and a cache is never stale. The first run on a machine compiles
every kernel (about a minute); later processes load them from the cache (``CTSIM_NUMBA_CACHE`` names another root
than ``~/.cache/ctsim/numba``).
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

import numba
import numpy as np
from numba import njit

MODEL_SOURCES = Path(__file__).parent / "model"


def _cache_dir() -> str:
    """A cache folder of its own for this exact model source (see the module docstring)."""
    digest = hashlib.sha256(f"{numba.__version__} {np.__version__}".encode())
    for path in [Path(__file__), *sorted(MODEL_SOURCES.rglob("*.py"))]:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    root = os.environ.get("CTSIM_NUMBA_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"), "ctsim", "numba")
    folder = os.path.join(root, digest.hexdigest()[:16])
    try:
        os.makedirs(folder, exist_ok=True)
    except OSError:  # a read-only home: a temporary folder still saves compiling once per kernel and process
        folder = os.path.join(tempfile.gettempdir(), "ctsim-numba", digest.hexdigest()[:16])
        os.makedirs(folder, exist_ok=True)
    return folder


numba.config.CACHE_DIR = _cache_dir()  # before any kernel is defined


def kernel(function):
    """Compile ``function`` as a kernel: nopython, cached, numpy's error model (a division by zero gives inf or nan
    as numpy does, no exception), IEEE arithmetic (no fast-math reordering, so sums keep their order and their last
    bit on every machine)."""
    return njit(cache=True, error_model="numpy", nogil=True)(function)
