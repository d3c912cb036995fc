"""Security forces: paramilitary wings, provincial CTDs, military formations, and the monthly deployment that follows
the CT lead.

Police are fixed to their district (:class:`ctsim.model.places.Police`). Each province's Counter Terrorism
Department spreads its specialists over the province's districts by threat; they count as police with their own CT
weight. Rangers and Frontier Corps wings spread the part of their strength not held on the border over the districts
of their area, weighted by threat. Military formations are brigade-sized Mesa agents that move to the most
threatened districts they may enter. Who leads counterterrorism (the ``ct_lead`` lever) sets how many formations
deploy, where they may go, and how much weight police carry; a change of lead is phased in over ``handover_months``.

The deployment itself is one kernel over every unit (:func:`deploy_units`); the agents are views of its result.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from mesa import Agent
from mesa.discrete_space import CellAgent

from ctsim.compiling import kernel
from ctsim.declarations.levers import LEVERS_BY_NAME
from ctsim.declarations.parameters import CTD_BY_PROVINCE, PARAMILITARY_WINGS, WingSpec

if TYPE_CHECKING:
    from ctsim.model.core import CTModel
    from ctsim.model.state import State

# The possible leads and what each sets come from the ct_lead declaration (ctsim.declarations.levers), so a new lead
# is one declaration there.
_CT_LEAD = LEVERS_BY_NAME["ct_lead"]
LEADS = _CT_LEAD.choices
MILITARY_REGIONS = {lead: _CT_LEAD.setting(lead, "military_regions") for lead in LEADS}


def lead_settings(p, name: str) -> np.ndarray:
    """What each lead sets for ``name`` (``military_deployment``, ``police_weight`` or ``paramilitary_release``),
    in ``LEADS`` order: the declared value, or the value of the parameter the declaration names."""
    values = (_CT_LEAD.setting(lead, name) for lead in LEADS)
    return np.array([p[v] if isinstance(v, str) else v for v in values], dtype=float)
# Formations exist up to the lever's maximum; the lever caps how many may deploy each month.
MAX_FORMATIONS = int(LEVERS_BY_NAME["military_formations"].high)
INTERNATIONAL_BORDERS = ("afghanistan", "iran", "india_loc")


class CounterTerrorismDepartment(Agent):
    """A provincial Counter Terrorism Department: police CT specialists deployed over the province by threat.

    Attributes:
        name: the department's name.
        strength: personnel (FACTS.md s5.3; see :data:`ctsim.declarations.parameters.CTD_BY_PROVINCE`).
        area: indices of the districts it serves.
    """

    def __init__(self, model: CTModel, unit: int, name: str, strength: float, area: np.ndarray) -> None:
        super().__init__(model)
        self.unit, self.name, self.strength, self.area = unit, name, float(strength), area

    @property
    def deployment(self) -> np.ndarray:
        """Personnel per district this month (length: all districts)."""
        return self.model.forces.unit_deployment[self.unit]


class ParamilitaryWing(Agent):
    """A Rangers or Frontier Corps wing deployable across the districts of its area.

    Attributes:
        name: the wing's name.
        strength: personnel (FACTS.md s2; see :data:`ctsim.declarations.parameters.PARAMILITARY_WINGS`).
        area: indices of the districts where it may operate.
        border_area: indices of the area's districts on an international border (none for a wing without border
            duty, such as the Frontier Constabulary).
    """

    def __init__(self, model: CTModel, unit: int, spec: WingSpec, area: np.ndarray, border_area: np.ndarray) -> None:
        super().__init__(model)
        self.unit, self.name, self.strength = unit, spec.name, spec.personnel(model.p)
        self.area, self.border_area = area, border_area

    @property
    def deployment(self) -> np.ndarray:
        """Personnel per district this month (length: all districts)."""
        return self.model.forces.unit_deployment[self.unit]


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


class Forces:
    """The forces and where they stand: the units (wings and CTDs, as areas and strengths), the formations, and the
    fixed police of each district. Where they deploy each month is state (``strength``, ``effective``, ``ctd``,
    ``formation_district`` in :mod:`ctsim.model.state`), written by operations through :meth:`deploy`.

    Attributes:
        police: police officers by district, CTD staff excluded (they are redeployed by threat).
        wings, ctds: the unit agents.
        formations: the military formation agents.
        unit_area: (units, districts) where each unit may operate (wings first, then CTDs).
        unit_border: (units, districts) the border posts of each wing (none for CTDs).
        unit_strength: personnel of each unit.
        unit_deployment: (units, districts) personnel of each unit by district this month.
        allowed: (leads, districts) where formations may deploy under each lead.
    """

    def __init__(self, model: CTModel, police_by_district: np.ndarray, population: np.ndarray,
                 agents: bool = True) -> None:
        n, p = model.n_districts, model.p
        region_names, border_names = model.region_names, model.border_names
        self.police = police_by_district.astype(float).copy()
        self.wings, self.ctds, areas, borders, strengths = [], [], [], [], []
        for spec in PARAMILITARY_WINGS:
            area = np.flatnonzero(np.isin(region_names, spec.regions))
            on_border = np.isin(border_names[area], INTERNATIONAL_BORDERS)
            border_area = area[on_border] if spec.border_duty else area[:0]
            if agents:
                self.wings.append(ParamilitaryWing(model, len(areas), spec, area, border_area))
            strengths.append(spec.personnel(p))
            areas.append(area)
            borders.append(border_area)
        n_wings = len(areas)
        for name, (param, regions) in CTD_BY_PROVINCE.items():
            area = np.flatnonzero(np.isin(region_names, regions))
            if agents:
                self.ctds.append(CounterTerrorismDepartment(model, len(areas), name, p[param], area))
            strengths.append(float(p[param]))
            areas.append(area)
            borders.append(area[:0])
        units = len(areas)
        self.unit_area = np.zeros((units, n), dtype=np.bool_)
        self.unit_border = np.zeros((units, n), dtype=np.bool_)
        for u, (area, border) in enumerate(zip(areas, borders, strict=True)):
            self.unit_area[u, area] = True
            self.unit_border[u, border] = True
        self.unit_strength = np.array(strengths)
        self.unit_is_wing = np.arange(units) < n_wings
        self.unit_deployment = np.zeros((units, n))
        # CTD staff are part of the provinces' police strength (FACTS.md s2 counts all police): take them out of
        # the district police, by population, so that redeploying them by threat moves people rather than adds them.
        for area, strength in zip(areas[n_wings:], strengths[n_wings:], strict=True):
            share = population[area] / population[area].sum()
            self.police[area] = np.maximum(self.police[area] - strength * share, 0.0)
        # formation k is deployed where state's formation_district[k] says; its agent (when built) stands there
        self.formations = ([MilitaryFormation(model, p["formation_strength"]) for _ in range(MAX_FORMATIONS)]
                           if agents else [])
        self.allowed = np.array([np.isin(region_names, MILITARY_REGIONS[lead]) for lead in LEADS])
        self.force_weights = np.array([p["police_ct_weight"], p["paramilitary_ct_weight"], p["military_ct_weight"]])
        self.military_deployment = lead_settings(p, "military_deployment")
        self.police_weight_by_lead = lead_settings(p, "police_weight")
        self.paramilitary_release = lead_settings(p, "paramilitary_release")
        self.paramilitary_total = float(self.unit_strength[self.unit_is_wing].sum())

    def deploy(self, model: CTModel, s: State, threat: np.ndarray, advance_lead: bool = True) -> None:
        """Phase the lead toward the policy's choice (unless ``advance_lead`` is False, as at set-up) and deploy
        every force for this month: writes ``lead_weights``, ``police_weight``, ``strength``, ``effective``,
        ``ctd`` and ``formation_district``, and moves the formation agents."""
        p, policy = model.p, s.policy
        police_factor, release, deployment, lead = phase_lead(
            s.lead_weights, LEADS.index(policy.ct_lead), float(policy.handover_months), advance_lead,
            self.police_weight_by_lead, self.paramilitary_release, self.military_deployment)
        capacity = s.programmes.level("police_capacity")
        s.police_weight = (p["police_ct_weight"] * (1.0 + p["effect_police_capacity_ct_gain"] * capacity)
                           * police_factor)
        border_share = p["paramilitary_border_share"] * (1.0 - release)
        n_deployed = int(round(policy.military_formations * deployment))
        moved = deploy_units(threat, self.unit_area, self.unit_border, self.unit_strength, self.unit_is_wing,
                             border_share, self.police, self.allowed[lead], n_deployed,
                             p["formation_strength"], p["ctd_ct_weight"], s.police_weight, self.force_weights,
                             self.unit_deployment, s.ctd, s.strength, s.effective, s.formation_district)
        if not self.formations:  # a model without agents: the state alone says where they stand
            return
        for k in moved.tolist():
            formation, where = self.formations[k], int(s.formation_district[k])
            if where < 0:
                formation.cell = None
            else:
                formation.move_to(model.grid[where])

    def personnel_prices(self, p) -> np.ndarray:
        """What :meth:`monthly_cost` multiplies: the price of a police officer, of all wings' personnel together,
        and of a soldier, a month (rupees, FY2024-25 prices)."""
        return np.array([p["cost_weight_police"], self.paramilitary_total * p["cost_weight_paramilitary"],
                         p["cost_weight_military"]])

    def monthly_cost(self, s: State, p) -> float:
        """Personnel cost this month in rupees (FY2024-25 prices: the ``cost_weight_*`` parameters are each force's
        cost per person a month): every police officer (CTDs included) and wing member, and the soldiers of deployed
        formations."""
        police, _, military = s.strength.sum(axis=0)
        prices = self.personnel_prices(p)
        return float(police * prices[0] + prices[1] + military * prices[2])


@kernel
def phase_lead(weights, target, handover_months, advance, police_weight_by_lead, paramilitary_release,
               military_deployment):
    """Phase the lead weights one month toward lead ``target`` (in place, when ``advance``) and return what they
    set: the police's CT weight factor, the wings' release from the border, the formations' deployment share, and
    the lead mostly in place (the first among equals)."""
    if advance:
        for k in range(weights.size):
            weights[k] += ((1.0 if k == target else 0.0) - weights[k]) / handover_months
    factor, release, deployment = 0.0, 0.0, 0.0
    lead = 0
    for k in range(weights.size):
        factor += weights[k] * police_weight_by_lead[k]
        release += weights[k] * paramilitary_release[k]
        deployment += weights[k] * military_deployment[k]
        if weights[k] > weights[lead]:
            lead = k
    return factor, release, deployment, lead


@kernel
def deploy_units(threat, area, border, strength, is_wing, border_share, police, allowed, n_deployed,
                 formation_strength, ctd_weight, police_weight, force_weights, unit_out, ctd_out, strength_out,
                 effective_out, formation_district):
    """Spread every unit over its area by threat (a small floor keeps quiet districts covered), hold the wings'
    border share on their border districts, send formations to the most threatened allowed districts (ties by
    district order), and total the personnel by force type. Returns the formations that changed place."""
    units, n = area.shape
    unit_out[:, :] = 0.0
    ctd_out[:] = 0.0
    paramilitary = np.zeros(n)
    for u in range(units):
        total, count, posts = 0.0, 0, 0
        for d in range(n):
            if area[u, d]:
                total += threat[d]
                count += 1
            if border[u, d]:
                posts += 1
        if count == 0:
            continue
        internal = strength[u] * (1.0 - border_share) if posts > 0 else strength[u]
        floor = 0.05 * (total / count) + 1e-9
        weights_sum = 0.0
        for d in range(n):
            if area[u, d]:
                weights_sum += threat[d] + floor
        for d in range(n):
            if area[u, d]:
                unit_out[u, d] = internal * (threat[d] + floor) / weights_sum
            if posts > 0 and border[u, d]:
                unit_out[u, d] += strength[u] * border_share / posts
        for d in range(n):
            if is_wing[u]:
                paramilitary[d] += unit_out[u, d]
            else:
                ctd_out[d] += unit_out[u, d]
    # Formations: the most threatened allowed districts first (a stable sort keeps ties in district order), one
    # formation each, round again if there are more formations than districts. A formation already in a district
    # that still needs one stays there; the others move (which formation goes where changes no outcome).
    places = np.flatnonzero(allowed)
    order = places[np.argsort(-threat[places], kind="mergesort")]
    military = np.zeros(n)
    need = np.zeros(n, dtype=np.int64)
    if order.size > 0:
        for k in range(min(n_deployed, formation_district.size)):
            need[order[k % order.size]] += 1
            military[order[k % order.size]] += formation_strength
    staying = np.zeros(formation_district.size, dtype=np.bool_)
    for k in range(formation_district.size):
        where = formation_district[k]
        if where >= 0 and need[where] > 0:
            need[where] -= 1
            staying[k] = True
    moved = np.empty(formation_district.size, dtype=np.int64)
    n_moved = 0
    next_place = 0
    for k in range(formation_district.size):
        if staying[k]:
            continue
        where = -1
        while next_place < order.size and need[order[next_place]] == 0:
            next_place += 1
        if next_place < order.size:
            where = order[next_place]
            need[where] -= 1
        if formation_district[k] != where:
            moved[n_moved] = k
            n_moved += 1
            formation_district[k] = where
    for d in range(n):
        # CTD specialists are police: they count in the police column, at their own CT weight.
        strength_out[d, 0] = police[d] + ctd_out[d]
        strength_out[d, 1] = paramilitary[d]
        strength_out[d, 2] = military[d]
        effective_out[d, 0] = strength_out[d, 0] * police_weight + ctd_out[d] * (ctd_weight - police_weight)
        effective_out[d, 1] = strength_out[d, 1] * force_weights[1]
        effective_out[d, 2] = strength_out[d, 2] * force_weights[2]
    return moved[:n_moved]
