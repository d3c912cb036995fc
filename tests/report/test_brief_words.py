"""Plain words: verdicts follow the declared better direction, intervals across zero are 'no clear difference',
numbers carry units and no spurious precision."""

from __future__ import annotations

import math

from ctsim.report import words


def test_fewer_attacks_with_an_interval_below_zero_is_better():
    v = words.verdict("attacks", -1200.0, -1500.0, -900.0, 120)
    assert v.kind == "better", "attacks: lower is better (OUTPUTS['attacks'].better)"
    assert v.sentence == "Fewer attacks: 1,200 fewer over ten years (90% interval 900 to 1,500 fewer).", v.sentence


def test_an_interval_that_spans_zero_is_no_clear_difference():
    v = words.verdict("deaths", -50.0, -120.0, 30.0, 36)
    assert v.kind == "unclear" and v.headline == "No clear difference", "an interval across zero decides nothing"
    assert "three years" in v.sentence


def test_higher_legitimacy_is_better_and_more_detentions_worse():
    assert words.verdict("legitimacy", 0.02, 0.01, 0.03, 120).kind == "better", "legitimacy: higher is better"
    assert words.verdict("detained_without_trial", 900.0, 500.0, 1300.0, 120).kind == "worse", \
        "more people held without trial is worse for civil liberties"
    assert words.verdict("arrests", 900.0, 500.0, 1300.0, 120).kind == "neither", \
        "arrests have no better direction: the verdict must not call them better or worse"


def test_cost_is_called_an_index_not_rupees():
    v = words.verdict("cost", -725_183.0, -800_000.0, -600_000.0, 36)
    assert "personnel-months" in v.sentence and "not rupees" in v.sentence, "cost is an index; say so"
    assert "0.73 million" in v.sentence, "cost in millions, as in the table"


def test_numbers_for_people():
    assert words.number(94_331_182) == "94.33 million"
    assert words.number(1234.4) == "1,234"
    assert words.number(0.5734, index=True) == "0.573"
    assert words.signed(-33.8) == "-34" and words.signed(6.25) == "+6.2"
    assert words.number(float("nan")) == "n/a"
    assert words.percent(math.nan) == ""
    assert words.horizon(120) == "ten years" and words.horizon(18) == "18 months"


def test_too_few_runs_for_an_interval_says_so():
    v = words.verdict("attacks", -3.0, math.nan, math.nan, 12)
    assert v.kind == "unclear" and "too few runs" in v.sentence
