"""Process 7 of the month: attacks (number, place, target, deaths, injuries) and cell resources.

Each cell's expected attacks grow with its size and resources and fall with deterrence where forces reach; a share
of them is carried into a neighbouring district; targets follow the affiliation's mix; casualties are negative
binomial per attack, with protection of high-value targets cutting their lethality. Deaths and injuries per attack
vary from year to year (FACTS.md s1): in 2022-2024 each year has PICSS's ratio, and every other year draws its own
(:func:`casualties_per_attack`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ctsim.data import PICSS_ANNUAL
from ctsim.declarations.parameters import PARAMETERS_BY_NAME
from ctsim.model.militants import (
    HIGH_VALUE,
    TARGET_MIX,
    TARGETS,
    CellTable,
)

if TYPE_CHECKING:
    from ctsim.model.core import CTModel


@dataclass
class Attacks:
    """The month's attacks, deaths and injuries, each by district and target type (``TARGETS``)."""

    attacks: np.ndarray
    deaths: np.ndarray
    injuries: np.ndarray


def deterrence(model: CTModel, cols: CellTable) -> np.ndarray:
    """Share of each cell's attacks not held back: where forces reach, militants weigh the risk of arrest
    (Epstein 2002); cells in sanctuary raid regardless."""
    reach = np.where(cols.in_sanctuary, 0.0, model.reach[cols.district])
    return 1.0 - model.p["deterrence"] * reach


def attack_capacity(model: CTModel, cols: CellTable) -> np.ndarray:
    p = model.p
    activity = np.where(cols.dormant, 0.0, np.where(cols.in_sanctuary, p["sanctuary_raid_factor"], 1.0))
    resources = cols.resources / (cols.resources + p["resource_half_saturation"])
    return np.maximum(cols.members, 0) ** p["attack_size_elasticity"] * resources * activity


def attack(model: CTModel) -> Attacks:
    """Cells attack: how many, where, on which targets, with what casualties; cells spend and earn resources."""
    rng, p, cols = model.streams["attacks"], model.p, model.cell_table
    n = model.n_districts
    counts = rng.poisson(model.attack_rate * attack_capacity(model, cols) * deterrence(model, cols))
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
        graph = model.geography.adjacency
        degree = np.diff(graph.indptr)[origin]
        place = graph.indices[graph.indptr[origin] + (rng.random(len(origin)) * degree).astype(np.int64)]
        flat += np.bincount(place * n_targets + cell_target % n_targets, minlength=n * n_targets)
    attacks = flat.reshape(n, n_targets).astype(np.int64)
    cols.resources = np.maximum(cols.resources - counts, 0.0)
    access = sanctuary_border_of(model, cols)
    bonus = p["sanctuary_income_bonus"] * p["sanctuary_strength"] * border_openness(model)
    cols.resources += p["resource_income_per_member"] * cols.members * (1.0 + bonus * access)
    deaths_per_attack, injuries_per_attack = casualties_per_attack(model)
    lethality = model.lethality * hvt_factor(model, model.programmes.level("hvt_protection"))
    some = attacks > 0
    deaths = casualties(model, rng, attacks, lethality * deaths_per_attack, some)
    injuries = casualties(model, rng, attacks, lethality * injuries_per_attack, some)
    return Attacks(attacks, deaths, injuries)


# Each observed year's deaths and injuries per attack relative to the declared pooled 2022-2024 ratios (FACTS.md s1).
OBSERVED_YEAR_EFFECT = {
    year: (f["deaths"] / f["attacks"] / PARAMETERS_BY_NAME["deaths_per_attack"].value,
           f["injuries"] / f["attacks"] / PARAMETERS_BY_NAME["injuries_per_attack"].value)
    for year, f in PICSS_ANNUAL.items()
}


def casualties_per_attack(model: CTModel) -> tuple[float, float]:
    """Mean deaths and injuries per attack in the current month's year.

    ``deaths_per_attack`` and ``injuries_per_attack`` (the pooled 2022-2024 ratios) times the year's effect: in a year
    PICSS reports (2022-2024), its observed ratio over the pooled one (an input, so the fit of deaths and injuries in
    those years tests only the attacks); in any other year, a draw made once for the year from the run's "casualties"
    stream, lognormal with mean one and the log-sd of the year-to-year variation (``casualty_year_sd_deaths`` and
    ``_injuries``, from PICSS 2020-2024). The two draws are independent (five years cannot estimate a correlation).
    """
    year = (model.start + (model.steps - 1)).year
    effect = model.casualty_year_effect.get(year)
    if effect is None:
        if year in OBSERVED_YEAR_EFFECT:
            effect = OBSERVED_YEAR_EFFECT[year]
        else:
            sd = np.array([model.p["casualty_year_sd_deaths"], model.p["casualty_year_sd_injuries"]])
            z = model.streams["casualties"].standard_normal(2)
            effect = tuple(float(v) for v in np.exp(sd * z - sd ** 2 / 2.0))
        model.casualty_year_effect[year] = effect
    return model.p["deaths_per_attack"] * effect[0], model.p["injuries_per_attack"] * effect[1]


def hvt_factor(model: CTModel, protection: float) -> np.ndarray:
    """Lethality multiplier by target: protection cuts it for high-value targets only."""
    p = model.p
    factor = np.ones(len(TARGETS))
    factor[HIGH_VALUE] = 1.0 - p["effect_hvt_lethality_cut"] * protection
    return factor


def border_openness(model: CTModel) -> float:
    """Share of the cross-border sanctuary left open by border management (1 with none): it scales sanctuary entry,
    cross-border supply and the fighters arriving from Afghanistan alike."""
    return 1.0 - model.p["effect_border_sanctuary_cut"] * model.programmes.level("border_management")


def sanctuary_border_of(model: CTModel, cols: CellTable) -> np.ndarray:
    """Whether each cell stands in a district whose border offers its affiliation sanctuary."""
    return model.sanctuary_border[cols.affiliation, cols.district]


def casualties(model: CTModel, rng: np.random.Generator, attacks: np.ndarray, mean: np.ndarray,
               some: np.ndarray) -> np.ndarray:
    """Casualties by district and target: a sum of negative binomials, one per attack, drawn at once (``some``:
    where ``attacks > 0``, computed once for deaths and injuries)."""
    k = model.p["casualty_dispersion"]
    out = np.zeros(attacks.shape, dtype=np.int64)
    means = np.broadcast_to(mean, attacks.shape)[some]
    out[some] = rng.negative_binomial(attacks[some] * k, k / (k + means))
    return out
