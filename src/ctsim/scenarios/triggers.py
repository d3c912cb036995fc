"""Trigger rules (adaptive policies): a lever changes when the model's own outputs cross a level, and changes back.

A scenario file may hold ``[[trigger]]`` tables::

    [[trigger]]
    name = "surge_after_spike"     # a plain name (letters, digits, _ . -), unique in the scenario
    when = "attacks"               # a declared output, or "change_of_government"
    region = "Balochistan"         # optional: a region (regional outputs only); default: national
    window = 3                     # months averaged (the last complete months; default 1)
    above = 60.0                   # fire when the window's mean is above this (or: below = ...)
    lever = "kinetic_intensity"    # the action: set this lever ...
    value = 0.9                    # ... to this value,
    ramp = 3                       # ... moving there linearly over this many months (numeric levers; default 0)
    months = 12                    # hold for this long, then restore (or: until_below / until_above = level)
    cooldown = 6                   # months after a release before it may fire again (default 0)

The rules act from the scenario's first month, or from ``[run] reactions_from = "YYYY-MM"`` (a history of the record
schedules the operations that happened and lets the state's usual reactions act only after them). A lever the
scenario lists in ``locked = ["kinetic_intensity", ...]`` is kept where the scenario sets it (its schedule still
applies): no trigger acting on it fires. Without a lock, a reaction sets its lever to its own value while it holds,
whatever the scenario set, and gives it back at its release; the run reports the levers as they acted (the mean and
range each took against what the scenario set: ``RunResult.levers``).

A table with the name of an inherited trigger replaces it; ``name = "..."`` with ``enabled = false`` (and no other
key) removes it, so a scenario can switch off the reactive status quo's rules one by one.

A trigger is checked at the start of every month on the months already recorded, before that month's schedule and
the political cycle (so a change of government in the same month may still revert what it set). Fired, it moves the
lever (with the ramp) and holds it; it is released after ``months`` months, or when the window's mean crosses the
``until_*`` level (so "fade when violence falls" has its own level, below the one that fired it). At release the lever
returns to the value it had before the trigger fired, unless something else (a schedule, a change of government)
changed it meanwhile: that change stands and the trigger counts as released (it may fire again after its
cooldown). A trigger that fires on a lever another trigger holds supersedes it (the other is released) and at its own
release restores the value the lever had before either fired. A history's triggers act during the history; the
scenario's (which usually inherits the same ones) act after the branch; a trigger active at the branch carries on if the
scenario has a trigger of the same name, and is released otherwise. Every firing and release is recorded:
``model.trigger_events`` and the ``triggers_fired`` output; ``ctsim run`` lists them in the manifest.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ctsim.data import REGION_KEYS, REGIONS
from ctsim.declarations.levers import LEVERS_BY_NAME, LeverError, check_value
from ctsim.declarations.outputs import OUTPUTS_BY_NAME
from ctsim.inputs import check_keys, excerpt, excerpt_key, whole_number

if TYPE_CHECKING:
    from ctsim.model.core import CTModel

TRIGGER_KEYS = ("name", "when", "region", "window", "above", "below", "lever", "value", "ramp", "months",
                "until_above", "until_below", "cooldown", "enabled")
CHANGE_OF_GOVERNMENT = "change_of_government"
MAX_WINDOW = 60
MAX_MONTHS = 600
_NAME = re.compile(r"[A-Za-z0-9_.-]{1,64}")


class TriggerError(ValueError):
    """A trigger table that cannot be used (the scenario reader turns it into a one-line ScenarioError)."""


@dataclass(frozen=True)
class Trigger:
    """One validated trigger rule (see the module docstring for the meaning of each field)."""

    name: str
    when: str
    lever: str
    value: Any
    region: int | None = None
    window: int = 1
    above: float | None = None
    below: float | None = None
    ramp: int = 0
    months: int | None = None
    until_above: float | None = None
    until_below: float | None = None
    cooldown: int = 0
    source: str = ""
    enabled: bool = True

    def level(self, model: CTModel) -> float | None:
        """The mean of the watched output over the last ``window`` recorded months (None: not enough months)."""
        if self.when == CHANGE_OF_GOVERNMENT:
            return float(model.steps in [t + 1 for t in model.state.politics.transitions])
        if model.recorder.months < self.window:
            return None
        recent = model.recorder.series(self.when, self.region)[-self.window:]
        return float(sum(recent.tolist()) / len(recent))

    def fires(self, level: float) -> bool:
        if self.when == CHANGE_OF_GOVERNMENT:
            return level > 0.5
        return (self.above is not None and level > self.above) or (self.below is not None and level < self.below)

    def releases(self, level: float, held: int) -> bool:
        if self.months is not None:
            return held >= self.months
        if self.until_below is not None:
            return level < self.until_below
        return level > self.until_above


def _number(where: str, key: str, value: Any, low: float = -math.inf, high: float = math.inf) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise TriggerError(f"{where}: key '{key}' must be a finite number; got {excerpt(value)}")
    if not low <= value <= high:
        raise TriggerError(f"{where}: key '{key}' = {value} is outside the valid range [{low:g}, {high:g}]")
    return float(value)


def _whole(where: str, key: str, value: Any, low: int, high: int) -> int:
    return whole_number(where, key, value, low, high, TriggerError)


def read_triggers(where: str, entries: Any) -> tuple[Trigger, ...]:
    """Validate a file's ``[[trigger]]`` list.

    Raises:
        TriggerError: naming the file and the key path, and saying what would be valid.
    """
    if not isinstance(entries, list):
        raise TriggerError(f"{where}: key 'trigger' must be a list of [[trigger]] tables")
    out: list[Trigger] = []
    for i, entry in enumerate(entries):
        at = f"trigger[{i}]"
        if not isinstance(entry, dict):
            raise TriggerError(f"{where}: key '{at}' must be a table ([[trigger]])")
        check_keys(where, entry, TRIGGER_KEYS, TriggerError, at)
        if "name" not in entry:
            raise TriggerError(f"{where}: key '{at}' needs 'name'")
        name = entry["name"]
        if not isinstance(name, str) or not _NAME.fullmatch(name):
            raise TriggerError(f"{where}: key '{at}.name' must be a plain name (letters, digits, _ . -; at most 64)")
        if any(t.name == name for t in out):
            raise TriggerError(f"{where}: key '{at}.name': another trigger is called '{name}'")
        at = f"trigger.{name}"
        enabled = entry.get("enabled", True)
        if not isinstance(enabled, bool):
            raise TriggerError(f"{where}: key '{at}.enabled' must be true or false; got {excerpt(enabled)}")
        if not enabled:
            others = sorted(set(entry) - {"name", "enabled"})
            if others:
                raise TriggerError(f"{where}: key '{at}': a trigger with 'enabled = false' removes the inherited one "
                                   f"of that name and takes no other key (got '{excerpt_key(others[0])}')")
            out.append(Trigger(name=name, when="", lever="", value=None, source=f"{where}: key '{at}'",
                               enabled=False))
            continue
        for key in ("when", "lever", "value"):
            if key not in entry:
                raise TriggerError(f"{where}: key '{at}' needs '{key}'")
        when = entry["when"]
        if not isinstance(when, str) or (when != CHANGE_OF_GOVERNMENT and when not in OUTPUTS_BY_NAME):
            raise TriggerError(f"{where}: key '{at}.when' must be a declared output (see docs/odd.md) or "
                               f"'{CHANGE_OF_GOVERNMENT}'; got {str(when)[:60]!r}")
        region = None
        if "region" in entry:
            if when == CHANGE_OF_GOVERNMENT or not OUTPUTS_BY_NAME[when].regional:
                regional = ", ".join(o.name for o in OUTPUTS_BY_NAME.values() if o.regional)
                raise TriggerError(f"{where}: key '{at}.region': '{when}' is not reported by region (regional "
                                   f"outputs: {regional})")
            value = entry["region"]
            names = {**{r: k for k, r in enumerate(REGIONS)}, **{r: k for k, r in enumerate(REGION_KEYS)}}
            if not isinstance(value, str) or value not in names:
                raise TriggerError(f"{where}: key '{at}.region' must be one of {', '.join(REGIONS)}; "
                                   f"got {str(value)[:60]!r}")
            region = names[value]
        thresholds = [k for k in ("above", "below") if k in entry]
        if when == CHANGE_OF_GOVERNMENT:
            if thresholds or "window" in entry:
                raise TriggerError(f"{where}: key '{at}': a change of government takes no 'above', 'below' or "
                                   f"'window'")
        elif len(thresholds) != 1:
            raise TriggerError(f"{where}: key '{at}' needs exactly one of 'above' or 'below'")
        window = _whole(where, f"{at}.window", entry.get("window", 1), 1, MAX_WINDOW)
        levels = {k: _number(where, f"{at}.{k}", entry[k]) for k in ("above", "below", "until_above",
                                                                      "until_below") if k in entry}
        ends = [k for k in ("months", "until_above", "until_below") if k in entry]
        if len(ends) != 1:
            raise TriggerError(f"{where}: key '{at}' needs exactly one of 'months', 'until_below' or 'until_above' "
                               f"(how long the change holds)")
        if ends[0] != "months" and when == CHANGE_OF_GOVERNMENT:
            raise TriggerError(f"{where}: key '{at}': a change of government holds for 'months'")
        lever = entry["lever"]
        if not isinstance(lever, str) or lever not in LEVERS_BY_NAME:
            raise TriggerError(f"{where}: key '{at}.lever': unknown lever {str(lever)[:60]!r} (see ctsim levers)")
        try:
            value = check_value(LEVERS_BY_NAME[lever], entry["value"])
        except LeverError as exc:
            raise TriggerError(f"{where}: key '{at}.value': {exc}") from None
        ramp = _whole(where, f"{at}.ramp", entry.get("ramp", 0), 0, MAX_MONTHS)
        if ramp and LEVERS_BY_NAME[lever].kind not in ("float", "int"):
            raise TriggerError(f"{where}: key '{at}.ramp': lever '{lever}' is a {LEVERS_BY_NAME[lever].kind}; only "
                               f"numeric levers can ramp")
        months = _whole(where, f"{at}.months", entry["months"], 1, MAX_MONTHS) if "months" in entry else None
        out.append(Trigger(name=name, when=when, lever=lever, value=value, region=region, window=window,
                           above=levels.get("above"), below=levels.get("below"), ramp=ramp, months=months,
                           until_above=levels.get("until_above"), until_below=levels.get("until_below"),
                           cooldown=_whole(where, f"{at}.cooldown", entry.get("cooldown", 0), 0, MAX_MONTHS),
                           source=f"{where}: key '{at}'"))
    return tuple(out)


def merge(parent: tuple[Trigger, ...], child: tuple[Trigger, ...]) -> tuple[Trigger, ...]:
    """A child's triggers replace the parent's of the same name and add the rest, in order; a child's disabled
    trigger (``enabled = false``) removes the parent's of that name.

    Raises:
        TriggerError: when a disabled trigger names no inherited trigger (it would remove nothing).
    """
    inherited = {t.name for t in parent}
    for t in child:
        if not t.enabled and t.name not in inherited:
            known = ", ".join(sorted(inherited)) or "none"
            raise TriggerError(f"{t.source}: 'enabled = false' removes an inherited trigger, but none is called "
                               f"'{t.name}' (inherited: {known})")
    names = {t.name for t in child}
    return tuple(t for t in parent if t.name not in names) + tuple(t for t in child if t.enabled)


@dataclass
class _State:
    active: bool = False
    started: int = 0
    before: Any = None
    origin: Any = None
    set_to: Any = None
    free_from: int = 0


class Triggers:
    """Evaluates a scenario's triggers every month (part of the model's ``on_month`` callback)."""

    def __init__(self, triggers: tuple[Trigger, ...], active_from: int = 1, locked: tuple[str, ...] = ()) -> None:
        self.triggers = {t.name: t for t in triggers}
        self.state = {name: _State() for name in self.triggers}
        self.active_from = active_from  # the model month from which the rules act ([run] reactions_from)
        self.locked = frozenset(locked)  # levers the scenario keeps out of the reactions' reach

    def switch_to(self, model: CTModel, triggers: tuple[Trigger, ...], active_from: int | None = None,
                  locked: tuple[str, ...] | None = None) -> None:
        """At a history's branch (after the scenario's levers replaced the history's): a trigger the scenario also
        has, on a lever it does not lock, carries on, holding its lever on top of the scenario's value; the others
        are released."""
        if locked is not None:
            self.locked = frozenset(locked)
        # a trigger carries on only if the scenario has it and leaves its lever unlocked
        kept = {t.name for t in triggers if t.lever not in self.locked}
        old = self.state
        for name, state in old.items():
            if state.active and name not in kept:
                state.active = False
                model.trigger_events.append((model.steps, name, "released", self.triggers[name].lever,
                                             getattr(model.policy, self.triggers[name].lever), None))
        self.triggers = {t.name: t for t in triggers}
        self.state = {t.name: old.get(t.name, _State()) for t in triggers}
        if active_from is not None:
            self.active_from = active_from
        for name, state in self.state.items():
            if state.active and state.set_to is not None:
                lever = self.triggers[name].lever
                state.before = getattr(model.policy, lever)
                model.policy.set(lever, state.set_to)

    def __call__(self, model: CTModel, month: int) -> None:
        if month < self.active_from:
            return
        for name, trigger in self.triggers.items():
            if trigger.lever in self.locked:
                continue  # the scenario keeps this lever where it set it
            state = self.state[name]
            level = trigger.level(model)
            if state.active:
                if state.set_to is not None and getattr(model.policy, trigger.lever) != state.set_to:
                    # Something else (a change of government, a schedule) moved the lever: that change stands and
                    # the trigger's action is over; it may fire again after its cooldown if the level still says so.
                    self._release(model, trigger, state, month)
                    continue
                self._ramp(model, trigger, state, month)
                if level is not None and trigger.releases(level, month - state.started):
                    self._release(model, trigger, state, month)
            elif level is not None and month >= state.free_from and trigger.fires(level):
                self._fire(model, trigger, state, month, level)

    def _fire(self, model: CTModel, trigger: Trigger, state: _State, month: int, level: float) -> None:
        state.active, state.started = True, month
        state.before = state.origin = getattr(model.policy, trigger.lever)
        state.set_to = None
        for name, other in self.state.items():
            held = self.triggers[name]
            if other is not state and other.active and held.lever == trigger.lever:
                # Another trigger holds this lever: this one supersedes it and, at its own release, restores what
                # the lever was before either fired (not the other's surge level).
                state.before = other.before
                other.active = False
                other.free_from = month + 1 + held.cooldown
                model.trigger_events.append((month, name, "released", held.lever, state.origin, None))
        model.trigger_events.append((month, trigger.name, "fired", trigger.lever, trigger.value, level))
        self._ramp(model, trigger, state, month)

    def _ramp(self, model: CTModel, trigger: Trigger, state: _State, month: int) -> None:
        if trigger.ramp > 0:
            done = min(1.0, (month - state.started + 1) / trigger.ramp)
            value = state.origin + (trigger.value - state.origin) * done
            value = round(value) if LEVERS_BY_NAME[trigger.lever].kind == "int" else float(value)
        else:
            value = trigger.value
        model.policy.set(trigger.lever, value)
        state.set_to = value

    def _release(self, model: CTModel, trigger: Trigger, state: _State, month: int) -> None:
        if getattr(model.policy, trigger.lever) == state.set_to:
            model.policy.set(trigger.lever, state.before)
        state.active = False
        state.free_from = month + 1 + trigger.cooldown
        model.trigger_events.append((month, trigger.name, "released", trigger.lever,
                                     getattr(model.policy, trigger.lever), None))
