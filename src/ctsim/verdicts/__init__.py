"""Verdicts people can act on: the one rule ``ctsim compare``, the policy brief and the dashboard use to call a
difference between a policy and the status quo better, worse, negligible or unclear, and the number formats that go
with it.

This package sits on its own floor: it imports only :mod:`ctsim.data` and :mod:`ctsim.declarations`, and everything
above (analysis, report, dashboard, the CLI) may import it.

The rule (:func:`judge`). Each output declares beside itself, in :mod:`ctsim.declarations.outputs`, the smallest
change that matters (``Output.matters``: a share of the status quo's value and/or an absolute floor in the output's
unit, per year for flows summed over months, and the reason in words). Given the mean paired difference (scenario
minus status quo) and its interval:

- ``better`` / ``worse``: the interval excludes zero and the mean reaches the smallest change that matters (in the
  output's declared better direction); ``neither`` for such a change in an output with no better direction (arrests);
- ``negligible``: the whole interval lies within the smallest change that matters either side of zero;
- ``unclear``: otherwise (or too few runs for an interval).

Public API::

    from ctsim.verdicts import judge, Verdict, format_value, format_interval, format_rupees

    v = judge("attacks", mean=-118.0, low=-160.0, high=-80.0, reference=1450.0, months=120)
    v.word        # "better"
    v.threshold   # 72.5 attacks: 5% of the status quo's 1,450 (at least one a year)
    v.reason      # why that size, in words
    v.sentence    # "Attacks: 118 fewer attacks over ten years (90% interval 80 to 160 fewer attacks), 8.1% fewer
                  #  than under the status quo."
    v.label       # "Attacks"
    format_value("legitimacy", 0.5605)            # "0.56 on the 0-1 index"
    format_interval("legitimacy", 0.0002, 0.0012)  # "0.0002 to 0.0012 higher on the 0-1 index" (never 0.000 to 0.000)
    format_rupees(1.23e9, "year")                 # "Rs 1.23 bn a year"

:func:`judge` also takes ``months`` (the horizon, default 120: the floor of a flow scales with it, and the sentence
says "over ten years"), ``level`` (the interval's level, for the sentence) and ``where`` (a region's name or key: the
label becomes "Attacks in the merged districts"). Money (the ``cost`` output, a total over the horizon) is said per
year. :func:`side_effects` picks, from regional verdicts, the changes that matter and run against the national
verdict; ``versus`` names the reference in sentences when it is not the status quo.

Money: costs are in rupees at FY2024-25 prices (:data:`MONEY_NOTE` says so once, with the source and a dollar
scale); :func:`price_draws` gives the prices replication ``r`` uses (each price within its plausible range, most
likely at its declared value, from a stream of its own, the same in every scenario), so a comparison's cost interval
carries price uncertainty; :func:`lever_cost_words` says how a lever costs, or why it is not priced.

Modules: :mod:`~ctsim.verdicts.rule` (the rule), :mod:`~ctsim.verdicts.formats` (numbers and units),
:mod:`~ctsim.verdicts.money` (prices).
"""

from __future__ import annotations

from ctsim.verdicts.formats import (
    format_difference,
    format_interval,
    format_percent,
    format_rupees,
    format_value,
)
from ctsim.verdicts.money import MONEY_NOTE, PRICE_YEAR, PRICES, lever_cost_words, price_draws, price_words
from ctsim.verdicts.rule import (
    MATERIAL,
    WORDS,
    Verdict,
    horizon_words,
    judge,
    region_words,
    side_effects,
    threshold,
)

__all__ = [
    "MATERIAL",
    "MONEY_NOTE",
    "PRICES",
    "PRICE_YEAR",
    "WORDS",
    "Verdict",
    "format_difference",
    "format_interval",
    "format_percent",
    "format_rupees",
    "format_value",
    "horizon_words",
    "judge",
    "lever_cost_words",
    "price_draws",
    "price_words",
    "region_words",
    "side_effects",
    "threshold",
]
