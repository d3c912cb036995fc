"""Scenario files (TOML): a short difference from a parent scenario, strictly validated.

A scenario file looks like::

    # Purpose, assumptions and sources in a comment at the top.
    extends = "baseline.toml"          # optional; relative to this file; chains are allowed, cycles are not
    history = "history_2022_2024.toml" # optional: run this first and branch from the state it reaches
    name = "civilian_led"               # default: the file name without .toml
    description = "Police lead with a two-year handover"
    [run]
    start = "2025-01"                   # first month, YYYY-MM
    months = 120                        # horizon
    seed = 20240101                     # root seed
    replications = 10                   # runs per scenario in comparisons
    [levers]                            # any lever (see `ctsim levers`); the rest keep the status quo
    ct_lead = "police"
    [uncertainties]                     # overrides of declared parameters by name (docs/odd.md)
    sanctuary_strength = 0.3
    [[schedule]]                        # lever changes during the run
    date = "2026-01"                    # or: month = 25 (1 = the first month)
    lever = "prosecution_capacity"
    value = 3.0
    ramp = 12                           # months of linear change (numeric levers only; default 0)

A child inherits everything from its parent and overrides what it names: ``[run]`` keys one by one, levers and
uncertainties by name; its schedule entries come after the parent's. Every mistake raises :class:`ScenarioError`
naming the file and the key path and saying what would be valid.

**Files reached through another file.** A file named by ``extends`` or ``history`` (or by an experiment, a study or
a results folder) was not named by the user, so before anything of it is used it must be *a ctsim scenario file*:
a regular file whose name ends in ``.toml``, of at most 1 MB, that parses as UTF-8 TOML and holds only scenario keys
at every level (the top-level keys below, ``[run]``'s, levers in ``[levers]``, declared parameters in
``[uncertainties]``, the keys of ``[[schedule]]`` and ``[[trigger]]``). Any other file is refused with one line,
"not a ctsim scenario file", that reveals nothing of its contents: not the parser's position, not a key name (a
scenario that extends ``/etc/passwd`` or a credentials file learns only that it is not a scenario). Once a file is
known to be a scenario file, its mistakes are reported in full, as for the file named on the command line.

**History.** A scenario with ``history`` first runs the history scenario (its levers and schedule, from its own
start) and then, in the same model, switches to its own levers and schedule: every policy branches from the state
the history reached, so what is calibrated on the history carries over. The history must end the month before the
scenario starts; ``history = false`` in a child switches an inherited history off. Uncertainties apply to the whole
run (they describe the world); the scenario's override the history's. Outputs cover the scenario's months only.
"""

from __future__ import annotations

import copy
import hashlib
import os
import re
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ctsim.declarations.levers import LEVERS_BY_NAME, LeverError, Policy, check_value
from ctsim.declarations.limits import INITIAL_KEYS, check_initial_state
from ctsim.declarations.parameters import PARAMETERS_BY_NAME, ParameterError, resolve
from ctsim.inputs import (
    InputError,
    check_keys,
    check_path_text,
    check_table,
    excerpt,
    excerpt_key,
    excerpt_path,
    plain_name,
    reached_through,
    read_input,
    suggest,
    whole_number,
)
from ctsim.scenarios.library import BASELINE, library_names, library_path
from ctsim.scenarios.triggers import TRIGGER_KEYS, Trigger, TriggerError, Triggers, read_triggers
from ctsim.scenarios.triggers import merge as merge_triggers

if TYPE_CHECKING:
    from ctsim.model.core import CTModel

TOP_KEYS = ("extends", "history", "name", "description", "run", "levers", "uncertainties", "schedule", "trigger",
            "locked")
RUN_KEYS = ("start", "months", "seed", "replications", "reactions_from", "report_from")
SCHEDULE_KEYS = ("month", "date", "lever", "value", "ramp")
MAX_MONTHS = 600
MAX_REPLICATIONS = 10_000
MAX_SEED = 2**63 - 1
MAX_CHAIN = 32  # files in a chain of extends and history
_MONTH = re.compile(r"([0-9]{4})-(0[1-9]|1[0-2])")  # ASCII digits only: \d takes any script's digits
MIN_YEAR, MAX_YEAR = 1900, 2200  # the calendar the model's dates use (pandas timestamps end in 2262)


class ScenarioError(InputError):
    """A scenario file that cannot be used; the message names the file and the key (one line)."""


@dataclass(frozen=True)
class ScheduleEntry:
    """One scheduled lever change.

    Attributes:
        month: model month (1-based) at which the change starts (resolved from ``date`` once the start is known).
        lever: lever name.
        value: target value.
        ramp: months over which a numeric lever moves linearly to the target (0: at once).
        source: file and key path of the entry, for messages.
        date: the ``YYYY-MM`` the file gave instead of a month, if any.
    """

    month: int | None
    lever: str
    value: Any
    ramp: int = 0
    source: str = ""
    date: str | None = None


@dataclass
class Scenario:
    """A validated scenario (after inheritance).

    Attributes:
        name: short name (used for results folders).
        path: the file it came from (None when built in code).
        files: the chain of files read, child first.
        start: first month ``YYYY-MM``.
        months: horizon in months.
        seed: root seed.
        replications: runs per scenario in comparisons.
        levers: lever values set by the chain.
        uncertainties: parameter overrides set by the chain.
        schedule: scheduled lever changes, in file order (parent's first).
        sha256: hash over the bytes of every file of the chain (and of the history's).
        description: free text.
        history: the scenario run before this one (None: start from the parameterised initial state).
        triggers: trigger rules (:mod:`ctsim.scenarios.triggers`), the parent's first; a child's trigger replaces
            the parent's of the same name.
        reactions_from: the month (``YYYY-MM``) from which the triggers act (None: from the start). A history of
            the record sets it where its scheduled operations end and the state's usual reactions take over.
        locked: levers the state's reactions leave as the scenario sets them (its schedule still applies): a
            trigger acting on a locked lever does not fire. Inherited, and added to, through ``extends``.
        report_from: the first month (``YYYY-MM``) a run writes (None: the start). The months before it are a
            spin-up: run, so that the state at ``report_from`` is the model's own, but not reported. A history of
            the record sets it where the record it is compared with begins.
    """

    name: str
    path: Path | None = None
    files: tuple[Path, ...] = ()
    start: str = "2025-01"
    months: int = 120
    seed: int = 0
    replications: int = 10
    levers: dict[str, Any] = field(default_factory=dict)
    uncertainties: dict[str, float] = field(default_factory=dict)
    schedule: tuple[ScheduleEntry, ...] = ()
    sha256: str = ""
    description: str = ""
    history: Scenario | None = None
    triggers: tuple[Trigger, ...] = ()
    reactions_from: str | None = None
    locked: tuple[str, ...] = ()
    report_from: str | None = None

    @property
    def years(self) -> str:
        """The calendar years the scenario's reported months cover, as a reader sees them: ``2013-2024``, or
        ``2024`` when they lie in one year."""
        first, last = int(self.reported_start[:4]), int(_month_after(self.start, self.months - 1)[:4])
        return f"{first}-{last}" if last > first else f"{first}"

    @property
    def spin_up_months(self) -> int:
        """Months run but not reported before ``report_from`` (0 without one)."""
        return month_index(self.start, self.report_from) - 1 if self.report_from else 0

    @property
    def reported_start(self) -> str:
        """The first month a run of the scenario writes: ``report_from``, or the start."""
        return self.report_from or self.start

    @property
    def history_months(self) -> int:
        """Months of history run before the scenario's first month."""
        return self.history.months if self.history else 0

    def policy(self) -> Policy:
        """The levers in force at the start, as a :class:`ctsim.declarations.levers.Policy`."""
        return Policy(**self.levers)

    def scheduler(self) -> Schedule | None:
        """The callback that applies the schedule during a run (None without a schedule)."""
        return Schedule(self.schedule) if self.schedule else None

    def on_month(self) -> Branch | Plan | None:
        """The model's ``on_month`` callback: the history then the branch, or the scenario's triggers and
        schedule (None when it has neither)."""
        if self.history:
            return Branch(self.history, self)
        return Plan(self.triggers, self.scheduler(), self.reactions_month(), self.locked) \
            if (self.triggers or self.schedule) else None

    def reactions_month(self) -> int:
        """The model month (1: the start) from which the triggers act."""
        return max(1, month_index(self.start, self.reactions_from)) if self.reactions_from else 1


def month_index(start: str, date: str) -> int:
    """Months from ``start`` to ``date`` (both ``YYYY-MM``), counting the start month as 1."""
    y0, m0 = (int(x) for x in _MONTH.fullmatch(start).groups())
    y1, m1 = (int(x) for x in _MONTH.fullmatch(date).groups())
    return (y1 - y0) * 12 + (m1 - m0) + 1


class Schedule:
    """Applies scheduled lever changes month by month (the model's ``on_month`` callback).

    A change with a ramp moves a numeric lever linearly from its value the month before the change to the target,
    reaching it after ``ramp`` months (int levers are rounded). A ramp stops if a change of government reverts the
    lever; a later entry for the same lever replaces an unfinished ramp.
    """

    def __init__(self, entries: tuple[ScheduleEntry, ...]) -> None:
        self.entries = sorted(entries, key=lambda e: e.month)  # stable: file order within a month
        self._by_month: dict[int, list[ScheduleEntry]] = {}
        for entry in self.entries:
            self._by_month.setdefault(entry.month, []).append(entry)
        self._ramps: dict[str, tuple[int, Any, ScheduleEntry]] = {}

    def __call__(self, model: CTModel, month: int) -> None:
        policy = model.policy
        for _, name in model.reverted_levers:
            self._ramps.pop(name, None)
        for entry in self._by_month.get(month, ()):
            if entry.ramp > 0:
                self._ramps[entry.lever] = (month, getattr(policy, entry.lever), entry)
            else:
                self._ramps.pop(entry.lever, None)
                policy.set(entry.lever, entry.value)
        for name, (began, origin, entry) in list(self._ramps.items()):
            done = min(1.0, (month - began + 1) / entry.ramp)
            value = origin + (entry.value - origin) * done
            policy.set(name, round(value) if LEVERS_BY_NAME[name].kind == "int" else float(value))
            if done >= 1.0:
                del self._ramps[name]


class Plan:
    """A scenario's triggers, then its schedule, each month (the ``on_month`` callback of a run without history)."""

    def __init__(self, triggers: tuple[Trigger, ...], schedule: Schedule | None, reactions_from: int = 1,
                 locked: tuple[str, ...] = ()) -> None:
        self.triggers = Triggers(triggers, reactions_from, locked)
        self.schedule = schedule

    def __call__(self, model: CTModel, month: int) -> None:
        self.triggers(model, month)
        if self.schedule:
            self.schedule(model, month)


class Branch:
    """Runs a history, then switches the model to the scenario (the ``on_month`` callback of a history run). Each
    month the triggers in force are checked first, then the schedule."""

    def __init__(self, history: Scenario, scenario: Scenario) -> None:
        self.split = history.months
        self.history_schedule = history.scheduler()
        self.schedule = scenario.scheduler()
        self.levers = scenario.levers
        self.triggers = Triggers(history.triggers, history.reactions_month(), history.locked)
        self.scenario_triggers = scenario.triggers
        self.scenario_reactions = self.split + scenario.reactions_month()
        self.scenario_locked = scenario.locked

    def __call__(self, model: CTModel, month: int) -> None:
        if month <= self.split:
            self.triggers(model, month)
            if self.history_schedule:
                self.history_schedule(model, month)
            return
        if month == self.split + 1:
            model.policy = Policy(**self.levers)
            model.branch_month = self.split
            self.triggers.switch_to(model, self.scenario_triggers, self.scenario_reactions, self.scenario_locked)
        self.triggers(model, month)
        if self.schedule:
            self.schedule(model, month - self.split)


def _int(where: str, key: str, value: Any, low: int, high: int) -> int:
    return whole_number(where, key, value, low, high, ScenarioError)


def _month_text(where: str, key: str, value: Any) -> str:
    if not isinstance(value, str) or not _MONTH.fullmatch(value):
        raise ScenarioError(f"{where}: key '{key}' must be a month written YYYY-MM (e.g. \"2026-07\"); got "
                            f"{excerpt(value)}")
    if not MIN_YEAR <= int(value[:4]) <= MAX_YEAR:
        raise ScenarioError(f"{where}: key '{key}' = {value!r}: the year must lie in {MIN_YEAR} to {MAX_YEAR}")
    return value


def load_scenario(path: str | Path, reached: bool = False) -> Scenario:
    """Read and validate a scenario file, following ``extends``. ``reached``: the file was named by another file or
    a results folder, not by the user, so it must be a ctsim scenario file (see the module docstring) before any of
    its mistakes is shown.

    Raises:
        ScenarioError: for a missing or unreadable file, bad TOML, an unknown key, a wrong type, an out-of-range
            value, a bad date, a schedule outside the horizon, or a missing or cyclic ``extends``. The message starts
            with the file name and names the key.
    """
    path = Path(path)
    key = f"{path.resolve()}|{reached}"
    cached = _LOADED.get(key)
    if cached is not None and cached[0] is not None and cached[0] == _stamps(cached[1]):
        return copy.deepcopy(cached[1])  # a copy: a caller may change what it gets
    scenario = _validated(_resolve_schedule(_load(path, (), reached)))
    if len(_LOADED) >= 64:
        _LOADED.pop(next(iter(_LOADED)))
    _LOADED[key] = (_stamps(scenario), copy.deepcopy(scenario))
    return scenario


# Scenarios read in this process, by file: a run by name (``run("baseline")``) does not parse the files again while
# none of the files read for it (its chain and its history's) has changed on disk.
_LOADED: dict[str, tuple[tuple | None, Scenario]] = {}


def _stamps(scenario: Scenario) -> tuple | None:
    files = scenario.files + (scenario.history.files if scenario.history is not None else ())
    stamps = []
    for file in files:
        try:
            st = file.stat()
        except OSError:
            return None
        stamps.append((str(file), st.st_mtime_ns, st.st_size, st.st_ino))
    return tuple(stamps)


def _validated(scenario: Scenario) -> Scenario:
    if scenario.history is not None:
        history = scenario.history
        if history.history is not None:
            raise ScenarioError(f"{history.path}: key 'history': a history cannot have a history of its own")
        if month_index(history.start, scenario.start) != history.months + 1:
            raise ScenarioError(
                f"{scenario.path}: key 'history': {history.path.name} runs {history.start} to "
                f"{_month_after(history.start, history.months - 1)}, but this scenario starts {scenario.start}; the "
                f"history must end the month before the start")
    if scenario.reactions_from is not None and not 1 <= month_index(scenario.start, scenario.reactions_from) \
            <= scenario.months:
        raise ScenarioError(
            f"{excerpt_path(scenario.path or scenario.name)}: key 'run.reactions_from' = {scenario.reactions_from!r} "
            f"lies outside the run; give a month from {scenario.start} to "
            f"{_month_after(scenario.start, scenario.months - 1)}")
    if scenario.report_from is not None:
        where = f"{excerpt_path(scenario.path or scenario.name)}: key 'run.report_from' = {scenario.report_from!r}"
        if scenario.history is not None:
            raise ScenarioError(f"{where}: a scenario with a history reports from its own start; set report_from "
                                f"in the history's file instead")
        if not 1 <= month_index(scenario.start, scenario.report_from) <= scenario.months:
            raise ScenarioError(f"{where} lies outside the run; give a month from {scenario.start} to "
                                f"{_month_after(scenario.start, scenario.months - 1)}")
    check_initial_size(scenario)
    return scenario


def check_initial_size(scenario: Scenario, overrides: dict[str, float] | None = None, keys: dict | None = None,
                       where: str | None = None, error: type[ScenarioError] = ScenarioError) -> None:
    """Refuse a scenario whose initial state (militants, cells: :mod:`ctsim.declarations.limits`) lies beyond the
    cost guard's limits, in one line naming the keys that set it. ``overrides`` (a design point's values) and
    ``keys`` (how its file names them) come from an experiment or study."""
    values = {**(scenario.history.uncertainties if scenario.history else {}), **scenario.uncertainties}
    named = {k: f"uncertainties.{k}" for k in values if k in INITIAL_KEYS}
    values.update(overrides or {})
    named.update(keys or {})
    check_initial_state(where or excerpt_path(scenario.path or scenario.name), resolve(values), error, named)


def resolve_scenario(scenario: Scenario | str | Path | None) -> Scenario:
    """A :class:`Scenario` from a scenario object, a file path, or a library name (None: the library's baseline).

    Raises:
        ScenarioError: for a file that does not exist or does not validate, or an unknown library name.
    """
    if scenario is None:
        scenario = BASELINE
    if isinstance(scenario, Scenario):
        return scenario
    path = Path(scenario)
    if path.is_file():
        return load_scenario(path)
    if path.exists():  # a folder, a FIFO, a device: never opened (a FIFO would block, /dev/zero never ends)
        raise ScenarioError(f"{excerpt_path(path)}: not a regular file; give the path of a scenario file (TOML)")
    found = library_path(str(scenario))
    if found is not None:
        return load_scenario(found)
    raise ScenarioError(f"{scenario}: no such scenario file, nor a library scenario "
                        f"(library: {', '.join(library_names())})")


def _month_after(start: str, months: int) -> str:
    y, m = (int(x) for x in _MONTH.fullmatch(start).groups())
    total = y * 12 + (m - 1) + months
    return f"{total // 12:04d}-{total % 12 + 1:02d}"


def read_toml(path: Path, keys: tuple[str, ...], error: type[ScenarioError] = ScenarioError) -> tuple[bytes, dict]:
    """Read a TOML file: its bytes and its table, with a one-line ``error`` for a missing or unreadable file, bad
    TOML, or a top-level key not in ``keys``."""
    where = excerpt_path(path)
    raw = read_input(path, "TOML file", error)
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise error(f"{where}: not valid TOML ({exc})") from None
    except RecursionError:
        raise error(f"{where}: not usable TOML: tables or arrays nested too deeply") from None
    check_table(where, data, error)
    check_keys(where, data, keys, error)
    return raw, data


NOT_A_SCENARIO = ("not a ctsim scenario file (a .toml file holding only scenario keys); nothing of it is shown: "
                  "run 'ctsim validate' on it to see why")


def read_scenario_file(path: Path) -> tuple[bytes, dict]:
    """Read a file that another file (or a results folder) names, only if it is a ctsim scenario file (see the
    module docstring): its bytes and table, or one line that reveals nothing of its contents.

    Raises:
        ScenarioError: ``PATH: not a ctsim scenario file ...`` (or ``file not found``).
    """
    where = excerpt_path(path)
    if not os.path.lexists(path):
        raise ScenarioError(f"{where}: file not found")
    if path.suffix != ".toml":
        raise ScenarioError(f"{where}: {NOT_A_SCENARIO}")
    try:
        raw = read_input(path, "TOML file", ScenarioError)
        data = tomllib.loads(raw.decode("utf-8"))
    except (ScenarioError, tomllib.TOMLDecodeError, UnicodeDecodeError, RecursionError):
        raise ScenarioError(f"{where}: {NOT_A_SCENARIO}") from None
    if not _only_scenario_keys(data):
        raise ScenarioError(f"{where}: {NOT_A_SCENARIO}")
    check_table(where, data, ScenarioError)  # a scenario file's own keys: its mistakes are named in full
    return raw, data


def _only_scenario_keys(data: dict) -> bool:
    """True when every key of ``data`` is a scenario key at its level."""
    def keys_in(table: Any, valid: Any) -> bool:
        return isinstance(table, dict) and all(k in valid for k in table)

    def tables_in(entries: Any, valid: Any) -> bool:
        entries = entries if isinstance(entries, list) else [entries]
        return all(keys_in(e, valid) for e in entries)

    return (keys_in(data, TOP_KEYS)
            and keys_in(data.get("run", {}), RUN_KEYS)
            and keys_in(data.get("levers", {}), LEVERS_BY_NAME)
            and keys_in(data.get("uncertainties", {}), PARAMETERS_BY_NAME)
            and tables_in(data.get("schedule", []), SCHEDULE_KEYS)
            and tables_in(data.get("trigger", []), TRIGGER_KEYS))


def _load(path: Path, chain: tuple[Path, ...], reached: bool = False) -> Scenario:
    where = excerpt_path(path)
    raw, data = read_scenario_file(path) if reached else read_toml(path, TOP_KEYS)
    for section in ("run", "levers", "uncertainties"):
        if section in data and not isinstance(data[section], dict):
            raise ScenarioError(f"{where}: key '{section}' must be a table ([{section}])")

    parent = _parent(where, path, data, chain, "extends")
    scenario = replace(parent, levers=dict(parent.levers), uncertainties=dict(parent.uncertainties)) \
        if parent else Scenario(name=path.stem)
    scenario.name, scenario.path = path.stem, path
    scenario.files = (path, *(parent.files if parent else ()))
    digest = hashlib.sha256(raw)
    if parent:
        digest.update(parent.sha256.encode())
    scenario.sha256 = digest.hexdigest()
    for key in ("name", "description"):
        if key in data:
            if not isinstance(data[key], str) or not data[key].strip():
                raise ScenarioError(f"{where}: key '{key}' must be a non-empty string")
            setattr(scenario, key, data[key].strip())
    # The name becomes a folder of the results (results/<name>/...): a plain name, never '..' or a path.
    plain_name(where, "name" if "name" in data else "name (from the file name)", scenario.name, ScenarioError)
    _read_run(where, data.get("run", {}), scenario)
    for name, value in data.get("levers", {}).items():
        scenario.levers[name] = _lever_value(where, f"levers.{name}", name, value)
    for name, value in data.get("uncertainties", {}).items():
        if name not in PARAMETERS_BY_NAME:
            raise ScenarioError(f"{where}: key 'uncertainties.{excerpt_key(name)}': unknown parameter"
                                f"{suggest(name, list(PARAMETERS_BY_NAME))}")
        try:
            resolve({name: value})
            scenario.uncertainties[name] = float(value)
        except ParameterError as exc:
            raise ScenarioError(f"{where}: key 'uncertainties.{name}': {exc}") from None
        except InputError:  # not the scenario's fault: the stored calibration it is checked against is broken
            raise
        except (ValueError, TypeError, OverflowError):
            raise ScenarioError(f"{where}: key 'uncertainties.{name}' = {excerpt(value)} must be a number within "
                                f"the parameter's range (docs/odd.md)") from None
    if "locked" in data:
        scenario.locked = tuple(dict.fromkeys(scenario.locked + _read_locked(where, data["locked"])))
    scenario.schedule = scenario.schedule + _read_schedule(where, data.get("schedule", []))
    if "trigger" in data:
        try:
            scenario.triggers = merge_triggers(scenario.triggers, read_triggers(where, data["trigger"]))
        except TriggerError as exc:
            raise ScenarioError(str(exc)) from None
    if "history" in data:
        if data["history"] is False:
            scenario.history = None
        else:
            scenario.history = _resolve_schedule(_parent(where, path, data, chain, "history"))
    if scenario.history is not None:
        digest.update(scenario.history.sha256.encode())
        scenario.sha256 = digest.hexdigest()
    return scenario


def _resolve_schedule(scenario: Scenario) -> Scenario:
    """Turn schedule dates into months once the start is final, and check every entry lies within the horizon."""
    resolved = []
    for entry in scenario.schedule:
        month = entry.month if entry.date is None else month_index(scenario.start, entry.date)
        if not 1 <= month <= scenario.months:
            when = f"date {entry.date}" if entry.date else f"month {month}"
            raise ScenarioError(
                f"{entry.source}: {when} is outside the horizon (months 1 to {scenario.months}, "
                f"{scenario.start} to {_month_after(scenario.start, scenario.months - 1)})")
        resolved.append(replace(entry, month=month))
    scenario.schedule = tuple(resolved)
    return scenario


def _parent(where: str, path: Path, data: dict, chain: tuple[Path, ...], key: str) -> Scenario | None:
    if key not in data:
        return None
    target = data[key]
    if not isinstance(target, str) or not target.strip():
        raise ScenarioError(f"{where}: key '{key}' must be the path of a scenario file, e.g. \"baseline.toml\", or "
                            f"the name of a library scenario")
    check_path_text(where, key, target, ScenarioError)
    try:
        parent_path = (path.parent / target).resolve()
        parent_path.is_file()
    except (OSError, ValueError) as exc:
        raise ScenarioError(f"{where}: key '{key}' = {excerpt(target)}: not a usable path "
                            f"({getattr(exc, 'strerror', None) or type(exc).__name__})") from None
    if not parent_path.is_file() and (found := library_path(target)) is not None:
        parent_path = found.resolve()  # a bare name not beside the file: the library's scenario of that name
    seen = (*chain, path.resolve())
    if parent_path in seen:
        cycle = " -> ".join(p.name for p in (*seen[seen.index(parent_path):], parent_path))
        raise ScenarioError(f"{where}: key '{key}': cyclic inheritance ({cycle})")
    if not os.path.lexists(parent_path):
        raise ScenarioError(f"{where}: key '{key}': file not found: {excerpt_path(parent_path)} (nor a library "
                            f"scenario: {', '.join(library_names())})")
    if len(seen) > MAX_CHAIN:
        raise ScenarioError(f"{where}: key '{key}': more than {MAX_CHAIN} files in the chain of extends and history")
    try:
        return _load(parent_path, seen, reached=True)  # not the user's own file: a scenario file, or nothing shown
    except ScenarioError as exc:
        # Name the key that led to the parent, so an error deep in a chain can be traced back to this file.
        raise ScenarioError(reached_through(str(exc), where, key)) from None


def _lever_value(where: str, key: str, name: str, value: Any) -> Any:
    lever = LEVERS_BY_NAME.get(name)
    if lever is None:
        raise ScenarioError(f"{where}: key '{excerpt_key(key)}': unknown lever{suggest(name, list(LEVERS_BY_NAME))}")
    try:
        return check_value(lever, value)
    except LeverError as exc:
        raise ScenarioError(f"{where}: key '{key}': {exc}") from None
    except (ValueError, TypeError, OverflowError):  # e.g. an integer too large for a float
        raise ScenarioError(f"{where}: key '{key}' = {excerpt(value)} is not a valid value for lever '{name}'; "
                            f"see `ctsim levers` for its range") from None


def _read_run(where: str, run: dict[str, Any], scenario: Scenario) -> None:
    check_keys(where, run, RUN_KEYS, ScenarioError, "run")
    for key, value in run.items():
        if key == "start":
            scenario.start = _month_text(where, "run.start", value)
        elif key == "months":
            scenario.months = _int(where, "run.months", value, 1, MAX_MONTHS)
        elif key == "replications":
            scenario.replications = _int(where, "run.replications", value, 1, MAX_REPLICATIONS)
        elif key == "reactions_from":
            scenario.reactions_from = _month_text(where, "run.reactions_from", value)
        elif key == "report_from":
            scenario.report_from = _month_text(where, "run.report_from", value)
        else:
            scenario.seed = _int(where, "run.seed", value, 0, MAX_SEED)


def _read_locked(where: str, value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ScenarioError(f"{where}: key 'locked' must be a list of lever names (e.g. locked = "
                            f"[\"kinetic_intensity\"]); got {excerpt(value)}")
    for i, name in enumerate(value):
        if name not in LEVERS_BY_NAME:
            raise ScenarioError(f"{where}: key 'locked[{i}]': unknown lever '{excerpt_key(name)}'"
                                f"{suggest(name, list(LEVERS_BY_NAME))}")
    return tuple(value)


def _read_schedule(where: str, entries: Any) -> tuple[ScheduleEntry, ...]:
    if not isinstance(entries, list):
        raise ScenarioError(f"{where}: key 'schedule' must be a list of [[schedule]] tables")
    out = []
    for i, entry in enumerate(entries):
        at = f"schedule[{i}]"
        if not isinstance(entry, dict):
            raise ScenarioError(f"{where}: key '{at}' must be a table ([[schedule]])")
        check_keys(where, entry, SCHEDULE_KEYS, ScenarioError, at)
        if ("month" in entry) == ("date" in entry):
            raise ScenarioError(f"{where}: key '{at}' needs exactly one of 'month' (1 = first month) or 'date' "
                                f"(YYYY-MM)")
        if "lever" not in entry or "value" not in entry:
            raise ScenarioError(f"{where}: key '{at}' needs 'lever' and 'value'")
        month, date = None, None
        if "month" in entry:
            month = _int(where, f"{at}.month", entry["month"], 1, MAX_MONTHS)
        else:
            date = _month_text(where, f"{at}.date", entry["date"])
        name = entry["lever"]
        if not isinstance(name, str):
            raise ScenarioError(f"{where}: key '{at}.lever' must be a lever name")
        value = _lever_value(where, f"{at}.value", name, entry["value"])
        ramp = _int(where, f"{at}.ramp", entry.get("ramp", 0), 0, MAX_MONTHS)
        if ramp and LEVERS_BY_NAME[name].kind not in ("float", "int"):
            raise ScenarioError(f"{where}: key '{at}.ramp': lever '{name}' is a {LEVERS_BY_NAME[name].kind}; only "
                                f"numeric levers can ramp (use ramp = 0)")
        out.append(ScheduleEntry(month, name, value, ramp, f"{where}: key '{at}'", date))
    return tuple(out)
