"""Every lever and every uncertainty in the registry is wired: moving it across its range changes at least one
summary outcome by more than the noise across seeds (paired runs with common random numbers)."""

from __future__ import annotations

import numpy as np
import pytest

from ctsim.declarations import registry
from ctsim.declarations.levers import Policy
from ctsim.declarations.outputs import SUMMARY_NAMES
from ctsim.model.core import CTModel
from ctsim.model.recording import monthly_frames, summarise

SEEDS = 6
MONTHS = 48
OUTCOMES = SUMMARY_NAMES  # every per-run summary outcome
T_THRESHOLD = 4.0

# Some factors only act when another lever is on (an effect size needs its programme; a handover needs a change of
# lead; continuity needs a change of government within the horizon). Both runs of the pair share this context.
EARLY_TRANSITION = {"months_to_first_transition": 24.0}
CONTEXT: dict[str, tuple[dict, dict]] = {
    "handover_months": ({"ct_lead": "police"}, {}),
    "narrative_kind": ({"counter_narrative": 1.0}, {}),
    "development_merged_first": ({"development": 1.0}, {}),
    "political_continuity": ({"development": 1.0, "education_investment": 1.0}, EARLY_TRANSITION),
    "cross_party_ownership": ({"development": 1.0, "political_continuity": 0.0}, EARLY_TRANSITION),
    "effect_police_capacity_ct_gain": ({"police_capacity": 1.0}, {}),
    "effect_development_poverty_cut": ({"development": 1.0}, {}),
    "effect_development_legitimacy": ({"development": 1.0}, {}),
    "development_merged_reach_multiple": ({"development": 1.0}, {}),
    "effect_education_out_of_school_cut": ({"education_investment": 1.0}, {}),
    "effect_education_admin_gain": ({"education_investment": 1.0}, {}),
    "effect_education_away_cut": ({"education_investment": 1.0}, {}),
    "effect_madrasa_seminary_risk_cut": ({"madrasa_reform": 1.0}, {}),
    "effect_narrative_religious": ({"counter_narrative": 1.0}, {}),
    "effect_narrative_socio_economic": ({"counter_narrative": 1.0, "narrative_kind": "socio_economic"}, {}),
    "rehabilitation_places_per_year": ({"deradicalisation": 1.0}, {}),
    "rehabilitation_relapse": ({"deradicalisation": 1.0}, {}),
    "surrender_rate_full": ({"deradicalisation": 1.0}, {}),
    # Adaptation acts only when the tempo moves from the one militants have adapted to.
    "militant_adaptation": ({"kinetic_intensity": 1.0}, {}),
    # Operations deny cells room only while they press above the status quo's tempo.
    "room_denial": ({"kinetic_intensity": 1.0}, {}),
    "room_denial_months": ({"kinetic_intensity": 1.0}, {}),
    "effect_border_sanctuary_cut": ({"border_management": 1.0}, {}),
    # Cells lie low in proportion to the border management in force.
    "border_dormancy": ({"border_management": 1.0}, {}),
    "effect_hvt_lethality_cut": ({"hvt_protection": 1.0}, {}),
    "effect_dialogue_legitimacy": ({"dialogue": 1.0}, {}),
    # What a Rangers or a police lead sets acts once that lead is in place (a short handover).
    **{f"lead_{lead}_{setting}": ({"ct_lead": lead, "handover_months": 3}, {}) for lead in ("rangers", "police")
       for setting in ("military_deployment", "police_weight", "paramilitary_release")},
    # A price moves the cost only while what it prices runs (kinetic tempo is priced above the status quo's).
    "cost_kinetic_full_tempo": ({"kinetic_intensity": 1.0}, {}),
    "cost_nacta_pm_office": ({"nacta_placement": "pm_office"}, {}),
    "cost_central_ctd": ({"central_ctd": True}, {}),
    "cost_police_capacity_full": ({"police_capacity": 1.0}, {}),
    "cost_madrasa_reform_full": ({"madrasa_reform": 1.0}, {}),
    "cost_education_full": ({"education_investment": 1.0}, {}),
    "cost_development_full": ({"development": 1.0}, {}),
    "cost_deradicalisation_full": ({"deradicalisation": 1.0}, {}),
    "cost_dialogue_full": ({"dialogue": 1.0}, {}),
    # Where a split's new cell goes matters only where cells split: since calibration 12 few grow past 50 members
    # (t = 3.2 at the default size, 3.3 at 30); at 20 (consolidation at half of it, as by default) splits are common.
    "split_stay_share": ({}, {"split_size": 20.0, "cell_consolidation_size": 10.0}),
    # The 2013-2024 history's world and operations act from a start in 2013: the Afghan sanctuary before Kabul fell,
    # the havens and operations in the tribal strongholds before Zarb-e-Azb cleared them, the Karachi operation where
    # Karachi's violence of 2013 is.
    "afghan_sanctuary_before_kabul": ({}, {}),
    "stronghold_detection_factor": ({"operations_in_strongholds": False}, {}),
    "stronghold_haven": ({"operations_in_strongholds": False}, {}),
    "karachi_operation": ({}, {}),
    "effect_karachi_operation_detection": ({"karachi_operation": True}, {}),
    "initial_karachi_share_of_sindh": ({}, {}),
}
# The month a factor's pair of runs starts (default: the model's own start, 2024-01).
START = {name: "2013-01" for name in ("afghan_sanctuary_before_kabul", "stronghold_detection_factor",
                                      "stronghold_haven", "karachi_operation", "effect_karachi_operation_detection",
                                      "operations_in_strongholds", "initial_karachi_share_of_sindh")}


def _ends(f: registry.Factor):
    if f.kind in ("bool", "choice"):
        return f.levels[0], f.levels[-1]
    return f.low, f.high


def _summaries(levers: dict, params: dict, start: str = "2024-01") -> np.ndarray:
    rows = []
    for seed in range(SEEDS):
        model = CTModel(policy=Policy(**levers), params=params, seed=1000 + seed, start=start)
        model.run(MONTHS)
        national, regional = monthly_frames(model)
        model.release()
        summary = summarise(national, regional)
        rows.append([summary[o] for o in OUTCOMES])
    return np.array(rows)


# Factors whose effect on every summary outcome is smaller than the noise of SEEDS paired runs, with what was
# measured; each has a test of its mechanism below instead (the noise test still runs and must keep failing, so a
# change that makes the effect large is noticed and the entry removed).
# (Empty on calibration 12: the Rangers' border release, weak on version 11 (t 2.9-4.4), moved the police's share of
# operations with t = 8.0.) On version 13 the police lead's border release was below the noise (strongest: injuries
# among state institutions, t = 3.46); on version 14 it moves the police's share of operations again (t = 5.85), so
# the list is empty. Its mechanism test below stays.
WEAK: dict[str, str] = {}


@pytest.mark.parametrize("factor", registry.FACTORS, ids=lambda f: f.name)
def test_factor_moves_an_outcome_beyond_the_noise(factor):
    levers, params = CONTEXT.get(factor.name, ({}, {}))
    start = START.get(factor.name, "2024-01")
    low, high = _ends(factor)
    runs = []
    for value in (low, high):
        if factor.role == registry.LEVER:
            runs.append(_summaries({**levers, factor.name: value}, params, start))
        else:
            runs.append(_summaries(levers, {**params, factor.name: value}, start))
    diff = runs[1] - runs[0]
    mean = diff.mean(axis=0)
    sd = diff.std(axis=0, ddof=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        t = np.where(sd > 0, np.abs(mean) / (sd / np.sqrt(SEEDS)), np.where(mean != 0, np.inf, 0.0))
    best = int(np.argmax(t))
    if factor.name in WEAK:
        assert t[best] <= T_THRESHOLD, (f"'{factor.name}' now moves {OUTCOMES[best]} (t = {t[best]:.2f}): drop it "
                                        "from WEAK")
        pytest.xfail(f"below the noise of {SEEDS} paired runs (strongest {OUTCOMES[best]}, t = {t[best]:.2f}); its "
                     f"mechanism is tested by {WEAK[factor.name]}")
    assert t[best] > T_THRESHOLD, (
        f"{factor.role} '{factor.name}' ({low} -> {high}) moved no outcome beyond the noise; strongest: "
        f"{OUTCOMES[best]} (t = {t[best]:.2f})")


@pytest.mark.parametrize("lead", ["rangers", "police"])
def test_a_lead_release_moves_wings_off_the_border(lead):
    """What a lead releases from the border (``lead_<lead>_paramilitary_release``) is wing strength deployed inside:
    with the lead in place, a larger release leaves fewer wing personnel on border posts, the same total."""
    from ctsim.model.forces import INTERNATIONAL_BORDERS

    inside = {}
    for release in (0.2, 0.6):
        model = CTModel(policy=Policy(ct_lead=lead, handover_months=3), seed=1000,
                        params={f"lead_{lead}_paramilitary_release": release})
        model.run(12)
        forces = model.forces
        wings = forces.unit_is_wing
        posts = forces.unit_border[wings]
        on_posts = float((forces.unit_deployment[wings] * posts).sum())
        total = float(forces.unit_deployment[wings].sum())
        inside[release] = total - on_posts
        assert np.isclose(total, forces.unit_strength[wings].sum()), "every wing member is deployed somewhere"
        assert np.isin(model.border_names[posts.any(axis=0)], INTERNATIONAL_BORDERS).all()
        model.release()
    assert inside[0.6] > inside[0.2] * 1.05, f"{lead}: releasing more should put more wing members inside: {inside}"
