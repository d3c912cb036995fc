"""What a run keeps of its months: the :class:`Recorder` (every declared output, month by month, in arrays), the
monthly frames, the recruits by stratum and the per-run summary.

The outputs are declared once, in :mod:`ctsim.declarations.outputs`; the last process of the month
(:mod:`ctsim.model.processes.step12_recording`) computes them and the model appends them here. The recorder keeps
numbers, not objects: a month costs one row of a few arrays, and the frames a run returns are built once, at its end
(:func:`monthly_frames`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ctsim.data import REGION_KEYS, REGIONS
from ctsim.declarations.levers import LEVERS
from ctsim.declarations.outputs import FORCES, OUTPUTS, REGIONAL_OUTPUTS
from ctsim.model.population import N_STRATA, STRATUM_NAMES

if TYPE_CHECKING:
    from ctsim.model.core import CTModel

OUTPUT_NAMES = tuple(o.name for o in OUTPUTS)
OUTPUT_INDEX = {name: i for i, name in enumerate(OUTPUT_NAMES)}
REGIONAL_INDEX = {name: i for i, name in enumerate(REGIONAL_OUTPUTS)}
# The numeric levers, recorded each month as they acted (schedules, the state's reactions, changes of government).
RECORDED_LEVERS = tuple(lever.name for lever in LEVERS if lever.kind in ("float", "int"))
# What a lean recorder keeps (:class:`Recorder`): the national outputs a calibration candidate's fit reads (attacks,
# deaths, injuries, militants killed, attacks in Karachi) and the running-size guard reads (cells, active
# militants), and by region attacks, deaths, injuries and active militants (the fit's regional shares; what the
# state's reactions watch in the histories).
LEAN_OUTPUTS = ("attacks", "deaths", "injuries", "active_militants", "militants_killed", "cells", "attacks_in_karachi",
                "militants_in_sanctuary")
LEAN_REGIONAL = ("attacks", "deaths", "injuries", "active_militants")


class Recorder:
    """Every declared output of every month a model has run, in arrays that grow by doubling (the recording process
    writes each month's row into them: :func:`ctsim.model.processes.step12_recording.record_month`).

    Attributes:
        months: months recorded.
        national_buffer: (capacity, outputs) in :data:`OUTPUT_NAMES` order.
        regional_buffer: (capacity, regional outputs, regions) in ``REGIONAL_OUTPUTS`` and ``REGIONS`` order.
        strata_buffer: (capacity, 24) recruits by youth stratum.
        districts_buffer: (capacity, 2, districts) attacks and recruits by district.
        levers_buffer: (capacity, numeric levers) each numeric lever's value in force, in :data:`RECORDED_LEVERS`
            order.
        lean: records only :data:`LEAN_OUTPUTS` and, by region, :data:`LEAN_REGIONAL` (the rest is NaN): for a run
            whose caller reads no other output (a calibration candidate: ``ctsim.scenarios.runner.recorded_stages``
            with ``outputs``). What it records is the full recorder's, bit for bit.
    """

    def __init__(self, n_districts: int, capacity: int = 64, lean: bool = False) -> None:
        self.months = 0
        self.lean = lean
        self.national_buffer = self._new((capacity, len(OUTPUT_NAMES)))
        self.regional_buffer = self._new((capacity, len(REGIONAL_OUTPUTS), len(REGIONS)))
        self.strata_buffer = self._new((capacity, N_STRATA))
        self.districts_buffer = self._new((capacity, 2, n_districts))
        self.levers_buffer = self._new((capacity, len(RECORDED_LEVERS)))

    def _new(self, shape: tuple[int, ...]) -> np.ndarray:
        # NaN where a lean recorder records nothing: an output it does not keep cannot pass for a zero
        return np.full(shape, np.nan) if self.lean else np.zeros(shape)

    def next_month(self) -> int:
        """The row of the month being recorded (room is made for it)."""
        if self.months == len(self.national_buffer):
            for name in ("national_buffer", "regional_buffer", "strata_buffer", "districts_buffer", "levers_buffer"):
                buffer = getattr(self, name)
                setattr(self, name, np.concatenate([buffer, self._new(buffer.shape)]))
        return self.months

    @property
    def national(self) -> np.ndarray:
        """(months, outputs)."""
        return self.national_buffer[: self.months]

    @property
    def regional(self) -> np.ndarray:
        """(months, regional outputs, regions)."""
        return self.regional_buffer[: self.months]

    @property
    def strata(self) -> np.ndarray:
        """(months, strata): recruits."""
        return self.strata_buffer[: self.months]

    def series(self, name: str, region: int | None = None) -> np.ndarray:
        """One output over the months recorded: national, or in one region (index into ``REGIONS``)."""
        if region is None:
            return self.national_buffer[: self.months, OUTPUT_INDEX[name]]
        return self.regional_buffer[: self.months, REGIONAL_INDEX[name], region]

    def levers(self, first: int = 0) -> np.ndarray:
        """(months, numeric levers) from month ``first`` (0-based) on: each lever's value in force."""
        return self.levers_buffer[first: self.months]

    def district_attacks(self, first: int = 0) -> np.ndarray:
        """Attacks in each district over the recorded months from ``first`` (0-based) on."""
        return self.districts_buffer[first: self.months, 0].sum(axis=0)


def _months(model: CTModel, include_history: bool) -> tuple[slice, pd.DatetimeIndex]:
    first = 0 if include_history else model.state.branch_month
    months = pd.period_range(model.start, periods=model.recorder.months, freq="M").to_timestamp()
    return slice(first, None), months[first:]


def monthly_frames(model: CTModel, include_history: bool = False) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The recorded months as (national, regional) DataFrames.

    National: one row per month, a ``month`` column (period start dates) and one column per output.
    Regional: one row per month and region, with ``region`` and ``region_key`` columns.
    A run that started with a history (see :mod:`ctsim.scenarios.files`) reports only the scenario's months, unless
    ``include_history``.
    """
    kept, months = _months(model, include_history)
    national_values = model.recorder.national[kept]
    regional_values = model.recorder.regional[kept]
    n_months, n_regions = len(months), len(REGIONS)
    national = pd.DataFrame({"month": months, **{name: national_values[:, i] for i, name in enumerate(OUTPUT_NAMES)}})
    regional = pd.DataFrame({
        "month": np.repeat(months.to_numpy(), n_regions),
        "region": np.tile(REGIONS, n_months),
        "region_key": np.tile(REGION_KEYS, n_months),
        **{name: regional_values[:, i, :].reshape(-1) for i, name in enumerate(REGIONAL_OUTPUTS)},
    })
    return national, regional


def recruits_by_stratum(model: CTModel) -> pd.DataFrame:
    """Recruits per month in each of the 24 youth strata (columns named band|living|schooling|religious link)."""
    kept, months = _months(model, include_history=False)
    frame = pd.DataFrame(model.recorder.strata[kept], columns=list(STRATUM_NAMES))
    frame.insert(0, "month", months)
    return frame


def summarise(national: pd.DataFrame, regional: pd.DataFrame) -> dict[str, float]:
    """Per-run summary scalars: each output aggregated over the horizon as its declaration says, the deployment mix
    ``ops_share_<force>`` (each force's share of all successful operations over the horizon), and the attacks in
    each region over the horizon, ``attacks_<region key>``."""
    out = {}
    values = national[list(OUTPUT_NAMES)].to_numpy(dtype=float)  # one array: columns read as numpy sums them
    for i, o in enumerate(OUTPUTS):
        column = values[:, i]
        out[o.name] = float(column.sum() if o.summary == "sum" else
                            column[-1] if o.summary == "last" else column.mean())
    operations = sum(out[f"operations_{f}"] for f in FORCES)
    for f in FORCES:
        out[f"ops_share_{f}"] = out[f"operations_{f}"] / operations if operations > 0 else 0.0
    # attacks are whole numbers: their totals are exact in any order
    keys = regional["region_key"].to_numpy()
    attacks = regional["attacks"].to_numpy(dtype=float)
    for key in REGION_KEYS:
        out[f"attacks_{key}"] = float(attacks[keys == key].sum())
    return out


def annual_table(national: pd.DataFrame, regional: pd.DataFrame) -> pd.DataFrame:
    """Attacks, deaths and injuries per calendar year, nationally and by region, with recruits, arrests,
    end-of-year legitimacy and cost."""
    nat = national.assign(year=national["month"].dt.year)
    years = nat.groupby("year").agg(attacks=("attacks", "sum"), deaths=("deaths", "sum"),
                                    injuries=("injuries", "sum"), recruits=("recruits", "sum"),
                                    arrests=("arrests", "sum"), legitimacy=("legitimacy", "last"),
                                    cost=("cost", "sum"))
    reg = regional.assign(year=regional["month"].dt.year)
    by_region = reg.pivot_table(index="year", columns="region_key", values="attacks", aggfunc="sum")
    by_region = by_region[list(REGION_KEYS)].add_prefix("attacks_")
    return years.join(by_region)


def levers_as_they_acted(recorder: Recorder, set_values: dict, first: int = 0) -> dict[str, dict[str, float]]:
    """The numeric levers that did not stay where the scenario set them (schedules, the state's reactions, changes
    of government moved them), over the months from ``first`` (0-based) on: for each, the value ``set``, the
    ``mean`` it took and its ``low`` and ``high``, and the share of months it was elsewhere (``months_moved``)."""
    values = recorder.levers(first)
    out = {}
    for i, name in enumerate(RECORDED_LEVERS):
        column = values[:, i]
        set_to = float(set_values[name])
        moved = column != set_to
        if column.size and moved.any():
            out[name] = {"set": set_to, "mean": float(column.mean()), "low": float(column.min()),
                         "high": float(column.max()), "months_moved": float(moved.mean())}
    return out
