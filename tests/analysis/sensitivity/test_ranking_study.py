"""The ranking study: its design and blocks, a synthetic model ranked through the study's own bookkeeping, the
published table and chart, bad study files, and (slow) a small study of the real model that resumes."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from ctsim.analysis.sensitivity import ranking_study as rs
from ctsim.analysis.sensitivity.ranking import LEVER
from ctsim.calibration import targets
from ctsim.calibration.draws import replication_order
from ctsim.calibration.parameter_sets import DRAWS, POINT_SET, POSTERIOR_FILE, ParameterSet, read_posterior
from ctsim.declarations import registry
from ctsim.docs.ranking import ranking_staleness
from ctsim.experiments.executors import ExecutorSpec
from ctsim.experiments.results import read
from ctsim.figures.sensitivity import publish_ranking, ranking_markdown, write_ranking_outputs
from ctsim.storage import result_kind

ROOT = Path(__file__).resolve().parents[3]
STUDY = ROOT / "experiments" / "rank_levers.toml"


def draws_set() -> ParameterSet:
    """The packaged draws, whatever model they were computed on (these tests need values, not a calibration)."""
    posterior = read_posterior(POSTERIOR_FILE)
    return ParameterSet(DRAWS, posterior, POSTERIOR_FILE, tuple(int(i) for i in replication_order(posterior)))


def synthetic_table(study: rs.RankingStudy) -> pd.DataFrame:
    """Records as :func:`rs.execute` returns them, from a cheap stand-in for the model evaluated on each run's own
    levers, assumed values, seed and draw: attacks fall with development (the largest effect), with a police lead,
    and a little with schooling; an assumed effect size, the draw and chance add to them."""
    runs = rs.Runs(study)
    rows = []
    for run_id in range(runs.total):
        levers, assumed, seed, draw = runs.task(run_id)
        noise = np.random.default_rng(seed).normal(0, 20)
        attacks = (1000 - 600 * levers["development"] - 300 * (levers["ct_lead"] == "police")
                   - 100 * levers["education_investment"] + 200 * assumed["grievance_weight"] / 6
                   + 300 * draw.get("sympathy_floor", 0.0) + noise)
        rows.append({"run_id": run_id, "status": "ok", "attacks": attacks})
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def synthetic():
    study = dataclasses.replace(rs.load_ranking_study(STUDY), n=64, replications=2, point_n=16,
                                outcomes=("attacks",), parameters=draws_set())
    return rs.analyse(study, synthetic_table(study), resamples=200)


def test_the_design_holds_every_lever_and_the_assumed_values_in_two_groups():
    design = rs.build_design()
    kinds = {i.name: i.kind for i in design.inputs}
    for lever in registry.levers():
        assert lever.name in kinds, f"{lever.name} is a factor of the one design"
        assert (kinds[lever.name] == "levels") == (lever.kind in ("choice", "bool")), \
            f"{lever.name}: categorical levers are sampled as levels, never as rounded numbers"
    groups = {i.name: i.group for i in design.inputs}
    assert not set(groups) & set(targets.FREE), "calibrated parameters come from the draws, not the design"
    assert groups["cost_weight_police"] == rs.PRICES and groups["grievance_weight"] == rs.EFFECT_SIZES
    assert rs.build_design(effect_sizes=False, prices=False).group_names[-1] == "dummy"


def test_the_two_samples_are_independent_and_the_point_design_is_nested_in_the_first():
    study = dataclasses.replace(rs.load_ranking_study(STUDY), parameters=draws_set())
    first, second, point = study.blocks()
    assert first.unit_seed != second.unit_seed, "two scrambles of the Sobol sequence"
    assert [r.index for r in first.replications] == [0, 1, 2, 3] and \
        [r.index for r in second.replications] == [4, 5, 6, 7], "the second sample's replications follow the first's"
    assert first.replications[0].draw != second.replications[0].draw, "the second sample runs on other draws"
    # Groups: each lever, the assumed effect sizes, the assumed prices, the dummy. SALib's rows per base sample: A,
    # one per group, B; then one row of the levers together.
    groups = len(registry.levers()) + 3
    saltelli_rows = point.n * (groups + 2)
    runs = rs.Runs(study)
    assert np.array_equal(runs.units[2][:saltelli_rows], runs.units[0][:saltelli_rows]), \
        "the point design's rows are the first sample's first rows"
    assert point.replications[0].seed.spawn_key == first.replications[0].seed.spawn_key and \
        not point.replications[0].draw, "same seeds as the first sample, on the point calibration"
    assert (study.n, study.point_n, study.replications) == (128, 32, 4), "the study file's design"
    assert study.runs == (2 * 128 + 32) * (groups + 3) * 4, \
        "two samples of N and the point design of point_n, (groups + 3) rows each, every row replicated"
    on_point = dataclasses.replace(study, parameters=POINT_SET)
    assert len(on_point.blocks()) == 2, "a study on the point calibration has nothing to compare with it"


def test_a_synthetic_model_is_ranked_with_its_categorical_lever(synthetic):
    result = synthetic.outcomes["attacks"]
    ranking = result.ranking()
    levers = ranking[ranking["role"] == LEVER]
    assert list(levers.index[:3]) == ["development", "ct_lead", "education_investment"], \
        "development (sd 173), then the police lead (sd 141, a categorical lever), then schooling (sd 29)"
    assert levers.loc["development", "top3_probability"] == 1.0
    assert ranking.loc["dummy", "ST"] < 0.1 * levers["ST"].max() and result.noise().passes
    assert not levers.loc[levers.index[3:], "above_noise"].any(), "levers the stand-in never reads stay at the floor"
    assert result.point is not None and result.agreements()["two independent samples"].rho > 0.3
    shares = result.shares["share"]
    assert shares.sum() == pytest.approx(1.0)
    assert shares["levers"] > 0.8 and shares["chance"] < 0.02, "the levers make most of the spread"
    text = ranking_markdown(synthetic)
    assert "| 1st | Development and poverty reduction" in text and "| Lead agency for counterterrorism | 2:" in text


def test_the_published_horizon_names_the_history_the_study_ran(synthetic):
    scenario = synthetic.study.scenario
    longer = dataclasses.replace(scenario, history=dataclasses.replace(scenario.history, start="2013-01", months=144))
    result = dataclasses.replace(synthetic, study=dataclasses.replace(synthetic.study, scenario=longer))
    text = ranking_markdown(result)
    assert "after the 2013-2024 history" in text and "2022-2024" not in text, \
        "a ranking computed after a longer history says which years it ran"


def test_the_published_ranking_carries_the_fingerprint_the_docs_check_compares(synthetic, tmp_path, monkeypatch):
    page = tmp_path / "sensitivity.md"
    page.write_text("intro\n<!-- BEGIN GENERATED: ranking -->\nSTALE-SENTINEL\n<!-- END GENERATED: ranking -->\nend\n")
    csv = tmp_path / "ranking.csv"
    publish_ranking(synthetic, csv, tmp_path / "ranking.png", page)
    text = page.read_text()
    assert text.startswith("intro\n") and text.endswith("end\n") and "STALE-SENTINEL" not in text
    assert f"model fingerprint `{synthetic.fingerprint}`, commit `{synthetic.commit[:12]}`" in text, \
        "the published numbers say which model and commit they come from"
    assert "after the 2013-2024 history" in text, \
        "the horizon is placed after the history the study's scenario runs (baseline: history_2013_2024.toml)"
    published = pd.read_csv(csv, dtype=str)
    assert set(published["commit"]) == {synthetic.commit} and set(published["model_fingerprint"]) == {
        synthetic.fingerprint}, "every row of the published table carries its model and commit"
    assert (tmp_path / "ranking.png").stat().st_size > 10_000
    assert ranking_staleness(csv) is None, "a ranking computed on this model is current"
    monkeypatch.setattr("ctsim.docs.ranking.model_fingerprint", lambda: "another-model")
    assert "another state of the model" in ranking_staleness(csv), "a changed model makes the ranking stale"
    (tmp_path / "nothing.md").write_text("no block\n")
    with pytest.raises(rs.ExperimentError, match="no block"):
        publish_ranking(synthetic, csv, tmp_path / "ranking.png", tmp_path / "nothing.md")


def test_outcomes_sum_flows_and_average_stocks():
    national = pd.DataFrame({"attacks": [1.0, 2.0, 3.0], "legitimacy": [0.4, 0.5, 0.9],
                             "detained_without_trial": [10.0, 20.0, 60.0], "fear": [0.1, 0.2, 0.3]})
    values = rs.horizon_values(national, ("attacks", "legitimacy", "detained_without_trial", "fear"))
    assert values == pytest.approx({"attacks": 6.0, "legitimacy": 0.6, "detained_without_trial": 30.0, "fear": 0.2}), \
        "flows over the horizon summed, stocks averaged over its months (not the last month's value)"


@pytest.mark.parametrize(("body", "expected"), [
    ("n = 100", "key 'n' = 100 must be a power of two"),
    ("nn = 64", "unknown key 'nn'; did you mean 'n'"),
    ("point_n = 256", "key 'point_n' = 256 must not exceed 'n' = 128"),
    ('outcomes = ["atacks"]', "key 'outcomes[0]': unknown output 'atacks'"),
    ("effect_sizes = 1", "key 'effect_sizes' must be true or false"),
    ("replications = 0", "key 'replications' = 0 is outside the valid range"),
    ("[quick]\nsamples = 2", "unknown key 'quick.samples'"),
])
def test_bad_study_files_name_the_file_and_the_key(tmp_path, body, expected):
    path = tmp_path / "study.toml"
    path.write_text(f'scenario = "{ROOT / "scenarios" / "baseline.toml"}"\nn = 128\n{body}\n'
                    if not body.startswith("n =") else f'scenario = "{ROOT / "scenarios" / "baseline.toml"}"\n{body}\n')
    with pytest.raises(rs.RankingError) as error:
        rs.load_ranking_study(path)
    assert str(path) in str(error.value) and expected in str(error.value), str(error.value)


@pytest.mark.slow
def test_a_small_study_of_the_model_runs_resumes_and_refuses_another(tmp_path):
    path = tmp_path / "small.toml"
    path.write_text(f'scenario = "{ROOT / "scenarios" / "baseline.toml"}"\nn = 2\nreplications = 2\nmonths = 2\n'
                    f'point_n = 2\neffect_sizes = false\nprices = false\noutcomes = ["attacks", "legitimacy"]\n')
    study = rs.load_ranking_study(path)
    study.parameters = draws_set()
    table, _, made = rs.execute(study, tmp_path / "out", ExecutorSpec(kind="serial"))
    groups = len(registry.levers()) + 1  # each lever and the dummy (no assumed values in this study)
    assert made == study.runs == (2 * 2 + 2) * (groups + 3) * 2 and len(table) == study.runs, \
        "two samples and the point design of N = 2, (groups + 3) rows each, two replications, all run"
    again, _, made_again = rs.execute(study, tmp_path / "out", ExecutorSpec(kind="serial"))
    assert made_again == 0 and again[["attacks", "legitimacy"]].equals(table[["attacks", "legitimacy"]]), \
        "a rerun resumes: nothing is run twice"
    result = rs.analyse(study, table, resamples=50)
    written = write_ranking_outputs(result, tmp_path / "out")
    assert {p.name for p in written} >= {"ranking.csv", "shares.csv", "agreement.csv", "ranking.png", "ranking.md"}
    batch = read(tmp_path / "out" / "runs", monthly=False)  # runs/ is a batch folder: the validated loader reads it
    assert len(batch.runs) == study.runs and (batch.runs["status"] == "ok").all()
    assert batch.runs["attacks"].to_numpy() == pytest.approx(table["attacks"].to_numpy())
    assert result_kind(tmp_path / "out") == "sensitivity", "ctsim report makes a sensitivity brief of it"
    other = dataclasses.replace(study, seed=study.seed + 1, sha256="changed")
    with pytest.raises(rs.RankingError, match="belong to another study"):
        rs.execute(other, tmp_path / "out", ExecutorSpec(kind="serial"))


def test_a_folder_holding_another_command_s_files_is_never_written_over(tmp_path):
    (tmp_path / "out" / "runs").mkdir(parents=True)
    (tmp_path / "out" / "runs" / "batch.json").write_text("{}")
    study = dataclasses.replace(rs.load_ranking_study(STUDY), n=2, point_n=0, replications=1)
    with pytest.raises(rs.RankingError, match="not a ranking study's runs"):
        rs.execute(study, tmp_path / "out", ExecutorSpec(kind="serial"))
    assert (tmp_path / "out" / "runs" / "batch.json").read_text() == "{}", "left untouched"
