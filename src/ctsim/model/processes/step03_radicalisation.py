"""Process 3 of the month: radicalisation of youth into the sympathiser pools, and exit from them.

The hazard of each stratum grows with exposure to militants (in the district and next door), with grievance (poverty
times missing legitimacy) and with remembered collateral harm (the kinetic backlash), falls with administrative
capacity and the counter-narrative, and is scaled by the stratum's relative risk (the Swat findings, FACTS.md s3;
madrasa reform cuts the seminary risk) and by the district's sympathy: where militants have no local support (no
history of militancy) recruiters find few listeners, so violence spreads into new districts only as support builds
there (:func:`sympathy`).

Writes ``sympathisers``.
"""

from __future__ import annotations

import numpy as np

from ctsim.compiling import kernel
from ctsim.model.compiled import Streams
from ctsim.model.population import RISK_PARAMS, relative_risk
from ctsim.model.state import Parameters, State

PARAMS = ("exposure_neighbour_weight", "exposure_scale_militants", "grievance_weight", "harm_radicalisation_weight",
          "admin_protective_effect", "base_radicalisation_rate", "sympathy_floor", "sympathiser_exit_rate",
          "support_scale_militants")
NEIGHBOUR_WEIGHT, EXPOSURE_SCALE, GRIEVANCE, HARM, ADMIN, BASE, FLOOR, EXIT, SUPPORT_SCALE = range(len(PARAMS))


def radicalise(s: State, p: Parameters, streams: Streams) -> np.ndarray:
    """Draw new sympathisers in every district and stratum, and exits from the pools; return the new sympathisers
    (district x stratum)."""
    members, district = s.cells.buffers["members"], s.cells.buffers["district"]
    return radicalise_kernel(streams, p.vector(PARAMS), members, district, s.cells.n, s.adjacency_indptr,
                             s.adjacency_index, s.youth, s.sympathisers, s.poor_share, s.legitimacy, s.harm,
                             s.admin_capacity, s.support, s.programmes.level("narrative_effect"), _risk(s, p))


def hazard(s: State, p: Parameters, militants: np.ndarray) -> np.ndarray:
    """The monthly radicalisation hazard of every district and stratum, given the militants in each district."""
    out = np.empty(s.youth.shape)
    hazard_into(p.vector(PARAMS), militants, s.adjacency_indptr, s.adjacency_index, s.youth, s.poor_share,
                s.legitimacy, s.harm, s.admin_capacity, s.support, s.programmes.level("narrative_effect"),
                _risk(s, p), out)
    return out


def _risk(s: State, p: Parameters) -> np.ndarray:
    """Each stratum's relative risk, with madrasa reform's cut of the seminary risk as far as it is in force."""
    return relative_risk(p.vector(RISK_PARAMS),
                         p["effect_madrasa_seminary_risk_cut"] * s.programmes.level("madrasa_reform"))


@kernel
def militants_by_district(members, district, n_cells, n_districts):
    """Members of every cell, summed by the district it stands in."""
    out = np.zeros(n_districts)
    for c in range(n_cells):
        out[district[c]] += members[c]
    return out


@kernel
def sympathy(support, floor):
    """How receptive each district is to militants (``floor`` with no local support, 1 at full support)."""
    return floor + (1.0 - floor) * support


@kernel
def support_target(militants, youth, scale):
    """The local support (0-1) that each district's own militants would build if they stayed: a threshold (Hill)
    function of militants per 100,000 youth, one half at ``scale`` (``support_scale_militants``).

    The threshold makes history matter: a few cells in a district without support build almost none (their room is
    small, 7.3 of docs/odd.md, so they stay few), while a heartland keeps its support; a district changes side only
    under a large, sustained presence."""
    n = militants.size
    out = np.empty(n)
    for d in range(n):
        density = militants[d] / max(youth[d].sum(), 1.0) * 1e5
        scaled = (density / scale) ** 2
        out[d] = scaled / (1.0 + scaled)
    return out


@kernel
def hazard_into(q, militants, indptr, index, youth, poor_share, legitimacy, harm, admin_capacity, support, narrative,
                rr, out):
    """The monthly radicalisation hazard of every district and stratum (capped at 1)."""
    narrative_left = 1.0 - narrative
    for d in range(militants.size):
        # Recruiters must reach people: exposure grows with militants (here and, at a declared weight, next door)
        # per 100,000 youth, so a large district with a few militants is not exposed as a whole.
        near = 0.0
        for j in range(indptr[d], indptr[d + 1]):
            near += militants[index[j]]
        near = militants[d] + q[NEIGHBOUR_WEIGHT] * near
        density = near / max(youth[d].sum(), 1.0) * 1e5
        exposure = 1.0 - np.exp(-density / q[EXPOSURE_SCALE])
        grievance = poor_share[d] * (1.0 - legitimacy[d])
        backlash = 1.0 + q[HARM] * harm[d]  # remembered collateral harm (Bennett 2008)
        local = (exposure * (q[FLOOR] + (1.0 - q[FLOOR]) * support[d]) * (1.0 + q[GRIEVANCE] * grievance) * backlash
                 * np.exp(-q[ADMIN] * admin_capacity[d]) * narrative_left)
        for k in range(rr.size):
            out[d, k] = min(1.0, q[BASE] * local * rr[k])


@kernel
def radicalise_kernel(streams, q, members, district, n_cells, indptr, index, youth, sympathisers, poor_share,
                      legitimacy, harm, admin_capacity, support, narrative, rr):
    rng = streams.population
    n, strata = youth.shape
    militants = militants_by_district(members, district, n_cells, n)
    hazard = np.empty((n, strata))
    hazard_into(q, militants, indptr, index, youth, poor_share, legitimacy, harm, admin_capacity, support, narrative,
                rr, hazard)
    new = np.zeros((n, strata), dtype=np.int64)
    # Hazards are of order 1e-5 a month: a Poisson draw (capped at those at risk) is the binomial to within far less
    # than the model's other uncertainties, and cheaper. Strata with no risk (the affluent band) draw nothing.
    for d in range(n):
        for k in range(strata):
            if hazard[d, k] > 0.0:
                susceptible = max(youth[d, k] - sympathisers[d, k], 0)
                if susceptible > 0:
                    new[d, k] = min(rng.poisson(susceptible * hazard[d, k]), susceptible)
    # Deradicalisation does not act on the pool at large: no evidence in FACTS.md that programmes reach people who
    # have not been arrested or surrendered (they act in the justice process).
    for d in range(n):
        for k in range(strata):
            held = sympathisers[d, k]
            leaving = rng.binomial(held, q[EXIT]) if held > 0 else 0
            sympathisers[d, k] += new[d, k] - leaving
    return new
