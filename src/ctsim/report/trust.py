"""How far to trust a brief: the stored calibration, the fit and the pattern checks of docs/validation.md (with
their robustness, docs/pattern_robustness.csv), and the changed levers whose effect sizes are assumptions."""

from __future__ import annotations

import csv
import re
from dataclasses import replace
from pathlib import Path
from typing import Any

from ctsim.report import words
from ctsim.report.brief import Brief, Pattern, Trust, read_json


def project_docs() -> Path:
    """The project's docs folder (beside src/ in a source checkout)."""
    return Path(__file__).resolve().parents[3] / "docs"


def calibration_file() -> Path:
    """The packaged calibration."""
    return Path(__file__).resolve().parents[1] / "data" / "calibration.json"


# What each section of the project's fact sheet rests on, named as a reader can look it up (the reader does not have
# the fact sheet).
_SOURCES = {"1": "PICSS's counts of attacks", "2": "the census and provincial police figures",
            "3": "the interviews of 500 militants captured in Swat, as the NIPP roundtable of 2024 reports them",
            "4": "the NIPP roundtable report of 2024 on internal security",
            "5": "press and think-tank reports"}
_FACTS = re.compile(r"FACTS\.md,? (?:s(?:ection)?\s?)?(\d+)(?:\.\d+)?")
_DOCS = re.compile(r"\s*\(?(?:see )?(?:docs/[\w./]+|DESIGN\.md s\d+)(?: section [\d.]+)?\)?")
METHOD_WORDS = {
    "differential_evolution": "a search that tries many combinations of the settings, generation after generation, "
                              "and keeps the ones that reproduce the record best (differential evolution)",
}


def plain_sources(text: str) -> str:
    """``text`` with references to files the reader does not have replaced by the sources behind them (``FACTS.md
    s3`` -> the Swat interviews) or dropped (``docs/odd.md``)."""
    text = _FACTS.sub(lambda m: _SOURCES.get(m.group(1), "published sources"), text)
    return _DOCS.sub("", text).replace("()", "").strip()


def method_words(method: str) -> str:
    """A calibration method in words a non-modeller reads."""
    for key, said in METHOD_WORDS.items():
        if key in method:
            return said
    return "a numerical search for the settings that reproduce the record best"


def trust(brief: Brief) -> Trust:
    """What the brief says about how far to trust it: the caveat, the calibration, the fit and the pattern checks
    (when docs/ is beside the package, as in a source checkout) and the changed levers with assumed effects."""
    notes = ["Exploratory, not a forecast: the model makes its assumptions explicit and is fitted to the national "
             f"counts of {brief.fitted}, which cannot pin down the long run. Read the "
             "differences between policies and their directions, not the levels, as the model's answer."]
    path = calibration_file()
    calibration: dict[str, Any] = {}
    if path.is_file():
        record = read_json(path)
        calibration = {k: record.get(k) for k in ("version", "created_utc", "method", "loss", "evaluations",
                                                  "history_scenario")}
        calibration["free_parameters"] = len(record.get("free_parameters", {}))
        calibration["method_words"] = method_words(str(record.get("method", "")))
        calibration["date"] = str(record.get("created_utc", ""))[:10]
    else:
        notes.append("No stored fit was found with this installation: the runs may use hand-set settings.")
    docs = project_docs()
    fit, patterns = "", []
    validation = docs / "validation.md"
    if validation.is_file():
        text = validation.read_text(encoding="utf-8")
        fit = _fit_summary(text)
        patterns = _patterns(text, docs / "pattern_robustness.csv")
    else:
        notes.append("The project's validation report is not beside this installation, so the fit and the checks "
                     "against the historical record are not shown here.")
    changed = {c.name: c for s in brief.scenarios for c in s.changes}
    assumed = [replace(c, provenance=plain_sources(c.provenance)) for c in changed.values() if c.assumed]
    return Trust(calibration, fit, patterns, assumed, notes)


def _table_after(text: str, heading: str, header: bool = False) -> list[list[str]]:
    """The rows of the first Markdown table after ``heading`` (separator dropped; the header row too unless
    ``header``)."""
    lines = text.splitlines()
    try:
        at = next(i for i, line in enumerate(lines) if line.strip().startswith(heading))
    except StopIteration:
        return []
    rows, seen = [], False
    for line in lines[at + 1:]:
        if line.startswith("|"):
            seen = True
            rows.append([c.strip() for c in line.strip().strip("|").split("|")])
        elif seen:
            break
    if len(rows) <= 2:
        return []
    return [rows[0], *rows[2:]] if header else rows[2:]


def _fit_summary(text: str) -> str:
    rows = _table_after(text, "## Fit to the targets")
    if not rows:
        return ""
    met = sum(1 for r in rows if r[-1].lower() == "yes")
    corr = re.search(r"observed months: \*\*([0-9.]+)\*\*", text)
    extra = f"; the monthly pattern correlates {corr.group(1)} with the observed months" if corr else ""
    return (f"The fitted model reproduces {met} of {len(rows)} figures of {words.fitted_years()} (yearly attacks, "
            f"deaths and injuries, the regions' shares of attacks, militants killed) within their tolerances{extra}.")


def _patterns(text: str, robustness: Path) -> list[Pattern]:
    table = _table_after(text, "## Pattern checks", header=True)
    if not table:
        return []
    # Columns by their header (the report added a "kind" column: input reproduced or emergent).
    column = {name.lower(): k for k, name in enumerate(table[0])}
    if not {"pattern", "measured", "tolerance", "result"} <= column.keys():
        return []
    # The report marks failures in bold Markdown (**FAIL**): keep the word.
    kinds = {"input reproduced": "built in", "emergent": "not built in"}
    out = [Pattern(plain_sources(r[column["pattern"]]), r[column["measured"]], r[column["tolerance"]],
                   r[column["result"]].strip("* ").lower(),
                   kind=kinds.get(r[column["kind"]], r[column["kind"]]) if "kind" in column else "")
           for r in table[1:] if len(r) >= len(column)]
    if robustness.is_file() and out:
        with robustness.open(newline="") as handle:
            table = list(csv.DictReader(handle))
        checks = list(dict.fromkeys(r["check"] for r in table))
        for pattern, check in zip(out, checks, strict=False):
            rows_of = [r for r in table if r["check"] == check]
            calibrated = [r["passed"] == "True" for r in rows_of if r["end"] == "as calibrated"]
            # The two files list the checks in the same order; a verdict that disagrees means they do not match.
            if calibrated and calibrated[0] != (pattern.result.lower() == "pass"):
                continue
            passed = [r["passed"] == "True" for r in rows_of]
            pattern.robustness = f"holds in {sum(passed)} of {len(passed)} variants"
    return out


