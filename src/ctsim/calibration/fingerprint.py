"""The model's fingerprints, shipped as package data (``src/ctsim/data/fingerprint.json``, written by ``make
baseline``).

Two hashes of the regression baseline (``tests/baseline.json``: the summaries and frame digests of a few canonical
runs), each saying when something stored was computed on another model:

- ``model``: the SHA-256 of the whole baseline file. It moves whenever any result moves; published studies (the
  evidence table, the long run, the forecast, the pattern studies) carry it, because they show every output.
- ``dynamics``: a hash of what the dynamics produce, the baseline without the outputs that no process reads back
  (``cost``: a price list applied to what the forces and programmes did). Posterior draws carry it: repricing a
  programme changes the cost a run reports, not which parameter values reproduce the record.

A test recomputes both from ``tests/baseline.json`` and fails when this file is stale.
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from ctsim.storage import write_text

FINGERPRINT_FILE = Path(__file__).parents[1] / "data" / "fingerprint.json"
UNKNOWN = "unknown"
# Outputs no process reads back: they do not define the dynamics (see the module docstring).
PRICE_OUTPUTS = ("cost",)


def fingerprints_of(baseline_bytes: bytes) -> dict[str, str]:
    """Both fingerprints of a regression baseline file's content."""
    runs: dict[str, Any] = json.loads(baseline_bytes)
    # The national frame's digest includes every output's monthly values, prices too; the regional frames (no
    # price output) and the summaries of every other output stand for the dynamics.
    dynamics = {key: {"months": run["months"], "regional_sha256": run["regional_sha256"],
                      "summary": {k: v for k, v in run["summary"].items() if k not in PRICE_OUTPUTS}}
                for key, run in runs.items()}
    return {"model": hashlib.sha256(baseline_bytes).hexdigest()[:16],
            "dynamics": hashlib.sha256(json.dumps(dynamics, sort_keys=True).encode()).hexdigest()[:16]}


@lru_cache(maxsize=1)
def _stored() -> dict[str, str]:
    try:
        return json.loads(FINGERPRINT_FILE.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def model_fingerprint() -> str:
    """A short hash of the regression baseline: it changes whenever any of the model's results change."""
    return str(_stored().get("model", UNKNOWN))


def dynamics_fingerprint() -> str:
    """A short hash of the regression baseline without price outputs: it changes whenever the dynamics change."""
    return str(_stored().get("dynamics", UNKNOWN))


def write(baseline_bytes: bytes, path: Path = FINGERPRINT_FILE) -> dict[str, str]:
    """Store the fingerprints of a baseline's content (``make baseline`` calls it) and return them."""
    prints = fingerprints_of(baseline_bytes)
    write_text(path, json.dumps(prints, indent=1, sort_keys=True) + "\n")
    _stored.cache_clear()
    return prints
