"""The forecast study's report section (shown only for a study of this model, with its cost and verdict) and a smoke
run of the whole study on a tiny budget."""

from __future__ import annotations

import json

import numpy as np

from ctsim.analysis.calibration import posterior
from ctsim.analysis.validation import forecast, forecast_study, long_history, predictive, rolling_origin
from ctsim.calibration.fingerprint import model_fingerprint
from ctsim.calibration.targets import months_before_monthly
from ctsim.docs.validation import forecast_section


def _fixture(fingerprint: str, model_level: float) -> dict:
    """A small study record: 3 months of predictive checks, and a 2024 forecast of monthly level ``model_level``."""
    rng = np.random.default_rng(3)
    months = ["2022-01", "2022-02", "2022-03"]
    sample = predictive.PredictiveSample(months, rng.poisson(25, (40, 3)).astype(float),
                                         {"annual/2022/attacks": rng.normal(400, 20, 40)})
    checks, summary = predictive.predictive_checks(sample, {posterior.MONTHLY: np.array([24.0, 13.0, 26.0]),
                                                             "annual/2022/attacks": 380.0})
    model = rng.poisson(model_level, (40, 12)).astype(float)
    table = forecast.score_2024(model, n_samples=300)
    totals = model.sum(axis=1)
    quantiles = {f"q{round(100 * q):02d}": [*np.quantile(model, q, axis=0), float(np.quantile(totals, q))]
                 for q in (0.05, 0.25, 0.5, 0.75, 0.95)}
    generation = {"generation": 0, "epsilon": 3.2, "simulations": 60, "accepted": 40, "acceptance_rate": 2 / 3,
                  "effective_sample_size": 40.0}
    return {
        "format": forecast_study.FORMAT, "version": forecast_study.VERSION, "model_fingerprint": fingerprint,
        "calibration_version": "3 (2026-11-30)", "wall_seconds": 75.0, "model_runs": 123,
        "predictive": {"source": "point", "description": "the stored point calibration, every run", "runs": 40,
                       "months": [months[0], months[-1]], "seed": 1, "model_runs": 40, "wall_seconds": 20.0,
                       "summary": summary, "table": forecast_study._records(checks)},
        "rolling_origin": {
            "origin": 24, "horizon": 12, "origin_month": "2023-12",
            "abc": {"settings": {"population_size": 40, "max_populations": 1, "time_budget_seconds": 60.0,
                                 "seed": 7, "generations_run": 1, "targets": ["annual/2022/attacks"]},
                    "model_runs": 43, "wall_seconds_all_calls": 40.0, "generations": [generation],
                    "effective_sample_size": 40.0, "parameters": {"detection_rate": {"q50": 0.1}}},
            "forecast": {"runs": 40, "model_runs": 40, "wall_seconds": 15.0,
                         "periods": [f"2024-{m:02d}" for m in range(1, 13)] + [forecast.YEAR],
                         "model_quantiles": quantiles, "score": rolling_origin.table_to_record(table),
                         "verdict": forecast.verdict(table)},
            "checks": {"summary": summary, "table": forecast_study._records(checks)}},
    }


def test_the_section_renders_a_study_of_this_model_with_its_cost_and_verdict(tmp_path):
    study = tmp_path / "forecast.json"
    study.write_text(json.dumps(_fixture(model_fingerprint(), model_level=75.0)))
    text = "\n".join(forecast_section(study))
    assert "123 model runs" in text and "75 s" in text, "the section states the study's model runs and wall time"
    assert "| 2024-01 | 93 |" in text and "| year | 908 |" in text, "every 2024 month and the year total are scored"
    assert "| national attacks per month | 3 |" in text, "coverage is given per group of targets"
    assert "**Verdict:**" in text and "- model vs linear trend:" in text, "the verdict names every naive forecast"
    assert "every run uses the one stored calibration" in text, "point mode says its intervals lack parameter spread"


def test_the_verdict_says_plainly_when_the_model_loses(tmp_path):
    study = tmp_path / "forecast.json"
    study.write_text(json.dumps(_fixture(model_fingerprint(), model_level=20.0)))
    text = "\n".join(forecast_section(study))
    assert "the model beats 0 of 3 naive forecasts (none)" in text, \
        "a forecast four times too low beats no naive forecast, and the verdict says so"


def test_a_stale_or_missing_study_is_refused_not_shown(tmp_path):
    study = tmp_path / "forecast.json"
    study.write_text(json.dumps(_fixture("not-this-model", model_level=75.0)))
    text = "\n".join(forecast_section(study))
    assert "another state of the model" in text and "2024-01" not in text, "a stale study's figures are not shown"
    assert "Not run yet: `make forecast`" in "\n".join(forecast_section(tmp_path / "absent.json"))


def test_the_study_runs_end_to_end_on_a_tiny_budget(tmp_path):
    # the history through February 2023: the first 14 months of the monthly targets (2022-2024)
    months = months_before_monthly(long_history.history().start) + 14
    record = forecast_study.run_study(draws=predictive.POINT, runs=3, months=months, abc_dir=tmp_path / "abc",
                                      origin=24, horizon=1, population=5, generations=1, time_budget=60.0,
                                      forecast_runs=3)
    abc = record["rolling_origin"]["abc"]
    assert abc["model_runs"] >= 2 * 5, "the ABC's initial sample and first generation count as model runs"
    assert record["model_runs"] == 3 + abc["model_runs"] + 3, "every model run of the study is counted"
    assert record["model_fingerprint"] == model_fingerprint() and record["wall_seconds"] > 0
    assert not [t for t in abc["settings"]["targets"] if "2024" in t], "the origin's fit saw no 2024 target"
    assert record["rolling_origin"]["forecast"]["periods"] == ["2024-01", forecast.YEAR]
    kept = tmp_path / "abc" / model_fingerprint()
    assert (kept / "draws.json").exists() and (kept / "timing.json").exists(), "the ABC is kept per model, resumable"
    study = tmp_path / "forecast.json"
    study.write_text(json.dumps(record, allow_nan=False))  # the record is strict JSON
    text = "\n".join(forecast_section(study))
    assert "**Verdict:**" in text and "another state" not in text, "the study's own record renders"


def test_the_fit_report_ends_with_the_forecast_section(tmp_path, stub_fit):
    validation = stub_fit
    record = {"method": "stand-in", "evaluations": 1, "loss": 1.0, "version": 0, "created_utc": "",
              "settings": {"seed": 1, "replications": 1, "generations": 1, "popsize": 1}, "free_parameters": {}}
    report = tmp_path / "validation.md"
    (tmp_path / validation.FORECAST_FILE).write_text(json.dumps(_fixture(model_fingerprint(), model_level=75.0)))
    validation.write_report(record, None, report)
    text = report.read_text()
    assert text.index("## Predictive checks and a forecast of 2024") > text.index("## The status quo's long run"), \
        "the report written by validate-model and calibrate carries the forecast study stored beside it"
    assert "| 2024-01 | 93 |" in text
