"""Compare mode: two policies as small ensembles with common random numbers, run in the background with progress.

It follows :func:`ctsim.analysis.compare.compare` (replication ``r`` of both policies uses child ``r`` of one
``SeedSequence``, runs go through :func:`ctsim.experiments.executors.replicate`, the paired differences and their
90% intervals come from the same code) but keeps five monthly series per run instead of one, for the bands, and
reports progress run by run. A policy is a library scenario or the trainer's current settings; two policies that would
run identically are refused (their comparison would be zeros).

Like ``ctsim compare``, a comparison carries parameter uncertainty by default: replication ``r`` of both policies
uses draw ``r`` of the stored posterior (:mod:`ctsim.calibration.parameter_sets`) beside seed ``r``, so the bands and
intervals show what the model does not know about its own parameters as well as chance; ``point=True`` uses the
point calibration for every replication (faster to reason about; bands of chance alone). The result says which.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from ctsim.scenarios.files import Scenario, resolve_scenario
from ctsim.scenarios.runner import run

from .state import DashboardError, DashboardSession, scenario_choices
from .state import replications as replications_of
from .words import OUTCOMES

CURRENT = "your current settings"
SERIES = OUTCOMES  # the five outcomes the debate weighs, month by month
DEFAULT_REPLICATIONS = 10
MAX_REPLICATIONS = 100
MAX_YEARS = 30


@dataclass
class CompareResult:
    """What a comparison produced.

    Attributes:
        names: the two policies, reference first.
        runs: one row per policy and replication: summary outcomes.
        bands: one row per policy, output and month: median, 5th (``low``) and 95th (``high``) percentiles.
        differences: one row per outcome: the paired difference (second minus first) and its 90% interval, as
            :func:`ctsim.analysis.compare.compare` computes it.
        replications: runs per policy.
        months: the horizon.
        seconds: wall time.
        parameters: which parameter values the runs used, one line (posterior draws or the point calibration).
    """

    names: tuple[str, str]
    runs: pd.DataFrame
    bands: pd.DataFrame
    differences: pd.DataFrame
    replications: int
    months: int
    seconds: float = 0.0
    parameters: str = ""


def policy_scenario(choice: str, session: DashboardSession | None) -> Scenario:
    """The scenario behind a policy choice: a library name, or :data:`CURRENT` (the session's settings and the
    changes made during its run)."""
    if choice == CURRENT:
        if session is None:
            raise DashboardError("there are no current settings to compare yet")
        return replace(session.scenario_for_export(), name=CURRENT)
    if choice not in scenario_choices():
        raise DashboardError(f"unknown policy '{choice}'; choose '{CURRENT}' or one of: "
                             f"{', '.join(scenario_choices())}")
    return resolve_scenario(choice)


def _run_one(task: tuple[int, Scenario, int, np.random.SeedSequence, int, dict | None]
             ) -> tuple[int, int, dict, pd.DataFrame]:
    index, scenario, replication, seed, months, draw = task
    result = run(scenario, seed, months, draw=draw)
    return index, replication, result.summary, result.national[["month", *SERIES]]


def same_policy(a: Scenario, b: Scenario) -> bool:
    """Whether two scenarios would run identically (same levers, schedule, trigger rules, parameters and horizon):
    their comparison would show zeros and teach nothing."""
    return (a.policy().as_dict() == b.policy().as_dict() and a.schedule == b.schedule and a.triggers == b.triggers
            and a.uncertainties == b.uncertainties and a.start == b.start and a.history == b.history)


def refuse_identical(a: Scenario, b: Scenario) -> None:
    """Raise :class:`DashboardError` for two policies that are the same."""
    if same_policy(a, b):
        raise DashboardError("the two policies are the same (same levers, schedule and reaction rules), so every "
                             "difference would be zero: pick another scenario for one of them, or change a lever "
                             "and compare the current settings")


def check_settings(replications: int, years: int) -> None:
    """Raise :class:`DashboardError` for an ensemble size or horizon the page should not start."""
    if not 2 <= replications <= MAX_REPLICATIONS:
        raise DashboardError(f"replications must be between 2 and {MAX_REPLICATIONS} (an interval needs at least "
                             f"two); got {replications}")
    if not 1 <= years <= MAX_YEARS:
        raise DashboardError(f"years must be between 1 and {MAX_YEARS}; got {years}")


def run_comparison(reference: Scenario, other: Scenario, replications: int = DEFAULT_REPLICATIONS,
                   years: int = 10, seed: int = 0, workers: int = 2,
                   on_progress: Callable[[int, int], None] | None = None, point: bool = False) -> CompareResult:
    """Run both policies ``replications`` times over ``years`` with common random numbers (the same seed and the
    same posterior draw for replication ``r`` of each).

    Args:
        reference: the first policy (differences are other minus reference).
        other: the second policy.
        replications: runs per policy.
        years: horizon after the history.
        seed: root seed of the replications.
        workers: local processes (1: in this process).
        on_progress: called with (runs done, runs in all) after each run.
        point: use the point calibration in every replication instead of the posterior draws.

    Raises:
        DashboardError: bad sizes, or posterior draws that are missing or were computed on another model (then the
            message says to use the point calibration).
    """
    import time

    # Imported here: SciPy's statistics and the executors are needed only once a comparison starts.
    from ctsim.analysis import compare as core_compare
    from ctsim.experiments.executors import ExecutorSpec, replicate

    check_settings(replications, years)
    refuse_identical(reference, other)
    parameters = parameter_set(point)
    months = 12 * years
    scenarios = core_compare.unique_names([reference, other])
    reps = replications_of(seed, replications, parameters)
    tasks = [(i, s, rep.index, rep.seed, months, rep.draw) for i, s in enumerate(scenarios) for rep in reps]
    began = time.perf_counter()
    kind = "processes" if workers > 1 else "serial"
    results = replicate(_run_one, tasks, ExecutorSpec(kind=kind, workers=workers), on_progress=on_progress)
    names = [s.name for s in scenarios]
    runs = pd.DataFrame([{"scenario": names[i], "replication": r, **summary} for i, r, summary, _ in results])
    monthly = pd.concat([series.assign(policy=names[i], replication=r) for i, r, _, series in results],
                        ignore_index=True)
    long = monthly.melt(["month", "policy", "replication"], var_name="output")
    grouped = long.groupby(["policy", "output", "month"])["value"]
    bands = pd.DataFrame({"median": grouped.median(), "low": grouped.quantile(0.05),
                          "high": grouped.quantile(0.95)}).reset_index()
    differences = core_compare.differences(runs, names)
    return CompareResult((names[0], names[1]), runs, bands, differences, replications, months,
                         time.perf_counter() - began, parameters.label())


PAGE_REMEDY = ("run `make posterior` to recompute the draws for this model, or tick 'point calibration' to compare "
               "without parameter uncertainty")


def parameter_set(point: bool):
    """The parameter values a comparison uses (:func:`ctsim.calibration.parameter_sets.choose`); draws that cannot
    be used become a :class:`DashboardError` that names the page's remedy."""
    from ctsim.calibration.parameter_sets import DrawsError, choose

    try:
        return choose(point, remedy=PAGE_REMEDY)
    except DrawsError as exc:
        raise DashboardError(str(exc)) from None
