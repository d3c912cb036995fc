"""One browser session: the trainer's policy and the status quo, each a small ensemble of runs stepped in lockstep.

:class:`DashboardSession` holds two :class:`Ensemble` objects built by :func:`ctsim.scenarios.runner.build_model`
(the same 2013-2024 history as ``ctsim run``): the trainer's policy and the status quo (the library's ``baseline``).
Run ``r`` of both uses the same seed and the same posterior draw (:func:`replications`, the dashboard's one loop over
replications), so every month the page can show "this policy" against "status quo" with bands, and paired
differences in which much of the chance cancels. The session applies lever changes from the next month (one change
per lever and month: a slider dragged through five values records one), brings a change of government forward, and
undoes the trainer's changes. It knows nothing of Solara: the page in :mod:`.app` keeps one session per browser tab,
so the session can be tested without a browser.

What is read from a model: ``model.step()``, ``model.record`` (the month's outputs by name), ``model.steps``,
``model.reverted_levers``, ``model.trigger_events``, ``model.start``; and, for the trainer's actions and the district
map, ``model.policy.set`` (a lever change), ``model.politics.bring_forward`` (an early election) and
:func:`district_state` (district legitimacy, militants and force strengths, which ``model.record`` does not carry).
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd

from ctsim.declarations.levers import LEVERS_BY_NAME, LeverError, check_value
from ctsim.model.recording import RECORDED_LEVERS
from ctsim.scenarios.files import MAX_SEED, Scenario, ScenarioError, ScheduleEntry, resolve_scenario
from ctsim.scenarios.library import BASELINE, HISTORY, library_names
from ctsim.scenarios.runner import build_model
from ctsim.verdicts import price_draws

from . import settings

# The measures of the district map: key -> (label for people, unit).
MAP_MEASURES: dict[str, tuple[str, str]] = {
    "attacks_12m": ("Attacks in the last 12 months", "attacks"),
    "attacks_12m_change": ("Attacks vs status quo, last 12 months", "attacks"),
    "recruits_12m": ("Recruits in the last 12 months", "people"),
    "legitimacy": ("State legitimacy", "index from 0 to 1"),
    "militants": ("Active militants", "people"),
    "military_share": ("Military share of counterterrorism strength", "share"),
    "police_share": ("Police share of counterterrorism strength", "share"),
}
# Outputs kept month by month for every run of an ensemble (charts, the trade-off panel, the event list).
KEPT = ("attacks", "deaths", "recruits", "detained_without_trial", "legitimacy", "cost", "operations_police",
        "operations_paramilitary", "operations_military")
STATUS_QUO = BASELINE


class DashboardError(ValueError):
    """Something the trainer asked for that cannot be done; the message says what would work."""


@dataclass(frozen=True)
class Event:
    """A trainer's action, marked on the charts and listed in words (the model's own events are read from the
    ensembles by :mod:`.events`).

    Attributes:
        month: model month (1-based) from which it applies.
        kind: ``lever`` (a trainer's change), ``undo`` or ``government`` (a change of government brought forward).
        text: one line for people.
        lever: the lever concerned, if any.
        value: its new value, if any.
    """

    month: int
    kind: str
    text: str
    lever: str = ""
    value: Any = None


@dataclass(frozen=True)
class Replication:
    """Replication ``index``: its seed and its parameter values (a posterior draw; None: the point calibration)."""

    index: int
    seed: np.random.SeedSequence
    draw: dict[str, float] | None


def replications(seed: int, count: int, parameters) -> list[Replication]:
    """The dashboard's one loop over replications: seed ``r`` is child ``r`` of ``SeedSequence(seed)`` and its
    parameters draw ``r`` of ``parameters`` (:func:`ctsim.calibration.parameter_sets.choose`), so replication ``r``
    of every policy, ensemble or team uses the same seed and the same draw (common random numbers). With posterior
    draws, replication ``r`` also takes price draw ``r`` (:func:`ctsim.verdicts.price_draws`), as ``ctsim compare``
    does, so cost intervals carry price uncertainty; the point calibration uses the declared prices."""
    seeds = np.random.SeedSequence(seed).spawn(count)
    prices = price_draws(seed, count) if parameters.mode == "draws" else [{}] * count
    return [Replication(r, seeds[r], {**prices[r], **parameters.values(r)} or None) for r in range(count)]


def live_parameters():
    """The parameter values of the live ensembles: the stored posterior draws, or the point calibration when the
    draws cannot be used (then the page says so), and a line saying which."""
    from ctsim.calibration.parameter_sets import DrawsError, choose

    try:
        chosen = choose(False)
        return chosen, chosen.label()
    except DrawsError as exc:
        chosen = choose(True)
        return chosen, f"{chosen.label()} (the stored posterior draws cannot be used: {exc})"


def scenario_choices() -> list[str]:
    """Library scenarios a trainer may pick (see :func:`_choices`)."""
    return list(_choices())


@lru_cache(maxsize=1)
def _choices() -> tuple[str, ...]:
    """Library scenarios a trainer may pick: those that start where the status quo starts, after the same history
    (so the two step in lockstep); the history itself is the start of every run, not a policy."""
    base = resolve_scenario(STATUS_QUO)
    out = []
    for name in library_names():
        if name == HISTORY:
            continue
        scenario = resolve_scenario(name)
        if scenario.start == base.start and scenario.history_months == base.history_months:
            out.append(name)
    return tuple(out)


def district_state(model) -> dict[str, np.ndarray]:
    """District legitimacy, active militants and the police, paramilitary and military shares of counterterrorism
    strength this month: the one place the dashboard reads them (``model.record`` carries districts' attacks and
    recruits only)."""
    strength = model.state.effective
    total = np.maximum(strength.sum(axis=1), 1e-12)
    militants = np.bincount(model.cell_table.district, model.cell_table.members, model.n_districts)
    return {"legitimacy": np.asarray(model.legitimacy, float).copy(), "militants": militants.astype(float),
            "police_share": strength[:, 0] / total, "paramilitary_share": strength[:, 1] / total,
            "military_share": strength[:, 2] / total}


class Ensemble:
    """Runs of one policy stepped together, one model per replication, with the outputs the page reads.

    Attributes:
        scenario: the policy's scenario (its starting levers included).
        models: one model per replication, stepped through the same months.
        series: output -> one array per month run (one value per replication).
        district_attacks, district_recruits: the last 12 months by district, one (replications x districts) array
            per month.
        trigger_from: for each replication, the value each trigger-driven lever had before the month (for the event
            list's "from ... to ...").
    """

    def __init__(self, scenario: Scenario, reps: Sequence[Replication]) -> None:
        self.scenario = scenario
        self.models = [build_model(scenario, rep.seed, draw=rep.draw) for rep in reps]
        self.series: dict[str, list[np.ndarray]] = {name: [] for name in KEPT}
        self.district_attacks: deque[np.ndarray] = deque(maxlen=12)
        self.district_recruits: deque[np.ndarray] = deque(maxlen=12)
        self.watched = sorted({t.lever for t in scenario.triggers})
        self.lever_history: list[list[dict[str, Any]]] = [[] for _ in self.models]

    @property
    def steps(self) -> int:
        return self.models[0].steps

    def step(self) -> None:
        """Every run one month on, then keep what the page reads."""
        for model, history in zip(self.models, self.lever_history, strict=True):
            history.append({name: getattr(model.policy, name) for name in self.watched})
            model.step()
        records = [model.record for model in self.models]
        for name in KEPT:
            self.series[name].append(np.array([float(rec[name]) for rec in records]))
        self.district_attacks.append(np.array([rec["attacks@districts"] for rec in records], float))
        self.district_recruits.append(np.array([rec["recruits@districts"] for rec in records], float))

    def array(self, output: str) -> np.ndarray:
        """``output`` as a (months x replications) array, history included."""
        rows = self.series[output]
        return np.vstack(rows) if rows else np.zeros((0, len(self.models)))

    def set_lever(self, name: str, value: Any) -> None:
        for model in self.models:
            model.policy.set(name, value)

    def bring_forward(self, month: int) -> None:
        for model in self.models:
            model.politics.bring_forward(month)

    def release(self) -> None:
        for model in self.models:
            model.release()
        self.models = []


class DashboardSession:
    """The trainer's policy and the status quo of one browser session, stepped in lockstep.

    Args:
        scenario: a library scenario name (default: the status quo).
        seed: the root seed of the replications (default: the scenario's).
        levers: lever values replacing the scenario's at the start of the scenario.
        runs: runs per ensemble (default: the ``--runs`` setting, :func:`.settings.runs`).

    Attributes:
        scenario: the scenario as loaded from the library (before the trainer's changes).
        seed: the root seed in use.
        start_levers: the levers the scenario starts with (the scenario's, with ``levers`` applied).
        levers: the levers the trainer has set now (what the controls show; a change of government may have
            reverted some of them in some runs, which the event list says).
        policy, status_quo: the two ensembles.
        events: the trainer's actions, for markers and the event list.
        changes: (model month, lever, value) of every change made during the run, one per lever and month.
        parameters: one line saying which parameter values the runs use.
        lock: held while the models are stepped or read (the page's play loop runs in a thread).
    """

    def __init__(self, scenario: str = STATUS_QUO, seed: int | str | None = None,
                 levers: dict[str, Any] | None = None, runs: int | None = None) -> None:
        self.lock = threading.RLock()
        self.runs = settings.runs() if runs is None else runs
        self._parameters, self.parameters = live_parameters()
        self.policy: Ensemble | None = None
        self.status_quo: Ensemble | None = None
        self.load(scenario, seed, levers)

    # ----------------------------------------------------------------------------------------- building
    def load(self, scenario: str, seed: int | str | None = None, levers: dict[str, Any] | None = None) -> None:
        """Start ``scenario`` (a library name) with ``seed`` and the given starting levers, at the branch.

        Raises:
            DashboardError: for an unknown scenario, a seed that is not a whole number from 0 to 2**63-1, or a bad
                lever value.
        """
        if scenario not in scenario_choices():
            raise DashboardError(f"unknown scenario '{scenario}'; choose one of: {', '.join(scenario_choices())}")
        try:
            loaded = resolve_scenario(scenario)
        except ScenarioError as exc:  # a broken packaged file: say which, do not crash the page
            raise DashboardError(str(exc)) from exc
        seed = parse_seed(seed, loaded.seed)
        start_levers = {**loaded.policy().as_dict(), **{k: checked(k, v) for k, v in (levers or {}).items()}}
        with self.lock:
            reseeded = getattr(self, "seed", None) != seed
            self.scenario, self.seed, self.start_levers = loaded, seed, start_levers
            self.levers = dict(start_levers)
            self.events: list[Event] = []
            self.changes: list[tuple[int, str, Any]] = []
            self._build(status_quo=reseeded or self.status_quo is None or self.status_quo.steps != self.history_months)

    def _build(self, status_quo: bool = True) -> None:
        """Build the ensembles the controls describe and run their history, so the page opens at the branch."""
        reps = replications(self.seed, self.runs, self._parameters)
        if status_quo:
            fresh = Ensemble(resolve_scenario(STATUS_QUO), reps)
            for _ in range(fresh.scenario.history_months):
                fresh.step()
            if self.status_quo is not None:
                self.status_quo.release()
            self.status_quo = fresh
        policy = Ensemble(replace(self.scenario, levers=dict(self.start_levers)), reps)
        for _ in range(self.scenario.history_months):
            policy.step()
        if self.policy is not None:
            self.policy.release()
        self.policy = policy

    def close(self) -> None:
        """Free the models (the page was closed)."""
        with self.lock:
            for ensemble in (self.policy, self.status_quo):
                if ensemble is not None:
                    ensemble.release()

    @property
    def model(self):
        """The first run of the trainer's policy (its calendar: start, months run)."""
        return self.policy.models[0]

    @property
    def history_months(self) -> int:
        """Months of history (its spin-up included) before the scenario's first month."""
        return self.scenario.history_months

    @property
    def shown_from(self) -> int:
        """Index of the first month the charts show: the history's spin-up (run, not reported) is not shown."""
        return self.scenario.history.spin_up_months if self.scenario.history else 0

    @property
    def scenario_month(self) -> int:
        """Months of the scenario run so far (0 at the branch)."""
        return self.policy.steps - self.history_months

    def acted(self) -> dict[str, str]:
        """The numeric levers the policy's runs did not keep where the page sets them so far this scenario (the
        state's reactions to violence, changes of government): the mean they acted at over the runs and months, in
        words, for the lever drawer."""
        months = self.scenario_month
        if self.policy is None or months <= 0:
            return {}
        out = {}
        values = np.stack([model.recorder.levers(self.history_months) for model in self.policy.models])
        for i, name in enumerate(RECORDED_LEVERS):
            set_to = float(self.levers[name])
            column = values[:, :, i]
            if np.allclose(column, set_to, rtol=0.0, atol=1e-9):
                continue
            lever = LEVERS_BY_NAME[name]
            fmt = (lambda v: f"{v:.1f}") if lever.kind == "int" else (lambda v: f"{v:.2f}")
            out[name] = (f"acted at {fmt(float(column.mean()))} on average so far ({fmt(float(column.min()))} to "
                         f"{fmt(float(column.max()))}): the state's reactions or a change of government moved it")
        return out

    @property
    def horizon(self) -> int:
        """Months the scenario may run (its own horizon; the page stops there)."""
        return self.scenario.months

    @property
    def start(self) -> pd.Period:
        """The first month of the history."""
        return self.model.start

    def month_label(self, month: int | None = None) -> str:
        """``YYYY-MM`` of a model month (default: the last one run)."""
        month = self.policy.steps if month is None else month
        return str(self.start + max(month - 1, 0))

    def month_words(self, month: int) -> str:
        """``January 2029`` for a model month."""
        return (self.start + max(month - 1, 0)).strftime("%B %Y")

    def lever_at(self, month: int, name: str) -> Any:
        """The value the trainer had given lever ``name`` for model month ``month``."""
        value = self.start_levers[name]
        for changed, lever, new in self.changes:
            if lever == name and changed <= month:
                value = new
        return value

    @property
    def same_as_status_quo(self) -> bool:
        """Whether the trainer's policy is the status quo itself (then there is no trade-off to show)."""
        base = resolve_scenario(STATUS_QUO)
        return (self.levers == base.policy().as_dict() and not self.changes
                and self.start_levers == base.policy().as_dict() and self.scenario.schedule == base.schedule
                and self.scenario.triggers == base.triggers and self.scenario.uncertainties == base.uncertainties)

    # ----------------------------------------------------------------------------------------- running
    def step(self, months: int = 1) -> int:
        """Advance both ensembles up to ``months`` months (not past the horizon); returns the months run."""
        done = 0
        with self.lock:
            for _ in range(months):
                if self.scenario_month >= self.horizon:
                    break
                self.policy.step()
                self.status_quo.step()
                done += 1
        return done

    def set_lever(self, name: str, value: Any) -> None:
        """Change a lever in every run of the policy from the next month, and mark it.

        At the branch (no scenario month run yet) the policy's runs are rebuilt with the new starting value, because
        the history hands over to the scenario's levers in the first scenario month. Several changes of one lever
        before the next month (a slider dragged through several values) are one change, to the last value.

        Raises:
            DashboardError: for an unknown lever or a value outside its range.
        """
        value = checked(name, value)
        lever = LEVERS_BY_NAME[name]
        with self.lock:
            if value == self.levers.get(name):
                return
            month = self.policy.steps + 1
            self.levers[name] = value
            self.events = [e for e in self.events if not (e.kind == "lever" and e.month == month and e.lever == name)]
            if self.scenario_month == 0:
                self.start_levers = {**self.start_levers, name: value}
                self._build(status_quo=False)
                if value == self.scenario.policy().as_dict()[name]:
                    return  # back to the scenario's own start: nothing to mark
            else:
                before = [v for m, n, v in self.changes if n == name and m < month]
                in_force = before[-1] if before else self.start_levers[name]
                self.changes = [c for c in self.changes if not (c[0] == month and c[1] == name)]
                self.policy.set_lever(name, value)
                if value == in_force:
                    return  # dragged back to where it was this month: no change
                self.changes.append((month, name, value))
            self.events.append(Event(month, "lever", f"{self.month_words(month)}: you set {lever.label.lower()} to "
                                     f"{lever_value_words(lever, value)}", name, value))

    def change_government(self) -> None:
        """Bring the next change of government forward to next month, in every run of both ensembles.

        The model's political cycle changes government at ``next_transition``; moving that month forward applies the
        cycle's own rule next month (each lever that differs from the status quo survives with
        ``political_continuity``, all survive with cross-party ownership) and the following terms count from then.
        """
        with self.lock:
            if self.scenario_month >= self.horizon:
                raise DashboardError("the run has reached its horizon; reset it to start again")
            month = self.policy.steps + 1
            self.policy.bring_forward(month)
            self.status_quo.bring_forward(month)
            self.events.append(Event(month, "government", f"{self.month_words(month)}: you called an early "
                                     "change of government"))

    def undo(self) -> None:
        """Put every lever back to the scenario's starting values, from the next month."""
        with self.lock:
            scenario_levers = self.scenario.policy().as_dict()
            if self.scenario_month == 0:
                self.start_levers = dict(scenario_levers)
                self.levers = dict(scenario_levers)
                self.events = []
                self._build(status_quo=False)
                return
            changed = {k: v for k, v in scenario_levers.items() if self.levers[k] != v}
            month = self.policy.steps + 1
            for name, value in changed.items():
                self.policy.set_lever(name, value)
                self.levers[name] = value
                self.changes = [c for c in self.changes if not (c[0] == month and c[1] == name)]
                self.changes.append((month, name, value))
            self.events.append(Event(month, "undo", f"{self.month_words(month)}: you put the levers back to "
                                     f"'{self.scenario.name}' ({len(changed)} changed)"))

    def reset(self) -> None:
        """Start the same scenario and seed again, keeping the starting levers."""
        with self.lock:
            self.events = [e for e in self.events if e.kind == "lever" and e.month == self.history_months + 1]
            self.changes = []
            self.levers = dict(self.start_levers)
            self._build()

    # ----------------------------------------------------------------------------------------- reading
    def months(self) -> pd.DatetimeIndex:
        """First day of every month run so far, history included."""
        return pd.period_range(self.start, periods=self.policy.steps, freq="M").to_timestamp()

    def districts(self) -> pd.DataFrame:
        """One row per district: name, region, position, population and every map measure, for the last month
        (the mean over the policy's runs; ``attacks_12m_change``: that minus the status quo's mean)."""
        with self.lock:
            model = self.model
            table = model.geography.table
            frame = pd.DataFrame({
                "district": table["district"].to_numpy(), "region": model.region_names,
                "lat": table["lat"].to_numpy(float), "lon": table["lon"].to_numpy(float),
                "population": np.asarray(model.population, float)})
            policy = _mean_12(self.policy.district_attacks, model.n_districts)
            frame["attacks_12m"] = policy
            frame["attacks_12m_change"] = policy - _mean_12(self.status_quo.district_attacks, model.n_districts)
            frame["recruits_12m"] = _mean_12(self.policy.district_recruits, model.n_districts)
            states = [district_state(m) for m in self.policy.models]
            for key in states[0]:
                frame[key] = np.mean([s[key] for s in states], axis=0)
            return frame

    def scenario_for_export(self) -> Scenario:
        """The scenario as the trainer has it now: its starting levers, and the changes made during the run as a
        schedule (a change of government cannot be written in a scenario file and is left out)."""
        entries = tuple(ScheduleEntry(month=month - self.history_months, lever=name, value=value)
                        for month, name, value in self.changes)
        return replace(self.scenario, levers=dict(self.start_levers), seed=self.seed,
                       schedule=self.scenario.schedule + entries)


def _mean_12(months: deque, districts: int) -> np.ndarray:
    """Per district, the mean over runs of the sum over the kept months (zeros before the first)."""
    if not months:
        return np.zeros(districts)
    return np.sum(months, axis=0).mean(axis=0)


def checked(name: str, value: Any) -> Any:
    """A lever value converted and checked, or :class:`DashboardError` saying what is valid."""
    lever = LEVERS_BY_NAME.get(name)
    if lever is None:
        raise DashboardError(f"unknown lever '{name}'")
    if lever.kind in ("int", "float") and isinstance(value, str):
        try:
            value = float(value)
        except ValueError:
            raise DashboardError(f"{lever.label}: '{value}' is not a number") from None
    if lever.kind == "int" and isinstance(value, float) and value.is_integer():
        value = int(value)
    if lever.kind == "float" and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    try:
        return check_value(lever, value)
    except LeverError as exc:
        raise DashboardError(f"{lever.label}: {exc}") from None


def parse_seed(seed: int | str | None, default: int) -> int:
    """The seed as an int from 0 to 2**63-1, as the scenario files and the CLI bound it (a typed seed arrives as a
    string), or :class:`DashboardError`."""
    if seed is None or (isinstance(seed, str) and not seed.strip()):
        return default
    try:
        value = int(str(seed).strip())
    except ValueError:
        raise DashboardError(f"the seed must be a whole number such as 1 or 42; got '{seed}'") from None
    if not 0 <= value <= MAX_SEED:
        raise DashboardError(f"the seed must be a whole number from 0 to {MAX_SEED:,}; got {value:,}")
    return value


def format_value(value: Any) -> str:
    """A lever value for people, without its unit."""
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value).replace("_", " ")


def lever_value_words(lever, value: Any) -> str:
    """A lever's value in plain words with its unit: ``the police``, ``on``, ``90% of the full programme``,
    ``3 times today's``, ``16 formations``."""
    if lever.kind == "choice":
        return lever.choice_label(value)
    if lever.kind == "bool":
        return "on" if value else "off"
    unit = lever.unit
    if unit == "share":
        return f"{value:.0%}"
    if unit == "share of full programme":
        return f"{value:.0%} of the full programme"
    if unit == "probability":
        return f"a {value:.0%} chance"
    if unit == "multiple of status quo":
        return f"{value:g} times today's"
    return f"{value:g} {unit}".strip()


__all__ = ["MAP_MEASURES", "DashboardError", "DashboardSession", "Ensemble", "Event", "Replication",
           "replications", "scenario_choices"]
