"""What happened, in words: changes of government and the levers they reverted, the state's reactions to violence
(the scenario's trigger rules), and the trainer's own changes, month by month.

The model's events differ from run to run (a new government keeps a changed lever with a probability; a trigger fires
when violence in that run crosses its level), so each line says in how many of the policy's runs it happened.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

from ctsim.data import REGIONS
from ctsim.declarations.levers import LEVERS_BY_NAME
from ctsim.scenarios.triggers import CHANGE_OF_GOVERNMENT, Trigger

from .state import DashboardSession, lever_value_words
from .words import REGION_WORDS, label


@dataclass(frozen=True)
class Happening:
    """One line of the event list.

    Attributes:
        month: model month (1-based).
        kind: ``government``, ``reverted``, ``trigger``, ``released``, ``lever``, ``undo``.
        text: the line, in plain words, starting with the month.
        runs: in how many of the policy's runs it happened (all, for the trainer's own actions).
    """

    month: int
    kind: str
    text: str
    runs: int


def _share(count: int, runs: int) -> str:
    return "in every run" if count == runs else f"in {count} of {runs} runs"


def condition_words(trigger: Trigger, fired: bool = True) -> str:
    """What a trigger watches, in words: ``attacks in the merged districts averaged more than 30 a month over 3
    months``."""
    if trigger.when == CHANGE_OF_GOVERNMENT:
        return "a new government took office"
    where = f"in {REGION_WORDS[REGIONS[trigger.region]]}" if trigger.region is not None else "across Pakistan"
    if fired:
        level, side = (trigger.above, "more than") if trigger.above is not None else (trigger.below, "less than")
    elif trigger.until_below is not None:
        level, side = trigger.until_below, "less than"
    elif trigger.until_above is not None:
        level, side = trigger.until_above, "more than"
    else:
        return f"its {trigger.months} months were up"
    if trigger.window > 1:
        return f"{label(trigger.when).lower()} {where} averaged {side} {level:g} a month over {trigger.window} months"
    return f"{label(trigger.when).lower()} {where} were {side} {level:g} in a month"


def happenings(session: DashboardSession) -> list[Happening]:
    """Every event of the scenario months so far, oldest first."""
    with session.lock:
        ensemble = session.policy
        runs = len(ensemble.models)
        branch = session.history_months
        out: list[Happening] = []
        governments: Counter[int] = Counter()
        reverted: dict[tuple[int, str], int] = Counter()
        triggers: dict[tuple[int, str, str], list[tuple[int, object]]] = defaultdict(list)
        for r, model in enumerate(ensemble.models):
            for month in model.politics.transitions:
                if month > branch:
                    governments[month] += 1
            for month, name in model.reverted_levers:
                if month > branch:
                    reverted[(month, name)] += 1
            for month, name, what, _lever, value, _level in model.trigger_events:
                if month > branch:
                    triggers[(month, name, what)].append((r, value))
        for month, count in governments.items():
            names = [name for (m, name) in reverted if m == month]
            text = f"{session.month_words(month)}: a new government took office {_share(count, runs)}"
            if not names:
                text += "; it kept every lever"
            out.append(Happening(month, "government", text, count))
        for (month, name), count in reverted.items():
            lever = LEVERS_BY_NAME[name]
            status_quo = lever_value_words(lever, lever.default)
            continuity = session.lever_at(month, "political_continuity")
            owned = session.lever_at(month, "cross_party_ownership")
            keeps = ("with cross-party ownership it keeps every changed lever" if owned else
                     f"it keeps a changed lever with probability {continuity:.0%}")
            out.append(Happening(month, "reverted", f"{session.month_words(month)}: the new government reverted "
                                 f"{lever.label.lower()} to {status_quo} {_share(count, runs)} ({keeps})", count))
        rules = {t.name: t for t in session.scenario.triggers}
        for (month, name, what), hits in triggers.items():
            trigger = rules.get(name)
            if trigger is None:
                continue
            lever = LEVERS_BY_NAME[trigger.lever]
            befores = Counter(ensemble.lever_history[r][month - 1].get(trigger.lever)
                              for r, _ in hits if month - 1 < len(ensemble.lever_history[r]))
            after = Counter(value for _, value in hits).most_common(1)[0][0]
            before = befores.most_common(1)[0][0] if befores else None
            moved = (f"from {lever_value_words(lever, before)} to {lever_value_words(lever, after)}"
                     if before is not None and before != after else f"to {lever_value_words(lever, after)}")
            if what == "fired":
                text = (f"{session.month_words(month)}: {condition_words(trigger)}; the state set "
                        f"{lever.label.lower()} {moved} {_share(len(hits), runs)}")
            else:
                text = (f"{session.month_words(month)}: {condition_words(trigger, fired=False)}; the state put "
                        f"{lever.label.lower()} back {moved} {_share(len(hits), runs)}")
            out.append(Happening(month, "trigger" if what == "fired" else "released", text, len(hits)))
        for event in session.events:
            out.append(Happening(event.month, event.kind, event.text, runs))
    order = {"lever": 0, "undo": 0, "government": 1, "reverted": 2, "trigger": 3, "released": 3}
    return sorted(out, key=lambda h: (h.month, order.get(h.kind, 4), h.text))

