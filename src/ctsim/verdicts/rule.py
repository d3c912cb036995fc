"""The one verdict rule: better, worse, negligible or unclear, against the smallest change that matters.

Each output declares the smallest change in it that matters to a reader (:class:`ctsim.declarations.outputs.Matters`:
a share of the status quo's value, a floor in the output's unit, and the reason). Given a paired difference (scenario
minus status quo) and its interval:

- **better** or **worse** (by the output's declared better direction): the interval excludes zero *and* the mean
  difference reaches the smallest change that matters; for an output with no better direction (arrests) such a change
  is **neither**;
- **negligible**: the whole interval lies within that size either side of zero (even if it excludes zero: a real but
  immaterial change);
- **unclear**: anything else (the interval spans zero and reaches a change that matters, or it excludes zero but the
  mean falls short while an end reaches it), or too few runs for an interval.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

from ctsim.data import REGION_KEYS, REGIONS, load_districts
from ctsim.verdicts import formats

WORDS = ("better", "worse", "negligible", "unclear", "neither")
MATERIAL = ("better", "worse", "neither")
LEVEL = 0.90
HORIZON = 120

_SMALL = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
          "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty")
# Where a region's figures are, in a sentence ("Attacks in the merged districts").
_IN_REGION = {"Punjab": "in Punjab", "Sindh": "in Sindh", "KP (settled districts)": "in KP's settled districts",
              "Merged districts": "in the merged districts", "Balochistan": "in Balochistan",
              "ICT": "in Islamabad (ICT)", "Gilgit-Baltistan": "in Gilgit-Baltistan",
              "AJK": "in Azad Jammu and Kashmir"}


@dataclass(frozen=True)
class Verdict:
    """A plain verdict on one difference (scenario minus status quo).

    Attributes:
        output: the output's name.
        label: its plain label (with the region, when judged for one: ``Attacks in the merged districts``).
        word: ``better``, ``worse``, ``negligible``, ``unclear``, or ``neither`` (a change that matters in an output
            with no better direction, such as arrests).
        headline: two to five words for a table (``Fewer attacks``, ``No change that matters``, ``Unclear``).
        sentence: one sentence with units and the interval.
        threshold: the smallest change that matters, in the output's unit (over the horizon, for outputs summed
            over months).
        reason: why that size, in words.
        mean: the mean paired difference.
        low: the lower end of its interval.
        high: the upper end.
        reference: the status quo's value (None when not given).
        relative: the difference as a share of the status quo's value (NaN when undefined).
        direction: ``up``, ``down`` or ``""`` (no change, or no interval).
        context: for an index, what its scale means and where the status quo stands; empty otherwise.
        months: the horizon the difference is over.
    """

    output: str
    label: str
    word: str
    headline: str
    sentence: str
    threshold: float
    reason: str
    mean: float
    low: float
    high: float
    reference: float | None
    relative: float
    direction: str
    context: str
    months: int

    @property
    def material(self) -> bool:
        """Whether the change matters (better, worse, or neither for an output with no better direction)."""
        return self.word in MATERIAL


def count_words(n: int) -> str:
    """Small whole numbers in words (``ten``), larger ones in digits with separators."""
    return _SMALL[n] if 0 <= n < len(_SMALL) else f"{n:,}"


def horizon_words(months: int) -> str:
    """A horizon in plain words: ``ten years``, ``one year``, ``18 months``."""
    if months % 12 == 0:
        years = months // 12
        return f"{count_words(years)} year{'s' if years != 1 else ''}"
    return f"{months} months"


def region_words(region: str) -> str:
    """Where a region is, in a sentence (``in the merged districts``), from its name or its key."""
    if region in REGION_KEYS:
        region = REGIONS[REGION_KEYS.index(region)]
    try:
        return _IN_REGION[region]
    except KeyError:
        raise ValueError(f"unknown region '{region}'; one of: {', '.join(REGIONS)}") from None


def threshold(output: str, reference: float | None = None, months: int = HORIZON) -> float:
    """The smallest change in ``output`` that matters, in its unit, over ``months`` for outputs summed over months.

    Raises:
        ValueError: for an unknown output, or when the declared size is relative to the status quo and no
            ``reference`` is given.
    """
    declared = formats.output(output)
    matters = declared.matters
    floor = matters.floor * (months / 12 if matters.per_year and declared.summary == "sum" else 1.0)
    if not matters.share:
        return floor
    if reference is None or not math.isfinite(reference):
        raise ValueError(f"the smallest change that matters in '{output}' is a share of the status quo's value: "
                         f"give reference")
    return max(matters.share * abs(reference), floor)


def _span(summary: str, months: int) -> str:
    if summary == "last":
        return f"at the end of {horizon_words(months)}"
    if summary == "mean":
        return f"on average over {horizon_words(months)}"
    return f"over {horizon_words(months)}"


def _lower_first(label: str) -> str:
    """``Attacks`` -> ``attacks``, but ``KP's`` stays."""
    return label[0].lower() + label[1:] if len(label) > 1 and label[1].islower() else label


def judge(output: str, mean: float, low: float, high: float, reference: float | None = None, *,
          months: int = HORIZON, level: float = LEVEL, where: str = "", versus: str = "the status quo") -> Verdict:
    """The verdict on a paired difference in one output, by the one rule (module docstring).

    Args:
        output: an output name of :mod:`ctsim.declarations.outputs`.
        mean: the mean paired difference, scenario minus status quo (as ``ctsim compare`` computes it).
        low: the lower end of its interval.
        high: the upper end.
        reference: the status quo's value of the outcome (needed when the smallest change that matters is a share
            of it; also gives the relative change).
        months: the horizon the outcome covers (the floor of a flow is per year of it; the sentence says it).
        level: the interval's confidence level, for the sentence.
        where: a region's name or key, when the difference is that region's (the label says so).
        versus: what the difference is against, as the sentence names it ("than under {versus}").

    Raises:
        ValueError: for an unknown output or region, or a relative threshold without ``reference``.
    """
    declared = formats.output(output)
    size = threshold(output, reference, months)
    label = f"{declared.label} {region_words(where)}" if where else declared.label
    relative = mean / reference if reference and math.isfinite(mean) else math.nan
    money = formats.kind(declared) == "money"
    per_year = 12 / months if money and declared.summary == "sum" else 1.0
    period = "year" if per_year != 1.0 else None
    show = (mean * per_year, low * per_year, high * per_year)
    span = "" if period else f" {_span(declared.summary, months)}"
    shown_size = _size_words(output, size * per_year, period)
    difference = formats.format_difference(output, *show, period=period)
    down, up = formats.directions(declared)
    interval_known = math.isfinite(low) and math.isfinite(high)
    direction = "" if not math.isfinite(mean) or mean == 0 else ("up" if mean > 0 else "down")

    if not interval_known:
        word, headline = "unclear", "Too few runs to tell"
        sentence = f"{label}: {difference}{span}, from too few runs for an interval."
    else:
        interval = formats.format_interval(output, *show[1:], period=period)
        excludes_zero = low > 0 or high < 0
        if excludes_zero and abs(mean) >= size:
            better = declared.better
            word = "neither" if not better else ("better" if (better == "higher") == (mean > 0) else "worse")
            headline = f"{(up if mean > 0 else down).capitalize()} {_lower_first(label)}"
            than = (f", {formats.format_percent(relative)} {up if mean > 0 else down} than under {versus}"
                    if math.isfinite(relative) else "")
            sentence = f"{label}: {difference}{span} ({level:.0%} interval {interval}){than}."
        elif -size <= low and high <= size:
            word, headline = "negligible", "No change that matters"
            sentence = (f"{label}: no change that matters{span}: {difference} ({level:.0%} interval {interval}), "
                        f"inside the {shown_size} either way that would matter.")
        else:
            word, headline = "unclear", "Unclear"
            why = ("includes no change at all" if not excludes_zero else
                   f"includes changes both above and below the {shown_size} that would matter")
            sentence = (f"{label}: unclear{span}: {difference} on average, but the {level:.0%} interval "
                        f"({interval}) {why}.")
    return Verdict(output=output, label=label, word=word, headline=headline, sentence=sentence, threshold=size,
                   reason=declared.matters.reason, mean=mean, low=low, high=high, reference=reference,
                   relative=relative, direction=direction,
                   context=_context(output, reference, size, months, mean, low, high), months=months)


def _size_words(output: str, size: float, period: str | None) -> str:
    """The smallest change that matters, with its unit (``634 attacks``, ``0.01 on the 0-1 index``, ``Rs 1 bn a
    year``)."""
    declared = formats.output(output)
    if formats.kind(declared) == "money":
        return formats.format_rupees(size, period)
    return formats.format_value(output, size)


@lru_cache(maxsize=1)
def _population() -> float:
    """Pakistan's population (census 2023, the packaged district table): fear is per 100,000 people."""
    return float(load_districts()["pop_2023"].sum())


def _context(output: str, reference: float | None, size: float, months: int, mean: float = math.nan,
             low: float = math.nan, high: float = math.nan) -> str:
    """For an index: what its scale means, where the status quo stands, the smallest change that matters, and what
    the change found compares with."""
    declared = formats.output(output)
    if formats.kind(declared) != "index":
        return ""
    parts = [declared.reading]
    if reference is not None and math.isfinite(reference):
        shown = formats.format_value(output, reference)
        if declared.summary == "last":
            parts.append(f"Under the status quo it ends at {shown} after {horizon_words(months)}.")
        elif output == "fear":
            # At steady state fear equals the month's attack deaths per 100,000 people (docs/odd.md).
            deaths = reference * _population() / 1e5
            parts.append(f"Under the status quo it averages {shown} over {horizon_words(months)}, the memory of "
                         f"about {deaths:,.0f} attack deaths a month nationally.")
        else:
            parts.append(f"Under the status quo it averages {shown} over {horizon_words(months)}.")
    parts.append(f"The smallest change that matters is {formats.format_value(output, size)}, "
                 f"{declared.matters.reason}")
    if math.isfinite(mean) and mean and size:
        found = formats.format_difference(output, mean, low, high)
        share = abs(mean) / size
        scale = f"about {share:.0%} of that" if share < 10 else f"{share:.0f} times that"
        if output == "fear":
            deaths = abs(mean) * _population() / 1e5
            scale += f"; the memory of about {deaths:,.0f} {'fewer' if mean < 0 else 'more'} attack deaths a month"
        parts.append(f"The change found, {found}, is {scale}.")
    return " ".join(parts)


def side_effects(national: Verdict, regional: list[Verdict]) -> list[Verdict]:
    """The regional changes that matter and run against the national verdict (a rise in one region where the
    country as a whole sees fewer attacks, or no change that matters), largest first."""
    found = [v for v in regional if v.material and v.word != national.word]
    return sorted(found, key=lambda v: -abs(v.mean))
