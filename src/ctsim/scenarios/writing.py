"""Keep what a run produced: a run folder ``results/<scenario>/<timestamp>/`` with the monthly series, the annual
table, the summary, the manifest (provenance) and a chart.

Runs themselves are built and run by :mod:`ctsim.scenarios.runner`; this module only writes.
"""

from __future__ import annotations

import json
import platform
import subprocess
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING

import ctsim
from ctsim.inputs import inside, plain_name
from ctsim.scenarios.files import ScenarioError
from ctsim.storage import atomic_write, staged_folder

if TYPE_CHECKING:
    from ctsim.scenarios.runner import RunResult

PACKAGES = ("mesa", "numpy", "scipy", "pandas", "pyarrow", "matplotlib", "networkx", "salib")


def git_commit() -> str:
    """The commit of the ctsim source tree, or ``unknown`` outside a git checkout."""
    try:
        out = subprocess.run(["git", "rev-parse", "HEAD"], cwd=Path(ctsim.__file__).parent, capture_output=True,
                             text=True, timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return out.stdout.strip() if out.returncode == 0 else "unknown"


def package_versions() -> dict[str, str]:
    """Versions of the packages a run depends on."""
    versions = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def manifest(result: RunResult) -> dict:
    """Provenance of a run: versions, commit, scenario hash, seed, levers and parameter overrides."""
    s = result.scenario
    return {
        "ctsim_version": ctsim.__version__,
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
        "months": len(result.national),
        "levers": s.policy().as_dict(),
        "uncertainty_overrides": s.uncertainties,
        "parameters": result.parameters or _point(),
        "schedule": [{"month": e.month, "lever": e.lever, "value": e.value, "ramp": e.ramp} for e in s.schedule],
        "reverted_levers": [{"month": m, "lever": name} for m, name in result.reverted_levers],
        "triggers": [{"name": t.name, "when": t.when, "lever": t.lever, "value": t.value} for t in s.triggers],
        "trigger_events": [{"month": m, "trigger": name, "event": event, "lever": lever, "value": value,
                            "level": level} for m, name, event, lever, value, level in result.trigger_events],
        "packages": package_versions(),
        "platform": platform.platform(),
        "note": "ctsim is an exploratory model, not a forecaster.",
    }


def _point() -> dict:
    from ctsim.experiments.parameter_sets import POINT_SET

    return POINT_SET.manifest()


def write_outputs(result: RunResult, root: str | Path = "results", chart: bool = True) -> Path:
    """Write a run to ``root/<scenario>/<timestamp>/`` and return that folder.

    Files: ``monthly_national.parquet``, ``monthly_regions.parquet``, ``recruits_by_stratum.parquet``,
    ``annual.csv``, ``summary.json``,
    ``manifest.json`` and, unless ``chart`` is False, ``attacks_by_region.png``. The folder is written under a
    temporary name and renamed when complete, so no half-written run folder remains after a disk error or a kill.

    Raises:
        ScenarioError: if the scenario's name is not a plain name, so that the folder would not lie under ``root``.
    """
    name = plain_name(str(result.scenario.path or result.scenario.name), "name", result.scenario.name, ScenarioError)
    base = inside(Path(root), Path(root) / name, str(result.scenario.path or name), ScenarioError)
    with staged_folder(base) as (tmp, final):
        _write_files(result, tmp, chart)
    return final[0]


def _write_files(result: RunResult, folder: Path, chart: bool) -> None:
    atomic_write(folder / "monthly_national.parquet", lambda p: result.national.to_parquet(p, index=False))
    atomic_write(folder / "monthly_regions.parquet", lambda p: result.regional.to_parquet(p, index=False))
    atomic_write(folder / "recruits_by_stratum.parquet",
            lambda p: result.recruits_by_stratum.to_parquet(p, index=False))
    atomic_write(folder / "annual.csv", lambda p: result.annual.to_csv(p))
    atomic_write(folder / "summary.json", lambda p: p.write_text(json.dumps(result.summary, indent=2)))
    atomic_write(folder / "manifest.json", lambda p: p.write_text(json.dumps(manifest(result), indent=2)))
    if chart:
        from ctsim.figures import save_figure
        from ctsim.figures.charts import attacks_by_region_chart

        save_figure(attacks_by_region_chart(result), folder / "attacks_by_region.png")
