"""Tables of docs/scenario-files.md generated from the code that reads scenario files, the lever declarations and
the scenario library, so that the reference says what the reader accepts.

The keys a scenario file may hold are the reader's own lists (``TOP_KEYS``, ``RUN_KEYS``, ``SCHEDULE_KEYS`` in
:mod:`ctsim.scenarios.files`, ``TRIGGER_KEYS`` in :mod:`ctsim.scenarios.triggers`); the words for each are here. A
key the reader accepts that has no words here, or words for a key it no longer accepts, stops the generation with
the key's name: the reference cannot drift from the reader.
"""

from __future__ import annotations

import tomllib

from ctsim.data import REGIONS
from ctsim.declarations.outputs import OUTPUTS
from ctsim.declarations.registry import levers
from ctsim.figures.tables import cell, compact
from ctsim.scenarios import files, triggers
from ctsim.scenarios.library import library_names, library_path

_MONTHS = f"a whole number, 1 to {files.MAX_MONTHS}"
_MONTH_TEXT = f"a month written `YYYY-MM`, years {files.MIN_YEAR}-{files.MAX_YEAR}"

# (valid values, meaning) of every key, by table ("" is the top level).
KEYS: dict[str, dict[str, tuple[str, str]]] = {
    "": {
        "extends": ("a file name, or a library scenario's name", "the parent scenario: a file beside this one or, "
                    "failing that, the library scenario of that name (`\"baseline\"` or `\"baseline.toml\"`); "
                    f"chains are allowed (at most {files.MAX_CHAIN} files), cycles are not"),
        "history": ("a file name, a library scenario's name, or `false`", "a scenario run first, from its own start; "
                    "this one branches from the state it reaches, and must start the month after it ends; `false` "
                    "switches an inherited history off"),
        "name": ("a plain name (letters, digits, `_ . -`)", "the scenario's name in outputs and result folders "
                 "(default: the file name without `.toml`)"),
        "description": ("text", "what the policy is: a short clause first, then the detail (the brief's title and "
                        "labels)"),
        "run": ("a table", "the run's settings (`[run]`, below)"),
        "levers": ("a table", "lever values by name (`[levers]`, below); the rest keep the parent's values, at the "
                   "root the status quo"),
        "uncertainties": ("a table", "overrides of declared parameters by name (the uncertainties in docs/levers.md, "
                          "every parameter in docs/odd.md section 8); they apply to the whole run, history included"),
        "schedule": ("a list of `[[schedule]]` tables", "lever changes at a month or a date during the run (below); "
                     "a child's entries come after its parent's"),
        "trigger": ("a list of `[[trigger]]` tables", "adaptive rules: a lever changes when the model's own outputs "
                    "cross a level, and changes back (below)"),
        "locked": ("a list of lever names", "levers the triggers never move (inherited ones included): the scenario "
                   "keeps them where it sets them, its own schedule still applies (docs/levers.md)"),
    },
    "run": {
        "start": (_MONTH_TEXT, "the first month of the scenario (after its history)"),
        "months": (_MONTHS, "the horizon"),
        "seed": ("a whole number, 0 to 2^63 - 1", "the root seed every random stream is drawn from"),
        "replications": (f"a whole number, 1 to {files.MAX_REPLICATIONS:,}", "runs of the scenario in comparisons"),
        "reactions_from": (_MONTH_TEXT + ", within the run", "the month from which the triggers act (default: the "
                           "first); the 2013-2024 history lets the state's reactions act from 2022-01"),
        "report_from": (_MONTH_TEXT + ", within the run; not with `history`", "the first month written (default: "
                        "the start): the months before it are a spin-up, run but not reported; the 2013-2024 "
                        "history runs from 2010-01 and reports from 2013-01"),
    },
    "schedule": {
        "month": (_MONTHS, "when the change starts: 1 is the scenario's first month (give `month` or `date`)"),
        "date": (_MONTH_TEXT, "when the change starts, as a date (give `month` or `date`)"),
        "lever": ("a lever's name", "the lever that changes"),
        "value": ("a valid value of the lever", "its new value"),
        "ramp": (_MONTHS.replace("1 to", "0 to") + "; default 0", "months of linear change (numeric levers only)"),
    },
    "trigger": {
        "name": ("a plain name, at most 64 characters, unique in the scenario", "a trigger with an inherited "
                 "trigger's name replaces it"),
        "when": ("a declared output (below), or `change_of_government`", "what the rule watches"),
        "region": ("a region (below), for outputs reported by region", "watch that region instead of the nation"),
        "window": (f"a whole number, 1 to {triggers.MAX_WINDOW}; default 1", "months averaged (the last complete "
                   "months)"),
        "above": ("a number (give `above` or `below`)", "fire when the window's mean is above this level"),
        "below": ("a number (give `above` or `below`)", "fire when the window's mean is below this level"),
        "lever": ("a lever's name", "the lever the rule sets"),
        "value": ("a valid value of the lever", "the value it sets"),
        "ramp": (f"a whole number, 0 to {files.MAX_MONTHS}; default 0", "months of linear change to the value "
                 "(numeric levers only)"),
        "months": (f"a whole number, 1 to {triggers.MAX_MONTHS} (give one of `months`, `until_above`, "
                   "`until_below`)", "hold for this long, then restore the lever"),
        "until_above": ("a number", "hold until the window's mean rises above this level"),
        "until_below": ("a number", "hold until the window's mean falls below this level"),
        "cooldown": (f"a whole number, 0 to {files.MAX_MONTHS}; default 0", "months after a release before it may "
                     "fire again"),
        "enabled": ("`true` or `false`", "`enabled = false` with the name alone removes the inherited trigger of that "
                    "name"),
    },
}
READER_KEYS = {"": files.TOP_KEYS, "run": files.RUN_KEYS, "schedule": files.SCHEDULE_KEYS,
               "trigger": triggers.TRIGGER_KEYS}


class UndocumentedKeyError(ValueError):
    """A key the scenario reader accepts has no words in :data:`KEYS`, or the reverse."""


def keys_table() -> str:
    """Markdown table of every key a scenario file may hold, in the reader's order.

    Raises:
        UndocumentedKeyError: when :data:`KEYS` and the reader's lists differ.
    """
    rows = ["| key | valid values | meaning |", "|---|---|---|"]
    for table, accepted in READER_KEYS.items():
        words = KEYS[table]
        if set(words) != set(accepted):
            raise UndocumentedKeyError(f"ctsim.docs.scenario_files.KEYS[{table!r}]: the reader accepts "
                                       f"{sorted(accepted)}, the reference describes {sorted(words)}")
        prefix = {"": "", "run": "run.", "schedule": "[[schedule]] ", "trigger": "[[trigger]] "}[table]
        for key in accepted:
            valid, meaning = words[key]
            rows.append(f"| `{prefix}{key}` | {cell(valid)} | {cell(meaning)} |")
    return "\n".join(rows)


def _values(factor) -> str:
    if factor.kind == "choice":
        return ", ".join(f"`{c}`" for c in factor.choices)
    if factor.kind == "bool":
        return "`true`, `false`"
    return f"{compact(factor.low)} to {compact(factor.high)}"


def _toml(value) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, str):
        return f'"{value}"'
    return compact(value)


def levers_table() -> str:
    """Markdown table of the ``[levers]`` keys: type, status-quo value, valid values, unit, meaning."""
    rows = ["| `[levers]` key | type | status quo | valid values | unit | meaning |", "|---|---|---|---|---|---|"]
    for f in levers():
        rows.append(f"| `{f.name}` | {f.kind} | `{_toml(f.default)}` | {_values(f)} | {cell(f.unit)} | "
                    f"{cell(f.meaning)} |")
    return "\n".join(rows)


def watched_outputs() -> str:
    """The outputs a trigger may watch (``when``), those reported by region marked, and the regions."""
    names = ", ".join(f"`{o.name}`" + (" (by region)" if o.regional else "") for o in OUTPUTS)
    return (f"Outputs a trigger may watch: {names}, and `{triggers.CHANGE_OF_GOVERNMENT}`.\n\n"
            f"Regions: {', '.join(f'`{r}`' for r in REGIONS)}.")


def _purpose(text: str) -> str:
    """The ``# Purpose:`` paragraph of a library file's opening comment (empty when it has none)."""
    lines, keep = [], False
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        body = line.lstrip("#").strip()
        if body.startswith("Purpose:"):
            keep, body = True, body.removeprefix("Purpose:").strip()
        elif keep and (not body or body.startswith(("Assumptions", "Sources", "Size"))):
            break
        if keep:
            lines.append(body)
    return " ".join(" ".join(lines).split())


def library_table() -> str:
    """Markdown table of the scenario library: name, parent, what it is, its purpose (from the file's opening
    comment) and the levers the file itself sets."""
    rows = ["| scenario | extends | what it is | purpose | levers it sets |", "|---|---|---|---|---|"]
    for name in library_names():
        path = library_path(name)
        text = path.read_text(encoding="utf-8")
        data = tomllib.loads(text)
        own = ", ".join(f"`{k} = {_toml(v)}`" for k, v in data.get("levers", {}).items())
        parent = f"`{data['extends'].removesuffix('.toml')}`" if "extends" in data else ""
        rows.append(f"| `{name}` | {parent} | {cell(data.get('description', ''))} | {cell(_purpose(text))} | "
                    f"{own} |")
    return "\n".join(rows)
