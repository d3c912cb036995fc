"""Read a result folder (``ctsim compare``, ``ctsim batch`` or ``ctsim sensitivity``) into a plain
:class:`~ctsim.report.brief.Brief`.

Nothing here formats for a page: the brief holds numbers, plain sentences (from :mod:`ctsim.report.words`) and the
tables the charts need; :mod:`ctsim.report.render` lays them out. Every number comes from the result's files, the
declarations of levers and outputs, the stored calibration, or the project's validation report.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ctsim.analysis.paired import LEVEL, Paired, paired
from ctsim.data import REGION_KEYS, REGIONS
from ctsim.declarations.levers import LEVERS_BY_NAME
from ctsim.report import words
from ctsim.report.brief import Brief, Ranked, ReportError, Row, ScenarioInfo, Spread
from ctsim.report.changes import scenario_infos
from ctsim.report.trust import trust
from ctsim.storage.results import read_batch_info, read_compare, read_ranking

__all__ = ["KINDS", "ReportError", "gather", "kind_of"]

KINDS = ("compare", "batch", "sensitivity")


def kind_of(folder: Path) -> str:
    """Which command wrote ``folder``.

    Raises:
        ReportError: when the folder holds none of the three kinds of result.
    """
    if (folder / "differences.csv").is_file() and (folder / "runs.csv").is_file():
        return "compare"
    if (folder / "ranking.csv").is_file() and (folder / "runs" / "batch.json").is_file():
        return "sensitivity"
    if (folder / "batch.json").is_file() and (folder / "design.parquet").is_file():
        return "batch"
    raise ReportError(f"{folder}: not a result of ctsim compare (differences.csv, runs.csv), ctsim batch "
                      f"(batch.json, design.parquet) or ctsim sensitivity (ranking.csv, runs/batch.json)")


def gather(folder: str | Path) -> Brief:
    """Read a result folder into a :class:`Brief`.

    Raises:
        ReportError: when the folder is not a result, or a file it needs is missing or unreadable.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise ReportError(f"{folder}: no such folder")
    kind = kind_of(folder)
    reader = {"compare": _compare, "batch": _batch, "sensitivity": _sensitivity}[kind]
    brief = reader(folder)
    brief.trust = trust(brief)
    return brief


# --- compare -------------------------------------------------------------------------------------------------------

def _compare(folder: Path) -> Brief:
    result = read_compare(folder)  # the validated loader: a changed or damaged file is one line naming it
    manifest, runs, differences, monthly = result.manifest, result.runs, result.differences, result.monthly
    names = [s["name"] for s in manifest["scenarios"]]
    reference = names[0]
    months = int(manifest["months"])
    replications = int(manifest["replications"])
    level = float(manifest.get("confidence", LEVEL))
    infos = scenario_infos(manifest["scenarios"], folder)
    start = str(manifest.get("start") or _first_month(monthly) or "")
    headline = []
    for name in names[1:]:
        table = differences[differences["scenario"] == name].set_index("outcome")
        for outcome in words.HEADLINE:
            if outcome not in table.index:
                continue
            r = table.loc[outcome]
            diff = Paired(float(r["reference_mean"]), float(r["scenario_mean"]), float(r["difference"]),
                          float(r["ci90_low"]), float(r["ci90_high"]), int(r["replications"]))
            headline.append(_row(name, outcome, diff, months, level))
    runs = runs.assign(pair=runs["replication"])
    brief = Brief(
        kind="compare", folder=folder, title=_title(names), reference=reference, scenarios=infos, months=months,
        start=start, replications=replications, runs=len(runs),
        uncertainty=_parameter_uncertainty(manifest.get("parameters")),
        question=_question(names, months, replications), headline=headline,
        monthly=monthly, run_table=runs)
    brief.years = _years(monthly, names, months, level)
    brief.regions = _regions(runs, names, months, level)
    brief.districts = _districts(result.districts, names)
    brief.provenance = _provenance_compare(manifest, infos)
    brief.missing = _missing_common(brief)
    return brief


def _districts(table: pd.DataFrame, names: list[str]) -> pd.DataFrame:
    """The first scenario's mean paired difference in attacks from the reference, per district (empty when the result
    has no district figures)."""
    if len(names) < 2 or table.empty:
        return pd.DataFrame()
    wide = table.pivot_table(index=["district_id", "replication"], columns="scenario", values="attacks")
    if names[0] not in wide.columns or names[1] not in wide.columns:
        return pd.DataFrame()
    diff = (wide[names[1]] - wide[names[0]]).groupby(level="district_id").mean()
    return pd.DataFrame({"district_id": diff.index, "difference": diff.to_numpy()})


def _row(scenario: str, outcome: str, diff: Paired, months: int, level: float) -> Row:
    return Row(scenario, outcome, words.noun(outcome).capitalize(), words.unit(outcome), diff,
               words.verdict(outcome, diff.difference, diff.low, diff.high, months, level))


def _title(names: list[str]) -> str:
    others = ", ".join(f"'{n}'" for n in names[1:])
    return f"What changes with {others} compared with '{names[0]}'"


def _question(names: list[str], months: int, replications: int) -> str:
    others = " and ".join(f"'{n}'" for n in names[1:])
    return (f"If Pakistan followed {others} instead of '{names[0]}', how would attacks, deaths, recruitment, "
            f"legitimacy, civil liberties and cost differ over the following {words.horizon(months)}? Each scenario "
            f"was run {replications} times with the same {replications} sequences of chance events, so that the "
            f"differences come from the policies, not from luck.")


def _parameter_uncertainty(record: dict | None) -> str:
    """What the intervals carry, from the result's recorded parameter set (none recorded: the point calibration)."""
    if record and record.get("mode") == "draws":
        return (f"Included for the fitted parameters. Each replication runs on one of {record.get('draws')} "
                f"parameter sets that fit 2022-2024 about equally well (posterior draws of the calibration), the same "
                f"set in every scenario; the intervals show chance variation and how uncertain those fitted values "
                f"are. The effect sizes of the levers are assumptions and are not varied, so the real uncertainty "
                f"about how strongly each lever works is larger still.")
    return ("Not included. Every run uses the same calibrated parameter values (the point calibration, --point); "
            "the intervals show only the model's chance variation (which events happen, who is recruited). The "
            "real uncertainty about how strongly each lever works is larger than the intervals suggest.")


def _first_month(monthly: pd.DataFrame) -> str:
    if monthly.empty or "month" not in monthly:
        return ""
    return pd.Timestamp(monthly["month"].min()).strftime("%Y-%m")


def _years(monthly: pd.DataFrame, names: list[str], months: int, level: float) -> list[Row]:
    """Paired differences in attacks per 12-month year of the horizon (the last year may be shorter)."""
    if monthly.empty or "attacks" not in monthly:
        return []
    frame = monthly.copy()
    first = pd.Timestamp(frame["month"].min())
    frame["month"] = pd.to_datetime(frame["month"])
    offset = (frame["month"].dt.year - first.year) * 12 + (frame["month"].dt.month - first.month)
    frame["year"] = offset // 12
    per = frame.groupby(["scenario", "replication", "year"])["attacks"].sum()
    rows = []
    for name in names[1:]:
        for year in sorted(frame["year"].unique()):
            ref = per.loc[names[0]].xs(year, level="year").sort_index()
            other = per.loc[name].xs(year, level="year").reindex(ref.index)
            diff = paired(ref.to_numpy(), other.to_numpy(), level)
            span = min(12, months - 12 * int(year))
            label = _year_label(first, int(year), span)
            v = words.verdict("attacks", diff.difference, diff.low, diff.high, span, level)
            rows.append(Row(name, str(int(year) + 1), label, "attacks", diff, v))
    return rows


def _year_label(first: pd.Timestamp, year: int, span: int) -> str:
    begin = first + pd.DateOffset(months=12 * year)
    end = begin + pd.DateOffset(months=span - 1)
    if begin.month == 1 and span == 12:
        return f"Year {year + 1} ({begin.year})"
    return f"Year {year + 1} ({begin:%b %Y} to {end:%b %Y})"


def _regions(runs: pd.DataFrame, names: list[str], months: int, level: float) -> list[Row]:
    """Paired differences in attacks per region over the horizon (from the runs' ``attacks_<region>`` totals)."""
    rows = []
    if not all(f"attacks_{k}" in runs for k in REGION_KEYS):
        return rows
    ref = runs[runs["scenario"] == names[0]].set_index("pair").sort_index()
    for name in names[1:]:
        other = runs[runs["scenario"] == name].set_index("pair").reindex(ref.index)
        for key, region in zip(REGION_KEYS, REGIONS, strict=True):
            diff = paired(ref[f"attacks_{key}"].to_numpy(), other[f"attacks_{key}"].to_numpy(), level)
            v = words.verdict("attacks", diff.difference, diff.low, diff.high, months, level)
            rows.append(Row(name, key, region, "attacks", diff, v))
    return rows


def _provenance_compare(manifest: dict, infos: list[ScenarioInfo]) -> list[tuple[str, str]]:
    items = _versions(manifest)
    items.append(("Seeds", f"root seed {manifest.get('root_seed')}: replication r of every scenario uses child r "
                           f"of numpy SeedSequence({manifest.get('root_seed')}), with a separate stream per "
                           f"subsystem (common random numbers)"))
    for info in infos:
        items.append((f"Scenario '{info.name}'", f"{', '.join(info.files)}; SHA-256 {info.sha256 or 'not recorded'}"))
    items.append(("Created", str(manifest.get("created_utc", "not recorded"))))
    return items


def _versions(manifest: dict) -> list[tuple[str, str]]:
    """Version, commit and calibration of the run, as recorded; what is not recorded is said to be missing."""
    packages = manifest.get("packages", {}) or {}
    version = manifest.get("ctsim_version") or packages.get("ctsim")
    commit = manifest.get("git_commit") or manifest.get("commit")
    calibration = manifest.get("calibration_version") or manifest.get("calibration")
    return [
        ("ctsim version", str(version) if version else f"not recorded in the result (this report was made with "
                                                       f"ctsim {version()})"),
        ("Commit", str(commit) if commit else "not recorded in the result"),
        ("Calibration", str(calibration) if calibration else "not recorded in the result; the brief assumes the "
                                                             "calibration packaged now (see How far to trust it)"),
        ("Mesa", str(packages.get("mesa", "not recorded"))),
        ("Parameters", _parameters(manifest.get("parameters"))),
    ]


def _parameters(record: dict | None) -> str:
    from ctsim.calibration.parameter_sets import describe

    line = describe(record).removeprefix("parameters: ")
    if record and record.get("mode") == "draws":
        line += (f"; replication r uses the same draw in every scenario (file SHA-256 "
                 f"{str(record.get('sha256', 'not recorded'))[:16]}); values set by a scenario or design win")
    return line


def _missing_common(brief: Brief) -> list[str]:
    missing = [] if not brief.districts.empty else [
               "District map: this result holds attacks by region only (made before compare kept district "
               "figures, or a batch); the map shows each region's change at its districts. A map by district "
               "needs each run's attacks per district (district_attacks.parquet with scenario, replication, "
               "district_id and attacks)."]
    if brief.kind == "compare" and not brief.years:
        missing.append("Per-year effects: the result has no monthly attacks (monthly_attacks.parquet).")
    if brief.kind == "compare":
        missing.append("Per-year effects on outcomes other than attacks: the result keeps only monthly attacks; "
                       "deaths, recruits, legitimacy and cost per year would need the runs' annual tables.")
    return missing


# --- batch ---------------------------------------------------------------------------------------------------------

def _batch(folder: Path) -> Brief:
    from ctsim.experiments.results import read

    batch = read(folder)  # the validated loader: a changed or damaged file is one line naming it
    info, frame = batch.info, batch.runs
    ok = frame[frame["status"] == "ok"].copy()
    if ok.empty:
        raise ReportError(f"{folder}: the batch has no finished runs yet; run it (ctsim batch) and try again")
    names = [s["name"] for s in info["scenarios"]]
    factors = _design_factors(frame)
    months = int(info["months"])
    replications = int(info["replications"])
    # Runs of different scenarios share their seed at the same design point and replication: that is the pair.
    ok["pair"] = ok["point"].astype(str) + ":" + ok["replication"].astype(str)
    ok["scenario"] = [names[int(i)] for i in ok["scenario_index"]]
    monthly = batch.monthly
    monthly_out = pd.DataFrame()
    every = 1
    if not monthly.empty and "attacks" in monthly:
        months_kept = monthly["month_index"].nunique() if "month_index" in monthly else 0
        every = max(1, round(months / months_kept)) if months_kept else 0
        if every == 1:
            monthly = monthly.assign(scenario=[names[int(i)] for i in monthly["scenario_index"]])
            monthly = monthly[monthly["run_id"].isin(ok["run_id"])]
            monthly_out = pd.DataFrame({
                "scenario": monthly["scenario"],
                "replication": monthly["point"].astype(str) + ":" + monthly["replication"].astype(str),
                "month": pd.to_datetime(monthly["month"]), "attacks": monthly["attacks"]})
    uncertain = [f for f in factors if f not in LEVERS_BY_NAME]
    brief = Brief(
        kind="batch", folder=folder, title=(_title(names) if len(names) > 1 else f"Batch experiment "
                                             f"'{info['experiment']}'"),
        reference=names[0], scenarios=[ScenarioInfo(name=n, files=s.get("files", []))
                                       for n, s in zip(names, info["scenarios"], strict=True)],
        months=months, start=_first_month(monthly_out), replications=replications, runs=len(ok),
        uncertainty=_design_uncertainty(uncertain, info.get("parameters")),
        question=_batch_question(info, names, factors, months), factors=_factor_words(frame, factors),
        monthly=monthly_out, run_table=ok)
    loaded = scenario_infos([{"name": n, "files": s.get("files", [])} for n, s in zip(names, info["scenarios"],
                                                                                        strict=True)], folder)
    brief.scenarios = loaded
    if len(names) > 1:
        for name in names[1:]:
            ref = ok[ok["scenario"] == names[0]].set_index("pair").sort_index()
            other = ok[ok["scenario"] == name].set_index("pair")
            common = ref.index.intersection(other.index)
            for outcome in words.HEADLINE:
                if outcome in ok:
                    diff = paired(ref.loc[common, outcome].to_numpy(), other.loc[common, outcome].to_numpy())
                    brief.headline.append(_row(name, outcome, diff, months, LEVEL))
        brief.years = _years(monthly_out, names, months, LEVEL) if not monthly_out.empty else []
        brief.regions = _regions(ok, names, months, LEVEL)
    brief.spreads = _spreads(ok)
    brief.provenance = _versions(info) + [
        ("Experiment", f"{info.get('experiment_file')} (SHA-256 {info.get('experiment_sha256', 'not recorded')})"),
        ("Seeds", f"root seed {info.get('root_seed')}: {info.get('seeds', '')}"),
        ("Design", f"{info.get('method')}, {info.get('runs')} runs ({len(ok)} finished)"),
        ("Created", str(info.get("created_utc", "not recorded")))]
    brief.missing = _missing_common(brief)
    if not brief.years:
        brief.missing.append("Per-year effects: the batch must keep monthly attacks for every month "
                             "([outputs] monthly = [\"attacks\"], monthly_every = 1)"
                             + (f"; this one kept every {every}th month" if every > 1 else "") + ".")
    return brief


def _design_factors(frame: pd.DataFrame) -> list[str]:
    from ctsim.declarations import registry

    known = {f.name for f in registry.levers()} | {f.name for f in registry.uncertainties()}
    return [c for c in frame.columns if c in known]


def _factor_words(frame: pd.DataFrame, factors: list[str]) -> list[str]:
    """Each varied factor with the range the design covered, in words."""
    out = []
    for name in factors:
        values = frame[name].dropna()
        lever = LEVERS_BY_NAME.get(name)
        label = lever.label if lever else f"{name.replace('_', ' ')} (an uncertainty, not a policy choice)"
        if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
            low, high = float(values.min()), float(values.max())
            if lever:
                out.append(f"{label}: from {words.lever_value(lever, low)} to {words.lever_value(lever, high)}")
            else:
                out.append(f"{label}: from {low:.3g} to {high:.3g}")
        else:
            shown = ", ".join(sorted({words.lever_value(lever, v) if lever else str(v) for v in values}))
            out.append(f"{label}: {shown}")
    return out


def _design_uncertainty(uncertain: list[str], record: dict | None = None) -> str:
    if not uncertain:
        return _parameter_uncertainty(record)
    listed = ", ".join(u.replace("_", " ") for u in uncertain)
    others = ("the other fitted parameters follow each replication's posterior draw, and the levers' assumed effect "
              "sizes are not varied" if record and record.get("mode") == "draws" else
              "every other parameter keeps its calibrated value (the point calibration)")
    return (f"Partly. The design varies {listed} over its plausible range, so results are averaged over that "
            f"range; {others}, so the intervals understate the real uncertainty.")


def _batch_question(info: dict, names: list[str], factors: list[str], months: int) -> str:
    varied = ", ".join(words.lever_label(f) for f in factors) or "nothing"
    if len(names) > 1:
        return (f"How do {' and '.join(repr(n) for n in names[1:])} compare with '{names[0]}' over "
                f"{words.horizon(months)}, across the settings the experiment varies ({varied})?")
    return f"How do the outcomes of '{names[0]}' over {words.horizon(months)} move as the experiment varies {varied}?"


def _spreads(runs: pd.DataFrame) -> list[Spread]:
    out = []
    for outcome in words.HEADLINE:
        if outcome in runs:
            values = runs[outcome].to_numpy(dtype=float)
            out.append(Spread(outcome, words.noun(outcome).capitalize(), words.unit(outcome),
                              float(np.median(values)), float(np.quantile(values, 0.05)),
                              float(np.quantile(values, 0.95)), len(values)))
    return out


# --- sensitivity ---------------------------------------------------------------------------------------------------

MEASURES = {
    "mu_star": ("Morris screening", "mu*, the mean absolute change in the outcome (in its own units) when the factor "
                "moves one step across its range, other factors held at sampled values; sigma shows interactions"),
    "ST": ("Sobol ranking", "ST, the share of the outcome's variation across runs that the factor explains, alone "
           "and through its interactions (0 = none, 1 = all)"),
    "S1": ("Sobol ranking", "S1, the share of the outcome's variation the factor explains alone"),
}


def _sensitivity(folder: Path) -> Brief:
    ranking = read_ranking(folder)
    brief = _batch(folder / "runs")
    info = read_batch_info(folder / "runs")
    brief.kind = "sensitivity"
    brief.folder = folder
    brief.title = f"Which levers matter most: sensitivity study '{info['experiment']}'"
    brief.question = (f"Which of the levers varied in the study move attacks, deaths, recruitment, legitimacy and cost "
                      f"most over {words.horizon(brief.months)}, and how sure is that ranking?")
    measure = next((m for m in MEASURES if m in ranking.columns), None)
    if measure is None:
        raise ReportError(f"{folder / 'ranking.csv'}: no known index column (one of {', '.join(MEASURES)})")
    method, reading = MEASURES[measure]
    brief.ranking_method = (f"{method}, {info.get('runs')} runs, "
                            f"{info.get('replications')} replication(s) per point, {words.horizon(brief.months)} "
                            f"after the 2022-2024 history. The index is {reading}. Intervals are 95% bootstrap "
                            f"intervals. A factor counts only if its index minus its interval exceeds the noise "
                            f"floor (the index of a dummy factor that changes nothing but the random numbers).")
    factor_col = "factor" if "factor" in ranking.columns else ranking.columns[2]
    for r in ranking.to_dict("records"):
        name = str(r[factor_col])
        brief.ranking.append(Ranked(
            outcome=str(r["outcome"]), stratum=str(r.get("stratum", "all")), factor=name,
            label="noise floor (dummy)" if name == "dummy" else words.lever_label(name), measure=measure,
            value=float(r[measure]), conf=float(r.get(f"{measure}_conf", float("nan"))), rank=int(r["rank"]),
            above_noise=bool(r.get("above_noise", False))))
    brief.headline = []  # a sensitivity design has no reference to compare with: the spreads describe it
    brief.missing = [m for m in brief.missing if not m.startswith("Per-year")]
    brief.missing.append("Per-year effects: a sensitivity study keeps one summary per run (totals over the "
                         "horizon), not monthly series.")
    return brief


