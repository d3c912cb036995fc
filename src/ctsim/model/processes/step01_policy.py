"""Process 1 of the month: the world and the policy in force. The world first (the Afghan sanctuary's openness, by
date: :mod:`ctsim.declarations.world`); then scheduled lever changes and the state's reactions (the scenario's schedule
and triggers, or the history's then the scenario's); then, at a change of government, the political cycle may revert
levers to the status quo (FACTS.md s4: policies shelved at changes of government).

Writes ``afghan_sanctuary``, ``policy``, ``branch_month`` and ``trigger_events`` (through the scenario's plan, the
``on_month`` callback) and ``politics`` and ``reverted_levers``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ctsim.declarations.world import afghan_sanctuary

if TYPE_CHECKING:
    from ctsim.model.core import CTModel


def apply_policy(model: CTModel, month: int) -> None:
    """The world this month (the Afghan sanctuary, by date); then this month's scheduled changes and reactions, then
    the political cycle; record reverted levers."""
    s = model.state
    s.afghan_sanctuary = afghan_sanctuary(*model.calendar(month), model.p)
    if model.on_month is not None:
        model.on_month(model, month)
    for name in s.politics.step(month, s.policy, model.status_quo, model.streams["politics"]):
        s.reverted_levers.append((month, name))
