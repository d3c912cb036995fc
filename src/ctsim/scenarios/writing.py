"""Keep what a run produced: a run folder ``results/<scenario>/<timestamp>/`` with the monthly series, the annual
table, the summary and the manifest (provenance); a caller may add files (``ctsim run`` adds a chart).

Runs themselves are built and run by :mod:`ctsim.scenarios.runner`; this module only writes.
"""

from __future__ import annotations

import json
import platform
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from ctsim.calibration.parameter_sets import POINT_SET
from ctsim.inputs import inside, plain_name
from ctsim.provenance import git_commit, package_versions, version
from ctsim.scenarios.files import ScenarioError
from ctsim.storage import atomic_write, staged_folder

if TYPE_CHECKING:
    from ctsim.scenarios.runner import RunResult

def manifest(result: RunResult) -> dict:
    """Provenance of a run: versions, commit, scenario hash, seed, levers and parameter overrides."""
    s = result.scenario
    return {
        "ctsim_version": version(),
        "git_commit": git_commit(),
        "created_utc": datetime.now(UTC).isoformat(timespec="seconds"),
        "scenario": s.name,
        "scenario_file": str(s.path) if s.path else None,
        "scenario_files": [str(f) for f in s.files],
        "history_files": [str(f) for f in s.history.files] if s.history else [],
        "history_months": s.history_months,
        "scenario_sha256": s.sha256,
        "seed": result.seed,
        "start": s.start,
        "report_from": s.reported_start,
        "months": len(result.national),
        "levers": s.policy().as_dict(),
        "uncertainty_overrides": s.uncertainties,
        "parameters": result.parameters or POINT_SET.manifest(),
        "schedule": [{"month": e.month, "lever": e.lever, "value": e.value, "ramp": e.ramp} for e in s.schedule],
        "reverted_levers": [{"month": m, "lever": name} for m, name in result.reverted_levers],
        "triggers": [{"name": t.name, "when": t.when, "lever": t.lever, "value": t.value} for t in s.triggers],
        "trigger_events": [{"month": m, "trigger": name, "event": event, "lever": lever, "value": value,
                            "level": level} for m, name, event, lever, value, level in result.trigger_events],
        "locked": list(s.locked),
        "levers_as_they_acted": result.levers,
        "packages": package_versions(),
        "platform": platform.platform(),
        "note": "ctsim is an exploratory model, not a forecaster.",
    }


def write_outputs(result: RunResult, root: str | Path = "results",
                  extra: Callable[[Path], object] | None = None) -> Path:
    """Write a run to ``root/<scenario>/<timestamp>/`` and return that folder.

    Files: ``monthly_national.parquet``, ``monthly_regions.parquet``, ``recruits_by_stratum.parquet``,
    ``annual.csv``, ``summary.json``, ``manifest.json``, and whatever ``extra(folder)`` writes into the folder (a
    chart). The folder is written under a temporary name and renamed when complete, so no half-written run folder
    remains after a disk error or a kill.

    Raises:
        ScenarioError: if the scenario's name is not a plain name, so that the folder would not lie under ``root``.
    """
    name = plain_name(str(result.scenario.path or result.scenario.name), "name", result.scenario.name, ScenarioError)
    base = inside(Path(root), Path(root) / name, str(result.scenario.path or name), ScenarioError)
    with staged_folder(base) as (tmp, final):
        _write_files(result, tmp)
        if extra is not None:
            extra(tmp)
    return final[0]


def _write_files(result: RunResult, folder: Path) -> None:
    atomic_write(folder / "monthly_national.parquet", lambda p: result.national.to_parquet(p, index=False))
    atomic_write(folder / "monthly_regions.parquet", lambda p: result.regional.to_parquet(p, index=False))
    atomic_write(folder / "recruits_by_stratum.parquet",
            lambda p: result.recruits_by_stratum.to_parquet(p, index=False))
    atomic_write(folder / "annual.csv", lambda p: result.annual.to_csv(p))
    atomic_write(folder / "summary.json", lambda p: p.write_text(json.dumps(result.summary, indent=2)))
    atomic_write(folder / "manifest.json", lambda p: p.write_text(json.dumps(manifest(result), indent=2)))
