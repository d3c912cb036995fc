"""Process 1 of the month: the policy in force. Scheduled lever changes (the scenario's schedule, or the history
then the scenario) apply first; then, at a change of government, the political cycle may revert levers to the
status quo (FACTS.md s4: policies shelved at changes of government)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ctsim.model.core import CTModel


def apply_policy(model: CTModel, month: int) -> None:
    """Apply this month's scheduled changes, then the political cycle; record reverted levers."""
    if model.on_month is not None:
        model.on_month(model, month)
    for name in model.politics.step(month, model.policy, model.status_quo, model.streams["politics"]):
        model.reverted_levers.append((month, name))
