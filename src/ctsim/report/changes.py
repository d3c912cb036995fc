"""Which levers a scenario changes from the reference, read back from the scenario files a result names.

A result records each scenario's files and SHA-256; the files are loaded again (a library scenario is found by name
when its recorded path is gone) and a changed hash is flagged, so the brief never silently lists today's levers as
those that ran.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from ctsim.declarations.levers import LEVERS, LEVERS_BY_NAME, Policy
from ctsim.report import words
from ctsim.report.brief import LeverChange, ScenarioInfo
from ctsim.scenarios.files import ScenarioError, load_scenario
from ctsim.scenarios.library import library_path
from ctsim.verdicts import lever_cost_words


def scenario_infos(entries: list[dict], folder: Path) -> list[ScenarioInfo]:
    """Each scenario with its lever changes from the first (the reference), read back from its scenario file."""

    loaded, infos = [], []
    for entry in entries:
        info = ScenarioInfo(name=entry["name"], files=[str(f) for f in entry.get("files", [])],
                            sha256=entry.get("sha256", ""))
        scenario = None
        path = _find_file(info.files[0], folder) if info.files else None
        if path is None:
            info.note = (f"the scenario file {info.files[0] if info.files else '(not recorded)'} was not found, so "
                         f"the levers it changes cannot be listed")
        else:
            try:
                scenario = load_scenario(path, reached=True)  # named by the result, not the user
            except ScenarioError as exc:
                info.note = f"the scenario file no longer loads ({exc})"
            else:
                if info.sha256 and scenario.sha256 != info.sha256:
                    info.note = (f"{path} has changed since the run (its hash differs), so the levers listed are "
                                 f"today's, not necessarily those that ran")
        loaded.append(scenario)
        infos.append(info)
    reference = loaded[0]
    for info, scenario in zip(infos, loaded, strict=True):
        if scenario is None or (reference is None and info is not infos[0]):
            continue
        base = reference if info is not infos[0] else None
        info.changes = lever_changes(scenario, base)
        info.assumptions = _overrides(scenario, base)
    for info, scenario in zip(infos, loaded, strict=True):
        info.description = describe(scenario, info.changes)
        info.label = short_label(info.description)
    return infos


def own_description(scenario) -> str:
    """The ``description`` a scenario's own file sets, or "" when it sets none (a scenario inherits its parent's
    description, which would then describe the parent: ``ctsim new`` files extend the baseline)."""
    if scenario is None or not scenario.files:
        return ""
    try:
        data = tomllib.loads(Path(scenario.files[0]).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return ""
    text = data.get("description")
    if not isinstance(text, str) or (text.strip().startswith("<") and text.strip().endswith(">")):
        return ""  # none, or the placeholder of a template left unedited
    return text.strip()


def describe(scenario, changes: list[LeverChange]) -> str:
    """A scenario in words: its own description, or else what it changes (``Prosecution capacity: 3 x the status
    quo``), or else that it changes nothing."""
    own = own_description(scenario)
    if own:
        return own
    if changes:
        listed = [f"{c.label} set to {c.value}" if i == 0 else f"{c.label[0].lower() + c.label[1:]} set to {c.value}"
                  for i, c in enumerate(changes[:3])]
        more = [f"{len(changes) - 3} more lever changes"] if len(changes) > 3 else []
        return ", ".join(listed + more)
    return "The same levers as the status quo"


def short_label(description: str, limit: int = 60) -> str:
    """A description's first clause, for table headings and chart legends: the text before the first ", ", ": " or
    "; " outside brackets (``Police in the lead, with a two-year handover ...`` -> ``Police in the lead``)."""
    depth = 0
    for i, ch in enumerate(description):
        depth += (ch in "([") - (ch in ")]")
        if depth == 0 and description[i:i + 2] in (", ", ": ", "; ") and i >= 8:
            description = description[:i]
            break
    if len(description) > limit and " (" in description:
        description = description[:description.index(" (")]  # a bracketed aside goes first
    return description if len(description) <= limit else description[:limit - 3].rsplit(" ", 1)[0] + " ..."


def _find_file(recorded: str, folder: Path) -> Path | None:
    """A scenario file as recorded (absolute, or relative to where the command ran): try it as given, then from
    the result folder's ancestors (a result under ``results/compare/<stamp>`` ran from the folder above
    ``results``)."""

    path = Path(recorded)
    if path.is_file():
        return path
    if not path.is_absolute():
        for parent in folder.resolve().parents:
            if (parent / path).is_file():
                return parent / path
    # A library scenario (scenarios/ points into the package): the caller checks its hash.
    return library_path(path.name)


def lever_changes(scenario, reference) -> list[LeverChange]:
    """Levers ``scenario`` sets differently from ``reference`` (or, for the reference, from the status quo), at
    the start and in its schedule."""

    mine = scenario.policy().as_dict()
    theirs = reference.policy().as_dict() if reference is not None else Policy().as_dict()
    out = []
    for lever in LEVERS:
        if mine[lever.name] != theirs[lever.name]:
            out.append(_change(lever.name, theirs[lever.name], mine[lever.name], "from the start"))
    known = {(e.month, e.lever, repr(e.value), e.ramp) for e in (reference.schedule if reference else ())}
    current = dict(mine)  # the value each lever holds before each scheduled change
    for entry in sorted(scenario.schedule, key=lambda e: e.month):
        before = current[entry.lever]
        current[entry.lever] = entry.value
        if (entry.month, entry.lever, repr(entry.value), entry.ramp) in known:
            continue
        when = f"from month {entry.month} ({_calendar(scenario.start, entry.month)})"
        if entry.ramp:
            when += f", phased in over {entry.ramp} months"
        out.append(_change(entry.lever, before, entry.value, when))
    return out


def _calendar(start: str, month: int) -> str:
    """The calendar month (``YYYY-MM``) of model month ``month`` (1 = ``start``)."""
    year, first = (int(x) for x in start.split("-"))
    total = year * 12 + first - 1 + month - 1
    return f"{total // 12:04d}-{total % 12 + 1:02d}"


def _change(name: str, before, after, when: str) -> LeverChange:
    lever = LEVERS_BY_NAME[name]
    return LeverChange(name=name, label=lever.label, reference=words.lever_value(lever, before),
                       value=words.lever_value(lever, after), when=when, lag=words.lag_words(lever.lag_months),
                       lag_months=lever.lag_months, provenance=lever.provenance,
                       assumed="assum" in lever.provenance.lower(), cost=lever_cost_words(name))


def _overrides(scenario, reference) -> list[str]:
    mine = dict(scenario.uncertainties)
    theirs = dict(reference.uncertainties) if reference is not None else {}
    return [f"{name.replace('_', ' ')} set to {value:g}" + (f" (against {theirs[name]:g})" if name in theirs else "")
            for name, value in sorted(mine.items()) if theirs.get(name) != value]


