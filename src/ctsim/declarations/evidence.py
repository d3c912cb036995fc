"""What the evidence says each lever should do, declared once, with its source (or that there is none).

For each lever: the value compared with the status quo (``contrast``), any other levers or parameters both runs
share so that the lever can act at all (``context``), and the expected direction of its effect on named outputs,
each with the FACTS.md (or seed) passage it rests on and whether that passage is evidence (something observed or
measured) or a recommendation (what the roundtable proposed). Levers with no entry in ``expected`` have no evidence
for a direction: the docs say so. :mod:`ctsim.analysis.validation.evidence` measures the model's effect of each contrast
and the generated table in docs/levers.md sets the two side by side; tests assert every expected direction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ctsim.declarations.levers import LEVERS_BY_NAME
from ctsim.declarations.outputs import OUTPUTS_BY_NAME

EVIDENCE, RECOMMENDATION = "evidence", "recommendation"
# Extra measured outcomes beyond the per-run summary (see ctsim.analysis.validation.evidence).
WINDOW_OUTCOMES = {"attacks_first_two_years": ("attacks", 0, 24)}


@dataclass(frozen=True)
class Expectation:
    """An expected direction of a lever's effect on one outcome.

    Attributes:
        outcome: a declared output (summary over the horizon) or a key of ``WINDOW_OUTCOMES``.
        direction: ``lower`` or ``higher`` than under the status quo.
        basis: ``evidence`` or ``recommendation``.
        source: the FACTS.md section and what it says.
    """

    outcome: str
    direction: str
    basis: str
    source: str

    def __post_init__(self) -> None:
        if self.outcome not in OUTPUTS_BY_NAME and self.outcome not in WINDOW_OUTCOMES:
            raise ValueError(f"unknown outcome {self.outcome!r}")
        if self.direction not in ("lower", "higher") or self.basis not in (EVIDENCE, RECOMMENDATION):
            raise ValueError(f"{self.outcome}: direction must be lower/higher and basis evidence/recommendation")


@dataclass(frozen=True)
class LeverEvidence:
    """One lever's contrast, its context and what is expected of it (empty: no evidence for a direction)."""

    lever: str
    contrast: Any
    expected: tuple[Expectation, ...] = ()
    context: dict[str, Any] = field(default_factory=dict)
    params: dict[str, float] = field(default_factory=dict)
    note: str = ""

    def __post_init__(self) -> None:
        if self.lever not in LEVERS_BY_NAME:
            raise ValueError(f"unknown lever {self.lever!r}")


_E = Expectation
# Programmes on, and a change of government inside the horizon, for the levers that act only through them.
_PROGRAMMES = {"development": 1.0, "education_investment": 1.0}
_EARLY_TRANSITION = {"months_to_first_transition": 24.0}

LEVER_EVIDENCE: tuple[LeverEvidence, ...] = (
    LeverEvidence("ct_lead", "police", (
        _E("legitimacy", "higher", RECOMMENDATION,
           "FACTS.md s4: police should be the first line and the military act only where civil authority lacks "
           "access; over-reliance on the military left civilian capacity unbuilt"),)),
    LeverEvidence("handover_months", 60, context={"ct_lead": "police"},
                  note="no evidence on the pace of a change of lead"),
    LeverEvidence("military_formations", 20, note="no strength figure or effect in FACTS.md"),
    LeverEvidence("police_capacity", 1.0, (
        _E("attacks", "lower", EVIDENCE,
           "FACTS.md s4: population doubled in 35 years while public-order capacity did not keep pace; "
           "police are the first line of counterterrorism"),)),
    LeverEvidence("prosecution_capacity", 5.0, (
        _E("detained_without_trial", "lower", EVIDENCE,
           "FACTS.md s4: 5,400 arrests and 11 prosecutors in Karachi, a justice bottleneck; s5.4: thousands of "
           "anti-terrorism cases pending"),)),
    LeverEvidence("nacta_placement", "pm_office", (
        _E("attacks", "lower", RECOMMENDATION,
           "FACTS.md s4: ISI and IB do not heed an Interior-Ministry NACTA; moving it to the PM's Office is "
           "proposed so that agencies coordinate"),)),
    LeverEvidence("central_ctd", True, note="a proposal (FACTS.md s4) with no evidence of effect"),
    LeverEvidence("madrasa_reform", 1.0, (
        _E("recruits", "lower", EVIDENCE,
           "FACTS.md s3: 99% of the Swat recruits lived away from family under teachers' control, though only "
           "16% had a religious link (so the effect should be small)"),)),
    LeverEvidence("education_investment", 1.0, (
        _E("attacks", "lower", EVIDENCE, "FACTS.md s3: better education and administration keep GB and AJK quiet"),
        _E("recruits", "lower", EVIDENCE, "FACTS.md s3: better education and administration keep GB and AJK "
                                          "quiet"),)),
    LeverEvidence("development", 1.0, (
        _E("recruits", "lower", EVIDENCE, "FACTS.md s3: poverty was the common denominator of the Swat recruits; "
                                          "none came from an affluent family"),)),
    LeverEvidence("development_merged_first", False, context={"development": 1.0},
                  note="a recommendation on where to spend (FACTS.md s4), with no evidence on totals"),
    LeverEvidence("counter_narrative", 1.0, note="no evidence on the size or direction of a stronger narrative"),
    LeverEvidence("narrative_kind", "socio_economic", (
        _E("new_radicals", "lower", RECOMMENDATION,
           "FACTS.md s4: the religious narrative was a tit-for-tat; a narrative of socio-economic well-being, "
           "merit and justice is recommended"),), context={"counter_narrative": 1.0}),
    LeverEvidence("deradicalisation", 1.0, (
        _E("returned_to_militancy", "lower", EVIDENCE,
           "FACTS.md s5.5: about 15% of those treated in Saudi Arabia relapsed and 11.4% of released convicts in "
           "Indonesia reoffended, well under the status quo's assumed return rate"),)),
    LeverEvidence("border_management", 1.0, (
        _E("attacks", "lower", EVIDENCE, "FACTS.md s4: since August 2021 cross-border sanctuary gave the TTP "
                                         "freedom of movement"),)),
    LeverEvidence("kinetic_intensity", 1.0, (
        _E("attacks_first_two_years", "lower", EVIDENCE,
           "FACTS.md s4: operations (Zarb-e-Azb, Radd-ul-Fasaad) bring short-term success, then resurgence"),
        _E("legitimacy", "lower", RECOMMENDATION,
           "FACTS.md s4: Azm-e-Istehkam's noted gaps include the risk of overreach against civil liberties"),)),
    LeverEvidence("operations_in_strongholds", False,
                  note="the record has operations entering the strongholds in 2014 (FACTS.md s5.10), not leaving "
                       "them: no evidence on what withdrawing from them would do"),
    LeverEvidence("karachi_operation", False,
                  note="FACTS.md s4 says the Karachi operation's gains fade unless root causes are addressed, with no "
                       "figure for its effect or for what ending it would do"),
    LeverEvidence("hvt_protection", 1.0, note="a stated aim of Azm-e-Istehkam (FACTS.md s4); no evidence of effect"),
    LeverEvidence("dialogue", 1.0, note="no evidence (FACTS.md s4 calls the 2019-21 talks with the TTP, an armed "
                                        "group, a misstep; dialogue here is with non-violent movements)"),
    LeverEvidence("political_continuity", 1.0, (
        _E("attacks", "lower", EVIDENCE,
           "FACTS.md s4: four policies in a decade, each shelved by the next government; gains fade unless "
           "sustained"),), context=_PROGRAMMES, params=_EARLY_TRANSITION),
    LeverEvidence("cross_party_ownership", True, (
        _E("attacks", "lower", EVIDENCE,
           "FACTS.md s4: political will and cross-party ownership decide whether a policy survives a transition"),),
        context={**_PROGRAMMES, "political_continuity": 0.0}, params=_EARLY_TRANSITION),
)
EVIDENCE_BY_LEVER = {e.lever: e for e in LEVER_EVIDENCE}
