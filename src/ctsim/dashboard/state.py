"""One model per browser session: the model, what the trainer did to it, and the district figures the map shows.

:class:`DashboardSession` holds a model built by :func:`ctsim.scenarios.runner.build_model` (the same 2022-2024
history as ``ctsim run``), steps it month by month, applies lever changes from the next month, brings a change of
government forward, and undoes the trainer's changes. It knows nothing of Solara: the page in :mod:`.app` keeps one
session per browser tab and renders what it holds, so the session can be tested without a browser.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from ctsim.declarations.levers import LEVERS_BY_NAME, LeverError, check_value
from ctsim.model.recording import monthly_frames
from ctsim.scenarios.files import Scenario, ScenarioError, ScheduleEntry, resolve_scenario
from ctsim.scenarios.library import BASELINE, HISTORY, library_names
from ctsim.scenarios.runner import build_model

# The measures of the district map: key -> (label for people, unit).
MAP_MEASURES: dict[str, tuple[str, str]] = {
    "attacks_12m": ("Attacks, last 12 months", "attacks"),
    "attacks": ("Attacks this month", "attacks"),
    "recruits_12m": ("Recruits, last 12 months", "persons"),
    "recruits": ("Recruits this month", "persons"),
    "militants": ("Active militants", "persons"),
    "legitimacy": ("Legitimacy of the state", "index 0-1"),
    "military_share": ("Deployment: military share of CT strength", "share"),
    "police_share": ("Deployment: police share of CT strength", "share"),
}


class DashboardError(ValueError):
    """Something the trainer asked for that cannot be done; the message says what would work."""


@dataclass(frozen=True)
class Event:
    """Something marked on the charts.

    Attributes:
        month: model month (1-based) from which it applies.
        kind: ``lever`` (a trainer's change), ``undo``, ``government`` (a change of government), ``reverted``
            (a lever the change of government put back to the status quo) or ``trigger`` (a scenario's trigger rule
            fired or was released).
        text: one line for the chart's tooltip.
        lever: the lever concerned, if any.
        value: its new value, if any.
    """

    month: int
    kind: str
    text: str
    lever: str = ""
    value: Any = None


def scenario_choices() -> list[str]:
    """Library scenarios a trainer may pick (the history is the start of every run, not a policy)."""
    return [name for name in library_names() if name != HISTORY]


class DistrictRecorder:
    """District figures for the map: attacks and recruits by district, month by month.

    The core records them by district in ``model.record`` (``attacks@districts``, ``recruits@districts``) but its
    DataCollector keeps only regions, so runs stay small; the recorder keeps the district figures of the months this
    session has stepped. Sums over each region equal the model's regional records (tested).
    """

    def __init__(self, model) -> None:
        self.model = model
        self.attacks: list[np.ndarray] = []
        self.recruits: list[np.ndarray] = []

    def capture(self) -> None:
        """Keep the month the model has just stepped."""
        record = self.model.record
        self.attacks.append(np.asarray(record["attacks@districts"], dtype=float))
        self.recruits.append(np.asarray(record["recruits@districts"], dtype=float))

    def last(self, which: str, months: int) -> np.ndarray:
        """Sum over the last ``months`` months of ``attacks`` or ``recruits`` by district (zeros before month 1)."""
        rows = getattr(self, which)[-months:]
        return np.sum(rows, axis=0) if rows else np.zeros(self.model.n_districts)


class DashboardSession:
    """The model of one browser session and the trainer's actions on it.

    Args:
        scenario: a library scenario name (default: the baseline).
        seed: the run's seed (default: the scenario's).
        levers: lever values replacing the scenario's at the start of the scenario.

    Attributes:
        scenario: the scenario as loaded from the library (before the trainer's changes).
        seed: the seed in use.
        start_levers: the levers the scenario starts with (the scenario's, with ``levers`` applied).
        model: the model, stepped through the 2022-2024 history already.
        events: what happened during the run, for markers on the charts.
        lock: held while the model is stepped or read (the page's play loop runs in a thread).
    """

    def __init__(self, scenario: str = BASELINE, seed: int | str | None = None,
                 levers: dict[str, Any] | None = None) -> None:
        self.lock = threading.RLock()
        self.load(scenario, seed, levers)

    # ----------------------------------------------------------------------------------------- building
    def load(self, scenario: str, seed: int | str | None = None, levers: dict[str, Any] | None = None) -> None:
        """Build a new model for ``scenario`` (a library name) with ``seed`` and the given starting levers.

        Raises:
            DashboardError: for an unknown scenario, a seed that is not a whole number >= 0, or a bad lever value.
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
            self.scenario, self.seed, self.start_levers = loaded, seed, start_levers
            self.events: list[Event] = []
            self.changes: list[tuple[int, str, Any]] = []  # (model month, lever, value) made during the run
            self._build()

    def _build(self) -> None:
        """Build the model the controls describe and run its history, so the page opens at the branch month."""
        model = build_model(self.scenario, self.seed, levers=self.start_levers)
        self.recorder = DistrictRecorder(model)
        for _ in range(self.scenario.history_months):
            model.step()
            self.recorder.capture()
        old = getattr(self, "model", None)
        if old is not None:
            old.release()
        self.model = model
        self._seen_reversions = 0
        self._seen_triggers = 0

    @property
    def history_months(self) -> int:
        """Months of 2022-2024 history before the scenario's first month."""
        return self.scenario.history_months

    @property
    def scenario_month(self) -> int:
        """Months of the scenario run so far (0 at the branch)."""
        return self.model.steps - self.history_months

    @property
    def horizon(self) -> int:
        """Months the scenario may run (its own horizon; the page stops there)."""
        return self.scenario.months

    def month_label(self, month: int | None = None) -> str:
        """``YYYY-MM`` of a model month (default: the last one run)."""
        month = self.model.steps if month is None else month
        return str(self.model.start + max(month - 1, 0))

    # ----------------------------------------------------------------------------------------- running
    def step(self, months: int = 1) -> int:
        """Advance up to ``months`` months (not past the horizon); returns the months actually run."""
        done = 0
        with self.lock:
            for _ in range(months):
                if self.scenario_month >= self.horizon:
                    break
                self.model.step()
                self.recorder.capture()
                done += 1
                self._note_reversions()
        return done

    def _note_reversions(self) -> None:
        model = self.model
        for month in model.politics.transitions:
            if not any(e.kind == "government" and e.month == month for e in self.events):
                self.events.append(Event(month, "government", f"{self.month_label(month)}: change of government"))
        for month, name in model.reverted_levers[self._seen_reversions:]:
            label = LEVERS_BY_NAME[name].label
            self.events.append(Event(month, "reverted", f"{self.month_label(month)}: {label} reverted to the "
                                     f"status quo by the new government", name, getattr(model.policy, name)))
        self._seen_reversions = len(model.reverted_levers)
        for month, name, what, lever, value, _ in model.trigger_events[self._seen_triggers:]:
            label = LEVERS_BY_NAME[lever].label
            text = (f"{self.month_label(month)}: trigger '{name}' fired: {label} set to {format_value(value)}"
                    if what == "fired" else f"{self.month_label(month)}: trigger '{name}' released: {label} back "
                                            f"to {format_value(value)}")
            self.events.append(Event(month, "trigger", text, lever, value))
        self._seen_triggers = len(model.trigger_events)

    @property
    def levers(self) -> dict[str, Any]:
        """The levers in force now (what the controls show)."""
        return self.model.policy.as_dict()

    def set_lever(self, name: str, value: Any) -> None:
        """Change a lever from the next month, and mark it on the charts.

        At the branch (no scenario month run yet) the model is rebuilt with the new starting value, because the
        history hands over to the scenario's levers in the first scenario month.

        Raises:
            DashboardError: for an unknown lever or a value outside its range.
        """
        value = checked(name, value)
        with self.lock:
            if value == self.levers.get(name):
                return
            if self.scenario_month == 0:
                self.start_levers = {**self.start_levers, name: value}
                self._build()
            else:
                self.model.policy.set(name, value)
                self.changes.append((self.model.steps + 1, name, value))
            month = self.model.steps + 1
            lever = LEVERS_BY_NAME[name]
            self.events.append(Event(month, "lever", f"{self.month_label(month)}: {lever.label} set to "
                                     f"{format_value(value)} {lever.unit}".rstrip(), name, value))

    def change_government(self) -> None:
        """Bring the next change of government forward to next month.

        The model's political cycle (:class:`ctsim.model.institutions.PoliticalCycle`) changes government at
        ``next_transition``; moving that month forward applies the cycle's own rule next month (each lever that
        differs from the status quo survives with ``political_continuity``, all survive with cross-party ownership)
        and the following terms count from then, as after an early election.
        """
        with self.lock:
            if self.scenario_month >= self.horizon:
                raise DashboardError("the run has reached its horizon; reset it to start again")
            self.model.politics.bring_forward(self.model.steps + 1)

    def undo(self) -> None:
        """Put every lever back to the scenario's starting values, from the next month."""
        with self.lock:
            if self.scenario_month == 0:
                self.start_levers = self.scenario.policy().as_dict()
                self._build()
                self.events = []
                return
            changed = {k: v for k, v in self.scenario.policy().as_dict().items() if self.levers[k] != v}
            for name, value in changed.items():
                self.model.policy.set(name, value)
                self.changes.append((self.model.steps + 1, name, value))
            month = self.model.steps + 1
            self.events.append(Event(month, "undo", f"{self.month_label(month)}: levers back to "
                                     f"'{self.scenario.name}' ({len(changed)} changed)"))

    def reset(self) -> None:
        """Start the same scenario and seed again, keeping the starting levers."""
        with self.lock:
            self.events = [e for e in self.events if e.kind == "lever" and e.month == self.history_months + 1]
            self.changes = []
            self._build()

    # ----------------------------------------------------------------------------------------- reading
    def frames(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        """National and regional monthly frames, history included (see :func:`monthly_frames`)."""
        with self.lock:
            if self.model.steps == 0:
                return pd.DataFrame(), pd.DataFrame()
            return monthly_frames(self.model, include_history=True)

    def national(self, columns: Sequence[str]) -> pd.DataFrame:
        """Some national series by month, history included: the page's fast path (Mesa's DataCollector holds each
        series as a list; :func:`monthly_frames` builds every output and region, several times slower)."""
        with self.lock:
            months = pd.period_range(self.model.start, periods=self.model.steps, freq="M").to_timestamp()
            return pd.DataFrame({"month": months, **{c: self.model.recorder.series(c)[:len(months)].copy()
                                                     for c in columns}})

    def districts(self) -> pd.DataFrame:
        """One row per district: name, region, position, population and every map measure, for the last month."""
        with self.lock:
            model, rec = self.model, self.recorder
            strength = model.state.effective
            total = np.maximum(strength.sum(axis=1), 1e-12)
            militants = np.bincount(model.cell_table.district, model.cell_table.members, model.n_districts)
            table = model.geography.table
            return pd.DataFrame({
                "district": [d.name for d in model.districts],
                "region": model.region_names,
                "lat": table["lat"].to_numpy(float),
                "lon": table["lon"].to_numpy(float),
                "population": model.population,
                "attacks": rec.last("attacks", 1),
                "attacks_12m": rec.last("attacks", 12),
                "recruits": rec.last("recruits", 1),
                "recruits_12m": rec.last("recruits", 12),
                "militants": militants.astype(float),
                "legitimacy": model.legitimacy.copy(),
                "police_share": strength[:, 0] / total,
                "paramilitary_share": strength[:, 1] / total,
                "military_share": strength[:, 2] / total,
            })

    def scenario_for_export(self) -> Scenario:
        """The scenario as the trainer has it now: its starting levers, and the changes made during the run as a
        schedule (a change of government cannot be written in a scenario file and is left out)."""
        entries = tuple(ScheduleEntry(month=month - self.history_months, lever=name, value=value)
                        for month, name, value in self.changes)
        return replace(self.scenario, levers=dict(self.start_levers), seed=self.seed,
                       schedule=self.scenario.schedule + entries)


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
    try:
        return check_value(lever, value)
    except LeverError as exc:
        raise DashboardError(f"{lever.label}: {exc}") from None


def parse_seed(seed: int | str | None, default: int) -> int:
    """The seed as an int (a typed seed arrives as a string), or :class:`DashboardError`."""
    if seed is None or (isinstance(seed, str) and not seed.strip()):
        return default
    try:
        value = int(str(seed).strip())
    except ValueError:
        raise DashboardError(f"the seed must be a whole number such as 1 or 42; got '{seed}'") from None
    if value < 0:
        raise DashboardError(f"the seed must be 0 or more; got {value}")
    return value


def format_value(value: Any) -> str:
    """A lever value for people."""
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value).replace("_", " ")


__all__ = ["MAP_MEASURES", "DashboardError", "DashboardSession", "DistrictRecorder", "Event",
           "scenario_choices"]
