"""Compare scenarios over replications with common random numbers.

Replication ``r`` of every scenario uses the same seed (child ``r`` of one ``SeedSequence``), and every subsystem
draws from its own stream, so differences between scenarios are paired: much of the noise cancels. For each scenario
after the first, the table gives the mean paired difference of each outcome against the first scenario with a 90%
confidence interval (Student t over the replications), the relative change, the share of replications in which
the scenario came out lower, and the verdict of :func:`ctsim.verdicts.judge` (better, worse, negligible or unclear
against each outcome's declared smallest change that matters).

With posterior draws (the default), replication ``r`` of every scenario also uses the same prices, drawn within
their plausible ranges (:func:`ctsim.verdicts.price_draws`), so the cost intervals carry price uncertainty; with
``--point`` every run uses the central prices.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from tqdm import tqdm

from ctsim.analysis.paired import paired
from ctsim.calibration.parameter_sets import POINT_SET
from ctsim.data.geography import packaged
from ctsim.declarations.outputs import OUTPUTS_BY_NAME
from ctsim.declarations.parameters import calibration_version
from ctsim.experiments.executors import ExecutorSpec, replicate
from ctsim.experiments.executors import replications as replications_of
from ctsim.model.recording import RECORDED_LEVERS
from ctsim.provenance import git_commit, package_versions, version
from ctsim.scenarios.files import Scenario, ScenarioError
from ctsim.scenarios.runner import run
from ctsim.storage import atomic_write, staged_folder
from ctsim.verdicts import PRICE_YEAR, PRICES, judge, price_draws

# Outcomes compared; whether lower or higher is better comes from their declarations (for reading the table; nothing
# is optimised).
OUTCOMES = {name: OUTPUTS_BY_NAME[name].better for name in (
    "attacks", "deaths", "injuries", "new_radicals", "recruits", "active_militants", "arrests", "militants_killed",
    "collateral_casualties", "detained_without_trial", "legitimacy", "fear", "cost")}
CONFIDENCE = 0.90


@dataclass
class Comparison:
    """Everything a comparison produced.

    Attributes:
        scenarios: the scenarios, reference first.
        runs: one row per scenario and replication: summary outcomes, and each numeric lever's mean over the horizon
            as it acted (``acted_<lever>``: schedules, the state's reactions, changes of government move it from what
            the scenario set).
        monthly_attacks: one row per scenario, replication and month: national attacks.
        district_attacks: one row per scenario, replication and district: attacks over the horizon.
        differences: one row per scenario (after the first) and outcome.
        seed: the root seed of the replications.
        months: the horizon.
        parameters: the parameter set (:mod:`ctsim.calibration.parameter_sets`): replication r of every scenario
            uses its draw r (None: the point calibration).
        prices: ``drawn`` (replication r of every scenario uses price draw r) or ``central`` (declared prices).
    """

    scenarios: list[Scenario]
    runs: pd.DataFrame
    monthly_attacks: pd.DataFrame
    differences: pd.DataFrame
    seed: int
    months: int
    district_attacks: pd.DataFrame | None = None
    parameters: Any = None
    prices: str = "central"


def _run_one(task: tuple[int, Scenario, int, np.random.SeedSequence, int, dict | None]
             ) -> tuple[int, int, dict, pd.DataFrame, np.ndarray]:
    index, scenario, replication, seed, months, draw = task
    result = run(scenario, seed, months, draw=draw)
    set_values = scenario.policy().as_dict()
    # each numeric lever's mean over the horizon as it acted (schedules, reactions, changes of government)
    acted = {f"acted_{name}": result.levers.get(name, {"mean": float(set_values[name])})["mean"]
             for name in RECORDED_LEVERS}
    return (index, replication, {**result.summary, **acted}, result.national[["month", "attacks"]],
            result.district_attacks)


def compare(scenarios: list[Scenario], replications: int, seed: int | None = None, months: int | None = None,
            jobs: int = 1, progress: bool = True, parameters: Any = None) -> Comparison:
    """Run every scenario ``replications`` times with common random numbers and compare them with the first.

    Replication ``r`` of every scenario uses the same seed and, with ``parameters`` (a
    :class:`ctsim.calibration.parameter_sets.ParameterSet`), the same posterior draw; None uses the point calibration.

    Raises:
        ScenarioError: when the scenarios' horizons or start months differ (and ``months`` does not settle it).
    """
    if len(scenarios) < 2:
        raise ScenarioError("compare needs at least two scenario files (the first is the reference)")
    starts = {s.start for s in scenarios}
    if len(starts) > 1:
        raise ScenarioError(f"{scenarios[1].path}: key 'run.start' differs from the reference's "
                            f"({', '.join(sorted(starts))}); compared scenarios must start in the same month")
    if months is None:
        horizons = {s.months for s in scenarios}
        if len(horizons) > 1:
            raise ScenarioError(f"{scenarios[1].path}: key 'run.months' differs from the reference's; give "
                                f"--months to compare over a common horizon")
        months = scenarios[0].months
    scenarios = unique_names(scenarios)
    root = scenarios[0].seed if seed is None else seed
    runs_of = replications_of(replications, root, parameters)
    # Prices vary with the parameters: drawn per replication (the same in every scenario) when the draws are used.
    drawn = parameters is not None and parameters.mode == "draws"
    prices = price_draws(root, replications) if drawn else [{}] * replications
    tasks = [(i, s, r.index, r.seed, months, {**prices[r.index], **r.draw} or None)
             for i, s in enumerate(scenarios) for r in runs_of]
    with tqdm(total=len(tasks), desc="runs", unit="run", disable=not progress, leave=False) as bar:
        results = replicate(_run_one, tasks, ExecutorSpec(kind="processes", workers=jobs), on_result=bar.update)
    runs = pd.DataFrame([{"scenario": scenarios[i].name, "replication": r, **summary}
                         for i, r, summary, *_ in results])
    monthly = pd.concat([series.assign(scenario=scenarios[i].name, replication=r)
                         for i, r, _, series, _ in results], ignore_index=True)
    ids = packaged().table["district_id"].to_numpy()
    districts = pd.concat([pd.DataFrame({"scenario": scenarios[i].name, "replication": r, "district_id": ids,
                                         "attacks": attacks}) for i, r, _, _, attacks in results], ignore_index=True)
    return Comparison(scenarios, runs, monthly, differences(runs, [s.name for s in scenarios], months), root, months,
                      districts, parameters, "drawn" if drawn else "central")


def unique_names(scenarios: list[Scenario]) -> list[Scenario]:
    """The same scenario may be compared with itself (a check of the noise): suffix repeated names."""
    seen: dict[str, int] = {}
    out = []
    for s in scenarios:
        seen[s.name] = seen.get(s.name, 0) + 1
        out.append(s if seen[s.name] == 1 else replace(s, name=f"{s.name}-{seen[s.name]}"))
    return out


def differences(runs: pd.DataFrame, names: list[str], months: int = 120) -> pd.DataFrame:
    """One row per scenario after the first and outcome: the paired difference from the first, with its interval,
    and the verdict on it (:func:`ctsim.verdicts.judge`, over ``months``) with the smallest change that matters."""
    reference = runs[runs["scenario"] == names[0]].set_index("replication").sort_index()
    rows = []
    for name in names[1:]:
        other = runs[runs["scenario"] == name].set_index("replication").sort_index()
        for outcome, better in OUTCOMES.items():
            pair = paired(reference[outcome].to_numpy(), other[outcome].to_numpy(), CONFIDENCE)
            diff = other[outcome] - reference[outcome]
            verdict = judge(outcome, pair.difference, pair.low, pair.high, pair.reference, months=months,
                            level=CONFIDENCE)
            rows.append({
                "scenario": name, "outcome": outcome, "better": better,
                "reference_mean": pair.reference, "scenario_mean": pair.scenario,
                "difference": pair.difference, "ci90_low": pair.low, "ci90_high": pair.high,
                "relative_change": pair.relative, "share_of_runs_lower": float((diff < 0).mean()),
                "replications": pair.pairs, "verdict": verdict.word, "smallest_change": verdict.threshold,
            })
    return pd.DataFrame(rows)


def write(comparison: Comparison, root: str | Path = "results",
          extra: Callable[[Path], object] | None = None) -> Path:
    """Write ``differences.csv``, ``runs.csv``, ``monthly_attacks.parquet``, ``district_attacks.parquet`` (attacks
    per district and run over the horizon), ``manifest.json`` and whatever ``extra(folder)`` adds (``ctsim compare``
    adds the chart of monthly attacks) under ``root/compare/<timestamp>/`` and return the folder."""
    first = comparison.scenarios[0]
    manifest = {
        "ctsim_version": version(), "git_commit": git_commit(), "calibration_version": calibration_version(),
        "scenarios": [{"name": s.name, "files": [str(f) for f in s.files], "sha256": s.sha256,
                       "levers": s.policy().as_dict(), "uncertainties": s.uncertainties,
                       "schedule": [{"month": e.month, "lever": e.lever, "value": e.value, "ramp": e.ramp}
                                    for e in s.schedule],
                       "triggers": [t.name for t in s.triggers]}
                      for s in comparison.scenarios],
        "start": first.start, "history_months": first.history_months,
        "replications": int(len(comparison.runs) // len(comparison.scenarios)), "months": comparison.months,
        "root_seed": comparison.seed, "confidence": CONFIDENCE, "packages": package_versions(),
        "created_utc": datetime.now(UTC).isoformat(timespec="seconds"), "cpu_count": os.cpu_count(),
        "parameters": (comparison.parameters or POINT_SET).manifest(
            int(len(comparison.runs) // len(comparison.scenarios))),
        "prices": {"mode": comparison.prices, "price_year": PRICE_YEAR, "currency": "PKR",
                   "rule": ("replication r of every scenario uses price draw r, each price drawn within its "
                            "plausible range, most likely at its declared value" if comparison.prices == "drawn" else
                            "every run uses the declared (central) prices"),
                   "parameters": list(PRICES)},
    }
    # The whole folder is written under a temporary name and renamed once complete: a disk error or a kill leaves
    # no half-written comparison behind.
    with staged_folder(Path(root) / "compare") as (folder, final):
        atomic_write(folder / "differences.csv", lambda p: comparison.differences.to_csv(p, index=False))
        atomic_write(folder / "runs.csv", lambda p: comparison.runs.to_csv(p, index=False))
        atomic_write(folder / "monthly_attacks.parquet",
                     lambda p: comparison.monthly_attacks.to_parquet(p, index=False))
        if comparison.district_attacks is not None:
            atomic_write(folder / "district_attacks.parquet",
                         lambda p: comparison.district_attacks.to_parquet(p, index=False))
        if extra is not None:
            extra(folder)
        atomic_write(folder / "manifest.json", lambda p: p.write_text(json.dumps(manifest, indent=2)))
    folder = final[0]
    return folder
