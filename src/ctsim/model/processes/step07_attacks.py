"""Process 7 of the month: attacks (number, place, target, deaths, injuries) and cell resources.

Each cell's expected attacks grow with its size and resources and fall with deterrence where forces reach; a share
of them is carried into a neighbouring district; targets follow the affiliation's mix; casualties are negative
binomial per attack, with protection of high-value targets cutting their lethality. Deaths and injuries per attack
vary from year to year (FACTS.md s1): in 2022-2024 each year has PICSS's ratio, and every other year draws its own
(:func:`casualties_per_attack`).

Writes ``cells`` (resources) and ``casualty_year_effect``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ctsim.compiling import kernel
from ctsim.data import PICSS_ANNUAL
from ctsim.declarations.parameters import PARAMETERS_BY_NAME
from ctsim.model.compiled import Streams, multinomial
from ctsim.model.militants import HIGH_VALUE, TARGET_MIX, TARGETS
from ctsim.model.state import Parameters, State

PARAMS = ("sanctuary_raid_factor", "resource_half_saturation", "attack_size_elasticity", "deterrence",
          "neighbour_attack_share", "resource_income_per_member", "casualty_dispersion")
RAID, HALF_SATURATION, ELASTICITY, DETERRENCE, NEIGHBOUR_SHARE, INCOME, DISPERSION = range(len(PARAMS))
N_TARGETS = len(TARGETS)


@dataclass
class Attacks:
    """The month's attacks, deaths and injuries, each by district and target type (``TARGETS``)."""

    attacks: np.ndarray
    deaths: np.ndarray
    injuries: np.ndarray


def attack(s: State, p: Parameters, streams: Streams, year: int) -> Attacks:
    """Cells attack: how many, where, on which targets, with what casualties; cells spend and earn resources."""
    deaths_per_attack, injuries_per_attack = casualties_per_attack(s, p, streams, year)
    hvt = high_value_factor(p, s.programmes.level("hvt_protection"))
    bonus = p["sanctuary_income_bonus"] * p["sanctuary_strength"] * sanctuary_reach(s, p)
    members, district, affiliation, resources, dormant, in_sanctuary = s.cells.columns()
    attacks, deaths, injuries = attack_kernel(
        streams, attack_parameters(s, p), s.attack_rate, members, district, affiliation, resources, dormant,
        in_sanctuary, s.cells.n, s.reach, s.adjacency_indptr, s.adjacency_index, s.sanctuary_border, bonus, TARGET_MIX,
        s.lethality, hvt, deaths_per_attack, injuries_per_attack)
    return Attacks(attacks, deaths, injuries)


# Each observed year's deaths and injuries per attack relative to the declared pooled 2022-2024 ratios (FACTS.md s1).
OBSERVED_YEAR_EFFECT = {
    year: (f["deaths"] / f["attacks"] / PARAMETERS_BY_NAME["deaths_per_attack"].value,
           f["injuries"] / f["attacks"] / PARAMETERS_BY_NAME["injuries_per_attack"].value)
    for year, f in PICSS_ANNUAL.items()
}


def casualties_per_attack(s: State, p: Parameters, streams: Streams, year: int) -> tuple[float, float]:
    """Mean deaths and injuries per attack in the current month's year.

    ``deaths_per_attack`` and ``injuries_per_attack`` (the pooled 2022-2024 ratios) times the year's effect: in a year
    PICSS reports (2022-2024), its observed ratio over the pooled one (an input, so the fit of deaths and injuries in
    those years tests only the attacks); in any other year, a draw made once for the year from the run's "casualties"
    stream, lognormal with mean one and the log-sd of the year-to-year variation (``casualty_year_sd_deaths`` and
    ``_injuries``, from PICSS 2020-2024). The two draws are independent (five years cannot estimate a correlation).
    """
    effect = s.casualty_year_effect.get(year)
    if effect is None:
        if year in OBSERVED_YEAR_EFFECT:
            effect = OBSERVED_YEAR_EFFECT[year]
        else:
            sd = np.array([p["casualty_year_sd_deaths"], p["casualty_year_sd_injuries"]])
            z = _two_normals(streams)  # the casualties stream, drawn in its kernel
            effect = tuple(float(v) for v in np.exp(sd * z - sd ** 2 / 2.0))
        s.casualty_year_effect[year] = effect
    return p["deaths_per_attack"] * effect[0], p["injuries_per_attack"] * effect[1]


@kernel
def _two_normals(streams):
    rng = streams.casualties
    return np.array([rng.standard_normal(), rng.standard_normal()])


def hvt_factor(p: Parameters, protection: float) -> np.ndarray:
    """Lethality multiplier by target: protection cuts it for high-value targets only."""
    factor = np.ones(N_TARGETS)
    factor[HIGH_VALUE] = high_value_factor(p, protection)
    return factor


def high_value_factor(p: Parameters, protection: float) -> float:
    """The lethality multiplier of attacks on high-value targets under ``protection`` (1 for the other targets)."""
    return 1.0 - p["effect_hvt_lethality_cut"] * protection


def border_openness(s: State, p: Parameters) -> float:
    """Share of the border left open by border management (1 with none): it scales how easily pressed cells slip
    across into sanctuary, and (with the sanctuary's openness, :func:`sanctuary_reach`) what comes back across."""
    return 1.0 - p["effect_border_sanctuary_cut"] * s.programmes.level("border_management")


def sanctuary_reach(s: State, p: Parameters) -> float:
    """What the militants' safe havens send them this month (supplies, fighters), relative to an open Afghan border
    since August 2021: the border left open (:func:`border_openness`) times the Afghan sanctuary's openness (the
    world, by date: :mod:`ctsim.declarations.world`); and, until operations reach the tribal strongholds of North
    Waziristan and Khyber (``operations_in_strongholds``), at least ``stronghold_haven``: a haven inside the
    country, beyond the border's reach. It scales cross-border supply and the fighters who arrive."""
    reach = border_openness(s, p) * s.afghan_sanctuary
    if not s.policy.operations_in_strongholds:
        reach = max(reach, p["stronghold_haven"])
    return reach


def raid_factor(s: State, p: Parameters) -> float:
    """Attack and recruitment rate of a cell in sanctuary relative to one inside: ``sanctuary_raid_factor`` times the
    sanctuary's openness (before August 2021 a hostile Kabul government and drone strikes held cells there back)."""
    return p["sanctuary_raid_factor"] * s.afghan_sanctuary


def attack_parameters(s: State, p: Parameters) -> np.ndarray:
    """The attack kernels' parameters (:data:`PARAMS`) this month, the raid factor scaled by the sanctuary."""
    q = p.vector(PARAMS).copy()
    q[RAID] = raid_factor(s, p)
    return q


@kernel
def attack_capacity(q, members, resources, dormant, in_sanctuary, n_cells):
    """Each cell's capacity to attack: members (with an elasticity) times the saturating share of resources, times
    its activity (none when dormant, a raid factor in sanctuary)."""
    out = np.empty(n_cells)
    for c in range(n_cells):
        activity = 0.0 if dormant[c] else (q[RAID] if in_sanctuary[c] else 1.0)
        held = resources[c] / (resources[c] + q[HALF_SATURATION])
        out[c] = max(members[c], 0) ** q[ELASTICITY] * held * activity
    return out


@kernel
def deterrence(q, reach, district, in_sanctuary, n_cells):
    """Share of each cell's attacks not held back: where forces reach, militants weigh the risk of arrest
    (Epstein 2002); cells in sanctuary raid regardless."""
    out = np.empty(n_cells)
    for c in range(n_cells):
        out[c] = 1.0 - q[DETERRENCE] * (0.0 if in_sanctuary[c] else reach[district[c]])
    return out


@kernel
def attack_kernel(streams, q, attack_rate, members, district, affiliation, resources, dormant, in_sanctuary, n_cells,
                  reach, indptr, index, sanctuary_border, bonus, target_mix, lethality, hvt, deaths_per_attack,
                  injuries_per_attack):
    rng = streams.attacks
    n = reach.size
    # mean deaths and injuries per attack on each target: lethality x hvt_factor (``hvt``, high_value_factor's, for
    # high-value targets) x the year's mean, multiplied in that order as numpy would
    mean_deaths = np.empty(N_TARGETS)
    mean_injuries = np.empty(N_TARGETS)
    for t in range(N_TARGETS):
        protected = lethality[t] * (hvt if t == HIGH_VALUE else 1.0)
        mean_deaths[t] = protected * deaths_per_attack
        mean_injuries[t] = protected * injuries_per_attack
    capacity = attack_capacity(q, members, resources, dormant, in_sanctuary, n_cells)
    held_back = deterrence(q, reach, district, in_sanctuary, n_cells)
    counts = np.empty(n_cells, dtype=np.int64)
    for c in range(n_cells):
        counts[c] = rng.poisson(attack_rate * capacity[c] * held_back[c])
    attacks = np.zeros((n, N_TARGETS), dtype=np.int64)
    by_target = np.zeros(N_TARGETS, dtype=np.int64)
    for c in range(n_cells):  # most cells do not attack in a given month
        if counts[c] == 0:
            continue
        multinomial(rng, counts[c], target_mix[affiliation[c]], by_target)
        home = district[c]
        degree = indptr[home + 1] - indptr[home]
        share_away = 0.0 if (in_sanctuary[c] or degree == 0) else q[NEIGHBOUR_SHARE]
        for t in range(N_TARGETS):
            away = rng.binomial(by_target[t], share_away) if by_target[t] > 0 else 0
            attacks[home, t] += by_target[t] - away
            # Attacks carried next door: each goes to a neighbour of the cell's district chosen uniformly.
            for _ in range(away):
                attacks[index[indptr[home] + int(rng.random() * degree)], t] += 1
    for c in range(n_cells):
        spent = max(resources[c] - counts[c], 0.0)
        access = 1.0 if sanctuary_border[affiliation[c], district[c]] else 0.0
        resources[c] = spent + q[INCOME] * members[c] * (1.0 + bonus * access)
    k = q[DISPERSION]
    deaths = np.zeros((n, N_TARGETS), dtype=np.int64)
    injuries = np.zeros((n, N_TARGETS), dtype=np.int64)
    # Casualties: a sum of negative binomials, one per attack (a negative binomial of shape attacks x k).
    for out, mean in ((deaths, mean_deaths), (injuries, mean_injuries)):
        for d in range(n):
            for t in range(N_TARGETS):
                if attacks[d, t] > 0:
                    out[d, t] = rng.negative_binomial(attacks[d, t] * k, k / (k + mean[t]))
    return attacks, deaths, injuries
