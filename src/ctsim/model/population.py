"""The youth population as numpy strata: who is at risk of radicalisation, and how the strata are composed.

People are not agents: each district's youth are counts in 24 strata,
poverty band (poor, middle, affluent) x living arrangement (with family, away in a hostel or boarding seminary under a
teacher's control) x schooling (in school, out of school) x religious-school link (none, link).
Radicalisation is a multiplicative hazard on a base rate (PROTON-OC style), with the Swat findings (FACTS.md s3) as
its anchor: poverty and living away from family dominate, a religious link does not.
"""

from __future__ import annotations

import numpy as np

from ctsim.compiling import kernel

BANDS = ("poor", "middle", "affluent")
LIVING = ("family", "away")
SCHOOLING = ("in_school", "out_of_school")
RELIGIOUS = ("no_link", "link")
N_STRATA = len(BANDS) * len(LIVING) * len(SCHOOLING) * len(RELIGIOUS)

# Index of every stratum along each dimension: stratum = band * 8 + living * 4 + schooling * 2 + religious.
_GRID = np.indices((len(BANDS), len(LIVING), len(SCHOOLING), len(RELIGIOUS))).reshape(4, -1)
STRATUM_BAND, STRATUM_AWAY, STRATUM_OUT_OF_SCHOOL, STRATUM_RELIGIOUS = _GRID
STRATUM_NAMES = tuple(
    f"{BANDS[b]}|{LIVING[v]}|{SCHOOLING[s]}|{RELIGIOUS[r]}" for b, v, s, r in zip(*_GRID, strict=True)
)
SEMINARY = (STRATUM_AWAY == 1) & (STRATUM_RELIGIOUS == 1)

# The parameters the strata are composed and weighted with, in the order the kernels below read them.
COMPOSITION_PARAMS = ("affluent_share", "away_share_poor", "away_share_middle", "away_share_affluent",
                      "religious_link_share_away", "religious_link_share_family", "youth_share")
RISK_PARAMS = ("rr_middle_band", "rr_affluent_band", "rr_away_from_family", "rr_out_of_school", "rr_religious_link")


@kernel
def compose_youth(population, poor_share, out_of_school, away_scale, q, youth):
    """Youth by district and stratum (rounded to whole persons) from each district's poor and out-of-school shares
    and the national away-from-family scale; ``q`` holds :data:`COMPOSITION_PARAMS`."""
    affluent_share, youth_share = q[0], q[6]
    away_by_band = np.array([q[1], q[2], q[3]]) * away_scale
    link_share = np.array([q[5], q[4]])  # with family, away
    for d in range(population.size):
        poor = min(max(poor_share[d], 0.0), 1.0)
        affluent = min(affluent_share, 1.0 - poor)
        middle = 1.0 - poor - affluent
        oos = min(max(out_of_school[d], 0.0), 1.0)
        for s in range(24):
            b, v, k, r = s // 8, (s // 4) % 2, (s // 2) % 2, s % 2
            share = poor if b == 0 else (middle if b == 1 else affluent)  # the band's share
            away = away_by_band[b] if v == 1 else 1.0 - away_by_band[b]
            religious = link_share[v] if r == 1 else 1.0 - link_share[v]
            school = oos if k == 1 else 1.0 - oos
            youth[d, s] = np.int64(np.rint(population[d] * youth_share * (share * (away * religious) * school)))


@kernel
def relative_risk(q, seminary_risk_cut):
    """Relative radicalisation risk of each stratum against the reference (poor, family, school, no link);
    ``q`` holds :data:`RISK_PARAMS`; ``seminary_risk_cut`` (0-1) removes that share of the away-from-family risk for
    youth in boarding seminaries (the madrasa-reform lever acts here)."""
    band_rr = np.array([1.0, q[0], q[1]])
    rr = np.empty(24)
    for s in range(24):
        b, v, k, r = s // 8, (s // 4) % 2, (s // 2) % 2, s % 2
        away = q[2] if v == 1 else 1.0
        if v == 1 and r == 1:
            away = 1.0 + (away - 1.0) * (1.0 - seminary_risk_cut)
        rr[s] = band_rr[b] * away * (q[3] if k == 1 else 1.0) * (q[4] if r == 1 else 1.0)
    return rr
