"""Process 3 of the month: radicalisation of youth into the sympathiser pools, and exit from them.

The hazard of each stratum grows with exposure to militants (in the district and next door), with grievance (poverty
times missing legitimacy) and with remembered collateral harm (the kinetic backlash), falls with administrative
capacity and the counter-narrative, and is scaled by the stratum's relative risk (the Swat findings, FACTS.md s3;
madrasa reform cuts the seminary risk) and by the district's sympathy: where militants have no local support (no
history of militancy) recruiters find few listeners, so violence spreads into new districts only as support builds
there (:func:`sympathy`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ctsim.model.population import (
    relative_risk,
)

if TYPE_CHECKING:
    from ctsim.model.core import CTModel


def support_target(model: CTModel, militants: np.ndarray) -> np.ndarray:
    """The local support (0-1) that each district's own militants would build if they stayed: a threshold (Hill)
    function of militants per 100,000 youth, one half at ``support_scale_militants``.

    The threshold makes history matter: a few cells in a district without support build almost none (their room is
    small, 7.3 of docs/odd.md, so they stay few), while a heartland keeps its support; a district changes side only
    under a large, sustained presence.
    """
    density = militants / np.maximum(model.youth.sum(axis=1), 1.0) * 1e5
    scaled = (density / model.p["support_scale_militants"]) ** 2
    return scaled / (1.0 + scaled)


def sympathy(model: CTModel) -> np.ndarray:
    """How receptive each district is to militants (sympathy_floor with no local support, 1 at full support)."""
    floor = model.p["sympathy_floor"]
    return floor + (1.0 - floor) * model.support


def radicalisation_hazard(model: CTModel, militants: np.ndarray) -> np.ndarray:
    p = model.p
    # Recruiters must reach people: exposure grows with militants (here and, at a declared weight, next door) per
    # 100,000 youth, so a large district with a few militants is not exposed as a whole.
    near = militants + p["exposure_neighbour_weight"] * (model.geography.adjacency @ militants)
    density = near / np.maximum(model.youth.sum(axis=1), 1.0) * 1e5
    exposure = 1.0 - np.exp(-density / p["exposure_scale_militants"])
    grievance = model.poor_share * (1.0 - model.legitimacy)
    narrative = 1.0 - model.programmes.level("narrative_effect")
    backlash = 1.0 + p["harm_radicalisation_weight"] * model.harm  # remembered collateral harm (Bennett 2008)
    local = (exposure * sympathy(model) * (1.0 + p["grievance_weight"] * grievance) * backlash
             * np.exp(-p["admin_protective_effect"] * model.admin_capacity) * narrative)
    rr = relative_risk(p, p["effect_madrasa_seminary_risk_cut"] * model.programmes.level("madrasa_reform"))
    return np.minimum(1.0, p["base_radicalisation_rate"] * local[:, None] * rr[None, :])


def radicalise(model: CTModel) -> np.ndarray:
    """Draw new sympathisers in every district and stratum, and exits from the pools; return the new sympathisers
    (district x stratum)."""
    rng, p = model.streams["population"], model.p
    cols = model.cell_table
    militants = np.bincount(cols.district, cols.members, model.n_districts)
    hazard = radicalisation_hazard(model, militants)
    at_risk = hazard.any(axis=0)  # strata with zero relative risk (the affluent band) draw nothing
    susceptible = np.maximum(model.youth[:, at_risk] - model.sympathisers[:, at_risk], 0)
    new = np.zeros_like(model.sympathisers)
    # Hazards are of order 1e-5 a month: a Poisson draw (capped at those at risk) is the binomial to within
    # far less than the model's other uncertainties, and cheaper.
    new[:, at_risk] = np.minimum(rng.poisson(susceptible * hazard[:, at_risk]), susceptible)
    # Deradicalisation does not act on the pool at large: no evidence in FACTS.md that programmes reach people who
    # have not been arrested or surrendered (they act in processes/justice.py).
    exit_rate = p["sympathiser_exit_rate"]
    held = model.sympathisers > 0
    leaving = np.zeros_like(model.sympathisers)
    leaving[held] = rng.binomial(model.sympathisers[held], exit_rate)
    model.sympathisers += new - leaving
    return new
