"""Initialisation: the state a run starts from (the ODD's "Initialization"): districts, police, forces, the youth
strata, the initial militant cells and the rates that make the first month match the observed level.

What depends only on the geography (the district table, the adjacency, the police by district, the history of
militancy by region) is computed once per geography and process (:func:`places`); what depends on the parameters
and the seed, once per model. The initial militants are placed by the latest observed regional pattern of violence
before the start (FACTS.md s1), within a region weighted by poor youth and an Afghan border (an assumption).
"""

from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ctsim.data import REGIONS
from ctsim.data.geography import Geography
from ctsim.declarations.parameters import POLICE_BY_REGION
from ctsim.declarations.world import afghan_sanctuary
from ctsim.model.forces import LEADS, MAX_FORMATIONS
from ctsim.model.institutions import PoliticalCycle, Programmes
from ctsim.model.militants import (
    AFFILIATION_MIX_BY_REGION,
    AFFILIATIONS,
    SANCTUARY_BORDERS,
    TARGET_LETHALITY,
    TARGET_MIX,
    TARGETS,
    CellTable,
)
from ctsim.model.population import N_STRATA
from ctsim.model.processes.step02_socioeconomics import compose, development_allocation
from ctsim.model.processes.step03_radicalisation import hazard, support_target
from ctsim.model.processes.step05_operations import current_tempo, expected_collateral
from ctsim.model.processes.step07_attacks import attack_capacity, attack_parameters, deterrence, hvt_factor
from ctsim.model.state import Parameters, State

if TYPE_CHECKING:
    from ctsim.model.core import CTModel

# 2023 attacks by region (FACTS.md s1, PICSS via seed): Balochistan 170, Sindh 35, Punjab 14, AJK, GB and ICT 1
# each; KP incl. merged districts 419, split 37:29 between settled and merged districts by the seed's shares.
ATTACKS_2023_BY_REGION = {
    "Punjab": 14.0, "Sindh": 35.0, "KP (settled districts)": 419.0 * 37 / 66, "Merged districts": 419.0 * 29 / 66,
    "Balochistan": 170.0, "ICT": 1.0, "Gilgit-Baltistan": 1.0, "AJK": 1.0,
}
# 2022 attacks and security operations by region (FACTS.md s1, CRSS; counts more than militant attacks, used only
# to place the militants of a run that starts before 2023; GB had none, AJK is not reported: both get one, as an
# assumption, so that a cell exists there).
ATTACKS_2022_BY_REGION = {
    "Punjab": 25.0, "Sindh": 54.0, "KP (settled districts)": 160.0, "Merged districts": 149.0,
    "Balochistan": 110.0, "ICT": 8.0, "Gilgit-Baltistan": 1.0, "AJK": 1.0,
}
# 2024 attacks by region (FACTS.md s1, PICSS): KP settled 308, merged 259, Balochistan 293; the remaining ~45 in
# Sindh, Punjab, ICT, GB and AJK are not split by PICSS: split here in their 2023 proportions (an assumption).
_REST_2023 = {r: ATTACKS_2023_BY_REGION[r] for r in ("Sindh", "Punjab", "ICT", "Gilgit-Baltistan", "AJK")}
ATTACKS_2024_BY_REGION = {
    "KP (settled districts)": 308.0, "Merged districts": 259.0, "Balochistan": 293.0,
    **{r: 45.0 * v / sum(_REST_2023.values()) for r, v in _REST_2023.items()},
}
# Karachi division's seven districts (Sindh): the city of the Karachi operation and of PIPS's "Karachi" counts.
KARACHI = ("karachi_central", "karachi_east", "karachi_south", "karachi_west", "korangi", "malir", "keamari")
# The militants' strongholds in the tribal areas before Zarb-e-Azb (FACTS.md s5.10-s5.11: the operation entered North
# Waziristan in June 2014; militants dispersed to Khyber, cleared by the Khyber operations of 2014-2017).
STRONGHOLDS = ("north_waziristan", "khyber")
# Deaths by region in 2013 (FACTS.md s5.1, SATP: FATA 1,716, Sindh 1,668, Balochistan 960, KP 936, Punjab 81; ICT, GB
# and AJK not reported: one each, an assumption, so that a cell may exist there). The only regional split of 2013 in
# FACTS.md, used to place the militants of a run that starts in 2013 or before: deaths, not attacks, and SATP counts
# militants killed too, so it stands for where violence was, not for attacks (an assumption; PIPS 2011's attacks put
# Karachi at 3% of the country, before Sindh's escalation of 2013 that PICSS reports, FACTS.md s5.11).
DEATHS_2013_BY_REGION = {
    "Merged districts": 1716.0, "Sindh": 1668.0, "Balochistan": 960.0, "KP (settled districts)": 936.0,
    "Punjab": 81.0, "ICT": 1.0, "Gilgit-Baltistan": 1.0, "AJK": 1.0,
}
# Attacks by region at the height of the last wave of militancy (PIPS 2011, FACTS.md s5.1: FATA 675, Balochistan 640,
# KP 512, Karachi 58, Punjab 30; ICT, GB and AJK not reported: none, an assumption). Per person, relative to the
# tribal districts, they set where militants had local support before the 2022 resurgence: the history of militancy
# that new violence builds on (:func:`historical_support`).
ATTACKS_2011_BY_REGION = {"Merged districts": 675.0, "Balochistan": 640.0, "KP (settled districts)": 512.0,
                          "Karachi": 58.0, "Punjab": 30.0}


@dataclass(frozen=True)
class Places:
    """What a run needs of its geography, computed once per geography and process.

    Attributes:
        n: districts.
        rows: (district_id, name, region, border, merged) of each district, for its agent.
        population, region, region_names, border_names, merged, poor_share, out_of_school: district columns.
        population_totals: the national population (an exactly rounded sum) and each region's.
        indptr, index: the adjacency as compressed sparse rows.
        historical_rate: attacks per person in 2011 in each district's area, relative to the most violent area.
        police: police officers by district (the region's strength shared by population, FACTS.md s2).
        sanctuary_border: (affiliation, district) whether the border offers the affiliation sanctuary.
        dialogue_area: the merged districts and Balochistan.
        karachi: the seven districts of Karachi division.
        strongholds: North Waziristan and Khyber.
    """

    n: int
    rows: tuple[tuple, ...]
    population: np.ndarray
    region: np.ndarray
    region_names: np.ndarray
    border_names: np.ndarray
    merged: np.ndarray
    poor_share: np.ndarray
    out_of_school: np.ndarray
    population_totals: tuple[float, np.ndarray]
    indptr: np.ndarray
    index: np.ndarray
    historical_rate: np.ndarray
    police: np.ndarray
    sanctuary_border: np.ndarray
    dialogue_area: np.ndarray
    karachi: np.ndarray
    strongholds: np.ndarray


_PLACES: OrderedDict[int, tuple[Geography, Places]] = OrderedDict()


def places(geography: Geography) -> Places:
    """The :class:`Places` of a geography (the packaged one, or a pattern check's counterfactual), cached."""
    key = id(geography)
    cached = _PLACES.get(key)
    if cached is not None and cached[0] is geography:
        _PLACES.move_to_end(key)
        return cached[1]
    table = geography.table
    population = table["pop_2023"].to_numpy(float)
    region = geography.region_of()
    region_names = np.array(REGIONS)[region]
    border_names = table["border"].to_numpy(str)
    merged = table["merged"].to_numpy(bool)
    regional_population = np.bincount(region, population, len(REGIONS))
    police = population * (np.array([POLICE_BY_REGION[r] for r in REGIONS]) / regional_population)[region]
    rows = tuple(zip(*(table[c].tolist() for c in ("district_id", "district", "region", "border", "merged")),
                     strict=True))
    karachi = table["district_id"].isin(KARACHI).to_numpy()
    area = np.where(karachi, "Karachi", region_names)
    rate = {name: attacks / population[area == name].sum() for name, attacks in ATTACKS_2011_BY_REGION.items()}
    top = max(rate.values())
    adjacency = geography.adjacency
    value = Places(
        n=len(table), rows=rows, population=population, region=region, region_names=region_names,
        border_names=border_names, merged=merged,
        poor_share=table["poverty_pct"].to_numpy(float) / 100.0,
        out_of_school=table["out_of_school_pct"].to_numpy(float) / 100.0,
        population_totals=(math.fsum(population.tolist()), regional_population),
        indptr=adjacency.indptr.astype(np.int64), index=adjacency.indices.astype(np.int64),
        historical_rate=np.array([rate.get(a, 0.0) / top for a in area]), police=police,
        sanctuary_border=np.array([np.isin(border_names, SANCTUARY_BORDERS[name]) for name in AFFILIATIONS]),
        dialogue_area=merged | (region_names == "Balochistan"), karachi=karachi,
        strongholds=table["district_id"].isin(STRONGHOLDS).to_numpy())
    for array in (population, region, merged, value.poor_share, value.out_of_school, police, value.indptr,
                  value.index, value.historical_rate, value.sanctuary_border, value.dialogue_area, karachi,
                  value.strongholds):
        array.flags.writeable = False  # shared by every model of the process: nobody may write into it
    _PLACES[key] = (geography, value)
    if len(_PLACES) > 8:
        _PLACES.popitem(last=False)
    return value


def initial_regional_pattern(start: pd.Period) -> dict[str, float]:
    """The regional pattern of violence that places a run's first militants: 2013 (SATP deaths) for runs starting in
    2013 or earlier, 2022 (CRSS) for runs starting in 2014-2022, 2023 (PICSS) for 2023 or 2024, 2024 (PICSS) after."""
    if start.year <= 2013:
        return DEATHS_2013_BY_REGION
    if start.year <= 2022:
        return ATTACKS_2022_BY_REGION
    return ATTACKS_2023_BY_REGION if start.year <= 2024 else ATTACKS_2024_BY_REGION


def initial_state(model: CTModel, where: Places, admin_by_region: Mapping[str, float],
                  cell_agents: bool = True) -> State:
    """The state of a new model (its agents already built): places, institutions, deployment, youth, cells (with an
    agent each unless ``cell_agents`` is False) and the starting rates."""
    p = model.p
    s = State()
    n = where.n
    s.population, s.population_totals, s.region, s.merged = where.population, where.population_totals, \
        where.region, where.merged
    s.adjacency_indptr, s.adjacency_index = where.indptr, where.index
    s.sanctuary_border, s.dialogue_area = where.sanctuary_border, where.dialogue_area
    s.karachi, s.strongholds = where.karachi, where.strongholds
    s.affiliation_mix_cumulative = np.cumsum([AFFILIATION_MIX_BY_REGION[r] for r in REGIONS], axis=1)
    s.poor_share_initial, s.out_of_school_initial = where.poor_share, where.out_of_school
    s.admin_initial = np.array([admin_by_region[r] for r in where.region_names])
    s.admin_capacity = s.admin_initial.copy()
    s.poor_share, s.out_of_school, s.away_scale = where.poor_share.copy(), where.out_of_school.copy(), 1.0
    s.development_reach_per_unit = development_allocation(where.population, where.merged,
                                                          p["development_merged_reach_multiple"])
    s.development_reach = np.zeros(n)
    # Assumption: legitimacy starts from administrative capacity (no survey figure in FACTS.md).
    s.legitimacy_base = p["legitimacy_floor"] + p["legitimacy_admin_slope"] * s.admin_initial
    s.legitimacy = s.legitimacy_base.copy()
    s.fear, s.harm = np.zeros(n), np.zeros(n)
    s.socioeconomic_key = (0.0, 0.0, None, 1.0)
    # Programmes and the CT lead start from the status quo and move toward the scenario's policy with their lags: a
    # reform announced in month one is not in force in month one.
    s.policy = model.initial_policy
    s.afghan_sanctuary = afghan_sanctuary(*model.calendar(1), p)
    s.programmes = Programmes(model.status_quo, p)
    s.politics = PoliticalCycle(p, months_before_2024=(2024 - model.start.year) * 12 - model.start.month + 1)
    s.branch_month = 0  # months run before the reported ones (set by a history's branch or a spin-up)
    s.reverted_levers, s.trigger_events = [], []
    s.queue = np.zeros((n, int(round(p["max_pretrial_months"]))), dtype=np.int64)
    s.casualty_year_effect = {}
    s.record = {}
    s.youth = np.zeros((n, N_STRATA), dtype=np.int64)
    s.sympathisers = np.zeros((n, N_STRATA), dtype=np.int64)
    s.strength, s.effective = np.zeros((n, 3)), np.zeros((n, 3))
    s.ctd, s.reach, s.threat = np.zeros(n), np.zeros(n), np.zeros(n)
    s.lead_weights = np.eye(len(LEADS))[LEADS.index(model.status_quo.ct_lead)]
    s.police_weight = p["police_ct_weight"]
    s.formation_district = np.full(MAX_FORMATIONS, -1, dtype=np.int64)
    s.cells = CellTable(agents=cell_agents)
    seed_population_and_cells(model, s, model.p, where)
    return s


def karachi_weighted(w: np.ndarray, karachi: np.ndarray, share: float) -> np.ndarray:
    """Sindh's placement weights ``w`` (summing to one) rescaled so that Karachi's districts hold ``share`` of
    them, each group keeping its own proportions (poor youth)."""
    inside = w[karachi].sum()
    if inside <= 0.0 or inside >= 1.0:
        return w
    return np.where(karachi, w * share / inside, w * (1.0 - share) / (1.0 - inside))


def seed_population_and_cells(model: CTModel, s: State, p: Parameters, where: Places) -> None:
    rng = model.streams["init"]
    compose(s, p)
    # Cells: 2023 regional attack shares (fact) place the initial militants; within a region, districts are
    # weighted by poor youth and an Afghan border (assumption).
    pattern = initial_regional_pattern(model.start)
    shares = np.array([pattern[r] for r in REGIONS])
    per_region = p["initial_active_militants"] * shares / shares.sum()
    border = np.where(where.border_names == "afghanistan", p["initial_border_weight"], 1.0)
    weight = s.population * s.poor_share * border
    cells, resources = s.cells, p["initial_resource_multiple"] * p["resource_half_saturation"]
    for r, region in enumerate(REGIONS):
        total = int(round(per_region[r]))
        if total <= 0:
            continue
        districts = np.flatnonzero(s.region == r)
        n_cells = max(1, int(round(total / p["initial_cell_size"])))
        w = weight[districts] / weight[districts].sum()
        if region == "Sindh" and pattern is DEATHS_2013_BY_REGION:  # a start in 2013 or before
            w = karachi_weighted(w, s.karachi[districts], p["initial_karachi_share_of_sindh"])
        placed = rng.choice(districts, size=n_cells, p=w)
        sizes = 1 + rng.multinomial(total - n_cells, np.full(n_cells, 1.0 / n_cells)) if total > n_cells \
            else np.ones(n_cells, dtype=np.int64)
        affiliations = rng.choice(len(AFFILIATIONS), size=n_cells, p=AFFILIATION_MIX_BY_REGION[region])
        cells.append_rows(sizes, placed, affiliations, resources)
    cells.settle(model)
    militants = np.bincount(cells.district, cells.members, len(s.population)).astype(float)
    # Local support starts from the history of militancy (the 2011 pattern), or from what the militants placed at the
    # start would build, whichever is higher.
    s.support = np.maximum(where.historical_rate ** p["historical_support_exponent"],
                           support_target(militants, s.youth, p["support_scale_militants"]))
    s.threat = militants / p["initial_cell_size"] * p["initial_threat_per_cell"]
    # Deploy once to know the starting deterrence, so that the first month expects the initial attack level.
    model.forces.deploy(model, s, s.threat, advance_lead=False)
    # Operations' tempo: the status quo's is the reference militants have adapted to at the start; the harm memory
    # starts at the level the status quo's operations keep it at (memory x expected collateral a month).
    s.reference_tempo = current_tempo(s, p)
    s.tempo = s.adapted_tempo = s.reference_tempo
    s.harm = p["harm_memory_months"] * expected_collateral(s, p) * 1e5 / s.population
    s.denied = np.zeros_like(s.reach)  # no pressure above the status quo's before the start
    members, _, affiliation, cell_resources, dormant, in_sanctuary = cells.columns()
    q = attack_parameters(s, p)
    capacity = (attack_capacity(q, members, cell_resources, dormant, in_sanctuary, cells.n)
                * deterrence(q, s.reach, cells.district, in_sanctuary, cells.n))
    s.attack_rate = p["initial_attacks_per_month"] / capacity.sum() if capacity.sum() > 0 else 0.0
    mix = (TARGET_MIX[cells.affiliation] * capacity[:, None]).sum(axis=0)
    mix = mix / mix.sum() if mix.sum() > 0 else np.full(len(TARGETS), 1.0 / len(TARGETS))
    # Rescale so that the expected deaths per attack at the start, with the status quo's protection of high-value
    # targets, equal the PICSS 2022-2024 ratio (deaths_per_attack).
    relative = TARGET_LETHALITY * hvt_factor(p, model.status_quo.hvt_protection)
    s.lethality = TARGET_LETHALITY / float(mix @ relative)
    # Sympathiser pools start at the level the initial hazard sustains against exit and recruitment.
    pull = p["recruit_reach"] * militants / (militants + p["recruit_half_militants"])
    expected = s.youth * hazard(s, p, militants) / np.maximum(p["sympathiser_exit_rate"] + pull, 1e-6)[:, None]
    s.sympathisers = np.minimum(rng.poisson(expected), s.youth).astype(np.int64)
