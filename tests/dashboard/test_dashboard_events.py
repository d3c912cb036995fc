"""What happened, in words: changes of government, the levers they reverted (with the chance a lever survives),
the state's reactions to violence and the trainer's own changes, each saying in how many runs it happened."""

from __future__ import annotations

import re

import pytest

from ctsim.dashboard.events import happenings
from ctsim.dashboard.state import DashboardSession
from ctsim.declarations.levers import LEVERS
from ctsim.declarations.outputs import OUTPUTS

CODE_NAMES = {lever.name for lever in LEVERS} | {o.name for o in OUTPUTS if "_" in o.name}


@pytest.fixture(scope="module")
def reverting():
    """A police lead with no political continuity, and an early change of government after a year and a half."""
    s = DashboardSession("baseline", 1, runs=4)
    s.set_lever("political_continuity", 0.0)
    s.set_lever("ct_lead", "police")
    s.step(18)
    s.change_government()
    s.step(30)
    return s


def test_a_reverted_lead_is_said_in_words(reverting):
    lines = happenings(reverting)
    reverted = [h for h in lines if h.kind == "reverted" and "lead agency" in h.text]
    assert reverted, "the new government's reversal of the police lead is listed"
    line = reverted[0]
    assert re.match(r"^(January|February|March|April|May|June|July|August|September|October|November|December) "
                    r"20\d\d: the new government reverted lead agency for counterterrorism to the military",
                    line.text), line.text
    assert "in every run" in line.text or re.search(r"in \d of 4 runs", line.text)
    assert "probability 0%" in line.text, "it says with what probability a changed lever survives"
    assert any(h.kind == "government" and h.month == line.month for h in lines), "the change of government too"


def test_the_states_reactions_are_said_in_words(reverting):
    fired = [h for h in happenings(reverting) if h.kind == "trigger"]
    assert fired, "the reactive status quo's rules fire within four years of rising violence"
    assert all("averaged more than" in h.text or "were more than" in h.text for h in fired)
    assert all(re.search(r"in (every run|\d of 4 runs)", h.text) for h in fired)


def test_no_code_name_reaches_the_list(reverting):
    for line in happenings(reverting):
        words = set(re.findall(r"[a-z]+(?:_[a-z]+)+", line.text))
        assert not words & CODE_NAMES, f"plain words only: {line.text}"


def test_the_trainers_changes_are_listed_in_order(reverting):
    lines = happenings(reverting)
    assert [h.month for h in lines] == sorted(h.month for h in lines), "oldest first"
    mine = [h for h in lines if h.kind in ("lever", "government") and "you" in h.text]
    assert any("you set lead agency for counterterrorism to the police" in h.text for h in mine)
    assert any("you called an early change of government" in h.text for h in mine)
