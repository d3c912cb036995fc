"""CTModel: the ctsim agent-based model, one step per month.

Order of a month (fixed; DESIGN.md s2):

1. political cycle (a change of government may revert levers) and scheduled lever changes;
2. programmes advance toward the levers with their lags; poverty, schooling and administration drift;
3. radicalisation of youth into the sympathiser pools;
4. recruitment into cells, and new cells where sympathisers gather with no cell;
5. deployment and security operations: detect, arrest, kill; collateral harm;
6. justice pipeline: prosecution, conviction or release, return to militancy; disengagement from cells;
7. attacks: number, place, target, deaths, injuries; resources;
8. legitimacy and fear;
9. cell lifecycle: dissolve, go dormant or wake, slip into or out of sanctuary, move, split;
10. data collection.

The core takes plain values and a seed and returns data; it reads no files (the packaged geography is read once per
process by :func:`ctsim.data.geography.packaged`) and writes none.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np
import pandas as pd
from mesa import Agent, Model
from mesa.discrete_space import Network

from ctsim.data import REGIONS
from ctsim.data import geography as geo
from ctsim.declarations.levers import Policy
from ctsim.declarations.outputs import OUTPUTS
from ctsim.declarations.parameters import ADMIN_CAPACITY_BY_REGION, POLICE_BY_REGION, resolve
from ctsim.model.forces import Forces, MilitaryFormation, ParamilitaryWing
from ctsim.model.institutions import JusticePipeline, PoliticalCycle, Programmes
from ctsim.model.militants import (
    AFFILIATION_MIX_BY_REGION,
    AFFILIATIONS,
    HIGH_VALUE,
    SANCTUARY_BORDERS,
    TARGET_LETHALITY,
    TARGET_MIX,
    TARGETS,
    CellTable,
    MilitantCell,
)
from ctsim.model.places import District, Police
from ctsim.model.population import (
    STRATUM_AWAY,
    STRATUM_BAND,
    STRATUM_NAMES,
    STRATUM_OUT_OF_SCHOOL,
    STRATUM_RELIGIOUS,
    StrataShares,
    composition,
    draw_without_replacement,
    relative_risk,
)
from ctsim.model.recording import make_datacollector

# One random stream per subsystem (common random numbers across scenarios, DESIGN.md s6). Append only: the order
# fixes which child of the SeedSequence each subsystem gets.
STREAMS = ("mesa", "init", "politics", "population", "recruitment", "operations", "justice", "attacks",
           "lifecycle")

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


def initial_regional_pattern(start: pd.Period) -> dict[str, float]:
    """The latest regional pattern of violence observed before ``start``: 2022 (CRSS) for runs starting in 2022 or
    earlier, 2023 (PICSS) otherwise."""
    return ATTACKS_2022_BY_REGION if start.year <= 2022 else ATTACKS_2023_BY_REGION
class CTModel(Model):
    """The counterterrorism model.

    Args:
        policy: lever values (default: the status quo).
        params: parameter overrides by name (see :mod:`ctsim.declarations.parameters`).
        seed: an int or a ``numpy.random.SeedSequence``; every random draw flows from it.
        start: first month, ``YYYY-MM``.
        geography: districts and adjacency (default: the packaged data).
        on_month: optional callback ``f(model, month)`` run first in every step (schedules use it).
        admin_capacity: administrative capacity by region, replacing the declared table (counterfactuals).

    Attributes:
        policy: the levers in force (schedules and political transitions change it).
        status_quo: the levers a transition reverts to.
        p: resolved parameter values.
        grid: the district network (``mesa.discrete_space.Network``), one cell per district.
        record: this month's outputs (see :mod:`ctsim.model.recording`).
    """

    def __init__(self, policy: Policy | None = None, params: Mapping[str, float] | None = None,
                 seed: int | np.random.SeedSequence = 0, start: str = "2024-01",
                 geography: geo.Geography | None = None,
                 on_month: Callable[[CTModel, int], None] | None = None,
                 admin_capacity: Mapping[str, float] | None = None) -> None:
        if isinstance(seed, np.random.SeedSequence):
            # A fresh copy: spawning advances a SeedSequence's counter, and the caller's must stay reusable so that
            # the same seed gives the same run (common random numbers across scenarios).
            seq = np.random.SeedSequence(seed.entropy, spawn_key=seed.spawn_key, pool_size=seed.pool_size)
        else:
            seq = np.random.SeedSequence(seed)
        streams = dict(zip(STREAMS, seq.spawn(len(STREAMS)), strict=True))
        super().__init__(rng=np.random.default_rng(streams["mesa"]))
        self.seed_sequence = seq
        self.streams = {name: np.random.default_rng(s) for name, s in streams.items() if name != "mesa"}
        self.start = pd.Period(start, freq="M")
        self.p = resolve(params)
        self.policy = policy.copy() if policy is not None else Policy()
        self.status_quo = Policy()
        self.on_month = on_month
        self.geography = geography or geo.packaged()
        self._init_places({**ADMIN_CAPACITY_BY_REGION, **(admin_capacity or {})})
        # Programmes and the CT lead start from the status quo and move toward the scenario's policy with their
        # lags: a reform announced in month one is not in force in month one.
        self.programmes = Programmes(self.status_quo, self.p)
        self.politics = PoliticalCycle(self.p, months_before_2024=(2024 - self.start.year) * 12 - self.start.month + 1)
        self.branch_month = 0  # months of history before the scenario proper (set by a history branch)
        self.justice = JusticePipeline(self.n_districts, self.p)
        self.forces = Forces(self, self._police_by_district())
        self.threat = np.zeros(self.n_districts)
        self.cell_table = CellTable()
        self._seed_population_and_cells()
        self.record: dict[str, object] = {}
        self.reverted_levers: list[tuple[int, str]] = []
        self.datacollector = make_datacollector()

    # ------------------------------------------------------------------------------------------------ set-up
    def _init_places(self, admin_by_region: Mapping[str, float]) -> None:
        g = self.geography
        table = g.table
        self.n_districts = g.n
        self.grid = Network(g.graph, random=self.random)
        self.population = table["pop_2023"].to_numpy(float)
        self.region_index = g.region_of()
        self.region_names = np.array(REGIONS)[self.region_index]
        self.border_names = table["border"].to_numpy(str)
        self.merged = table["merged"].to_numpy(bool)
        self.poor_share_initial = table["poverty_pct"].to_numpy(float) / 100.0
        self.out_of_school_initial = table["out_of_school_pct"].to_numpy(float) / 100.0
        self.admin_initial = np.array([admin_by_region[r] for r in self.region_names])
        self.admin_capacity = self.admin_initial.copy()
        self.poor_share = self.poor_share_initial.copy()
        self.out_of_school = self.out_of_school_initial.copy()
        # Assumption: legitimacy starts from administrative capacity (no survey figure in FACTS.md).
        self.legitimacy_base = self.p["legitimacy_floor"] + self.p["legitimacy_admin_slope"] * self.admin_initial
        self.legitimacy = self.legitimacy_base.copy()
        self.fear = np.zeros(self.n_districts)
        self._development_reach = np.zeros(self.n_districts)
        self._socioeconomic_key: tuple = (0.0, 0.0, None, 1.0)
        self.districts = [District(self, i, row) for i, row in enumerate(table.to_dict("records"))]
        self.police_forces: list[Police] = []
        # sanctuary_border[affiliation, district]: the district's border offers that affiliation sanctuary.
        self.sanctuary_border = np.array([np.isin(self.border_names, SANCTUARY_BORDERS[name]) for name in AFFILIATIONS])

    def _police_by_district(self) -> np.ndarray:
        """Region police strength shared among the region's districts by population (FACTS.md s2)."""
        region_pop = np.bincount(self.region_index, self.population, len(REGIONS))
        per_capita = np.array([POLICE_BY_REGION[r] for r in REGIONS]) / region_pop
        strength = self.population * per_capita[self.region_index]
        self.police_forces = [Police(self, i, s) for i, s in enumerate(strength)]
        return strength

    def _seed_population_and_cells(self) -> None:
        rng, p = self.streams["init"], self.p
        self._update_youth()
        # Cells: 2023 regional attack shares (fact) place the initial militants; within a region, districts are
        # weighted by poor youth and an Afghan border (assumption).
        pattern = initial_regional_pattern(self.start)
        shares = np.array([pattern[r] for r in REGIONS])
        per_region = p["initial_active_militants"] * shares / shares.sum()
        weight = self.population * self.poor_share * np.where(self.border_names == "afghanistan", 3.0, 1.0)
        for r, region in enumerate(REGIONS):
            total = int(round(per_region[r]))
            if total <= 0:
                continue
            districts = np.flatnonzero(self.region_index == r)
            n_cells = max(1, int(round(total / p["initial_cell_size"])))
            w = weight[districts] / weight[districts].sum()
            where = rng.choice(districts, size=n_cells, p=w)
            sizes = 1 + rng.multinomial(total - n_cells, np.full(n_cells, 1.0 / n_cells)) if total > n_cells \
                else np.ones(n_cells, dtype=np.int64)
            affiliations = rng.choice(len(AFFILIATIONS), size=n_cells, p=AFFILIATION_MIX_BY_REGION[region])
            for d, a, m in zip(where, affiliations, sizes, strict=True):
                MilitantCell(self, int(d), int(a), int(m), 2.0 * p["resource_half_saturation"])
        cols = self.cell_table
        militants = np.bincount(cols.district, cols.members, self.n_districts)
        self.threat = militants / p["initial_cell_size"] * p["initial_threat_per_cell"]
        # Attack rate per unit of capacity, so that the first month expects the early-2024 level (FACTS.md s1).
        # Deploy once to know the starting deterrence, so that the first month expects the initial attack level.
        self.forces.deploy(self.threat, advance_lead=False)
        self._force_reach = self._reach()
        capacity = self._attack_capacity(cols) * self._deterrence(cols)
        self.attack_rate = p["initial_attacks_per_month"] / capacity.sum() if capacity.sum() > 0 else 0.0
        mix = (TARGET_MIX[cols.affiliation] * capacity[:, None]).sum(axis=0)
        mix = mix / mix.sum() if mix.sum() > 0 else np.full(len(TARGETS), 1.0 / len(TARGETS))
        # Rescale so that the expected deaths per attack at the start, with the status quo's protection of
        # high-value targets, equal the PICSS 2023 ratio.
        relative = TARGET_LETHALITY * self._hvt_factor(self.status_quo.hvt_protection)
        self.lethality = TARGET_LETHALITY / float(mix @ relative)
        # Sympathiser pools start at the level the initial hazard sustains against exit and recruitment.
        hazard = self._radicalisation_hazard(militants)
        pull = p["recruit_reach"] * militants / (militants + p["recruit_half_militants"])
        expected = self.youth * hazard / np.maximum(p["sympathiser_exit_rate"] + pull, 1e-6)[:, None]
        self.sympathisers = np.minimum(rng.poisson(expected), self.youth).astype(np.int64)

    # ---------------------------------------------------------------------------------------- the month
    def step(self) -> None:
        """Advance one month."""
        month = self.steps
        self.record = {}
        if self.on_month is not None:
            self.on_month(self, month)
        for name in self.politics.step(month, self.policy, self.status_quo, self.streams["politics"]):
            self.reverted_levers.append((month, name))
        self.programmes.advance(self.policy)
        self._update_socioeconomics()

        cols = self.cell_table
        flows = dict.fromkeys(("recruited", "killed", "arrested", "returned", "deradicalised"), 0)
        militants = np.bincount(cols.district, cols.members, self.n_districts)
        self._radicalise(militants)
        flows["recruited"] += self._recruit(cols)
        ops = self._operate(cols)
        flows["killed"], flows["arrested"] = int(ops["killed"].sum()), int(ops["arrested"].sum())
        justice = self._prosecute(cols, ops["arrested"])
        flows["returned"], flows["deradicalised"] = justice["returned_total"], justice["deradicalised"]
        attacks = self._attack(cols)
        self._update_legitimacy(attacks, ops)
        self._place_returning(justice["returned"], cols)
        flows["recruited"] += self._nucleate(cols)
        cells = self._lifecycle(ops["hit"])
        self._record(attacks, ops, justice, flows, cells)
        self.datacollector.collect(self)

    # ----------------------------------------------------------------------------------- socio-economics
    def _update_socioeconomics(self) -> None:
        p = self.p
        dev = self.programmes.level("development")
        edu = self.programmes.level("education_investment")
        merged_first = self.policy.development_merged_first
        # Exogenous drift of poverty (an uncertainty: growth, inflation, shocks), compounding from the start.
        drift = (1.0 + p["poverty_trend_per_year"]) ** (self.steps / 12.0)
        if (dev, edu, merged_first, drift) == self._socioeconomic_key:
            return  # nothing moved: keep the strata
        self._socioeconomic_key = (dev, edu, merged_first, drift)
        elsewhere = p["development_reach_elsewhere"]
        targeted = np.where(self.merged, 1.0, elsewhere) if merged_first else np.ones(self.n_districts)
        self.poor_share = np.minimum(1.0, self.poor_share_initial * drift
                                     * (1.0 - p["effect_development_poverty_cut"] * dev * targeted))
        self.out_of_school = self.out_of_school_initial * (1.0 - p["effect_education_out_of_school_cut"] * edu)
        self.admin_capacity = np.minimum(1.0, self.admin_initial + p["effect_education_admin_gain"] * edu)
        self._update_youth()
        self._development_reach = dev * targeted

    def _update_youth(self) -> None:
        shares = composition(StrataShares(self.poor_share, self.out_of_school), self.p)
        self.youth = np.rint(self.population[:, None] * self.p["youth_share"] * shares).astype(np.int64)

    def _radicalisation_hazard(self, militants: np.ndarray) -> np.ndarray:
        p = self.p
        # Recruiters must reach people: exposure grows with militants (here and, at half weight, next door) per
        # 100,000 youth, so a large district with a few militants is not exposed as a whole.
        near = militants + 0.5 * (self.geography.adjacency @ militants)
        density = near / np.maximum(self.youth.sum(axis=1), 1.0) * 1e5
        exposure = 1.0 - np.exp(-density / p["exposure_scale_militants"])
        grievance = self.poor_share * (1.0 - self.legitimacy)
        narrative = 1.0 - self.programmes.level("narrative_effect")
        local = (exposure * (1.0 + p["grievance_weight"] * grievance)
                 * np.exp(-p["admin_protective_effect"] * self.admin_capacity) * narrative)
        rr = relative_risk(p, p["effect_madrasa_seminary_risk_cut"] * self.programmes.level("madrasa_reform"))
        return np.minimum(1.0, p["base_radicalisation_rate"] * local[:, None] * rr[None, :])

    def _radicalise(self, militants: np.ndarray) -> None:
        rng, p = self.streams["population"], self.p
        hazard = self._radicalisation_hazard(militants)
        at_risk = hazard.any(axis=0)  # strata with zero relative risk (the affluent band) draw nothing
        susceptible = np.maximum(self.youth[:, at_risk] - self.sympathisers[:, at_risk], 0)
        new = np.zeros_like(self.sympathisers)
        # Hazards are of order 1e-5 a month: a Poisson draw (capped at those at risk) is the binomial to within
        # far less than the model's other uncertainties, and cheaper.
        new[:, at_risk] = np.minimum(rng.poisson(susceptible * hazard[:, at_risk]), susceptible)
        exit_rate = min(1.0, p["sympathiser_exit_rate"] * (
            1.0 + p["effect_deradicalisation_pool_exit"] * self.programmes.level("deradicalisation")))
        held = self.sympathisers > 0
        leaving = np.zeros_like(self.sympathisers)
        leaving[held] = rng.binomial(self.sympathisers[held], exit_rate)
        self.sympathisers += new - leaving
        self.record["new_radicals@regions"] = self._by_region(new.sum(axis=1))
        self.record["new_radicals"] = float(new.sum())

    # ---------------------------------------------------------------------------------------- recruitment
    def _recruit(self, cols: CellTable) -> int:
        rng, p = self.streams["recruitment"], self.p
        pool = self.sympathisers.sum(axis=1)
        # The cells of a district reach a share of its sympathiser pool that grows with their numbers and saturates
        # at recruit_reach: recruitment is limited by the supply of sympathisers, so militancy has a carrying
        # capacity set by radicalisation. Each cell takes its part in proportion to its members.
        activity = np.where(cols.dormant, 0.0, np.where(cols.in_sanctuary, p["sanctuary_raid_factor"], 1.0))
        active = cols.members * activity
        reaching = np.bincount(cols.district, active, self.n_districts)
        per_member = p["recruit_reach"] * pool / (reaching + p["recruit_half_militants"])
        demand = rng.poisson(per_member[cols.district] * active)
        wanted = np.bincount(cols.district, demand, self.n_districts).astype(np.int64)
        for d in np.flatnonzero(wanted > pool):  # rare: more demand than sympathisers; trim the last cells
            excess = int(wanted[d] - pool[d])
            for i in np.flatnonzero(cols.district == d)[::-1]:
                cut = min(excess, int(demand[i]))
                demand[i] -= cut
                excess -= cut
            wanted[d] = pool[d]
        taken = draw_without_replacement(rng, self.sympathisers, wanted)
        self.sympathisers -= taken
        cols.members += demand
        self._count_recruits(taken)
        return int(demand.sum())

    def _count_recruits(self, taken: np.ndarray) -> None:
        by_stratum = taken.sum(axis=0)
        rec = self.record
        rec["recruits@strata"] = rec.get("recruits@strata", 0) + by_stratum
        rec["recruits"] = rec.get("recruits", 0.0) + float(by_stratum.sum())
        rec["recruits@regions"] = rec.get("recruits@regions", 0.0) + self._by_region(taken.sum(axis=1))
        for key, mask in (("recruits_poor", STRATUM_BAND == 0), ("recruits_affluent", STRATUM_BAND == 2),
                          ("recruits_away_from_family", STRATUM_AWAY == 1),
                          ("recruits_out_of_school", STRATUM_OUT_OF_SCHOOL == 1),
                          ("recruits_religious_link", STRATUM_RELIGIOUS == 1)):
            rec[key] = rec.get(key, 0.0) + float(by_stratum[mask].sum())

    def _nucleate(self, cols: CellTable) -> int:
        """Sympathisers in a district with no cell may form one."""
        rng, p = self.streams["recruitment"], self.p
        occupied = np.zeros(self.n_districts, dtype=bool)
        occupied[cols.district] = True
        pool = self.sympathisers.sum(axis=1)
        size = int(p["nucleus_size"])
        chance = 1.0 - np.exp(-p["nucleation_rate"] * pool)
        forming = (~occupied) & (pool >= size) & (rng.random(self.n_districts) < chance)
        n = np.where(forming, size, 0)
        if not n.any():
            return 0
        taken = draw_without_replacement(rng, self.sympathisers, n)
        self.sympathisers -= taken
        self._count_recruits(taken)
        for d in np.flatnonzero(forming):
            affiliation = rng.choice(len(AFFILIATIONS), p=AFFILIATION_MIX_BY_REGION[self.region_names[d]])
            MilitantCell(self, int(d), int(affiliation), size, 0.0)
        return int(n.sum())

    # ----------------------------------------------------------------------------------------- operations
    def _operate(self, cols: CellTable) -> dict[str, np.ndarray]:
        rng, p = self.streams["operations"], self.p
        self.forces.deploy(self.threat)
        effective = self.forces.effective
        total = effective.sum(axis=1)
        mix = effective / np.maximum(total, 1e-12)[:, None]
        tempo = 0.5 + self.programmes.level("kinetic_intensity")
        coordination = (0.5 + self.programmes.level("coordination")) / (0.5 + p["coordination_interior"])
        visibility = np.sqrt(np.maximum(cols.members, 0) / p["visibility_reference_size"])
        reach = self._force_reach = self._reach()  # also deters attacks this month
        hazard = (p["detection_rate"] * coordination * tempo * reach[cols.district] * visibility
                  * np.where(cols.dormant, p["dormant_detection_factor"], 1.0) * ~cols.in_sanctuary)
        hit = rng.random(len(cols.members)) < 1.0 - np.exp(-hazard)
        found = np.flatnonzero(hit)
        where = cols.district[found]
        neutralised = rng.binomial(cols.members[found], p["hit_fraction"])
        kill_share = np.clip(mix @ np.array([p["kill_share_police"], p["kill_share_paramilitary"],
                                             p["kill_share_military"]]) * tempo, 0.0, 1.0)
        killed = rng.binomial(neutralised, kill_share[where])
        cols.members[found] -= neutralised
        collateral_rate = mix @ np.array([p["collateral_police"], p["collateral_paramilitary"],
                                          p["collateral_military"]]) * tempo
        collateral = rng.poisson(collateral_rate[where])
        n = self.n_districts
        return {
            "hit": hit,
            "killed": np.bincount(where, killed, n).astype(np.int64),
            "arrested": np.bincount(where, neutralised - killed, n).astype(np.int64),
            "collateral": np.bincount(where, collateral, n),
            "operations_by_force": mix[where].sum(axis=0),
        }

    def _prosecute(self, cols: CellTable, arrests: np.ndarray) -> dict:
        rng, p = self.streams["justice"], self.p
        derad = self.programmes.level("deradicalisation")
        capacity = p["prosecution_capacity_cases"] * self.programmes.level("prosecution_capacity")
        return_rate = p["return_rate_released"] * (1.0 - p["effect_deradicalisation_return_cut"] * derad)
        result = self.justice.step(rng, arrests, capacity, return_rate)
        leaving = rng.binomial(cols.members, min(1.0, p["disengagement_rate"] + p["effect_deradicalisation_member_exit"]
                                                 * derad))
        cols.members -= leaving
        result["returned_total"] = int(result["returned"].sum())
        result["deradicalised"] = int(leaving.sum())
        return result

    def _place_returning(self, returned: np.ndarray, cols: CellTable) -> None:
        """Released militants who return join a cell in their district (one chosen at random), or start one."""
        rng = self.streams["justice"]
        districts = np.flatnonzero(returned)
        if not len(districts):
            return
        order = np.argsort(cols.district, kind="stable")
        counts = np.bincount(cols.district, minlength=self.n_districts)
        starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
        for d in districts.tolist():
            if counts[d]:  # the district's rows in ascending order, as np.flatnonzero would list them
                cols.members[order[starts[d] + int(rng.integers(counts[d]))]] += int(returned[d])
            else:
                affiliation = rng.choice(len(AFFILIATIONS), p=AFFILIATION_MIX_BY_REGION[self.region_names[d]])
                MilitantCell(self, int(d), int(affiliation), int(returned[d]), 0.0)

    # -------------------------------------------------------------------------------------------- attacks
    def _reach(self) -> np.ndarray:
        """Reach of this month's forces in each district, 0-1: finding cells takes intelligence more than numbers,
        so it saturates with effective force density."""
        density = self.forces.effective.sum(axis=1) / self.population * 1e5
        return density / (density + self.p["force_density_half_saturation"])

    def _deterrence(self, cols: CellTable) -> np.ndarray:
        """Share of each cell's attacks not held back: where forces reach, militants weigh the risk of arrest
        (Epstein 2002); cells in sanctuary raid regardless."""
        reach = np.where(cols.in_sanctuary, 0.0, self._force_reach[cols.district])
        return 1.0 - self.p["deterrence"] * reach

    def _attack_capacity(self, cols: CellTable) -> np.ndarray:
        p = self.p
        activity = np.where(cols.dormant, 0.0, np.where(cols.in_sanctuary, p["sanctuary_raid_factor"], 1.0))
        resources = cols.resources / (cols.resources + p["resource_half_saturation"])
        return np.maximum(cols.members, 0) ** p["attack_size_elasticity"] * resources * activity

    def _attack(self, cols: CellTable) -> dict[str, np.ndarray]:
        rng, p = self.streams["attacks"], self.p
        n = self.n_districts
        counts = rng.poisson(self.attack_rate * self._attack_capacity(cols) * self._deterrence(cols))
        attacking = np.flatnonzero(counts)  # most cells do not attack in a given month
        by_target = rng.multinomial(counts[attacking], TARGET_MIX[cols.affiliation[attacking]])
        share_away = np.where(cols.in_sanctuary[attacking], 0.0, p["neighbour_attack_share"])
        away = rng.binomial(by_target, share_away[:, None])
        n_targets = len(TARGETS)
        home = cols.district[attacking]
        flat = np.bincount((home[:, None] * n_targets + np.arange(n_targets)).ravel(), (by_target - away).ravel(),
                           n * n_targets)
        # Attacks carried next door: each goes to a neighbour of the cell's district chosen uniformly.
        cell_target = np.repeat(np.arange(away.size), away.ravel())
        if len(cell_target):
            origin = home[cell_target // n_targets]
            graph = self.geography.adjacency
            degree = np.diff(graph.indptr)[origin]
            place = graph.indices[graph.indptr[origin] + (rng.random(len(origin)) * degree).astype(np.int64)]
            flat += np.bincount(place * n_targets + cell_target % n_targets, minlength=n * n_targets)
        attacks = flat.reshape(n, n_targets).astype(np.int64)
        cols.resources = np.maximum(cols.resources - counts, 0.0)
        access = self.sanctuary_border_of(cols)
        border_level = self.programmes.level("border_management")
        bonus = (p["sanctuary_income_bonus"] * p["sanctuary_strength"]
                 * (1.0 - p["effect_border_sanctuary_cut"] * border_level))
        cols.resources += p["resource_income_per_member"] * cols.members * (1.0 + bonus * access)
        lethality = self.lethality * p["deaths_per_attack"]
        lethality = lethality * self._hvt_factor(self.programmes.level("hvt_protection"))
        harm = p["injuries_per_attack"] / p["deaths_per_attack"]
        deaths = self._casualties(rng, attacks, lethality)
        injuries = self._casualties(rng, attacks, lethality * harm)
        return {"attacks": attacks, "deaths": deaths, "injuries": injuries}

    def _hvt_factor(self, protection: float) -> np.ndarray:
        """Lethality multiplier by target: protection cuts it for high-value targets only."""
        p = self.p
        factor = np.ones(len(TARGETS))
        factor[HIGH_VALUE] = 1.0 - p["effect_hvt_lethality_cut"] * protection
        return factor

    def sanctuary_border_of(self, cols: CellTable) -> np.ndarray:
        """Whether each cell stands in a district whose border offers its affiliation sanctuary."""
        return self.sanctuary_border[cols.affiliation, cols.district]

    def _casualties(self, rng: np.random.Generator, attacks: np.ndarray, mean: np.ndarray) -> np.ndarray:
        """Casualties by district and target: a sum of negative binomials, one per attack, drawn at once."""
        k = self.p["casualty_dispersion"]
        out = np.zeros(attacks.shape, dtype=np.int64)
        some = attacks > 0
        means = np.broadcast_to(mean, attacks.shape)[some]
        out[some] = rng.negative_binomial(attacks[some] * k, k / (k + means))
        return out

    # ----------------------------------------------------------------------------------- legitimacy, fear
    def _update_legitimacy(self, attacks: dict[str, np.ndarray], ops: dict[str, np.ndarray]) -> None:
        p = self.p
        per_100k = 1e5 / self.population
        deaths = attacks["deaths"].sum(axis=1) * per_100k
        collateral = ops["collateral"] * per_100k
        self.fear = self.fear * p["fear_decay"] + p["fear_per_death"] * deaths
        strength = self.forces.strength
        military_share = strength[:, 2] / np.maximum(strength.sum(axis=1), 1e-12)
        dialogue = self.programmes.level("dialogue") * (self.merged | (self.region_names == "Balochistan"))
        target = (self.legitimacy_base + p["effect_development_legitimacy"] * self._development_reach
                  + p["effect_police_conduct_legitimacy"] * self.programmes.level("police_capacity")
                  + p["effect_dialogue_legitimacy"] * dialogue
                  - p["legitimacy_military_presence_effect"] * military_share)
        self.legitimacy = np.clip(
            self.legitimacy + p["legitimacy_adjustment_rate"] * (target - self.legitimacy)
            - p["legitimacy_collateral_effect"] * collateral - p["legitimacy_attack_effect"] * deaths, 0.0, 1.0)
        memory = p["threat_memory"]
        self.threat = memory * self.threat + (1.0 - memory) * attacks["attacks"].sum(axis=1)

    # ---------------------------------------------------------------------------------------- lifecycle
    def _lifecycle(self, hit: np.ndarray) -> dict[str, np.ndarray | int]:
        """Dormancy, sanctuary and moves of pressed cells, splits, then dissolution of empty cells. Returns
        end-of-month aggregates (members by district, dormant cells, cells in sanctuary)."""
        rng, p, table = self.streams["lifecycle"], self.p, self.cell_table
        n = len(table)
        hit = np.concatenate([hit, np.zeros(n - len(hit), dtype=bool)])  # cells born this month were not hit
        u = rng.random((n, 5))
        alive = table.members > 0
        table.dormant = np.where(table.dormant, u[:, 0] >= p["reactivation_rate"], u[:, 0] < p["dormancy_rate"])
        border_level = self.programmes.level("border_management")
        enter = (p["sanctuary_strength"] * (1.0 - p["effect_border_sanctuary_cut"] * border_level)
                 * np.where(hit, 1.0, p["sanctuary_entry_unpressed"]))
        inside = ~table.in_sanctuary
        entering = inside & self.sanctuary_border[table.affiliation, table.district] & (u[:, 1] < enter)
        staying = table.in_sanctuary & (u[:, 1] >= p["sanctuary_return_rate"])
        table.in_sanctuary = staying | entering
        moving = alive & inside & ~entering & hit & (u[:, 2] < p["cell_move_rate_under_pressure"])
        if moving.any():
            # A pressed cell moves where support is high and pressure low: sympathisers over force density.
            density = self.forces.effective.sum(axis=1) / self.population * 1e5
            appeal = (self.sympathisers.sum(axis=1) + 1.0) / (density + p["force_density_half_saturation"])
            for row in np.flatnonzero(moving).tolist():
                neighbours = self.geography.neighbours[table.district[row]]
                table.agents[row].move_to_district(int(neighbours[np.argmax(appeal[neighbours])]))
        for row in np.flatnonzero(alive & (table.members > p["split_size"])).tolist():
            here = int(table.district[row])
            neighbours = self.geography.neighbours[here]
            place = here if u[row, 3] < 0.5 else int(neighbours[int(u[row, 4] * len(neighbours))])
            table.agents[row].split(place)
        table.remove_empty()
        return {"members_by_district": np.bincount(table.district, table.members, self.n_districts),
                "dormant": int(table.dormant.sum()), "in_sanctuary": int(table.in_sanctuary.sum())}

    # ---------------------------------------------------------------------------------------------- outputs
    def _by_region(self, values: np.ndarray) -> np.ndarray:
        return np.bincount(self.region_index, values, len(REGIONS))

    def _weighted_by_region(self, values: np.ndarray) -> tuple[float, np.ndarray]:
        pop_region = self._by_region(self.population)
        return (float(values @ self.population / self.population.sum()),
                self._by_region(values * self.population) / pop_region)

    def _record(self, attacks: dict, ops: dict, justice: dict, flows: dict, cells: dict) -> None:
        rec = self.record
        counts = attacks["attacks"]
        for key in ("attacks", "deaths", "injuries"):
            by_district = attacks[key].sum(axis=1)
            rec[key] = float(by_district.sum())
            rec[f"{key}@regions"] = self._by_region(by_district)
        by_target = counts.sum(axis=0)
        deaths_by_target = attacks["deaths"].sum(axis=0)
        injuries_by_target = attacks["injuries"].sum(axis=0)
        for t, name in enumerate(TARGETS):
            rec[f"attacks_on_{name}"] = float(by_target[t])
            rec[f"deaths_{name}"] = float(deaths_by_target[t])
            rec[f"injuries_{name}"] = float(injuries_by_target[t])
        rec.setdefault("recruits", 0.0)
        rec.setdefault("recruits@regions", np.zeros(len(REGIONS)))
        rec.setdefault("recruits@strata", np.zeros(len(STRATUM_NAMES), dtype=np.int64))
        for key in ("recruits_poor", "recruits_affluent", "recruits_away_from_family", "recruits_out_of_school",
                    "recruits_religious_link"):
            rec.setdefault(key, 0.0)
        rec["sympathisers"] = float(self.sympathisers.sum())
        rec["active_militants"] = float(cells["members_by_district"].sum())
        rec["active_militants@regions"] = self._by_region(cells["members_by_district"])
        rec["cells"] = float(len(self.cell_table))
        rec["dormant_cells"] = float(cells["dormant"])
        rec["cells_in_sanctuary"] = float(cells["in_sanctuary"])
        rec["militants_killed"] = float(flows["killed"])
        rec["arrests"] = float(flows["arrested"])
        rec["prosecutions"] = float(justice["decided"].sum())
        rec["convictions"] = float(justice["convicted"].sum())
        rec["releases"] = float(justice["released"].sum())
        rec["released_untried"] = float(justice["released_untried"].sum())
        rec["returned_to_militancy"] = float(flows["returned"])
        rec["deradicalised"] = float(flows["deradicalised"])
        rec["detained_without_trial"] = float(self.justice.awaiting)
        rec["collateral_casualties"] = float(ops["collateral"].sum())
        rec["legitimacy"], rec["legitimacy@regions"] = self._weighted_by_region(self.legitimacy)
        rec["fear"], rec["fear@regions"] = self._weighted_by_region(self.fear)
        credited = ops["operations_by_force"]
        rec["operations_police"], rec["operations_paramilitary"], rec["operations_military"] = map(float, credited)
        rec["deployed_formations"] = float(sum(f.cell is not None for f in self.forces.formations))
        rec["cost"] = self.forces.monthly_cost() + self.p["programme_full_cost"] * self._programme_effort()
        self.flows = flows
        missing = {o.name for o in OUTPUTS} - rec.keys()
        assert not missing, f"outputs not recorded: {sorted(missing)}"

    def _programme_effort(self) -> float:
        """Sum of the implemented non-kinetic programmes, each in full-programme units (assumption)."""
        level = self.programmes.level
        return (level("police_capacity") + level("prosecution_capacity") / 4.0 + level("madrasa_reform")
                + level("education_investment") + level("development") + level("counter_narrative")
                + level("deradicalisation") + level("border_management") + level("hvt_protection")
                + level("dialogue"))

    # ------------------------------------------------------------------------------------------- helpers
    @property
    def militant_cells(self) -> list[MilitantCell]:
        """The militant cell agents, in the order of the cell table's rows."""
        return list(self.cell_table.agents)

    def run(self, months: int) -> CTModel:
        """Run ``months`` steps and return self."""
        for _ in range(months):
            self.step()
        return self

    def release(self) -> None:
        """Drop Mesa's per-model id counter (Mesa 3.3.1 keeps one per model forever: a leak in long batches)."""
        Agent._ids.pop(self, None)

    def agents_of(self, kind: type) -> list:
        """Agents of one class (an empty list when there are none; Mesa raises for absent types)."""
        agents = self.agents_by_type.get(kind)
        return list(agents) if agents is not None else []


__all__ = ["CTModel", "STREAMS", "District", "Police", "ParamilitaryWing", "MilitaryFormation", "MilitantCell"]
