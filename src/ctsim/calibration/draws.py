"""The draws file: a weighted set of plausible parameter sets, how it was made, and which draw a replication uses.

Kept apart from :mod:`ctsim.analysis.calibration.posterior` (which runs the ABC and needs pyabc, a slow import) so that
every run can read the stored draws cheaply. A file records its format and version, the ABC's settings, the library
versions, the priors, the draws with their importance weights, the diagnostics, and (from version 2) ``model``: the
fingerprint of the model and of the declarations the draws were computed on (:mod:`ctsim.calibration.parameter_sets`
refuses draws whose fingerprint is not this model's).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ctsim.storage import write_text

FORMAT = "ctsim-abc-draws"
VERSION = 2  # 1: no model fingerprint; 2: adds "model" (fingerprints of the model and the declarations)
REPLICATION_STREAM = 1  # spawn key of the stream that orders draws for replications (separate from the ABC's)


@dataclass
class Posterior:
    """A weighted set of parameter draws and how it was made.

    Attributes:
        values: one row per draw, one column per parameter.
        weights: importance weights of the draws (sum to 1).
        priors: parameter -> (low, high) of its uniform prior.
        settings: what is needed to rerun (population size, generations, seed, sampler, time budget, ...).
        diagnostics: effective sample size, acceptance rate and epsilon per generation, quantiles, correlations.
        versions: versions of Python and of the libraries used.
        created_utc: when the draws were made.
        model: fingerprints of the model and declarations the draws were computed on (empty if not recorded).
    """

    values: pd.DataFrame
    weights: np.ndarray
    priors: dict[str, tuple[float, float]]
    settings: dict[str, Any]
    diagnostics: dict[str, Any] = field(default_factory=dict)
    versions: dict[str, str] = field(default_factory=dict)
    created_utc: str = ""
    model: dict[str, Any] = field(default_factory=dict)

    def to_record(self) -> dict[str, Any]:
        """The JSON-ready record (see :func:`write_draws`)."""
        return {
            "format": FORMAT,
            "version": VERSION,
            "created_utc": self.created_utc,
            "method": "ABC-SMC (pyabc.ABCSMC): uniform priors, median-quantile epsilon, multivariate normal "
                      "perturbation (its covariance is the one the settings name); draws are the last generation's "
                      "particles with their importance weights",
            "settings": self.settings,
            "versions": self.versions,
            "priors": {k: list(v) for k, v in self.priors.items()},
            "parameters": list(self.values.columns),
            "draws": {"weights": [float(w) for w in self.weights],
                      "values": {k: [float(v) for v in self.values[k]] for k in self.values.columns}},
            "diagnostics": self.diagnostics,
            "model": self.model,
        }

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> Posterior:
        """Rebuild a posterior from :meth:`to_record`'s output; refuse other formats and newer versions."""
        if record.get("format") != FORMAT or int(record.get("version", 0)) > VERSION:
            raise ValueError(f"not a {FORMAT} record of version <= {VERSION}: "
                             f"format {record.get('format')!r}, version {record.get('version')!r}")
        names = list(record["parameters"])
        values = pd.DataFrame({k: np.asarray(record["draws"]["values"][k], dtype=float) for k in names},
                              columns=names)
        return cls(values, np.asarray(record["draws"]["weights"], dtype=float),
                   {k: (float(v[0]), float(v[1])) for k, v in record["priors"].items()}, dict(record["settings"]),
                   dict(record.get("diagnostics", {})), dict(record.get("versions", {})),
                   str(record.get("created_utc", "")), dict(record.get("model", {})))



def write_draws(posterior: Posterior, path: str | Path) -> Path:
    """Write the draws and their provenance as JSON (floats written exactly; atomically)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    return write_text(path, json.dumps(posterior.to_record(), indent=1, allow_nan=False) + "\n")


def load_draws(path: str | Path) -> Posterior:
    """Read a draws file written by :func:`write_draws`."""
    return Posterior.from_record(json.loads(Path(path).read_text()))


def replication_order(posterior: Posterior) -> np.ndarray:
    """Indices of the draws in the order replications use them: replication ``r`` uses entry ``r`` modulo the count.

    Systematic resampling of the weights (each draw appears in proportion to its weight), then a permutation, both
    from a stream of the ABC seed kept apart from the ABC's own: the same file always gives the same order, and the
    first ``n`` replications of any experiment use the same ``n`` draws.
    """
    weights = np.asarray(posterior.weights, dtype=float)
    n = weights.size
    rng = np.random.default_rng(np.random.SeedSequence(int(posterior.settings["seed"]),
                                                       spawn_key=(REPLICATION_STREAM,)))
    positions = (rng.random() + np.arange(n)) / n
    cumulative = np.cumsum(weights / weights.sum())
    cumulative[-1] = 1.0  # guard against rounding leaving the last position beyond the sum
    return rng.permutation(np.searchsorted(cumulative, positions, side="right"))


def draw_for_replication(posterior: Posterior, replication: int) -> dict[str, float]:
    """The parameter values replication ``replication`` (0-based) uses: always the same draw for the same file."""
    if replication < 0:
        raise ValueError(f"replication must be 0 or more, got {replication}")
    order = replication_order(posterior)
    row = posterior.values.iloc[int(order[replication % order.size])]
    return {k: float(v) for k, v in row.items()}

