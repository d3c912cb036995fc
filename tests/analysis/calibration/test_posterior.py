"""ABC posterior: a known conjugate answer, the draws file, seeding, resuming, and the ctsim adapter end to end."""

import json
import math
import re

import numpy as np
import pandas as pd
import pytest

from ctsim.analysis.calibration import posterior
from ctsim.calibration import targets as observed
from ctsim.declarations.parameters import PARAMETERS_BY_NAME

N_OBSERVATIONS = 20  # the toy: the mean of 20 draws from N(mu, 1), whose sample mean is sufficient for mu


def _toy_simulate(params, rng):
    return {"mean": float(rng.normal(params["mu"], 1.0, N_OBSERVATIONS).mean())}


def _toy_distance(simulated, observed):
    return abs(simulated["mean"] - observed["mean"])


def _toy(tmp_path, name, *, seed=3, population_size=20, max_populations=2, **kwargs):
    return posterior.run_abc(_toy_simulate, {"mu": (-5.0, 5.0)}, {"mean": 0.9836}, _toy_distance,
                             population_size=population_size, max_populations=max_populations, seed=seed,
                             db_path=tmp_path / f"{name}.db", show_progress=False, **kwargs)


def test_abc_recovers_the_analytic_posterior_of_a_normal_mean(tmp_path):
    observed_mean = 0.9836
    result = _toy(tmp_path, "normal", population_size=150, max_populations=6)
    # Flat prior on [-5, 5], known variance 1: the posterior is N(observed mean, 1/20), truncation negligible.
    exact_sd = 1.0 / math.sqrt(N_OBSERVATIONS)
    summary = result.diagnostics["parameters"]["mu"]
    assert abs(summary["mean"] - observed_mean) < 0.35 * exact_sd, \
        "the ABC posterior mean should be close to the analytic posterior mean"
    assert 0.75 * exact_sd < summary["sd"] < 1.35 * exact_sd, \
        "the ABC posterior spread should be close to the analytic posterior standard deviation"
    assert summary["q05"] < observed_mean < summary["q95"], "the 90% interval should hold the posterior mean"
    assert len(result.values) == 150 and result.weights.sum() == pytest.approx(1.0), \
        "the posterior should hold population_size normalised draws"
    epsilons = [g["epsilon"] for g in result.diagnostics["generations"]]
    assert epsilons == sorted(epsilons, reverse=True), "epsilon should shrink from generation to generation"


def test_same_seed_gives_the_same_draws_and_another_seed_others(tmp_path):
    first, again = _toy(tmp_path, "first"), _toy(tmp_path, "again")
    other = _toy(tmp_path, "other", seed=4)
    assert first.values.equals(again.values) and np.array_equal(first.weights, again.weights), \
        "the same seed on the single-core sampler should give the same draws"
    assert not first.values.equals(other.values), "another seed should give other draws"


def test_two_processes_give_exactly_the_draws_of_one(tmp_path):
    one = _toy(tmp_path, "one", population_size=30, max_populations=3)
    two = _toy(tmp_path, "two", population_size=30, max_populations=3, sampler=2)
    assert one.values.equals(two.values) and np.array_equal(one.weights, two.weights), \
        "the seeded ordered sampler should give the same draws on two processes as on one"
    assert [g["simulations"] for g in one.diagnostics["generations"]] == \
        [g["simulations"] for g in two.diagnostics["generations"]], \
        "the evaluation count should not depend on the number of processes (later candidates are discarded)"
    assert two.settings["sampler"] == 2 and "twice" in two.settings["perturbation"], \
        "the settings should record the sampler and the perturbation kernel"


def test_the_sampler_rejects_a_bad_process_count(tmp_path):
    from ctsim.analysis.calibration.abc_sampler import SeededOrderedSampler

    for bad in (0, -1, 1.5):
        with pytest.raises(ValueError, match="n_procs"):
            SeededOrderedSampler(bad)
    with pytest.raises(ValueError, match="sampler must be"):
        _toy(tmp_path, "bad", sampler="multicore")


def test_the_perturbation_kernel_has_twice_the_particle_covariance():
    rng = np.random.default_rng(5)
    particles = pd.DataFrame({"a": rng.normal(0, 1, 400), "b": rng.normal(0, 3, 400)})
    weights = np.full(400, 1 / 400)
    kernel = posterior.perturbation()
    kernel.fit(particles, weights)
    assert np.allclose(kernel.cov, 2 * np.cov(particles.to_numpy().T, aweights=weights), rtol=1e-6), \
        "the kernel covariance should be twice the weighted covariance of the particles (Beaumont et al. 2009)"


def test_the_boxed_kernel_draws_pyabcs_truncated_kernel():
    """Batched proposals give the distribution of pyabc's own one-at-a-time rejection loop, inside the box."""
    from scipy import stats

    rng = np.random.default_rng(8)
    particles = pd.DataFrame({"a": rng.uniform(0.0, 1.0, 200), "b": rng.uniform(0.0, 0.2, 200)})
    weights = rng.uniform(0.5, 1.5, 200)
    weights /= weights.sum()
    box = {"a": (0.0, 1.0), "b": (0.0, 0.2)}
    boxed, plain = posterior.perturbation(box), posterior.perturbation()
    boxed.fit(particles, weights)
    plain.fit(particles, weights)
    np.random.seed(11)
    mine = pd.DataFrame([dict(boxed.rvs()) for _ in range(3000)])
    assert ((mine["a"] >= 0) & (mine["a"] <= 1) & (mine["b"] >= 0) & (mine["b"] <= 0.2)).all()
    reference = []
    while len(reference) < 3000:  # pyabc's loop: propose, keep it if the prior density is positive
        x = plain.rvs()
        if 0 <= x["a"] <= 1 and 0 <= x["b"] <= 0.2:
            reference.append(dict(x))
    reference = pd.DataFrame(reference)
    for name in ("a", "b"):
        assert stats.ks_2samp(mine[name], reference[name]).pvalue > 0.001, f"{name}: another distribution"
    assert abs(np.corrcoef(mine["a"], mine["b"])[0, 1] - np.corrcoef(reference["a"], reference["b"])[0, 1]) < 0.1
    assert boxed.pdf(pd.Series({"a": 0.5, "b": 0.1})) == plain.pdf(pd.Series({"a": 0.5, "b": 0.1})), \
        "the density pyabc weights with is the kernel's own"


def test_a_stored_run_is_resumed_not_restarted(tmp_path):
    _toy(tmp_path, "resume", max_populations=2)
    resumed = _toy(tmp_path, "resume", max_populations=3)
    assert resumed.settings["resumed_from_generation"] == 2, "the second call should continue after generation 2"
    assert resumed.settings["generations_run"] == 3, "the resumed run should end with three generations"
    with pytest.raises(FileExistsError, match="resume=True"):
        _toy(tmp_path, "resume", resume=False)
    with pytest.raises(ValueError, match="other observed data"):
        posterior.run_abc(_toy_simulate, {"mu": (-5.0, 5.0)}, {"mean": 2.0}, _toy_distance, population_size=20,
                          max_populations=4, seed=3, db_path=tmp_path / "resume.db", show_progress=False)


def test_the_draws_file_round_trips_and_describes_itself(tmp_path):
    result = _toy(tmp_path, "file")
    path = posterior.write_draws(result, tmp_path / "draws.json")
    loaded = posterior.load_draws(path)
    assert loaded.values.equals(result.values) and np.array_equal(loaded.weights, result.weights), \
        "draws and weights should read back exactly"
    assert loaded.priors == result.priors and loaded.settings == result.settings, "settings should read back"
    record = json.loads(path.read_text())
    assert record["format"] == posterior.FORMAT and record["version"] == posterior.VERSION, \
        "the file should name its format and version"
    assert record["versions"]["pyabc"] and record["settings"]["seed"] == 3, \
        "the file should carry library versions and the seed needed to rerun"
    record["version"] = posterior.VERSION + 1
    with pytest.raises(ValueError, match="version"):
        posterior.Posterior.from_record(record)


def test_replication_r_always_uses_the_same_draw_in_proportion_to_the_weights():
    draws = posterior.Posterior(pd.DataFrame({"x": [0.0, 1.0, 2.0, 3.0]}), np.array([0.5, 0.25, 0.25, 0.0]),
                                {"x": (0.0, 3.0)}, {"seed": 11})
    order = posterior.replication_order(draws)
    assert sorted(order.tolist()) == [0, 0, 1, 2], \
        "systematic resampling should use each draw in proportion to its weight, and never a zero-weight draw"
    picks = [posterior.draw_for_replication(draws, r)["x"] for r in range(8)]
    assert picks == [posterior.draw_for_replication(draws, r)["x"] for r in range(8)], \
        "replication r should always get the same draw"
    assert picks[:4] == picks[4:], "replications beyond the number of draws should cycle through the same order"


def test_ctsim_distance_is_zero_at_the_targets_and_one_per_target_at_its_tolerance():
    targets = posterior.ctsim_targets()
    assert posterior.ctsim_distance(targets, targets) == pytest.approx(0.0, abs=1e-9), \
        "a run that reproduces every target should be at distance 0"
    off = dict(targets)
    tolerance = observed.TOLERANCE["annual_relative"]
    for key in [k for k in targets if k.startswith("annual/")]:
        off[key] = targets[key] * (1.0 + tolerance)
    n_annual = sum(k.startswith("annual/") for k in targets)
    assert n_annual == 14, "attacks 2013-2017; attacks, deaths and injuries 2022-2024"
    assert posterior.ctsim_distance(off, targets) == pytest.approx(n_annual * posterior.DISTANCE_WEIGHTS["annual"]), \
        "each annual figure off by its tolerance should add the annual weight (1) to the distance: one term per target"
    one = dict(targets)
    one["shares/2024/merged"] = targets["shares/2024/merged"] + observed.TOLERANCE["share_points"]
    assert posterior.ctsim_distance(one, targets) == pytest.approx(posterior.DISTANCE_WEIGHTS["shares"]), \
        "one share off by its tolerance should add the share weight in full, not divided by the number of shares"


def test_ctsim_adapter_runs_end_to_end_and_writes_draws_within_the_priors(tmp_path):
    # 48 months: the history's three years of spin-up (2010-2012, no targets) and 2013.
    result = posterior.run_ctsim_abc(tmp_path, population_size=10, max_populations=2, replications=1, months=48,
                                     show_progress=False)
    loaded = posterior.load_draws(tmp_path / "draws.json")
    assert (tmp_path / "abc.db").exists(), "the pyabc database should be kept in the output folder, for resuming"
    assert list(loaded.values.columns) == list(observed.FREE), "the draws should cover calibration's free parameters"
    assert len(loaded.values) == 10 and np.all(np.isfinite(loaded.values.to_numpy())), "10 finite draws expected"
    for name in observed.FREE:
        low, high = PARAMETERS_BY_NAME[name].plausible
        assert loaded.values[name].between(low, high).all(), f"{name}: every draw should lie in its plausible range"
    assert len(result.diagnostics["generations"]) == 2, "two generations should be recorded"
    assert loaded.settings["history_months"] == 48 and loaded.settings["replications"] == 1, \
        "the file should record the settings needed to rerun"


def test_ctsim_targets_follow_the_calibration_constants_when_called(monkeypatch):
    monkeypatch.setattr(observed, "ANNUAL", {2022: {"attacks": 100.0}})
    monkeypatch.setattr(observed, "MONTHLY_ATTACKS", np.asarray(observed.MONTHLY_ATTACKS)[:12])
    targets = posterior.ctsim_targets()
    assert [k for k in targets if k.startswith("annual/")] == ["annual/2022/attacks"], \
        "the annual targets should be observed.ANNUAL as it is when called"
    assert targets[posterior.MONTHLY].size == 12, "the monthly targets should be observed.MONTHLY_ATTACKS as it is"


def test_the_report_states_the_recorded_error_model_and_never_guesses_one():
    from ctsim.docs.validation import _error_model_sentence

    settings = {"targets": ["annual/2022/attacks", "shares/2023/merged"], "monthly_dispersion": 0.05}
    recorded = _error_model_sentence({**settings, "distance_terms": "a recorded model",
                                      "distance_weights": posterior.DISTANCE_WEIGHTS})
    assert "these draws were made with" in recorded and "a recorded model" in recorded
    assert "about 3" in recorded, "two targets and the months: a run missing each by its tolerance is near 3"
    unrecorded = _error_model_sentence(settings)
    assert "does not record which error model" in unrecorded and posterior.DISTANCE_TERMS in unrecorded


# --- early rejection ----------------------------------------------------------------------------------------------

def _toy_halves(params, rng):
    draws = rng.normal(params["mu"], 1.0, N_OBSERVATIONS)
    half = N_OBSERVATIONS // 2
    return float(draws[:half].mean()), float(draws[half:].mean())


def _toy_two_part_simulate(params, rng):
    first, second = _toy_halves(params, rng)
    return {"first": first, "second": second}


def _toy_two_part_distance(simulated, observed):
    # non-negative terms over the keys a summary holds: a partial summary's distance is a lower bound
    return sum((simulated[k] - observed[k]) ** 2 for k in ("first", "second") if k in simulated)


class _Staged:
    """The toy in two stages (the first half's mean, then both), counting the runs given up after the first."""

    def __init__(self):
        self.given_up = 0

    def __call__(self, params, rng):
        first, second = _toy_halves(params, rng)
        complete = False
        try:
            yield {"first": first}, False
            complete = True
            yield {"first": first, "second": second}, True
        finally:
            self.given_up += not complete


def _toy_two_part(tmp_path, name, staged=None, **kwargs):
    return posterior.run_abc(_toy_two_part_simulate, {"mu": (-5.0, 5.0)}, {"first": 0.9, "second": 1.1},
                             _toy_two_part_distance, population_size=30, max_populations=4, seed=5,
                             db_path=tmp_path / f"{name}.db", show_progress=False, staged=staged, **kwargs)


@pytest.mark.parametrize("sampler", [1, 2])
def test_early_rejection_gives_up_candidates_and_leaves_the_draws_as_they_were(tmp_path, sampler, caplog):
    caplog.set_level("INFO", logger="ABC")
    staged = _Staged()
    whole = _toy_two_part(tmp_path, f"whole{sampler}", sampler=sampler)
    early = _toy_two_part(tmp_path, f"early{sampler}", staged=staged, sampler=sampler)
    assert early.values.equals(whole.values) and np.array_equal(early.weights, whole.weights), \
        "giving up candidates whose first stage is already too far should not change a single draw"
    assert [(g["epsilon"], g["simulations"]) for g in early.diagnostics["generations"]] == \
        [(g["epsilon"], g["simulations"]) for g in whole.diagnostics["generations"]], \
        "epsilons and evaluation counts should be the same"
    logged = [int(m.replace(",", "")) for m in re.findall(r"([\d,]+) of [\d,]+ candidates rejected early",
                                                          caplog.text)]
    assert sum(logged) > 0, "the sampler should log how many candidates were rejected early"
    if sampler == 1:  # in this process: the toy's counter sees the candidates given up
        assert sum(logged) == staged.given_up, "the log should count every candidate given up"


def test_a_staged_simulation_must_end_with_its_complete_summary(tmp_path):
    def never_complete(params, rng):
        yield {"first": 0.9}, False

    with pytest.raises(RuntimeError, match="complete summary"):
        _toy_two_part(tmp_path, "incomplete", staged=never_complete)


def test_the_ctsim_adapter_gives_the_same_draws_with_and_without_early_rejection(tmp_path, monkeypatch):
    outcomes = []
    accept = posterior.EarlyRejectingModel.accept

    def spy(self, *args, **kwargs):
        result = accept(self, *args, **kwargs)
        outcomes.append((result.accepted, bool(result.sum_stat)))
        return result

    monkeypatch.setattr(posterior.EarlyRejectingModel, "accept", spy)
    # 84 months (the spin-up, 2010-2012, then 2013-2016): the end of 2015 completes that year's shares and militants
    # killed, so a candidate far off is given up a year before its end (on 2013-2014 alone, since calibration version
    # 14's twentieth free parameter changed the prior's draws, no candidate of three generations was far enough off).
    kwargs = dict(population_size=10, max_populations=3, months=84, seed=11, sampler=1, show_progress=False)
    early = posterior.run_ctsim_abc(tmp_path / "early", **kwargs)
    given_up = sum(1 for accepted, complete in outcomes if not accepted and not complete)
    whole = posterior.run_ctsim_abc(tmp_path / "whole", early_rejection=False, **kwargs)
    assert early.values.equals(whole.values) and np.array_equal(early.weights, whole.weights), \
        "early rejection should leave the ctsim posterior as it was, value for value"
    assert [g["simulations"] for g in early.diagnostics["generations"]] == \
        [g["simulations"] for g in whole.diagnostics["generations"]], "the evaluation counts should be the same"
    assert given_up > 0, "in three generations some candidates should be given up before their fourth year"


def test_the_adapters_stages_bound_the_final_distance_and_end_with_simulates_summary():
    from ctsim.analysis.calibration import point
    from ctsim.experiments.executors import replications
    from ctsim.scenarios.files import load_scenario

    history = load_scenario(point.HISTORY)
    targets = posterior.ctsim_targets()
    seeds = [r.seed for r in replications(1, 20220101, spawn_key=(0,))]
    staged = posterior.ctsim_staged(history, seeds, targets)
    rng = np.random.default_rng(0)
    for k in range(3):
        values = {name: float(rng.uniform(*PARAMETERS_BY_NAME[name].plausible)) for name in observed.FREE}
        stages = list(staged(values, None))
        assert [complete for _, complete in stages] == [False] * 7 + [True], "seven pauses, then the whole run"
        whole = posterior.ctsim_summary(point.simulate(values, history, seeds))
        final = stages[-1][0]
        assert final.keys() == whole.keys() and all(np.array_equal(final[key], whole[key]) for key in whole)
        distances = [posterior.ctsim_distance(summary, targets) for summary, _ in stages]
        assert distances == sorted(distances) and distances[-2] <= distances[-1], \
            f"candidate {k}: each stage's distance should grow and stay below the whole run's: {distances}"
        assert set(stages[-2][0]) - {posterior.MONTHLY} <= set(whole), "a stage holds only the whole run's keys"
        for key in set(stages[-2][0]) - {posterior.MONTHLY}:
            assert stages[-2][0][key] == pytest.approx(whole[key], rel=1e-12)


def test_a_partial_summary_bounds_the_whole_runs_distance_from_below():
    from ctsim.analysis.calibration import point
    from ctsim.experiments.executors import replications
    from ctsim.scenarios.files import load_scenario

    history = load_scenario(point.HISTORY)
    targets = posterior.ctsim_targets()
    pauses = posterior.year_end_pauses(history, targets)
    assert pauses == [48, 60, 72, 84, 96, 156, 168], \
        "a pause at the end of each year with targets but the last (2013-2017, 2022, 2023; after the 2010-2012 spin-up)"
    values = {name: float(np.mean(PARAMETERS_BY_NAME[name].plausible)) for name in observed.FREE}
    seeds = [r.seed for r in replications(2, 3, spawn_key=(0,))]
    stages = list(point.simulate_in_stages(values, history, seeds, pauses))
    whole = posterior.ctsim_summary(point.fit_of(stages[-1]))
    simulated = posterior.ctsim_summary(point.simulate(values, history, seeds))
    assert whole.keys() == simulated.keys() and all(np.array_equal(whole[k], simulated[k]) for k in whole), \
        "the last stage should be simulate's run, bit for bit"
    final = posterior.ctsim_distance(whole, targets)
    bounds = [posterior.ctsim_distance(posterior.partial_summary(r), targets) for r in stages[:-1]]
    assert bounds == sorted(bounds) and bounds[-1] <= final and bounds[0] > 0, \
        "each stage's distance should grow towards the whole run's and never pass it"
    for stage in stages[:-1]:
        partial = posterior.partial_summary(stage)
        assert partial[posterior.MONTHLY].size == 0, "no monthly series before the run is over"
        for key, value in partial.items():
            if key != posterior.MONTHLY:
                assert value == pytest.approx(whole[key], rel=1e-12), f"{key}: a complete year's figure is final"


def test_the_uniform_box_prior_has_pyabcs_density_to_the_last_bit():
    import pyabc

    box = {"a": (0.05, 1.0), "b": (-3.0, 7.5), "c": (1e-4, 2e-3)}
    rvs = {k: pyabc.RV("uniform", low, high - low) for k, (low, high) in box.items()}
    fast, slow = posterior.UniformBoxPrior(**rvs), pyabc.Distribution(**rvs)
    rng = np.random.default_rng(5)
    points = [{k: float(rng.uniform(low - 0.2 * (high - low), high + 0.2 * (high - low))) for k, (low, high)
               in box.items()} for _ in range(2000)]
    points += [{k: low for k, (low, _) in box.items()}, {k: high for k, (_, high) in box.items()},
               {"a": 0.5, "b": math.nan, "c": 1e-3}, {"c": 1e-3, "a": 0.5, "b": 0.0}]
    for point in points:
        a, b = fast.pdf(point), slow.pdf(point)
        assert (a == b) or (math.isnan(a) and math.isnan(b)), point
    assert sum(fast.pdf(p) > 0 for p in points) > 500, "many points inside the box"
    assert isinstance(fast.copy(), posterior.UniformBoxPrior) and fast.copy().pdf(points[0]) == slow.pdf(points[0])
    with pytest.raises(Exception, match="mismatch"):
        fast.pdf({"a": 0.5})



def test_a_run_resumed_at_a_generation_gives_the_same_draws_each_time(tmp_path):
    import shutil

    _toy(tmp_path, "first", max_populations=2, sampler=1)
    shutil.copy(tmp_path / "first.db", tmp_path / "second.db")
    one, two = (_toy(tmp_path, name, max_populations=3, sampler=1) for name in ("first", "second"))
    assert one.settings["resumed_from_generation"] == two.settings["resumed_from_generation"] == 2
    assert one.values.equals(two.values) and np.array_equal(one.weights, two.weights)


def test_the_fighters_abroad_are_read_at_the_months_the_un_counted_them_and_weigh_in_the_distance():
    from ctsim.analysis.calibration import point
    from ctsim.experiments.executors import replications
    from ctsim.scenarios.files import load_scenario
    from ctsim.scenarios.runner import run_recorded

    history = load_scenario(point.HISTORY)
    values = {name: float(np.mean(PARAMETERS_BY_NAME[name].plausible)) for name in observed.FREE}
    seeds = [r.seed for r in replications(2, 5, spawn_key=(0,))]
    runs = [run_recorded(history, seed, uncertainties=values, outputs=point.READ) for seed in seeds]
    summary = posterior.ctsim_summary(point.fit_of(runs))
    months = runs[0].months
    for year, month in observed.ABROAD:
        at = int(np.flatnonzero((months.year == year) & (months.month == month))[0])
        expected = np.mean([r.series("militants_in_sanctuary")[at] for r in runs])
        assert summary[f"abroad/{year}/{month:02d}"] == pytest.approx(expected, rel=1e-12), (year, month)
        assert expected > 0, "cells are in the sanctuary at the months the UN counted them"
    targets = posterior.ctsim_targets()
    assert targets["abroad/2022/02"] == 4000.0 and targets["abroad/2024/07"] == 6250.0
    exact = {**summary, **{k: targets[k] for k in targets if k.startswith("abroad/")}}
    off = {**exact, "abroad/2024/07": targets["abroad/2024/07"] / 2}
    tolerance = observed.TOLERANCE["abroad_relative"]
    assert posterior.ctsim_distance(off, targets) - posterior.ctsim_distance(exact, targets) == \
        pytest.approx((0.5 / tolerance) ** 2, rel=1e-9), "half the UN's count costs (0.5 / 0.25)^2 = 4"
