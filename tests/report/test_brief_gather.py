"""The brief's numbers come from the result files: recomputed here, independently, from runs.csv, the monthly
Parquet and the batch parts, they must match what the brief holds and what its HTML shows."""

from __future__ import annotations

import json
import re
import shutil

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from ctsim.declarations.outputs import OUTPUTS_BY_NAME
from ctsim.report import words
from ctsim.report.gather import ReportError, gather
from ctsim.report.render import render
from ctsim.verdicts import format_interval, format_rupees, format_value, threshold
from ctsim.verdicts.formats import format_difference


def _paired(ref: np.ndarray, other: np.ndarray) -> tuple[float, float, float]:
    d = np.asarray(other, float) - np.asarray(ref, float)
    half = stats.t.ppf(0.95, len(d) - 1) * d.std(ddof=1) / np.sqrt(len(d)) if d.std(ddof=1) > 0 else 0.0
    return d.mean(), d.mean() - half, d.mean() + half


def _headline_cells(html: str, scenario: str) -> dict[str, list[str]]:
    """The text of each row of the headline table of ``scenario``, by outcome."""
    table = re.search(rf'<table class="headline" data-scenario="{scenario}">(.*?)</table>', html, re.S).group(1)
    rows = {}
    for outcome, body in re.findall(r'<tr data-outcome="(\w+)"[^>]*>(.*?)</tr>', table, re.S):
        rows[outcome] = [re.sub(r"<[^>]+>|\s+", " ", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", body, re.S)]
    return rows


def _shown(outcome: str, value: float, months: int) -> str:
    """A value as the brief must show it: with its unit, money a year."""
    if OUTPUTS_BY_NAME[outcome].unit == "rupees":
        return format_rupees(value * 12 / months, "year")
    return format_value(outcome, value)


def _expected_word(outcome: str, mean: float, low: float, high: float, reference: float, months: int) -> str:
    """The rule, restated: better or worse only when the interval excludes zero and the mean reaches the declared
    smallest change that matters; negligible when the interval lies inside it; unclear otherwise."""
    size = threshold(outcome, reference, months)
    if (low > 0 or high < 0) and abs(mean) >= size:
        better = OUTPUTS_BY_NAME[outcome].better
        return "neither" if not better else ("better" if (mean < 0) == (better == "lower") else "worse")
    return "negligible" if -size <= low and high <= size else "unclear"


def test_compare_headline_matches_the_runs(compare_result):
    brief = gather(compare_result)
    runs = pd.read_csv(compare_result / "runs.csv")
    ref = runs[runs["scenario"] == "baseline"].sort_values("replication")
    other = runs[runs["scenario"] == "civilian_led"].sort_values("replication")
    assert len(ref) == 3 and len(other) == 3, "fixture: 3 replications each"
    html = render(brief)
    cells = _headline_cells(html, "civilian_led")
    assert set(cells) == set(words.HEADLINE), "every headline outcome has a row in the HTML table"
    months = brief.months
    for row in brief.headline:
        mean, low, high = _paired(ref[row.key].to_numpy(), other[row.key].to_numpy())
        assert row.diff.difference == pytest.approx(mean, rel=1e-9, abs=1e-9), f"{row.key}: mean paired difference"
        assert row.diff.low == pytest.approx(low, rel=1e-9, abs=1e-9), f"{row.key}: lower end of the 90% interval"
        assert row.diff.high == pytest.approx(high, rel=1e-9, abs=1e-9), f"{row.key}: upper end"
        assert row.diff.reference == pytest.approx(ref[row.key].mean()), f"{row.key}: reference mean"
        shown = cells[row.key]
        per = 12 / months if row.key == "cost" else 1.0
        period = "year" if row.key == "cost" else None
        assert shown[1] == _shown(row.key, ref[row.key].mean(), months), f"{row.key}: shown reference, with its unit"
        assert shown[2] == _shown(row.key, other[row.key].mean(), months), f"{row.key}: shown scenario"
        assert shown[3].startswith(format_difference(row.key, mean * per, low * per, high * per, period)), \
            f"{row.key}: shown difference"
        assert shown[4] == format_interval(row.key, low * per, high * per, period), f"{row.key}: shown interval"
        assert "0.000 to 0.000" not in shown[4], f"{row.key}: an interval never prints as 0.000 to 0.000"
        word = _expected_word(row.key, mean, low, high, ref[row.key].mean(), months)
        assert row.verdict.word == word, f"{row.key}: the verdict follows the rule ({word}), got {row.verdict.word}"


def test_compare_names_the_changed_levers_with_labels_and_lags(compare_result):
    brief = gather(compare_result)
    changes = {c.name: c for c in brief.scenarios[1].changes}
    assert set(changes) == {"ct_lead", "police_capacity", "kinetic_intensity"}, "civilian_led's three levers"
    assert changes["ct_lead"].label == "Lead agency for counterterrorism"
    assert (changes["ct_lead"].reference, changes["ct_lead"].value) == ("the military", "the police"), \
        "a choice reads by its declared label"
    assert "Rs 30 bn a year" in changes["police_capacity"].cost, "the lever's price stands beside it, in rupees"
    assert brief.scenarios[1].description.startswith("Police in the lead"), "the scenario's own description"
    assert brief.scenarios[1].label == "Police in the lead" and "civilian_led" not in brief.title, \
        "titles and labels in words, not file names"
    assert changes["police_capacity"].lag_months == 24 and "two years" in changes["police_capacity"].lag
    assert not brief.scenarios[0].changes, "the baseline changes nothing from the status quo"
    assert brief.uncertainty.startswith("Included for the fitted parameters"), \
        "a compare on posterior draws (the default) says that its intervals carry the fitted parameters' uncertainty"
    assert "assumed, not varied" in brief.uncertainty, "and that how strongly each policy works is not varied"
    assert dict(brief.provenance)["Parameters"].startswith("one posterior draw per replication")


def test_a_point_compare_says_parameter_uncertainty_is_not_included(compare_result, tmp_path):
    manifest = json.loads((compare_result / "manifest.json").read_text())
    manifest["parameters"] = {"mode": "point", "calibration_version": "3"}
    copy = tmp_path / "point"
    shutil.copytree(compare_result, copy)
    (copy / "manifest.json").write_text(json.dumps(manifest))
    brief = gather(copy)
    assert "Not included" in brief.uncertainty, "a compare on the point calibration has no parameter uncertainty"
    assert dict(brief.provenance)["Parameters"].startswith("point calibration")


def test_the_brief_names_the_years_its_own_parameters_were_fitted_to(compare_result, tmp_path):
    brief = gather(compare_result)
    assert brief.fitted == "2013-2017 and 2022-2024" and "attacks of 2013-2017 and 2022-2024" in brief.uncertainty, \
        "a result on today's draws was fitted to the long history's years"
    manifest = json.loads((compare_result / "manifest.json").read_text())
    old = {k: v for k, v in manifest["parameters"].items() if k != "fitted_years"}
    old["settings"] = {**old.get("settings", {}), "history_months": 36}
    manifest["parameters"] = old
    copy = tmp_path / "older"
    shutil.copytree(compare_result, copy)
    (copy / "manifest.json").write_text(json.dumps(manifest))
    older = gather(copy)
    assert older.fitted == "2022-2024" and "attacks of 2022-2024," in older.uncertainty, \
        "a result made on draws of the 36-month history, before the fitted years were recorded, says 2022-2024"


def test_compare_years_and_regions_add_up(compare_result):
    brief = gather(compare_result)
    monthly = pd.read_parquet(compare_result / "monthly_attacks.parquet")
    monthly["year"] = (pd.to_datetime(monthly["month"]).dt.year - 2025)
    per = monthly.groupby(["scenario", "replication", "year"])["attacks"].sum()
    assert [r.key for r in brief.years] == ["1", "2"], "24 months are two years"
    for row in brief.years:
        y = int(row.key) - 1
        mean, low, high = _paired(per.loc["baseline"].xs(y, level="year").to_numpy(),
                                  per.loc["civilian_led"].xs(y, level="year").to_numpy())
        assert row.diff.difference == pytest.approx(mean) and row.diff.low == pytest.approx(low)
    total = sum(r.diff.difference for r in brief.regions)
    headline = next(r for r in brief.headline if r.key == "attacks")
    assert total == pytest.approx(headline.diff.difference), "regional differences add up to the national one"
    assert len(brief.regions) == 8, "one row per region"


def test_batch_pairs_runs_by_point_and_replication(batch_result):
    brief = gather(batch_result)
    from ctsim.experiments.results import load

    runs = load(batch_result)
    ref = runs[runs["scenario_index"] == 0].sort_values(["point", "replication"])
    other = runs[runs["scenario_index"] == 1].sort_values(["point", "replication"])
    attacks = next(r for r in brief.headline if r.key == "attacks")
    mean, low, high = _paired(ref["attacks"].to_numpy(), other["attacks"].to_numpy())
    assert attacks.diff.pairs == 4, "2 points x 2 replications"
    assert (attacks.diff.difference, attacks.diff.low) == (pytest.approx(mean), pytest.approx(low))
    cells = _headline_cells(render(brief), "civilian_led")
    for row in brief.headline:
        m, lo, hi = _paired(ref[row.key].to_numpy(), other[row.key].to_numpy())
        per, period = (12 / brief.months, "year") if row.key == "cost" else (1.0, None)
        assert cells[row.key][3].startswith(format_difference(row.key, m * per, lo * per, hi * per, period)), \
            f"{row.key}: shown difference"
        assert cells[row.key][4] == format_interval(row.key, lo * per, hi * per, period), f"{row.key}: interval"
    assert brief.uncertainty.startswith("Partly"), "the batch varies an uncertainty: parameter uncertainty in part"
    assert any("Prosecution capacity" in f for f in brief.factors), "the varied lever by its label"
    assert len(brief.years) == 2, "monthly attacks kept every month give per-year effects"


def test_morris_ranking_comes_from_ranking_csv(morris_result):
    brief = gather(morris_result)
    table = pd.read_csv(morris_result / "ranking.csv")
    assert len(brief.ranking) == len(table)
    for r, row in zip(brief.ranking, table.to_dict("records"), strict=True):
        assert (r.factor, r.value, r.rank) == (row["factor"], pytest.approx(row["mu_star"]), row["rank"])
    assert "Morris" in brief.ranking_method and "noise floor" in brief.ranking_method
    assert "mu*" not in brief.ranking_method, "the index is said in words, not by its symbol"
    info = json.loads((morris_result / "runs" / "batch.json").read_text())
    assert brief.runs == info["runs"] == 8


def test_trust_and_provenance(compare_result):
    brief = gather(compare_result)
    from ctsim.report.trust import calibration_file

    stored = json.loads(calibration_file().read_text())
    assert brief.trust.calibration["version"] == stored["version"], "the calibration version, from calibration.json"
    if brief.trust.patterns:  # a source checkout: docs/validation.md beside src/
        results = {p.result for p in brief.trust.patterns}
        assert results <= {"pass", "fail"}, "each pattern check reads pass or fail"
        kinds = {p.kind for p in brief.trust.patterns}
        assert kinds <= {"built in", "not built in"} and "not built in" in kinds, "each check says what kind it is"
        assert not any("FACTS.md" in p.pattern for p in brief.trust.patterns), "no file the reader does not have"
    assert any("assum" in c.provenance.lower() for c in brief.trust.assumed_levers), "assumed effects are listed"
    assert not any("FACTS.md" in c.provenance for c in brief.trust.assumed_levers), "sources named, not files"
    assert "differential_evolution" not in brief.trust.calibration["method_words"], "the method in words"
    manifest = json.loads((compare_result / "manifest.json").read_text())
    text = dict(brief.provenance)
    for s, info in zip(manifest["scenarios"], brief.scenarios, strict=True):
        assert s["sha256"] in text[f"Scenario: {info.label}"], "scenario hashes from the manifest"
    assert str(manifest["root_seed"]) in text["Seeds"]
    assert manifest["prices"]["mode"] == "drawn" and "FY2024-25" in text["Prices"], \
        "a compare on posterior draws draws its prices too, and says so"


def test_a_folder_that_is_no_result_is_refused(tmp_path):
    with pytest.raises(ReportError, match="not a result of ctsim compare"):
        gather(tmp_path)


def test_district_attacks_add_up_to_each_run_and_feed_the_district_map(compare_result):
    """A compare keeps every run's attacks by district; they add up to the run's national attacks, and the brief's
    district map shows each district's own mean paired change (no 'District map' gap is reported)."""
    districts = pd.read_parquet(compare_result / "district_attacks.parquet")
    runs = pd.read_csv(compare_result / "runs.csv").set_index(["scenario", "replication"])["attacks"]
    totals = districts.groupby(["scenario", "replication"])["attacks"].sum()
    assert np.allclose(totals.sort_index().to_numpy(), runs.loc[totals.sort_index().index].to_numpy()), \
        "district attacks must add up to each run's national attacks"
    assert districts.groupby(["scenario", "replication"]).size().eq(160).all(), "every district in every run"
    brief = gather(compare_result)
    wide = districts.pivot_table(index=["district_id", "replication"], columns="scenario", values="attacks")
    expected = (wide["civilian_led"] - wide["baseline"]).groupby(level="district_id").mean()
    shown = brief.districts.set_index("district_id")["difference"]
    assert np.allclose(shown.loc[expected.index].to_numpy(), expected.to_numpy())
    assert not any(m.startswith("District map") for m in brief.missing)
