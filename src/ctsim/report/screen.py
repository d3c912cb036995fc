"""What ``ctsim compare`` prints: the comparison in the policy brief's plain words (which levers changed, each
outcome's unit, better or worse, intervals)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ctsim.analysis.compare import CONFIDENCE
from ctsim.report import words
from ctsim.report.changes import lever_changes

if TYPE_CHECKING:
    from ctsim.analysis.compare import Comparison


def compare_text(comparison: Comparison) -> str:
    """The differences as a readable text table, in the policy brief's plain words (:mod:`ctsim.report.words`):
    which levers changed, each outcome's unit, and whether each difference is better, worse or unclear."""
    reference = comparison.scenarios[0]
    ref = reference.name
    n = len(comparison.runs) // len(comparison.scenarios)
    lines = [f"Comparison against '{ref}': each scenario run {n} times with the same chance events (common random "
             f"numbers, root seed {comparison.seed}), over {words.horizon(comparison.months)} after the 2022-2024 "
             f"history.",
             f"difference = scenario minus '{ref}', averaged over the paired runs; 90% CI = its 90% confidence "
             f"interval.",
             _parameters_line(comparison),
             "verdict: better or worse for people where the whole interval lies on one side of zero, else no clear "
             "difference."]
    for scenario in comparison.scenarios[1:]:
        table = comparison.differences[comparison.differences["scenario"] == scenario.name]
        changes = lever_changes(scenario, reference)
        lines += ["", f"{scenario.name} vs {ref}"]
        lines += [f"  changes: {c.label}: {c.reference} -> {c.value} ({c.when}; {c.lag})" for c in changes] or \
            ["  changes: no lever differs"]
        rows = []
        for r in table.to_dict("records"):
            key = r["outcome"]
            idx = words.unit(key).startswith("index")
            big = key == "cost"
            v = words.verdict(key, r["difference"], r["ci90_low"], r["ci90_high"], comparison.months, CONFIDENCE)
            judged = {"better": "better", "worse": "worse", "neither": "neither better nor worse"}.get(v.kind, "")
            rows.append({
                "outcome": words.noun(key), "unit": words.unit(key),
                ref: words.number(r["reference_mean"], index=idx, millions=big),
                scenario.name: words.number(r["scenario_mean"], index=idx, millions=big),
                "difference": words.signed(r["difference"], index=idx, millions=big),
                "90% CI": f"{words.signed(r['ci90_low'], index=idx, millions=big)} to "
                          f"{words.signed(r['ci90_high'], index=idx, millions=big)}",
                "change": words.percent(r["relative_change"]),
                "verdict": f"{v.headline.lower()}" + (f" ({judged})" if judged else ""),
            })
        # Words left-aligned, numbers right-aligned, so the columns read down.
        left = ("outcome", "unit", "verdict")
        width = {k: max(len(k), *(len(r[k]) for r in rows)) for k in rows[0]}
        lines.append("  ".join(k.ljust(width[k]) if k in left else k.rjust(width[k]) for k in rows[0]).rstrip())
        lines += ["  ".join(r[k].ljust(width[k]) if k in left else r[k].rjust(width[k]) for k in r).rstrip()
                  for r in rows]
    lines += ["", words.COST_NOTE,
              "Exploratory model: read directions and relative sizes, not forecasts."]
    return "\n".join(lines)


def _parameters_line(comparison: Comparison) -> str:
    from ctsim.calibration.parameter_sets import POINT_SET

    parameters = comparison.parameters or POINT_SET
    what = ("the intervals carry parameter uncertainty as well as chance" if parameters.mode == "draws"
            else "parameter uncertainty is not included")
    return f"{parameters.label()}: {what}."
