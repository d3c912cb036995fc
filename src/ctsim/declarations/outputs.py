"""Model outputs, each declared once: name, unit, meaning, how a run is summarised, whether it is reported by region,
and whether lower or higher is better.

The model fills them every month (:mod:`ctsim.model.recording`); experiments, comparisons, sensitivity studies,
the docs, the dashboard and the policy brief all read these declarations.
"""

from __future__ import annotations

from dataclasses import dataclass

from ctsim.data import REGION_KEYS


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
    """

    name: str
    unit: str
    meaning: str
    summary: str = "sum"
    regional: bool = False
    better: str = ""

    def __post_init__(self) -> None:
        if self.better not in ("lower", "higher", ""):
            raise ValueError(f"output {self.name}: better must be 'lower', 'higher' or ''")


OUTPUTS: tuple[Output, ...] = (
    Output(
        "attacks", "attacks", "militant attacks (PICSS definition: attacks by militants)", regional=True, better="lower"
    ),
    Output("deaths", "persons", "people killed in attacks", regional=True, better="lower"),
    Output("injuries", "persons", "people injured in attacks", regional=True, better="lower"),
    Output("attacks_on_security_forces", "attacks", "attacks on police, FC, Rangers and military", better="lower"),
    Output("attacks_on_civilians", "attacks", "attacks on civilians", better="lower"),
    Output("attacks_on_state_institutions", "attacks", "attacks on officials, offices, politicians", better="lower"),
    Output(
        "attacks_on_high_value", "attacks", "attacks on high-value targets (CPEC, foreign nationals)", better="lower"
    ),
    Output("deaths_security_forces", "persons", "deaths in attacks on security forces", better="lower"),
    Output("deaths_civilians", "persons", "deaths in attacks on civilians", better="lower"),
    Output("deaths_state_institutions", "persons", "deaths in attacks on state institutions", better="lower"),
    Output("deaths_high_value", "persons", "deaths in attacks on high-value targets", better="lower"),
    Output("injuries_security_forces", "persons", "injuries in attacks on security forces", better="lower"),
    Output("injuries_civilians", "persons", "injuries in attacks on civilians", better="lower"),
    Output("injuries_state_institutions", "persons", "injuries in attacks on state institutions", better="lower"),
    Output("injuries_high_value", "persons", "injuries in attacks on high-value targets", better="lower"),
    Output("new_radicals", "persons", "youth entering the sympathiser pool", regional=True, better="lower"),
    Output("sympathisers", "persons", "sympathiser pool at month end", summary="last", better="lower"),
    Output("recruits", "persons", "sympathisers recruited into cells (incl. new cells)", regional=True, better="lower"),
    Output("recruits_poor", "persons", "recruits from the poor band", better="lower"),
    Output("recruits_affluent", "persons", "recruits from the affluent band", better="lower"),
    Output("recruits_away_from_family", "persons", "recruits living away from family", better="lower"),
    Output("recruits_out_of_school", "persons", "recruits out of school", better="lower"),
    Output("recruits_religious_link", "persons", "recruits with a religious-school link", better="lower"),
    Output(
        "active_militants",
        "persons",
        "members of all cells at month end",
        summary="last",
        regional=True,
        better="lower",
    ),
    Output("cells", "cells", "militant cells at month end", summary="last", better="lower"),
    Output("arrivals", "persons", "fighters from sanctuary in Afghanistan who joined TTP-aligned cells",
           better="lower"),
    Output("dormant_cells", "cells", "dormant cells at month end", summary="last"),
    Output("cells_in_sanctuary", "cells", "cells across the border at month end", summary="last"),
    Output("militants_killed", "persons", "militants killed in operations"),
    Output("arrests", "persons", "militants arrested"),
    Output("prosecutions", "cases", "cases decided by the courts"),
    Output("convictions", "persons", "convictions"),
    Output("releases", "persons", "acquitted or released without trial"),
    Output("released_untried", "persons", "released because the pre-trial limit ran out"),
    Output("returned_to_militancy", "persons", "released or surrendered persons who rejoined a cell", better="lower"),
    Output("deradicalised", "persons", "members who left cells (on their own or by surrender into a programme)"),
    Output("rehabilitated", "persons", "persons through a deradicalisation programme (released from custody or "
           "surrendered from a cell)"),
    Output(
        "detained_without_trial", "persons", "persons held awaiting trial at month end", summary="last", better="lower"
    ),
    Output("collateral_casualties", "persons", "bystanders harmed in operations", better="lower"),
    Output(
        "legitimacy",
        "index 0-1",
        "state legitimacy, population-weighted mean",
        summary="last",
        regional=True,
        better="higher",
    ),
    Output(
        "militant_support",
        "index 0-1",
        "militants' local support (safe space, sympathy), population-weighted mean",
        summary="last",
        regional=True,
        better="lower",
    ),
    Output("fear", "index", "fear, population-weighted mean", summary="mean", regional=True, better="lower"),
    Output(
        "operations_police",
        "operations",
        "successful operations credited to police (by their share of the district's effective strength)",
    ),
    Output("operations_paramilitary", "operations", "same for Rangers and FC"),
    Output("operations_military", "operations", "same for the military"),
    Output("deployed_formations", "formations", "military formations deployed", summary="mean"),
    Output("triggers_fired", "triggers", "scenario trigger rules that fired this month (ctsim.scenarios.triggers)"),
    Output(
        "cost", "police-equivalent personnel-months", "cost index: security personnel and programmes", better="lower"
    ),
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
