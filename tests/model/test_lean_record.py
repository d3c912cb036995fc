"""A lean recorder (a calibration candidate's run) records what the fit reads, bit for bit as a full run does, and
nothing else; a run whose triggers watch anything else records everything."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from ctsim.analysis.calibration import point
from ctsim.calibration.draws import draw_for_replication
from ctsim.calibration.parameter_sets import read_posterior
from ctsim.model.recording import LEAN_OUTPUTS, LEAN_REGIONAL, OUTPUT_INDEX, REGIONAL_INDEX
from ctsim.scenarios.files import resolve_scenario
from ctsim.scenarios.runner import lean_covers, recorded_stages, run_recorded
from ctsim.scenarios.triggers import Trigger

NATIONAL = [OUTPUT_INDEX[name] for name in LEAN_OUTPUTS]
REGIONAL = [REGIONAL_INDEX[name] for name in LEAN_REGIONAL]


def _others(index: dict[str, int], kept: list[int]) -> list[int]:
    return [i for i in index.values() if i not in kept]


def test_a_lean_run_records_the_fits_outputs_bit_for_bit_and_nothing_else():
    history = resolve_scenario(point.HISTORY)
    posterior = read_posterior()
    for replication, seed in ((0, 7), (3, 8)):
        values = draw_for_replication(posterior, replication)
        full = run_recorded(history, seed, uncertainties=values)
        lean = run_recorded(history, seed, uncertainties=values, outputs=point.READ)
        assert lean.months.equals(full.months)
        assert np.array_equal(lean.national[:, NATIONAL], full.national[:, NATIONAL])
        assert np.array_equal(lean.regional[:, REGIONAL], full.regional[:, REGIONAL])
        assert full.series("attacks").sum() > 0 and np.isfinite(full.national).all()
        assert np.isnan(lean.national[:, _others(OUTPUT_INDEX, NATIONAL)]).all()
        assert np.isnan(lean.regional[:, _others(REGIONAL_INDEX, REGIONAL)]).all()
        # what the calibration computes from a run is the same whichever way it was recorded
        a, b = point.fit_of([full]), point.fit_of([lean])
        assert a.annual == b.annual and a.shares == b.shares and a.killed == b.killed
        assert np.array_equal(a.monthly_attacks, b.monthly_attacks)
        stages = list(recorded_stages(history, seed, pauses=[30, 90], uncertainties=values, outputs=point.READ))
        assert np.array_equal(stages[-1].national, lean.national, equal_nan=True)


def test_lean_recording_covers_the_fits_reads_and_the_histories_triggers_only():
    history = resolve_scenario(point.HISTORY)
    assert any(t.region is not None for t in history.triggers), "the history's reactions watch a region"
    assert lean_covers(history, point.READ)
    assert not lean_covers(history, (*point.READ, "legitimacy"))
    assert not lean_covers(history, ("legitimacy@regions",))
    assert not lean_covers(history, ("cells@regions",)), "cells are counted nationally only"
    watching = Trigger(name="legitimacy_watch", when="legitimacy", lever="kinetic_intensity", value=0.5, below=0.1)
    assert not lean_covers(replace(history, triggers=(*history.triggers, watching)), point.READ)


def test_a_run_whose_triggers_watch_another_output_records_every_output():
    history = resolve_scenario(point.HISTORY)
    watching = Trigger(name="legitimacy_watch", when="legitimacy", lever="kinetic_intensity", value=0.5, below=0.0)
    scenario = replace(history, triggers=(*history.triggers, watching))
    recorded = run_recorded(scenario, 5, months=3, outputs=point.READ)
    assert np.isfinite(recorded.national).all() and np.isfinite(recorded.regional).all()
