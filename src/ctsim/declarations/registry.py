"""The registry: every policy lever and every exogenous uncertainty, as one list of factors.

Built from the single declarations in :mod:`ctsim.declarations.levers` (levers) and :mod:`ctsim.declarations.parameters`
(parameters with a
``plausible`` range are the uncertainties). Scenario validation, the sensitivity-analysis problem, ``ctsim levers``,
``docs/levers.md`` and (later) dashboard controls all read it; nothing here repeats a bound or a default.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any

from ctsim.declarations.levers import LEVERS
from ctsim.declarations.parameters import PARAMETERS

LEVER, UNCERTAINTY = "lever", "uncertainty"


@dataclass(frozen=True)
class Factor:
    """A lever or an uncertainty.

    Attributes:
        name: identifier (scenario key, experiment factor name).
        role: ``lever`` (a policy choice) or ``uncertainty`` (what policy does not control).
        kind: ``float``, ``int``, ``bool`` or ``choice``.
        default: status-quo value (levers) or declared value (uncertainties).
        low: lower end of the range experiments explore (admissible bound for levers, plausible range for
            uncertainties); None for bool and choice.
        high: upper end of that range.
        choices: admissible values of a choice lever.
        unit: unit.
        meaning: one line for people.
        provenance: where the value or effect size comes from.
        mechanism: how the model uses it (levers).
        lag_months: implementation lag (levers).
    """

    name: str
    role: str
    kind: str
    default: Any
    low: float | None
    high: float | None
    choices: tuple[str, ...]
    unit: str
    meaning: str
    provenance: str
    mechanism: str = ""
    lag_months: float = 0.0

    @property
    def is_numeric(self) -> bool:
        """True for float and int factors (those a sampler can draw on a continuous range)."""
        return self.kind in ("float", "int")

    @property
    def levels(self) -> tuple[Any, ...]:
        """The discrete levels of a bool or choice factor."""
        if self.kind == "bool":
            return (False, True)
        return self.choices


def _levers() -> tuple[Factor, ...]:
    return tuple(
        Factor(name=lev.name, role=LEVER, kind=lev.kind, default=lev.default, low=lev.low, high=lev.high,
               choices=lev.choices, unit=lev.unit, meaning=lev.meaning, provenance=lev.provenance,
               mechanism=lev.mechanism, lag_months=lev.lag_months)
        for lev in LEVERS)


def _uncertainties() -> tuple[Factor, ...]:
    return tuple(
        Factor(name=p.name, role=UNCERTAINTY, kind="float", default=p.value, low=p.plausible[0],
               high=p.plausible[1], choices=(), unit=p.unit, meaning=p.source, provenance=p.kind)
        for p in PARAMETERS if p.is_uncertainty)


FACTORS: tuple[Factor, ...] = _levers() + _uncertainties()
FACTORS_BY_NAME = {f.name: f for f in FACTORS}


def levers() -> tuple[Factor, ...]:
    """All levers, in declaration order."""
    return tuple(f for f in FACTORS if f.role == LEVER)


def uncertainties() -> tuple[Factor, ...]:
    """All exogenous uncertainties, in declaration order."""
    return tuple(f for f in FACTORS if f.role == UNCERTAINTY)


def factor(name: str) -> Factor:
    """The factor called ``name``.

    Raises:
        KeyError: with the closest valid names when there is no such factor.
    """
    try:
        return FACTORS_BY_NAME[name]
    except KeyError:

        close = difflib.get_close_matches(name, list(FACTORS_BY_NAME), n=3)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise KeyError(f"unknown lever or uncertainty '{name}'{hint}") from None


def salib_problem(names: list[str], bounds: dict[str, tuple[float, float]] | None = None) -> dict:
    """A SALib problem dict for numeric factors, with the registry's ranges unless ``bounds`` narrows them.

    Raises:
        ValueError: for a bool or choice factor (analyse those as strata, not as a rounded number), or a range
            outside the factor's admissible bounds.
    """
    bounds = bounds or {}
    rows = []
    for name in names:
        f = factor(name)
        if not f.is_numeric:
            raise ValueError(f"'{name}' is a {f.kind} factor ({', '.join(map(str, f.levels))}): analyse it as "
                             f"strata, not as a sampled number")
        low, high = bounds.get(name, (f.low, f.high))
        if f.low is not None and (low < f.low or high > f.high or low >= high):
            raise ValueError(f"range [{low}, {high}] for '{name}' must lie within [{f.low}, {f.high}] and be "
                             f"non-empty")
        rows.append([float(low), float(high)])
    return {"num_vars": len(names), "names": list(names), "bounds": rows}
