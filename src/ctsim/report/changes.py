"""Which levers a scenario changes from the reference, read back from the scenario files a result names.

A result records each scenario's files and SHA-256; the files are loaded again (a library scenario is found by name
when its recorded path is gone) and a changed hash is flagged, so the brief never silently lists today's levers as
those that ran.
"""

from __future__ import annotations

from pathlib import Path

from ctsim.declarations.levers import LEVERS, LEVERS_BY_NAME
from ctsim.report import words
from ctsim.report.brief import LeverChange, ScenarioInfo


def scenario_infos(entries: list[dict], folder: Path) -> list[ScenarioInfo]:
    """Each scenario with its lever changes from the first (the reference), read back from its scenario file."""
    from ctsim.scenarios.files import ScenarioError, load_scenario

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
                info.description = scenario.description
        loaded.append(scenario)
        infos.append(info)
    reference = loaded[0]
    for info, scenario in zip(infos, loaded, strict=True):
        if scenario is None or (reference is None and info is not infos[0]):
            continue
        base = reference if info is not infos[0] else None
        info.changes = lever_changes(scenario, base)
        info.assumptions = _overrides(scenario, base)
    return infos


def _find_file(recorded: str, folder: Path) -> Path | None:
    """A scenario file as recorded (absolute, or relative to where the command ran): try it as given, then from
    the result folder's ancestors (a result under ``results/compare/<stamp>`` ran from the folder above
    ``results``)."""
    from ctsim.scenarios.library import library_path

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
    from ctsim.declarations.levers import Policy

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
                       assumed="assum" in lever.provenance.lower())


def _overrides(scenario, reference) -> list[str]:
    mine = dict(scenario.uncertainties)
    theirs = dict(reference.uncertainties) if reference is not None else {}
    return [f"{name.replace('_', ' ')} = {value:g}" + (f" (reference {theirs[name]:g})" if name in theirs else "")
            for name, value in sorted(mine.items()) if theirs.get(name) != value]


