"""The emergent patterns of DESIGN.md s5 (not fitted), each with the tolerance stated in ctsim.analysis.patterns.

Two patterns are not reproduced by the calibrated model at the tolerance stated before looking at the results; they
are kept as strict expected failures, with the numbers, rather than loosened (docs/validation.md reports them). A
model change that makes one pass turns its test red (XPASS): then remove it from UNMET.
"""

from __future__ import annotations

import pandas as pd
import pytest

from ctsim.analysis import patterns

REPLICATIONS = 6
UNMET = {
    "gb_ajk_quiet": "GB and AJK do stay quiet (0.2% of attacks), but Balochistan's schooling and administration "
                    "raise their attacks x1.9 (90% bootstrap x1.5-x2.3), short of the doubling the tolerance asks; "
                    "radicalisation there rises x13.5 and local militancy x5.1, but many of their attacks come from "
                    "neighbouring districts; passes in 21 of 59 robustness settings",
    "continuity": "shelved programmes keep about 64% (59-70%) of their benefit in years 11-15, falling year by "
                  "year (53% in year 15): militancy regrows slowly after five years of the package; fails in all "
                  "59 robustness settings (56-73%)",
}


@pytest.mark.parametrize("check", [
    pytest.param(c, marks=pytest.mark.xfail(reason=UNMET[c.__name__], strict=True)) if c.__name__ in UNMET else c
    for c in patterns.CHECKS], ids=lambda c: c.__name__)
def test_pattern(check):
    result = check(REPLICATIONS)
    assert result.passed, f"{result.pattern}: measured {result.measured}; tolerance {result.tolerance}"


# ---------------------------------------------------------------------------------------------- robustness
def test_robustness_settings_cover_each_assumption_at_both_ends_and_leave_fitted_ones_alone():
    from ctsim.analysis.calibration import FREE
    from ctsim.declarations.parameters import PARAMETERS_BY_NAME

    settings = patterns.robustness_settings()
    assert settings[0].factor == "" and settings[0].end == "as calibrated"
    moved = settings[1:]
    assert not {s.factor for s in moved} & set(FREE)
    for low, high in zip(moved[::2], moved[1::2], strict=True):
        assert low.factor == high.factor and (low.end, high.end) == ("low", "high")
        assert (low.value, high.value) == PARAMETERS_BY_NAME[low.factor].plausible
    assert [s.factor for s in patterns.robustness_settings(["deterrence"])] == ["", "deterrence", "deterrence"]
    for name, why in (("detection_rate", "a fitted parameter"), ("term_months", "not an uncertainty"),
                      ("nope", "not a parameter")):
        with pytest.raises(KeyError, match=why):
            patterns.robustness_settings([name])


def test_robustness_in_worker_processes_reproduces_the_checks_and_moves_the_parameter():
    reference = patterns.run_checks(2)
    long = patterns.robustness(2, ["deterrence"], workers=2)
    calibrated = long[long["factor"] == ""].set_index("check")
    assert list(calibrated.index) == list(reference["check"])
    assert calibrated["headline"].tolist() == reference["headline"].tolist()  # same seeds in other processes
    assert calibrated["passed"].tolist() == (reference["result"] == "pass").tolist()
    for end in ("low", "high"):
        moved = long[(long["factor"] == "deterrence") & (long["end"] == end)].set_index("check")["headline"]
        assert (moved != calibrated["headline"]).any(), f"deterrence at its {end} end changed no check"
    matrix = patterns.robustness_matrix(long)
    assert matrix["end"].tolist() == ["as calibrated", "low", "high"]
    assert set(matrix.columns) >= {c.__name__ for c in patterns.CHECKS}
    summary = patterns.robustness_summary(long).set_index("check")
    assert summary.loc["swat_profile", "passes"].endswith("of 3")
    # Handing over the calibrated checks already run (as the CLI does) gives the same study without rerunning them.
    pd.testing.assert_frame_equal(patterns.robustness(2, ["deterrence"], workers=2, calibrated=reference), long)


def _long(headline_gb: str, passed_gb: bool) -> pd.DataFrame:
    rows = []
    for factor, end, value in (("", "as calibrated", float("nan")), ("deterrence", "low", 0.0),
                               ("deterrence", "high", 0.6)):
        for check in patterns.CHECKS:
            gb = check.__name__ == "gb_ajk_quiet"
            rows.append({"factor": factor, "end": end, "value": value, "check": check.__name__,
                         "headline": headline_gb if gb and factor else "h", "passed": passed_gb if gb and factor
                         else True, "replications": 6})
    return pd.DataFrame(rows)


def test_report_section_shows_a_current_study_and_refuses_a_stale_one(tmp_path):
    from ctsim.analysis.validation import robustness_section

    table = pd.DataFrame({"check": [c.__name__ for c in patterns.CHECKS], "headline": "h", "tolerance": "t"})
    csv = tmp_path / "pattern_robustness.csv"
    assert "Not run yet" in "\n".join(robustness_section(csv, table, 6))
    _long("x1.2", False).to_csv(csv, index=False)
    text = "\n".join(robustness_section(csv, table, 6))
    assert "| gb_ajk_quiet | pass | 1 of 3 | deterrence low, deterrence high |" in text
    assert "| `deterrence` | low | 0 |" in text and "x1.2 **FAIL**" in text
    assert "rerun" in "\n".join(robustness_section(csv, table, 4))  # other replications
    assert "rerun" in "\n".join(robustness_section(csv, table.assign(headline="other"), 6))  # model changed


@pytest.mark.parametrize("argv, message", [
    (["--robustness", "--factors", "nope"], "'nope' is not a parameter"),
    (["--robustness", "--factors", "detection_rate"], "'detection_rate' is a fitted parameter"),
    (["--factors", "deterrence"], "need '--robustness'"),
    (["--robustness", "--workers", "0"], "'--workers' = 0 is outside"),
])
def test_validate_model_option_errors_are_one_line_exit_2(argv, message, capsys):
    from ctsim.cli import main

    assert main(["validate-model", *argv]) == 2
    err = capsys.readouterr().err.strip()
    assert message in err and "\n" not in err
