"""State institutions: programme implementation with lags, inter-agency coordination, the justice pipeline and the
political cycle. Model-level components, not spatial agents.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from ctsim.declarations.levers import LEVERS, LEVERS_BY_NAME

if TYPE_CHECKING:
    from ctsim.declarations.levers import Policy


class Programmes:
    """How far each numeric lever's programme has been implemented.

    A programme moves toward the lever's current value with the lever's lag (exponential approach, time constant
    ``lag_months``), so a reform takes years to act and a cut takes years to fade. Levers with no lag act at once.
    The coordination index (NACTA placement and a central CTD) and the counter-narrative's effect (strength x the
    kind's reach, so that a change of kind also takes the narrative's lag) are treated the same way.
    """

    def __init__(self, policy: Policy, p: dict[str, float]) -> None:
        self.p = p
        self._levels = {lev.name: float(getattr(policy, lev.name)) for lev in LEVERS if lev.kind in ("float", "int")}
        self._levels["coordination"] = self.coordination_target(policy)
        self._levels["narrative_effect"] = self.narrative_target(policy)

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
        for name in self._levels:
            if name == "coordination":
                target = self.coordination_target(policy)
                lag = max(LEVERS_BY_NAME["nacta_placement"].lag_months,
                          LEVERS_BY_NAME["central_ctd"].lag_months if policy.central_ctd else 0.0)
            elif name == "narrative_effect":
                target = self.narrative_target(policy)
                lag = LEVERS_BY_NAME["counter_narrative"].lag_months
            else:
                target = float(getattr(policy, name))
                lag = LEVERS_BY_NAME[name].lag_months
            step = 1.0 if lag <= 0 else 1.0 - math.exp(-1.0 / lag)
            self._levels[name] += (target - self._levels[name]) * step

    def level(self, name: str) -> float:
        """Implemented level of a programme (in the lever's unit)."""
        return self._levels[name]

    def as_dict(self) -> dict[str, float]:
        """All implemented levels."""
        return dict(self._levels)


class JusticePipeline:
    """Arrest -> prosecution queue limited by capacity -> conviction or release; released militants may return.

    The queue holds arrested militants by district and months waited. Each month the oldest cases are decided first,
    up to the national capacity; cases that reach the pre-trial limit undecided are released without trial.

    Attributes:
        queue: shape (districts, max_pretrial_months), persons awaiting a decision.
    """

    def __init__(self, n_districts: int, p: dict[str, float]) -> None:
        self.p = p
        self.queue = np.zeros((n_districts, int(round(p["max_pretrial_months"]))), dtype=np.int64)

    @property
    def awaiting(self) -> int:
        """Persons detained awaiting a decision."""
        return int(self.queue.sum())

    def step(self, rng: np.random.Generator, arrests: np.ndarray, capacity: float,
             return_rate: float, places: float = 0.0, relapse: float = 0.0) -> dict[str, np.ndarray]:
        """Admit this month's arrests, decide cases and release, and say who returns to militancy.

        Args:
            rng: the justice stream.
            arrests: arrests by district this month.
            capacity: cases that can be decided this month, nationally.
            return_rate: share of released persons who return to a cell.
            places: rehabilitation places open this month, nationally: released persons enter them before release
                (custody is where programmes reach them), as many as there are places.
            relapse: share of rehabilitated persons who return to a cell nonetheless.

        Returns:
            Arrays by district: ``decided``, ``convicted``, ``released`` (acquitted or released without trial),
            ``released_untried``, ``rehabilitated`` (of the released), ``returned``.
        """
        q = self.queue
        q[:, 1:] = q[:, :-1].copy()
        q[:, 0] = arrests
        decided = np.zeros(q.shape[0], dtype=np.int64)
        budget = int(capacity) + int(rng.random() < capacity - int(capacity))
        for w in range(q.shape[1] - 1, -1, -1):  # oldest cases first
            waiting = int(q[:, w].sum())
            if budget <= 0 or waiting == 0:
                continue
            take = q[:, w].copy() if waiting <= budget else rng.multivariate_hypergeometric(q[:, w], budget)
            q[:, w] -= take
            decided += take
            budget -= int(take.sum())
        released_untried = q[:, -1].copy()
        q[:, -1] = 0
        convicted = rng.binomial(decided, self.p["conviction_rate"])
        released = decided - convicted + released_untried
        rehabilitated = allocate_places(rng, released, places)
        returned = rng.binomial(released - rehabilitated, return_rate) + rng.binomial(rehabilitated, relapse)
        return {"decided": decided, "convicted": convicted, "released": released,
                "released_untried": released_untried, "rehabilitated": rehabilitated, "returned": returned}


def allocate_places(rng: np.random.Generator, candidates: np.ndarray, places: float) -> np.ndarray:
    """Share ``places`` (a whole number, or a fraction drawn as a chance of one more) among the candidates of each
    district: everyone when there are enough, otherwise a draw without replacement. Returns persons by district."""
    whole = int(places) + int(places > int(places) and rng.random() < places - int(places))
    total = int(candidates.sum())
    if whole >= total:
        return candidates.copy()
    if whole <= 0:
        return np.zeros_like(candidates)
    return rng.multivariate_hypergeometric(candidates, whole)


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
