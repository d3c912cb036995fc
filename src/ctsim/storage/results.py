"""Reading results folders back: the one validated loader of what ``ctsim compare``, ``ctsim batch`` and ``ctsim
sensitivity`` write, for everything that reads them (``ctsim report``, ``ctsim batch --status``, a batch's resume,
the sensitivity analysis).

A results folder may have changed since ctsim wrote it: edited by hand, copied incompletely, or handed over by
someone else. So each file is opened as ctsim opens its inputs (a regular file, never a link, a FIFO or a device;
under a size cap), parsed, and checked before anything uses it: every JSON key and table column the readers use is
present and of the right type, the keys that join tables are unique, and every scenario index points at a scenario.
Anything else ends in one line naming the file and what is wrong (:class:`ResultsError`, exit status 2), never in a
``KeyError`` deep inside the report. Keys and columns a reader does not use are left alone, so a result written by
a newer ctsim still reads.

What each kind of folder holds:

- compare: ``manifest.json``, ``runs.csv``, ``differences.csv``; optionally ``monthly_attacks.parquet`` and
  ``district_attacks.parquet``;
- batch: ``batch.json``, ``design.parquet``, ``parts/part-NNNNNN.parquet``; optionally ``monthly/part-*.parquet``;
- sensitivity: ``ranking.csv`` and a batch in ``runs/``.
"""

from __future__ import annotations

import io
import json
import math
import os
import re
import stat
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from ctsim.inputs import InputError, excerpt, excerpt_key, excerpt_path

KINDS = ("compare", "batch", "sensitivity")
MAX_JSON_BYTES = 20_000_000  # a manifest or batch.json is a few kB; the largest lists a draw index per replication
MAX_TABLE_BYTES = 4_000_000_000  # a 10-million-run design with its outcomes stays well below
MAX_MONTHS = 100_000
DAMAGED = "the results folder was changed or damaged after ctsim wrote it; run the command that made it again"
PART = re.compile(r"part-([0-9]{6,12})\.parquet")


class ResultsError(InputError):
    """A results folder that cannot be read: the message names the file and what is missing or wrong (one line,
    exit status 2)."""


# --- files ----------------------------------------------------------------------------------------------------------

def _open(path: Path, what: str, cap: int) -> io.BufferedReader:
    """``path`` opened for reading: a regular file (not a link, FIFO, device or folder) of at most ``cap`` bytes."""
    where = excerpt_path(path)
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise ResultsError(f"{where}: {what} is missing; {DAMAGED}") from None
    except OSError as exc:
        reason = "a symbolic link, which ctsim never writes" if os.path.islink(path) else exc.strerror
        raise ResultsError(f"{where}: cannot read the {what} ({reason})") from None
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        os.close(fd)
        raise ResultsError(f"{where}: not a regular file, so not the {what} ctsim writes")
    if info.st_size > cap:
        os.close(fd)
        raise ResultsError(f"{where}: {info.st_size:,} bytes, more than the {cap:,} a {what} can hold; {DAMAGED}")
    return os.fdopen(fd, "rb")


def _check_folder(path: Path, what: str) -> Path:
    """A folder of the result: a real folder (a link there was not put by ctsim)."""
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        raise ResultsError(f"{excerpt_path(path)}: the {what} is missing; {DAMAGED}") from None
    if not stat.S_ISDIR(info.st_mode):
        raise ResultsError(f"{excerpt_path(path)}: not a folder, so not the {what} ctsim writes")
    return path


# --- JSON records ---------------------------------------------------------------------------------------------------

_TYPES: dict[str, Callable[[Any], bool]] = {
    "text": lambda v: isinstance(v, str),
    "a whole number": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "a number": lambda v: isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v),
    "a table": lambda v: isinstance(v, dict),
    "a list": lambda v: isinstance(v, list),
    "a list of text": lambda v: isinstance(v, list) and all(isinstance(x, str) for x in v),
    "a list of tables": lambda v: isinstance(v, list) and all(isinstance(x, dict) for x in v),
    "nothing": lambda v: v is None,
}


@dataclass(frozen=True)
class Key:
    """A key of a JSON record: its accepted types (names of :data:`_TYPES`), whether it must be there, the keys of
    the table (or of each table of a list) it holds, and the range of a number."""

    types: tuple[str, ...]
    required: bool = False
    inner: Mapping[str, Key] | None = None
    low: float | None = None
    high: float | None = None


def _req(*types: str, inner: Mapping[str, Key] | None = None, low: float | None = None,
         high: float | None = None) -> Key:
    return Key(types, True, inner, low, high)


def _opt(*types: str, inner: Mapping[str, Key] | None = None) -> Key:
    return Key(types, False, inner)


PARAMETERS_RECORD = {
    "mode": _opt("text"), "draws": _opt("a whole number", "nothing"), "sha256": _opt("text", "nothing"),
    "created_utc": _opt("text", "nothing"), "settings": _opt("a table", "nothing"),
    "calibration_version": _opt("text", "nothing"), "source": _opt("text", "nothing"), "rule": _opt("text"),
    "draw_index": _opt("a list"), "model": _opt("a table", "nothing"),
}
COMPARE_SCENARIO = {
    "name": _req("text"), "files": _opt("a list of text"), "sha256": _opt("text"), "levers": _opt("a table"),
    "uncertainties": _opt("a table"), "schedule": _opt("a list of tables"), "triggers": _opt("a list"),
}
COMPARE_MANIFEST = {
    "scenarios": _req("a list of tables", inner=COMPARE_SCENARIO),
    "months": _req("a whole number", low=1, high=MAX_MONTHS),
    "replications": _req("a whole number", low=1, high=1e9),
    "confidence": _opt("a number"), "start": _opt("text", "nothing"), "history_months": _opt("a whole number"),
    "root_seed": _opt("a whole number", "nothing"), "parameters": _opt("a table", "nothing", inner=PARAMETERS_RECORD),
    "packages": _opt("a table", "nothing"), "ctsim_version": _opt("text", "nothing"),
    "git_commit": _opt("text", "nothing"), "commit": _opt("text", "nothing"),
    "calibration_version": _opt("text", "nothing"), "calibration": _opt("text", "nothing"),
    "created_utc": _opt("text", "nothing"), "cpu_count": _opt("a whole number", "nothing"),
    "prices": _opt("a table", "nothing", inner={"mode": _opt("text"), "rule": _opt("text"),
                                                 "price_year": _opt("text", "a whole number")}),
}
BATCH_SCENARIO = {"name": _req("text"), "files": _opt("a list of text")}
BATCH_INFO = {
    "experiment": _req("text"), "scenarios": _req("a list of tables", inner=BATCH_SCENARIO),
    "months": _req("a whole number", low=1, high=MAX_MONTHS), "replications": _req("a whole number", low=1, high=1e9),
    "runs": _opt("a whole number"), "method": _opt("text"), "root_seed": _opt("a whole number", "nothing"),
    "experiment_file": _opt("text"), "experiment_sha256": _opt("text"), "inputs": _opt("a table"),
    "seeds": _opt("text"), "parameters": _opt("a table", "nothing", inner=PARAMETERS_RECORD),
    "created_utc": _opt("text", "nothing"), "ctsim_version": _opt("text", "nothing"),
    "git_commit": _opt("text", "nothing"), "calibration_version": _opt("text", "nothing"),
    "packages": _opt("a table", "nothing"),
}


def read_json(path: str | Path, keys: Mapping[str, Key], what: str = "record") -> dict:
    """A JSON file holding one table whose ``keys`` are present (when required) and of their declared types.

    Raises:
        ResultsError: naming the file and the first key that is missing or of the wrong type.
    """
    path = Path(path)
    where = excerpt_path(path)
    with _open(path, what, MAX_JSON_BYTES) as handle:
        raw = handle.read(MAX_JSON_BYTES + 1)
    try:
        data = json.loads(raw.decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        raise ResultsError(f"{where}: not readable JSON (cut short or changed); {DAMAGED}") from None
    except RecursionError:
        raise ResultsError(f"{where}: nested too deeply to be the {what} ctsim writes; {DAMAGED}") from None
    if not isinstance(data, dict):
        raise ResultsError(f"{where}: holds {type(data).__name__}, not the table of the {what}; {DAMAGED}")
    _check_record(where, data, keys, "")
    return data


def _check_record(where: str, record: dict, keys: Mapping[str, Key], at: str) -> None:
    for name, key in keys.items():
        path = f"{at}.{name}" if at else name
        if name not in record:
            if key.required:
                raise ResultsError(f"{where}: key '{path}' is missing; {DAMAGED}")
            continue
        value = record[name]
        if not any(_TYPES[t](value) for t in key.types):
            raise ResultsError(f"{where}: key '{path}' must be {' or '.join(key.types)}, not {excerpt(value)}; "
                               f"{DAMAGED}")
        if isinstance(value, int | float) and not isinstance(value, bool) and (
                (key.low is not None and value < key.low) or (key.high is not None and value > key.high)):
            raise ResultsError(f"{where}: key '{path}' = {value} lies outside [{key.low:g}, {key.high:g}]; {DAMAGED}")
        if key.inner is not None and isinstance(value, dict):
            _check_record(where, value, key.inner, path)
        elif key.inner is not None and isinstance(value, list):
            for i, item in enumerate(value):
                _check_record(where, item, key.inner, f"{path}[{i}]")


def _names(where: str, entries: list[dict], key: str) -> list[str]:
    """The scenario names of a record: at least one, each a plain non-empty text, no two alike."""
    names = [e["name"] for e in entries]
    if not names:
        raise ResultsError(f"{where}: key '{key}' lists no scenario; {DAMAGED}")
    if len(set(names)) != len(names) or not all(n.strip() for n in names):
        raise ResultsError(f"{where}: key '{key}' repeats a scenario name or holds an empty one; {DAMAGED}")
    return names


# --- tables ---------------------------------------------------------------------------------------------------------

def _is_text(series: pd.Series) -> bool:
    if pd.api.types.is_string_dtype(series.dtype):
        return True
    values = series.dropna()
    return values.empty or (series.dtype == object and all(isinstance(v, str) for v in values))


COLUMN_TYPES: dict[str, Callable[[pd.Series], bool]] = {
    "whole numbers": lambda s: pd.api.types.is_integer_dtype(s.dtype) and not pd.api.types.is_bool_dtype(s.dtype),
    "numbers": lambda s: pd.api.types.is_numeric_dtype(s.dtype) and not pd.api.types.is_bool_dtype(s.dtype),
    "text": _is_text,
    "months": lambda s: pd.api.types.is_datetime64_any_dtype(s.dtype),
    "true or false": lambda s: pd.api.types.is_bool_dtype(s.dtype),
}


def read_table(path: str | Path, columns: Mapping[str, str], what: str, optional: Mapping[str, str] | None = None,
               others: str | None = None, keep: tuple[str, ...] | None = None, unique: tuple[str, ...] = ()
               ) -> pd.DataFrame:
    """A CSV or Parquet table with the ``columns`` it must hold, each of its declared type (a name of
    :data:`COLUMN_TYPES`); ``optional`` columns are checked when present, every other column is of type ``others``
    when given. ``keep``: read only these columns (Parquet). ``unique``: columns whose values, together, identify a
    row.

    Raises:
        ResultsError: naming the file and the first column that is missing or of the wrong type.
    """
    path = Path(path)
    where = excerpt_path(path)
    parquet = path.suffix == ".parquet"
    with _open(path, what, MAX_TABLE_BYTES) as handle:
        try:
            table = pd.read_parquet(handle, columns=list(keep) if keep else None) if parquet \
                else pd.read_csv(handle)
        except pd.errors.EmptyDataError:
            raise ResultsError(f"{where}: empty, not the {what} ctsim writes; {DAMAGED}") from None
        except Exception as exc:  # noqa: BLE001 - any reader's error, in one line without the file's text
            kind = "Parquet" if parquet else "CSV"
            raise ResultsError(f"{where}: not a readable {kind} table ({type(exc).__name__}); {DAMAGED}") from None
    checks = {**columns, **{k: v for k, v in (optional or {}).items() if k in table.columns}}
    for name, kind in checks.items():
        if name not in table.columns:
            raise ResultsError(f"{where}: column '{excerpt_key(name)}' is missing from the {what}; {DAMAGED}")
        if not COLUMN_TYPES[kind](table[name]):
            raise ResultsError(f"{where}: column '{excerpt_key(name)}' must hold {kind}, not {table[name].dtype}; "
                               f"{DAMAGED}")
    if others is not None:
        for name in table.columns:
            if name not in checks and not COLUMN_TYPES[others](table[name]):
                shown = excerpt_key(str(name), 40)
                raise ResultsError(f"{where}: column '{shown}' must hold {others}, not {table[name].dtype}; {DAMAGED}")
    if unique and table.duplicated(list(unique)).any():
        raise ResultsError(f"{where}: two rows share the same {', '.join(unique)}; {DAMAGED}")
    return table


def _within(where: str, table: pd.DataFrame, column: str, names: list[str]) -> None:
    """Every value of ``column`` is one of ``names``."""
    unknown = set(table[column].dropna()) - set(names)
    if unknown or table[column].isna().any():
        shown = excerpt(sorted(map(str, unknown))[0]) if unknown else "an empty value"
        raise ResultsError(f"{where}: column '{column}' holds {shown}, which is not a scenario of the result; "
                           f"{DAMAGED}")


# --- compare --------------------------------------------------------------------------------------------------------

@dataclass
class CompareResult:
    """A ``ctsim compare`` folder, read and checked.

    Attributes:
        folder: the folder.
        manifest: ``manifest.json``.
        names: the scenarios' names, the reference first.
        runs: ``runs.csv`` (one row per scenario and replication).
        differences: ``differences.csv`` (one row per scenario after the first and outcome).
        monthly: ``monthly_attacks.parquet`` (empty when the result has none).
        districts: ``district_attacks.parquet`` (empty when the result has none).
    """

    folder: Path
    manifest: dict
    names: list[str]
    runs: pd.DataFrame
    differences: pd.DataFrame
    monthly: pd.DataFrame = field(default_factory=pd.DataFrame)
    districts: pd.DataFrame = field(default_factory=pd.DataFrame)


def read_compare(folder: str | Path) -> CompareResult:
    """Read and check a ``ctsim compare`` folder.

    Raises:
        ResultsError: naming the file that is missing, unreadable, or holds a key or column that is missing or of
            the wrong type.
    """
    folder = Path(folder)
    manifest_path = folder / "manifest.json"
    manifest = read_json(manifest_path, COMPARE_MANIFEST, "comparison's manifest")
    names = _names(excerpt_path(manifest_path), manifest["scenarios"], "scenarios")
    runs_path = folder / "runs.csv"
    runs = read_table(runs_path, {"scenario": "text", "replication": "whole numbers"}, "table of runs",
                      others="numbers", unique=("scenario", "replication"))
    _within(excerpt_path(runs_path), runs, "scenario", names)
    missing = [n for n in names if not (runs["scenario"] == n).any()]
    if missing:
        raise ResultsError(f"{excerpt_path(runs_path)}: no run of the scenario {excerpt(missing[0])}; {DAMAGED}")
    diff_path = folder / "differences.csv"
    differences = read_table(
        diff_path, {"scenario": "text", "outcome": "text", "reference_mean": "numbers", "scenario_mean": "numbers",
                    "difference": "numbers", "ci90_low": "numbers", "ci90_high": "numbers",
                    "replications": "whole numbers"}, "table of differences", unique=("scenario", "outcome"))
    _within(excerpt_path(diff_path), differences, "scenario", names)
    result = CompareResult(folder, manifest, names, runs, differences)
    monthly_path = folder / "monthly_attacks.parquet"
    if os.path.lexists(monthly_path):
        result.monthly = read_table(monthly_path, {"scenario": "text", "replication": "whole numbers",
                                                   "month": "months", "attacks": "numbers"},
                                    "table of monthly attacks", unique=("scenario", "replication", "month"))
        _within(excerpt_path(monthly_path), result.monthly, "scenario", names)
        _same_months(monthly_path, result.monthly, names)
    districts_path = folder / "district_attacks.parquet"
    if os.path.lexists(districts_path):
        result.districts = read_table(districts_path, {"scenario": "text", "replication": "whole numbers",
                                                       "district_id": "text", "attacks": "numbers"},
                                      "table of attacks by district",
                                      unique=("scenario", "replication", "district_id"))
        _within(excerpt_path(districts_path), result.districts, "scenario", names)
    return result


def _same_months(path: Path, monthly: pd.DataFrame, names: list[str]) -> None:
    """Every scenario of a monthly table covers the same months (the per-year effects pair them)."""
    if monthly.empty:
        return
    months = {name: set(monthly.loc[monthly["scenario"] == name, "month"]) for name in names}
    if any(m != months[names[0]] for m in months.values()):
        raise ResultsError(f"{excerpt_path(path)}: the scenarios do not cover the same months; {DAMAGED}")


# --- batch ----------------------------------------------------------------------------------------------------------

DESIGN_COLUMNS = {"run_id": "whole numbers", "point": "whole numbers", "scenario": "text",
                  "scenario_index": "whole numbers", "replication": "whole numbers"}
PART_COLUMNS = {"run_id": "whole numbers", "status": "text"}
PART_OPTIONAL = {"error": "text", "worker": "text", "elapsed_s": "numbers"}
MONTHLY_COLUMNS = {"run_id": "whole numbers", "month_index": "whole numbers", "month": "months"}


@dataclass
class BatchResult:
    """A ``ctsim batch`` folder (or a sensitivity study's ``runs/``), read and checked.

    Attributes:
        folder: the folder.
        info: ``batch.json``.
        names: the scenarios' names, in the design's order (``scenario_index``).
        design: ``design.parquet`` (one row per run).
        runs: the design with each run's latest record: ``status`` (ok, failed or pending), ``error`` and every
            summary outcome (missing for runs that are not ok).
        monthly: the monthly series kept, joined with the design (empty when none were kept or not asked for).
    """

    folder: Path
    info: dict
    names: list[str]
    design: pd.DataFrame
    runs: pd.DataFrame
    monthly: pd.DataFrame = field(default_factory=pd.DataFrame)


def is_batch(folder: str | Path) -> bool:
    """True when a batch has been started in ``folder`` (its design and description are there)."""
    folder = Path(folder)
    return os.path.lexists(folder / "design.parquet") and os.path.lexists(folder / "batch.json")


def read_batch_info(folder: str | Path) -> dict:
    """``batch.json``, checked (see :data:`BATCH_INFO`)."""
    path = Path(folder) / "batch.json"
    info = read_json(path, BATCH_INFO, "batch description")
    _names(excerpt_path(path), info["scenarios"], "scenarios")
    return info


def part_files(folder: str | Path) -> list[Path]:
    """The part files of a batch folder's ``parts/`` (or ``monthly/``), in the order they were written.

    Raises:
        ResultsError: when the folder is a link or a file, or holds a ``part-*.parquet`` whose name ctsim does not
            write (the number orders the parts).
    """
    folder = Path(folder)
    if not os.path.lexists(folder):
        return []
    _check_folder(folder, "folder of part files")
    parts = []
    for path in folder.glob("part-*.parquet"):
        match = PART.fullmatch(path.name)
        if match is None:
            raise ResultsError(f"{excerpt_path(path)}: not a name ctsim gives a part file (part-NNNNNN.parquet); "
                               f"{DAMAGED}")
        parts.append((int(match.group(1)), path))
    return [path for _, path in sorted(parts)]


def part_number(path: Path) -> int:
    """The number of a part file (checked by :func:`part_files`)."""
    return int(PART.fullmatch(path.name).group(1))


def read_part(path: Path, columns: tuple[str, ...] | None = None) -> pd.DataFrame:
    """One part file of ``parts/``: run ids and statuses, with every outcome a number."""
    return read_table(path, PART_COLUMNS, "part file of finished runs", optional=PART_OPTIONAL,
                      others=None if columns else "numbers", keep=columns, unique=("run_id",))


def read_design(folder: str | Path, names: list[str], factors: Mapping[str, str] | None = None) -> pd.DataFrame:
    """``design.parquet``: one row per run with unique run ids, each scenario index naming one of ``names``, one run
    per point, scenario and replication; ``factors`` (column -> type) are checked where present."""
    path = Path(folder) / "design.parquet"
    where = excerpt_path(path)
    design = read_table(path, DESIGN_COLUMNS, "design", optional=factors, unique=("run_id",))
    index = design["scenario_index"]
    if len(design) and (index.min() < 0 or index.max() >= len(names)):
        raise ResultsError(f"{where}: column 'scenario_index' points past the {len(names)} scenario(s) of batch.json; "
                           f"{DAMAGED}")
    if design.duplicated(["point", "scenario_index", "replication"]).any():
        raise ResultsError(f"{where}: two runs share a point, scenario and replication; {DAMAGED}")
    return design


def latest_records(folder: str | Path) -> pd.DataFrame:
    """The latest record of every run that has one (a retried run's newest part wins), with its part's number.

    Every part holding a finished run holds the same outcome columns (a run records every summary outcome); a part
    of failed runs only holds none."""
    frames, columns, first = [], None, None
    for path in part_files(Path(folder) / "parts"):
        frame = read_part(path)
        if (frame["status"] == "ok").any():
            if columns is None:
                columns, first = set(frame.columns) - set(PART_OPTIONAL), path
            elif set(frame.columns) - set(PART_OPTIONAL) != columns:
                raise ResultsError(f"{excerpt_path(path)}: its columns differ from those of {first.name}; {DAMAGED}")
        frames.append(frame.assign(part=part_number(path)))
    if not frames:
        return pd.DataFrame({"run_id": pd.Series(dtype="int64"), "status": pd.Series(dtype="str"),
                             "error": pd.Series(dtype="str"), "elapsed_s": pd.Series(dtype="float64"),
                             "worker": pd.Series(dtype="str"), "part": pd.Series(dtype="int64")})
    allruns = pd.concat(frames, ignore_index=True)
    return allruns.sort_values(["run_id", "part"]).drop_duplicates("run_id", keep="last").reset_index(drop=True)


def read_batch(folder: str | Path, monthly: bool = True, factors: Mapping[str, str] | None = None) -> BatchResult:
    """Read and check a batch folder; ``monthly`` also reads the monthly series. ``factors``: the type of each column
    a design may vary (a name of :data:`COLUMN_TYPES`), which the declarations know and this floor does not
    (:func:`ctsim.experiments.results.read` passes them).

    Raises:
        ResultsError: naming the file that is missing, unreadable, or holds a key or column that is missing or of
            the wrong type.
    """
    folder = Path(folder)  # the folder a user names may be reached through a link; the ones inside it may not
    if not is_batch(folder):
        raise ResultsError(f"{excerpt_path(folder)}: no batch here (design.parquet and batch.json are missing)")
    info = read_batch_info(folder)
    names = [s["name"] for s in info["scenarios"]]
    design = read_design(folder, names, factors)
    outcomes = latest_records(folder).drop(columns=["part"])
    runs = design.merge(outcomes, on="run_id", how="left")
    runs["status"] = runs["status"].fillna("pending")
    result = BatchResult(folder, info, names, design, runs)
    if monthly:
        parts = part_files(folder / "monthly")
        if parts:
            frames = [read_table(p, MONTHLY_COLUMNS, "part file of monthly series", others="numbers")
                      for p in parts]
            series = pd.concat(frames, ignore_index=True)
            # A retried run may appear in more than one part: keep its last series.
            series = series.drop_duplicates(["run_id", "month_index"], keep="last")
            result.monthly = design.merge(series, on="run_id", how="inner")
    return result


# --- sensitivity ----------------------------------------------------------------------------------------------------

MEASURES = ("mu_star", "ST", "S1")


@dataclass
class SensitivityResult:
    """A ``ctsim sensitivity`` folder: its ranking and its batch of runs (``runs/``)."""

    folder: Path
    ranking: pd.DataFrame
    batch: BatchResult


def read_ranking(folder: str | Path) -> pd.DataFrame:
    """``ranking.csv``: outcome, factor, rank and one index column (mu_star, ST or S1), each of its type."""
    path = Path(folder) / "ranking.csv"
    optional = {"stratum": "text", "above_noise": "true or false", **{m: "numbers" for m in MEASURES},
                **{f"{m}_conf": "numbers" for m in MEASURES}}
    ranking = read_table(path, {"outcome": "text", "factor": "text", "rank": "whole numbers"}, "ranking",
                         optional=optional)
    if not any(m in ranking.columns for m in MEASURES):
        raise ResultsError(f"{excerpt_path(path)}: no index column (one of {', '.join(MEASURES)}); {DAMAGED}")
    return ranking


def read_sensitivity(folder: str | Path) -> SensitivityResult:
    """Read and check a sensitivity folder: its ranking and its batch of runs.

    Raises:
        ResultsError: naming the file that is missing or wrong.
    """
    folder = Path(folder)
    ranking = read_ranking(folder)
    return SensitivityResult(folder, ranking, read_batch(_check_folder(folder / "runs", "folder of runs")))


# --- which kind -----------------------------------------------------------------------------------------------------

def result_kind(folder: str | Path) -> str:
    """Which command wrote ``folder``: ``compare``, ``batch`` or ``sensitivity``, told by the files it holds.

    Raises:
        ResultsError: when ``folder`` is not a folder, or holds none of the three kinds of result.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise ResultsError(f"{excerpt_path(folder)}: no such folder")

    def there(*names: str) -> bool:
        return all(os.path.lexists(folder / n) for n in names)

    if there("differences.csv", "runs.csv"):
        return "compare"
    if there("ranking.csv", "runs/batch.json"):
        return "sensitivity"
    if there("batch.json", "design.parquet"):
        return "batch"
    raise ResultsError(f"{excerpt_path(folder)}: not a result of ctsim compare (differences.csv, runs.csv), ctsim "
                       f"batch (batch.json, design.parquet) or ctsim sensitivity (ranking.csv, runs/batch.json)")
