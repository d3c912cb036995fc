"""Plain words for scenario discovery: what each uncertainty is called, how a box reads, and the sentence a policy
officer reads ("it fails when ...: 80% of the failures, 70% of the cases in that box").

Levers carry their plain label in their declaration (:class:`ctsim.declarations.levers.Lever`); parameters do not
yet, so the uncertainties a discovery batch varies are named here, once, with the unit their declaration gives
(a test checks that every declared uncertainty has a name here, so a new one cannot slip through unnamed).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from ctsim.declarations.levers import LEVERS_BY_NAME
from ctsim.declarations.outputs import OUTPUTS_BY_NAME
from ctsim.declarations.parameters import PARAMETERS_BY_NAME

# Plain names of the registry's uncertainties (ctsim.declarations.registry.uncertainties()); units come from the
# declarations.
LABELS: dict[str, str] = {
    "base_radicalisation_rate": "the base rate of radicalisation",
    "rr_middle_band": "the radicalisation risk of middle-income youth relative to the poor",
    "rr_out_of_school": "the extra radicalisation risk of youth out of school",
    "grievance_weight": "how strongly grievance drives radicalisation",
    "admin_protective_effect": "how strongly good administration protects against radicalisation",
    "exposure_neighbour_weight": "how much militants next door expose a district's youth",
    "historical_support_exponent": "how local support at the start follows the 2011 pattern of violence",
    "sympathy_floor": "the sympathy militants find where they have no history",
    "support_months": "the time militants' local support takes to build or fade",
    "support_scale_militants": "the militant presence at which local support builds",
    "support_fear_effect": "how much militants' own killing erodes their local support",
    "sympathiser_exit_rate": "the rate at which sympathisers drift away",
    "recruit_reach": "the share of sympathisers cells recruit",
    "safe_space_capacity": "the militants a district can hide, feed and lead",
    "initial_active_militants": "the active militants at the start",
    "cell_consolidation_size": "the size up to which small cells merge",
    "split_stay_share": "the share of split cells that stay in their district",
    "disengagement_rate": "the rate at which members leave militancy on their own",
    "sanctuary_strength": "the strength of the Afghan sanctuary",
    "cross_border_inflow": "the fighters arriving from Afghanistan",
    "sanctuary_return_rate": "the rate at which cells in the Afghan sanctuary come back across the border",
    "afghan_sanctuary_before_kabul": "how open the Afghan sanctuary was before Kabul fell",
    "afghan_sanctuary_buildup_months": "how long the Afghan sanctuary took to open after Kabul fell",
    "initial_karachi_share_of_sindh": "the share of Sindh's militants of 2012 who were in Karachi",
    "stronghold_haven": "what the tribal strongholds gave militants before operations reached them",
    "resource_income_per_member": "militants' income (extortion, donations, supplies)",
    "neighbour_attack_share": "the share of attacks carried out in a neighbouring district",
    "detection_rate": "the rate at which forces find cells",
    "effect_police_capacity_ct_gain": "the gain in police counterterrorism strength from full capacity building",
    "police_ct_weight": "the counterterrorism strength of an ordinary police officer",
    "ctd_ct_weight": "the counterterrorism strength of a CTD officer",
    "punjab_rangers_strength": "the strength of the Punjab Rangers",
    "community_intelligence_weight": "the intelligence police gain from trusting communities",
    "hit_fraction": "the share of a cell's members taken out when it is hit",
    "hit_resource_loss": "the share of a cell's arms, funds and leaders lost when it is hit",
    "effect_karachi_operation_detection": "how much the Karachi operation raises the chance of finding a cell there",
    "stronghold_detection_factor":
        "the chance of finding a cell in the tribal strongholds before operations reached them",
    "search_harm_rate": "the harm searches do to bystanders",
    "effect_development_poverty_cut": "how much full development cuts poverty",
    "effect_development_legitimacy": "how much service delivery lifts legitimacy",
    "effect_education_out_of_school_cut": "how much full education investment cuts the out-of-school share",
    "effect_education_away_cut": "how much day schools near home cut the youth living away from family",
    "effect_education_admin_gain": "how much education builds administrative capacity",
    "effect_madrasa_seminary_risk_cut": "how much full madrasa reform removes the extra risk of boarding seminaries",
    "effect_narrative_religious": "the reach of a religious counter-narrative",
    "effect_narrative_socio_economic": "the reach of a socio-economic counter-narrative",
    "rehabilitation_places_per_year": "the places in rehabilitation centres",
    "rehabilitation_relapse": "the share of rehabilitated militants who relapse",
    "surrender_rate_full": "the rate at which militants accept a surrender offer",
    "effect_border_sanctuary_cut": "how much full border management cuts the sanctuary",
    "effect_hvt_lethality_cut": "how much protection cuts deaths in attacks on high-value targets",
    "effect_dialogue_legitimacy": "how much dialogue lifts legitimacy",
    "poverty_trend_per_year": "the yearly drift in poverty",
    "development_merged_reach_multiple": "the extra reach of development in the merged districts when they go first",
    "prosecution_capacity_cases": "the terrorism cases decided a month",
    "conviction_rate": "the share of decided cases that convict",
    "return_rate_released": "the share of released militants who return to a cell",
    "lead_rangers_military_deployment": "the share of military formations deployed under a Rangers lead",
    "lead_police_military_deployment": "the share of military formations deployed under a police lead",
    "lead_rangers_police_weight": "the police's gain in strength beside a Rangers lead",
    "lead_police_police_weight": "the police's gain in strength when they lead",
    "lead_rangers_paramilitary_release": "the border strength a Rangers lead moves to internal duty",
    "lead_police_paramilitary_release": "the border strength that backs a police lead",
    "legitimacy_detention_effect": "the legitimacy lost per person held without trial",
    "harm_memory_months": "how long bystander harm is remembered",
    "harm_radicalisation_weight": "how much remembered bystander harm drives radicalisation",
    "militant_adaptation": "how much militants adapt to sustained operations",
    "room_denial": "how much room for cells operations above the usual tempo deny",
    "room_denial_months": "how many months the room operations deny takes to build and to fade",
    "border_dormancy": "how much more often cells lie low when the border is managed",
    "cost_weight_police": "the monthly cost of a police officer",
    "cost_weight_paramilitary": "the monthly cost of a Rangers or Frontier Corps member",
    "cost_weight_military": "the monthly cost of a deployed soldier",
    "cost_kinetic_full_tempo": "the monthly cost of operations at full tempo",
    "cost_nacta_pm_office": "the monthly cost of NACTA in the Prime Minister's Office",
    "cost_central_ctd": "the monthly cost of a central CTD",
    "cost_police_capacity_full": "the monthly cost of full police capacity building",
    "cost_prosecution_per_multiple": "the monthly cost of each multiple of prosecution capacity",
    "cost_madrasa_reform_full": "the monthly cost of full madrasa reform",
    "cost_education_full": "the monthly cost of full education investment",
    "cost_development_full": "the monthly cost of full development",
    "cost_counter_narrative_full": "the monthly cost of a full counter-narrative",
    "cost_deradicalisation_full": "the monthly cost of full deradicalisation",
    "cost_border_management_full": "the monthly cost of full border management",
    "cost_hvt_protection_full": "the monthly cost of full protection of high-value targets",
    "cost_dialogue_full": "the monthly cost of full dialogue",
}


def label(name: str) -> str:
    """A factor's plain name: a lever's declared label, an uncertainty's name here (never the code name if either
    exists)."""
    if name in LEVERS_BY_NAME:
        return LEVERS_BY_NAME[name].label[0].lower() + LEVERS_BY_NAME[name].label[1:]
    return LABELS.get(name, name.replace("_", " "))


def unit(name: str) -> str:
    """A factor's unit, from its declaration ('' for a choice or true/false lever)."""
    if name in LEVERS_BY_NAME:
        lever = LEVERS_BY_NAME[name]
        return "" if lever.kind in ("choice", "bool") else lever.unit
    spec = PARAMETERS_BY_NAME.get(name)
    return spec.unit if spec else ""


def number(value: float) -> str:
    """A bound as people read it: two or three significant figures, no exponent (``0.000013``, ``0.55``,
    ``6,200``)."""
    if value == 0 or not math.isfinite(value):
        return f"{value:g}"
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    digits = 3 if abs(value) >= 1 else 2
    return np.format_float_positional(value, precision=digits, unique=True, fractional=False, trim="-")


def value_words(name: str, value: Any) -> str:
    """A lever's level in words (its choice label), or a number."""
    lever = LEVERS_BY_NAME.get(name)
    if lever is not None and lever.kind == "choice":
        return lever.choice_labels.get(value, str(value))
    if isinstance(value, bool | np.bool_):
        return "yes" if value else "no"
    return number(float(value))


def restriction_words(name: str, low: float | None, high: float | None, levels: Sequence[Any] | None) -> str:
    """One restriction of a box: ``the strength of the Afghan sanctuary is above 0.55 (share)``."""
    what = label(name)
    if levels is not None:
        return f"{what} is {' or '.join(value_words(name, v) for v in levels)}"
    measure = unit(name)
    suffix = f" ({measure})" if measure else ""
    if low is not None and high is not None:
        return f"{what} is between {number(low)} and {number(high)}{suffix}"
    if low is not None:
        return f"{what} is above {number(low)}{suffix}"
    if high is not None:
        return f"{what} is below {number(high)}{suffix}"
    return f"{what} is anywhere in its range"


def outcome_words(outcome: str) -> tuple[str, str]:
    """The outcome as a noun (``attacks``) and the verb of doing better on it (``cut`` or ``raise``)."""
    declared = OUTPUTS_BY_NAME[outcome]
    noun = declared.noun or declared.label[0].lower() + declared.label[1:]
    return noun, ("raise" if declared.better == "higher" else "cut")


def percent(share: float) -> str:
    """A share as a whole percentage (``0.8`` -> ``80%``)."""
    return f"{100 * share:.0f}%"


def box_sentence(restrictions: Sequence[str], coverage: float, density: float) -> str:
    """``it fails when A and B: 80% of the failures, 70% of the cases in that box``."""
    joined = restrictions[0] if len(restrictions) == 1 else ", ".join(restrictions[:-1]) + " and " + restrictions[-1]
    return (f"it fails when {joined}: {percent(coverage)} of the failures are in that box, and "
            f"{percent(density)} of the cases in that box fail")


def closest_sentence(restrictions: Sequence[str], coverage: float, density: float, rate: float) -> str:
    """A box that does not concentrate failures enough: ``when A, it fails in 52% of the cases (against 40% overall),
    which holds 78% of the failures``."""
    joined = restrictions[0] if len(restrictions) == 1 else ", ".join(restrictions[:-1]) + " and " + restrictions[-1]
    return (f"when {joined}, it fails in {percent(density)} of the cases (against {percent(rate)} overall), which "
            f"hold {percent(coverage)} of the failures")
