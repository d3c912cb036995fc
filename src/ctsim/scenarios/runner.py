"""The one way to build and run a model: from a scenario (file, library name or object) or from lever values.

Every caller goes through here: ``ctsim run``, comparisons, batch workers, calibration, pattern checks, the
dashboard and Python users. A scenario with a history (the library's baseline and everything that extends it) first
runs 2022-2024 under the history's levers and then branches into the scenario's, exactly as the CLI does; pass
``history=False`` to start from the parameterised initial state at the scenario's own start instead.

Example:
    >>> from ctsim.scenarios.runner import run
    >>> result = run("baseline", seed=1, months=12, levers={"ct_lead": "police"})
    >>> len(result.national)
    12
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ctsim.data.geography import Geography, packaged
from ctsim.declarations.limits import check_running_size
from ctsim.model.core import CTModel
from ctsim.model.recording import (
    LEAN_OUTPUTS,
    LEAN_REGIONAL,
    OUTPUT_INDEX,
    REGIONAL_INDEX,
    annual_table,
    levers_as_they_acted,
    monthly_frames,
    recruits_by_stratum,
    summarise,
)
from ctsim.scenarios.files import Scenario, resolve_scenario
from ctsim.scenarios.triggers import CHANGE_OF_GOVERNMENT

Seed = int | np.random.SeedSequence


@dataclass
class RunResult:
    """What one run produced.

    Attributes:
        scenario: the scenario run (with any lever and uncertainty overrides applied).
        seed: the root seed used (an int, or the ``SeedSequence`` of a replication).
        national: monthly national outputs (the scenario's months; the history's too if asked).
        regional: monthly outputs by region.
        summary: per-run summary scalars (:func:`ctsim.model.recording.summarise`).
        reverted_levers: (month, lever) pairs reverted at changes of government.
        levers: the numeric levers that did not stay where the scenario set them (its schedule, the state's
            reactions, changes of government), with the value set and the mean, range and share of months they took
            (:func:`ctsim.model.recording.levers_as_they_acted`).
        trigger_events: (month, trigger, "fired" or "released", lever, value, level) of the scenario's triggers.
        district_attacks: attacks in each district (in the packaged table's order) over the scenario's months.
        recruits_by_stratum: monthly recruits in each of the 24 youth strata.
        parameters: which parameter set the run used (:meth:`ctsim.calibration.parameter_sets.ParameterSet.
            manifest`), set by the caller that chose it; empty means the point calibration.
    """

    scenario: Scenario
    seed: Seed
    national: pd.DataFrame
    regional: pd.DataFrame
    summary: dict[str, float]
    reverted_levers: list[tuple[int, str]]
    recruits_by_stratum: pd.DataFrame
    trigger_events: list[tuple] = field(default_factory=list)
    district_attacks: np.ndarray | None = None
    parameters: dict[str, Any] = field(default_factory=dict)
    levers: dict[str, dict[str, float]] = field(default_factory=dict)

    @property
    def annual(self) -> pd.DataFrame:
        """Per-year table (see :func:`ctsim.model.recording.annual_table`)."""
        return annual_table(self.national, self.regional)


def build_model(scenario: Scenario | str | Path | None = None, seed: Seed | None = None, *,
                levers: Mapping[str, Any] | None = None, uncertainties: Mapping[str, float] | None = None,
                draw: Mapping[str, float] | None = None, history: bool = True,
                geography_overrides: Mapping[str, Mapping[str, float]] | None = None,
                admin_overrides: Mapping[str, float] | None = None, cell_agents: bool = True,
                agents: bool = True, lean_record: bool = False) -> CTModel:
    """A model set up as the scenario says (levers, uncertainties, schedule, history), ready to step.

    Args:
        scenario: a :class:`Scenario`, a scenario file, or a library name; None means the library's baseline.
        seed: an int or a ``numpy.random.SeedSequence`` (default: the scenario's seed).
        levers: lever values overriding the scenario's starting values (a design point of an experiment).
        uncertainties: parameter values overriding the scenario's.
        draw: parameter values of a posterior draw (:mod:`ctsim.calibration.parameter_sets`): above the point
            calibration, below everything set explicitly (the history's and the scenario's uncertainties, and
            ``uncertainties``). None: the point calibration.
        history: run the scenario's history first (as the CLI does). With a history the model starts at the
            history's start under the history's levers and switches to the scenario's when the history ends; step
            it ``scenario.history_months + scenario.months`` times (``model.branch_month`` tells where the scenario
            begins). False: start at the scenario's own start from the parameterised initial state.
        geography_overrides: region -> district column -> value, for counterfactual districts (pattern checks).
        admin_overrides: region -> administrative capacity, for counterfactuals.
        cell_agents: False builds no Mesa agents for militant cells (:class:`ctsim.model.core.CTModel`): for runs
            whose caller keeps only the recorded outputs.
        agents: False builds no Mesa agents and no network at all (:class:`ctsim.model.core.CTModel`).
        lean_record: record only the outputs a calibration candidate reads (:class:`ctsim.model.core.CTModel`).
    """
    scenario = resolve_scenario(scenario)
    if levers:
        scenario = replace(scenario, levers={**scenario.levers, **levers})
    if not history:
        scenario = replace(scenario, history=None)
    params = {**scenario.uncertainties, **(uncertainties or {})}
    start, policy = scenario.start, scenario.policy()
    if scenario.history is not None:
        params = {**scenario.history.uncertainties, **params}
        start, policy = scenario.history.start, scenario.history.policy()
    if draw:
        params = {**draw, **params}  # what a file or a design sets explicitly wins over the draw
    geography = _counterfactual_geography(geography_overrides) if geography_overrides else None
    model = CTModel(policy=policy, params=params, seed=scenario.seed if seed is None else seed, start=start,
                    on_month=scenario.on_month(), geography=geography,
                    admin_capacity=dict(admin_overrides) if admin_overrides else None, cell_agents=cell_agents,
                    agents=agents, lean_record=lean_record)
    model.branch_month = scenario.spin_up_months  # a spin-up is run but not reported; a history's branch resets it
    return model


def run(scenario: Scenario | str | Path | None = None, seed: Seed | None = None, months: int | None = None, *,
        levers: Mapping[str, Any] | None = None, uncertainties: Mapping[str, float] | None = None,
        draw: Mapping[str, float] | None = None, history: bool = True, include_history: bool = False,
        geography_overrides: Mapping[str, Mapping[str, float]] | None = None,
        admin_overrides: Mapping[str, float] | None = None) -> RunResult:
    """Build a model (see :func:`build_model`), run it for the history and ``months`` scenario months (default: the
    scenario's horizon, counted from its start, a spin-up included), release it, and return what it produced.
    ``include_history`` keeps the history's months in the frames.

    Raises:
        ValueError: ``months`` ends within the scenario's spin-up (nothing would be reported)."""
    scenario = resolve_scenario(scenario)
    if levers:
        scenario = replace(scenario, levers={**scenario.levers, **levers})
    if not history:
        scenario = replace(scenario, history=None)
    seed = scenario.seed if seed is None else seed
    if months is not None and months <= scenario.spin_up_months:
        raise ValueError(f"{scenario.name}: months = {months} ends within the {scenario.spin_up_months}-month spin-up "
                         f"(months count from {scenario.start}; the run reports from {scenario.reported_start})")
    model = build_model(scenario, seed, uncertainties=uncertainties, draw=draw, geography_overrides=geography_overrides,
                        admin_overrides=admin_overrides)
    try:
        _run_months(model, scenario.history_months + (scenario.months if months is None else months), scenario)
        reported = model.branch_month  # the history's months, or the spin-up's
        district_attacks = model.recorder.district_attacks(first=reported)
        national, regional = monthly_frames(model, include_history=include_history)
        first = 0 if include_history else reported
        set_values = (scenario.history.policy() if include_history and scenario.history else scenario.policy())
        return RunResult(scenario, seed, national, regional, summarise(national, regional),
                         list(model.reverted_levers), recruits_by_stratum(model), list(model.trigger_events),
                         district_attacks,
                         levers=levers_as_they_acted(model.recorder, set_values.as_dict(), first))
    finally:
        model.release()


@dataclass
class Recorded:
    """What a run recorded, as arrays (no frames): a caller that reduces a run to a few numbers (the calibration's
    candidates) reads these instead of the DataFrames :func:`run` builds.

    Attributes:
        months: the first day of every recorded month (the history's included).
        national: (months, outputs) in ``ctsim.model.recording.OUTPUT_NAMES`` order.
        regional: (months, regional outputs, regions) in ``REGIONAL_OUTPUTS`` and ``REGIONS`` order.
    """

    months: pd.DatetimeIndex
    national: np.ndarray
    regional: np.ndarray

    def series(self, name: str) -> np.ndarray:
        """One national output, month by month."""
        return self.national[:, OUTPUT_INDEX[name]]

    def regional_series(self, name: str) -> np.ndarray:
        """One regional output, (months, regions)."""
        return self.regional[:, REGIONAL_INDEX[name]]


def run_recorded(scenario: Scenario | str | Path | None = None, seed: Seed | None = None,
                 months: int | None = None, *, uncertainties: Mapping[str, float] | None = None,
                 draw: Mapping[str, float] | None = None, outputs: Iterable[str] | None = None) -> Recorded:
    """Build and run a model as :func:`run` does (history included) and return its recorded months as arrays.

    The caller keeps only the recorded outputs, so the model builds no Mesa agents and no network (the agents are
    views of the state: the outputs are the same bit for bit, ``CTModel(agents=False)``). ``outputs``: the only
    outputs the caller reads (see :func:`recorded_stages`)."""
    (whole,) = recorded_stages(scenario, seed, months, uncertainties=uncertainties, draw=draw, outputs=outputs)
    return whole


def recorded_stages(scenario: Scenario | str | Path | None = None, seed: Seed | None = None,
                    months: int | None = None, *, pauses: Iterable[int] = (),
                    uncertainties: Mapping[str, float] | None = None,
                    draw: Mapping[str, float] | None = None,
                    outputs: Iterable[str] | None = None) -> Iterator[Recorded]:
    """:func:`run_recorded` in stages: what the run has recorded after each of ``pauses`` months (the history's
    included; pauses at or beyond the run's end are skipped), then the whole run, each a copy.

    A caller that can tell from the first years that it will not want the rest (an ABC candidate already too far
    from the targets: :mod:`ctsim.analysis.calibration.posterior`) stops iterating, and the model is released
    without running the remaining months. The months run are the same as :func:`run_recorded`'s, bit for bit.

    ``outputs``: the only outputs the caller reads (national names, and ``name@regions`` for a regional one), or
    None for all. When they and every output the scenario's triggers watch are among what a lean recorder keeps
    (:data:`ctsim.model.recording.LEAN_OUTPUTS`, ``LEAN_REGIONAL``), the run records those alone (the others are
    NaN): a calibration candidate's case, the same values bit for bit, at less cost."""
    scenario = resolve_scenario(scenario)
    total = scenario.history_months + (scenario.months if months is None else months)
    model = build_model(scenario, scenario.seed if seed is None else seed, uncertainties=uncertainties, draw=draw,
                        agents=False, lean_record=outputs is not None and lean_covers(scenario, outputs))
    try:
        done = 0
        for pause in sorted({int(m) for m in pauses if 0 < int(m) < total}):
            _run_months(model, pause - done, scenario)
            done = pause
            yield _recorded(model)
        _run_months(model, total - done, scenario)
        yield _recorded(model)
    finally:
        model.release()


def lean_covers(scenario: Scenario, outputs: Iterable[str]) -> bool:
    """Whether a lean recorder keeps ``outputs`` (national names, ``name@regions`` for regional ones) and every
    output the triggers of ``scenario`` and of its history watch (changes of government need none)."""
    national, regional = set(LEAN_OUTPUTS), set(LEAN_REGIONAL)
    for name in outputs:
        base, _, over = name.partition("@")
        if not (base in regional if over == "regions" else (not over and name in national)):
            return False
    histories = (scenario, scenario.history) if scenario.history is not None else (scenario,)
    for trigger in (t for s in histories for t in s.triggers):
        if trigger.when != CHANGE_OF_GOVERNMENT and trigger.when not in (national if trigger.region is None
                                                                         else regional):
            return False
    return True


def _recorded(model: CTModel) -> Recorded:
    recorder = model.recorder
    return Recorded(_month_starts(model.start, recorder.months), recorder.national.copy(), recorder.regional.copy())


@lru_cache(maxsize=256)
def _month_starts(start: pd.Period, months: int) -> pd.DatetimeIndex:
    """The first day of ``months`` months from ``start`` (an index is immutable: one per process serves every run)."""
    return pd.period_range(start, periods=months, freq="M").to_timestamp()


def _run_months(model: CTModel, months: int, scenario: Scenario) -> None:
    """Step ``model`` ``months`` times, checking its size after each month (the cost guard,
    :func:`ctsim.declarations.limits.check_running_size`: a run past the limits stops with one line)."""
    for _ in range(months):
        model.step()
        check_running_size(model.record, model.steps, scenario.path or scenario.name)


def _counterfactual_geography(overrides: Mapping[str, Mapping[str, float]]) -> Geography:
    geography = packaged()
    table = geography.table.copy()
    for region, columns in overrides.items():
        for column, value in columns.items():
            table.loc[table["region"] == region, column] = value
    return replace(geography, table=table)
