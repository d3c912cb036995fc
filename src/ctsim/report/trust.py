"""How far to trust a brief: the stored calibration, the fit and the pattern checks of docs/validation.md (with
their robustness, docs/pattern_robustness.csv), and the changed levers whose effect sizes are assumptions."""

from __future__ import annotations

import csv
import re
from pathlib import Path
from typing import Any

from ctsim.report.brief import Brief, Pattern, Trust, read_json


def project_docs() -> Path:
    """The project's docs folder (beside src/ in a source checkout)."""
    return Path(__file__).resolve().parents[3] / "docs"


def calibration_file() -> Path:
    """The packaged calibration."""
    return Path(__file__).resolve().parents[1] / "data" / "calibration.json"


def trust(brief: Brief) -> Trust:
    """What the brief says about how far to trust it: the caveat, the calibration, the fit and the pattern checks
    (when docs/ is beside the package, as in a source checkout) and the changed levers with assumed effects."""
    notes = ["Exploratory, not a forecast: the model makes its assumptions explicit and is calibrated on two years "
             "(2022-2024) of national counts, which cannot pin down the long run. Read the differences between "
             "scenarios and their directions, not the levels, as the model's answer."]
    path = calibration_file()
    calibration: dict[str, Any] = {}
    if path.is_file():
        record = read_json(path)
        calibration = {k: record.get(k) for k in ("version", "created_utc", "method", "loss", "evaluations",
                                                  "history_scenario")}
        calibration["free_parameters"] = len(record.get("free_parameters", {}))
    else:
        notes.append(f"No stored calibration was found at {path}: the runs may use hand-set parameters.")
    docs = project_docs()
    fit, patterns = "", []
    validation = docs / "validation.md"
    if validation.is_file():
        text = validation.read_text(encoding="utf-8")
        fit = _fit_summary(text)
        patterns = _patterns(text, docs / "pattern_robustness.csv")
    else:
        notes.append("The validation report (docs/validation.md) is not beside this installation, so the fit and "
                     "the pattern checks are not shown; see the project's docs/validation.md.")
    changed = {c.name: c for s in brief.scenarios for c in s.changes}
    assumed = [c for c in changed.values() if c.assumed]
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
    return (f"The calibrated model reproduces {met} of {len(rows)} 2022-2024 targets (PICSS annual attacks, deaths, "
            f"injuries and 2023 regional shares) within their tolerances{extra}.")


def _patterns(text: str, robustness: Path) -> list[Pattern]:
    table = _table_after(text, "## Pattern checks", header=True)
    if not table:
        return []
    # Columns by their header (the report added a "kind" column: input reproduced or emergent).
    column = {name.lower(): k for k, name in enumerate(table[0])}
    if not {"pattern", "measured", "tolerance", "result"} <= column.keys():
        return []
    # The report marks failures in bold Markdown (**FAIL**): keep the word.
    out = [Pattern(r[column["pattern"]], r[column["measured"]], r[column["tolerance"]],
                   r[column["result"]].strip("* ").lower(), kind=r[column["kind"]] if "kind" in column else "")
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
            pattern.robustness = (f"passes in {sum(passed)} of {len(passed)} settings of the assumptions "
                                  f"(each at the ends of its plausible range)")
    return out


