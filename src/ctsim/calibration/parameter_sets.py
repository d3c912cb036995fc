"""Which parameter values a replication uses: a draw from the stored posterior (the default) or the point calibration.

Every run of ``ctsim run``, ``compare``, ``batch`` and ``sensitivity`` carries parameter uncertainty by default:
replication ``r`` uses draw ``r`` of ``src/ctsim/data/posterior.json`` (:func:`ctsim.calibration.draws.
draw_for_replication`: the same draw every time, in every scenario and design point, beside the same seed, so
common random numbers hold for the parameters as for chance). ``--point`` uses the one central set instead, the point
calibration of ``src/ctsim/data/calibration.json``: deterministic for a given seed, faster to reason about, and what
the regression baseline, the pattern checks and the dashboard use.

**Precedence** (lowest first): declared values, the point calibration, the replication's draw, the history
scenario's ``[uncertainties]``, the scenario's, and last a design point's or a sensitivity factor's value. A value
that a scenario, an experiment or a study sets explicitly therefore always wins over the draw: a sensitivity study of
``sanctuary_strength`` varies it as designed while the other free parameters follow the replication's draw.

**Stale or missing draws fail.** Draws carry the fingerprints of the model they were computed on
(:func:`current_model`: the dynamics fingerprint of :mod:`ctsim.calibration.fingerprint`, which moves whenever the
model's dynamics move, and a hash of the free parameters' prior ranges and the calibration targets). When the stored
file is missing, unreadable or computed on another fingerprint, :func:`choose` raises a one-line :class:`DrawsError`
saying to run ``make posterior`` or to pass ``--point``. A silent or even a loud fallback to the point set would produce
bands that look like parameter uncertainty and are not; a warning in a manifest is read after the fact, if at all.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from ctsim.calibration import targets
from ctsim.calibration.draws import Posterior, load_draws, replication_order
from ctsim.calibration.fingerprint import dynamics_fingerprint, model_fingerprint
from ctsim.declarations.parameters import CALIBRATION_FILE, PARAMETERS_BY_NAME, calibration_version
from ctsim.inputs import InputError, excerpt_path

POSTERIOR_FILE = Path(__file__).parents[1] / "data" / "posterior.json"
DRAWS, POINT = "draws", "point"
REMEDY = "run `make posterior` to recompute the draws for this model, or pass --point to use the point calibration"


class DrawsError(InputError):
    """The stored draws cannot be used (missing, unreadable, or computed on another model); one line."""


def declarations_fingerprint() -> str:
    """A short hash of what the posterior is defined by besides the model's code: the free parameters and their
    prior (plausible) ranges, and the calibration targets and tolerances."""
    content = {"free": {name: list(PARAMETERS_BY_NAME[name].plausible) for name in targets.FREE},
               "monthly": [float(v) for v in targets.MONTHLY_ATTACKS],
               "annual": {str(y): row for y, row in targets.ANNUAL.items()},
               "shares": {str(y): row for y, row in targets.SHARES.items()},
               "killed": {str(y): v for y, v in targets.KILLED.items()}, "tolerance": targets.TOLERANCE}
    return hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()[:16]


def current_model() -> dict[str, str]:
    """The fingerprints stored with draws and compared when they are used."""
    return {"model_fingerprint": model_fingerprint(), "dynamics_fingerprint": dynamics_fingerprint(),
            "declarations_fingerprint": declarations_fingerprint(),
            "fingerprint_of": "model_fingerprint: SHA-256 of tests/baseline.json (the regression baseline); "
                              "dynamics_fingerprint: the same without price outputs (cost), which no process reads "
                              "(ctsim.calibration.fingerprint); declarations_fingerprint: free parameters' prior "
                              "ranges, calibration targets"}


def staleness(posterior: Posterior) -> str | None:
    """Why ``posterior`` was not computed on this model (one phrase), or None when it was.

    Draws depend on the dynamics, not on prices: they are checked against the dynamics fingerprint (a file that does
    not record one is checked against the whole model's) and against the declarations they were fitted under."""
    now = current_model()
    model_key = "dynamics_fingerprint" if "dynamics_fingerprint" in posterior.model else "model_fingerprint"
    for key in (model_key, "declarations_fingerprint"):
        if now[key] == "unknown":  # no fingerprint shipped with the package: nothing to compare against
            continue
        stored = posterior.model.get(key)
        if stored != now[key]:
            return f"its {key.replace('_', ' ')} is {stored or 'not recorded'}, this model's is {now[key]}"
    return None


def read_posterior(path: Path = POSTERIOR_FILE, remedy: str = REMEDY) -> Posterior:
    """Read a draws file; any problem becomes a one-line :class:`DrawsError` naming the file and ``remedy``."""
    where = excerpt_path(path)
    if not path.is_file():
        raise DrawsError(f"{where}: no stored posterior draws; {remedy}")
    try:
        posterior = load_draws(path)
    except (OSError, UnicodeDecodeError) as exc:
        raise DrawsError(f"{where}: cannot read the posterior draws ({type(exc).__name__}); {remedy}") from None
    except json.JSONDecodeError as exc:
        raise DrawsError(f"{where}: not valid JSON (line {exc.lineno}); {remedy}") from None
    except (KeyError, TypeError, ValueError, AttributeError, IndexError) as exc:
        detail = f"key {exc.args[0]!r} is missing" if isinstance(exc, KeyError) else str(exc)
        raise DrawsError(f"{where}: not a usable draws file ({detail}); {remedy}") from None
    n = len(posterior.values)
    if n == 0 or len(posterior.weights) != n or not np.all(np.isfinite(posterior.weights)) \
            or np.any(posterior.weights < 0) or not posterior.weights.sum() > 0:
        raise DrawsError(f"{where}: key 'draws' must hold at least one draw with finite, non-negative weights; "
                         f"{remedy}")
    if not np.all(np.isfinite(posterior.values.to_numpy(dtype=float))):
        raise DrawsError(f"{where}: key 'draws.values' holds a value that is not a finite number; {remedy}")
    if "seed" not in posterior.settings:
        raise DrawsError(f"{where}: key 'settings.seed' is missing; {remedy}")
    return posterior


@dataclass(frozen=True)
class ParameterSet:
    """The parameter values replications use.

    Attributes:
        mode: ``"draws"`` (replication r uses draw r of the posterior) or ``"point"`` (the point calibration).
        posterior: the draws (None for ``point``).
        path: the draws file (None for ``point``).
    """

    mode: str = POINT
    posterior: Posterior | None = None
    path: Path | None = None
    _order: tuple[int, ...] = field(default=(), repr=False, compare=False)

    def draw_index(self, replication: int) -> int | None:
        """The row of the draws file replication ``replication`` uses (None for the point set)."""
        if self.mode == POINT:
            return None
        return int(self._order[replication % len(self._order)])

    def values(self, replication: int) -> dict[str, float]:
        """The parameter values replication ``replication`` takes from the set (empty for the point set: runs
        then use the point calibration every run reads by default)."""
        index = self.draw_index(replication)
        if index is None:
            return {}
        return {k: float(v) for k, v in self.posterior.values.iloc[index].items()}

    def label(self) -> str:
        """One line for printed headers and chart footers."""
        return describe(self.manifest())

    def manifest(self, replications: int | None = None) -> dict[str, Any]:
        """What a manifest records: the mode, the file and its hash, and (given a number of replications) the row
        of the draws file each replication used."""
        if self.mode == POINT:
            return {"mode": POINT, "source": str(CALIBRATION_FILE), "calibration_version": calibration_version(),
                    "fitted_years": sorted(targets.ANNUAL),
                    "rule": "every replication uses the point calibration (--point)"}
        out = {"mode": DRAWS, "source": str(self.path), "sha256": _sha256(self.path),
               "draws": len(self.posterior.values), "created_utc": self.posterior.created_utc,
               "settings": {k: self.posterior.settings.get(k) for k in
                            ("population_size", "generations_run", "replications", "seed", "history_months")},
               "model": {k: v for k, v in self.posterior.model.items() if k != "fingerprint_of"},
               "fitted_years": fitted_years(self.posterior.settings),
               "rule": "replication r uses row draw_index[r] of the draws file in every scenario and design point; "
                       "values a scenario, design point or study factor sets explicitly win over the draw"}
        if replications is not None:
            out["draw_index"] = [self.draw_index(r) for r in range(replications)]
        return out


def fitted_years(settings: dict[str, Any]) -> list[int]:
    """The years whose recorded attacks a posterior's draws were fitted to: its annual targets as recorded with it
    (``annual/<year>/attacks``), or, for draws recorded without them, the years its history covered (36 months:
    2022-2024; otherwise this code's targets)."""
    recorded = sorted({int(k.split("/")[1]) for k in settings.get("targets") or () if k.startswith("annual/")})
    if recorded:
        return recorded
    if settings.get("history_months") == 36:
        return [2022, 2023, 2024]
    return sorted(targets.ANNUAL)


def _sha256(path: Path | None) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path is not None and path.is_file() else "unknown"


POINT_SET = ParameterSet()


def describe(record: dict[str, Any] | None) -> str:
    """A manifest's ``parameters`` record (:meth:`ParameterSet.manifest`) as one line; a result without one ran
    before issue 14, on the point calibration."""
    if not record:
        return "parameters: point calibration (not recorded: a result made before parameter draws)"
    if record.get("mode") == POINT:
        return f"parameters: point calibration (--point; calibration version {record.get('calibration_version')})"
    settings = record.get("settings") or {}
    return (f"parameters: one posterior draw per replication ({record.get('draws')} ABC-SMC draws of "
            f"{str(record.get('created_utc', ''))[:10]}, population {settings.get('population_size')}, "
            f"{settings.get('generations_run')} generations)")


def choose(point: bool, path: Path | None = None, remedy: str = REMEDY) -> ParameterSet:
    """The parameter set a command uses: the point calibration when ``point``, else the stored draws, checked.
    ``remedy`` ends the error (the dashboard names its own switch rather than ``--point``).

    Raises:
        DrawsError: one line naming the file, when the draws are missing, unreadable or computed on another model.
    """
    if point:
        return POINT_SET
    path = Path(path or POSTERIOR_FILE).resolve()
    return _draws(path, _mtime(path), remedy)


def _mtime(path: Path) -> float:
    try:
        return Path(path).stat().st_mtime
    except OSError:
        return -1.0


@lru_cache(maxsize=4)
def _draws(path: Path, mtime: float, remedy: str) -> ParameterSet:
    posterior = read_posterior(path, remedy)
    stale = staleness(posterior)
    if stale:
        raise DrawsError(f"{excerpt_path(path)}: the posterior draws were computed on another model ({stale}); "
                         f"{remedy}")
    return ParameterSet(DRAWS, posterior, path, tuple(int(i) for i in replication_order(posterior)))
