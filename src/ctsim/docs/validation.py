"""The fit report: the calibrated model against the 2022-2024 targets, with intervals over replications.

:func:`fit_table` runs the history scenario with fresh seeds (not those used to fit) and compares it with the
targets; :func:`write_report` writes ``docs/validation.md`` and its figure. Pattern checks (the emergent patterns of
DESIGN.md s5) are added to the same report by :mod:`ctsim.analysis.validation.patterns` when available.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pandas as pd

from ctsim.analysis.calibration import point
from ctsim.analysis.calibration.posterior import DISTANCE_TERMS, DISTANCE_WEIGHTS
from ctsim.analysis.validation import forecast
from ctsim.analysis.validation.patterns import (
    HEADLINES,
    POSTERIOR_CONFIDENCE,
    POSTERIOR_FACTOR,
    posterior_summary,
    robustness_matrix,
    robustness_settings,
    robustness_summary,
)
from ctsim.analysis.validation.rolling_origin import table_from_record
from ctsim.calibration import parameter_sets
from ctsim.calibration import targets as calibration_targets
from ctsim.calibration.fingerprint import model_fingerprint
from ctsim.calibration.parameter_sets import DrawsError, read_posterior, staleness
from ctsim.calibration.targets import TOLERANCE
from ctsim.data import REGION_KEYS, REGIONS
from ctsim.experiments.executors import replications as replications_of
from ctsim.figures import save_figure
from ctsim.figures.charts import OBSERVED_PICSS, OBSERVED_PIPS, calibration_chart
from ctsim.figures.tables import number, percent
from ctsim.storage import write_text

REPORT_SEED = 7_2023  # replications of the report: not the seeds the fit used


def fit_table(history, values: dict[str, float], replications: int = 20) -> tuple[pd.DataFrame, point.Fit, dict]:
    """Targets against simulated means with 90% intervals (5th-95th percentile over replications)."""
    seeds = [r.seed for r in replications_of(replications, REPORT_SEED)]
    fit = point.simulate(values, history, seeds)
    runs = fit.runs.assign(year=fit.runs["month"].dt.year)
    per_run = runs.groupby(["replication", "year"])[["attacks", "deaths", "injuries", "militants_killed"]].sum()
    rows = []

    def count_row(label: str, values_: np.ndarray, target: float, tolerance: float) -> dict:
        """A count target against the runs' values: their mean, 90% interval and relative error."""
        mean = float(np.mean(values_))
        return {"target": label, "share": False, "observed": target, "simulated": mean,
                "low_5": float(np.quantile(values_, 0.05)), "high_95": float(np.quantile(values_, 0.95)),
                "error": mean / target - 1.0, "within": abs(mean / target - 1.0) <= tolerance}

    def annual_row(label: str, key: str, year: int, target: float, tolerance: float) -> dict:
        return count_row(label, per_run.xs(year, level="year")[key].to_numpy(), target, tolerance)

    for year, targets in calibration_targets.ANNUAL.items():
        for key, target in targets.items():
            rows.append(annual_row(f"{key} {year}", key, year, target,
                                   calibration_targets.TOLERANCE["annual_relative"]))
    for year, target in calibration_targets.KILLED.items():
        rows.append(annual_row(f"militants killed {year}", "militants_killed", year, target,
                               calibration_targets.TOLERANCE["killed_relative"]))
    for (year, month), target in calibration_targets.ABROAD.items():
        rows.append(count_row(f"fighters in Afghanistan {year}-{month:02d} (UN)", fit.abroad[(year, month)], target,
                              calibration_targets.TOLERANCE["abroad_relative"]))
    for year, targets in calibration_targets.SHARES.items():
        for key, target in targets.items():
            simulated = fit.shares[year][key]
            rows.append({"target": share_label(year, key), "share": True, "observed": target,
                         "simulated": simulated, "low_5": np.nan, "high_95": np.nan, "error": simulated - target,
                         "within": abs(simulated - target) <= calibration_targets.TOLERANCE["share_points"]})
    corr = point.errors(fit)["correlation"]
    summary = {"monthly_correlation": corr, "loss": point.loss(fit), "replications": replications,
               "all_within": bool(all(r["within"] for r in rows)
                                  and corr >= calibration_targets.TOLERANCE["monthly_correlation"])}
    return pd.DataFrame(rows), fit, summary


def fit_rows(table: pd.DataFrame) -> list[str]:
    """The fit table's rows (:func:`fit_table`'s frame): shares in percent with errors in points, counts with
    relative errors."""
    lines = []
    for row in table.to_dict("records"):
        share = bool(row["share"])
        interval = "" if np.isnan(row["low_5"]) else f"{_fmt(row['low_5'], share)} - {_fmt(row['high_95'], share)}"
        error = f"{100 * row['error']:+.1f} pts" if share else f"{100 * row['error']:+.1f}%"
        lines.append(f"| {row['target']} | {_fmt(row['observed'], share)} | {_fmt(row['simulated'], share)} | "
                     f"{interval} | {error} | {'yes' if row['within'] else '**no**'} |")
    return lines


def _fmt(value: float, share: bool) -> str:
    return percent(value) if share else number(value, 0, missing="")


def write_report(record: dict, history, path: Path = Path("docs/validation.md"), replications: int = 20,
                 patterns: pd.DataFrame | None = None, pattern_replications: int | None = None) -> None:
    """Write the fit report (and its figure beside it in ``figures/``)."""
    values = {name: spec["value"] for name, spec in record["free_parameters"].items()}
    table, fit, summary = fit_table(history, values, replications)
    figures = path.parent / "figures"
    figures.mkdir(parents=True, exist_ok=True)
    save_figure(calibration_chart(fit), figures / "calibration_monthly.png")
    lines = [
        "# Validation",
        "",
        "How well the calibrated model reproduces what was observed in 2013-2017 and 2022-2024, how it does on",
        "2018-2021 (kept out of the fit), and whether the patterns the evidence describes emerge. Generated by",
        "`ctsim calibrate` (fit) and `ctsim validate-model` (patterns, and the stored studies); do not edit by hand.",
        "ctsim is exploratory: a fit to eight years of national counts does not make it a forecaster.",
        "",
        "## Calibration",
        "",
        f"Method: {record['method']}; {record['evaluations']} evaluations; seed {record['settings']['seed']}; "
        f"{record['settings']['replications']} replications per candidate with common random numbers; "
        f"{record['settings']['generations']} generations, population {record['settings']['popsize']} per "
        f"parameter. Fit loss {record['loss']:.3f}. Stored in `src/ctsim/data/calibration.json` "
        f"(version {record['version']}, {record['created_utc']}).",
        "",
        "| free parameter | calibrated value | search range (plausible range) |",
        "|---|---|---|",
    ]
    for name, spec in record["free_parameters"].items():
        lines.append(f"| `{name}` | {spec['value']:.4g} | [{spec['bounds'][0]:g}, {spec['bounds'][1]:g}] |")
    lines += ["", f"## Fit to the targets ({replications} fresh replications of the history, not those used to fit)",
              "", "Targets: FACTS.md s1 (PICSS, 2014-2017 and 2022-2024; 2013: PIPS's count times 1.19, PICSS's count "
              "over PIPS's in 2014-2017), s5.1 and s5.11 (PIPS's 2015 regional shares and Karachi's share of "
              "Sindh's attacks), s5.2 (militants killed: PICSS 2015, ISPR 2023), s5.8 (the UN Monitoring Team's "
              "Pakistani fighters in Afghanistan, February 2022 and July 2024, each range's centre, against the "
              "members of cells in sanctuary). Tolerances of the fit: "
              "annual figures within 10%, regional shares within 5 percentage points (2024: Sindh, "
              "Punjab, ICT, GB and AJK as one 'rest' share, as PICSS reports them), militants killed within 25% (two "
              "counters), fighters in Afghanistan within 25% (an assumption: estimates from member states' reports), "
              "monthly correlation at least 0.6 over the 36 months of 2022-2024.", "",
              "| target | observed | simulated mean | 90% interval | error | within tolerance |",
              "|---|---|---|---|---|---|"]
    lines += fit_rows(table)
    lines += ["", f"Correlation of the simulated mean monthly attacks with the observed months: "
                  f"**{summary['monthly_correlation']:.2f}** (target at least 0.6). Loss on these replications: "
                  f"{summary['loss']:.3f}.", "",
              "![Monthly attacks, observed and simulated](figures/calibration_monthly.png)", ""]
    misses = table[~table["within"]]
    if len(misses) or summary["monthly_correlation"] < calibration_targets.TOLERANCE["monthly_correlation"]:
        lines += ["**Targets not met:** " + ", ".join(misses["target"]) +
                  (" and the monthly correlation" if summary["monthly_correlation"] < 0.6 else "") +
                  ". They are reported as they are; no test is bent to pass them.", ""]
    lines += posterior_section()
    if patterns is not None:
        lines += pattern_section(patterns, pattern_replications)
        lines += robustness_section(path.parent / ROBUSTNESS_FILE, patterns, pattern_replications)
        lines += posterior_patterns_section(path.parent / POSTERIOR_PATTERNS_FILE, patterns, pattern_replications)
    lines += long_history_section(path.parent / LONG_HISTORY_FILE)
    lines += long_run_section(path.parent / LONG_RUN_FILE)
    lines += forecast_section(path.parent / FORECAST_FILE)
    write_text(path, "\n".join(lines) + "\n")



def posterior_section(path: Path | None = None, correlations: int = 5) -> list[str]:
    """The report's section on the stored posterior draws (``make posterior``): how they were made, effective
    sample size, acceptance and epsilon per generation, each free parameter's 5/50/95% quantiles against its prior
    range, and the strongest correlations between parameters. Read from the draws file alone (nothing is run)."""

    path = path or parameter_sets.POSTERIOR_FILE  # read when called: the packaged draws, or a test's
    lines = ["## Posterior draws (parameter uncertainty)", ""]
    try:
        posterior = read_posterior(path)
    except DrawsError as exc:
        return lines + [f"No usable draws: {exc}", ""]
    s, d = posterior.settings, posterior.diagnostics
    stale = staleness(posterior)
    if stale:
        lines += [f"**The stored draws were computed on another state of the model** ({stale}): runs refuse them "
                  f"until `make posterior` is rerun. The figures below describe the stored file.", ""]
    months = s.get("history_months")
    lines += [f"Every run draws its free parameters from these (one draw per replication; `--point` uses the point "
              f"calibration above instead). ABC-SMC (pyabc): population {s.get('population_size')}, "
              f"{s.get('generations_run')} generation(s) of at most {s.get('max_populations')}, "
              f"{s.get('replications')} replication(s) per particle, {months} months of the history, seed "
              f"{s.get('seed')}, sampler {s.get('sampler')}, perturbation "
              f"{s.get('perturbation', 'pyabc default (Silverman bandwidth)')}; made {posterior.created_utc} by "
              f"`ctsim calibrate "
              f"--abc` (`make posterior` holds the documented settings; `ctsim calibrate --abc --check` reruns "
              f"these). Effective sample size of the stored draws: {d.get('effective_sample_size', float('nan')):.1f} "
              f"of {len(posterior.values)}: replications resample the draws by weight, so about that many distinct "
              f"parameter sets carry most of the weight. Each generation's tolerance (epsilon) is the median "
              f"distance of the previous one: what shows progress is epsilon falling, the acceptance rate says what "
              f"each generation cost, and the ESS how evenly the weight is spread.", "",
              _error_model_sentence(s), "",
              "| generation | epsilon | simulations | accepted | acceptance rate | ESS |", "|---|---|---|---|---|---|"]
    for g in d.get("generations", []):
        lines.append(f"| {g['generation']} | {g['epsilon']:.4g} | {g['simulations']} | {g['accepted']} | "
                     f"{g['acceptance_rate']:.3f} | {g['effective_sample_size']:.1f} |")
    lines += ["", "The central 90% of each parameter against its prior (uniform over the plausible range). A share "
                  "of the prior near 0.9 means the targets said little about the parameter; near 0, that they pinned "
                  "it down.", "",
              "| free parameter | prior range | 5% | median | 95% | share of prior |", "|---|---|---|---|---|---|"]
    for name, q in d.get("parameters", {}).items():
        lines.append(f"| `{name}` | [{q['prior'][0]:g}, {q['prior'][1]:g}] | {q['q05']:.4g} | {q['q50']:.4g} | "
                     f"{q['q95']:.4g} | {q['q05_q95_share_of_prior']:.2f} |")
    pairs = sorted(((abs(v), a, b, v) for a, row in d.get("correlations", {}).items() for b, v in row.items()
                    if a < b and v is not None), reverse=True)[:correlations]
    if pairs:
        lines += ["", "Strongest correlations between parameters in the draws (weighted): "
                  + "; ".join(f"`{a}` and `{b}` {v:+.2f}" for _, a, b, v in pairs)
                  + ". Correlated parameters trade off against each other: the data constrain their combination "
                    "more than either alone."]
    return lines + [""]


def _error_model_sentence(settings: dict) -> str:
    """How to read epsilon: the error model the draws file records, or, when it records none, the current one
    (said as such: the file's settings are the only evidence of what made it)."""

    targets = settings.get("targets", [])
    alpha = settings.get("monthly_dispersion")
    terms = settings.get("distance_terms")
    dispersion = f"dispersion {alpha:.3f}, " if isinstance(alpha, float) else ""
    if terms:
        head = f"The distance these draws were made with (weights {settings.get('distance_weights')}): {terms}."
    else:
        head = (f"This draws file does not record which error model made it (files written before 2026-12-02 07:00 "
                f"UTC did not); the current one (`ctsim.analysis.calibration.posterior.ctsim_distance`, weights "
                f"{DISTANCE_WEIGHTS}) is: {DISTANCE_TERMS}.")
    return (f"{head} Each of the {len(targets)} annual, share, killed and fighters-abroad targets is a Gaussian "
            f"observation whose standard deviation is the tolerance calibration accepts (annual figures "
            f"{TOLERANCE['annual_relative']:.0%}, shares {TOLERANCE['share_points'] * 100:g} points, militants killed "
            f"{TOLERANCE['killed_relative']:.0%}, fighters abroad {TOLERANCE['abroad_relative']:.0%}), so a target "
            f"missed by its tolerance adds 1; the months follow a negative binomial around the simulated mean "
            f"({dispersion}estimated on the observed months around a log-linear trend) and add about 1 when they "
            f"scatter as that model expects. A run that misses every target by exactly its tolerance is at about "
            f"{len(targets) + 1}.")


def pattern_section(patterns: pd.DataFrame, replications: int | None) -> list[str]:
    """The report's table of pattern checks (from :func:`ctsim.analysis.validation.patterns.run_checks`), with each
    check's kind, and how many of each kind passed."""
    lines = ["## Pattern checks", "",
             f"Not fitted: each pattern of DESIGN.md s5 is checked on the library's baseline (with its history) "
             f"against scenarios built from it that change only what the pattern names, {replications} "
             f"replications each with common random numbers (`ctsim validate-model`, asserted by "
             f"`tests/analysis/validation/test_patterns.py`). A check's kind says whether it could have failed: an "
             f"*input "
             f"reproduced* holds largely by construction (the model's inputs were set from the very finding it "
             f"checks) and is kept as a regression test, not evidence; an *emergent* pattern comes out of "
             f"mechanisms not set to produce it.", "",
             "| pattern | kind | measured | tolerance | result |", "|---|---|---|---|---|"]
    for row in patterns.to_dict("records"):
        lines.append(f"| {row['pattern']} | {row['kind']} | {row['measured']} | {row['tolerance']} | "
                     f"{'pass' if row['result'] == 'pass' else '**FAIL**'} |")
    passed = patterns["result"] == "pass"
    emergent = patterns["kind"] == "emergent"
    return lines + ["", f"Emergent patterns reproduced: {int((passed & emergent).sum())} of {int(emergent.sum())}; "
                        f"inputs reproduced: {int((passed & ~emergent).sum())} of {int((~emergent).sum())}.", ""]


ROBUSTNESS_FILE = "pattern_robustness.csv"


def _stored_pattern_study(csv: Path, title: str, command: str, patterns: pd.DataFrame,
                          replications: int | None) -> tuple[list[str], pd.DataFrame | None]:
    """A pattern study's heading and its rows (``csv`` beside the report), or the heading with why it is not shown
    (not run yet, or run on another state of the model or checks than the table above) and None."""
    lines = [f"## {title}", ""]
    if not csv.exists():
        return lines + [f"Not run yet: {command}.", ""], None
    long = pd.read_csv(csv, keep_default_na=False, na_values={"value": [""]}, dtype={"headline": str})
    long["passed"] = long["passed"].astype(str).str.lower() == "true"
    reference = long[long["factor"] == ""].set_index("check")["headline"]
    current = patterns.set_index("check")["headline"]
    if int(long["replications"].iloc[0]) != replications or not reference.reindex(current.index).equals(current):
        return lines + [f"The stored study ({csv.name}) was run on another state of the model or checks (its "
                        f"calibrated row differs from the table above): rerun {command}.", ""], None
    return lines, long


def robustness_section(csv: Path, patterns: pd.DataFrame, replications: int | None) -> list[str]:
    """The robustness study stored beside the report, if it was run for the model and checks reported above."""

    command = "`ctsim validate-model --robustness --report docs/validation.md`"
    lines, long = _stored_pattern_study(csv, "Robustness of the patterns", command, patterns, replications)
    if long is None:
        return lines
    matrix = robustness_matrix(long)
    varied = sorted({f for f in long["factor"] if f})
    assumed = len(robustness_settings()) // 2
    coverage = ("every assumed uncertainty" if len(varied) >= assumed else
                f"{len(varied)} of the {assumed} assumed uncertainties, chosen with `--factors` "
                f"({', '.join(f'`{f}`' for f in varied)}); the others were not varied in this study")
    lines += [f"Covers {coverage}.", "",
              f"Each check rerun with one assumed uncertainty at a time at the low or the high end of its plausible "
              f"range (docs/odd.md), everything else as calibrated, with the checks' seeds and {replications} "
              f"replications ({len(matrix) - 1} settings besides the calibrated one; {command}). The fitted "
              f"parameters are not moved: moving one alone would break the fit every check presupposes, and the "
              f"model is not refitted at each point. "
              f"A verdict that flips at one end of a plausible range says the pattern rests on that assumption; "
              f"a check that fails everywhere is not a matter of one assumption.", "",
              "| check | as calibrated | passes | verdict changed by |", "|---|---|---|---|"]
    for row in robustness_summary(long).to_dict("records"):
        lines.append(f"| {row['check']} | {row['as calibrated']} | {row['passes']} | {row['verdict changed by']} |")
    checks = [c for c in matrix.columns if c not in ("factor", "end", "value")]
    lines += ["", "The deciding numbers, setting by setting (**FAIL** marks a failed check; the bar in brackets): "
              + "; ".join(f"`{name}`: {HEADLINES[name]}" for name in checks) + ".", "",
              "| uncertainty | end | value | " + " | ".join(checks) + " |", "|---" * (3 + len(checks)) + "|"]
    for row in matrix.to_dict("records"):
        value = "" if pd.isna(row["value"]) else f"{row['value']:g}"
        cells = [str(row[c]).replace(" FAIL", " **FAIL**") for c in checks]
        lines.append(f"| {row['factor'] and '`' + row['factor'] + '`'} | {row['end']} | {value} | "
                     + " | ".join(cells) + " |")
    return lines + [""]


POSTERIOR_PATTERNS_FILE = "pattern_posterior.csv"


def posterior_patterns_section(csv: Path, patterns: pd.DataFrame, replications: int | None,
                               draws_file: Path | None = None) -> list[str]:
    """The pattern checks rerun over the stored posterior draws (``pattern_posterior.csv`` beside the report), if
    that study was run for the model, checks and draws reported above."""

    command = "`ctsim validate-model --posterior 20 --report docs/validation.md`"
    lines, long = _stored_pattern_study(csv, "Pattern checks over the posterior", command, patterns, replications)
    if long is None:
        return lines
    draws_file = draws_file or parameter_sets.POSTERIOR_FILE
    try:
        posterior = read_posterior(draws_file)
    except DrawsError as exc:
        return lines + [f"The stored study ({csv.name}) cannot be matched with the posterior draws ({exc}).", ""]
    if str(long["posterior_sha256"].iloc[0]) != hashlib.sha256(draws_file.read_bytes()).hexdigest():
        return lines + [f"The stored study ({csv.name}) was run on other posterior draws than the stored "
                        f"`{draws_file.name}`: rerun {command}.", ""]
    draws = int((long[long["factor"] == POSTERIOR_FACTOR]["check"] == long["check"].iloc[0]).sum())
    s = posterior.settings
    level = f"{100 * POSTERIOR_CONFIDENCE:.0f}%"
    lines += [f"Every check rerun with the parameter values of each of the first {draws} draws of the stored "
              f"posterior (`src/ctsim/data/posterior.json`: ABC-SMC of {posterior.created_utc[:10]}, population "
              f"{s.get('population_size')}, {s.get('generations_run')} generations, seed {s.get('seed')}; see the "
              f"posterior section above), {replications} replications each with the checks' seeds ({command}). "
              f"Draw k is the one replication k of every run uses: the draws are resampled by weight, so a heavy "
              f"draw may come more than once and the share estimates the posterior probability that the pattern "
              f"holds. A share near 1 says the verdict as calibrated does not rest on the point set; a share well "
              f"below 1 says it does. Interval: Clopper-Pearson (exact binomial) {level} for a share of {draws} "
              f"draws; it says nothing of the chance in each verdict, which the {replications} replications carry.",
              "", f"| check | as calibrated | holds in | share of draws | {level} interval |", "|---|---|---|---|---|"]
    for row in posterior_summary(long).to_dict("records"):
        lines.append(f"| {row['check']} | {row['as calibrated']} | {row['holds in']} draws | "
                     f"{100 * row['share']:.0f}% | {100 * row['low']:.0f}-{100 * row['high']:.0f}% |")
    return lines + [""]


LONG_HISTORY_FILE = "long_history.json"


def long_history_section(study: Path) -> list[str]:
    """The 2013-2024 history against the record, the counterfactuals without the 2014-2017 policies and without
    Kabul's fall, and the 2018-2021 out-of-sample score against naive forecasts, from the study stored beside the
    report (``make long-history``), if it was run on this model."""
    lines, data = _stored_study(study, "The fall and return of violence, 2013-2024", "long-history")
    if data is None:
        return lines
    years = data["years"]
    observed = data["observed"]
    fitted, held_out = set(data["fitted_years"]), set(data["out_of_sample_years"])
    source = ("the posterior draws" if data["parameters"].get("mode") != "point" else "the point calibration")
    lines += [f"`scenarios/history_2013_2024.toml`, {data['runs']} runs on {source} for each of three worlds: the "
              "record's policies; the same without the policies of 2014-2017 (every scheduled change dated 2014-2017 "
              "removed: Zarb-e-Azb and the strongholds, the National Action Plan, military courts, Radd-ul-Fasaad, "
              "fencing; the Karachi operation of 2013 and the changes from 2018 kept); the "
              "record's policies with the Afghan sanctuary kept as closed as before August 2021. National attacks per "
              "year, median [5-95%]. The record: PICSS (2013: PIPS converted to PICSS's count, FACTS.md s5.1); fitted "
              "years in bold, out-of-sample years in italics.", "",
              "| year | record | with the record's policies | without the 2014-2017 policies | sanctuary kept closed |",
              "|---|---|---|---|---|"]

    def cell(band: dict, i: int) -> str:
        return f"{number(band['median'][i], 0)} [{number(band['q05'][i], 0)}-{number(band['q95'][i], 0)}]"

    for i, year in enumerate(years):
        record = observed.get(str(year))
        shown = "" if record is None else number(record, 0)
        shown = f"**{shown}**" if year in fitted else (f"*{shown}*" if year in held_out else shown)
        lines.append(f"| {year} | {shown} | {cell(data['history'], i)} | "
                     f"{cell(data['without_2014_2017_policies'], i)} | {cell(data['sanctuary_kept_closed'], i)} |")
    share = data["share_of_fall_explained"]
    fall, fall_without = data["fall_2013_2017"], data["fall_2013_2017_without_policies"]
    rise, rise_closed = data["rise_2020_2023"], data["rise_2020_2023_sanctuary_closed"]
    sindh = data["sindh_share"]
    lines += ["", "| check (issue 34) | measured | target | kind |", "|---|---|---|---|",
              f"| fall of attacks, 2013 to 2017, with the record's policies (median of the runs' ratios) | "
              f"{percent(fall)} | at least 60% (PIPS: 78%) | reproduces fitted inputs |",
              f"| the same without the 2014-2017 policies | {percent(fall_without)} | under 50% | counterfactual |",
              f"| share of the fall the policies explain ({share['confidence']:.0%} interval, bootstrap over runs) | "
              f"{percent(share['value'])} [{percent(share['low'])}-{percent(share['high'])}] | reported | "
              f"counterfactual |",
              f"| trough of the median (2013-2020) | {data['trough_year']} | 2018-2020 | emergent (2018-2021 not "
              f"fitted) |",
              *([f"| lowest year of the median (2013-2024) | {data['lowest_year']} | 2019 (PICSS's lowest) | "
                 f"emergent: the turn |"] if "lowest_year" in data else []),
              *_rise_rows(data, rise),
              f"| the same with the sanctuary kept closed | {rise_closed:.2f}x | smaller than with it open | "
              f"counterfactual, largely by construction: the sanctuary's opening is the world's one change after "
              f"2021 and the fighters it sends are fitted to 2022-2024 |",
              f"| Sindh's share of attacks, 2013 and 2015-2017 | {percent(sindh['2013'])}, "
              f"{percent(sindh['2015-2017'])} | falls | emergent (Sindh's shares not fitted before 2015) |",
              *_abroad_rows(data.get("militants_in_sanctuary", [])), "",
              *_rise_drivers(data),
              "Out of sample, 2018-2021 (not fitted): the model's median and 90% interval against PICSS, and the "
              "continuous ranked probability score (CRPS, attacks a year; lower is better) of the model and of naive "
              "forecasts fitted to 2013-2017.", "",
              "| year | record | model median [90%] | error | model CRPS | linear trend | negative binomial trend | "
              "2017 carried forward |", "|---|---|---|---|---|---|---|---|"]
    for row in data["out_of_sample"]:
        year = row["year"]
        interval = (f"{number(row['model_median'], 0)} [{number(row['model_q05'], 0)}-"
                    f"{number(row['model_q95'], 0)}]") if year != "mean" else number(row["model_median"], 0)
        lines.append(f"| {year} | {number(row['observed'], 0)} | {interval} | {row['model_error']:+.0%} | "
                     f"{row['model_crps']:.0f} | {row['linear trend crps']:.0f} | "
                     f"{row['negative binomial trend crps']:.0f} | {row['2017 carried forward crps']:.0f} |")
    lines += _regions_2018(data.get("regions_2018", []))
    lines += _killed_rows(data.get("militants_killed", []))
    lines += ["", "![Attacks 2013-2024: the record, the history and its counterfactuals](figures/long_history.png)",
              ""]
    return lines


def _regions_2018(rows: list[dict]) -> list[str]:
    """2018's attacks by region, out of sample, against PICSS's count (studies stored before it was recorded:
    nothing)."""
    if not rows:
        return []
    lines = ["", "Where the trough's attacks are, 2018 (out of sample): attacks by region, the model's median [90%] "
             "against PICSS's count (FACTS.md s5.1; the other 11 of 229 not split by region).", "",
             "| region | record | model median [90%] | model / record |", "|---|---|---|---|"]
    for row in rows:
        lines.append(f"| {REGIONS[REGION_KEYS.index(row['region'])]} | {number(row['record'], 0)} | "
                     f"{number(row['median'], 0)} [{number(row['q05'], 0)}-{number(row['q95'], 0)}] | "
                     f"x{row['median'] / row['record']:.1f} |")
    return lines


def _killed_rows(rows: list[dict]) -> list[str]:
    """Militants killed in operations against the record's counts (studies stored before they were recorded:
    nothing)."""
    if not rows:
        return []
    lines = ["", "What the operations killed: militants killed in operations, the model's median [90%] against the "
             "counts FACTS.md s5.2 gives (PICSS's security-force actions; ISPR's 2023 and Radd-ul-Fasaad's own "
             "count). The years not fitted say whether the history's fall is bought with more killing than the "
             "record shows.", "",
             "| period | record | model median [90%] | model / record | |", "|---|---|---|---|---|"]
    for row in rows:
        lines.append(f"| {row['period']} | {number(row['record'], 0)} | {number(row['median'], 0)} "
                     f"[{number(row['q05'], 0)}-{number(row['q95'], 0)}] | x{row['ratio']:.1f} | "
                     f"{'calibration target' if row['fitted'] else 'not fitted'} |")
    return lines


def _abroad_rows(rows: list[dict]) -> list[str]:
    """The model's militants across the border against the UN Monitoring Team's counts, one row per report: a
    calibration target (:data:`ctsim.calibration.targets.ABROAD`) or, in the out-of-sample years, a test."""
    fitted = {f"{year}-{month:02d}" for year, month in calibration_targets.ABROAD}
    return [f"| militants across the border, {row['month']} (model: members of cells in sanctuary; median [90%]) | "
            f"{number(row['median'], 0)} [{number(row['q05'], 0)}-{number(row['q95'], 0)}] | UN Monitoring Team: "
            f"{number(row['un_low'], 0)}-{number(row['un_high'], 0)} (FACTS.md s5.8) | "
            f"{'calibration target' if row['month'] in fitted else 'out of sample (not fitted)'} |"
            for row in rows]


def _rise_rows(data: dict, rise: float) -> list[str]:
    """The rise from 2020 to 2023: the median of the runs' ratios and the median's own 2023 over 2020, each with its
    bootstrap interval over the runs (studies stored before the interval was recorded: the median ratio alone)."""
    interval = data.get("rise_2020_2023_interval")
    if not interval:
        return [f"| rise, 2020 to 2023 (median ratio) | {rise:.2f}x | at least 2x | 2020 not fitted |"]
    level = f"{interval['confidence']:.0%}"
    readings = (("median_ratio", f"rise, 2020 to 2023 (median of the runs' ratios; {level} interval, bootstrap over "
                                 f"runs)"),
                ("ratio_of_medians", f"the same as the median's 2023 over its 2020 ({level} interval)"))
    return [f"| {label} | {interval[key]:.2f}x [{interval[key + '_low']:.2f}-{interval[key + '_high']:.2f}] | "
            f"at least 2x | 2020 not fitted |" for key, label in readings]


def _rise_drivers(data: dict) -> list[str]:
    """What decides the rise from 2020 to 2023 over the draws (studies stored before it was recorded: nothing)."""
    drivers = data.get("rise_2020_2023_drivers")
    if not drivers:
        return []
    lines = [f"What decides the rise over the draws: {percent(data['rise_2020_2023_runs_doubling'])} of the "
             f"{data['runs']} runs at least double from 2020 to 2023. Spearman's rank correlation of each calibrated "
             "parameter (its draw's value) with the run's ratio, 2023 over 2020, strongest first (p: the chance of "
             "a correlation at least as strong if the parameter did not matter):", "",
             "| parameter | correlation with 2023 / 2020 | p |", "|---|---|---|"]
    lines += [f"| `{d['parameter']}` | {d['spearman']:+.2f} | {d['p_value']:.3f} |" for d in drivers[:6]]
    return lines + [""]


LONG_RUN_FILE = "long_run.json"


def _stored_study(study: Path, title: str, target: str) -> tuple[list[str], dict | None]:
    """A report section's heading and the study stored beside the report (``make TARGET``), or the heading with why
    it is not shown (not run yet, or run on another state of the model) and None."""


    lines = [f"## {title}", ""]
    if not study.exists():
        return lines + [f"Not run yet: `make {target}`.", ""], None
    data = json.loads(study.read_text())
    if data.get("model_fingerprint") != model_fingerprint():
        return lines + [f"The stored study ({study.name}) was run on another state of the model: rerun `make "
                        f"{target}`. Its figures are not shown here.", ""], None
    return lines, data


def long_run_section(study: Path) -> list[str]:
    """The status quo's 20-year band against the record since 2007, from the study stored beside the report
    (``make long-run``), if it was run on this model."""

    lines, data = _stored_study(study, "The status quo's long run", "long-run")
    if data is None:
        return lines
    yearly = {int(r["year"]): r for r in data["yearly"]}
    years = sorted(yearly)
    lines += [f"`{data['scenario']}`, {data['seeds']} seeds, {data['years']} years after the 2013-2024 history "
              f"(`make long-run`; docs/long_run.md discusses it). National attacks per year, median and 5-95% band:",
              "", "| year | attacks | active militants | Sindh + Punjab share |", "|---|---|---|---|"]
    for year in [y for y in years if (y - years[0]) % 5 == 0 or y == years[-1]]:
        r = yearly[year]
        lines.append(f"| {year} | {number(r['attacks_median'], 0)} [{number(r['attacks_p05'], 0)}-"
                     f"{number(r['attacks_p95'], 0)}] | {number(r['militants_median'], 0)} | "
                     f"{percent(r['share_sindh'] + r['share_punjab'])} |")
    top = max(r["attacks_p95"] for r in yearly.values())
    picss, pips = max(OBSERVED_PICSS.values()), max(OBSERVED_PIPS.values())
    within = top <= pips
    checks = data["checks"]
    lines += ["", f"Against the record (FACTS.md s1 and s5.1): PICSS, the count the model is calibrated to, gives "
                  f"{min(OBSERVED_PICSS.values()):,}-{picss:,} attacks a year over {min(OBSERVED_PICSS)}-"
                  f"{max(OBSERVED_PICSS)}; PIPS, which counts differently, peaked at {pips:,} in 2009. The highest "
                  f"95th percentile of the 20 years is {number(top, 0)}: "
                  + ("**within** the range Pakistan has lived through" if within else "**above** anything on record")
                  + (f" (above PICSS's highest year, {picss:,})." if top > picss else "."),
              "", "| check (issue 12) | measured | target |", "|---|---|---|",
              f"| mean attacks, years 16-20 over years 11-15 | {checks['attacks_years_16_20_over_11_15']:.2f} | "
              f"0.85-1.15 |",
              f"| seeds whose cells grow in every one of years 11-20 | "
              f"{percent(checks['share_of_seeds_with_cells_growing_every_year_11_20'])} | none |",
              f"| Sindh + Punjab, highest share in a year through 2026 | "
              f"{percent(checks['sindh_punjab_share_max_through_2026'])} | under 10% |", "",
              "![The status quo's long run](figures/long_run_baseline.png)", ""]
    return lines


FORECAST_FILE = "forecast.json"
GROUP_LABELS = {"monthly": "national attacks per month", "annual": "annual attacks, deaths and injuries",
                "shares": "regional shares of attacks", "killed": "militants killed"}


def forecast_section(study: Path) -> list[str]:
    """Posterior predictive checks over the fitted years and the rolling-origin forecast of 2024 against naive
    forecasts, from the study stored beside the report (``make forecast``), if it was run on this model."""
    lines, data = _stored_study(study, "Predictive checks and a forecast of 2024", "forecast")
    if data is None:
        return lines
    lines += [f"Two checks that could fail (`make forecast`, {data['model_runs']:,} model runs in "
              f"{_duration(data['wall_seconds'])}; calibration version {data['calibration_version']}). "
              f"A central 50% or 90% interval of a well-calibrated predictive holds about 50% or 90% of the "
              f"observed values; fewer means the model is overconfident or off target, more that it is vaguer than "
              f"it need be.", ""]
    return lines + _predictive_lines(data["predictive"]) + _rolling_origin_lines(data["rolling_origin"])


def _coverage_table(summary: dict) -> list[str]:
    lines = ["| targets | number | inside the 50% interval | inside the 90% interval | median within tolerance |",
             "|---|---|---|---|---|"]
    for group, row in summary["groups"].items():
        within = "" if row["median_within"] is None else f"{row['median_within']} of {row['targets']}"
        lines.append(f"| {GROUP_LABELS.get(group, group)} | {row['targets']} | {percent(row['inside_50'])} | "
                     f"{percent(row['inside_90'])} | {within} |")
    corr = summary["monthly_correlation"]
    corr_text = "not computed" if corr is None else f"**{corr:.2f}**"
    return lines + ["", f"Correlation of the monthly medians with the observed months: {corr_text} (tolerance at "
                        f"least {calibration_targets.TOLERANCE['monthly_correlation']:g}: "
                        f"{'met' if summary['monthly_correlation_within'] else '**not met**'})."]


def _target_rows(rows: list[dict]) -> list[str]:
    lines = ["| target | observed | median | 50% interval | 90% interval | median within tolerance |",
             "|---|---|---|---|---|---|"]
    for row in rows:
        if row["group"] == "monthly":
            continue
        share = row["group"] == "shares"

        def interval(low: float, high: float, inside: bool, share: bool = share) -> str:
            text = f"{_fmt(low, share)} - {_fmt(high, share)}"
            return text if inside else f"{text} (**outside**)"

        error = f"{100 * row['error']:+.1f} pts" if share else f"{100 * row['error']:+.1f}%"
        lines.append(f"| {_target_label(row)} | {_fmt(row['observed'], share)} | "
                     f"{_fmt(row['median'], share)} | {interval(row['q25'], row['q75'], row['inside_50'])} | "
                     f"{interval(row['q05'], row['q95'], row['inside_90'])} | {error}: "
                     f"{'yes' if row['within'] else '**no**'} |")
    months_out = [row["target"] for row in rows if row["group"] == "monthly" and not row["inside_90"]]
    return lines + ["", "Months outside their 90% interval: " + (", ".join(months_out) or "none") + "."]


def _predictive_lines(part: dict) -> list[str]:
    point = part["source"] == "point"
    lines = ["### Posterior predictive checks over the fitted years", "",
             f"{part['runs']} runs of the calibration history, one per parameter set: {part['description']}; the "
             f"monthly targets run from {part['months'][0]} to {part['months'][1]}, the annual, share and killed "
             f"targets cover every fitted year; run *i* takes seed *i* (common random numbers), "
             f"{part['model_runs']} model runs in {_duration(part['wall_seconds'])}. Each observed target "
             f"(FACTS.md s1, PICSS; militants killed s5.2) is compared with the spread of the runs and their "
             f"median with the calibration's tolerances."]
    if point:
        lines += ["", "No posterior draws were given, so every run uses the one stored calibration: the intervals "
                      "hold the model's own noise but not the uncertainty of its parameters, and coverage below "
                      "nominal is partly that."]
    return lines + ["", *_coverage_table(part["summary"]), "", *_target_rows(part["table"]), ""]


def _rolling_origin_lines(part: dict) -> list[str]:

    abc, fc = part["abc"], part["forecast"]
    settings, generations = abc["settings"], abc["generations"]
    targets = settings.get("targets", [])
    seconds = settings.get("time_budget_seconds")
    budget = "no time budget" if seconds is None else f"no new generation after {_duration(seconds)}"
    lines = ["### Rolling-origin forecast of 2024", "",
             f"Calibrated on the months to {part['origin_month']} only: ABC-SMC (pyabc) over the "
             f"{len(abc['parameters'])} free parameters of the calibration, uniform priors over their plausible "
             f"ranges, against the {part['origin']} monthly counts and the {len(targets)} annual, share and killed "
             f"targets of the years before the origin (the monthly dispersion re-estimated from those months; "
             f"`ctsim.analysis.validation.rolling_origin`). Budget: population {settings['population_size']}, at most "
             f"{settings['max_populations']} generations, {budget}; seed {settings['seed']}; one run per "
             f"candidate. It ran {settings['generations_run']} generations, {abc['model_runs']:,} model runs in "
             f"{_duration(abc['wall_seconds_all_calls'])}; final epsilon {generations[-1]['epsilon']:.2f}, "
             f"acceptance rate {percent(generations[-1]['acceptance_rate'])}, effective sample size "
             f"{abc['effective_sample_size']:.0f}.{_prior_spread(abc['parameters'])} Then {fc['runs']} runs of "
             f"the whole history, one per draw (in proportion to the weights) and seed "
             f"({_duration(fc['wall_seconds'])}); the months after the origin are the forecast.", "",
             "Against three naive forecasts fitted to the same training months "
             "(`ctsim.analysis.validation.forecast`): the last "
             "12 months' values drawn at random, a linear trend with its predictive uncertainty, and a "
             "negative-binomial regression on time. Scored by CRPS (lower is better; in attacks) and by whether the "
             "observed value lies in the central 50% and 90% intervals. The origin holds 2024's values out of the "
             "parameter fit, not out of the model's design (its mechanisms, their plausible ranges and the history "
             "scenario were written when 2024 was known); the history schedules no policy change in 2024.", ""]
    table = table_from_record(fc["score"])
    names = [n for n in table.columns.get_level_values("forecast").unique() if n != "observed"]
    q = fc["model_quantiles"]
    lines += ["| month | observed | model median [90%] | " + " | ".join(f"CRPS {n}" for n in names) + " |",
              "|---" * (3 + len(names)) + "|"]
    bands = {p: (q["q50"][i], q["q05"][i], q["q95"][i]) for i, p in enumerate(fc["periods"])}
    for period in table.index:
        band = bands.get(period)
        cell = "" if band is None else f"{number(band[0], 0)} [{number(band[1], 0)}-{number(band[2], 0)}]"
        crps = [table.loc[period, (n, "crps")] for n in names]
        best = min(crps)
        shown = [f"**{c:.1f}**" if c == best else f"{c:.1f}" for c in crps]
        lines.append(f"| {period} | {number(table.loc[period, ('observed', '')], 0)} | {cell} | "
                     + " | ".join(shown) + " |")
    months = table.index[:-2]
    lines += ["", "(The lowest CRPS of each row in bold; \"monthly mean\" averages the months, \"year\" scores the "
                  "annual total.)", "",
              "| | " + " | ".join(names) + " |", "|---" * (1 + len(names)) + "|"]
    for level in forecast.LEVELS:
        key = f"inside_{round(level * 100)}"
        cells = [f"{int(table.loc[months, (n, key)].sum())} of {len(months)}, year "
                 f"{'in' if table.loc[forecast.YEAR, (n, key)] else '**out**'}" for n in names]
        lines.append(f"| months inside the {round(level * 100)}% interval | " + " | ".join(cells) + " |")
    verdicts = forecast.verdict(table)
    rivals = [n for n in names if n != "model"]
    beaten_month = [n for n in rivals if table.loc[forecast.MONTHLY_MEAN, ("model", "crps")]
                    < table.loc[forecast.MONTHLY_MEAN, (n, "crps")]]
    beaten_year = [n for n in rivals if table.loc[forecast.YEAR, ("model", "crps")]
                   < table.loc[forecast.YEAR, (n, "crps")]]
    lines += ["", f"**Verdict:** on mean monthly CRPS the model beats {len(beaten_month)} of {len(rivals)} naive "
                  f"forecasts ({', '.join(beaten_month) or 'none'}); on the annual total it beats "
                  f"{len(beaten_year)} of {len(rivals)} ({', '.join(beaten_year) or 'none'}).", "",
              *[f"- {sentence}" for sentence in verdicts], ""]
    corr = part["checks"]["summary"]["monthly_correlation"]
    held = [r for r in part["checks"]["table"] if _after_origin(r, part)]
    fitted = [r for r in part["checks"]["table"] if not _after_origin(r, part)]
    lines += [f"The same {fc['runs']} runs against every target: before the origin (fitted) "
              f"{_share_inside(fitted, 50)} inside the 50% and {_share_inside(fitted, 90)} inside the 90% interval "
              f"of {len(fitted)} targets; after it (held out) {_share_inside(held, 50)} and "
              f"{_share_inside(held, 90)} of {len(held)}. Correlation of the monthly medians with all observed "
              f"months: {'not computed' if corr is None else f'{corr:.2f}'}.", ""]
    return lines


def _prior_spread(parameters: dict) -> str:
    shares = sorted(v["q05_q95_share_of_prior"] for v in parameters.values() if "q05_q95_share_of_prior" in v)
    if not shares:
        return ""
    return (f" The posterior's central 90% still spans {percent(shares[0])} to {percent(shares[-1])} of each "
            f"parameter's prior range (median {percent(float(np.median(shares)))}): near 90% means the data, at this "
            f"budget, said little about a parameter.")


def _duration(seconds: float) -> str:
    return f"{seconds:.0f} s" if seconds < 120 else f"{seconds / 60:.1f} minutes"


def share_label(year: int | str, key: str) -> str:
    """A share target in words: a region's share of the year's attacks, or Karachi's share of Sindh's."""
    if key == calibration_targets.KARACHI_OF_SINDH:
        return f"Karachi's share of Sindh's {year} attacks"
    return f"share of {year} attacks: {key}"


def _target_label(row: dict) -> str:
    year, _, name = str(row["target"]).partition("/")
    if row["group"] == "shares":
        return share_label(year, name)
    if row["group"] == "killed":
        return f"militants killed {year}"
    return f"{name} {year}" if name else f"{row['group']} {year}"


def _after_origin(row: dict, part: dict) -> bool:
    if row["group"] == "monthly":
        return row["target"] > part["origin_month"]
    return int(str(row["target"]).split("/")[0]) > int(part["origin_month"][:4])


def _share_inside(rows: list[dict], level: int) -> str:
    return percent(sum(bool(r[f"inside_{level}"]) for r in rows) / len(rows)) if rows else "n/a"
