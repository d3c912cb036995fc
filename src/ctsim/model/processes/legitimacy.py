"""Process 8 of the month: legitimacy and fear, militants' local support, and the threat memory that guides next
month's deployment.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ctsim.model.processes.operations import military_equivalents
from ctsim.model.processes.radicalisation import support_target

if TYPE_CHECKING:
    from ctsim.model.core import CTModel
    from ctsim.model.processes.attacks import Attacks
    from ctsim.model.processes.operations import Operations


def update_legitimacy(model: CTModel, attacks: Attacks, ops: Operations) -> None:
    """Fear follows deaths; legitimacy moves toward its target (services, dialogue, heavy-handed contact, detention
    without trial) and falls with collateral harm and deaths; the harm memory follows collateral harm; militants'
    local support follows their presence, less the fear their attacks leave; the threat memory follows attacks.

    Legitimacy follows conduct, not who is said to lead: a police lead gains standing only through what it changes
    (fewer soldiers in contact, less collateral harm, and more arrests, which cost standing while they wait untried).
    Operating harder costs standing through the same contact: every force's weight in it grows with the tempo.
    """
    p = model.p
    per_100k = 1e5 / model.population
    deaths = attacks.deaths.sum(axis=1) * per_100k
    collateral = ops.collateral * per_100k
    model.fear = model.fear * p["fear_decay"] + p["fear_per_death"] * deaths
    # Heavy-handed contact: each force's share of deployed strength weighted by its accuracy relative to the
    # military's (a soldier weighs 1, a police officer collateral_police / collateral_military), times the tempo
    # relative to the status quo's at the start: a higher tempo means more raids, cordons and checkpoints.
    strength = model.forces.strength
    heavy_handed = (strength @ military_equivalents(p) / np.maximum(strength.sum(axis=1), 1e-12)
                    * model.tempo / model.reference_tempo)
    dialogue = model.programmes.level("dialogue") * (model.merged | (model.region_names == "Balochistan"))
    detained = model.justice.queue.sum(axis=1) * per_100k  # awaiting trial, in the district where arrested
    target = (model.legitimacy_base + p["effect_development_legitimacy"] * model.development_reach
              + p["effect_dialogue_legitimacy"] * dialogue
              - p["legitimacy_heavy_handed_effect"] * heavy_handed
              - p["legitimacy_detention_effect"] * detained)
    model.legitimacy = np.clip(
        model.legitimacy + p["legitimacy_adjustment_rate"] * (target - model.legitimacy)
        - p["legitimacy_collateral_effect"] * collateral - p["legitimacy_attack_effect"] * deaths, 0.0, 1.0)
    # Collateral harm is remembered where it fell (it raises radicalisation there: radicalisation_hazard).
    model.harm += collateral - model.harm / p["harm_memory_months"]
    # Militants' local support drifts toward their presence in the district (own militants, not neighbours'):
    # slow to build where violence is new, slow to fade where it has long been at home; the fear their attacks
    # leave behind lowers what their presence can build (a balancing loop on the militant side).
    militants = np.bincount(model.cell_table.district, model.cell_table.members, model.n_districts)
    target = support_target(model, militants) / (1.0 + p["support_fear_effect"] * model.fear)
    model.support += (target - model.support) / p["support_months"]
    memory = p["threat_memory"]
    model.threat = memory * model.threat + (1.0 - memory) * attacks.attacks.sum(axis=1)
