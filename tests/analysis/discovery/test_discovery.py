"""Scenario discovery end to end on a batch whose failure region is known, its plain words, and its design."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re

import numpy as np
import pandas as pd
import pytest

from ctsim.analysis.discovery import words
from ctsim.analysis.discovery.cases import DiscoveryError, fails, load_cases
from ctsim.analysis.discovery.design import EXPERIMENT_FILE, uncertainty_points, write_design
from ctsim.analysis.discovery.study import discover, scenario_label
from ctsim.calibration import targets
from ctsim.calibration.draws import replication_order
from ctsim.calibration.parameter_sets import DRAWS, POINT_SET, POSTERIOR_FILE, ParameterSet, read_posterior
from ctsim.declarations import registry
from ctsim.experiments.design import load_experiment

NOISE = ("grievance_weight", "support_months", "hit_fraction", "conviction_rate", "harm_memory_months",
         "disengagement_rate")


def draws_set() -> ParameterSet:
    """The packaged draws as a parameter set, whatever model they were computed on (the tests need values, not a
    calibration)."""
    posterior = read_posterior(POSTERIOR_FILE)
    return ParameterSet(DRAWS, posterior, POSTERIOR_FILE, tuple(int(i) for i in replication_order(posterior)))


def synthetic_batch(folder, points: int = 600, replications: int = 1, parameters: dict | None = None,
                    seed: int = 0, failed_run: int | None = None):
    """A batch folder as ``ctsim batch`` writes it, its outcomes made up: civilian_led cuts attacks by 100 against
    the baseline except where the sanctuary is strong (above 0.6) and militants adapt little (below 0.4), where it
    adds 250; noise of 20 attacks on each run."""
    rng = np.random.default_rng(seed)
    factors = {"sanctuary_strength": rng.uniform(0.2, 0.8, points),
               "militant_adaptation": rng.uniform(0.2, 0.8, points)}
    for name in NOISE:
        f = registry.factor(name)
        factors[name] = rng.uniform(f.low, f.high, points)
    rows, parts = [], []
    for p in range(points):
        for s, scenario in enumerate(("baseline", "civilian_led")):
            for r in range(replications):
                run_id = len(rows)
                rows.append({"run_id": run_id, "point": p, "scenario": scenario, "scenario_index": s, "replication": r,
                             "seed_entropy": 1, "seed_spawn_key": r, **{k: v[p] for k, v in factors.items()}})
                inside = factors["sanctuary_strength"][p] > 0.6 and factors["militant_adaptation"][p] < 0.4
                effect = 0.0 if scenario == "baseline" else (250.0 if inside else -100.0)
                parts.append({"run_id": run_id, "status": "failed" if run_id == failed_run else "ok",
                              "attacks": 1000 + effect + rng.normal(0, 20), "legitimacy": 0.5})
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "parts").mkdir()
    pd.DataFrame(rows).to_parquet(folder / "design.parquet", index=False)
    pd.DataFrame(parts).to_parquet(folder / "parts" / "part-000000.parquet", index=False)
    info = {"experiment": "synthetic", "scenarios": [{"name": "baseline"}, {"name": "civilian_led"}], "months": 120,
            "replications": replications, "runs": len(rows), "parameters": parameters or {"mode": "point"}}
    (folder / "batch.json").write_text(json.dumps(info))
    return folder


@pytest.fixture(scope="module")
def found(tmp_path_factory):
    return discover(synthetic_batch(tmp_path_factory.mktemp("batch") / "b"), "civilian_led")


def test_discovery_recovers_the_region_where_the_policy_fails(found):
    assert found.rate == pytest.approx((0.2 / 0.6) ** 2, abs=0.04), "the share of cases where it fails (1 in 9)"
    box = found.boxes[0]
    bounds = {r.name: (r.low, r.high) for r in box.restrictions}
    assert set(bounds) == {"sanctuary_strength", "militant_adaptation"}, f"the two that matter, no other: {bounds}"
    assert bounds["sanctuary_strength"][0] == pytest.approx(0.6, abs=0.04) and bounds["sanctuary_strength"][1] is None
    assert bounds["militant_adaptation"][1] == pytest.approx(0.4, abs=0.04) and bounds["militant_adaptation"][0] is None
    assert box.coverage > 0.85 and box.density > 0.85


def test_the_sentence_reads_in_plain_words_with_coverage_and_density(found):
    text = found.text()
    box = found.boxes[0]
    assert re.search(r"the strength of the Afghan sanctuary is above 0\.\d+ \(share\)", text), text
    assert re.search(r"how much militants adapt to sustained operations is below 0\.\d+ \(elasticity\)", text), text
    assert f"{100 * box.coverage:.0f}% of the failures are in that box" in text
    assert f"{100 * box.density:.0f}% of the cases in that box fail" in text
    assert text.startswith("Police in the lead") and "fails to cut attacks against the status quo over 10 years" in text
    assert "_" not in text, f"no code names in what a person reads: {text}"
    table = found.boxes_table()
    assert set(table["input"]) == {"sanctuary_strength", "militant_adaptation"}
    assert "| 1 | " in found.markdown() and f"model fingerprint `{found.fingerprint}`, commit `{found.commit[:12]}`" \
        in found.markdown(), "a worked example says which model and commit it comes from"


def test_cases_are_runs_with_their_draws_when_replications_differ_by_draw(tmp_path):
    sha = hashlib.sha256(POSTERIOR_FILE.read_bytes()).hexdigest()
    parameters = draws_set()
    record = {"mode": "draws", "sha256": sha, "draw_index": [parameters.draw_index(r) for r in range(2)]}
    cases = load_cases(synthetic_batch(tmp_path / "b", points=20, replications=2, parameters=record), "civilian_led")
    assert cases.per == "run" and len(cases.failed) == 40, "each replication is a case of its own"
    free = [c for c in cases.inputs.columns if c in targets.FREE and c != "sanctuary_strength"]
    assert free, "the calibrated parameters of each run's draw are among the inputs"
    name = free[0]  # (the design sets sanctuary_strength itself, and what a design sets wins over the draw)
    assert cases.inputs[name].iloc[1] == pytest.approx(parameters.values(1)[name]), "replication 1 has draw 1's value"
    changed = {**record, "sha256": "0" * 64}
    with pytest.raises(DiscoveryError, match="parameters.sha256"):
        load_cases(synthetic_batch(tmp_path / "c", points=5, replications=2, parameters=changed), "civilian_led")


def test_a_failure_is_no_improvement_in_the_outcome_s_better_direction():
    reference, policy = np.array([100.0, 100.0, 100.0]), np.array([90.0, 100.0, 97.0])
    assert fails("attacks", reference, policy).tolist() == [False, True, False], "fewer attacks is better"
    assert fails("attacks", reference, policy, margin=0.05).tolist() == [False, True, True], "a 5% cut is asked"
    assert fails("legitimacy", np.array([0.5, 0.5]), np.array([0.6, 0.4])).tolist() == [False, True], \
        "higher legitimacy is better"


def test_bad_choices_name_the_folder_and_the_option(tmp_path):
    folder = synthetic_batch(tmp_path / "b", points=10)
    with pytest.raises(DiscoveryError, match=r"b: option '--policy' = 'civilian_lead' is not a scenario of this "
                                             r"batch .*did you mean 'civilian_led'"):
        load_cases(folder, "civilian_lead")
    with pytest.raises(DiscoveryError, match="option '--outcome'"):
        load_cases(folder, "civilian_led", outcome="atacks")
    with pytest.raises(DiscoveryError, match="name the same scenario"):
        load_cases(folder, "baseline")
    broken = synthetic_batch(tmp_path / "c", points=10, failed_run=3)
    with pytest.raises(DiscoveryError, match="failed or are pending"):
        load_cases(broken, "civilian_led")


def test_every_uncertainty_has_a_plain_name_and_numbers_read_plainly():
    missing = [f.name for f in registry.uncertainties() if f.name not in words.LABELS]
    assert not missing, f"uncertainties without a plain name in ctsim.analysis.discovery.words: {missing}"
    assert not [k for k, v in words.LABELS.items() if "_" in v], "labels are words, not code names"
    assert words.label("ct_lead") == "lead agency for counterterrorism", "levers use their declared label"
    assert words.number(1.3e-05) == "0.000013" and words.number(6200.4) == "6,200" and words.number(0.5512) == "0.55"
    assert words.restriction_words("ct_lead", None, None, ("police",)) == \
        "lead agency for counterterrorism is the police"
    assert scenario_label("baseline") == "the status quo"


def test_the_design_samples_assumed_values_and_carries_each_point_s_draw(tmp_path):
    points = uncertainty_points(50, 3, POINT_SET)
    assert not set(points.columns) & set(targets.FREE), "the point calibration does not vary calibrated parameters"
    for name in points.columns:
        f = registry.factor(name)
        assert points[name].between(f.low, f.high).all(), f"{name} stays in its plausible range"
        assert not name.startswith("cost_"), "prices move cost alone: left out unless asked"
    parameters = draws_set()
    with_draws = uncertainty_points(20, 3, parameters)
    name = next(c for c in with_draws.columns if c in targets.FREE)
    assert [with_draws[name].iloc[i] for i in (0, 7)] == pytest.approx([parameters.values(i)[name] for i in (0, 7)])
    write_design(tmp_path, 12, 5, POINT_SET, ("baseline", "civilian_led"), months=6)
    experiment = load_experiment(tmp_path / EXPERIMENT_FILE)
    assert experiment.n_runs == 24 and experiment.months == 6, "the experiment file runs every point and scenario"


def test_a_closest_box_is_worded_as_such(found):
    closest = dataclasses.replace(found, boxes=[dataclasses.replace(found.boxes[0], dense=False)])
    text = closest.text()
    assert "No small set of conditions gathers the failures; the closest: when " in text
    assert "the strength of the Afghan sanctuary is above" in text
    assert f"against {100 * found.rate:.0f}% overall), which hold" in text
    assert "(closest, below the density asked)" in closest.markdown()
