"""Directional tests: every lever with evidence (or a recommendation) moves its outcome the way the evidence says.

Each test measures the lever's contrast against the status quo with paired replications over the baseline's ten
years (ctsim.analysis.validation.evidence) and asserts that the whole 90% interval lies on the expected side. Where the
model contradicts the evidence today, the test is a strict expected failure with the measured numbers (docs/levers.md);
issue 13 revises those mechanisms.
"""

from __future__ import annotations

import pytest

from ctsim.analysis.validation.evidence import measure
from ctsim.declarations.evidence import EVIDENCE_BY_LEVER, LEVER_EVIDENCE
from ctsim.declarations.levers import LEVERS

# The design of the published table (docs/evidence.csv: 8 paired replications, the same seeds), so that the tests
# assert exactly what docs/levers.md reports. Some effects are small: a police lead's +0.002 of legitimacy was clear
# at 8 replications and not at 5 on calibration version 5; on version 6 it was +0.0004 and not clear at 8, on version 8
# +0.0007 and clear, on version 9 +0.0013 (ten-year mean), on version 10 +0.0009 [+0.0006, +0.0011].
REPLICATIONS = 8
# Expected directions the current model does not show, measured (docs/evidence.csv): lever/outcome -> what was measured.
# On calibration version 19 (cells lie low by the border management in force) 13 of 15 agree and none contradicts: the
# two below are unclear in the noise of 8 paired runs; education on attacks, unclear on version 18 (-113 [-242, +16]),
# agrees (-140 [-250, -31]). On version 18 (cells cut off by a managed border lie low) 12 of 15 agreed. On version 17 11
# agreed, none contradicted, and political continuity on attacks was unclear too (-95 [-221, +31]). On calibration
# version 16 (operations deny cells room; the history spun up from 2010) 11 of 15 agreed: madrasa reform contradicted on
# recruits (+391 [+188, +594], through the state's reactions) and kinetic tempo on legitimacy (+0.0010 [+0.0006,
# +0.0014]); NACTA's move on attacks and development on recruits were unclear. On version 15 all 15 agreed; on version
# 14 three were unclear in the noise of 8 paired runs (madrasa reform on recruits, political continuity and cross-party
# ownership on attacks). On version 13 education on attacks was unclear and the two political levers agreed.
KNOWN: dict[str, str] = {
    "madrasa_reform/recruits": "version 19: -94 [-366, +177] over ten years (9,858): unclear in the noise of 8 "
                               "paired runs (version 18: -271 [-564, +23]; version 16: +391, contradicting)",
    "kinetic_intensity/legitimacy": "version 19: +0.0003 [-0.0001, +0.0007] (0.573): unclear, close to zero (version "
                                    "18: +0.0004; version 16: +0.0010, contradicting)",
}
# None contradicted on calibration version 10. Kinetic tempo on legitimacy was the last: unclear on version 9 (+0.0002
# [-0.0001, +0.0005], ten-year mean), contradicting on version 8 (+0.0004 [+0.0001, +0.0007], last month); on version 10
# it agrees, -0.0003 [-0.0006, -0.00003], close to zero: heavy-handed contact grows with the tempo and costs standing
# where forces operate, and the tempo now cuts fewer attacks (-330 over ten years, against -595 on version 9), so the
# attack deaths it spares give back less of that standing.


def test_every_lever_states_its_evidence_or_that_there_is_none():
    assert [e.lever for e in LEVER_EVIDENCE] == [lever.name for lever in LEVERS], "one entry per lever, in order"
    for entry in LEVER_EVIDENCE:
        assert entry.expected or entry.note, f"{entry.lever}: give an expected direction or say why there is none"
        for e in entry.expected:
            assert "FACTS.md" in e.source, f"{entry.lever}/{e.outcome}: cite the FACTS.md section"


CASES = [pytest.param(entry.lever, e.outcome, id=f"{entry.lever}-{e.outcome}",
                      marks=[pytest.mark.xfail(strict=True, reason=KNOWN[f"{entry.lever}/{e.outcome}"])]
                      if f"{entry.lever}/{e.outcome}" in KNOWN else [])
         for entry in LEVER_EVIDENCE for e in entry.expected]


@pytest.fixture(scope="module")
def measured():
    """Every lever with an expected direction, measured once (runs shared between levers with the same context)."""
    return measure(tuple(e for e in LEVER_EVIDENCE if e.expected), replications=REPLICATIONS, workers=2)


@pytest.mark.parametrize("lever, outcome", CASES)
def test_the_lever_moves_its_outcome_as_the_evidence_says(measured, lever, outcome):
    entry = EVIDENCE_BY_LEVER[lever]
    row = measured[(measured["lever"] == lever) & (measured["outcome"] == outcome)].iloc[0]
    assert row["verdict"] == "agrees", (
        f"{lever} = {entry.contrast} should make {outcome} {row['expected']} ({row['source']}); measured "
        f"{row['difference']:+.4g} [{row['ci90_low']:+.4g}, {row['ci90_high']:+.4g}] over {REPLICATIONS} paired runs")
