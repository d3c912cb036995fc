"""Model outputs, each declared once: name, unit, meaning, how a run is summarised, whether it is reported by region,
whether lower or higher is better, its plain label, and the smallest change in it that matters to a reader.

The model fills them every month (:mod:`ctsim.model.recording`); experiments, comparisons, sensitivity studies,
the docs, the dashboard and the policy brief all read these declarations; :mod:`ctsim.verdicts` reads ``matters``
to call a difference better, worse, negligible or unclear.
"""

from __future__ import annotations

from dataclasses import dataclass

from ctsim.data import REGION_KEYS
from ctsim.declarations.parameters import ADMIN_CAPACITY_BY_REGION, PARAMETERS_BY_NAME


@dataclass(frozen=True)
class Matters:
    """The smallest change in an output that matters to a reader, declared beside the output (one declaration, read
    by :func:`ctsim.verdicts.judge` for ``ctsim compare``, the brief and the dashboard).

    The smallest change that matters is ``max(share x |status quo's value|, floor)``, the floor multiplied by the
    horizon's length in years when ``per_year`` (outputs summed over the months).

    Attributes:
        share: the share of the status quo's value (0: none, the floor alone).
        floor: the smallest change in the output's unit, never less (per year of the horizon when ``per_year``).
        per_year: the floor is per year of the horizon (a flow summed over the months).
        reason: why that size, in words a reader can check (a judgement is called one).
    """

    share: float
    floor: float
    per_year: bool
    reason: str

    def __post_init__(self) -> None:
        if self.share < 0 or self.floor < 0 or (self.share == 0 and self.floor == 0):
            raise ValueError("the smallest change that matters must be positive: give a share or a floor")
        if not self.reason:
            raise ValueError("say why this is the smallest change that matters")


@dataclass(frozen=True)
class Output:
    """One monthly output.

    Attributes:
        name: column name.
        unit: unit.
        meaning: one line.
        summary: how a run is summarised: ``sum`` over months, ``last`` value, or ``mean`` over months.
        regional: also reported by region.
        better: whether ``lower`` or ``higher`` is better for people, or ``""`` where neither is (arrests, say:
            more arrests may mean more militants or better policing). Reports and comparisons read it; nothing is
            optimised.
        label: plain label for people (``People held without trial``).
        noun: what one unit is called in a sentence (``attacks``, ``people``); empty for indices and money.
        matters: the smallest change that matters (:class:`Matters`).
        reading: for an index, what its scale means, in words (empty for counts and money).
    """

    name: str
    unit: str
    meaning: str
    summary: str = "sum"
    regional: bool = False
    better: str = ""
    label: str = ""
    noun: str = ""
    matters: Matters | None = None
    reading: str = ""

    def __post_init__(self) -> None:
        if self.better not in ("lower", "higher", ""):
            raise ValueError(f"output {self.name}: better must be 'lower', 'higher' or ''")
        if not self.label:
            raise ValueError(f"output {self.name}: a plain label is required")
        if self.matters is None:
            raise ValueError(f"output {self.name}: declare the smallest change that matters (matters)")
        if self.unit.startswith("index") and not self.reading:
            raise ValueError(f"output {self.name}: an index must say what its scale means (reading)")


def _legitimacy_at_start(region: str) -> float:
    """The model's legitimacy at the start in a region: floor + slope x administrative capacity (both assumptions,
    docs/odd.md), the reference point that makes the index readable."""
    floor, slope = PARAMETERS_BY_NAME["legitimacy_floor"].value, PARAMETERS_BY_NAME["legitimacy_admin_slope"].value
    return floor + slope * ADMIN_CAPACITY_BY_REGION[region]


_PUNJAB, _MERGED = _legitimacy_at_start("Punjab"), _legitimacy_at_start("Merged districts")

# The bars (judgements, said to be so). Counts the press reports get a twentieth of the status quo: a smaller change
# could not be seen in the record once a policy ran, because the counters themselves differ by more (FACTS.md s1:
# PICSS and PIPS for 2022).
_ATTACKS = Matters(0.05, 1.0, True, "a judgement: a twentieth of the status quo's attacks, and at least one a year. A "
                   "smaller change could not be seen in the record once the policy ran: the two main counters differ "
                   "by more (for 2022 PICSS counted 380 attacks, PIPS 262).")
_DEATHS = Matters(0.05, 1.0, True, "a judgement: a twentieth of the status quo's deaths, and at least one a year; the "
                  "counters differ by more (for 2022 PICSS counted 539 deaths, PIPS 419).")
_INJURIES = Matters(0.05, 1.0, True, "a judgement: a twentieth of the status quo's injuries, and at least one a year; "
                    "the counters differ by more (for 2022 PICSS counted 836 injured, PIPS 734).")
# Nobody counts radicalised youth, recruits or militants in Pakistan; estimates of militant numbers span a factor of
# two (FACTS.md s5.8: the UN's 3,000-5,000 TTP fighters in 2022, 6,000-6,500 in 2024).
_UNCOUNTED = ("nobody counts these in Pakistan, and estimates of militant numbers span a factor of two (the UN put "
              "Pakistani fighters in Afghanistan at 3,000-5,000 in 2022 and 6,000-6,500 in 2024), so a smaller change "
              "is far inside what can be known.")
_RECRUITS = Matters(0.05, 10.0, True, f"a judgement: a twentieth of the status quo's, and at least ten a year; "
                    f"{_UNCOUNTED}")
_MILITANTS = Matters(0.05, 50.0, False, f"a judgement: a twentieth of the status quo's, and at least 50; {_UNCOUNTED}")
_PEOPLE = Matters(0.05, 10.0, False, "a judgement: a twentieth of the status quo's number, and at least ten people, "
                  "the bar used for every count of people in this model.")
_HARMED = Matters(0.05, 1.0, True, "a judgement, as for deaths in attacks: a twentieth of the status quo's, and at "
                  "least one a year.")
_COUNT = Matters(0.05, 1.0, True, "a judgement: a twentieth of the status quo's, and at least one a year, the bar used "
                 "for counts in this model.")
_STOCK = Matters(0.05, 1.0, False, "a judgement: a twentieth of the status quo's, and at least one, the bar used for "
                 "counts in this model.")
_LEGITIMACY = Matters(0.0, round((_PUNJAB - _MERGED) / 20, 4), False,
                      f"a judgement: a twentieth of the gap the model assumes at the start between Punjab "
                      f"({_PUNJAB:.3g}) and the merged districts ({_MERGED:.3g}), which follows their administrative "
                      f"capacity.")
_INDEX = Matters(0.05, 0.001, False, "a judgement: a twentieth of the status quo's level (and at least 0.001 on the "
                 "index).")
_FEAR = Matters(0.05, 0.001, False, "a judgement: fear is the fading memory of attack deaths, so it gets the bar of "
                "deaths, a twentieth of the status quo's level (and at least 0.001 on the index).")
# Rupees: NACTA's largest yearly budget and half the KP CTD's (FACTS.md s5.3), the size of a small institution.
_COST = Matters(0.0, 1e9, True,
                "a judgement: Rs 1 bn a year, about the largest yearly budget NACTA has had (Rs 1.56 bn in "
                "FY2016-17) and half that of KP's counter-terrorism department (Rs 2.18 bn in 2022); smaller sums are "
                "within the uncertainty of the prices themselves.")

_LEGITIMACY_READING = (f"State legitimacy is an index from 0 (no one trusts the state) to 1 (everyone does). The model "
                       f"assumes it starts from each district's administrative capacity: {_PUNJAB:.3g} in Punjab, "
                       f"{_MERGED:.3g} in the merged districts.")
_FEAR_READING = ("Fear is an index of the fading memory of attack deaths: where deaths hold steady, it equals the "
                 "month's attack deaths per 100,000 people.")
_SUPPORT_READING = ("Militants' local support is an index from 0 (no safe space or sympathy) to 1 (a heartland where "
                    "they have long been at home).")


def _o(name: str, unit: str, meaning: str, label: str, matters: Matters, noun: str = "", **kw) -> Output:
    if not noun and not unit.startswith("index") and unit != "rupees":
        noun = "people" if unit == "persons" else unit
    return Output(name, unit, meaning, label=label, noun=noun, matters=matters, **kw)


OUTPUTS: tuple[Output, ...] = (
    _o("attacks", "attacks", "militant attacks (PICSS definition: attacks by militants)", "Attacks", _ATTACKS,
       regional=True, better="lower"),
    _o("deaths", "persons", "people killed in attacks", "Deaths in attacks", _DEATHS, noun="deaths", regional=True,
       better="lower"),
    _o("injuries", "persons", "people injured in attacks", "Injuries in attacks", _INJURIES, noun="injured",
       regional=True, better="lower"),
    _o("attacks_on_security_forces", "attacks", "attacks on police, FC, Rangers and military",
       "Attacks on security forces", _ATTACKS, better="lower"),
    _o("attacks_on_civilians", "attacks", "attacks on civilians", "Attacks on civilians", _ATTACKS, better="lower"),
    _o("attacks_on_state_institutions", "attacks", "attacks on officials, offices, politicians",
       "Attacks on state institutions", _ATTACKS, better="lower"),
    _o("attacks_on_high_value", "attacks", "attacks on high-value targets (CPEC, foreign nationals)",
       "Attacks on high-value targets", _ATTACKS, better="lower"),
    _o("deaths_security_forces", "persons", "deaths in attacks on security forces",
       "Deaths in attacks on security forces", _DEATHS, noun="deaths", better="lower"),
    _o("deaths_civilians", "persons", "deaths in attacks on civilians", "Deaths in attacks on civilians", _DEATHS,
       noun="deaths", better="lower"),
    _o("deaths_state_institutions", "persons", "deaths in attacks on state institutions",
       "Deaths in attacks on state institutions", _DEATHS, noun="deaths", better="lower"),
    _o("deaths_high_value", "persons", "deaths in attacks on high-value targets",
       "Deaths in attacks on high-value targets", _DEATHS, noun="deaths", better="lower"),
    _o("injuries_security_forces", "persons", "injuries in attacks on security forces",
       "Injuries in attacks on security forces", _INJURIES, noun="injured", better="lower"),
    _o("injuries_civilians", "persons", "injuries in attacks on civilians", "Injuries in attacks on civilians",
       _INJURIES, noun="injured", better="lower"),
    _o("injuries_state_institutions", "persons", "injuries in attacks on state institutions",
       "Injuries in attacks on state institutions", _INJURIES, noun="injured", better="lower"),
    _o("injuries_high_value", "persons", "injuries in attacks on high-value targets",
       "Injuries in attacks on high-value targets", _INJURIES, noun="injured", better="lower"),
    _o("new_radicals", "persons", "youth entering the sympathiser pool", "Young people radicalised", _RECRUITS,
       noun="young people", regional=True, better="lower"),
    _o("sympathisers", "persons", "sympathiser pool at month end", "Sympathisers of militant groups", _MILITANTS,
       noun="sympathisers", summary="last", better="lower"),
    _o("recruits", "persons", "sympathisers recruited into cells (incl. new cells)", "Recruits to militant cells",
       _RECRUITS, noun="recruits", regional=True, better="lower"),
    _o("recruits_poor", "persons", "recruits from the poor band", "Recruits from poor households", _RECRUITS,
       noun="recruits", better="lower"),
    _o("recruits_affluent", "persons", "recruits from the affluent band", "Recruits from affluent households",
       _RECRUITS, noun="recruits", better="lower"),
    _o("recruits_away_from_family", "persons", "recruits living away from family",
       "Recruits living away from their families", _RECRUITS, noun="recruits", better="lower"),
    _o("recruits_out_of_school", "persons", "recruits out of school", "Recruits out of school", _RECRUITS,
       noun="recruits", better="lower"),
    _o("recruits_religious_link", "persons", "recruits with a religious-school link",
       "Recruits with a religious-school link", _RECRUITS, noun="recruits", better="lower"),
    _o("active_militants", "persons", "members of all cells at month end", "Active militants", _MILITANTS,
       noun="militants", summary="last", regional=True, better="lower"),
    _o("cells", "cells", "militant cells at month end", "Militant cells", _STOCK, summary="last", better="lower"),
    _o("arrivals", "persons", "fighters from sanctuary in Afghanistan who joined TTP-aligned cells",
       "Fighters arriving from Afghanistan", _RECRUITS, noun="fighters", better="lower"),
    _o("dormant_cells", "cells", "dormant cells at month end", "Dormant militant cells", _STOCK, summary="last"),
    _o("cells_in_sanctuary", "cells", "cells across the border at month end", "Militant cells across the border",
       _STOCK, summary="last"),
    _o("militants_in_sanctuary", "persons", "members of the cells across the border at month end (the UN Monitoring "
       "Team counted Pakistani fighters in Afghanistan: FACTS.md s5.8)", "Militants across the border", _MILITANTS,
       noun="militants", summary="last"),
    _o("attacks_in_karachi", "attacks", "attacks in Karachi division's seven districts, the Karachi operation's city "
       "(PIPS counted 85 of Sindh's 102 attacks of 2015 there: FACTS.md s5.11)", "Attacks in Karachi", _ATTACKS,
       better="lower"),
    _o("militants_killed", "persons", "militants killed in operations", "Militants killed in operations", _COUNT,
       noun="militants"),
    _o("arrests", "persons", "militants arrested", "Arrests of militants", _COUNT, noun="arrests"),
    _o("prosecutions", "cases", "cases decided by the courts", "Terrorism cases decided", _COUNT),
    _o("convictions", "persons", "convictions", "Convictions", _COUNT, noun="convictions"),
    _o("releases", "persons", "acquitted or released without trial", "People acquitted or released", _COUNT),
    _o("released_untried", "persons", "released because the pre-trial limit ran out",
       "People released untried when the pre-trial limit ran out", _COUNT),
    _o("returned_to_militancy", "persons", "released or surrendered persons who rejoined a cell",
       "Released or surrendered people who rejoined militants", _COUNT, better="lower"),
    _o("deradicalised", "persons", "members who left cells (on their own or by surrender into a programme)",
       "Militants who left their cells", _COUNT, noun="militants"),
    _o("rehabilitated", "persons", "persons through a deradicalisation programme (released from custody or "
       "surrendered from a cell)", "People through deradicalisation programmes", _COUNT),
    _o("detained_without_trial", "persons", "persons held awaiting trial at month end", "People held without trial",
       _PEOPLE, summary="last", better="lower"),
    _o("collateral_casualties", "persons", "bystanders harmed in operations", "Bystanders harmed in operations",
       _HARMED, noun="bystanders", better="lower"),
    _o("legitimacy", "index 0-1", "state legitimacy, population-weighted mean", "State legitimacy", _LEGITIMACY,
       summary="last", regional=True, better="higher", reading=_LEGITIMACY_READING),
    _o("militant_support", "index 0-1", "militants' local support (safe space, sympathy), population-weighted mean",
       "Militants' local support", _INDEX, summary="last", regional=True, better="lower", reading=_SUPPORT_READING),
    _o("fear", "index", "fear, population-weighted mean", "Fear", _FEAR, summary="mean", regional=True,
       better="lower", reading=_FEAR_READING),
    _o("operations_police", "operations",
       "successful operations credited to police (by their share of the district's effective strength)",
       "Successful operations by the police", _COUNT),
    _o("operations_paramilitary", "operations", "same for Rangers and FC",
       "Successful operations by Rangers and Frontier Corps", _COUNT),
    _o("operations_military", "operations", "same for the military", "Successful operations by the military", _COUNT),
    _o("deployed_formations", "formations", "military formations deployed", "Military formations deployed",
       Matters(0.05, 0.5, False, "a judgement: a twentieth of the status quo's, and at least half a formation."),
       summary="mean"),
    _o("triggers_fired", "triggers", "scenario trigger rules that fired this month (ctsim.scenarios.triggers)",
       "Reactions to violence that fired", _COUNT, noun="reactions"),
    _o("cost", "rupees", "cost of security personnel and programmes, Pakistani rupees at FY2024-25 prices (docs/odd.md "
       "section 7.11)", "Cost", _COST, better="lower"),
)
OUTPUTS_BY_NAME = {o.name: o for o in OUTPUTS}
REGIONAL_OUTPUTS = tuple(o.name for o in OUTPUTS if o.regional)

FORCES = ("police", "paramilitary", "military")
# Names of the per-run summary scalars, in the order summarise() returns them.
SUMMARY_NAMES = (
    tuple(o.name for o in OUTPUTS)
    + tuple(f"ops_share_{f}" for f in FORCES)
    + tuple(f"attacks_{key}" for key in REGION_KEYS)
)
