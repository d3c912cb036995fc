"""The rolling origin sees nothing after it: 2024 targets are dropped from the fit, and the score table survives
its JSON round trip."""

import numpy as np
import pytest

from ctsim.analysis.calibration import posterior
from ctsim.analysis.validation import forecast, rolling_origin
from ctsim.calibration import targets as calibration_targets


def test_the_2022_2023_targets_drop_every_2024_target():
    full = posterior.ctsim_targets()
    kept = rolling_origin.targets_until(24, full)
    assert not [k for k in kept if rolling_origin.target_year(k) == 2024], "no 2024 target may reach the fit"
    assert [k for k in full if rolling_origin.target_year(k) == 2024], "the full targets do have 2024 (else vacuous)"
    assert set(k for k in full if rolling_origin.target_year(k) in (2022, 2023)) <= set(kept), \
        "every 2022 and 2023 target is kept"
    np.testing.assert_array_equal(kept[posterior.MONTHLY], calibration_targets.MONTHLY_ATTACKS[:24],
                                  err_msg="the monthly target is January 2022 to December 2023")
    assert kept[posterior.DISPERSION] == pytest.approx(rolling_origin.monthly_dispersion(
        calibration_targets.MONTHLY_ATTACKS[:24])), "the dispersion is re-estimated from the 24 training months alone"
    assert kept[posterior.DISPERSION] != pytest.approx(full[posterior.DISPERSION]), \
        "the dispersion of the full 36 months (which 2024 informs) is not reused"


def test_an_origin_without_training_year_or_held_out_month_is_refused():
    with pytest.raises(ValueError, match="origin"):
        rolling_origin.targets_until(6)
    with pytest.raises(ValueError, match="origin"):
        rolling_origin.targets_until(36)


def test_the_score_table_round_trips_through_json():
    rng = np.random.default_rng(1)
    table = forecast.score_2024(rng.poisson(75, (50, 12)), n_samples=200)
    again = rolling_origin.table_from_record(rolling_origin.table_to_record(table))
    assert again.equals(table), "the report rebuilds exactly the table the study scored"
    assert forecast.verdict(again) == forecast.verdict(table), "and so gives the same verdict"
