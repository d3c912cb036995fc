"""Numbers for people: every value with its unit, intervals with enough digits to show them, money in rupees.

Rounding is chosen from the numbers shown, not fixed per unit: an interval is written with as many decimals as it takes
for its two ends to differ and for an end that is not zero not to print as zero (never ``0.000 to 0.000``), and a
difference is written with the decimals of its interval, so the two read alike.
"""

from __future__ import annotations

import math

from ctsim.declarations.outputs import OUTPUTS_BY_NAME, Output

MAX_DECIMALS = 12  # an index's differences can be tiny; they are shown, not rounded to zero
COUNT_DECIMALS = 4
# Rupee scales as Pakistan's budget documents and press write them (Rs2,122bn, Rs593bn, Rs1.28bn).
# Billions up to Rs 9,999 bn, so that a yearly cost and its neighbours read in one scale (Rs 1,000 bn beside Rs 958 bn).
_RUPEE_SCALES = ((1e13, 1e12, "trn"), (1e9, 1e9, "bn"), (1e6, 1e6, "million"))  # from, divisor, name


def output(name: str) -> Output:
    """The declaration of an output, or a one-line error naming the valid names."""
    try:
        return OUTPUTS_BY_NAME[name]
    except KeyError:
        raise ValueError(f"unknown output '{name}'; one of: {', '.join(OUTPUTS_BY_NAME)}") from None


def kind(declared: Output) -> str:
    """``money`` (rupees), ``index`` (a scale such as legitimacy's 0-1) or ``count`` (attacks, people)."""
    if declared.unit == "rupees":
        return "money"
    return "index" if declared.unit.startswith("index") else "count"


def directions(declared: Output) -> tuple[str, str]:
    """The words for down and up: ``fewer``/``more`` for counts, ``lower``/``higher`` for indices, ``less``/``more``
    for money."""
    return {"count": ("fewer", "more"), "index": ("lower", "higher"), "money": ("less", "more")}[kind(declared)]


def scale_words(declared: Output) -> str:
    """Where an index's numbers sit, for a reader (``on the 0-1 index``); empty for counts and money."""
    if kind(declared) != "index":
        return ""
    return "on the 0-1 index" if "0-1" in declared.unit else "on the index"


def _finite(*values: float) -> bool:
    return all(v is not None and math.isfinite(v) for v in values)


def decimals(values: tuple[float, ...], base: int, cap: int = MAX_DECIMALS) -> int:
    """The fewest decimals, from ``base`` up to ``cap``, at which the values that differ still differ and no value
    that is not zero prints as zero. Values equal to nine significant digits count as equal: a float's noise (an
    interval of zero width computed as the mean plus and minus zero) asks for no decimals."""
    # Below half a unit of the last decimal allowed a value is zero for a reader (and for a float's noise).
    shown = [v if abs(v) >= 0.5 * 10.0 ** -cap else 0.0 for v in values if _finite(v)]
    for d in range(base, cap + 1):
        rounded = [round(v, d) for v in shown]
        distinct = all(r1 != r2 for (v1, r1) in zip(shown, rounded, strict=True)
                       for (v2, r2) in zip(shown, rounded, strict=True) if not math.isclose(v1, v2, rel_tol=1e-9))
        if distinct and all(r != 0 or v == 0 for v, r in zip(shown, rounded, strict=True)):
            return d
    return cap


def _plain(value: float, d: int, keep: int | None = None) -> str:
    """``value`` with ``d`` decimals and separators; trailing zeros beyond ``keep`` decimals dropped, so that ends of
    very different sizes printed at a common precision do not trail zeros (``0.0000001 to 1.00``)."""
    text = f"{abs(value):,.{d}f}"
    if keep is not None and d > keep:
        whole, _, fraction = text.partition(".")
        fraction = fraction.rstrip("0").ljust(keep, "0")
        text = f"{whole}.{fraction}" if fraction else whole
    return ("-" if value < 0 and text.strip("0.,") else "") + text


def _count_base(values: tuple[float, ...]) -> int:
    """Counts are whole numbers from ten up; below ten an average run may show one decimal."""
    largest = max((abs(v) for v in values if _finite(v)), default=0.0)
    return 0 if largest >= 10 else 1


def _rupee_scale(values: tuple[float, ...]) -> tuple[float, str]:
    largest = max((abs(v) for v in values if _finite(v)), default=0.0)
    for start, size, name in _RUPEE_SCALES:
        if largest >= start:
            return size, name
    return 1.0, ""


def _significant(value: float, digits: int = 3) -> int:
    """Decimals that give ``value`` about ``digits`` significant digits (none for values from 100 up)."""
    if value == 0 or not _finite(value):
        return 0
    return max(0, digits - 1 - int(math.floor(math.log10(abs(value)))))


def _rupees(values: tuple[float, ...]) -> list[str]:
    """Several sums in one scale (``Rs 4.0 bn``, ``Rs 12.5 bn``), with decimals enough to tell them apart."""
    size, name = _rupee_scale(values)
    scaled = tuple(v / size for v in values)
    largest = max((abs(v) for v in scaled if _finite(v)), default=0.0)
    d = decimals(scaled, _significant(largest), cap=6)
    return [f"{'-' if v < 0 and round(v, d) != 0 else ''}Rs {abs(v):,.{d}f}{' ' + name if name else ''}"
            for v in scaled]


def format_rupees(pkr: float, period: str | None = None) -> str:
    """A sum of money for people: ``Rs 1.23 bn``, ``Rs 593 bn``, ``Rs 2,122 bn``, ``Rs 12.3 trn``, ``Rs 77,300``
    (about three significant digits), with ``a <period>`` after it when given (``format_rupees(1.2e9, "year")`` is
    ``Rs 1.2 bn a year``).

    Args:
        pkr: Pakistani rupees (negative: a saving, written with a minus sign).
        period: ``year`` or ``month`` for a rate, None for a sum.
    """
    if not _finite(pkr):
        return "n/a"
    size, name = _rupee_scale((pkr,))
    d = _significant(pkr / size) if name else 0
    digits = f"{abs(pkr) / size:,.{d}f}"
    digits = digits.rstrip("0").rstrip(".") if "." in digits else digits  # Rs 4.5 bn, not Rs 4.50 bn
    text = f"{'-' if pkr < 0 else ''}Rs {digits}{' ' + name if name else ''}"
    return f"{text} a {period}" if period else text


def format_value(output_name: str, value: float) -> str:
    """A value of an output with its unit: ``12,678 attacks``, ``0.56 on the 0-1 index``, ``Rs 7.6 trn``.

    Args:
        output_name: an output of :mod:`ctsim.declarations.outputs`.
        value: in the output's unit (a total over the horizon for outputs summed over months).
    """
    declared = output(output_name)
    if not _finite(value):
        return "n/a"
    what = kind(declared)
    if what == "money":
        return format_rupees(value)
    if what == "index":
        return f"{_plain(value, decimals((value,), max(2, _significant(value, 2))), 2)} {scale_words(declared)}"
    text = _plain(value, decimals((value,), _count_base((value,)), cap=COUNT_DECIMALS), 0)
    return f"{text} {declared.noun}".rstrip()


def format_interval(output_name: str, low: float, high: float, period: str | None = None) -> str:
    """An interval of a difference in words, with its unit, precise enough to show it: ``80 to 160 fewer attacks``,
    ``10 fewer to 4 more attacks``, ``0.0004 to 0.0011 higher on the 0-1 index``, ``Rs 4.0 bn to Rs 8.2 bn more``.

    Args:
        output_name: an output of :mod:`ctsim.declarations.outputs`.
        low: lower end of the interval of a difference (scenario minus status quo).
        high: upper end.
        period: for money, ``year`` or ``month`` when the ends are rates (``... more a year``).
    """
    declared = output(output_name)
    if not _finite(low, high):
        return "not available (too few runs)"
    down, up = directions(declared)
    what = kind(declared)
    if what == "money":
        a, b = _rupees((abs(low), abs(high)))
        unit = f" a {period}" if period else ""
    else:
        base = 2 if what == "index" else _count_base((low, high))
        d = decimals((abs(low), abs(high)), base, cap=MAX_DECIMALS if what == "index" else COUNT_DECIMALS)
        keep = base if what == "index" else 0
        a, b = _plain(abs(low), d, keep), _plain(abs(high), d, keep)
        words = scale_words(declared) if what == "index" else declared.noun
        unit = f" {words}" if words else ""
    if high <= 0 and low < 0:
        return f"{b} to {a} {down}{unit}"
    if low >= 0 and high > 0:
        return f"{a} to {b} {up}{unit}"
    if low == high == 0:
        return f"no change{unit and ' (' + unit.strip() + ')'}"
    return f"{a} {down} to {b} {up}{unit}"


def format_difference(output_name: str, mean: float, low: float = math.nan, high: float = math.nan,
                      period: str | None = None) -> str:
    """A difference in words with its unit, at the precision of its interval: ``118 fewer attacks``, ``0.0007
    higher on the 0-1 index``, ``Rs 6.1 bn more a year``, ``no change``."""
    declared = output(output_name)
    if not _finite(mean):
        return "n/a"
    down, up = directions(declared)
    what = kind(declared)
    direction = down if mean < 0 else up
    if what == "money":
        if mean == 0:
            return "no change"
        shown = _rupees(tuple(abs(v) for v in (mean, low, high) if _finite(v)))[0]
        return f"{shown} {direction}" + (f" a {period}" if period else "")
    base = 2 if what == "index" else _count_base((mean, low, high))
    cap = MAX_DECIMALS if what == "index" else COUNT_DECIMALS
    # The interval's precision, so that the difference and its interval read alike; more only if the mean needs it.
    ends = tuple(abs(v) for v in (low, high) if _finite(v))
    d = decimals(ends, base, cap) if ends else decimals((abs(mean),), base, cap)
    while round(mean, d) == 0 and mean != 0 and d < cap:
        d += 1
    if round(mean, d) == 0:
        return "no change"
    words = scale_words(declared) if what == "index" else declared.noun
    return f"{_plain(abs(mean), d, base if what == 'index' else 0)} {direction}" + (f" {words}" if words else "")


def format_percent(share: float) -> str:
    """The size of a relative change, without sign: ``8.3%``, ``83%``, ``less than 0.1%``; empty when undefined."""
    if not _finite(share):
        return ""
    a = abs(share)
    if a < 0.001:
        return "less than 0.1%"
    return f"{a:.1%}" if a < 0.1 else f"{a:.0%}"
