"""Initialisation: districts, police, forces, the youth strata, the initial militant cells and the rates
that make the first month match the observed level (the ODD's "Initialization").

The initial militants are placed by the latest observed regional pattern of violence before the start (FACTS.md s1),
within a region weighted by poor youth and an Afghan border (an assumption).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from mesa.discrete_space import Network

from ctsim.data import REGIONS
from ctsim.declarations.parameters import POLICE_BY_REGION
from ctsim.model.militants import (
    AFFILIATION_MIX_BY_REGION,
    AFFILIATIONS,
    SANCTUARY_BORDERS,
    TARGET_LETHALITY,
    TARGET_MIX,
    TARGETS,
    MilitantCell,
)
from ctsim.model.places import District, Police
from ctsim.model.processes import attacks, operations, radicalisation, socioeconomics

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


# Attacks by region at the height of the last wave of militancy (PIPS 2011, FACTS.md s5.1: FATA 675, Balochistan 640,
# KP 512, Karachi 58, Punjab 30; ICT, GB and AJK not reported: none, an assumption). Per person, relative to the
# tribal districts, they set where militants had local support before the 2022 resurgence: the history of militancy
# that new violence builds on (:func:`historical_support`).
ATTACKS_2011_BY_REGION = {"Merged districts": 675.0, "Balochistan": 640.0, "KP (settled districts)": 512.0,
                          "Karachi": 58.0, "Punjab": 30.0}


def historical_support(model: CTModel) -> np.ndarray:
    """Local support (0-1) from the 2011 pattern of violence: attacks per person in the district's region (Karachi's
    districts for Sindh), relative to the most violent region (the merged districts), to the power
    ``historical_support_exponent``."""
    karachi = np.char.startswith(np.array([d.name for d in model.districts], dtype=str), "Karachi")
    area = np.where(karachi, "Karachi", model.region_names)
    rate = {}
    for name, attacks_2011 in ATTACKS_2011_BY_REGION.items():
        rate[name] = attacks_2011 / model.population[area == name].sum()
    top = max(rate.values())
    return np.array([rate.get(a, 0.0) / top for a in area]) ** model.p["historical_support_exponent"]


def initial_regional_pattern(start: pd.Period) -> dict[str, float]:
    """The latest regional pattern of violence observed before ``start``: 2022 (CRSS) for runs starting in 2022 or
    earlier, 2023 (PICSS) for runs starting in 2023 or 2024, 2024 (PICSS) after."""
    if start.year <= 2022:
        return ATTACKS_2022_BY_REGION
    return ATTACKS_2023_BY_REGION if start.year <= 2024 else ATTACKS_2024_BY_REGION


def init_places(model: CTModel, admin_by_region: Mapping[str, float]) -> None:
    g = model.geography
    table = g.table
    model.n_districts = g.n
    model.grid = Network(g.graph, random=model.random)
    model.population = table["pop_2023"].to_numpy(float)
    model.region_index = g.region_of()
    model.region_names = np.array(REGIONS)[model.region_index]
    model.border_names = table["border"].to_numpy(str)
    model.merged = table["merged"].to_numpy(bool)
    model.poor_share_initial = table["poverty_pct"].to_numpy(float) / 100.0
    model.out_of_school_initial = table["out_of_school_pct"].to_numpy(float) / 100.0
    model.admin_initial = np.array([admin_by_region[r] for r in model.region_names])
    model.admin_capacity = model.admin_initial.copy()
    model.poor_share = model.poor_share_initial.copy()
    model.out_of_school = model.out_of_school_initial.copy()
    model.away_scale = 1.0  # multiplier on the away-from-family shares (education lowers it)
    # Assumption: legitimacy starts from administrative capacity (no survey figure in FACTS.md).
    model.legitimacy_base = model.p["legitimacy_floor"] + model.p["legitimacy_admin_slope"] * model.admin_initial
    model.legitimacy = model.legitimacy_base.copy()
    model.fear = np.zeros(model.n_districts)
    model.development_reach = np.zeros(model.n_districts)
    model.socioeconomic_key = (0.0, 0.0, None, 1.0)
    columns = ["district_id", "district", "region", "border", "merged"]  # what a District keeps (to_dict is slow)
    model.districts = [District(model, i, row) for i, row in enumerate(table[columns].to_dict("records"))]
    model.police_forces = []
    # sanctuary_border[affiliation, district]: the district's border offers that affiliation sanctuary.
    model.sanctuary_border = np.array([np.isin(model.border_names, SANCTUARY_BORDERS[name]) for name in AFFILIATIONS])


def police_by_district(model: CTModel) -> np.ndarray:
    """Region police strength shared among the region's districts by population (FACTS.md s2)."""
    region_pop = np.bincount(model.region_index, model.population, len(REGIONS))
    per_capita = np.array([POLICE_BY_REGION[r] for r in REGIONS]) / region_pop
    strength = model.population * per_capita[model.region_index]
    model.police_forces = [Police(model, i, s) for i, s in enumerate(strength)]
    return strength


def seed_population_and_cells(model: CTModel) -> None:
    rng, p = model.streams["init"], model.p
    socioeconomics.update_youth(model)
    # Cells: 2023 regional attack shares (fact) place the initial militants; within a region, districts are
    # weighted by poor youth and an Afghan border (assumption).
    pattern = initial_regional_pattern(model.start)
    shares = np.array([pattern[r] for r in REGIONS])
    per_region = p["initial_active_militants"] * shares / shares.sum()
    border = np.where(model.border_names == "afghanistan", p["initial_border_weight"], 1.0)
    weight = model.population * model.poor_share * border
    for r, region in enumerate(REGIONS):
        total = int(round(per_region[r]))
        if total <= 0:
            continue
        districts = np.flatnonzero(model.region_index == r)
        n_cells = max(1, int(round(total / p["initial_cell_size"])))
        w = weight[districts] / weight[districts].sum()
        where = rng.choice(districts, size=n_cells, p=w)
        sizes = 1 + rng.multinomial(total - n_cells, np.full(n_cells, 1.0 / n_cells)) if total > n_cells \
            else np.ones(n_cells, dtype=np.int64)
        affiliations = rng.choice(len(AFFILIATIONS), size=n_cells, p=AFFILIATION_MIX_BY_REGION[region])
        for d, a, m in zip(where, affiliations, sizes, strict=True):
            MilitantCell(model, int(d), int(a), int(m), p["initial_resource_multiple"] * p["resource_half_saturation"])
    cols = model.cell_table
    militants = np.bincount(cols.district, cols.members, model.n_districts)
    # Local support starts from the history of militancy (the 2011 pattern), or from what the militants placed at the
    # start would build, whichever is higher.
    model.support = np.maximum(historical_support(model), radicalisation.support_target(model, militants))
    model.threat = militants / p["initial_cell_size"] * p["initial_threat_per_cell"]
    # Attack rate per unit of capacity, so that the first month expects the early-2024 level (FACTS.md s1).
    # Deploy once to know the starting deterrence, so that the first month expects the initial attack level.
    model.forces.deploy(model.threat, advance_lead=False)
    # Operations' tempo: the status quo's is the reference militants have adapted to at the start; the harm memory
    # starts at the level the status quo's operations keep it at (memory x expected collateral a month).
    model.reference_tempo = operations.current_tempo(model)
    model.tempo = model.adapted_tempo = model.reference_tempo
    model.harm = p["harm_memory_months"] * operations.expected_collateral(model) * 1e5 / model.population
    capacity = attacks.attack_capacity(model, cols) * attacks.deterrence(model, cols)
    model.attack_rate = p["initial_attacks_per_month"] / capacity.sum() if capacity.sum() > 0 else 0.0
    mix = (TARGET_MIX[cols.affiliation] * capacity[:, None]).sum(axis=0)
    mix = mix / mix.sum() if mix.sum() > 0 else np.full(len(TARGETS), 1.0 / len(TARGETS))
    # Rescale so that the expected deaths per attack at the start, with the status quo's protection of
    # high-value targets, equal the PICSS 2022-2024 ratio (deaths_per_attack).
    relative = TARGET_LETHALITY * attacks.hvt_factor(model, model.status_quo.hvt_protection)
    model.lethality = TARGET_LETHALITY / float(mix @ relative)
    # Sympathiser pools start at the level the initial hazard sustains against exit and recruitment.
    hazard = radicalisation.radicalisation_hazard(model, militants)
    pull = p["recruit_reach"] * militants / (militants + p["recruit_half_militants"])
    expected = model.youth * hazard / np.maximum(p["sympathiser_exit_rate"] + pull, 1e-6)[:, None]
    model.sympathisers = np.minimum(rng.poisson(expected), model.youth).astype(np.int64)
