"""Money: every price a declared parameter in rupees with a plausible range and a source; the prices a replication
uses drawn reproducibly within those ranges; every lever priced, or saying why not."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from ctsim.declarations.levers import LEVERS
from ctsim.declarations.parameters import PARAMETERS_BY_NAME
from ctsim.verdicts import MONEY_NOTE, PRICES, format_difference, format_interval, lever_cost_words, price_draws

NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")


def test_every_price_is_declared_in_rupees_with_a_range_and_a_source():
    assert len(PRICES) >= 16, "the forces' three prices and one per priced lever"
    for name in PRICES:
        p = PARAMETERS_BY_NAME[name]
        assert p.unit.startswith("PKR") and p.plausible is not None, f"{name}: rupees, with a plausible range"
        low, high = p.plausible
        assert low <= p.value <= high, f"{name}: the central price lies in its range"
        assert "FACTS.md" in p.source, f"{name}: tied to the budgets of FACTS.md (or saying none exists)"
        assert p.kind in ("derived", "assumption"), f"{name}: derived from budgets or flagged as an assumption"
    for lever in LEVERS:
        if lever.cost.kind in ("programme", "institution"):
            assert lever.cost.parameter in PRICES, f"{lever.name} is priced by a declared price"


def test_price_draws_are_reproducible_paired_and_within_range():
    three, five = price_draws(20250101, 3), price_draws(20250101, 5)
    assert three == five[:3], "replication r's prices do not depend on how many replications run"
    assert price_draws(7, 3) != three, "another root seed, other prices"
    for row in five:
        for name, value in row.items():
            low, high = PARAMETERS_BY_NAME[name].plausible
            assert low <= value <= high, f"{name} drawn within its plausible range"
    assert len({row["cost_weight_police"] for row in five}) == 5, "prices vary between replications"


def test_every_lever_says_what_it_costs_or_why_not_in_words():
    for lever in LEVERS:
        text = lever_cost_words(lever.name)
        assert "_" not in text and "FACTS.md" not in text, f"{lever.name}: plain words, no code names"
        if lever.cost.kind == "none":
            assert text.startswith("Not priced"), f"{lever.name}: an unpriced lever says so, and why"
        else:
            assert "Rs " in text and "plausibly" in text, f"{lever.name}: a price in rupees with its range"
    assert "FY2024-25" in MONEY_NOTE and "US$" in MONEY_NOTE, "the price year and a conversion, stated once"


@given(st.floats(-1e13, 1e13, allow_nan=False), st.floats(1e6, 1e13, allow_nan=False))
def test_a_rupee_interval_shows_its_ends_apart(low, width):
    text = format_interval("cost", low, low + width, "year")
    assert text.count("Rs") == 2 and text.endswith("a year"), f"both ends in rupees, a year: {text}"
    a, b = (float(n.replace(",", "")) for n in NUMBER.findall(text)[:2])
    assert a != b or abs(low) == abs(low + width), f"the ends differ as printed: {text}"


def test_an_interval_of_zero_width_reads_at_the_sums_own_precision_not_a_floats_noise():
    # a deterministic cost: every replication the same, the interval's ends the mean give or take a float's noise
    cost = 159_308_283_000.0
    low, high = cost * (1 - 1e-15), cost * (1 + 1e-15)
    assert format_interval("cost", low, high) == "Rs 159 bn to Rs 159 bn more"
    assert format_difference("cost", cost, low, high) == "Rs 159 bn more"
    assert format_interval("cost", 159.3e9, 159.4e9) == "Rs 159.3 bn to Rs 159.4 bn more", \
        "ends that differ still differ"
