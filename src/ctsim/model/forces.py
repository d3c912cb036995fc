"""Security forces: paramilitary wings, provincial CTDs, military formations and the monthly deployment that
follows the CT lead.

Police are fixed to their district (:class:`ctsim.model.places.Police`). Each province's Counter Terrorism
Department spreads its specialists over the province's districts by threat; they count as police with their own CT
weight. Rangers and Frontier Corps wings spread the part of their strength not held on the border over the districts
of their area, weighted by threat. Military
formations are brigade-sized Mesa agents that move to the most threatened districts they may enter. Who leads
counterterrorism (the ``ct_lead`` lever) sets how many formations deploy, where they may go, and how much weight
police carry; a change of lead is phased in over ``handover_months``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from mesa import Agent
from mesa.discrete_space import CellAgent

from ctsim.declarations.levers import LEVERS_BY_NAME
from ctsim.declarations.parameters import CTD_BY_PROVINCE, PARAMILITARY_WINGS, WingSpec

if TYPE_CHECKING:
    from ctsim.model.core import CTModel

# The possible leads and what each sets come from the ct_lead declaration (ctsim.declarations.levers), so a new lead
# is one declaration there.
_CT_LEAD = LEVERS_BY_NAME["ct_lead"]
LEADS = _CT_LEAD.choices
MILITARY_DEPLOYMENT_BY_LEAD = np.array([_CT_LEAD.setting(lead, "military_deployment") for lead in LEADS])
POLICE_WEIGHT_BY_LEAD = np.array([_CT_LEAD.setting(lead, "police_weight") for lead in LEADS])
PARAMILITARY_RELEASE_BY_LEAD = np.array([_CT_LEAD.setting(lead, "paramilitary_release") for lead in LEADS])
MILITARY_REGIONS = {lead: _CT_LEAD.setting(lead, "military_regions") for lead in LEADS}


def spread_by_threat(threat: np.ndarray, area: np.ndarray, personnel: float, out: np.ndarray) -> None:
    """Add ``personnel`` to ``out`` over the districts of ``area`` in proportion to threat, with a small floor so
    that quiet districts keep a presence."""
    local = threat[area]
    weights = local + 0.05 * (local.sum() / local.size) + 1e-9  # sum / size: the mean, bit for bit, but cheaper
    out[area] += personnel * weights / weights.sum()


class CounterTerrorismDepartment(Agent):
    """A provincial Counter Terrorism Department: police CT specialists deployed over the province by threat.

    Attributes:
        name: the department's name.
        strength: personnel (FACTS.md s5.3; see :data:`ctsim.declarations.parameters.CTD_BY_PROVINCE`).
        area: indices of the districts it serves.
        deployment: personnel per district this month (length: all districts).
    """

    def __init__(self, model: CTModel, name: str, strength: float, regions: tuple[str, ...]) -> None:
        super().__init__(model)
        self.name = name
        self.strength = float(strength)
        self.area = np.flatnonzero(np.isin(model.region_names, regions))
        self.deployment = np.zeros(model.n_districts)

    def deploy(self, threat: np.ndarray) -> None:
        """Spread the department over its province by threat."""
        self.deployment[:] = 0.0
        spread_by_threat(threat, self.area, self.strength, self.deployment)


class ParamilitaryWing(Agent):
    """A Rangers or Frontier Corps wing deployable across the districts of its area.

    Attributes:
        name: the wing's name.
        strength: personnel (FACTS.md s2; see :data:`ctsim.declarations.parameters.PARAMILITARY_WINGS`).
        area: indices of the districts where it may operate.
        border_area: indices of the area's districts on an international border (none for a wing without border
            duty, such as the Frontier Constabulary).
        deployment: personnel per district this month (length: all districts).
    """

    def __init__(self, model: CTModel, spec: WingSpec) -> None:
        super().__init__(model)
        self.name = spec.name
        self.strength = spec.personnel(model.p)
        self.area = np.flatnonzero(np.isin(model.region_names, spec.regions))
        on_border = np.isin(model.border_names[self.area], ("afghanistan", "iran", "india_loc"))
        self.border_area = self.area[on_border] if spec.border_duty else self.area[:0]
        self.deployment = np.zeros(model.n_districts)

    def deploy(self, threat: np.ndarray, border_share: float) -> None:
        """Hold ``border_share`` of strength on the border, spread the rest over the area by threat."""
        self.deployment[:] = 0.0
        internal = self.strength * (1.0 - border_share) if len(self.border_area) else self.strength
        spread_by_threat(threat, self.area, internal, self.deployment)
        if len(self.border_area):
            self.deployment[self.border_area] += self.strength * border_share / len(self.border_area)


class MilitaryFormation(CellAgent):
    """A brigade-sized military formation; in a district's cell when deployed, in barracks (no cell) otherwise.

    Attributes:
        strength: soldiers.
    """

    def __init__(self, model: CTModel, strength: float) -> None:
        super().__init__(model)
        self.strength = float(strength)

    @property
    def district_index(self) -> int | None:
        """Index of the district it is deployed to, or None in barracks."""
        return None if self.cell is None else self.cell.coordinate

    def deploy_to(self, district_index: int | None) -> None:
        """Move to a district's cell, or back to barracks with None."""
        if district_index is None:
            if self.cell is not None:
                self.cell = None
        elif self.district_index != district_index:
            self.move_to(self.model.grid[district_index])


class Forces:
    """The deployment of all forces, recomputed each month from the lead, the levers and the threat.

    Attributes:
        lead_weights: phase-in weights of the possible leads (``LEADS``, in the declaration's order), summing to 1.
        police_weight: effective CT strength per police officer this month.
        strength: personnel by district and force type, shape (districts, 3): police (CTDs included),
            paramilitary, military.
        ctd: CTD specialists by district this month.
        effective: effective CT strength by district and force type.
    """

    def __init__(self, model: CTModel, police_by_district: np.ndarray) -> None:
        self.model = model
        self.police = police_by_district.astype(float).copy()
        self.wings = [ParamilitaryWing(model, spec) for spec in PARAMILITARY_WINGS]
        p = model.p
        self.ctds = [CounterTerrorismDepartment(model, name, p[param], regions)
                     for name, (param, regions) in CTD_BY_PROVINCE.items()]
        self.ctd = np.zeros(model.n_districts)
        # CTD staff are part of the provinces' police strength (FACTS.md s2 counts all police): take them out of
        # the district police, by population, so that redeploying them by threat moves people rather than adds them.
        for ctd in self.ctds:
            share = model.population[ctd.area] / model.population[ctd.area].sum()
            self.police[ctd.area] = np.maximum(self.police[ctd.area] - ctd.strength * share, 0.0)
        # Formations exist up to the lever's maximum; the lever caps how many may deploy each month.
        self.formations = [MilitaryFormation(model, p["formation_strength"])
                           for _ in range(int(LEVERS_BY_NAME["military_formations"].high))]
        self.lead_weights = np.eye(len(LEADS))[LEADS.index(model.status_quo.ct_lead)]
        self.police_weight = p["police_ct_weight"]
        self.strength = np.zeros((model.n_districts, 3))
        self.effective = np.zeros((model.n_districts, 3))
        self._allowed = [np.flatnonzero(np.isin(model.region_names, MILITARY_REGIONS[lead])) for lead in LEADS]

    def deploy(self, threat: np.ndarray, advance_lead: bool = True) -> None:
        """Phase the lead toward the policy's choice (unless ``advance_lead`` is False, as at set-up) and deploy
        every force for this month."""
        model, p, policy = self.model, self.model.p, self.model.policy
        if advance_lead:
            target = np.eye(len(LEADS))[LEADS.index(policy.ct_lead)]
            self.lead_weights += (target - self.lead_weights) / policy.handover_months
        w = self.lead_weights
        capacity = model.programmes.level("police_capacity")
        self.police_weight = (p["police_ct_weight"] * (1.0 + p["effect_police_capacity_ct_gain"] * capacity)
                              * float(w @ POLICE_WEIGHT_BY_LEAD))

        border_share = p["paramilitary_border_share"] * (1.0 - float(w @ PARAMILITARY_RELEASE_BY_LEAD))
        paramilitary = np.zeros(model.n_districts)
        for wing in self.wings:
            wing.deploy(threat, border_share)
            paramilitary += wing.deployment

        self.ctd[:] = 0.0
        for ctd in self.ctds:
            ctd.deploy(threat)
            self.ctd += ctd.deployment

        military = np.zeros(model.n_districts)
        n_deployed = int(round(policy.military_formations * float(w @ MILITARY_DEPLOYMENT_BY_LEAD)))
        allowed = self._allowed[int(np.argmax(w))]
        # Most threatened first; ties by district order, so deployment is deterministic.
        ranked = allowed[np.lexsort((allowed, -threat[allowed]))]
        for k, formation in enumerate(self.formations):
            if k < n_deployed and len(ranked):
                target_district = int(ranked[k % len(ranked)])
                formation.deploy_to(target_district)
                military[target_district] += formation.strength
            else:
                formation.deploy_to(None)

        # CTD specialists are police: they count in the police column, at their own CT weight.
        self.strength[:, 0] = self.police + self.ctd
        self.strength[:, 1] = paramilitary
        self.strength[:, 2] = military
        self.effective[:] = self.strength * np.array(
            [self.police_weight, p["paramilitary_ct_weight"], p["military_ct_weight"]])
        self.effective[:, 0] += self.ctd * (p["ctd_ct_weight"] - self.police_weight)

    def monthly_cost(self) -> float:
        """Personnel cost index this month (police-equivalents): every police officer (CTDs included) and wing
        member, and the soldiers of deployed formations."""
        p = self.model.p
        totals = self.strength.sum(axis=0)
        paramilitary_total = sum(w.strength for w in self.wings)
        return float(totals[0] * p["cost_weight_police"] + paramilitary_total * p["cost_weight_paramilitary"]
                     + totals[2] * p["cost_weight_military"])
