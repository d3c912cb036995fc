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
from ctsim.calibration.parameter_sets import describe, fitted_years
from ctsim.data import REGION_KEYS, REGIONS
from ctsim.declarations import registry
from ctsim.declarations.levers import LEVERS_BY_NAME
from ctsim.experiments.results import read
from ctsim.provenance import version
from ctsim.report import words
from ctsim.report.brief import Brief, Ranked, ReportError, Row, ScenarioInfo, Spread
from ctsim.report.changes import scenario_infos
from ctsim.report.summary import regional_verdicts, summarise
from ctsim.report.trust import trust
from ctsim.storage.results import read_batch_info, read_compare, read_ranking
from ctsim.verdicts import judge

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
    versus = _versus(infos[0])
    priced = _cost_in_rupees(runs, months)
    headline = []
    for name in names[1:]:
        table = differences[differences["scenario"] == name].set_index("outcome")
        for outcome in words.HEADLINE:
            if outcome not in table.index or (outcome == "cost" and not priced):
                continue
            r = table.loc[outcome]
            diff = Paired(float(r["reference_mean"]), float(r["scenario_mean"]), float(r["difference"]),
                          float(r["ci90_low"]), float(r["ci90_high"]), int(r["replications"]))
            headline.append(_row(name, outcome, diff, months, level, versus))
    runs = runs.assign(pair=runs["replication"])
    brief = Brief(
        kind="compare", folder=folder, title=_title(infos), reference=reference, scenarios=infos, months=months,
        start=start, replications=replications, runs=len(runs),
        uncertainty=_parameter_uncertainty(manifest.get("parameters"), manifest.get("prices")),
        question=_question(infos, months, replications), headline=headline,
        monthly=monthly, run_table=runs, fitted=_fitted(manifest.get("parameters")))
    brief.years = _years(monthly, names, months, level, versus)
    brief.regions = _regions(runs, names, months, level, versus)
    brief.summaries = _summaries(brief, versus)
    brief.districts = _districts(result.districts, names)
    brief.provenance = _provenance_compare(manifest, infos)
    brief.acted = _acted(runs, manifest["scenarios"])
    brief.missing = _missing_common(brief) + ([] if priced else [OLD_COST])
    return brief


def _acted(runs: pd.DataFrame, scenarios: list[dict]) -> dict[str, list[str]]:
    """For each policy, the numeric levers that did not act at the value its file set (its schedule, the state's
    reactions, changes of government moved them): what was set, the mean over the runs, and the runs' range of
    their own means, in words. Results made before levers were recorded have no ``acted_`` columns: nothing."""
    out: dict[str, list[str]] = {}
    for entry in scenarios:
        mine = runs[runs["scenario"] == entry["name"]]
        lines = []
        for name, set_to in entry.get("levers", {}).items():
            column = f"acted_{name}"
            lever = LEVERS_BY_NAME.get(name)
            if column not in mine or lever is None or lever.kind not in ("float", "int") or mine.empty:
                continue
            values = mine[column].to_numpy(dtype=float)
            if np.allclose(values, float(set_to), rtol=0.0, atol=1e-9):
                continue
            fmt = (lambda v: f"{v:.1f}") if lever.kind == "int" else (lambda v: f"{v:.2f}")
            low, high = np.quantile(values, [0.05, 0.95])
            lines.append(f"{lever.label}: set at {fmt(float(set_to))}, acted at {fmt(float(values.mean()))} on "
                         f"average over the horizon ({fmt(low)} to {fmt(high)} across the runs)")
        if lines:
            out[entry["name"]] = lines
    return out


# Personnel alone cost some Rs 60 bn a month at FY2024-25 prices; results made before the repricing hold an index of
# police-equivalent personnel-months (about a million a month), which must not be shown as rupees.
RUPEES_A_MONTH_AT_LEAST = 1e8
OLD_COST = ("Cost: this result was made before costs were priced in rupees (its cost is an index of police-equivalent "
            "personnel-months), so the brief leaves cost out; rerun the comparison to see it in rupees.")


def _cost_in_rupees(runs: pd.DataFrame, months: int) -> bool:
    """Whether the runs' cost is in rupees (made after the repricing) rather than the older index."""
    return "cost" in runs and float(runs["cost"].median()) / max(months, 1) >= RUPEES_A_MONTH_AT_LEAST


def _versus(reference: ScenarioInfo) -> str:
    """How sentences name the reference: "the status quo of end-2024" (its label, in a sentence)."""
    return words.in_sentence(reference.label or "the reference")


def _summaries(brief: Brief, versus: str) -> list:
    """Per scenario after the reference: its verdicts, regional side-effects and bottom line."""
    out = []
    for info in brief.scenarios[1:]:
        verdicts = {row.key: row.verdict for row in brief.headline if row.scenario == info.name}
        regions = [row.verdict for row in brief.regions if row.scenario == info.name]
        if verdicts:
            out.append(summarise(info.name, info.label, info.description, verdicts, regions, brief.months))
    return out


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


def _row(scenario: str, outcome: str, diff: Paired, months: int, level: float, versus: str) -> Row:
    verdict = judge(outcome, diff.difference, diff.low, diff.high, diff.reference, months=months, level=level,
                    versus=versus)
    return Row(scenario, outcome, words.label(outcome), outcome, diff, verdict, months)


def _title(infos: list[ScenarioInfo]) -> str:
    """The brief's title from the scenarios' own descriptions (never their file names)."""
    reference = _versus(infos[0])
    if len(infos) == 2:
        return f"{infos[1].description}: what would change against {reference}"
    if len(infos) > 2:
        return f"{len(infos) - 1} policies against {reference}: " + "; ".join(i.label for i in infos[1:])
    return infos[0].description


def _question(infos: list[ScenarioInfo], months: int, replications: int) -> str:
    others = " or ".join(f"\u201c{i.description}\u201d" for i in infos[1:])
    return (f"If Pakistan chose {others} instead of {_versus(infos[0])}, how would attacks, deaths, recruitment, "
            f"legitimacy, civil liberties and cost differ over the following {words.horizon(months)}? Each policy "
            f"was simulated {words.count_words(replications)} times with the same "
            f"{words.count_words(replications)} sequences of chance events, so that the differences come from the "
            f"policies, not from luck.")


def _fitted(record: dict | None) -> str:
    """The years the result's parameters were fitted to, in words, as its manifest records them (draws recorded
    before the years were: from the months of their history; the point calibration then: this code's)."""
    record = record or {}
    years = record.get("fitted_years")
    if years is None and record.get("mode") == "draws":
        years = fitted_years(record.get("settings") or {})
    return words.fitted_years(years)


def _parameter_uncertainty(record: dict | None, prices: dict | None = None) -> str:
    """What the intervals carry, from the result's recorded parameter set (none recorded: the point calibration)
    and prices."""
    priced = (" Prices are uncertain too: each simulation draws its prices within their plausible ranges (the same "
              "prices for every policy), so the cost intervals include that uncertainty."
              if prices and prices.get("mode") == "drawn" else
              " Every simulation uses the central prices, so the cost intervals leave out how uncertain the prices "
              "are." if prices else "")
    if record and record.get("mode") == "draws":
        return (f"Included for the fitted parameters. The model has settings that cannot be observed directly (how "
                f"fast young people are radicalised, how easily cells are found, ...); they were fitted to the "
                f"attacks of {_fitted(record)}, and {record.get('draws')} combinations of them fit about equally "
                f"well. Each "
                f"simulation uses one of these combinations (the same one for every policy), so the intervals show "
                f"chance and how uncertain those settings are. How strongly each policy works is assumed, not "
                f"varied, so the real uncertainty is larger still.{priced}")
    return ("Not included. Every simulation uses the same fitted settings; the intervals show only chance (which "
            "events happen, who is recruited). How strongly each policy works is assumed, so the real uncertainty "
            f"is larger than the intervals suggest.{priced}")


def _first_month(monthly: pd.DataFrame) -> str:
    if monthly.empty or "month" not in monthly:
        return ""
    return pd.Timestamp(monthly["month"].min()).strftime("%Y-%m")


def _years(monthly: pd.DataFrame, names: list[str], months: int, level: float,
           versus: str = "the status quo") -> list[Row]:
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
            v = judge("attacks", diff.difference, diff.low, diff.high, diff.reference, months=span, level=level,
                      versus=versus)
            rows.append(Row(name, str(int(year) + 1), label, "attacks", diff, v, span))
    return rows


def _year_label(first: pd.Timestamp, year: int, span: int) -> str:
    begin = first + pd.DateOffset(months=12 * year)
    end = begin + pd.DateOffset(months=span - 1)
    if begin.month == 1 and span == 12:
        return f"Year {year + 1} ({begin.year})"
    return f"Year {year + 1} ({begin:%b %Y} to {end:%b %Y})"


def _regions(runs: pd.DataFrame, names: list[str], months: int, level: float,
             versus: str = "the status quo") -> list[Row]:
    """Paired differences in attacks per region over the horizon (from the runs' ``attacks_<region>`` totals), with
    their verdicts."""
    rows = []
    ref = runs[runs["scenario"] == names[0]].set_index("pair").sort_index()
    for name in names[1:]:
        verdicts = regional_verdicts(runs, names[0], name, months, level, "pair", versus)
        other = runs[runs["scenario"] == name].set_index("pair").reindex(ref.index)
        for key, region, v in zip(REGION_KEYS, REGIONS, verdicts, strict=False):
            diff = paired(ref[f"attacks_{key}"].to_numpy(), other[f"attacks_{key}"].to_numpy(), level)
            rows.append(Row(name, key, region, "attacks", diff, v, months))
    return rows


def _provenance_compare(manifest: dict, infos: list[ScenarioInfo]) -> list[tuple[str, str]]:
    items = _versions(manifest)
    items.append(("Seeds", f"root seed {manifest.get('root_seed')}: replication r of every scenario uses child r "
                           f"of numpy SeedSequence({manifest.get('root_seed')}), with a separate stream per "
                           f"subsystem (common random numbers)"))
    for info in infos:
        items.append((f"Scenario: {info.label}", f"{', '.join(info.files)}; SHA-256 {info.sha256 or 'not recorded'}"))
    prices = manifest.get("prices")
    items.append(("Prices", f"{prices.get('price_year')} rupees; {prices.get('rule')}" if prices else
                  "not recorded (a result made before costs were in rupees: its costs are in police-equivalent "
                  "personnel-months, not rupees)"))
    items.append(("Created", str(manifest.get("created_utc", "not recorded"))))
    return items


def _versions(manifest: dict) -> list[tuple[str, str]]:
    """Version, commit and calibration of the run, as recorded; what is not recorded is said to be missing."""
    packages = manifest.get("packages", {}) or {}
    recorded = manifest.get("ctsim_version") or packages.get("ctsim")
    commit = manifest.get("git_commit") or manifest.get("commit")
    calibration = manifest.get("calibration_version") or manifest.get("calibration")
    return [
        ("ctsim version", str(recorded) if recorded else f"not recorded in the result (this report was made with "
                                                         f"ctsim {version()})"),
        ("Commit", str(commit) if commit else "not recorded in the result"),
        ("Calibration", str(calibration) if calibration else "not recorded in the result; the brief assumes the "
                                                             "calibration packaged now (see How far to trust it)"),
        ("Mesa", str(packages.get("mesa", "not recorded"))),
        ("Parameters", _parameters(manifest.get("parameters"))),
    ]


def _parameters(record: dict | None) -> str:

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
    infos = scenario_infos([{"name": n, "files": s.get("files", [])} for n, s in zip(names, info["scenarios"],
                                                                                       strict=True)], folder)
    priced = _cost_in_rupees(ok, months)
    brief = Brief(
        kind="batch", folder=folder, title=(_title(infos) if len(names) > 1 else
                                            f"{infos[0].description}: what the runs span"),
        reference=names[0], scenarios=infos,
        months=months, start=_first_month(monthly_out), replications=replications, runs=len(ok),
        uncertainty=_design_uncertainty(uncertain, info.get("parameters")),
        question=_batch_question(infos, factors, months), factors=_factor_words(frame, factors),
        monthly=monthly_out, run_table=ok, fitted=_fitted(info.get("parameters")))
    versus = _versus(infos[0])
    if len(names) > 1:
        for name in names[1:]:
            ref = ok[ok["scenario"] == names[0]].set_index("pair").sort_index()
            other = ok[ok["scenario"] == name].set_index("pair")
            common = ref.index.intersection(other.index)
            for outcome in words.HEADLINE:
                if outcome in ok and (outcome != "cost" or priced):
                    diff = paired(ref.loc[common, outcome].to_numpy(), other.loc[common, outcome].to_numpy())
                    brief.headline.append(_row(name, outcome, diff, months, LEVEL, versus))
        brief.years = _years(monthly_out, names, months, LEVEL, versus) if not monthly_out.empty else []
        brief.regions = _regions(ok, names, months, LEVEL, versus)
        brief.summaries = _summaries(brief, versus)
    brief.spreads = _spreads(ok, months, priced)
    brief.provenance = _versions(info) + [
        ("Experiment", f"{info.get('experiment_file')} (SHA-256 {info.get('experiment_sha256', 'not recorded')})"),
        ("Seeds", f"root seed {info.get('root_seed')}: {info.get('seeds', '')}"),
        ("Design", f"{info.get('method')}, {info.get('runs')} runs ({len(ok)} finished)"),
        ("Created", str(info.get("created_utc", "not recorded")))]
    brief.missing = _missing_common(brief) + ([] if priced else [OLD_COST])
    if not brief.years:
        brief.missing.append("Per-year effects: the batch must keep monthly attacks for every month "
                             "([outputs] monthly = [\"attacks\"], monthly_every = 1)"
                             + (f"; this one kept every {every}th month" if every > 1 else "") + ".")
    return brief


def _design_factors(frame: pd.DataFrame) -> list[str]:

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


def _batch_question(infos: list[ScenarioInfo], factors: list[str], months: int) -> str:
    varied = ", ".join(words.lever_label(f) for f in factors) or "nothing"
    if len(infos) > 1:
        others = " or ".join(f"\u201c{i.description}\u201d" for i in infos[1:])
        return (f"How would {others} compare with {_versus(infos[0])} over {words.horizon(months)}, across the "
                f"settings the experiment varies ({varied})?")
    return (f"How do the outcomes of \u201c{infos[0].description}\u201d over {words.horizon(months)} move as the "
            f"experiment varies {varied}?")


def _spreads(runs: pd.DataFrame, months: int, priced: bool = True) -> list[Spread]:
    out = []
    for outcome in words.HEADLINE:
        if outcome in runs and (outcome != "cost" or priced):
            values = runs[outcome].to_numpy(dtype=float)
            out.append(Spread(outcome, words.label(outcome), float(np.median(values)),
                              float(np.quantile(values, 0.05)), float(np.quantile(values, 0.95)), len(values), months))
    return out


# --- sensitivity ---------------------------------------------------------------------------------------------------

MEASURES = {
    "mu_star": ("A screening that moves each lever one step at a time from many starting points (the Morris "
                "method)", "the average size of the change in the outcome, in its own units, when the lever moves "
                "one step across its range with the others held at sampled values"),
    "ST": ("A ranking by how much of the spread in an outcome each lever explains (Sobol indices)", "the share of the "
           "outcome's spread across the runs that the lever explains, alone and together with others (0 none, 1 "
           "all)"),
    "S1": ("A ranking by how much of the spread in an outcome each lever explains (Sobol indices)", "the share of "
           "the outcome's spread across the runs that the lever explains alone (0 none, 1 all)"),
}


def _sensitivity(folder: Path) -> Brief:
    ranking = read_ranking(folder)
    brief = _batch(folder / "runs")
    info = read_batch_info(folder / "runs")
    brief.kind = "sensitivity"
    brief.folder = folder
    brief.title = f"Which levers matter most over {words.horizon(brief.months)}: a study of what moves the outcomes"
    brief.question = (f"Which of the levers varied in the study move attacks, deaths, recruitment, legitimacy and cost "
                      f"most over {words.horizon(brief.months)}, and how sure is that ranking?")
    measure = next((m for m in MEASURES if m in ranking.columns), None)
    if measure is None:
        raise ReportError(f"{folder / 'ranking.csv'}: no known index column (one of {', '.join(MEASURES)})")
    method, reading = MEASURES[measure]
    brief.ranking_method = (f"{method}: {info.get('runs')} simulations, {info.get('replications')} per setting, "
                            f"{words.horizon(brief.months)} after the simulated {words.past_years()}. "
                            f"The index is {reading}. "
                            f"Intervals are 95% intervals from resampling the runs. A lever counts only if its index, "
                            f"less its interval, exceeds the noise floor: the index of a stand-in lever that changes "
                            f"nothing but chance.")
    factor_col = "factor" if "factor" in ranking.columns else ranking.columns[2]
    for r in ranking.to_dict("records"):
        name = str(r[factor_col])
        brief.ranking.append(Ranked(
            outcome=str(r["outcome"]), stratum=str(r.get("stratum", "all")), factor=name,
            label="noise floor (a stand-in lever)" if name == "dummy" else words.lever_label(name), measure=measure,
            value=float(r[measure]), conf=float(r.get(f"{measure}_conf", float("nan"))), rank=int(r["rank"]),
            above_noise=bool(r.get("above_noise", False)), months=brief.months))
    brief.headline = []  # a sensitivity design has no reference to compare with: the spreads describe it
    brief.missing = [m for m in brief.missing if not m.startswith("Per-year")]
    brief.missing.append("Per-year effects: a sensitivity study keeps one summary per run (totals over the "
                         "horizon), not monthly series.")
    return brief


