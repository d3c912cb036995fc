"""Tables for the docs, generated from the declarations (parameters, levers, outputs, the model's state and
processes, the scenario reader and library), so they cannot drift.

``python -m ctsim.docs`` rewrites the generated blocks of ``docs/odd.md``, ``docs/levers.md``,
``docs/scenario-files.md`` and ``docs/sensitivity.md`` (the line above the published ranking:
:mod:`ctsim.docs.ranking`) in place; ``--check`` exits 1 when a file is stale (the test suite runs the same check). A
block is delimited by ``<!-- BEGIN GENERATED: NAME -->`` and ``<!-- END GENERATED: NAME -->``. The tables of the
month and the state are made in :mod:`ctsim.docs.odd`, those of the scenario file reference in
:mod:`ctsim.docs.scenario_files`; :mod:`ctsim.docs.site` holds the docs site's hooks (``mkdocs.yml``).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

from ctsim.analysis.validation.evidence import EVIDENCE_CSV, SHOWN
from ctsim.calibration.fingerprint import model_fingerprint
from ctsim.declarations.levers import LEVERS
from ctsim.declarations.outputs import OUTPUTS
from ctsim.declarations.parameters import (
    ADMIN_CAPACITY_BY_REGION,
    CTD_BY_PROVINCE,
    PARAMETERS,
    PARAMETERS_BY_NAME,
    PARAMILITARY_WINGS,
    POLICE_BY_REGION,
    calibrated,
)
from ctsim.declarations.registry import levers as registry_levers
from ctsim.declarations.registry import uncertainties as registry_uncertainties
from ctsim.docs import odd, scenario_files
from ctsim.docs.ranking import UnpublishedRankingError, ranking_staleness, ranking_status
from ctsim.figures.tables import cell, compact
from ctsim.storage import write_text
from ctsim.storage.blocks import has_block, replace_block
from ctsim.verdicts import format_rupees


def parameters_table() -> str:
    """Markdown table of every parameter: name, declared value, calibrated value (if any), unit, kind, provenance,
    admissible range."""
    fitted = calibrated()
    rows = ["| parameter | declared value | calibrated value | unit | kind | provenance | range |",
            "|---|---|---|---|---|---|---|"]
    for p in PARAMETERS:
        value = f"**{fitted[p.name]:.4g}**" if p.name in fitted else ""
        rows.append(f"| `{p.name}` | {compact(p.value)} | {value} | {cell(p.unit)} | {p.kind} | "
                    f"{cell(p.source)} | [{compact(p.low)}, {compact(p.high)}] |")
    return "\n".join(rows)


def _span(f) -> str:
    if f.kind == "choice":
        return ", ".join(f.choices)
    if f.kind == "bool":
        return "true, false"
    return f"[{compact(f.low)}, {compact(f.high)}]"


def _default(value) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    return compact(value) if isinstance(value, int | float) else str(value)


def levers_table() -> str:
    """Markdown table of every lever: name, type, default, range or choices, unit, lag, meaning, mechanism,
    provenance."""
    rows = ["| lever | type | default | range / choices | unit | lag (months) | meaning | mechanism | provenance |",
            "|---|---|---|---|---|---|---|---|---|"]
    for lev in registry_levers():
        rows.append(f"| `{lev.name}` | {lev.kind} | {_default(lev.default)} | {_span(lev)} | {cell(lev.unit)} | "
                    f"{compact(lev.lag_months)} | {cell(lev.meaning)} | {cell(lev.mechanism)} | "
                    f"{cell(lev.provenance)} |")
    return "\n".join(rows)


def _source_link(module: str) -> str:
    return f"[`model/{module}`](../src/ctsim/model/{module})"


def where_table() -> str:
    """Markdown table of where each lever acts in the code, what it acts through, and how it costs."""
    rows = ["| lever | plain name | acts in | through | cost |", "|---|---|---|---|---|"]
    for lever in LEVERS:
        through = ", ".join(f"`{name}`" for name in lever.via)
        if lever.cost.kind == "programme":
            cost = f"programme, weight {compact(lever.cost.weight)}: {lever.cost.reason}"
        else:
            cost = f"{lever.cost.kind}: {lever.cost.reason}"
        choices = ""
        if lever.kind == "choice":
            choices = " (" + "; ".join(f"`{c}`: {lever.choice_labels[c]}" for c in lever.choices) + ")"
        rows.append(f"| `{lever.name}` | {cell(lever.label)}{cell(choices)} | "
                    f"{'<br>'.join(_source_link(m) for m in lever.acts_in)} | {through} | {cell(cost)} |")
    return "\n".join(rows)


def uncertainties_table() -> str:
    """Markdown table of every exogenous uncertainty: name, declared value, plausible range, unit, kind, basis."""
    rows = ["| uncertainty | value | plausible range | unit | kind | basis |", "|---|---|---|---|---|---|"]
    for f in registry_uncertainties():
        rows.append(f"| `{f.name}` | {compact(f.default)} | {_span(f)} | {cell(f.unit)} | {f.provenance} | "
                    f"{cell(f.meaning)} |")
    return "\n".join(rows)


def outputs_table() -> str:
    """Markdown table of every monthly output."""
    rows = ["| output | unit | meaning | per-run summary | by region | better |", "|---|---|---|---|---|---|"]
    for o in OUTPUTS:
        rows.append(f"| `{o.name}` | {cell(o.unit)} | {cell(o.meaning)} | {o.summary} | "
                    f"{'yes' if o.regional else ''} | {o.better} |")
    return "\n".join(rows)


def forces_table() -> str:
    """Markdown table of force strengths and administrative capacity by region."""
    rows = ["| region | police (persons, FACTS.md s2) | administrative capacity (assumption) |", "|---|---|---|"]
    for region, police in POLICE_BY_REGION.items():
        rows.append(f"| {region} | {police:,.0f} | {ADMIN_CAPACITY_BY_REGION[region]} |")
    rows += ["", "| paramilitary wing | strength | area | provenance |", "|---|---|---|---|"]
    declared = {p.name: p.value for p in PARAMETERS}
    for wing in PARAMILITARY_WINGS:
        named = f" (`{wing.strength}`)" if isinstance(wing.strength, str) else ""
        strength = f"{wing.personnel(declared):,.0f}{named}"
        rows.append(f"| {wing.name} | {strength} | {', '.join(wing.regions)} | {cell(wing.source)} |")
    rows += ["", "| counter terrorism department | strength | area | provenance |", "|---|---|---|---|"]
    for name, (param, regions) in CTD_BY_PROVINCE.items():
        spec = PARAMETERS_BY_NAME[param]
        rows.append(f"| {name} | {spec.value:,.0f} (`{param}`) | {', '.join(regions)} | {spec.kind}: "
                    f"{cell(spec.source)} |")
    return "\n".join(rows)


def _signed(value: float, scale: float | None = None) -> str:
    """A signed number with as many decimals as its scale needs (legitimacy moves by thousandths)."""
    scale = abs(value) if scale is None else scale
    if scale < 0.1:
        return f"{value:+.4f}"
    if scale < 10:
        return f"{value:+.3f}"
    return f"{value:+,.0f}"


def _interval(row, outcome: str | None = None) -> str:
    """``difference [low, high]`` of an evidence row, all three at the decimals the largest needs (costs in
    rupees, over the ten years)."""
    if (outcome or row.get("outcome")) == "cost":
        def money(value: float) -> str:
            return ("+" if value >= 0 else "") + format_rupees(value)

        return f"{money(row['difference'])} [{money(row['ci90_low'])}, {money(row['ci90_high'])}]"
    scale = max(abs(row["difference"]), abs(row["ci90_low"]), abs(row["ci90_high"]))
    return (f"{_signed(row['difference'], scale)} [{_signed(row['ci90_low'], scale)}, "
            f"{_signed(row['ci90_high'], scale)}]")


def evidence_table() -> str:
    """Markdown tables: each lever's expected direction from the evidence against the model's measured effect, and
    the measured effects on the outcomes a policy reader weighs (from docs/evidence.csv)."""

    if not EVIDENCE_CSV.exists():
        return "Not measured yet: run `make evidence`."
    table = pd.read_csv(EVIDENCE_CSV, keep_default_na=False)
    n = int(table["replications"].iloc[0])
    rows = [f"Measured with {n} paired replications per lever (90% intervals), model fingerprint "
            f"`{table['model_fingerprint'].iloc[0]}`. Flows (attacks, recruits, cost) are totals over the ten "
            "years; stocks (legitimacy, people held without trial) are their mean over the ten years, since by "
            "the last month a change of government has usually reverted the lever.", "",
            "| lever (value against the status quo) | outcome | the evidence says | basis | model: difference "
            "[90% interval] | agrees? | source |", "|---|---|---|---|---|---|---|"]
    for lever, group in table.groupby("lever", sort=False):
        contrast = group["contrast"].iloc[0]
        judged = group[group["expected"] != ""]
        if judged.empty:
            attacks = group[group["outcome"] == "attacks"].iloc[0]
            rows.append(f"| `{lever}` = {cell(contrast)} | attacks | no evidence for a direction | | "
                        f"{_interval(attacks)} | | {cell(group['note'].iloc[0])} |")
            continue
        for r in judged.to_dict("records"):
            rows.append(f"| `{lever}` = {cell(contrast)} | {r['outcome']} | {r['expected']} | {r['basis']} | "
                        f"{_interval(r)} | "
                        f"**{r['verdict']}** | {cell(r['source'])} |")
    rows += ["", "Measured effects on the outcomes a policy reader weighs (difference over the ten years: flows "
                 "summed, stocks such as legitimacy and people held without trial averaged; 90% interval):", "",
             "| lever | " + " | ".join(SHOWN) + " |", "|---|" + "---|" * len(SHOWN)]
    for lever, group in table.groupby("lever", sort=False):
        by = group.set_index("outcome")
        cells = [_interval(by.loc[o], o) for o in SHOWN]
        rows.append(f"| `{lever}` = {cell(group['contrast'].iloc[0])} | " + " | ".join(cells) + " |")
    return "\n".join(rows)


def evidence_is_current() -> bool:
    """Whether docs/evidence.csv was measured on the model as it is (same regression baseline)."""
    if not EVIDENCE_CSV.exists():
        return False
    stored = pd.read_csv(EVIDENCE_CSV, usecols=["model_fingerprint"], dtype=str)["model_fingerprint"].iloc[0]
    return stored == model_fingerprint()


BLOCKS = {"parameters": parameters_table, "levers": levers_table, "outputs": outputs_table,
          "forces": forces_table, "uncertainties": uncertainties_table, "where": where_table,
          "evidence": evidence_table, "processes": odd.process_table, "state": odd.state_table,
          "scenario-keys": scenario_files.keys_table, "scenario-levers": scenario_files.levers_table,
          "trigger-outputs": scenario_files.watched_outputs, "library": scenario_files.library_table,
          "ranking-status": ranking_status}
DOCS_DIR = Path(__file__).resolve().parents[3] / "docs"  # the repository's docs/ (a source checkout)
DOCUMENTS = (DOCS_DIR / "odd.md", DOCS_DIR / "levers.md", DOCS_DIR / "scenario-files.md",
             DOCS_DIR / "sensitivity.md")
# What a generator raises when the code it reads disagrees with itself (the month's numbering, the reader's keys).
GENERATION_ERRORS = (odd.NumberingError, scenario_files.UndocumentedKeyError, UnpublishedRankingError)


def render(text: str) -> str:
    """Return ``text`` with every generated block replaced by its current content."""
    for name, make in BLOCKS.items():
        if has_block(text, name):
            text = replace_block(text, name, make())
    return text


def write_all(paths: list[Path] | tuple[Path, ...] = DOCUMENTS) -> list[Path]:
    """Rewrite the generated blocks of ``paths``; return the files that changed."""
    changed = []
    for path in paths:
        text = path.read_text(encoding="utf-8")
        new = render(text)
        if new != text:
            write_text(path, new)
            changed.append(path)
    return changed


def main(argv: list[str] | None = None) -> int:
    """Rewrite (or, with --check, verify) the generated blocks of the given Markdown files."""
    parser = argparse.ArgumentParser(prog="python -m ctsim.docs")
    parser.add_argument("files", nargs="*", type=Path, default=list(DOCUMENTS))
    parser.add_argument("--check", action="store_true", help="exit 1 if a file is stale, change nothing")
    args = parser.parse_args(argv)
    stale = []
    for path in args.files:
        text = path.read_text(encoding="utf-8")
        try:
            new = render(text)
        except GENERATION_ERRORS as exc:
            print(f"python -m ctsim.docs: {path}: {exc}", file=sys.stderr)
            return 1
        if new != text:
            stale.append(path)
            if not args.check:
                write_text(path, new)
    if args.check and not evidence_is_current():
        print("docs/evidence.csv was measured on another state of the model (or is missing); run 'make evidence'",
              file=sys.stderr)
        return 1
    if args.check and (stale_ranking := ranking_staleness()):
        print(stale_ranking, file=sys.stderr)
        return 1
    if args.check and stale:
        print(f"stale generated tables in: {', '.join(map(str, stale))}; run 'python -m ctsim.docs'",
              file=sys.stderr)
        return 1
    return 0
