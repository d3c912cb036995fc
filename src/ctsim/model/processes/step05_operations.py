"""Process 5 of the month: deployment and security operations: detect, arrest, kill; collateral harm.

Forces deploy as the CT lead dictates (:class:`ctsim.model.forces.Forces`); the chance of finding a cell grows with
the reach of the forces in its district (saturating with force density), coordination (NACTA's placement and a
central CTD), tempo (kinetic intensity, eroded as militants adapt to it), community intelligence (police hear from
people who trust the state, so it grows with the police's share of the operating forces and with legitimacy) and
the cell's size. Collateral harm depends on who operates (accuracy by force type) and the tempo, and comes both from
operations that find a cell and from the searching itself (cordon-and-search, raids, curfews: :func:`search_harm`),
found or not, wherever cells operate; so a higher tempo costs bystanders even where it finds little. It feeds
legitimacy and, remembered, radicalisation where it falls (:mod:`ctsim.model.processes.step08_legitimacy`).

Writes ``lead_weights``, ``police_weight``, ``strength``, ``effective``, ``ctd``, ``formation_district`` (the
deployment), ``adapted_tempo``, ``tempo``, ``reach`` and ``cells`` (members found, and the resources an operation
destroys or seizes with them: ``hit_resource_loss``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ctsim.compiling import kernel
from ctsim.model.compiled import Streams
from ctsim.model.state import Parameters, State

if TYPE_CHECKING:
    from ctsim.model.core import CTModel

PARAMS = ("detection_rate", "militant_adaptation", "coordination_base", "coordination_interior",
          "visibility_reference_size", "community_intelligence_weight", "dormant_detection_factor",
          "force_density_half_saturation", "hit_fraction", "kill_share_police", "kill_share_paramilitary",
          "kill_share_military", "collateral_police", "collateral_paramilitary", "collateral_military",
          "search_harm_rate", "hit_resource_loss")
(DETECTION, ADAPTATION, COORD_BASE, COORD_INTERIOR, VISIBILITY, INTELLIGENCE, DORMANT, HALF_SATURATION, HIT_FRACTION,
 KILL_POLICE, KILL_PARAMILITARY, KILL_MILITARY, COLLATERAL_POLICE, COLLATERAL_PARAMILITARY, COLLATERAL_MILITARY,
 SEARCH_HARM, RESOURCE_LOSS) = range(len(PARAMS))


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


def current_tempo(s: State, p: Parameters) -> float:
    """Operations' tempo this month: kinetic_tempo_base + the kinetic programme's level."""
    return p["kinetic_tempo_base"] + s.programmes.level("kinetic_intensity")


def coordination(s: State, p: Parameters) -> float:
    """Coordination relative to NACTA under the Interior Ministry (NACTA's placement and a central CTD)."""
    return ((p["coordination_base"] + s.programmes.level("coordination"))
            / (p["coordination_base"] + p["coordination_interior"]))


def operate(model: CTModel, s: State, p: Parameters, streams: Streams) -> Operations:
    """Deploy the forces, then search for cells: find, arrest or kill their members, with collateral harm."""
    model.forces.deploy(model, s, s.threat)
    # Militants adapt to the tempo they have lived under (dispersal, communications discipline), so a sustained
    # surge's gain erodes (FACTS.md s4: short-term success, then resurgence) and a long lull breeds complacency.
    s.tempo = current_tempo(s, p)
    s.adapted_tempo += (s.tempo - s.adapted_tempo) / p["adaptation_months"]
    members, district, _, resources, dormant, in_sanctuary = s.cells.columns()
    hit, killed, arrested, collateral, by_force = operate_kernel(
        streams, p.vector(PARAMS), s.effective, s.population, s.legitimacy, members, district, resources, dormant,
        in_sanctuary, s.cells.n, s.tempo, s.reference_tempo / max(s.adapted_tempo, 1e-9), coordination(s, p),
        s.reach, detection_focus(s, p))
    # The pressure sustained above the status quo's (the tempo militants lived with at the start), where the forces
    # reach: what denies cells room (step 4) builds and fades over months.
    s.denied += (s.reach * max(s.tempo / s.reference_tempo - 1.0, 0.0) - s.denied) / p["room_denial_months"]
    return Operations(hit, killed, arrested, collateral, by_force)


def karachi_focus(s: State, p: Parameters) -> float:
    """The multiplier on the chance of finding a cell in Karachi's districts: the Karachi operation's
    (``effect_karachi_operation_detection``) while it runs, 1 otherwise."""
    return p["effect_karachi_operation_detection"] if s.policy.karachi_operation else 1.0


def detection_focus(s: State, p: Parameters) -> np.ndarray:
    """Each district's multiplier on the chance of finding a cell there: the Karachi operation in Karachi's
    districts (:func:`karachi_focus`), and in the militants' strongholds of North Waziristan and Khyber
    ``stronghold_detection_factor`` until operations reach them (``operations_in_strongholds``)."""
    return focus_kernel(s.karachi, karachi_focus(s, p), s.strongholds, not s.policy.operations_in_strongholds,
                        p["stronghold_detection_factor"])


@kernel
def focus_kernel(karachi, karachi_factor, strongholds, in_strongholds_too, stronghold_factor):
    """:func:`detection_focus`'s multipliers: 1, ``karachi_factor`` in Karachi's districts, and
    ``stronghold_factor`` in the strongholds when ``in_strongholds_too``."""
    out = np.ones(karachi.size)
    for d in range(karachi.size):
        if karachi[d]:
            out[d] = karachi_factor
        if in_strongholds_too and strongholds[d]:
            out[d] = stronghold_factor
    return out


def expected_collateral(s: State, p: Parameters) -> np.ndarray:
    """Expected collateral harm a month by district under the current deployment and tempo (no random draw; it
    writes this month's ``reach``): the status quo's level, which the harm memory starts at."""
    members, district, _, _, dormant, in_sanctuary = s.cells.columns()
    return expected_collateral_kernel(p.vector(PARAMS), s.effective, s.population, s.legitimacy, members, district,
                                      dormant, in_sanctuary, s.cells.n, s.tempo, s.reference_tempo
                                      / max(s.adapted_tempo, 1e-9), coordination(s, p), s.reach,
                                      detection_focus(s, p))


def search_harm(s: State, p: Parameters, tempo: float) -> np.ndarray:
    """Expected bystanders harmed this month by searching, found or not, by district: the CT strength operating in
    each district where cells are (military-equivalents by accuracy, per 1,000) times tempo and
    ``search_harm_rate``. Districts without cells see no searches. Reads the state, writes nothing."""
    members, district, _, _, dormant, in_sanctuary = s.cells.columns()
    return search(p.vector(PARAMS), s.effective, s.population, s.legitimacy, members, district, dormant, in_sanctuary,
                  s.cells.n, tempo, 1.0, 1.0, np.ones(s.population.size))[3]


@kernel
def military_equivalents(q):
    """Weight of a police officer, a Ranger or FC man, and a soldier by accuracy relative to the military's (a
    soldier weighs 1): how heavily each force's presence and searching tread."""
    military = max(q[COLLATERAL_MILITARY], 1e-12)
    return np.array([q[COLLATERAL_POLICE] / military, q[COLLATERAL_PARAMILITARY] / military, 1.0])


@kernel
def search(q, effective, population, legitimacy, members, district, dormant, in_sanctuary, n_cells, tempo,
           surprise_base, coordination_index, focus):
    """Each cell's detection hazard, each district's force mix, collateral per hit and harm of searching, and the
    forces' reach (0-1: finding cells takes intelligence more than numbers, so it saturates with effective force
    density; it also deters attacks this month). In each district the hazard is ``focus`` times as high
    (:func:`detection_focus`)."""
    n = population.size
    reach = np.empty(n)
    mix = np.zeros((n, 3))
    per_hit = np.empty(n)
    intelligence = np.empty(n)
    equivalents = military_equivalents(q)
    searching = np.zeros(n)
    for d in range(n):
        total = effective[d, 0] + effective[d, 1] + effective[d, 2]
        density = total / population[d] * 1e5
        reach[d] = density / (density + q[HALF_SATURATION])
        scale = max(total, 1e-12)
        for f in range(3):
            mix[d, f] = effective[d, f] / scale
        per_hit[d] = (mix[d, 0] * q[COLLATERAL_POLICE] + mix[d, 1] * q[COLLATERAL_PARAMILITARY]
                      + mix[d, 2] * q[COLLATERAL_MILITARY]) * tempo
        # police hear from people who trust the state: column 0 is the police
        intelligence[d] = 1.0 + q[INTELLIGENCE] * mix[d, 0] * legitimacy[d]
        searching[d] = (effective[d, 0] * equivalents[0] + effective[d, 1] * equivalents[1]
                        + effective[d, 2] * equivalents[2]) / 1000.0
    # Detection follows the tempo relative to the one militants have adapted to.
    surprise = surprise_base ** q[ADAPTATION]
    base = q[DETECTION] * coordination_index * tempo * surprise
    hazard = np.zeros(n_cells)
    present = np.zeros(n, dtype=np.bool_)
    for c in range(n_cells):
        if in_sanctuary[c]:
            continue
        d = district[c]
        if members[c] > 0:
            present[d] = True
        visibility = np.sqrt(max(members[c], 0) / q[VISIBILITY])
        hazard[c] = (base * reach[d] * intelligence[d] * visibility * (q[DORMANT] if dormant[c] else 1.0)
                     * focus[d])
    for d in range(n):  # searching harms bystanders where cells are, found or not (Districts without cells: none)
        searching[d] = q[SEARCH_HARM] * tempo * searching[d] if present[d] else 0.0
    return hazard, mix, per_hit, searching, reach


@kernel
def operate_kernel(streams, q, effective, population, legitimacy, members, district, resources, dormant,
                   in_sanctuary, n_cells, tempo, surprise_base, coordination_index, reach, focus):
    rng = streams.operations
    n = population.size
    hazard, mix, per_hit, searching, reached = search(q, effective, population, legitimacy, members, district,
                                                      dormant, in_sanctuary, n_cells, tempo, surprise_base,
                                                      coordination_index, focus)
    reach[:] = reached
    hit = np.zeros(n_cells, dtype=np.bool_)
    for c in range(n_cells):
        hit[c] = rng.random() < 1.0 - np.exp(-hazard[c])
    found = np.flatnonzero(hit)
    neutralised = np.empty(found.size, dtype=np.int64)
    for i in range(found.size):
        neutralised[i] = rng.binomial(members[found[i]], q[HIT_FRACTION])
    killed = np.zeros(n, dtype=np.int64)
    arrested = np.zeros(n, dtype=np.int64)
    collateral = np.zeros(n)
    by_force = np.zeros(3)
    for i in range(found.size):
        d = district[found[i]]
        share = (mix[d, 0] * q[KILL_POLICE] + mix[d, 1] * q[KILL_PARAMILITARY] + mix[d, 2] * q[KILL_MILITARY]) * tempo
        dead = rng.binomial(neutralised[i], min(max(share, 0.0), 1.0))
        killed[d] += dead
        arrested[d] += neutralised[i] - dead
        members[found[i]] -= neutralised[i]
        # what the operation destroys or seizes besides the members: weapons, funds, safe houses, leaders
        resources[found[i]] *= 1.0 - q[RESOURCE_LOSS]
        for f in range(3):
            by_force[f] += mix[d, f]
    for i in range(found.size):
        collateral[district[found[i]]] += rng.poisson(per_hit[district[found[i]]])
    for d in range(n):
        collateral[d] += rng.poisson(searching[d])
    return hit, killed, arrested, collateral, by_force


@kernel
def expected_collateral_kernel(q, effective, population, legitimacy, members, district, dormant, in_sanctuary,
                               n_cells, tempo, surprise_base, coordination_index, reach, focus):
    hazard, _, per_hit, searching, reached = search(q, effective, population, legitimacy, members, district, dormant,
                                                    in_sanctuary, n_cells, tempo, surprise_base, coordination_index,
                                                    focus)
    reach[:] = reached
    hits = np.zeros(population.size)
    for c in range(n_cells):
        hits[district[c]] += 1.0 - np.exp(-hazard[c])
    return hits * per_hit + searching
