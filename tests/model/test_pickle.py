"""A model pickles mid-run (snapshots, sending to a worker) and the restored copy continues bit for bit."""

from __future__ import annotations

import pickle

from ctsim.model.recording import monthly_frames
from ctsim.scenarios.runner import build_model


def test_a_model_pickled_mid_run_continues_bit_for_bit():
    # kinetic_surge has a history, a schedule with a ramp and a change of lead: every kind of state a run carries.
    model = build_model("kinetic_surge", seed=3)
    total = 36 + 36  # the 36-month history, then three years of the scenario
    model.run(42)  # into the scenario's schedule, past the branch
    restored = pickle.loads(pickle.dumps(model))
    try:
        model.run(total - 42)
        restored.run(total - 42)
        for original, copy in zip(monthly_frames(model, include_history=True),
                                  monthly_frames(restored, include_history=True), strict=True):
            assert original.equals(copy), "a restored model must continue exactly as the original"
        assert model.reverted_levers == restored.reverted_levers
        assert model.policy == restored.policy
    finally:
        model.release()
        restored.release()
