"""The exercise's debrief board: every team's outcomes against the status quo with intervals, who is on the
trade-off (Pareto) front, which differences between teams are within the noise, each package as a scenario file, and
the whole board as a brief (one HTML file).

Replication ``r`` of every package and of the status quo ran on the same seed and posterior draw, so teams are
compared in pairs (:func:`ctsim.analysis.paired.paired`, 90% intervals, as ``ctsim compare``). The front is read from
the mean paired differences on the outcomes that count, each in its declared direction: a team is on it when no
other team is at least as good on every counted outcome and better on one. A gap is within the noise when the 90%
interval of the paired difference between the two teams includes zero.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import UTC, datetime

import pandas as pd

from ctsim.analysis.paired import paired
from ctsim.declarations.levers import LEVERS_BY_NAME
from ctsim.declarations.outputs import OUTPUTS_BY_NAME
from ctsim.scenarios.files import resolve_scenario

from .exercise import REFERENCE, Exercise
from .export import toml_value
from .state import lever_value_words
from .words import OUTCOMES, budget_words, difference_words, history_years, label, unit, value_words, verdict


@dataclass(frozen=True)
class Cell:
    """One team's figure on one outcome.

    Attributes:
        mean: the team's mean over its runs (a run's figure summed over the horizon, or its last month).
        difference, low, high: paired difference from the status quo and its 90% interval.
        verdict: ``better``, ``worse``, ``negligible`` or ``unclear`` against the status quo.
        best: the team is the best on this outcome.
        near_best: the gap to the best team is within the noise (its 90% interval includes zero).
    """

    mean: float
    difference: float
    low: float
    high: float
    verdict: str
    best: bool
    near_best: bool


@dataclass
class Board:
    """What the debrief shows.

    Attributes:
        exercise: the exercise.
        teams: the teams run, in the order they joined.
        outputs: the outcomes shown (those that count, and the cost, which the budget limits).
        cells: (team, output) -> :class:`Cell`.
        status_quo: output -> the status quo's mean.
        front: the teams on the trade-off front.
        dominated: team -> the teams that beat it on every counted outcome, and whether clearly (beyond the noise
            on at least one of them) or only within it.
        replications: runs per package.
    """

    exercise: Exercise
    teams: list[str]
    outputs: list[str]
    cells: dict[tuple[str, str], Cell]
    status_quo: dict[str, float]
    front: list[str]
    dominated: dict[str, list[tuple[str, bool]]]
    replications: int


def _better(output: str, a: float, b: float) -> bool:
    """Whether ``a`` is better than ``b`` on ``output`` (its declared direction)."""
    return a > b if OUTPUTS_BY_NAME[output].better == "higher" else a < b


def build(exercise: Exercise, runs: pd.DataFrame) -> Board:
    """The board of an exercise's runs (``runs.csv``)."""
    teams = [t for t in exercise.teams if t in set(runs["team"])]
    outputs = list(exercise.outcomes) + (["cost"] if "cost" not in exercise.outcomes else [])
    by_team = {name: group.sort_values("replication").set_index("replication")
               for name, group in runs.groupby("team")}
    reference = by_team[REFERENCE]
    cells: dict[tuple[str, str], Cell] = {}
    status_quo = {o: float(reference[o].mean()) for o in outputs}
    for output in outputs:
        pairs = {t: paired(reference[output].to_numpy(), by_team[t][output].to_numpy()) for t in teams}
        best = teams[0] if teams else None
        for t in teams:
            if _better(output, pairs[t].difference, pairs[best].difference):
                best = t
        for t in teams:
            gap = paired(by_team[best][output].to_numpy(), by_team[t][output].to_numpy())
            word = verdict(output, pairs[t].difference, pairs[t].low, pairs[t].high, pairs[t].reference,
                           12 * exercise.years).word
            cells[(t, output)] = Cell(pairs[t].scenario, pairs[t].difference, pairs[t].low, pairs[t].high, word,
                                      t == best, t != best and gap.low <= 0 <= gap.high)
    counted = list(exercise.outcomes)
    dominated: dict[str, list[tuple[str, bool]]] = {}
    for t in teams:
        for other in teams:
            if other == t:
                continue
            mine = [cells[(t, o)].mean for o in counted]
            theirs = [cells[(other, o)].mean for o in counted]
            no_worse = all(not _better(o, m, th) for o, m, th in zip(counted, mine, theirs, strict=True))
            better_once = any(_better(o, th, m) for o, m, th in zip(counted, mine, theirs, strict=True))
            if no_worse and better_once:
                clearly = False
                for o in counted:
                    gap = paired(by_team[t][o].to_numpy(), by_team[other][o].to_numpy())
                    beyond = gap.high < 0 if OUTPUTS_BY_NAME[o].better == "lower" else gap.low > 0
                    clearly = clearly or beyond
                dominated.setdefault(t, []).append((other, clearly))
    front = [t for t in teams if t not in dominated]
    return Board(exercise, teams, outputs, cells, status_quo, front, dominated, exercise.replications)


def standing(board: Board, team: str) -> str:
    """Where a team stands on the front, in words."""
    if team in board.front:
        return "on the trade-off front: no other team is at least as good on every outcome that counts"
    beaten = board.dominated[team]
    clear = [name for name, clearly in beaten if clearly]
    if clear:
        return f"behind {', '.join(clear)} on every outcome that counts"
    names = ", ".join(name for name, _ in beaten)
    return f"behind {names} on every outcome that counts, but only within the noise"


def cell_text(output: str, cell: Cell, months: int) -> str:
    """A cell of the board: the difference from the status quo with its interval (money a year)."""
    return difference_words(output, cell.difference, cell.low, cell.high, months)


def package_lines(exercise: Exercise, team: str) -> list[str]:
    """A team's lever changes in words (``Lead agency for counterterrorism: the police``)."""
    levers = exercise.teams[team].levers
    if not levers:
        return ["no change from the scenario"]
    return [f"{LEVERS_BY_NAME[name].label}: {lever_value_words(LEVERS_BY_NAME[name], value)}"
            for name, value in levers.items()]


def package_toml(exercise: Exercise, team: str) -> str:
    """A team's package as a scenario file that ``ctsim run`` and ``ctsim validate`` accept."""
    package = exercise.package(team)
    lines = [f"# Team {team}'s package in the ctsim exercise '{exercise.title}' ({exercise.code}), written "
             f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC.",
             f"# Purpose: the levers the team chose, starting from the library scenario '{exercise.scenario}', "
             f"within a budget of {budget_words(exercise.budget)} above the status quo.",
             "# Assumptions and sources: those of the parent scenario (ctsim levers, docs/levers.md).",
             f'extends = "{exercise.scenario}"', f'name = "{package.name}"',
             f'description = "{package.description}"', "", "[run]", f"seed = {exercise.seed}",
             f"months = {12 * exercise.years}", "", "[levers]"]
    lines += [f"{name} = {toml_value(value)}" for name, value in exercise.teams[team].levers.items()]
    return "\n".join(lines) + "\n"


def brief_html(board: Board) -> str:
    """The board as one self-contained HTML page (the debrief's brief)."""
    ex = board.exercise
    esc = html.escape
    months = 12 * ex.years
    history = history_years(resolve_scenario(ex.scenario))
    head = "".join(f"<th>{esc(label(o))}{'' if o in ex.outcomes else ' (limited by the budget)'}<br>"
                   f"<small>{esc(unit(o))}</small></th>" for o in board.outputs)
    rows = ["<tr><td><b>status quo</b></td>"
            + "".join(f"<td>{esc(value_words(o, board.status_quo[o], months))} (its mean)</td>"
                      for o in board.outputs)
            + "<td></td></tr>"]
    for team in board.teams:
        cells = []
        for o in board.outputs:
            cell = board.cells[(team, o)]
            mark = " (best)" if cell.best else " (within the noise of the best)" if cell.near_best else ""
            cells.append(f"<td class='{cell.verdict}'>{esc(cell_text(o, cell, months))}<br><small>{cell.verdict}"
                         f"{mark}</small></td>")
        rows.append(f"<tr><td><b>{esc(team)}</b></td>{''.join(cells)}<td>{esc(standing(board, team))}</td></tr>")
    packages = "".join(f"<h3>{esc(team)}</h3><ul>{''.join(f'<li>{esc(line)}</li>' for line in package_lines(ex, team))}"
                       f"</ul><pre>{esc(package_toml(ex, team))}</pre>" for team in board.teams)
    counted = ", ".join(label(o).lower() for o in ex.outcomes)
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Debrief: {esc(ex.title)}</title>
<style>
body {{ font-family: sans-serif; margin: 2em; max-width: 70em; }}
table {{ border-collapse: collapse; }} td, th {{ border: 1px solid #bbb; padding: 0.4em; vertical-align: top; }}
td.better {{ background: #e5f5e0; }} td.worse {{ background: #fde0dd; }} pre {{ background: #f4f4f4; padding: 0.5em; }}
</style></head><body>
<h1>Debrief: {esc(ex.title)}</h1>
<p>ctsim is exploratory, not a forecaster: read these as "what if", and compare the packages, not the levels.</p>
<p>Every package started from the scenario <b>{esc(ex.scenario)}</b> and ran {ex.years} years after the {history}
history, {board.replications} times, on the same seeds and the same draws of the model's uncertain parameters as the
status quo ({esc(ex.parameters)}). Each cell is the package minus the status quo (summed over the {ex.years} years;
people held without trial and legitimacy at the end), the mean of the paired runs with its 90% interval. The
outcomes that count: {esc(counted)}. Budget: at most {esc(budget_words(ex.budget))} more than the status
quo.</p>
<table><tr><th>team</th>{head}<th>standing</th></tr>{''.join(rows)}</table>
<p><b>On the trade-off front:</b> {esc(', '.join(board.front) or 'no team')}. A gap "within the noise" is one whose 90%
interval includes zero: with these runs it could be chance.</p>
<h2>The packages</h2>{packages}
<p><small>ctsim exercise {esc(ex.code)}, opened {esc(ex.created)}; brief written {datetime.now(UTC):%Y-%m-%d %H:%M} UTC.
</small></p>
</body></html>
"""


__all__ = ["OUTCOMES", "Board", "Cell", "brief_html", "build", "package_toml", "standing"]
