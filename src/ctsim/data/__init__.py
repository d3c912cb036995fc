"""District data packaged with ctsim, and loaders that validate it.

``districts.csv`` holds one row per district of Pakistan (160, incl. Gilgit-Baltistan and AJK) with
population, literacy, out-of-school share, poverty, border class and geometry; ``adjacency.csv`` lists the
pairs of districts that share a border. Both are built by ``scripts/build_data.py``; ``README.md`` beside
this file gives the sources and the rules used to fill blank cells.

Example:
    >>> from ctsim.data import load_adjacency, load_districts
    >>> districts = load_districts()
    >>> pairs = load_adjacency(district_ids=districts["district_id"])
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

__all__ = [
    "ADJACENCY_CSV",
    "BORDERS",
    "DISTRICTS_CSV",
    "DataError",
    "PICSS_ANNUAL",
    "REGIONS",
    "REGION_KEYS",
    "load_adjacency",
    "load_districts",
]

DATA_DIR = Path(__file__).parent
DISTRICTS_CSV = DATA_DIR / "districts.csv"
ADJACENCY_CSV = DATA_DIR / "adjacency.csv"

REGIONS: tuple[str, ...] = (
    "Punjab",
    "Sindh",
    "KP (settled districts)",
    "Merged districts",
    "Balochistan",
    "ICT",
    "Gilgit-Baltistan",
    "AJK",
)
"""Region names as they appear in ``districts.csv``; ``region_index`` indexes this tuple."""

REGION_KEYS: tuple[str, ...] = ("punjab", "sindh", "kp_settled", "merged", "balochistan", "ict", "gb", "ajk")
"""Short identifiers aligned with :data:`REGIONS`."""

PICSS_ANNUAL: dict[int, dict[str, float]] = {
    2022: {"attacks": 380.0, "deaths": 539.0, "injuries": 836.0},
    2023: {"attacks": 645.0, "deaths": 976.0, "injuries": 1354.0},
    2024: {"attacks": 905.0, "deaths": 1177.0, "injuries": 1292.0},
}
"""National militant attacks, deaths and injuries per year (FACTS.md s1, PICSS; 2023 as quoted in the seed, 2024 from
PICSS's annual report as reported in the press): the calibration's annual targets, and the per-attack ratios of those
years (:func:`ctsim.model.processes.attacks.casualties_per_attack`)."""

BORDERS: tuple[str, ...] = ("afghanistan", "iran", "india_loc", "none")
"""Allowed values of the ``border`` column (the longest international border a district touches)."""

DISTRICT_COLUMNS = (
    "district_id",
    "district",
    "region",
    "pop_2023",
    "literacy_pct",
    "out_of_school_pct",
    "poverty_pct",
    "border",
    "lat",
    "lon",
    "area_km2",
    "merged",
)
PERCENT_COLUMNS = ("literacy_pct", "out_of_school_pct", "poverty_pct")
ADJACENCY_COLUMNS = ("district_id_a", "district_id_b", "shared_border_km")

PathLike = str | os.PathLike[str]


class DataError(ValueError):
    """A data file is missing, incomplete or holds an invalid value.

    The message reads ``"<file>: row <n>, column '<col>': <problem>"``, where ``n`` is the 1-based line
    number in the file (the header is line 1). The row part is left out when the problem concerns a whole
    column, and both parts when it concerns the whole file.

    Attributes:
        path: The file concerned.
        row: The 1-based line number, or None.
        column: The column name, or None.
        problem: What is wrong, and what would be valid.
    """

    def __init__(self, path: PathLike, problem: str, row: int | None = None, column: str | None = None):
        self.path, self.row, self.column, self.problem = Path(path), row, column, problem
        where = []
        if row is not None:
            where.append(f"row {row}")
        if column is not None:
            where.append(f"column '{column}'")
        parts = [str(path), ", ".join(where), problem] if where else [str(path), problem]
        super().__init__(": ".join(parts))


def _line(index: int) -> int:
    """Line number in the file of the data row at ``index`` (the header is line 1)."""
    return int(index) + 2


def _read(path: PathLike, columns: Iterable[str]) -> pd.DataFrame:
    """Read a CSV file and check that it exists and has the required columns."""
    if not Path(path).is_file():
        raise DataError(path, "file not found")
    try:
        frame = pd.read_csv(path, keep_default_na=False, na_values=[""])
    except pd.errors.EmptyDataError:
        raise DataError(path, "file is empty") from None
    for column in columns:
        if column not in frame.columns:
            raise DataError(path, f"missing column (required: {', '.join(columns)})", column=column)
    return frame


def _fail_first(path: PathLike, frame: pd.DataFrame, bad: pd.Series, column: str, problem: str) -> None:
    """Raise a DataError for the first row where ``bad`` is true; ``problem`` may use ``{value}``."""
    if bad.any():
        index = bad.idxmax()
        raise DataError(path, problem.format(value=frame.at[index, column]), row=_line(index), column=column)


def _text(path: PathLike, frame: pd.DataFrame, column: str) -> pd.Series:
    """Check that a text column has no blank cell and return it stripped of surrounding spaces."""
    values = frame[column].astype("string").str.strip()
    _fail_first(path, frame, values.isna() | (values == ""), column, "missing value")
    return values.astype(str)


def _number(path: PathLike, frame: pd.DataFrame, column: str) -> pd.Series:
    """Check that a column has a number in every row and return it as floats."""
    values = pd.to_numeric(frame[column], errors="coerce")
    _fail_first(path, frame, frame[column].isna(), column, "missing value")
    _fail_first(path, frame, values.isna(), column, "not a number: {value!r}")
    return values.astype(float)


def _one_of(path: PathLike, frame: pd.DataFrame, column: str, allowed: Iterable[str]) -> None:
    """Check that every value of a text column is one of ``allowed``."""
    allowed = tuple(allowed)
    choices = ", ".join(repr(a) for a in allowed)
    _fail_first(
        path,
        frame,
        ~frame[column].isin(allowed),
        column,
        f"unknown value {{value!r}}; expected one of {choices}",
    )


def load_districts(path: PathLike | None = None) -> pd.DataFrame:
    """Load and validate the district table.

    Args:
        path: CSV file with at least the columns in ``DISTRICT_COLUMNS``; defaults to the packaged
            ``districts.csv``. Further columns are kept as read.

    Returns:
        The table in file order, with ``pop_2023`` and ``merged`` as integers and an added integer column
        ``region_index`` indexing :data:`REGIONS`.

    Raises:
        DataError: If the file is missing, a required column is absent, ``district_id`` is blank or
            repeated, ``region`` or ``border`` is not an allowed value, ``pop_2023`` is not positive, a
            percentage lies outside [0, 100], ``lat``/``lon`` is missing, ``area_km2`` is not positive, or
            ``merged`` is not 0 or 1.
    """
    path = DISTRICTS_CSV if path is None else Path(path)
    frame = _read(path, DISTRICT_COLUMNS)
    for column in ("district_id", "district", "region", "border"):
        frame[column] = _text(path, frame, column)
    _fail_first(
        path, frame, frame["district_id"].duplicated(), "district_id", "duplicate district_id {value!r}"
    )
    _one_of(path, frame, "region", REGIONS)
    _one_of(path, frame, "border", BORDERS)

    for column in ("pop_2023", "lat", "lon", "area_km2", "merged", *PERCENT_COLUMNS):
        frame[column] = _number(path, frame, column)
    pop = frame["pop_2023"]
    _fail_first(path, frame, pop < 0, "pop_2023", "negative population {value}; must be > 0")
    _fail_first(path, frame, pop == 0, "pop_2023", "population is 0; must be > 0")
    for column in PERCENT_COLUMNS:
        outside = (frame[column] < 0) | (frame[column] > 100)
        _fail_first(path, frame, outside, column, "{value} is outside the percentage range [0, 100]")
    _fail_first(path, frame, frame["area_km2"] <= 0, "area_km2", "area {value} must be > 0")
    _fail_first(path, frame, ~frame["merged"].isin((0, 1)), "merged", "{value} is not 0 or 1")

    frame["pop_2023"] = frame["pop_2023"].round().astype("int64")
    frame["merged"] = frame["merged"].astype("int64")
    frame["region_index"] = frame["region"].map({name: i for i, name in enumerate(REGIONS)}).astype("int64")
    return frame


def load_adjacency(path: PathLike | None = None, district_ids: Iterable[str] | None = None) -> pd.DataFrame:
    """Load and validate the table of neighbouring districts.

    Args:
        path: CSV file with columns ``district_id_a``, ``district_id_b``, ``shared_border_km``; defaults
            to the packaged ``adjacency.csv``.
        district_ids: The ids both ends must belong to; defaults to the ids of the packaged districts
            (:func:`load_districts` with no argument).

    Returns:
        The pairs in file order, ``shared_border_km`` as floats.

    Raises:
        DataError: If the file is missing, a column is absent or blank, a district is paired with itself,
            an end is not a known district ("dangling adjacency"), or ``shared_border_km`` is negative or
            not a number.
    """
    path = ADJACENCY_CSV if path is None else Path(path)
    known = set(load_districts()["district_id"] if district_ids is None else district_ids)
    frame = _read(path, ADJACENCY_COLUMNS)
    for column in ADJACENCY_COLUMNS[:2]:
        frame[column] = _text(path, frame, column)
    self_pair = frame["district_id_a"] == frame["district_id_b"]
    _fail_first(path, frame, self_pair, "district_id_b", "district {value!r} is paired with itself")
    for column in ADJACENCY_COLUMNS[:2]:
        unknown = ~frame[column].isin(known)
        _fail_first(path, frame, unknown, column, "dangling adjacency: {value!r} is not a known district_id")
    frame["shared_border_km"] = _number(path, frame, "shared_border_km")
    _fail_first(
        path,
        frame,
        frame["shared_border_km"] < 0,
        "shared_border_km",
        "negative length {value}; must be >= 0",
    )
    return frame
