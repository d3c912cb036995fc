"""Run a scenario and keep what it produced: monthly series, summary, manifest and a chart.

This is the I/O layer around the model core: it builds the model from a :class:`ctsim.scenario.Scenario`, runs it,
and writes ``results/<scenario>/<timestamp>/``.
"""

from __future__ import annotations

import json
import platform
import subprocess
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

import numpy as np
import pandas as pd

import ctsim
from ctsim.model import CTModel
from ctsim.outputs import annual_table, monthly_frames, recruits_by_stratum, summarise
from ctsim.scenario import Scenario

PACKAGES = ("mesa", "numpy", "scipy", "pandas", "pyarrow", "matplotlib", "networkx", "salib")


@dataclass
class RunResult:
    """What one run produced.

    Attributes:
        scenario: the scenario run.
        seed: the root seed used.
        national: monthly national outputs.
        regional: monthly outputs by region.
        summary: per-run summary scalars.
        reverted_levers: (month, lever) pairs reverted at changes of government.
        recruits_by_stratum: monthly recruits in each of the 24 youth strata.
    """

    scenario: Scenario
    seed: int
    national: pd.DataFrame
    regional: pd.DataFrame
    summary: dict[str, float]
    reverted_levers: list[tuple[int, str]]
    recruits_by_stratum: pd.DataFrame

    @property
    def annual(self) -> pd.DataFrame:
        """Per-year table (see :func:`ctsim.outputs.annual_table`)."""
        return annual_table(self.national, self.regional)


def run_scenario(scenario: Scenario, seed: int | None = None, months: int | None = None) -> RunResult:
    """Run a scenario once (``seed`` and ``months`` override the file's)."""
    seed = scenario.seed if seed is None else seed
    model = build_model(scenario, seed)
    try:
        model.run(scenario.history_months + (scenario.months if months is None else months))
        national, regional = monthly_frames(model)
        return RunResult(scenario, seed, national, regional, summarise(national, regional), list(model.reverted_levers),
                         recruits_by_stratum(model))
    finally:
        model.release()


def build_model(scenario: Scenario, seed: int | np.random.SeedSequence, levers: dict | None = None,
                uncertainties: dict | None = None, geography_overrides: dict | None = None,
                admin_overrides: dict | None = None) -> CTModel:
    """A model set up as the scenario says (levers, uncertainties, schedule, history), with the given seed.

    ``levers`` and ``uncertainties`` (a design point of an experiment) override the scenario's. With a history, the
    model starts at the history's start with the history's levers and switches to the scenario's when the history
    ends; run it for ``scenario.history_months + scenario.months`` months. ``geography_overrides`` (region -> column
    -> value) and ``admin_overrides`` (region -> capacity) build counterfactual districts (pattern checks).
    """
    if levers:
        scenario = replace(scenario, levers={**scenario.levers, **levers})
    params = {**scenario.uncertainties, **(uncertainties or {})}
    geography = _counterfactual_geography(geography_overrides) if geography_overrides else None
    start, policy = scenario.start, scenario.policy()
    if scenario.history is not None:
        params = {**scenario.history.uncertainties, **params}
        start, policy = scenario.history.start, scenario.history.policy()
    return CTModel(policy=policy, params=params, seed=seed, start=start, on_month=scenario.on_month(),
                   geography=geography, admin_capacity=admin_overrides)


def _counterfactual_geography(overrides: dict[str, dict[str, float]]):
    from ctsim.geography import packaged

    geography = packaged()
    table = geography.table.copy()
    for region, columns in overrides.items():
        for column, value in columns.items():
            table.loc[table["region"] == region, column] = value
    return replace(geography, table=table)


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
        "schedule": [{"month": e.month, "lever": e.lever, "value": e.value, "ramp": e.ramp} for e in s.schedule],
        "reverted_levers": [{"month": m, "lever": name} for m, name in result.reverted_levers],
        "packages": package_versions(),
        "platform": platform.platform(),
        "note": "ctsim is an exploratory model, not a forecaster.",
    }


def write_outputs(result: RunResult, root: str | Path = "results", chart: bool = True) -> Path:
    """Write a run to ``root/<scenario>/<timestamp>/`` and return that folder.

    Files: ``monthly_national.parquet``, ``monthly_regions.parquet``, ``recruits_by_stratum.parquet``,
    ``annual.csv``, ``summary.json``,
    ``manifest.json`` and, unless ``chart`` is False, ``attacks_by_region.png``. Each file is written under a
    temporary name and renamed, so a folder never holds half a file.
    """
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    base = Path(root) / result.scenario.name
    folder = base / stamp
    k = 1
    while folder.exists():
        k += 1
        folder = base / f"{stamp}-{k}"
    folder.mkdir(parents=True)
    _atomic(folder / "monthly_national.parquet", lambda p: result.national.to_parquet(p, index=False))
    _atomic(folder / "monthly_regions.parquet", lambda p: result.regional.to_parquet(p, index=False))
    _atomic(folder / "recruits_by_stratum.parquet",
            lambda p: result.recruits_by_stratum.to_parquet(p, index=False))
    _atomic(folder / "annual.csv", lambda p: result.annual.to_csv(p))
    _atomic(folder / "summary.json", lambda p: p.write_text(json.dumps(result.summary, indent=2)))
    _atomic(folder / "manifest.json", lambda p: p.write_text(json.dumps(manifest(result), indent=2)))
    if chart:
        from ctsim.charts import attacks_by_region_chart

        _atomic(folder / "attacks_by_region.png", lambda p: attacks_by_region_chart(result, p))
    return folder


def _atomic(path: Path, write) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    write(tmp)
    tmp.replace(path)
