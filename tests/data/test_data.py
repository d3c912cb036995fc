"""Tests for the packaged district data (src/ctsim/data) and its loaders."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from ctsim.data import (
    ADJACENCY_CSV,
    DISTRICTS_CSV,
    REGION_KEYS,
    REGIONS,
    DataError,
    load_adjacency,
    load_districts,
)

REPO_ROOT = Path(__file__).resolve().parents[2]
SHARED_DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"
BUILD_SCRIPT = REPO_ROOT / "scripts" / "build_data.py"

# SOURCES.md s6: rows per region.
REGION_ROWS = {
    "Punjab": 36,
    "Sindh": 30,
    "KP (settled districts)": 28,
    "Merged districts": 7,
    "Balochistan": 34,
    "ICT": 1,
    "Gilgit-Baltistan": 14,
    "AJK": 10,
}
# SOURCES.md s6 / FACTS.md s2: PBS Census 2023 totals.
CENSUS_2023_TOTALS = {
    ("Punjab",): 127_688_922,
    ("Sindh",): 55_696_147,
    ("KP (settled districts)", "Merged districts"): 40_856_097,
    ("Balochistan",): 14_894_402,
    ("ICT",): 2_363_863,
}
# packaged column -> (shared source column, its source code)
FILLABLE = {
    "pop_2023": ("pop_2023", "pop_2023_source"),
    "literacy_pct": ("literacy_2023_pct", "literacy_source"),
    "out_of_school_pct": ("out_of_school_5_16_pct_2023", "out_of_school_source"),
    "poverty_pct": ("poverty_headcount_2018_pct", "poverty_source"),
}
COPIED = ["district", "region", "border", "lat", "lon", "area_km2"]
COPIED += ["border_km_afghanistan", "border_km_iran", "border_km_india_loc"]


@pytest.fixture(scope="module")
def districts() -> pd.DataFrame:
    return load_districts()


@pytest.fixture(scope="module")
def shared() -> pd.DataFrame:
    if not (SHARED_DATA / "districts.csv").is_file():
        pytest.skip(f"shared source data not found at {SHARED_DATA}")
    return pd.read_csv(SHARED_DATA / "districts.csv")


# --- the packaged table ---


def test_regions_and_keys_align():
    assert tuple(REGION_ROWS) == REGIONS, "the 8 regions, in the documented order"
    assert len(REGION_KEYS) == len(REGIONS), "one key per region"
    assert REGION_KEYS[REGIONS.index("Merged districts")] == "merged", "keys follow the REGIONS order"


def test_table_has_160_districts_with_source_region_counts(districts):
    assert len(districts) == 160, "160 districts, as in SOURCES.md"
    assert districts["region"].value_counts().to_dict() == REGION_ROWS, "region counts as in SOURCES.md s6"
    assert districts["district_id"].is_unique, "district_id is unique"
    assert (districts["merged"] == (districts["region"] == "Merged districts")).all(), "merged flags ex-FATA"
    assert (districts["region"].map(REGIONS.index) == districts["region_index"]).all(), (
        "region_index indexes REGIONS"
    )


@pytest.mark.parametrize(("regions", "total"), CENSUS_2023_TOTALS.items())
def test_regional_population_matches_census_totals(districts, regions, total):
    got = districts.loc[districts["region"].isin(regions), "pop_2023"].sum()
    assert got == total, f"pop_2023 of {regions} should sum to the census 2023 total"


def test_no_blank_cells(districts):
    assert not districts.isna().any().any(), "every cell of the packaged table is filled"
    codes = districts[[code for _, code in FILLABLE.values()]]
    assert not (codes == "").any().any(), "every value has a source code"


def test_filled_cells_are_flagged_and_census_cells_unchanged(districts, shared):
    assert list(shared["district_id"]) == list(districts["district_id"]), "same districts in the same order"
    for column, (source_column, code_column) in FILLABLE.items():
        blank = shared[source_column].isna()
        filled = districts[code_column].str.startswith("filled:")
        assert (filled == blank).all(), f"{column}: exactly the blank source cells are flagged filled:"
        kept = districts.loc[~blank, column].astype(float)
        assert (kept == shared.loc[~blank, source_column]).all(), f"{column}: published values are kept as is"
    for column in COPIED:
        assert (districts[column] == shared[column]).all(), f"{column} is copied from the source"


def test_filled_population_keeps_region_totals(districts):
    gb = districts.loc[districts["region"] == "Gilgit-Baltistan", "pop_2023"]
    assert gb.sum() == 1_790_000, "GB filled from the FACTS.md region estimate"
    assert gb.max() - gb.min() <= 1, "GB split equally"


def test_rebuild_gives_identical_bytes(tmp_path):
    if not (SHARED_DATA / "districts.csv").is_file():
        pytest.skip(f"shared source data not found at {SHARED_DATA}")
    cmd = [sys.executable, str(BUILD_SCRIPT), "--source", str(SHARED_DATA), "--out", str(tmp_path)]
    subprocess.run(cmd, check=True, capture_output=True, text=True)
    for packaged in (DISTRICTS_CSV, ADJACENCY_CSV):
        rebuilt = (tmp_path / packaged.name).read_bytes()
        assert rebuilt == packaged.read_bytes(), f"rebuilding {packaged.name} reproduces the packaged file"


def test_adjacency_is_ordered_and_connects_every_district(districts):
    pairs = load_adjacency()
    assert (pairs["district_id_a"] < pairs["district_id_b"]).all(), "each pair is stored once, as a < b"
    assert not pairs.duplicated(["district_id_a", "district_id_b"]).any(), "no duplicate pairs"
    degree = pd.concat([pairs["district_id_a"], pairs["district_id_b"]]).value_counts()
    degree = degree.reindex(districts["district_id"], fill_value=0)
    assert (degree >= 2).all(), f"every district has >= 2 neighbours: {degree[degree < 2].to_dict()}"


# --- loader errors ---


def _broken_copy(tmp_path: Path, source: Path, line: int, column: str, value: str) -> Path:
    """Copy ``source`` into tmp_path with the cell at file ``line`` (header = 1) and ``column`` replaced."""
    frame = pd.read_csv(source, dtype=str, keep_default_na=False)
    frame.loc[line - 2, column] = value
    path = tmp_path / f"broken_{source.name}"
    frame.to_csv(path, index=False)
    return path


def _assert_message(error: pytest.ExceptionInfo, *parts: str) -> None:
    message = str(error.value)
    for part in parts:
        assert part in message, f"error message {message!r} should name {part!r}"


@pytest.mark.parametrize(
    ("line", "column", "value"),
    [
        (5, "pop_2023", "-100"),
        (7, "region", "Kashmir"),
        (9, "literacy_pct", "101.5"),
        (11, "poverty_pct", ""),
        (12, "border", "china"),
        (13, "merged", "2"),
    ],
)
def test_invalid_district_cell_names_file_row_and_column(tmp_path, line, column, value):
    path = _broken_copy(tmp_path, DISTRICTS_CSV, line, column, value)
    with pytest.raises(DataError) as error:
        load_districts(path)
    _assert_message(error, path.name, f"row {line}", f"column '{column}'")


def test_negative_population_is_named(tmp_path):
    path = _broken_copy(tmp_path, DISTRICTS_CSV, 5, "pop_2023", "-100")
    with pytest.raises(DataError, match="negative population"):
        load_districts(path)


def test_duplicate_district_id(tmp_path):
    path = _broken_copy(tmp_path, DISTRICTS_CSV, 4, "district_id", "attock")
    with pytest.raises(DataError) as error:
        load_districts(path)
    _assert_message(error, path.name, "row 4", "column 'district_id'", "duplicate")


def test_missing_column(tmp_path):
    path = tmp_path / "no_poverty.csv"
    pd.read_csv(DISTRICTS_CSV).drop(columns="poverty_pct").to_csv(path, index=False)
    with pytest.raises(DataError) as error:
        load_districts(path)
    _assert_message(error, path.name, "column 'poverty_pct'", "missing column")


def test_missing_file(tmp_path):
    path = tmp_path / "nowhere.csv"
    with pytest.raises(DataError) as error:
        load_districts(path)
    _assert_message(error, str(path), "not found")


def test_dangling_adjacency(tmp_path, districts):
    path = _broken_copy(tmp_path, ADJACENCY_CSV, 6, "district_id_b", "atlantis")
    with pytest.raises(DataError) as error:
        load_adjacency(path, district_ids=districts["district_id"])
    _assert_message(error, path.name, "row 6", "column 'district_id_b'", "dangling adjacency")


def test_self_pair_and_negative_length_in_adjacency(tmp_path, districts):
    ids = districts["district_id"]
    path = _broken_copy(tmp_path, ADJACENCY_CSV, 3, "district_id_b", "abbottabad")
    with pytest.raises(DataError) as error:
        load_adjacency(path, district_ids=ids)
    _assert_message(error, path.name, "row 3", "column 'district_id_b'", "itself")
    path = _broken_copy(tmp_path, ADJACENCY_CSV, 8, "shared_border_km", "-1")
    with pytest.raises(DataError) as error:
        load_adjacency(path, district_ids=ids)
    _assert_message(error, path.name, "row 8", "column 'shared_border_km'")
