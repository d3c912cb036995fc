"""The pattern checks rerun over the stored posterior draws: the share of draws in which each pattern holds, its
interval, the CLI's ``--posterior`` option and the report section
(``ctsim.analysis.validation.patterns.posterior_study``).

The checks themselves are replaced by a fake here: these tests are about which values reach the checks and how the
verdicts are counted, not about the model (tests/analysis/test_patterns.py runs the real checks).
"""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd
import pytest
from scipy.stats import beta

from ctsim.analysis.validation import patterns
from ctsim.calibration import parameter_sets
from ctsim.calibration.draws import Posterior, draw_for_replication, load_draws, write_draws
from ctsim.cli import main
from ctsim.docs.validation import posterior_patterns_section

NAMES = [c.__name__ for c in patterns.CHECKS]


def _write_posterior(path, model=None, seed=7):
    """A small draws file (five draws of two free parameters) computed on this model unless ``model`` says else."""
    values = pd.DataFrame({"detection_rate": [0.1, 0.2, 0.3, 0.4, 0.5],
                           "sanctuary_strength": [0.9, 0.8, 0.7, 0.6, 0.5]})
    posterior = Posterior(values, np.array([0.1, 0.3, 0.2, 0.25, 0.15]),
                          {"detection_rate": (0.0, 1.0), "sanctuary_strength": (0.0, 1.0)},
                          {"seed": seed, "population_size": 5, "generations_run": 2},
                          created_utc="2026-11-30T05:00:00+00:00",
                          model=parameter_sets.current_model() if model is None else model)
    return write_draws(posterior, path)


def _fake_run_checks(seen):
    """A stand-in for run_checks: records the uncertainties it gets; every check holds when detection_rate > 0.25
    (and, as calibrated, i.e. without uncertainties, holds), its headline is the detection rate."""
    def fake(replications, uncertainties=None):
        seen.append(dict(uncertainties) if uncertainties else None)
        rate = (uncertainties or {}).get("detection_rate", 1.0)
        return pd.DataFrame({"check": NAMES, "kind": patterns.EMERGENT, "pattern": "p", "measured": "m",
                             "tolerance": "t", "headline": f"{rate:g}", "result": "pass" if rate > 0.25 else "FAIL"})
    return fake


def _long(passes: dict[str, int], draws: int = 10, replications: int = 6) -> pd.DataFrame:
    """Rows of a posterior study: each check passes as calibrated and in its first ``passes[check]`` draws."""
    rows = [{"factor": "", "end": "as calibrated", "value": float("nan"), "check": name, "headline": "h",
             "passed": name != "continuity", "replications": replications} for name in NAMES]
    for k in range(draws):
        rows += [{"factor": patterns.POSTERIOR_FACTOR, "end": f"draw {k}", "value": float(k), "check": name,
                  "headline": "h", "passed": k < passes.get(name, draws), "replications": replications}
                 for name in NAMES]
    return pd.DataFrame(rows)


def test_summary_counts_the_draws_a_check_holds_in_with_an_exact_binomial_interval():
    summary = patterns.posterior_summary(_long({"swat_profile": 10, "gb_ajk_quiet": 0, "kinetic_surge": 3}))
    summary = summary.set_index("check")
    assert summary.loc["swat_profile", "holds in"] == "10 of 10" and summary.loc["swat_profile", "share"] == 1.0
    assert summary.loc["gb_ajk_quiet", "share"] == 0.0 and summary.loc["kinetic_surge", "share"] == 0.3
    # Clopper-Pearson at 90%: with every draw (or none) the one open end is 0.05 ** (1 / n) away from the edge.
    assert summary.loc["swat_profile", "low"] == pytest.approx(0.05 ** 0.1) and summary.loc["swat_profile", "high"] == 1
    assert summary.loc["gb_ajk_quiet", "low"] == 0 and summary.loc["gb_ajk_quiet", "high"] == pytest.approx(
        1 - 0.05 ** 0.1)
    # in between, the beta quantiles of the exact interval
    assert summary.loc["kinetic_surge", "low"] == pytest.approx(beta.ppf(0.05, 3, 8))
    assert summary.loc["kinetic_surge", "high"] == pytest.approx(beta.ppf(0.95, 4, 7))
    assert summary.loc["swat_profile", "as calibrated"] == "pass" and summary.loc["continuity", "as calibrated"] \
        == "FAIL", "the verdict as calibrated comes from the point set's row, not from the draws"
    assert list(summary.index) == NAMES


def test_settings_are_the_draws_replications_use():
    posterior = Posterior(pd.DataFrame({"a": [1.0, 2.0, 3.0]}), np.array([0.2, 0.5, 0.3]), {"a": (0.0, 4.0)},
                          {"seed": 3})
    settings = patterns.posterior_settings(posterior, 4)
    assert [s.end for s in settings] == ["draw 0", "draw 1", "draw 2", "draw 3"]
    assert [dict(s.values) for s in settings] == [draw_for_replication(posterior, k) for k in range(4)]
    with pytest.raises(ValueError, match="1 or more"):
        patterns.posterior_settings(posterior, 0)


def test_each_draws_values_reach_the_checks_and_the_report_shows_the_shares(tmp_path, monkeypatch, capsys):
    draws_file = _write_posterior(tmp_path / "posterior.json")
    monkeypatch.setattr(parameter_sets, "POSTERIOR_FILE", draws_file)
    seen = []
    monkeypatch.setattr(patterns, "run_checks", _fake_run_checks(seen))
    written = {}
    monkeypatch.setattr("ctsim.docs.validation.write_report",
                        lambda record, history, path, **kw: written.update(path=path, **kw))
    report = tmp_path / "validation.md"
    code = main(["validate-model", "--replications", "2", "--posterior", "4", "--workers", "1", "--report",
                 str(report)])
    posterior = load_draws(draws_file)
    expected = [draw_for_replication(posterior, k) for k in range(4)]
    assert seen == [None, *expected], "the point set first, then draw k's values as the checks' uncertainties"
    assert code == 0, "the exit code follows the checks as calibrated (all pass in the fake)"
    assert "Pattern checks over the first 4 posterior draws" in capsys.readouterr().out

    csv = tmp_path / "pattern_posterior.csv"
    stored = pd.read_csv(csv, keep_default_na=False, na_values={"value": [""]})
    assert len(stored) == 5 * len(NAMES) and set(stored["replications"]) == {2}
    holds = sum(d["detection_rate"] > 0.25 for d in expected)
    table = _fake_run_checks([])(2)
    text = "\n".join(posterior_patterns_section(csv, table, 2, draws_file=draws_file))
    assert f"| swat_profile | pass | {holds} of 4 draws | {100 * holds / 4:.0f}% |" in text
    assert "first 4 draws of the stored posterior" in text and "2 replications each" in text
    assert "population 5, 2 generations, seed 7" in text, "the section says which draws, made how"


def test_section_refuses_a_study_of_another_model_checks_or_draws(tmp_path):
    draws_file = _write_posterior(tmp_path / "posterior.json")
    table = pd.DataFrame({"check": NAMES, "headline": "h"})
    csv = tmp_path / "pattern_posterior.csv"
    assert "Not run yet" in "\n".join(posterior_patterns_section(csv, table, 6, draws_file=draws_file))
    sha = hashlib.sha256(draws_file.read_bytes()).hexdigest()
    _long({"kinetic_surge": 3}).assign(posterior_sha256=sha).to_csv(csv, index=False)
    text = "\n".join(posterior_patterns_section(csv, table, 6, draws_file=draws_file))
    assert "| kinetic_surge | pass | 3 of 10 draws | 30% | 9-61% |" in text
    assert "rerun" in "\n".join(posterior_patterns_section(csv, table, 4, draws_file=draws_file)), "replications"
    assert "rerun" in "\n".join(posterior_patterns_section(csv, table.assign(headline="x"), 6,
                                                           draws_file=draws_file)), "the model or checks changed"
    other = _write_posterior(tmp_path / "other.json", seed=8)
    assert "other posterior draws" in "\n".join(posterior_patterns_section(csv, table, 6, draws_file=other))
    assert "cannot be matched" in "\n".join(posterior_patterns_section(csv, table, 6,
                                                                       draws_file=tmp_path / "missing.json"))


@pytest.mark.parametrize("argv, message", [
    (["--posterior", "0"], "'--posterior' = 0 is outside [1, 10000]"),
    (["--posterior", "-3"], "'--posterior' = -3 is outside"),
    (["--workers", "2"], "'--workers' needs '--robustness' or '--posterior'"),
])
def test_bad_posterior_options_are_one_line_exit_2(argv, message, capsys):
    assert main(["validate-model", *argv]) == 2
    err = capsys.readouterr().err.strip()
    assert message in err and "\n" not in err


@pytest.mark.parametrize("model", [{"dynamics_fingerprint": "0" * 16}, {}], ids=["stale", "unrecorded"])
def test_stale_or_missing_draws_stop_the_posterior_study_in_one_line(tmp_path, monkeypatch, capsys, model):
    seen = []
    monkeypatch.setattr(patterns, "run_checks", _fake_run_checks(seen))
    stale = _write_posterior(tmp_path / "posterior.json", model={**parameter_sets.current_model(), **model}
                             if model else {})
    for path in (stale, tmp_path / "missing.json"):
        monkeypatch.setattr(parameter_sets, "POSTERIOR_FILE", path)
        assert main(["validate-model", "--posterior", "2", "--dry-run"]) == 2
        err = capsys.readouterr().err.strip()
        assert "\n" not in err and path.name in err and "make posterior" in err
    assert seen == [], "nothing is run when the draws are refused"


def test_the_report_carries_the_posterior_study_after_the_robustness_study(tmp_path, monkeypatch, stub_fit):
    validation = stub_fit
    draws_file = _write_posterior(tmp_path / "posterior.json")
    monkeypatch.setattr(parameter_sets, "POSTERIOR_FILE", draws_file)
    sha = hashlib.sha256(draws_file.read_bytes()).hexdigest()
    _long({"kinetic_surge": 3}).assign(posterior_sha256=sha).to_csv(tmp_path / validation.POSTERIOR_PATTERNS_FILE,
                                                                    index=False)
    record = {"method": "stand-in", "evaluations": 1, "loss": 1.0, "version": 0, "created_utc": "",
              "settings": {"seed": 1, "replications": 1, "generations": 1, "popsize": 1}, "free_parameters": {}}
    table = pd.DataFrame({"check": NAMES, "kind": patterns.EMERGENT, "pattern": "p", "measured": "m",
                          "tolerance": "t", "headline": "h", "result": "pass"})
    report = tmp_path / "validation.md"
    validation.write_report(record, None, report, patterns=table, pattern_replications=6)
    text = report.read_text()
    assert text.index("## Pattern checks over the posterior") > text.index("## Robustness of the patterns")
    assert "| kinetic_surge | pass | 3 of 10 draws | 30% | 9-61% |" in text
