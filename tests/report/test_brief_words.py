"""Plain words of the brief: labels from the declarations, lever values by their declared labels, horizons and months
in words; the verdicts themselves are ctsim.verdicts' (tests/verdicts)."""

from __future__ import annotations

from ctsim.declarations.levers import LEVERS_BY_NAME
from ctsim.report import words
from ctsim.report.changes import short_label


def test_outcomes_read_by_their_declared_labels():
    assert words.label("detained_without_trial") == "People held without trial"
    assert words.noun("detained_without_trial") == "people held without trial", "lowered inside a sentence"
    assert words.in_sentence("NACTA moved to the Prime Minister's Office") == "NACTA moved to the Prime Minister's " \
        "Office", "an acronym keeps its capitals"
    assert "fear" in words.HEADLINE and "cost" in words.HEADLINE


def test_lever_values_in_words():
    assert words.lever_value(LEVERS_BY_NAME["ct_lead"], "police") == "the police", "a choice by its label"
    assert words.lever_value(LEVERS_BY_NAME["nacta_placement"], "pm_office") == "the Prime Minister's Office"
    assert words.lever_value(LEVERS_BY_NAME["police_capacity"], 1.0) == "100% of the full programme"
    assert words.lever_value(LEVERS_BY_NAME["prosecution_capacity"], 5.0) == "5 x the status quo"
    assert words.lever_value(LEVERS_BY_NAME["central_ctd"], True) == "yes"


def test_horizons_months_and_labels_in_words():
    assert words.horizon(120) == "ten years" and words.horizon(18) == "18 months"
    assert words.month_words("2025-01") == "January 2025"
    assert short_label("Police in the lead, with a two-year handover") == "Police in the lead", "the first clause"
    assert short_label("Whole of government: prevent, pursue, protect and prepare") == "Whole of government"
    assert short_label("Five times today's prosecution capacity") == "Five times today's prosecution capacity"
