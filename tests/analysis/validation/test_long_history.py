"""The long-history study: its counterfactual, the share of the fall the policies explain, the out-of-sample score,
the command and the report section that reads what it stores."""

from __future__ import annotations

import json

import numpy as np
import pytest

from ctsim.analysis.validation import long_history as lh
from ctsim.calibration.targets import OUT_OF_SAMPLE
from ctsim.cli import main
from ctsim.docs.validation import long_history_section


def _runs(attacks_by_year: dict[int, list[float]]) -> lh.HistoryRuns:
    n = len(next(iter(attacks_by_year.values())))
    attacks = np.array([[attacks_by_year.get(y, [100.0] * n)[r] for y in lh.YEARS] for r in range(n)], dtype=float)
    shares = np.full((n, len(lh.YEARS), 8), 1 / 8)
    return lh.HistoryRuns(attacks, shares, np.full((n, len(lh.UN_FIGHTERS_ABROAD)), 4000.0),
                          np.full((n, len(lh.YEARS)), 100.0))


def test_without_the_policies_removes_every_change_dated_2014_to_2017_and_keeps_the_rest():
    scenario = lh.history()
    dates = [e.date for e in scenario.schedule]
    assert any("2014-01" <= d <= "2017-12" for d in dates), "the history schedules the policies of 2014-2017"
    held = lh.without_policies(scenario)
    assert [e.date for e in held.schedule] == [d for d in dates if not "2014-01" <= d <= "2017-12"], \
        "the changes of 2013 and from 2018 stay, in their order"
    assert held.start == scenario.start and held.months == scenario.months == 180  # spun up from 2010


def test_the_share_explained_is_the_counterfactual_2017_over_the_fall_with_an_interval_around_it():
    history = _runs({2013: [100.0, 110.0, 90.0, 105.0], 2017: [20.0, 25.0, 15.0, 22.0]})
    held = _runs({2013: [100.0, 110.0, 90.0, 105.0], 2017: [80.0, 85.0, 70.0, 90.0]})
    share, low, high = lh.share_explained(lh.Counterfactual(history, held))
    assert share == pytest.approx((325 - 82) / (405 - 82)), "(held 2017 - history 2017) / (2013 - history 2017)"
    assert low <= share <= high and high - low < 0.3
    nothing = lh.share_explained(lh.Counterfactual(history, history))
    assert nothing[0] == pytest.approx(0.0), "a counterfactual equal to the history explains none of the fall"


def test_out_of_sample_scores_the_model_beside_naive_forecasts():
    observed = list(OUT_OF_SAMPLE.values())
    right = _runs({y: [v * f for f in (0.9, 1.0, 1.1, 1.0)] for y, v in OUT_OF_SAMPLE.items()})
    wrong = _runs({y: [4 * v] * 4 for y, v in OUT_OF_SAMPLE.items()})
    good, bad = lh.out_of_sample(right, n_samples=200), lh.out_of_sample(wrong, n_samples=200)
    assert list(good["year"][:4]) == list(OUT_OF_SAMPLE) and good["year"].iloc[-1] == "mean"
    assert np.allclose(good["observed"][:4].astype(float), observed)
    assert good["model_crps"].iloc[-1] < bad["model_crps"].iloc[-1], "a model near the record scores better"
    assert good["model_crps"].iloc[-1] < good["linear trend crps"].iloc[-1], \
        "a model spread around the record beats a trend fitted to the fall (which goes negative)"
    assert bad["model_error"].iloc[0] == pytest.approx(3.0), "four times the record is +300%"


def test_the_command_stores_a_study_the_report_shows(tmp_path, capsys):
    out = tmp_path / "long_history.json"
    assert main(["long-history", "--runs", "2", "--point", "--workers", "1", "--json", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "out of sample 2018" in printed and "the 2014-2017 policies explain" in printed
    record = json.loads(out.read_text())
    assert record["years"] == list(lh.YEARS) and record["runs"] == 2
    for band in ("history", "without_2014_2017_policies", "sanctuary_kept_closed"):
        assert len(record[band]["median"]) == 12 and all(v >= 0 for v in record[band]["q05"])
    assert record["out_of_sample_years"] == sorted(OUT_OF_SAMPLE) and 2018 not in record["fitted_years"]
    lines = "\n".join(long_history_section(out))
    assert "| 2018 | *229* |" in lines and "| 2014 | **1,608** |" in lines, "out-of-sample years in italics"
    assert "share of the fall the policies explain" in lines and "Not run yet" not in lines
    assert record["rise_2020_2023_drivers"] == [], "the point calibration has no draws to compare"
    assert 0.0 <= record["rise_2020_2023_runs_doubling"] <= 1.0
    assert [r["region"] for r in record["regions_2018"]] == list(lh.REGIONS_2018)
    assert all(r["q05"] <= r["median"] <= r["q95"] for r in record["regions_2018"])
    assert "| Sindh | 14 |" in lines, "2018's attacks by region against PICSS's"
    killed = {row["period"]: row for row in record["militants_killed"]}
    assert killed["2019"]["record"] == 77.0 and not killed["2019"]["fitted"]
    assert f"| 2019 | 77 | {killed['2019']['median']:,} [" in lines and "| not fitted |" in lines
    assert "militants killed in operations, model median (90%) against the record: 2015 " in printed
    median = record["history"]["median"]
    assert record["lowest_year"] == lh.YEARS[int(np.argmin(median))], "the median's lowest year over 2013-2024"
    assert record["trough_year"] == lh.YEARS[int(np.argmin(median[:8]))], "the trough before 2021"
    assert f"| lowest year of the median (2013-2024) | {record['lowest_year']} |" in lines
    assert f"median's lowest year of 2013-2024: {record['lowest_year']}" in printed
    interval = record["rise_2020_2023_interval"]
    assert interval["median_ratio"] == pytest.approx(record["rise_2020_2023"])
    assert (f"| rise, 2020 to 2023 (median of the runs' ratios; 90% interval, bootstrap over runs) | "
            f"{interval['median_ratio']:.2f}x [{interval['median_ratio_low']:.2f}-") in lines
    assert "| the same as the median's 2023 over its 2020 (90% interval) |" in lines


def test_the_killed_are_compared_with_every_count_the_record_gives_fitted_or_not():
    runs = _runs({2016: [500.0, 520.0, 540.0]})
    runs.killed[:, lh.YEARS.index(2016)] = [1700.0, 1718.0, 1736.0]
    runs.killed[:, lh.YEARS.index(2019)] = [77.0, 77.0, 77.0]
    rows = {row["period"]: row for row in lh.killed_against_record(runs)}
    assert list(rows)[:5] == ["2015", "2016", "2019", "2023", "2024"], "each year's count, in order"
    assert rows["2015"]["fitted"] and rows["2023"]["fitted"] and not rows["2016"]["fitted"]
    assert not rows["2019"]["fitted"]
    assert rows["2016"]["median"] == 1718 and rows["2016"]["ratio"] == pytest.approx(1718 / 859), "x2 the record"
    assert rows["2016"]["q05"] < rows["2016"]["median"] < rows["2016"]["q95"]
    assert rows["2019"]["ratio"] == pytest.approx(1.0)
    radd = rows["2017-2020 (Radd-ul-Fasaad, ISPR)"]
    assert radd["median"] == 100 + 100 + 77 + 100 and radd["record"] == 353.0, "four years summed"


def test_a_regions_attacks_in_a_year_are_its_share_of_that_years_attacks():
    runs = _runs({2018: [200.0, 400.0]})
    runs.shares[:, lh.YEARS.index(2018), :] = 0.0
    runs.shares[:, lh.YEARS.index(2018), 1] = [0.25, 0.1]  # Sindh is the second of REGION_KEYS
    assert runs.regional("sindh", 2018).tolist() == [50.0, 40.0]
    assert runs.regional("punjab", 2018).tolist() == [0.0, 0.0]


def test_the_report_says_when_the_study_is_missing_or_from_another_model(tmp_path):
    missing = "\n".join(long_history_section(tmp_path / "none.json"))
    assert "Not run yet: `make long-history`" in missing
    other = tmp_path / "other.json"
    other.write_text(json.dumps({"model_fingerprint": "another"}))
    assert "run on another state of the model" in "\n".join(long_history_section(other))


def test_bad_options_stop_with_one_line(capsys):
    assert main(["long-history", "--runs", "1", "--point"]) == 2
    err = capsys.readouterr().err
    assert "--runs" in err and len(err.strip().splitlines()) == 1


def test_the_drivers_of_the_rise_rank_the_parameters_that_vary_by_their_correlation_with_it():
    ratios = np.array([1.0, 1.5, 2.0, 2.5, 3.0])
    draws = [{"up": v, "down": -v, "noise": n, "fixed": 1.0}
             for v, n in zip(range(5), (0.3, 0.1, 0.5, 0.2, 0.4), strict=True)]
    drivers = lh.rise_drivers(ratios, draws)
    assert [d["parameter"] for d in drivers][:2] in (["down", "up"], ["up", "down"])
    assert {d["parameter"]: d["spearman"] for d in drivers}["up"] == pytest.approx(1.0)
    assert {d["parameter"]: d["spearman"] for d in drivers}["down"] == pytest.approx(-1.0)
    assert "fixed" not in {d["parameter"] for d in drivers}, "a parameter that does not vary decides nothing"
    assert abs(drivers[-1]["spearman"]) < 1 and drivers[-1]["parameter"] == "noise"
    assert lh.rise_drivers(ratios, [{}] * 5) == [], "the point calibration: one parameter set, no drivers"
    assert lh.rise_drivers(ratios[:2], draws[:2]) == []


def test_the_rise_has_an_interval_over_the_runs_that_narrows_with_more_runs():
    """The rise from 2020 to 2023 is read two ways (the median of the runs' ratios; the median's 2023 over its 2020),
    each with a bootstrap interval over the runs: it holds the estimate, lies within the runs' range, and narrows
    when there are more runs of the same spread."""
    rng = np.random.default_rng(7)

    def attacks(n: int) -> np.ndarray:
        ratios = rng.lognormal(np.log(1.8), 0.3, n)
        return _runs({2020: [100.0] * n, 2023: list(100.0 * ratios)}).attacks

    few, many = lh.rise_interval(attacks(40)), lh.rise_interval(attacks(400))
    for interval in (few, many):
        assert interval["median_ratio_low"] <= interval["median_ratio"] <= interval["median_ratio_high"]
        assert interval["ratio_of_medians_low"] <= interval["ratio_of_medians"] <= interval["ratio_of_medians_high"]
        assert interval["median_ratio"] == pytest.approx(interval["ratio_of_medians"]), "2020 is the same in every run"
        assert interval["median_ratio_low"] > 1.0 and interval["median_ratio_high"] < 3.5
    assert (many["median_ratio_high"] - many["median_ratio_low"]) < 0.6 * (few["median_ratio_high"]
                                                                            - few["median_ratio_low"])
    spread = _runs({2020: [100.0, 200.0, 400.0], 2023: [300.0, 300.0, 400.0]}).attacks
    read = lh.rise_interval(spread)
    assert read["median_ratio"] == pytest.approx(1.5) and read["ratio_of_medians"] == pytest.approx(1.5)
    skewed = _runs({2020: [100.0, 100.0, 400.0], 2023: [150.0, 400.0, 440.0]}).attacks
    assert lh.rise_interval(skewed)["median_ratio"] == pytest.approx(1.5)
    assert lh.rise_interval(skewed)["ratio_of_medians"] == pytest.approx(4.0), "the median year's 400 over its 100"
    assert np.isnan(lh.rise_interval(attacks(1))["median_ratio_low"]), "one run has no interval"

