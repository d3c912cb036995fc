"""Money: which parameters are prices, the prices a replication uses, and each lever's price in words.

Costs are in Pakistani rupees at FY2024-25 prices. Each price is a declared parameter
(:mod:`ctsim.declarations.parameters`, unit ``PKR ...``) with its source and a plausible range. A comparison carries
what is not known about prices as it carries the posterior draws: replication ``r`` of every scenario uses the same
prices, drawn within their plausible ranges (most likely at the declared value) from a stream of their own
(:func:`price_draws`), so the cost
intervals hold price uncertainty as well as chance while the paired differences stay paired.
"""

from __future__ import annotations

import numpy as np

from ctsim.declarations.levers import LEVERS_BY_NAME
from ctsim.declarations.parameters import PARAMETERS, PARAMETERS_BY_NAME
from ctsim.verdicts.formats import format_rupees

PRICE_YEAR = "FY2024-25"
PRICES: tuple[str, ...] = tuple(p.name for p in PARAMETERS if p.is_price)
# A stream of its own: the prices drawn for replication r do not depend on the model's seeds or on how many
# replications run (row r is always the r-th draw of this stream).
PRICE_STREAM = 0x70726963  # "pric"

MONEY_NOTE = (
    f"Costs are in Pakistani rupees at {PRICE_YEAR} prices (July 2024 to June 2025). Each price comes from a "
    f"published budget where one exists (a police officer costs "
    f"{format_rupees(PARAMETERS_BY_NAME['cost_weight_police'].value)} a month: Punjab's police budget for "
    f"{PRICE_YEAR}, Rs 190 bn as reported by Dawn, over its 204,892 officers) and is otherwise an assumption with a "
    f"plausible range; budgets of earlier years are used as reported, without adjusting for inflation. For scale, "
    f"Rs 1 bn is about US$3.5 million (the defence budget of Rs 1,804 bn for FY2023-24 was reported as about "
    f"US$6.3 bn). Cost counts security personnel, deployed troops and the programmes a policy runs, not the whole "
    f"state's budget, and a policy's cost is net: one that lowers violence also lowers what the state spends reacting "
    f"to it (surges of operations and deployments).")

# How each price's unit reads after "Rs X" once it is turned into a yearly sum.
_PER = {"PKR a month at the full programme": "a year at the full programme",
        "PKR a month per multiple of the status quo's capacity": "a year for each multiple of today's capacity",
        "PKR a month at full tempo": "a year at full tempo over today's, in proportion to the tempo above or below it",
        "PKR a month": "a year while in force"}


def price_draws(root_seed: int, replications: int) -> list[dict[str, float]]:
    """The prices each replication uses: replication ``r`` gets row ``r`` of a stream seeded by ``root_seed``, each
    price drawn from a triangular distribution over its plausible range that peaks at its declared value (the most
    likely price is the one declared; the same row in every scenario of a comparison).

    Args:
        root_seed: the comparison's root seed.
        replications: how many rows.
    """
    rng = np.random.default_rng(np.random.SeedSequence([int(root_seed), PRICE_STREAM]))
    return [{name: float(rng.triangular(PARAMETERS_BY_NAME[name].plausible[0], PARAMETERS_BY_NAME[name].value,
                                        PARAMETERS_BY_NAME[name].plausible[1])) for name in PRICES}
            for _ in range(replications)]


def price_words(name: str) -> str:
    """A price parameter in words, yearly, with its plausible range and whether it rests on a budget or is assumed:
    ``Rs 30 bn a year at the full programme (plausibly Rs 14 bn to Rs 55 bn; an assumption)``."""
    p = PARAMETERS_BY_NAME[name]
    basis = "derived from budgets" if p.kind in ("fact", "derived") else "an assumption"
    if p.unit.startswith("PKR per"):
        per = p.unit.removeprefix("PKR ").replace(" a month", "")
        low, high = p.plausible or (p.value, p.value)
        return (f"{format_rupees(p.value)} a month {per} (plausibly {format_rupees(low)} to {format_rupees(high)}; "
                f"{basis})")
    per = _PER.get(p.unit, "a year")
    low, high = p.plausible or (p.value, p.value)
    return (f"{format_rupees(12 * p.value)} {per} (plausibly {format_rupees(12 * low)} to {format_rupees(12 * high)}; "
            f"{basis})")


def lever_cost_words(lever_name: str) -> str:
    """How a lever costs, in words for the brief's lever table: its price with range and basis and what it pays
    for, or why it is not priced."""
    cost = LEVERS_BY_NAME[lever_name].cost
    if cost.kind == "none":
        return cost.reason[0].upper() + cost.reason[1:] + "."
    if cost.kind == "forces":
        return ("Through the forces it deploys: " + "; ".join(
            f"{who} {price_words(name)}" for who, name in (
                ("a police officer", "cost_weight_police"), ("a Rangers or FC member", "cost_weight_paramilitary"),
                ("a deployed soldier", "cost_weight_military"))).replace(" a month per police officer", " a month")
            .replace(" a month per Rangers or FC member", " a month").replace(" a month per deployed soldier",
                                                                               " a month") + ".")
    what = cost.reason[0].upper() + cost.reason[1:]
    return f"{what}: {price_words(cost.parameter)}."
