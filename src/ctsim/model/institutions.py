"""State institutions: programme implementation with lags, inter-agency coordination, and the political cycle.
Model-level components, not spatial agents (the justice pipeline's queue is state, worked by
:mod:`ctsim.model.processes.step06_justice`).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from ctsim.declarations.levers import LEVERS, LEVERS_BY_NAME

if TYPE_CHECKING:
    import numpy as np

    from ctsim.declarations.levers import Policy


class Programmes:
    """How far each numeric lever's programme has been implemented.

    A programme moves toward the lever's current value with the lever's lag (exponential approach, time constant
    ``lag_months``), so a reform takes years to act and a cut takes years to fade. Levers with no lag act at once.
    The coordination index (NACTA placement and a central CTD) and the counter-narrative's effect (strength x the
    kind's reach, so that a change of kind also takes the narrative's lag) are treated the same way. Each month's
    step of a lag (``1 - exp(-1 / lag)``) is computed once per model.
    """

    def __init__(self, policy: Policy, p: dict[str, float]) -> None:
        self.p = p
        self._levels = {lev.name: float(getattr(policy, lev.name)) for lev in LEVERS if lev.kind in ("float", "int")}
        self._steps = {name: _step(LEVERS_BY_NAME[name].lag_months) for name in self._levels}
        self._levels["coordination"] = self.coordination_target(policy)
        self._levels["narrative_effect"] = self.narrative_target(policy)
        self._steps["narrative_effect"] = _step(LEVERS_BY_NAME["counter_narrative"].lag_months)
        self._coordination_steps = (_step(LEVERS_BY_NAME["nacta_placement"].lag_months),
                                    _step(max(LEVERS_BY_NAME["nacta_placement"].lag_months,
                                              LEVERS_BY_NAME["central_ctd"].lag_months)))

    def narrative_target(self, policy: Policy) -> float:
        """Share of the radicalisation hazard the current counter-narrative would remove once in force: strength x
        the reach of its kind (the parameter the narrative_kind declaration names for it)."""
        kind = LEVERS_BY_NAME["narrative_kind"].setting(policy.narrative_kind, "effect_parameter")
        return policy.counter_narrative * self.p[kind]

    def coordination_target(self, policy: Policy) -> float:
        """Coordination index the current institutional set-up would reach (0-1): the parameter nacta_placement's
        declaration names for its placement, plus a central CTD's."""
        p = self.p
        base = p[LEVERS_BY_NAME["nacta_placement"].setting(policy.nacta_placement, "coordination_parameter")]
        return min(1.0, base + (p["coordination_central_ctd"] if policy.central_ctd else 0.0))

    def advance(self, policy: Policy) -> None:
        """Move every programme one month toward the policy."""
        levels = self._levels
        for name, step in self._steps.items():
            target = self.narrative_target(policy) if name == "narrative_effect" else float(getattr(policy, name))
            levels[name] += (target - levels[name]) * step
        step = self._coordination_steps[1 if policy.central_ctd else 0]
        levels["coordination"] += (self.coordination_target(policy) - levels["coordination"]) * step

    def level(self, name: str) -> float:
        """Implemented level of a programme (in the lever's unit)."""
        return self._levels[name]

    def as_dict(self) -> dict[str, float]:
        """All implemented levels."""
        return dict(self._levels)

    def copy(self) -> Programmes:
        """An independent copy (state snapshots)."""
        twin = Programmes.__new__(Programmes)
        twin.p, twin._levels, twin._steps = self.p, dict(self._levels), self._steps
        twin._coordination_steps = self._coordination_steps
        return twin

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Programmes) and self._levels == other._levels


def _step(lag: float) -> float:
    return 1.0 if lag <= 0 else 1.0 - math.exp(-1.0 / lag)


class PoliticalCycle:
    """Five-year terms; at each change of government a policy survives with the continuity probability.

    Attributes:
        next_transition: model month (1-based) of the next change of government.
        transitions: months at which governments changed so far.
    """

    def __init__(self, p: dict[str, float], months_before_2024: int = 0) -> None:
        self.term = int(round(p["term_months"]))
        # months_to_first_transition counts from January 2024, whatever month the run starts in.
        self.next_transition = int(round(p["months_to_first_transition"])) + months_before_2024
        while self.next_transition < 1:
            self.next_transition += self.term
        self.transitions: list[int] = []

    def copy(self) -> PoliticalCycle:
        """An independent copy (state snapshots)."""
        twin = PoliticalCycle.__new__(PoliticalCycle)
        twin.term, twin.next_transition, twin.transitions = self.term, self.next_transition, list(self.transitions)
        return twin

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PoliticalCycle) and (self.term, self.next_transition, self.transitions) == (
            other.term, other.next_transition, other.transitions)

    def bring_forward(self, month: int) -> None:
        """Hold the next change of government in ``month`` (an early election); later terms count from then."""
        self.next_transition = month

    def step(self, month: int, policy: Policy, status_quo: Policy, rng: np.random.Generator) -> list[str]:
        """At a transition, revert each lever that differs from the status quo with 1 - continuity.

        Returns:
            The names of the levers that reverted this month (empty when there was no transition).
        """
        if month != self.next_transition:
            return []
        self.transitions.append(month)
        self.next_transition += self.term
        if policy.cross_party_ownership:
            return []
        continuity = policy.political_continuity
        reverted = []
        for lever in LEVERS:
            if lever.name in ("political_continuity", "cross_party_ownership"):
                continue
            # One draw per lever, changed or not, so that the stream does not depend on the policy.
            survives = rng.random() < continuity
            if getattr(policy, lever.name) != getattr(status_quo, lever.name) and not survives:
                policy.set(lever.name, getattr(status_quo, lever.name))
                reverted.append(lever.name)
        return reverted
