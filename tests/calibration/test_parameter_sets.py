"""Runs carry parameter uncertainty by default: one posterior draw per replication, the same in every scenario;
``--point`` uses the point calibration; stale or broken draws are refused in one line."""

from __future__ import annotations

import json

import pytest

from ctsim.analysis.compare import compare
from ctsim.calibration import parameter_sets
from ctsim.calibration.draws import load_draws
from ctsim.calibration.parameter_sets import POINT_SET, POSTERIOR_FILE, DrawsError, choose, staleness
from ctsim.cli import main
from ctsim.declarations.parameters import calibrated
from ctsim.experiments.batch import run_specs
from ctsim.experiments.design import Experiment, points_table
from ctsim.scenarios.files import load_scenario
from ctsim.scenarios.library import library_path
from ctsim.scenarios.runner import build_model

BASELINE = library_path("baseline")


def test_stored_draws_were_computed_on_this_model():
    """The packaged draws carry this model's fingerprints; a change to the model that moves the regression baseline
    (or to the free parameters' ranges or the targets) makes them stale, and runs then refuse them."""
    posterior = load_draws(POSTERIOR_FILE)
    assert staleness(posterior) is None, (
        f"src/ctsim/data/posterior.json was computed on another model ({staleness(posterior)}): run `make "
        f"posterior` (see README, about the wall time) and commit the new file")
    assert len(posterior.values) >= 100 and set(posterior.values.columns) == set(calibrated()), \
        "the stored draws should cover every free parameter of the point calibration, with at least 100 draws"


def test_replications_use_different_draws_and_the_same_draw_every_time():
    draws = choose(point=False)
    first = [draws.values(r) for r in range(10)]
    assert len({tuple(sorted(v.items())) for v in first}) > 1, "replications should not all share one draw"
    assert [draws.values(r) for r in range(10)] == first, "replication r should always get the same draw"
    assert set(first[0]) == set(calibrated())


def test_point_uses_the_calibration_json_values():
    point = choose(point=True)
    assert point is POINT_SET and point.values(0) == {} and point.values(7) == {}
    model = build_model(BASELINE, seed=1)
    try:
        for name, value in calibrated().items():
            assert model.p[name] == value, f"--point should run {name} at its calibration.json value"
    finally:
        model.release()


def test_explicit_values_win_over_the_draw():
    """Precedence: a draw sits above the point calibration and below anything a file or a design sets."""
    draw = {"sanctuary_strength": 0.9, "recruit_reach": 0.3}
    model = build_model(BASELINE, seed=1, uncertainties={"sanctuary_strength": 0.25}, draw=draw)
    try:
        assert model.p["sanctuary_strength"] == 0.25, "a design point's value must win over the draw"
        assert model.p["recruit_reach"] == 0.3, "a parameter nobody sets explicitly takes the draw's value"
    finally:
        model.release()


def test_batch_gives_replication_r_the_same_draw_in_every_scenario_and_point():
    scenarios = [load_scenario(BASELINE), load_scenario(library_path("civilian_led"))]
    experiment = Experiment(name="t", path=BASELINE, sha256="", scenarios=scenarios, replications=3, months=2,
                            seed=5, method="list", factors={"sanctuary_strength": None},
                            table=points_table([{"sanctuary_strength": 0.2}, {"sanctuary_strength": 0.6}]),
                            parameters=choose(point=False))
    specs = list(run_specs(experiment, experiment.design()).values())
    by_replication: dict[int, list] = {}
    for spec in specs:
        by_replication.setdefault(spec.seed_spawn_key, []).append(spec.draw)
        assert spec.uncertainties["sanctuary_strength"] in (0.2, 0.6), "the design's factor stays explicit"
    for r, drawn in by_replication.items():
        assert all(d == drawn[0] for d in drawn) and drawn[0] == experiment.parameters.values(r), \
            f"replication {r} should use one draw in every scenario and point"
    point = Experiment(**{**experiment.__dict__, "parameters": POINT_SET})
    assert all(s.draw is None for s in run_specs(point, point.design()).values())


def test_compare_pairs_draws_and_records_them():
    scenario = load_scenario(BASELINE)
    draws = choose(point=False)
    result = compare([scenario, scenario], 2, seed=3, months=1, progress=False, parameters=draws)
    runs = result.runs.set_index(["scenario", "replication"]).sort_index()
    a, b = runs.loc[scenario.name], runs.loc[f"{scenario.name}-2"]
    assert a.equals(b), "the same scenario twice: the same seed and draw per replication give the same results"
    assert result.parameters is draws
    point = compare([scenario, scenario], 2, seed=3, months=1, progress=False, parameters=POINT_SET)
    point_runs = point.runs.set_index(["scenario", "replication"]).sort_index()
    assert not point_runs.loc[scenario.name].equals(a), "draws should change the results against --point"


def test_run_manifest_and_header_say_which_parameters(tmp_path, capsys):
    for flags, mode, words in (([], "draws", "one posterior draw per replication"),
                               (["--point"], "point", "point calibration (--point")):
        out = tmp_path / mode
        assert main(["run", str(BASELINE), "--months", "1", "--no-chart", "--out", str(out), *flags]) == 0
        printed = capsys.readouterr().out
        assert words in printed, f"the header should say the run used {mode}"
        manifest = json.loads(next((out / "baseline").iterdir()).joinpath("manifest.json").read_text())
        assert manifest["parameters"]["mode"] == mode
    assert manifest["parameters"]["calibration_version"]
    draws = json.loads(next((tmp_path / "draws" / "baseline").iterdir()).joinpath("manifest.json").read_text())
    seed = load_scenario(BASELINE).seed  # the run's seed chooses its draw, as a replication's index does
    assert draws["parameters"]["values"] == choose(point=False).values(seed)
    assert draws["parameters"]["draw_index"] == [choose(point=False).draw_index(seed)]


def test_two_seeds_run_two_parameter_draws(tmp_path):
    """`ctsim run --seed S` takes the draw replication S takes: two seeds show parameter uncertainty as well as
    chance, and the manifest names the draw."""
    used = []
    for seed in (3, 4):
        out = tmp_path / str(seed)
        assert main(["run", str(BASELINE), "--months", "1", "--no-chart", "--seed", str(seed), "--out", str(out)]) == 0
        manifest = json.loads(next((out / "baseline").iterdir()).joinpath("manifest.json").read_text())
        used.append(manifest["parameters"]["draw_index"][0])
        assert manifest["parameters"]["values"] == choose(point=False).values(seed)
    assert used[0] != used[1] or choose(point=False).values(3) == choose(point=False).values(4), \
        "two seeds should use two different rows of the draws"


def test_point_runs_are_deterministic(tmp_path):
    frames = []
    for i in range(2):
        out = tmp_path / str(i)
        assert main(["run", str(BASELINE), "--months", "2", "--no-chart", "--point", "--out", str(out)]) == 0
        frames.append(next((out / "baseline").iterdir()).joinpath("summary.json").read_text())
    assert frames[0] == frames[1]


def _stored_record() -> dict:
    return json.loads(POSTERIOR_FILE.read_text())


@pytest.mark.parametrize("change, expected", [
    (lambda r: r["model"].update(dynamics_fingerprint="0" * 16), "computed on another model"),
    (lambda r: [r["model"].pop("dynamics_fingerprint"), r["model"].update(model_fingerprint="0" * 16)],
     "computed on another model"),
    (lambda r: r.pop("model"), "computed on another model"),
    (lambda r: r["draws"].update(weights=[]), "key 'draws'"),
    (lambda r: r.update(format="other"), "not a usable draws file"),
    (lambda r: r.pop("parameters"), "key 'parameters' is missing"),
])
def test_stale_or_broken_draws_stop_a_run_in_one_line(tmp_path, monkeypatch, capsys, change, expected):
    record = _stored_record()
    change(record)
    broken = tmp_path / "posterior.json"
    broken.write_text(json.dumps(record))
    with pytest.raises(DrawsError, match=expected):
        choose(point=False, path=broken)
    monkeypatch.setattr(parameter_sets, "POSTERIOR_FILE", broken)
    assert main(["run", str(BASELINE), "--months", "1", "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "posterior.json" in err[0] and "make posterior" in err[0] and "--point" in err[0]
    assert not (tmp_path / "out").exists(), "nothing is written when the draws are refused"
    assert main(["run", str(BASELINE), "--months", "1", "--no-chart", "--point", "--out", str(tmp_path / "p")]) == 0


def test_missing_or_unreadable_draws_name_the_file(tmp_path):
    with pytest.raises(DrawsError, match="no stored posterior draws"):
        choose(point=False, path=tmp_path / "absent.json")
    (tmp_path / "bad.json").write_text("{not json")
    with pytest.raises(DrawsError, match="bad.json: not valid JSON"):
        choose(point=False, path=tmp_path / "bad.json")


def test_a_batch_resumes_only_with_the_parameters_it_started_with(tmp_path, capsys):
    experiment = tmp_path / "tiny.toml"
    experiment.write_text(f'name = "tiny"\nscenarios = ["{BASELINE}"]\nreplications = 2\nmonths = 1\nseed = 4\n')
    out = tmp_path / "out"
    assert main(["batch", str(experiment), "--out", str(out), "--executor", "serial"]) == 0
    assert "one posterior draw per replication" in capsys.readouterr().out, "the batch says which parameters it used"
    info = json.loads((out / "batch.json").read_text())
    assert info["parameters"]["mode"] == "draws" and len(info["parameters"]["draw_index"]) == 2
    assert str(POSTERIOR_FILE.resolve()) in info["inputs"], "the draws file is one of the batch's hashed inputs"
    capsys.readouterr()
    assert main(["batch", str(experiment), "--out", str(out), "--executor", "serial", "--point"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "started with posterior draws" in err[0] and "without --point" in err[0]
    assert main(["batch", str(experiment), "--out", str(out), "--executor", "serial"]) == 0, "same mode: resumes"


def test_a_repriced_model_keeps_its_draws(monkeypatch):
    """Draws depend on the dynamics: a change of prices alone (the model fingerprint moves, the dynamics fingerprint
    does not) leaves them usable."""
    posterior = load_draws(POSTERIOR_FILE)
    now = {**parameter_sets.current_model(), "model_fingerprint": "0" * 16}
    monkeypatch.setattr(parameter_sets, "current_model", lambda: now)
    assert staleness(posterior) is None
    monkeypatch.setattr(parameter_sets, "current_model", lambda: {**now, "dynamics_fingerprint": "1" * 16})
    assert "dynamics fingerprint" in staleness(posterior)


def test_without_a_shipped_fingerprint_only_the_declarations_are_compared(monkeypatch):
    """A package without its fingerprint file (dynamics fingerprint "unknown"): the draws are still checked
    against the declarations, not refused for want of a fingerprint."""
    posterior = load_draws(POSTERIOR_FILE)
    now = {**parameter_sets.current_model(), "dynamics_fingerprint": "unknown"}
    monkeypatch.setattr(parameter_sets, "current_model", lambda: now)
    assert staleness(posterior) is None
    monkeypatch.setattr(parameter_sets, "current_model", lambda: {**now, "declarations_fingerprint": "x"})
    assert "declarations fingerprint" in staleness(posterior)
