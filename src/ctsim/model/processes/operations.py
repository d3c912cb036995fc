"""Process 5 of the month: deployment and security operations: detect, arrest, kill; collateral harm.

Forces deploy as the CT lead dictates (:class:`ctsim.model.forces.Forces`); the chance of finding a cell grows with
the reach of the forces in its district (saturating with force density), coordination (NACTA's placement and a
central CTD), tempo (kinetic intensity, eroded as militants adapt to it), community intelligence (police hear from
people who trust the state, so it grows with the police's share of the operating forces and with legitimacy) and
the cell's size. Collateral harm
depends on who operates (accuracy by force type) and the tempo, and comes both from operations that find a cell and
from the searching itself (cordon-and-search, raids, curfews: :func:`search_harm`), found or not, wherever cells
operate; so a higher tempo costs bystanders even where it finds little. It feeds legitimacy and, remembered,
radicalisation where it falls (:mod:`ctsim.model.processes.legitimacy`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from ctsim.model.core import CTModel


@dataclass
class Operations:
    """What the month's operations did.

    Attributes:
        hit: per cell-table row, whether the cell was found (rows of cells born later this month are not included).
        killed: militants killed, by district.
        arrested: militants arrested, by district.
        collateral: bystanders harmed, by district.
        operations_by_force: successful operations credited to police, paramilitary and military (by their share of
            the district's effective strength).
    """

    hit: np.ndarray
    killed: np.ndarray
    arrested: np.ndarray
    collateral: np.ndarray
    operations_by_force: np.ndarray


def force_reach(model: CTModel) -> np.ndarray:
    """Reach of this month's forces in each district, 0-1: finding cells takes intelligence more than numbers,
    so it saturates with effective force density."""
    density = model.forces.effective.sum(axis=1) / model.population * 1e5
    return density / (density + model.p["force_density_half_saturation"])


def current_tempo(model: CTModel) -> float:
    """Operations' tempo this month: kinetic_tempo_base + the kinetic programme's level."""
    return model.p["kinetic_tempo_base"] + model.programmes.level("kinetic_intensity")


def _search(model: CTModel) -> tuple[np.ndarray, np.ndarray, float]:
    """This month's detection hazard per cell-table row, the force mix per district (police, paramilitary,
    military shares of effective strength) and the tempo, given the tempo militants have adapted to."""
    p, cols = model.p, model.cell_table
    effective = model.forces.effective
    mix = effective / np.maximum(effective.sum(axis=1), 1e-12)[:, None]
    tempo = model.tempo = current_tempo(model)
    # Detection follows the tempo relative to the one militants have adapted to (see operate).
    surprise = (model.reference_tempo / max(model.adapted_tempo, 1e-9)) ** p["militant_adaptation"]
    coordination = ((p["coordination_base"] + model.programmes.level("coordination"))
                    / (p["coordination_base"] + p["coordination_interior"]))
    visibility = np.sqrt(np.maximum(cols.members, 0) / p["visibility_reference_size"])
    reach = model.reach = force_reach(model)  # also deters attacks this month
    intelligence = 1.0 + p["community_intelligence_weight"] * mix[:, 0] * model.legitimacy  # police: column 0
    hazard = (p["detection_rate"] * coordination * tempo * surprise * (reach * intelligence)[cols.district]
              * visibility * np.where(cols.dormant, p["dormant_detection_factor"], 1.0) * ~cols.in_sanctuary)
    return hazard, mix, tempo


def collateral_by_force(p) -> np.ndarray:
    """Bystanders harmed per hit by police, paramilitary and military (their accuracy)."""
    return np.array([p["collateral_police"], p["collateral_paramilitary"], p["collateral_military"]])


def military_equivalents(p) -> np.ndarray:
    """Weight of a police officer, a Ranger or FC man, and a soldier by accuracy relative to the military's (a
    soldier weighs 1): how heavily each force's presence and searching tread."""
    accuracy = collateral_by_force(p)
    return accuracy / max(accuracy[2], 1e-12)


def collateral_per_hit(model: CTModel, mix: np.ndarray, tempo: float) -> np.ndarray:
    """Expected bystanders harmed per successful operation, by district: accuracy by force type, times tempo."""
    return mix @ collateral_by_force(model.p) * tempo


def search_harm(model: CTModel, tempo: float) -> np.ndarray:
    """Expected bystanders harmed this month by searching, found or not, by district: the CT strength operating in
    each district where cells are (military-equivalents by accuracy, per 1,000) times tempo and
    ``search_harm_rate``. Districts without cells see no searches."""
    p, cols = model.p, model.cell_table
    effort = model.forces.effective @ military_equivalents(p) / 1000.0
    present = np.bincount(cols.district, cols.members * ~cols.in_sanctuary, model.n_districts) > 0
    return p["search_harm_rate"] * tempo * effort * present


def expected_collateral(model: CTModel) -> np.ndarray:
    """Expected collateral harm this month by district under the current deployment (no random draw; it sets only this
    month's force reach and tempo): used to start the harm memory at its status-quo level."""
    hazard, mix, tempo = _search(model)
    cols = model.cell_table
    hits = np.bincount(cols.district, 1.0 - np.exp(-hazard), model.n_districts)
    return hits * collateral_per_hit(model, mix, tempo) + search_harm(model, tempo)


def operate(model: CTModel) -> Operations:
    """Deploy the forces, then search for cells: find, arrest or kill their members, with collateral harm."""
    rng, p, cols = model.streams["operations"], model.p, model.cell_table
    model.forces.deploy(model.threat)
    # Militants adapt to the tempo they have lived under (dispersal, communications discipline), so a sustained
    # surge's gain erodes (FACTS.md s4: short-term success, then resurgence) and a long lull breeds complacency.
    model.adapted_tempo += (current_tempo(model) - model.adapted_tempo) / p["adaptation_months"]
    hazard, mix, tempo = _search(model)
    searching = search_harm(model, tempo)  # where cells are at the start of the month
    hit = rng.random(len(cols.members)) < 1.0 - np.exp(-hazard)
    found = np.flatnonzero(hit)
    where = cols.district[found]
    neutralised = rng.binomial(cols.members[found], p["hit_fraction"])
    kill_share = np.clip(mix @ np.array([p["kill_share_police"], p["kill_share_paramilitary"],
                                         p["kill_share_military"]]) * tempo, 0.0, 1.0)
    killed = rng.binomial(neutralised, kill_share[where])
    cols.members[found] -= neutralised
    collateral = rng.poisson(collateral_per_hit(model, mix, tempo)[where])
    n = model.n_districts
    searched = rng.poisson(searching)
    return Operations(
        hit=hit,
        killed=np.bincount(where, killed, n).astype(np.int64),
        arrested=np.bincount(where, neutralised - killed, n).astype(np.int64),
        collateral=np.bincount(where, collateral, n) + searched,
        operations_by_force=mix[where].sum(axis=0),
    )
