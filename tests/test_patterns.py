"""The emergent patterns of DESIGN.md s5 (not fitted), each with the tolerance stated in ctsim.patterns.

Two patterns are not reproduced by the calibrated model at the tolerance stated before looking at the results; they
are kept as strict expected failures, with the numbers, rather than loosened (docs/validation.md reports them). A
model change that makes one pass turns its test red (XPASS): then remove it from UNMET.
"""

from __future__ import annotations

import pytest

from ctsim import patterns

REPLICATIONS = 6
UNMET = {
    "gb_ajk_quiet": "GB and AJK do stay quiet (0.2% of attacks), but Balochistan's schooling and administration "
                    "raise their attacks x1.9, short of the doubling the tolerance asks",
    "continuity": "shelved programmes keep about 64% of their benefit in years 11-15: lags and the slow regrowth of "
                  "militancy preserve more than the pattern allows (less than half)",
}


@pytest.mark.parametrize("check", [
    pytest.param(c, marks=pytest.mark.xfail(reason=UNMET[c.__name__], strict=True)) if c.__name__ in UNMET else c
    for c in patterns.CHECKS], ids=lambda c: c.__name__)
def test_pattern(check):
    result = check(REPLICATIONS)
    assert result.passed, f"{result.pattern}: measured {result.measured}; tolerance {result.tolerance}"
