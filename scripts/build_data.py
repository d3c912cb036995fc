"""Build ctsim's packaged district tables from the shared fact files.

Reads ``districts.csv`` and ``adjacency.csv`` from the shared data folder (``<repo>/../shared/data`` unless
``--source`` says otherwise), fills the blank cells by the fixed rules below, flags every filled cell in a
``*_source`` column, and writes ``src/ctsim/data/districts.csv`` and ``src/ctsim/data/adjacency.csv``.
The output is deterministic: rerunning on the same input gives identical bytes.

Usage::

    python scripts/build_data.py [--source DIR] [--out DIR]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SOURCE = REPO_ROOT.parent / "shared" / "data"
DEFAULT_OUT = REPO_ROOT / "src" / "ctsim" / "data"

GB = "Gilgit-Baltistan"
AJK = "AJK"
MERGED = "Merged districts"

# --- Fill values. Every one is a published figure or a fixed arithmetic on published figures. ---

# FACTS.md s2, pop. 2023 column: Gilgit-Baltistan "~1.79 m (est.)" (no census 2023 count exists for GB).
GB_POP_2023_TOTAL = 1_790_000
# FACTS.md s2, pop. 2017 column: AJK 4,045,366 (AJK was not covered by the 2023 census).
AJK_POP_2017 = 4_045_366
# FACTS.md s2, Pakistan row: PBS Census 2017 and 2023 national totals; their ratio is the national
# growth factor applied to AJK's 2017 count.
PAKISTAN_POP_2017 = 207_684_626
PAKISTAN_POP_2023 = 241_499_431

# FACTS.md s2, literacy 2023 (10+): GB "~52-60% (weak)" -> midpoint of the range.
GB_LITERACY_PCT = (52.0 + 60.0) / 2
# FACTS.md s2, literacy 2023 (10+): AJK "~74%".
AJK_LITERACY_PCT = 74.0

# SOURCES.md s4 (World Bank Data4Pakistan 2018 via P1): values of pre-split parent units, by district_id.
KARACHI_CITY_POVERTY_2018_PCT = 9.20
CHITRAL_POVERTY_2018_PCT = 20.09
KOHISTAN_POVERTY_2018_PCT = 32.15
QUOTED_PARENT_POVERTY = {
    "karachi_city": (
        KARACHI_CITY_POVERTY_2018_PCT,
        ("karachi_central", "karachi_east", "karachi_south", "karachi_west", "keamari", "korangi", "malir"),
    ),
    "chitral": (CHITRAL_POVERTY_2018_PCT, ("lower_chitral", "upper_chitral")),
    "kohistan": (KOHISTAN_POVERTY_2018_PCT, ("upper_kohistan", "lower_kohistan", "kolai_palas_kohistan")),
}
# SOURCES.md s5 caveat 1: Chaman was split from Killa Abdullah, Duki from Loralai, Surab from Kalat.
# These take the parent row's own 2018 value from the same table.
PARENT_ROW = {"chaman": "killa_abdullah", "duki": "loralai", "surab": "kalat"}

# FACTS.md s2, consumption poverty 2018-19 (HIES 2018-19); the KP figure covers all KP, settled and merged.
REGION_HIES_2018_19_POVERTY_PCT = {
    "Punjab": 16.5,
    "Sindh": 24.5,
    "KP (settled districts)": 28.7,
    MERGED: 28.7,
    "Balochistan": 41.8,
    "ICT": 4.0,  # FACTS.md s2 gives "~4%"
}
# FACTS.md s2, MPI headcount 2016 (Planning Commission/UNDP/OPHI): GB 43.2, AJK 24.9.
# FACTS.md has no HIES consumption-poverty figure for either.
REGION_MPI_2016_PCT = {GB: 43.2, AJK: 24.9}
# FACTS.md s2, Pakistan row: consumption poverty 2018-19 21.9 (HIES) and MPI headcount 2016 38.8; their ratio
# converts a regional MPI headcount to a consumption-poverty-like figure.
NATIONAL_CONSUMPTION_POVERTY_PCT = 21.9
NATIONAL_MPI_PCT = 38.8

# --- Output layout. ---

COLUMNS = [
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
    "border_km_afghanistan",
    "border_km_iran",
    "border_km_india_loc",
    "merged",
    "pop_2023_source",
    "literacy_source",
    "out_of_school_source",
    "poverty_source",
]
# packaged column -> (source column, source code for a cell taken as published)
SOURCE_OF = {
    "pop_2023": ("pop_2023", "census2023"),
    "literacy_pct": ("literacy_2023_pct", "census2023"),
    "out_of_school_pct": ("out_of_school_5_16_pct_2023", "census2023"),
    "poverty_pct": ("poverty_headcount_2018_pct", "data4pakistan2018"),
}
SOURCE_CODE_COLUMN = {
    "pop_2023": "pop_2023_source",
    "literacy_pct": "literacy_source",
    "out_of_school_pct": "out_of_school_source",
    "poverty_pct": "poverty_source",
}
TEXT_COLUMNS = ("district_id", "district", "region", "border")
NUMERIC_COLUMNS = [c for c in COLUMNS if c not in TEXT_COLUMNS and not c.endswith("_source")]


def equal_split(total: int, district_ids: pd.Series) -> pd.Series:
    """Split an integer total equally; the remainder goes one each to the first ids alphabetically."""
    share, remainder = divmod(int(total), len(district_ids))
    ranked = sorted(district_ids)
    return pd.Series([share + (ranked.index(d) < remainder) for d in district_ids], index=district_ids.index)


def fill(frame: pd.DataFrame, column: str, mask: pd.Series, values, code: str) -> None:
    """Fill the blank cells of ``column`` selected by ``mask`` and record ``code`` as their source."""
    target = mask & frame[column].isna()
    if isinstance(values, pd.Series):
        values = values.reindex(frame.index)[target]
    frame.loc[target, column] = values
    frame.loc[target, SOURCE_CODE_COLUMN[column]] = code


def build_districts(src: pd.DataFrame) -> pd.DataFrame:
    """Return the packaged district table built from the shared source table."""
    out = pd.DataFrame(
        {"district_id": src["district_id"], "district": src["district"], "region": src["region"]}
    )
    for column, (source_column, code) in SOURCE_OF.items():
        out[column] = src[source_column]
        out[SOURCE_CODE_COLUMN[column]] = np.where(src[source_column].notna(), code, "")
    region = out["region"]
    is_gb, is_ajk = region == GB, region == AJK

    # pop_2023
    fill(
        out,
        "pop_2023",
        is_gb,
        equal_split(GB_POP_2023_TOTAL, out.loc[is_gb, "district_id"]),
        "filled:region_total_equal_split",
    )
    ajk_total = round(AJK_POP_2017 * PAKISTAN_POP_2023 / PAKISTAN_POP_2017)
    fill(
        out,
        "pop_2023",
        is_ajk,
        equal_split(ajk_total, out.loc[is_ajk, "district_id"]),
        "filled:region_2017_x_national_growth_equal_split",
    )

    # literacy_pct
    fill(out, "literacy_pct", is_gb, GB_LITERACY_PCT, "filled:region_midpoint")
    fill(out, "literacy_pct", is_ajk, AJK_LITERACY_PCT, "filled:region_estimate")

    # out_of_school_pct: OLS line over the census districts, evaluated at the (filled) literacy.
    census = src[src["literacy_2023_pct"].notna() & src["out_of_school_5_16_pct_2023"].notna()]
    slope_intercept = np.polyfit(census["literacy_2023_pct"], census["out_of_school_5_16_pct_2023"], 1)
    fitted = np.polyval(slope_intercept, out["literacy_pct"].astype(float)).round(2).clip(0, 100)
    fill(
        out,
        "out_of_school_pct",
        is_gb | is_ajk,
        pd.Series(fitted, index=out.index),
        "filled:oosc_literacy_fit",
    )

    # poverty_pct, in order (a) parents, (b) 2014 round, (c) region HIES, (d) region MPI x national ratio.
    ids = out["district_id"]
    for parent, (value, children) in QUOTED_PARENT_POVERTY.items():
        fill(out, "poverty_pct", ids.isin(children), value, f"filled:parent_district({parent})")
    poverty_2018 = src.set_index("district_id")["poverty_headcount_2018_pct"]
    for child, parent in PARENT_ROW.items():
        fill(out, "poverty_pct", ids == child, poverty_2018[parent], f"filled:parent_district({parent})")
    fill(
        out,
        "poverty_pct",
        src["poverty_rate_2014_pct"].notna(),
        src["poverty_rate_2014_pct"],
        "filled:data4pakistan2014",
    )
    fill(
        out,
        "poverty_pct",
        region.isin(REGION_HIES_2018_19_POVERTY_PCT),
        region.map(REGION_HIES_2018_19_POVERTY_PCT),
        "filled:region_hies2018_19",
    )
    ratio = NATIONAL_CONSUMPTION_POVERTY_PCT / NATIONAL_MPI_PCT
    fill(
        out,
        "poverty_pct",
        region.isin(REGION_MPI_2016_PCT),
        (region.map(REGION_MPI_2016_PCT) * ratio).round(2),
        "filled:region_mpi_x_national_ratio",
    )

    for column in (
        "border",
        "lat",
        "lon",
        "area_km2",
        "border_km_afghanistan",
        "border_km_iran",
        "border_km_india_loc",
    ):
        out[column] = src[column]
    out["merged"] = (region == MERGED).astype(int)
    out["pop_2023"] = out["pop_2023"].astype("int64")

    blanks = out[NUMERIC_COLUMNS].isna().sum()
    if blanks.any():
        raise SystemExit(f"blank cells left after filling: {blanks[blanks > 0].to_dict()}")
    return out[COLUMNS]


def build_adjacency(src: pd.DataFrame) -> pd.DataFrame:
    """Return the adjacency pairs as in the source, sorted by both ids."""
    columns = ["district_id_a", "district_id_b", "shared_border_km"]
    return src[columns].sort_values(columns[:2]).reset_index(drop=True)


def write_csv(frame: pd.DataFrame, path: Path) -> None:
    """Write ``frame`` with fixed formatting so reruns are byte-identical."""
    frame.to_csv(path, index=False, lineterminator="\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    """Build both packaged tables and print the number of filled cells per column."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--source", type=Path, default=DEFAULT_SOURCE, help="folder with the shared CSV files"
    )
    parser.add_argument(
        "--out", type=Path, default=DEFAULT_OUT, help="folder to write the packaged CSV files to"
    )
    args = parser.parse_args(argv)

    districts_src = pd.read_csv(args.source / "districts.csv", keep_default_na=False, na_values=[""])
    adjacency_src = pd.read_csv(args.source / "adjacency.csv")
    districts = build_districts(districts_src)
    args.out.mkdir(parents=True, exist_ok=True)
    write_csv(districts, args.out / "districts.csv")
    write_csv(build_adjacency(adjacency_src), args.out / "adjacency.csv")

    counts = {c: int(districts[s].str.startswith("filled:").sum()) for c, s in SOURCE_CODE_COLUMN.items()}
    print(
        "filled cells: "
        + ", ".join(f"{c}={n}" for c, n in counts.items())
        + f" (total {sum(counts.values())})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
