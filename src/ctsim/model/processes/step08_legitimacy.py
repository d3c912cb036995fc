"""Process 8 of the month: legitimacy and fear, militants' local support, and the threat memory that guides next
month's deployment.

Fear follows deaths; legitimacy moves toward its target (services, dialogue, heavy-handed contact, detention without
trial) and falls with collateral harm and deaths; the harm memory follows collateral harm; militants' local support
follows their presence, less the fear their attacks leave; the threat memory follows attacks.

Legitimacy follows conduct, not who is said to lead: a police lead gains standing only through what it changes
(fewer soldiers in contact, less collateral harm, and more arrests, which cost standing while they wait untried).
Operating harder costs standing through the same contact: every force's weight in it grows with the tempo.

Writes ``fear``, ``legitimacy``, ``harm``, ``support`` and ``threat``.
"""

from __future__ import annotations

import numpy as np

from ctsim.compiling import kernel
from ctsim.model.processes.step03_radicalisation import militants_by_district, support_target
from ctsim.model.processes.step05_operations import PARAMS as OPERATIONS_PARAMS
from ctsim.model.processes.step05_operations import military_equivalents
from ctsim.model.processes.step07_attacks import Attacks
from ctsim.model.state import Parameters, State

PARAMS = ("fear_decay", "fear_per_death", "effect_development_legitimacy", "effect_dialogue_legitimacy",
          "legitimacy_heavy_handed_effect", "legitimacy_detention_effect", "legitimacy_adjustment_rate",
          "legitimacy_collateral_effect", "legitimacy_attack_effect", "harm_memory_months", "support_fear_effect",
          "support_months", "threat_memory", "support_scale_militants")
(FEAR_DECAY, FEAR_PER_DEATH, DEVELOPMENT, DIALOGUE, HEAVY_HANDED, DETENTION, ADJUSTMENT, COLLATERAL, ATTACK, MEMORY,
 SUPPORT_FEAR, SUPPORT_MONTHS, THREAT_MEMORY, SUPPORT_SCALE) = range(len(PARAMS))


def update_legitimacy(s: State, p: Parameters, attacks: Attacks, collateral: np.ndarray) -> None:
    """Update fear, legitimacy, the harm memory, militants' local support and the threat memory."""
    legitimacy_kernel(p.vector(PARAMS), military_equivalents(p.vector(OPERATIONS_PARAMS)), s.population,
                      attacks.deaths, attacks.attacks, collateral, s.strength, s.tempo / s.reference_tempo,
                      s.programmes.level("dialogue"), s.dialogue_area, s.queue, s.legitimacy_base,
                      s.development_reach, s.cells.buffers["members"], s.cells.buffers["district"], s.cells.n, s.youth,
                      s.fear, s.legitimacy, s.harm, s.support, s.threat)


@kernel
def legitimacy_kernel(q, equivalents, population, deaths_by_target, attacks_by_target, collateral, strength,
                      relative_tempo, dialogue, dialogue_area, queue, legitimacy_base, development_reach, members,
                      district, n_cells, youth, fear, legitimacy, harm, support, threat):
    n = population.size
    militants = militants_by_district(members, district, n_cells, n)
    target_support = support_target(militants, youth, q[SUPPORT_SCALE])
    for d in range(n):
        per_100k = 1e5 / population[d]
        deaths = deaths_by_target[d].sum() * per_100k
        harmed = collateral[d] * per_100k
        fear[d] = fear[d] * q[FEAR_DECAY] + q[FEAR_PER_DEATH] * deaths
        # Heavy-handed contact: each force's share of deployed strength weighted by its accuracy relative to the
        # military's (a soldier weighs 1), times the tempo relative to the status quo's at the start: a higher tempo
        # means more raids, cordons and checkpoints.
        total = max(strength[d, 0] + strength[d, 1] + strength[d, 2], 1e-12)
        heavy_handed = (strength[d, 0] * equivalents[0] + strength[d, 1] * equivalents[1]
                        + strength[d, 2] * equivalents[2]) / total * relative_tempo
        detained = queue[d].sum() * per_100k  # awaiting trial, in the district where arrested
        target = (legitimacy_base[d] + q[DEVELOPMENT] * development_reach[d]
                  + q[DIALOGUE] * (dialogue if dialogue_area[d] else 0.0)
                  - q[HEAVY_HANDED] * heavy_handed - q[DETENTION] * detained)
        legitimacy[d] = min(max(legitimacy[d] + q[ADJUSTMENT] * (target - legitimacy[d])
                                - q[COLLATERAL] * harmed - q[ATTACK] * deaths, 0.0), 1.0)
        # Collateral harm is remembered where it fell (it raises radicalisation there).
        harm[d] += harmed - harm[d] / q[MEMORY]
        # Militants' local support drifts toward their presence in the district (own militants, not neighbours'):
        # slow to build where violence is new, slow to fade where it has long been at home; the fear their attacks
        # leave behind lowers what their presence can build (a balancing loop on the militant side).
        built = target_support[d] / (1.0 + q[SUPPORT_FEAR] * fear[d])
        support[d] += (built - support[d]) / q[SUPPORT_MONTHS]
        threat[d] = q[THREAT_MEMORY] * threat[d] + (1.0 - q[THREAT_MEMORY]) * attacks_by_target[d].sum()
