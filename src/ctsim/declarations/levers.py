"""Policy levers: the scenario file's vocabulary, each declared once.

A lever is a policy choice (EMA Workbench's word): who leads counterterrorism, how much is spent on schooling, where
NACTA sits. Each :class:`Lever` says its type, bounds or choices, default (the status quo of early 2024), unit,
meaning, the mechanism through which it acts on the model, the lag of that mechanism and the provenance of its
effect size. :class:`Policy` holds one value per lever and is what the model reads every month.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any


@dataclass(frozen=True)
class Cost:
    """How a lever costs, declared with it. Every cost is in Pakistani rupees a month at FY2024-25 prices (the unit of
    the ``cost`` output): the price parameters are declared with their sources and plausible ranges in
    :mod:`ctsim.declarations.parameters` (docs/odd.md section 7.11).

    Attributes:
        kind: ``programme`` (numeric levers: ``weight`` x the programme's implemented level x the price
            ``parameter``; with ``above_status_quo``, the level less the lever's default), ``institution`` (choice
            and boolean levers: the price ``parameter`` each month the lever is at one of the values in ``when``),
            ``forces`` (through the personnel of the forces it deploys, priced per person by
            :meth:`ctsim.model.forces.Forces.monthly_cost`), or ``none`` (not priced; ``reason`` says why, in words
            a reader of the brief can weigh).
        weight: units of ``parameter`` per unit of the lever (programmes only).
        reason: what the price pays for, or why the lever has none, in plain words.
        parameter: the price parameter (:mod:`ctsim.declarations.parameters`, in PKR a month).
        above_status_quo: price only the level above (and, as a saving, below) the lever's default, for a lever
            whose status-quo level is already paid for in the forces' personnel cost (programmes only).
        when: the values of a choice or boolean lever that cost ``parameter`` (institutions only).
    """

    kind: str
    weight: float = 0.0
    reason: str = ""
    parameter: str = ""
    above_status_quo: bool = False
    when: tuple[Any, ...] = ()

    def __post_init__(self) -> None:
        if self.kind not in ("programme", "institution", "forces", "none"):
            raise ValueError(f"cost kind must be programme, institution, forces or none; got {self.kind!r}")
        if self.kind == "none" and not self.reason:
            raise ValueError("a lever that costs nothing must say why")
        if self.kind == "institution" and not self.when:
            raise ValueError("an institution's cost must say for which values of the lever it is paid (when)")
        if self.kind in ("programme", "institution") and not self.parameter:
            raise ValueError(f"a {self.kind}'s cost must name its price parameter")


def _programme(parameter: str, reason: str, weight: float = 1.0) -> Cost:
    """A programme priced at ``parameter`` a month at its full level (the level implemented, after its lag)."""
    return Cost("programme", weight, reason, parameter=parameter)


FORCES = Cost("forces", reason="priced through the personnel of the forces it deploys")


@dataclass(frozen=True)
class Lever:
    """Declaration of one policy lever.

    Attributes:
        name: identifier used in scenario files.
        label: plain name for people (dashboard controls, reports).
        kind: ``float``, ``int``, ``bool`` or ``choice``.
        default: status-quo value.
        meaning: one line for people.
        mechanism: how the model uses it.
        unit: unit of the value.
        low: lowest value (numbers only).
        high: highest value (numbers only).
        choices: admissible values (choices only).
        lag_months: time for the mechanism to reach about two thirds of its full effect (0: immediate).
        provenance: where the direction and size of its effect come from.
        cost: how it costs (:class:`Cost`).
        acts_in: the model's modules (paths under ``src/ctsim/model/``) whose code reads the lever's value (in
            force, or as its programme's level), directly or through one of the functions named in ``via``; a
            test reads the code and checks this list, no more and no fewer.
        via: functions of the model that read the lever and that other modules call to act on it (an accessor
            such as ``border_openness``, or the forces' ``deploy``), or the derived programme level it reaches
            them through (``coordination``, ``narrative_effect``).
        choice_labels: plain name of each choice (choices only).
        choice_settings: what each choice sets, by name: a value, or the name of the declared parameter that holds
            it (choices only).
    """

    name: str
    kind: str
    default: Any
    meaning: str
    mechanism: str
    unit: str = ""
    low: float | None = None
    high: float | None = None
    choices: tuple[str, ...] = ()
    lag_months: float = 0.0
    provenance: str = "assumption"
    label: str = ""
    cost: Cost | None = None
    acts_in: tuple[str, ...] = ()
    via: tuple[str, ...] = ()
    choice_labels: Mapping[str, str] = field(default_factory=dict)
    choice_settings: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.label:
            raise ValueError(f"lever {self.name}: a plain label is required")
        if not self.acts_in:
            raise ValueError(f"lever {self.name}: say in which model modules it acts (acts_in)")
        if self.cost is None:
            raise ValueError(f"lever {self.name}: say how it costs (cost), or why it is not priced")
        if self.kind == "choice":
            if set(self.choice_labels) != set(self.choices):
                raise ValueError(f"lever {self.name}: every choice needs a plain label")
            if self.choice_settings:
                keys = {frozenset(v) for v in self.choice_settings.values()}
                if set(self.choice_settings) != set(self.choices) or len(keys) != 1:
                    raise ValueError(f"lever {self.name}: every choice must set the same names")

    def setting(self, choice: str, name: str) -> Any:
        """What ``choice`` of this choice lever sets for ``name``."""
        return self.choice_settings[choice][name]

    def choice_label(self, choice: Any) -> str:
        """Plain name of a value: the choice's label, or the value with its unit."""
        if self.kind == "choice":
            return self.choice_labels[choice]
        if self.kind == "bool":
            return "yes" if choice else "no"
        return f"{choice:g} {self.unit}".strip() if isinstance(choice, int | float) else str(choice)



LEVERS: tuple[Lever, ...] = (
    Lever("ct_lead", "choice", "military", "who leads counterterrorism operations",
          "sets how many military formations deploy and where, and how much weight police carry; "
          "changes of lead are phased in over handover_months",
          choices=("military", "rangers", "police"),
          provenance="FACTS.md s4: police first line, then Rangers/FC, military only where civil authority "
                     "lacks access; effect sizes are assumptions",
          label="Lead agency for counterterrorism",
          cost=FORCES, acts_in=("forces.py", "initialisation.py", "processes/step05_operations.py"),
          via=("deploy",),
          choice_labels={"military": "the military", "rangers": "Rangers and Frontier Corps", "police": "the police"},
          # Per lead: the share of the military formations deployed, the multiplier on police CT weight, the share of
          # the border-held paramilitary strength released for internal duty (each a declared parameter, an
          # assumption with a range, or the military lead's reference value), and the regions the military may
          # deploy to (FACTS.md s4: a civilian lead keeps the military where civil authority lacks access).
          choice_settings={
              "military": {"military_deployment": 1.0, "police_weight": 1.0, "paramilitary_release": 0.0,
                           "military_regions": ("KP (settled districts)", "Merged districts", "Balochistan",
                                                "Sindh")},
              "rangers": {"military_deployment": "lead_rangers_military_deployment",
                          "police_weight": "lead_rangers_police_weight",
                          "paramilitary_release": "lead_rangers_paramilitary_release",
                          "military_regions": ("Merged districts",)},
              "police": {"military_deployment": "lead_police_military_deployment",
                         "police_weight": "lead_police_police_weight",
                         "paramilitary_release": "lead_police_paramilitary_release",
                         "military_regions": ("Merged districts",)},
          }),
    Lever("handover_months", "int", 24, "pace of a change of ct_lead (about two thirds done after this many months)",
          "time constant of the exponential shift of deployment from the old lead to the new", unit="months",
          low=1, high=120,
          label="Handover period to a new lead",
          cost=FORCES, acts_in=("forces.py", "initialisation.py", "processes/step05_operations.py"), via=("deploy",)),
    Lever("military_formations", "int", 10, "brigade-sized military formations committed to internal security",
          "caps the formations the lead can deploy (the lead deploys a share of them, see forces.py)",
          unit="formations", low=0, high=40,
          provenance="assumption: no strength figure in FACTS.md; 10 brigades of formation_strength",
          label="Military formations on internal security",
          cost=FORCES, acts_in=("forces.py", "initialisation.py", "processes/step05_operations.py"), via=("deploy",)),
    Lever("police_capacity", "float", 0.0, "investment in police counterterrorism capacity (0 none, 1 full)",
          "raises police CT weight (intelligence, training, equipment; up to x3), so police find more cells with "
          "fewer bystanders harmed; legitimacy follows only through that conduct (no constant of its own)",
          unit="share of full programme", low=0.0, high=1.0, lag_months=24,
          label="Police counterterrorism capacity",
          cost=_programme("cost_police_capacity_full", "training, intelligence and equipment for police "
                          "counterterrorism, priced from the provinces' police budgets and those of their "
                          "counter-terrorism departments"),
          acts_in=("forces.py", "initialisation.py", "processes/step05_operations.py"), via=("deploy",)),
    Lever("prosecution_capacity", "float", 1.0, "prosecution capacity relative to the status quo",
          "multiplies terrorism cases decided per month in the justice pipeline",
          unit="multiple of status quo", low=0.25, high=10.0, lag_months=12,
          provenance="FACTS.md s4: 11 prosecutors for 5,400 arrests (a bottleneck); size is an assumption",
          label="Prosecution capacity",
          cost=_programme("cost_prosecution_per_multiple", "prosecutors, anti-terrorism courts and witness "
                          "protection, each multiple of today's capacity priced like a provincial counter-terrorism "
                          "department"),
          acts_in=("processes/step06_justice.py",)),
    Lever("nacta_placement", "choice", "interior_ministry", "where NACTA sits",
          "sets the inter-agency coordination index that multiplies detection",
          choices=("interior_ministry", "pm_office"), lag_months=12,
          provenance="FACTS.md s4 (ISI and IB do not heed an Interior-Ministry NACTA); size an assumption",
          label="Where NACTA sits",
          cost=Cost("institution", reason="NACTA in the Prime Minister's Office with a joint intelligence "
                                          "directorate, priced from NACTA's past budgets",
                    parameter="cost_nacta_pm_office", when=("pm_office",)),
          acts_in=("institutions.py", "processes/step05_operations.py"), via=("coordination",),
          choice_labels={"interior_ministry": "the Interior Ministry", "pm_office": "the Prime Minister's Office"},
          # Each placement's coordination index is a declared parameter (docs/odd.md).
          choice_settings={"interior_ministry": {"coordination_parameter": "coordination_interior"},
                           "pm_office": {"coordination_parameter": "coordination_pm_office"}}),
    Lever("central_ctd", "bool", False, "a central CTD for inter-provincial and cross-border cases",
          "adds to the coordination index", lag_months=18, provenance="FACTS.md s4 proposal; size assumed",
          label="Central Counter Terrorism Department",
          cost=Cost("institution", reason="a central counter-terrorism department, priced between KP's and "
                                          "Punjab's", parameter="cost_central_ctd", when=(True,)),
          acts_in=("institutions.py", "processes/step05_operations.py"), via=("coordination",)),
    Lever("madrasa_reform", "float", 0.0, "share of boarding seminaries reformed",
          "removes up to 80% of the away-from-family risk for youth in seminaries (away with a religious link)",
          unit="share", low=0.0, high=1.0, lag_months=36,
          provenance="FACTS.md s3: only 16% of recruits had a religious link, so the reach is limited",
          label="Madrasa (seminary) reform",
          cost=_programme("cost_madrasa_reform_full", "teachers of formal subjects, registration and inspection in "
                          "the reformed seminaries"),
          acts_in=("processes/step03_radicalisation.py",)),
    Lever("education_investment", "float", 0.0, "investment in schooling (0 none, 1 full)",
          "cuts the out-of-school share by up to half and the share of youth living away from family by up to "
          "30% (day schools near home); a link to administrative capacity is a flagged assumption, off by default",
          unit="share of full programme", low=0.0, high=1.0, lag_months=60,
          provenance="FACTS.md s3 (education keeps GB and AJK quiet); size an assumption",
          label="Investment in schooling",
          cost=_programme("cost_education_full", "school places for the children it brings into school"),
          acts_in=("processes/step02_socioeconomics.py",)),
    Lever("development", "float", 0.0, "poverty reduction and development spending (0 none, 1 full)",
          "cuts the poor share by up to 30% and lifts legitimacy; merged districts first if chosen",
          unit="share of full programme", low=0.0, high=1.0, lag_months=60,
          provenance="FACTS.md s3: poverty is the common denominator; size an assumption",
          label="Development and poverty reduction",
          cost=_programme("cost_development_full", "development and poverty-reduction spending, priced between the "
                          "merged districts' yearly pledge and BISP's budget"),
          acts_in=("processes/step02_socioeconomics.py",)),
    Lever("development_merged_first", "bool", True, "development reaches the merged districts first",
          "moves the same development budget toward the merged districts: they get "
          "development_merged_reach_multiple times the even per-person reach, the others what is left",
          provenance="FACTS.md s4 recommendation",
          label="Development in the merged districts first",
          cost=Cost("none", reason="not priced on its own: it decides where the development budget goes, not how "
                                   "much is spent; that spending is priced with development and poverty reduction"),
          acts_in=("processes/step02_socioeconomics.py",)),
    Lever("counter_narrative", "float", 0.2, "strength of the state's counter-narrative (0-1)",
          "lowers the radicalisation hazard by strength x the kind's effect",
          unit="share", low=0.0, high=1.0, lag_months=12,
          provenance="status quo: Paigham-e-Pakistan (FACTS.md s4); sizes assumed",
          label="Strength of the counter-narrative",
          cost=_programme("cost_counter_narrative_full", "a national campaign through media, scholars, schools and "
                          "online"),
          acts_in=("institutions.py", "processes/step03_radicalisation.py"), via=("narrative_effect",)),
    Lever("narrative_kind", "choice", "religious", "kind of counter-narrative",
          "religious (tit-for-tat) reaches 10% of the hazard; socio_economic (merit, justice) 30%",
          choices=("religious", "socio_economic"),
          provenance="FACTS.md s4 recommends a socio-economic narrative; sizes are assumptions",
          label="Kind of counter-narrative",
          cost=Cost("none", reason="not priced on its own: it changes what the counter-narrative says, not what it "
                                   "spends; the campaign is priced with the strength of the counter-narrative"),
          acts_in=("institutions.py", "processes/step03_radicalisation.py"), via=("narrative_effect",),
          choice_labels={"religious": "religious", "socio_economic": "socio-economic (merit, justice)"},
          # Each kind's reach is a declared parameter (docs/odd.md).
          choice_settings={"religious": {"effect_parameter": "effect_narrative_religious"},
                           "socio_economic": {"effect_parameter": "effect_narrative_socio_economic"}}),
    Lever("deradicalisation", "float", 0.0, "deradicalisation and reintegration programmes (0-1)",
          "opens rehabilitation places (rehabilitation_places_per_year at 1): the released pass through them in "
          "custody and relapse at rehabilitation_relapse instead of return_rate_released; places left take "
          "members of active cells who accept a surrender offer; no effect on the sympathiser pool",
          unit="share", low=0.0, high=1.0, lag_months=12,
          provenance="FACTS.md s5.5 (Mishal, Sabaoon, Punjab throughput; Saudi and Indonesian relapse); FACTS.md s4 "
                     "(Azm-e-Istehkam has no reintegration plan); places and surrender uptake assumed",
          label="Deradicalisation and reintegration",
          cost=_programme("cost_deradicalisation_full", "places in residential rehabilitation programmes"),
          acts_in=("processes/step06_justice.py",)),
    Lever("border_management", "float", 0.2, "border management and Afghan cooperation (0-1)",
          "lowers the chance that pressed cells reach sanctuary, cross-border supplies, and the fighters who come "
          "across from Afghanistan; cells cut off from their bases lie low more often (border_dormancy; this part acts "
          "at once, by the lever in force, not after the lag)",
          unit="share", low=0.0, high=1.0, lag_months=12, provenance="FACTS.md s4; size assumed",
          label="Border management and Afghan cooperation",
          cost=_programme("cost_border_management_full", "Frontier Corps wings on the border, fencing upkeep and "
                          "liaison with Afghanistan"),
          acts_in=("processes/step07_attacks.py", "processes/step11_lifecycle.py"), via=("border_openness",)),
    Lever("kinetic_intensity", "float", 0.5, "tempo and force of operations (0-1)",
          "scales detection tempo, the killed share and collateral harm (x (0.5 + level)), including the harm of "
          "searching that finds nothing; militants adapt to a sustained tempo (its detection gain erodes), pressed "
          "cells move more, remembered collateral harm raises radicalisation where it fell, and heavy-handed "
          "contact (every force by its accuracy, times the tempo) lowers legitimacy where forces operate",
          unit="share", low=0.0, high=1.0, provenance="Bennett 2008 (effectiveness vs accuracy); assumed",
          label="Tempo of kinetic operations",
          # Priced above the status quo's tempo only: the status quo's operations are in the forces' personnel cost.
          # Weight 2: full tempo (1) is 0.5 above the status quo's, and costs one cost_kinetic_full_tempo.
          cost=Cost("programme", 2.0, "fuel, ammunition, air support and wear of operations beyond today's "
                                      "tempo, priced from Zarb-e-Azb's cost (a lower tempo saves as much)",
                    parameter="cost_kinetic_full_tempo", above_status_quo=True),
          acts_in=("initialisation.py", "processes/step05_operations.py"), via=("current_tempo",)),
    Lever("operations_in_strongholds", "bool", True,
          "operations reach the militants' strongholds in North Waziristan and Khyber",
          "until they do, the chance of finding a cell there is stronghold_detection_factor times as high as "
          "elsewhere",
          provenance="FACTS.md s5.10-s5.11: Zarb-e-Azb entered North Waziristan from 15 June 2014 and the Khyber "
                     "operations followed (2014-2017); that operations did not reach them before is an assumption, "
                     "and how much less they found there is fitted to the 2013-2014 record",
          label="Operations in the tribal strongholds",
          cost=Cost("none", reason="not priced: it says where the forces already priced may operate, not how many "
                                   "there are"),
          acts_in=("processes/step05_operations.py", "processes/step07_attacks.py")),
    Lever("karachi_operation", "bool", True,
          "a targeted operation in Karachi, Rangers in the lead with police assisting",
          "raises the chance of finding a cell in Karachi's districts (effect_karachi_operation_detection)",
          provenance="FACTS.md s5.10: the Karachi operation from September 2013 (FACTS.md gives no end: "
                                   "taken to continue, so on in the status quo, an assumption); its size is an "
                                   "assumption the 2013-2015 fall of Sindh's attacks bears on (FACTS.md s5.1)",
          label="Karachi operation",
          cost=Cost("none", reason="not priced: it re-tasks Sindh's Rangers and police, whose personnel are priced "
                                   "each month whatever they do"),
          acts_in=("processes/step05_operations.py",)),
    Lever("hvt_protection", "float", 0.3, "protection of high-value targets such as CPEC sites (0-1)",
          "cuts deaths and injuries in attacks on high-value targets by up to 70%",
          unit="share", low=0.0, high=1.0, lag_months=6, provenance="FACTS.md s4 (Azm-e-Istehkam); assumed",
          label="Protection of high-value targets",
          cost=_programme("cost_hvt_protection_full", "guards for high-value sites and foreign nationals"),
          acts_in=("processes/step07_attacks.py",)),
    Lever("dialogue", "float", 0.0, "dialogue with non-violent movements (0-1)",
          "raises legitimacy in Balochistan and the merged districts",
          unit="share", low=0.0, high=1.0, lag_months=12, provenance="assumption",
          label="Dialogue with non-violent movements",
          cost=_programme("cost_dialogue_full", "commissions, jirgas and outreach"),
          acts_in=("processes/step08_legitimacy.py",)),
    Lever("political_continuity", "float", 0.3, "chance a policy survives a change of government",
          "at each transition every lever that differs from the status quo reverts with 1 - continuity",
          unit="probability", low=0.0, high=1.0,
          provenance="FACTS.md s4: four policies in ten years, each shelved by the next government",
          label="Political continuity of policy",
          cost=Cost("none", reason="not priced: keeping a policy through a change of government is political "
                                   "commitment, not a budget line; the policies it keeps are priced each month they "
                                   "run"),
          acts_in=("institutions.py",)),
    Lever("cross_party_ownership", "bool", False, "the policy is owned across parties",
          "no lever reverts at a change of government", provenance="FACTS.md s4",
          label="Cross-party ownership of policy",
          cost=Cost("none", reason="not priced: agreement across parties is political commitment, not a budget "
                                   "line; the policies it keeps are priced each month they run"),
          acts_in=("institutions.py",)),
)

LEVERS_BY_NAME: Mapping[str, Lever] = MappingProxyType({lever.name: lever for lever in LEVERS})


class LeverError(ValueError):
    """An unknown lever or an inadmissible value."""


def check_value(lever: Lever, value: Any) -> Any:
    """Return ``value`` converted to the lever's type, or raise :class:`LeverError` saying what is valid."""
    if lever.kind == "choice":
        if value not in lever.choices:
            raise LeverError(f"'{lever.name}' must be one of {', '.join(lever.choices)}; got {value!r}")
        return value
    if lever.kind == "bool":
        if not isinstance(value, bool):
            raise LeverError(f"'{lever.name}' must be true or false; got {value!r}")
        return value
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise LeverError(f"'{lever.name}' must be a number; got {value!r}")
    if lever.kind == "int" and value != int(value):
        raise LeverError(f"'{lever.name}' must be a whole number; got {value!r}")
    if not lever.low <= value <= lever.high:
        raise LeverError(f"'{lever.name}' = {value} is outside the valid range [{lever.low}, {lever.high}]")
    return int(value) if lever.kind == "int" else float(value)


class Policy:
    """The value of every lever, read by the model each month.

    Args:
        **values: lever values overriding the status quo.

    Raises:
        LeverError: for an unknown lever or an inadmissible value.
    """

    __slots__ = ("_values",)

    def __init__(self, **values: Any) -> None:
        object.__setattr__(self, "_values", {lever.name: lever.default for lever in LEVERS})
        for name, value in values.items():
            self.set(name, value)

    def set(self, name: str, value: Any) -> None:
        """Set one lever, checking its value."""
        lever = LEVERS_BY_NAME.get(name)
        if lever is None:
            raise LeverError(f"unknown lever '{name}'")
        self._values[name] = check_value(lever, value)

    def __getattr__(self, name: str) -> Any:
        try:
            return self._values[name]
        except KeyError:
            raise AttributeError(name) from None

    def __setattr__(self, name: str, value: Any) -> None:
        self.set(name, value)

    def as_dict(self) -> dict[str, Any]:
        """Return a copy of all lever values."""
        return dict(self._values)

    def copy(self) -> Policy:
        """Return an independent copy."""
        return Policy(**self._values)

    def __reduce__(self) -> tuple[Any, ...]:
        return (_policy_from_values, (dict(self._values),))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Policy) and self._values == other._values

    def __repr__(self) -> str:
        changed = {k: v for k, v in self._values.items() if v != LEVERS_BY_NAME[k].default}
        return f"Policy({', '.join(f'{k}={v!r}' for k, v in changed.items())})"


def _policy_from_values(values: dict[str, Any]) -> Policy:
    return Policy(**values)
