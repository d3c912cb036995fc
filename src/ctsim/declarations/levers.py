"""Policy levers: the scenario file's vocabulary, each declared once.

A lever is a policy choice (EMA Workbench's word): who leads counterterrorism, how much is spent on schooling, where
NACTA sits. Each :class:`Lever` says its type, bounds or choices, default (the status quo of early 2024), unit,
meaning, the mechanism through which it acts on the model, the lag of that mechanism and the provenance of its
effect size. :class:`Policy` holds one value per lever and is what the model reads every month.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any


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

    def __post_init__(self) -> None:
        if not self.label:
            raise ValueError(f"lever {self.name}: a plain label is required")


LEVERS: tuple[Lever, ...] = (
    Lever("ct_lead", "choice", "military", "who leads counterterrorism operations",
          "sets how many military formations deploy and where, and how much weight police carry; "
          "changes of lead are phased in over handover_months",
          choices=("military", "rangers", "police"),
          provenance="FACTS.md s4: police first line, then Rangers/FC, military only where civil authority "
                     "lacks access; effect sizes are assumptions",
          label="Lead agency for counterterrorism"),
    Lever("handover_months", "int", 24, "pace of a change of ct_lead (about two thirds done after this many months)",
          "time constant of the exponential shift of deployment from the old lead to the new", unit="months",
          low=1, high=120,
          label="Handover period to a new lead"),
    Lever("military_formations", "int", 10, "brigade-sized military formations committed to internal security",
          "caps the formations the lead can deploy (the lead deploys a share of them, see forces.py)",
          unit="formations", low=0, high=40,
          provenance="assumption: no strength figure in FACTS.md; 10 brigades of formation_strength",
          label="Military formations on internal security"),
    Lever("police_capacity", "float", 0.0, "investment in police counterterrorism capacity (0 none, 1 full)",
          "raises police CT weight (up to x3) and improves police conduct, lifting legitimacy",
          unit="share of full programme", low=0.0, high=1.0, lag_months=24,
          label="Police counterterrorism capacity"),
    Lever("prosecution_capacity", "float", 1.0, "prosecution capacity relative to the status quo",
          "multiplies terrorism cases decided per month in the justice pipeline",
          unit="multiple of status quo", low=0.25, high=10.0, lag_months=12,
          provenance="FACTS.md s4: 11 prosecutors for 5,400 arrests (a bottleneck); size is an assumption",
          label="Prosecution capacity"),
    Lever("nacta_placement", "choice", "interior_ministry", "where NACTA sits",
          "sets the inter-agency coordination index that multiplies detection",
          choices=("interior_ministry", "pm_office"), lag_months=12,
          provenance="FACTS.md s4 (ISI and IB do not heed an Interior-Ministry NACTA); size an assumption",
          label="Where NACTA sits"),
    Lever("central_ctd", "bool", False, "a central CTD for inter-provincial and cross-border cases",
          "adds to the coordination index", lag_months=18, provenance="FACTS.md s4 proposal; size assumed",
          label="Central Counter Terrorism Department"),
    Lever("madrasa_reform", "float", 0.0, "share of boarding seminaries reformed",
          "removes up to 80% of the away-from-family risk for youth in seminaries (away with a religious link)",
          unit="share", low=0.0, high=1.0, lag_months=36,
          provenance="FACTS.md s3: only 16% of recruits had a religious link, so the reach is limited",
          label="Madrasa (seminary) reform"),
    Lever("education_investment", "float", 0.0, "investment in schooling (0 none, 1 full)",
          "cuts the out-of-school share by up to half and raises administrative capacity a little",
          unit="share of full programme", low=0.0, high=1.0, lag_months=60,
          provenance="FACTS.md s3 (education keeps GB and AJK quiet); size an assumption",
          label="Investment in schooling"),
    Lever("development", "float", 0.0, "poverty reduction and development spending (0 none, 1 full)",
          "cuts the poor share by up to 30% and lifts legitimacy; merged districts first if chosen",
          unit="share of full programme", low=0.0, high=1.0, lag_months=60,
          provenance="FACTS.md s3: poverty is the common denominator; size an assumption",
          label="Development and poverty reduction"),
    Lever("development_merged_first", "bool", True, "development reaches the merged districts first",
          "merged districts get the full programme, others half", provenance="FACTS.md s4 recommendation",
          label="Development in the merged districts first"),
    Lever("counter_narrative", "float", 0.2, "strength of the state's counter-narrative (0-1)",
          "lowers the radicalisation hazard by strength x the kind's effect",
          unit="share", low=0.0, high=1.0, lag_months=12,
          provenance="status quo: Paigham-e-Pakistan (FACTS.md s4); sizes assumed",
          label="Strength of the counter-narrative"),
    Lever("narrative_kind", "choice", "religious", "kind of counter-narrative",
          "religious (tit-for-tat) reaches 10% of the hazard; socio_economic (merit, justice) 30%",
          choices=("religious", "socio_economic"),
          provenance="FACTS.md s4 recommends a socio-economic narrative; sizes are assumptions",
          label="Kind of counter-narrative"),
    Lever("deradicalisation", "float", 0.0, "deradicalisation and reintegration programmes (0-1)",
          "raises exit from the sympathiser pool and from cells, lowers the return rate of released militants",
          unit="share", low=0.0, high=1.0, lag_months=12,
          provenance="FACTS.md s4 (Sri Lanka, Italy; Azm-e-Istehkam has no reintegration plan); size assumed",
          label="Deradicalisation and reintegration"),
    Lever("border_management", "float", 0.2, "border management and Afghan cooperation (0-1)",
          "lowers the chance that pressed cells reach sanctuary and cross-border supplies",
          unit="share", low=0.0, high=1.0, lag_months=12, provenance="FACTS.md s4; size assumed",
          label="Border management and Afghan cooperation"),
    Lever("kinetic_intensity", "float", 0.5, "tempo and force of operations (0-1)",
          "scales detection tempo, the killed share and collateral harm (x (0.5 + level))",
          unit="share", low=0.0, high=1.0, provenance="Bennett 2008 (effectiveness vs accuracy); assumed",
          label="Tempo of kinetic operations"),
    Lever("hvt_protection", "float", 0.3, "protection of high-value targets such as CPEC sites (0-1)",
          "cuts deaths and injuries in attacks on high-value targets by up to 70%",
          unit="share", low=0.0, high=1.0, lag_months=6, provenance="FACTS.md s4 (Azm-e-Istehkam); assumed",
          label="Protection of high-value targets"),
    Lever("dialogue", "float", 0.0, "dialogue with non-violent movements (0-1)",
          "raises legitimacy in Balochistan and the merged districts",
          unit="share", low=0.0, high=1.0, lag_months=12, provenance="assumption",
          label="Dialogue with non-violent movements"),
    Lever("political_continuity", "float", 0.3, "chance a policy survives a change of government",
          "at each transition every lever that differs from the status quo reverts with 1 - continuity",
          unit="probability", low=0.0, high=1.0,
          provenance="FACTS.md s4: four policies in ten years, each shelved by the next government",
          label="Political continuity of policy"),
    Lever("cross_party_ownership", "bool", False, "the policy is owned across parties",
          "no lever reverts at a change of government", provenance="FACTS.md s4",
          label="Cross-party ownership of policy"),
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
