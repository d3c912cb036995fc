"""The youth population as numpy strata: radicalisation into sympathiser pools and recruitment from them.

People are not agents: each district's youth are counts in 24 strata,
poverty band (poor, middle, affluent) x living arrangement (with family, away in a hostel or boarding seminary under a
teacher's control) x schooling (in school, out of school) x religious-school link (none, link).
Radicalisation is a multiplicative hazard on a base rate (PROTON-OC style), with the Swat findings (FACTS.md s3) as
its anchor: poverty and living away from family dominate, a religious link does not.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

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


@dataclass
class StrataShares:
    """Shares that fix the composition of a district's youth (see :func:`composition`); ``away_scale`` multiplies
    the away-from-family shares (education's day schools near home lower it)."""

    poor: np.ndarray
    out_of_school: np.ndarray
    away_scale: float = 1.0


def composition(shares: StrataShares, p: dict[str, float]) -> np.ndarray:
    """Return the share of each district's youth in each stratum, shape (districts, 24), rows summing to 1.

    Args:
        shares: poor and out-of-school shares per district (0-1).
        p: model parameters (away shares by band, religious-link shares, affluent share).
    """
    poor = np.clip(shares.poor, 0.0, 1.0)
    affluent = np.minimum(p["affluent_share"], 1.0 - poor)
    middle = 1.0 - poor - affluent
    band = np.stack([poor, middle, affluent], axis=1)  # (d, 3)
    away_by_band = (np.array([p["away_share_poor"], p["away_share_middle"], p["away_share_affluent"]])
                    * shares.away_scale)
    away = away_by_band[STRATUM_BAND] * STRATUM_AWAY + (1 - away_by_band[STRATUM_BAND]) * (1 - STRATUM_AWAY)
    oos = np.clip(shares.out_of_school, 0.0, 1.0)[:, None]
    school = np.where(STRATUM_OUT_OF_SCHOOL == 1, oos, 1.0 - oos)  # (d, 24)
    link_share = np.where(STRATUM_AWAY == 1, p["religious_link_share_away"], p["religious_link_share_family"])
    religious = np.where(STRATUM_RELIGIOUS == 1, link_share, 1.0 - link_share)
    return band[:, STRATUM_BAND] * (away * religious)[None, :] * school


def relative_risk(p: dict[str, float], seminary_risk_cut: float = 0.0) -> np.ndarray:
    """Relative radicalisation risk of each stratum against the reference (poor, family, school, no link).

    Args:
        p: model parameters.
        seminary_risk_cut: share (0-1) of the away-from-family risk removed for youth in boarding seminaries
            (the madrasa-reform lever acts here).
    """
    band_rr = np.array([1.0, p["rr_middle_band"], p["rr_affluent_band"]])[STRATUM_BAND]
    away_rr = np.where(STRATUM_AWAY == 1, p["rr_away_from_family"], 1.0)
    away_rr = np.where(SEMINARY, 1.0 + (away_rr - 1.0) * (1.0 - seminary_risk_cut), away_rr)
    school_rr = np.where(STRATUM_OUT_OF_SCHOOL == 1, p["rr_out_of_school"], 1.0)
    religious_rr = np.where(STRATUM_RELIGIOUS == 1, p["rr_religious_link"], 1.0)
    return band_rr * away_rr * school_rr * religious_rr


def draw_without_replacement(rng: np.random.Generator, pool: np.ndarray, n: np.ndarray) -> np.ndarray:
    """Draw ``n[d]`` people from each row of ``pool`` (counts by stratum) without replacement.

    Recruits are few against the pools they come from, so one vectorised multinomial draw (with replacement) over
    all drawing districts gives almost the same law; any row where it would take more people from a stratum than
    the stratum holds is redrawn exactly (multivariate hypergeometric). ``n`` must not exceed the row sums.
    """
    taken = np.zeros_like(pool)
    rows = np.flatnonzero(n > 0)
    if len(rows) == 0:
        return taken
    sub = pool[rows]
    draw = rng.multinomial(n[rows], sub / sub.sum(axis=1, keepdims=True))
    for k in np.flatnonzero((draw > sub).any(axis=1)):
        draw[k] = rng.multivariate_hypergeometric(sub[k], int(n[rows[k]]))
    taken[rows] = draw
    return taken
