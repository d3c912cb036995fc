"""Calibration: targets from FACTS.md, the loss, a deterministic search, the stored result used by default."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from ctsim.analysis.calibration import point
from ctsim.calibration import targets as observed
from ctsim.data import REGION_KEYS
from ctsim.declarations.parameters import PARAMETERS_BY_NAME, calibrated, defaults
from ctsim.docs.validation import fit_table
from ctsim.model.recording import OUTPUT_INDEX
from ctsim.scenarios import runner
from ctsim.scenarios.files import load_scenario

HISTORY = Path(__file__).resolve().parents[3] / "scenarios" / "history_2013_2024.toml"


def test_targets_are_the_facts():
    assert observed.MONTHLY_ATTACKS[:12].sum() == 380, "FACTS.md s1: the 2022 months sum to 380"
    assert observed.MONTHLY_ATTACKS[24:].sum() == 908, "FACTS.md s1: the 2024 months sum to 908 (PICSS revised)"
    assert len(observed.MONTHLY_ATTACKS) == 36, "the calibration window is the 36 months of 2022-2024"
    assert observed.ANNUAL[2023] == {"attacks": 645.0, "deaths": 976.0, "injuries": 1354.0}
    assert observed.ANNUAL[2024] == {"attacks": 905.0, "deaths": 1177.0, "injuries": 1292.0}
    for year, shares in observed.SHARES.items():
        regions = {k: v for k, v in shares.items() if k != observed.KARACHI_OF_SINDH}
        assert abs(sum(regions.values()) - 1) < 0.01, f"the {year} shares cover every attack"
    assert observed.SHARES[2015][observed.KARACHI_OF_SINDH] == 85 / 102, "FACTS.md s5.11: PIPS 2015, Karachi 85/102"
    assert observed.KILLED == {2015: 1987.0, 2023: 566.0, 2024: 951.0}, \
        "PICSS 2015, ISPR 2023 and PICSS 2024 (FACTS.md s5.2, s1)"
    assert {y: v["attacks"] for y, v in observed.EARLY_ANNUAL.items() if y > 2013} == \
        {2014: 1608.0, 2015: 708.0, 2016: 513.0, 2017: 420.0}, "PICSS 2014-2017 (FACTS.md s5.1)"
    assert observed.EARLY_ANNUAL[2013]["attacks"] == round(1717 * observed.PICSS_OVER_PIPS), \
        "2013: PIPS's 1,717 in PICSS's count"
    assert 1.15 < observed.PICSS_OVER_PIPS < 1.25, "PICSS counts about a fifth more than PIPS in 2014-2017"
    assert observed.OUT_OF_SAMPLE == {2018: 229.0, 2019: 159.0, 2020: 187.0, 2021: 294.0}
    assert not set(observed.OUT_OF_SAMPLE) & set(observed.ANNUAL), "2018-2021 are kept out of the fit"
    assert observed.ABROAD == {(2022, 2): 4000.0, (2024, 7): 6250.0}, \
        "the UN's counts of February 2022 (3,000-5,000) and July 2024 (6,000-6,500), FACTS.md s5.8"
    assert (2020, 7) in observed.UN_FIGHTERS_ABROAD and (2020, 7) not in observed.ABROAD, \
        "July 2020's count lies in the out-of-sample years"


def _perfect() -> point.Fit:
    shares = {y: {**{k: 0.0 for k in observed.REST}, **dict(v)} for y, v in observed.SHARES.items()}
    months = pd.date_range("2022-01-01", periods=len(observed.MONTHLY_ATTACKS), freq="MS")
    return point.Fit(observed.MONTHLY_ATTACKS.copy(), {y: dict(v) for y, v in observed.ANNUAL.items()}, shares,
                     dict(observed.KILLED), {k: np.array([v]) for k, v in observed.ABROAD.items()}, months,
                     np.zeros((1, len(months), 4)))


def test_loss_is_zero_at_the_targets_and_grows_away_from_them():
    assert point.loss(_perfect()) == pytest.approx(0.0, abs=1e-12)
    off = _perfect()
    off.monthly_attacks = observed.MONTHLY_ATTACKS * 1.2
    off.annual = {y: {k: v * 1.2 for k, v in t.items()} for y, t in observed.ANNUAL.items()}
    assert point.loss(off) > 0.1, "20% too many attacks every year is a worse fit"
    killed = _perfect()
    killed.killed = {y: 4 * v for y, v in observed.KILLED.items()}
    assert point.loss(killed) > 10, "killing four times the militants the record shows is far outside tolerance"
    emptied = _perfect()
    emptied.abroad = {k: np.array([v / 3]) for k, v in observed.ABROAD.items()}
    assert point.loss(emptied) > 10, "a third of the fighters the UN counted in Afghanistan is far outside tolerance"
    near = _perfect()
    near.abroad = {k: np.array([v * 1.2]) for k, v in observed.ABROAD.items()}
    assert 0 < point.loss(near) < 1, "a fifth more fighters abroad than the UN counted is within tolerance"


def test_regional_shares_pool_the_small_regions_as_picss_reports_2024():
    import pandas as pd

    frame = pd.DataFrame({"month": pd.to_datetime(["2024-01-01"] * 3), "region_key": ["sindh", "punjab", "merged"],
                          "attacks": [1.0, 1.0, 2.0]})
    shares = observed.regional_shares(frame, 2024)
    assert shares["rest"] == pytest.approx(0.5) and shares["merged"] == pytest.approx(0.5)


def test_karachis_share_of_sindh_is_read_from_the_attacks_in_karachis_districts():
    model = runner.build_model(load_scenario(HISTORY), 5, agents=False)
    karachi, sindh = model.state.karachi, model.state.region == REGION_KEYS.index("sindh")
    assert karachi.sum() == 7 and (sindh[karachi]).all(), "Karachi division's seven districts are in Sindh"
    for _ in range(36):
        model.step()
    recorder = model.recorder
    by_district = recorder.districts_buffer[:recorder.months, 0]
    national = recorder.national[:, OUTPUT_INDEX["attacks_in_karachi"]]
    assert np.array_equal(national, by_district[:, karachi].sum(axis=1)), "the output sums Karachi's districts"
    assert 0 < national.sum() < by_district[:, sindh].sum(), "Karachi has some of Sindh's attacks, not all"
    recorded = runner.run_recorded(load_scenario(HISTORY), 5, months=72, outputs=point.READ)  # 2010-2015
    fit = point.fit_of([recorded])
    in_2015 = recorded.months.year == 2015
    expected = (recorded.series("attacks_in_karachi")[in_2015].sum()
                / recorded.regional_series("attacks")[in_2015, REGION_KEYS.index("sindh")].sum())
    assert fit.shares[2015][observed.KARACHI_OF_SINDH] == pytest.approx(expected)


def test_free_parameters_are_declared_uncertainties_with_bounds():
    for name in observed.FREE:
        spec = PARAMETERS_BY_NAME[name]
        assert spec.kind in ("calibrate", "assumption") and spec.plausible is not None


def test_search_is_deterministic():
    history = load_scenario(HISTORY)
    first = point.calibrate(history, replications=1, generations=1, popsize=1)
    second = point.calibrate(history, replications=1, generations=1, popsize=1)
    assert first["free_parameters"] == second["free_parameters"] and first["loss"] == second["loss"]
    for name, spec in first["free_parameters"].items():
        low, high = PARAMETERS_BY_NAME[name].plausible
        assert low <= spec["value"] <= high


def test_a_warm_start_enters_the_search_and_is_stored(tmp_path, monkeypatch):
    """--warm-start puts the stored fit in the first population, so the search ends at least as good as it; the
    record keeps the start, so --check reruns the same search; a missing stored fit is refused in one line."""
    from ctsim.cli import main

    history = load_scenario(HISTORY)
    start = point.stored_start("test")
    assert set(start) == set(observed.FREE)
    record = point.calibrate(history, replications=1, generations=1, popsize=1, start=start)
    assert record["settings"]["start"] == start
    cold = point.calibrate(history, replications=1, generations=1, popsize=1)
    assert "start" not in cold["settings"]
    # The search returns the best member it has seen; the start is one, so the result is at least as good.
    seeds = np.random.SeedSequence(point.DEFAULT_SETTINGS["seed"]).spawn(1)
    at_start = point._score((tuple(start[name] for name in observed.FREE), history, seeds))
    assert record["loss"] <= at_start
    outside = {**start, observed.FREE[0]: -1.0}
    with pytest.raises(ValueError, match=observed.FREE[0]):
        point.calibrate(history, replications=1, generations=0, popsize=1, start=outside)
    broken = tmp_path / "calibration.json"
    broken.write_text("{}")
    monkeypatch.setattr(point, "CALIBRATION_FILE", broken)
    assert main(["calibrate", "--warm-start", "--generations", "1", "--popsize", "1", "--replications", "1",
                 "--output", str(tmp_path / "out.json"), "--executor", "serial"]) == 2
    assert not (tmp_path / "out.json").exists()


def test_runs_use_the_stored_calibration():
    record = json.loads(point.CALIBRATION_FILE.read_text())
    stored = {k: v["value"] for k, v in record["free_parameters"].items()}
    assert dict(calibrated()) == stored
    assert all(defaults()[k] == v for k, v in stored.items())
    assert record["settings"]["seed"] == 20220101 and not record["settings"]["stopped_by_time_budget"]


# The targets calibration version 19 (cells lie low by the border management in force; version 18's point) misses on
# 12 fresh replications, 20 of 39: version 18's 16, and 2022 again (475 attacks against 380, with its deaths and
# injuries: cooperation's end now wakes cells at once) and Karachi's share of Sindh's 2015 attacks (88% against 83%).
# Version 18 missed 16: as version 17's, but 2016 missed (high, as 2015) and 2022 met, 2015's merged and Balochistan
# shares met and Balochistan's 2023 share missed (docs/validation.md). Version 17 missed 17:
# as docs/validation.md reported them: the fall starts too low (2013-2014 short by about a quarter: the spin-up leaves
# fewer attacks than the record's 2013) and 2015 is high, 2022 is high and 2024 low with its deaths and injuries,
# militants killed are too many in 2015, the 2015 split gives settled KP too much and the merged districts and
# Balochistan too little, the 2023-2024 split gives the merged districts too much and settled KP too little, and the
# cells in the sanctuary are too many in February 2022 and too few in July 2024 (the UN's 3,000-5,000 and
# 6,000-6,500). Version 16 missed 16 (it met 2015 and 2022, the 2015 split but Sindh's, and missed 2017, Sindh's and
# Karachi's shares of 2015 and Balochistan's of 2023); version 15 missed 25; version 11, fitted to 2022-2024 alone,
# met every one of its 23 targets. A change that meets one of these, or misses another, fails here: update the list
# with the report.
KNOWN_MISSES = {
    "attacks 2013", "attacks 2014", "attacks 2015", "attacks 2016", "attacks 2022", "deaths 2022", "injuries 2022",
    "attacks 2024", "deaths 2024", "injuries 2024",
    "militants killed 2015", "fighters in Afghanistan 2022-02 (UN)", "fighters in Afghanistan 2024-07 (UN)",
    "share of 2015 attacks: kp_settled", "Karachi's share of Sindh's 2015 attacks",
    "share of 2023 attacks: kp_settled", "share of 2023 attacks: merged", "share of 2023 attacks: balochistan",
    "share of 2024 attacks: kp_settled", "share of 2024 attacks: merged",
}


def test_default_model_meets_the_fit_targets_but_the_known_misses():
    record = json.loads(point.CALIBRATION_FILE.read_text())
    values = {k: v["value"] for k, v in record["free_parameters"].items()}
    table, _, summary = fit_table(load_scenario(HISTORY), values, replications=12)
    misses = set(table.loc[~table["within"], "target"])
    assert misses <= KNOWN_MISSES, f"targets newly missed: {sorted(misses - KNOWN_MISSES)}"
    assert misses >= KNOWN_MISSES, f"targets now met (drop them from KNOWN_MISSES): {sorted(KNOWN_MISSES - misses)}"
    assert summary["monthly_correlation"] >= 0.6, summary
    assert np.isfinite(summary["loss"])


def test_stored_calibration_was_computed_on_this_model():
    """The stored loss is what this code computes for the stored values with the fit's own seeds: a change to the
    model that moves the fit shows here (then rerun `ctsim calibrate` and commit its outputs). The full search is
    reproduced by `ctsim calibrate --check` (minutes; see README), not in the test suite."""
    record = json.loads(point.CALIBRATION_FILE.read_text())
    settings = record["settings"]
    values = {k: v["value"] for k, v in record["free_parameters"].items()}
    seeds = np.random.SeedSequence(settings["seed"]).spawn(settings["replications"])
    assert point.loss(point.simulate(values, load_scenario(HISTORY), seeds)) == pytest.approx(record["loss"], rel=1e-12)


def test_the_fit_report_shows_karachis_share_of_sindh_as_a_share():
    from ctsim.docs.validation import fit_rows, share_label

    label = share_label(2015, observed.KARACHI_OF_SINDH)
    assert label == "Karachi's share of Sindh's 2015 attacks"
    table = pd.DataFrame([{"target": label, "share": True, "observed": 85 / 102, "simulated": 0.724,
                           "low_5": np.nan, "high_95": np.nan, "error": 0.724 - 85 / 102, "within": False},
                          {"target": "attacks 2015", "share": False, "observed": 708.0, "simulated": 768.0,
                           "low_5": np.nan, "high_95": np.nan, "error": 768 / 708 - 1, "within": True}])
    karachi, attacks = fit_rows(table)
    assert karachi.startswith(f"| {label} | 83.3% | 72.4% |") and "-10.9 pts" in karachi, karachi
    assert attacks.startswith("| attacks 2015 | 708 | 768 |") and "+8.5%" in attacks, attacks
