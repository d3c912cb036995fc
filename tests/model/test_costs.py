"""Costs: every lever is priced as its declaration says (docs/odd.md section 7.11), and a lever that costs nothing
says why."""

from __future__ import annotations

import numpy as np
import pytest

from ctsim.declarations.levers import LEVERS, LEVERS_BY_NAME, Cost, Policy
from ctsim.declarations.parameters import defaults
from ctsim.model.core import CTModel
from ctsim.model.recording import monthly_frames

MONTHS = 12
SEED = 3

# Each priced lever moved away from the status quo (with a companion lever where it needs one) and the direction
# its cost should take.
MOVES = {
    "ct_lead": ({"ct_lead": "police"}, {}, -1),  # fewer military formations deployed
    "handover_months": ({"handover_months": 3}, {"ct_lead": "police"}, -1),  # the cheaper lead arrives sooner
    "military_formations": ({"military_formations": 20}, {}, +1),
    "police_capacity": ({"police_capacity": 1.0}, {}, +1),
    "prosecution_capacity": ({"prosecution_capacity": 5.0}, {}, +1),
    "nacta_placement": ({"nacta_placement": "pm_office"}, {}, +1),
    "central_ctd": ({"central_ctd": True}, {}, +1),
    "madrasa_reform": ({"madrasa_reform": 1.0}, {}, +1),
    "education_investment": ({"education_investment": 1.0}, {}, +1),
    "development": ({"development": 1.0}, {}, +1),
    "counter_narrative": ({"counter_narrative": 1.0}, {}, +1),
    "deradicalisation": ({"deradicalisation": 1.0}, {}, +1),
    "border_management": ({"border_management": 1.0}, {}, +1),
    "kinetic_intensity": ({"kinetic_intensity": 1.0}, {}, +1),
    "hvt_protection": ({"hvt_protection": 1.0}, {}, +1),
    "dialogue": ({"dialogue": 1.0}, {}, +1),
}


def _cost(**levers) -> np.ndarray:
    model = CTModel(policy=Policy(**levers), seed=SEED)
    model.run(MONTHS)
    national, _ = monthly_frames(model)
    model.release()
    return national["cost"].to_numpy()


def test_every_priced_lever_is_exercised_and_every_costless_lever_says_why():
    priced = {lever.name for lever in LEVERS if lever.cost.kind != "none"}
    assert set(MOVES) == priced, f"levers priced but not tested, or tested but costless: {set(MOVES) ^ priced}"
    for lever in LEVERS:
        if lever.cost.kind == "none":
            assert len(lever.cost.reason) > 15, f"{lever.name} costs nothing without a stated reason"
            # A costless lever is a choice of where, what or how firmly, never an amount of spending.
            assert lever.kind in ("bool", "choice") or lever.unit == "probability", \
                f"{lever.name} is an amount ({lever.unit}) yet declared costless"
    with pytest.raises(ValueError, match="must say why"):
        Cost("none")
    with pytest.raises(ValueError, match="when"):
        Cost("institution", parameter="cost_central_ctd")


def test_every_cost_parameter_is_declared():
    p = defaults()
    for lever in LEVERS:
        if lever.cost.kind in ("programme", "institution"):
            assert lever.cost.parameter in p, f"{lever.name} is priced by an undeclared {lever.cost.parameter}"


@pytest.mark.parametrize("name", list(MOVES))
def test_setting_a_priced_lever_moves_the_cost_in_the_expected_direction(name):
    moved, companion, sign = MOVES[name]
    difference = _cost(**companion, **moved).sum() - _cost(**companion).sum()
    assert np.sign(difference) == sign, \
        f"{name} = {moved[name]}: cost over {MONTHS} months should go {'up' if sign > 0 else 'down'}, " \
        f"changed by {difference:+,.0f}"


def test_kinetic_tempo_is_priced_above_the_status_quo_from_zarb_e_azb():
    """Full tempo costs cost_kinetic_full_tempo a month more than the status quo, zero tempo as much less, and the
    status quo nothing extra (its operations are paid in the forces' personnel)."""
    p = defaults()
    base = _cost()
    full = _cost(kinetic_intensity=1.0)
    none = _cost(kinetic_intensity=0.0)
    # In the first month the forces have not yet reacted to a different tempo: the difference is the price alone.
    assert full[0] - base[0] == pytest.approx(p["cost_kinetic_full_tempo"]), "full tempo: the Zarb-e-Azb rate"
    assert base[0] - none[0] == pytest.approx(p["cost_kinetic_full_tempo"]), "zero tempo should save as much"
    assert LEVERS_BY_NAME["kinetic_intensity"].cost.above_status_quo


@pytest.mark.parametrize("name, value", [("nacta_placement", "pm_office"), ("central_ctd", True)])
def test_institutions_cost_their_declared_budget_from_the_first_month(name, value):
    p = defaults()
    difference = _cost(**{name: value})[0] - _cost()[0]
    assert difference == pytest.approx(p[LEVERS_BY_NAME[name].cost.parameter]), \
        f"{name} = {value} should cost its declared budget from the first month, not once its effect arrives"


@pytest.mark.parametrize("moved", [{"narrative_kind": "socio_economic"}, {"political_continuity": 0.9},
                                   {"development_merged_first": False, "development": 1.0}])
def test_costless_levers_add_nothing_to_the_cost_before_their_effects_move_the_forces(moved):
    reference = {k: v for k, v in moved.items() if k == "development"}
    assert _cost(**moved)[0] == pytest.approx(_cost(**reference)[0]), f"{moved} is declared costless"


def test_the_recorded_cost_is_the_forces_and_the_programmes():
    """The recording kernel's cost is Forces.monthly_cost plus programme_cost, to the last bit."""
    from ctsim.model.processes.step12_recording import programme_cost
    from ctsim.scenarios.runner import build_model

    model = build_model("civilian_led", 2)
    try:
        for _ in range(40):
            model.step()
            s, p = model.state, model.p
            assert model.record["cost"] == model.forces.monthly_cost(s, p) + programme_cost(s, p)
    finally:
        model.release()
