"""An exercise for teams: the trainer opens it (scenario, budget, horizon, the outcomes that count), 2-8 teams join
from their browsers and each builds a package of levers within the budget and submits it; the trainer runs every
package on the same seeds and posterior draws and shows the debrief board (:mod:`.board`).

The exercise lives on disk, one folder per exercise under the ``--work`` folder (``exercises/<code>/``): its
settings, the teams and their packages in ``exercise.json`` and, once run, every run's outcomes in ``runs.csv``,
each written whole through a temporary file. Every change reads the file, changes it and writes it back under one
lock, so teams working at once do not overwrite each other, and the exercise survives a restart of the server.

Budget: a package may cost at most ``budget`` more per year than the status quo (the model's ``cost`` output, in its
unit). Before it is submitted its cost is estimated on two paired runs (:func:`estimate_cost`); it is measured on
every run when the trainer runs the packages, and the board shows it.
"""

from __future__ import annotations

import json
import re
import secrets
import threading
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from ctsim.scenarios.files import Scenario, resolve_scenario
from ctsim.scenarios.runner import run
from ctsim.storage import atomic_write

from . import settings
from .state import STATUS_QUO, DashboardError, checked, replications, scenario_choices
from .words import OUTCOMES, budget_words, extra_cost_words

MIN_TEAMS, MAX_TEAMS = 2, 8
CODE_LETTERS = "ACDEFGHJKMNPQRTUVWXY3479"  # no 0/O, 1/I/L, 2/Z, 5/S, 6/B, 8: read off a projector without doubt
REFERENCE = "status quo"  # the row every package is compared with
ESTIMATE_RUNS = 2
_NAME = re.compile(r"^[\w .'-]{1,40}$")
_locks: dict[str, threading.Lock] = {}
_locks_guard = threading.Lock()


@dataclass
class Team:
    """A team and its package.

    Attributes:
        name: the team's name (unique in the exercise, as typed).
        levers: the levers the team changed from the exercise's scenario.
        submitted: whether the package is in.
        estimate: the package's estimated extra cost per year over the status quo when last checked (None: not
            checked since the last change).
    """

    name: str
    levers: dict[str, Any] = field(default_factory=dict)
    submitted: bool = False
    estimate: float | None = None


@dataclass
class Exercise:
    """An exercise's settings, teams and where it stands.

    Attributes:
        code: the join code teams type (also the folder's name).
        title: one line for the room.
        scenario: the library scenario every package starts from.
        budget: the most a package may cost per year above the status quo (the ``cost`` output's unit).
        years: the horizon after the 2013-2024 history.
        outcomes: the outcomes that count (of :data:`.words.OUTCOMES`).
        replications: runs per package (and of the status quo), on the same seeds and posterior draws.
        seed: the root seed of the replications.
        teams: the teams by name, in the order they joined.
        stage: ``open`` (teams build and submit), ``running`` or ``debrief`` (the board is ready).
        created: when it was opened (UTC).
        parameters: which parameter values the runs used (one line, after the run).
    """

    code: str
    title: str
    scenario: str
    budget: float
    years: int
    outcomes: list[str]
    replications: int = 10
    seed: int = 20250101
    teams: dict[str, Team] = field(default_factory=dict)
    stage: str = "open"
    created: str = ""
    parameters: str = ""

    def to_json(self) -> str:
        return json.dumps({**asdict(self), "teams": [asdict(t) for t in self.teams.values()]}, indent=2)

    @classmethod
    def from_json(cls, text: str) -> Exercise:
        data = json.loads(text)
        teams = {t["name"]: Team(**t) for t in data.pop("teams")}
        return cls(**data, teams=teams)

    def package(self, team: str) -> Scenario:
        """A team's package as a scenario: the exercise's scenario with the team's levers, over the horizon."""
        base = resolve_scenario(self.scenario)
        levers = self.teams[team].levers
        return replace(base, name=_file_name(team), levers={**base.levers, **levers}, months=12 * self.years,
                       seed=self.seed, description=f"Team {team}'s package in the exercise '{self.title}'")

    def reference(self) -> Scenario:
        """The status quo over the horizon."""
        return replace(resolve_scenario(STATUS_QUO), months=12 * self.years, seed=self.seed)


def _file_name(team: str) -> str:
    return "team_" + re.sub(r"[^a-z0-9]+", "_", team.lower()).strip("_")


def folder() -> Path:
    """Where exercises live: ``<--work>/exercises``."""
    return settings.work_folder() / "exercises"


def _lock(code: str) -> threading.Lock:
    with _locks_guard:
        return _locks.setdefault(code, threading.Lock())


def _path(code: str) -> Path:
    if not re.fullmatch(f"[{CODE_LETTERS}]{{4}}", code or ""):
        raise DashboardError(f"'{code}' is not an exercise code: four letters and digits, as the trainer's screen "
                             f"shows them")
    return folder() / code / "exercise.json"


def load(code: str) -> Exercise:
    """The exercise with join code ``code``.

    Raises:
        DashboardError: no such exercise (the message says to check the code).
    """
    code = (code or "").strip().upper()
    path = _path(code)
    if not path.is_file():
        raise DashboardError(f"there is no exercise with the code {code}: check the code on the trainer's screen")
    return Exercise.from_json(path.read_text())


def _save(exercise: Exercise) -> None:
    path = _path(exercise.code)
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(path, lambda p: p.write_text(exercise.to_json()))


def change(code: str, action: Callable[[Exercise], Any]) -> Any:
    """Read the exercise, apply ``action`` to it and write it back, under the exercise's lock; returns what the
    action returned."""
    with _lock(code):
        exercise = load(code)
        out = action(exercise)
        _save(exercise)
        return out


def listing() -> list[Exercise]:
    """The exercises on disk, newest first."""
    found = []
    for path in sorted(folder().glob("*/exercise.json")):
        try:
            found.append(Exercise.from_json(path.read_text()))
        except (ValueError, KeyError, TypeError):
            continue  # a file that is not an exercise of this version is left alone
    return sorted(found, key=lambda e: e.created, reverse=True)


def open_exercise(title: str, scenario: str, budget: float, years: int, outcomes: list[str], replications: int = 10,
                  seed: int = 20250101) -> Exercise:
    """Open a new exercise and write it to disk.

    Raises:
        DashboardError: for settings that cannot make an exercise (the message says what would).
    """
    if scenario not in scenario_choices():
        raise DashboardError(f"unknown scenario '{scenario}'; choose one of: {', '.join(scenario_choices())}")
    if not budget >= 0:
        raise DashboardError(f"the budget must be 0 or more (extra cost per year over the status quo); got {budget}")
    if not 1 <= years <= 30:
        raise DashboardError(f"the horizon must be between 1 and 30 years; got {years}")
    counted = [o for o in OUTCOMES if o in outcomes]
    if not counted:
        raise DashboardError("choose at least one outcome that counts")
    if not 3 <= replications <= 50:
        raise DashboardError(f"runs per package must be between 3 and 50 (an interval needs a few); got "
                             f"{replications}")
    folder().mkdir(parents=True, exist_ok=True)
    while True:
        code = "".join(secrets.choice(CODE_LETTERS) for _ in range(4))
        if not (folder() / code).exists():
            break
    exercise = Exercise(code, title.strip() or "Exercise", scenario, float(budget), int(years), counted,
                        int(replications), int(seed), created=datetime.now(UTC).isoformat(timespec="seconds"))
    with _lock(code):
        _save(exercise)
    return exercise


def join(code: str, team: str) -> Exercise:
    """Team ``team`` joins (or comes back to) exercise ``code``.

    Raises:
        DashboardError: a bad name, a full exercise, or one no longer open to teams.
    """
    team = " ".join((team or "").split())
    if not _NAME.match(team) or team.lower() == REFERENCE:
        raise DashboardError("a team name is 1 to 40 letters, digits, spaces, dots, apostrophes or dashes (and not "
                             "'status quo')")

    def add(exercise: Exercise) -> Exercise:
        if team in exercise.teams:
            return exercise
        if exercise.stage != "open":
            raise DashboardError("this exercise is closed to new teams: the trainer has run the packages")
        if len(exercise.teams) >= MAX_TEAMS:
            raise DashboardError(f"this exercise already has {MAX_TEAMS} teams, the most it takes")
        exercise.teams[team] = Team(team)
        return exercise

    return change(code, add)


def set_lever(code: str, team: str, name: str, value: Any) -> Exercise:
    """Change a lever of a team's package (this withdraws a submission: the package must be checked again)."""
    value = checked(name, value)

    def apply(exercise: Exercise) -> Exercise:
        _open_for(exercise, team)
        base = resolve_scenario(exercise.scenario).policy().as_dict()
        levers = exercise.teams[team].levers
        if base[name] == value:
            levers.pop(name, None)
        else:
            levers[name] = value
        exercise.teams[team].submitted = False
        exercise.teams[team].estimate = None
        return exercise

    return change(code, apply)


def _open_for(exercise: Exercise, team: str) -> None:
    if team not in exercise.teams:
        raise DashboardError(f"team '{team}' has not joined this exercise")
    if exercise.stage != "open":
        raise DashboardError("the trainer has run the packages: they can no longer change")


def estimate_cost(exercise: Exercise, team: str) -> float:
    """The package's extra cost per year over the status quo, on :data:`ESTIMATE_RUNS` paired runs (point
    calibration: the estimate is of the levers' cost, not of parameter uncertainty)."""
    from ctsim.calibration.parameter_sets import choose

    reps = replications(exercise.seed, ESTIMATE_RUNS, choose(True))
    package, reference = exercise.package(team), exercise.reference()
    extra = 0.0
    for rep in reps:
        extra += run(package, rep.seed).summary["cost"] - run(reference, rep.seed).summary["cost"]
    return extra / len(reps) / exercise.years


def submit(code: str, team: str) -> Exercise:
    """Check the package's cost and submit it.

    Raises:
        DashboardError: when the package costs more than the budget (the message gives both).
    """
    exercise = load(code)
    _open_for(exercise, team)
    cost = estimate_cost(exercise, team)

    def apply(exercise: Exercise) -> Exercise:
        _open_for(exercise, team)
        exercise.teams[team].estimate = cost
        if cost > exercise.budget:
            exercise.teams[team].submitted = False
            return exercise
        exercise.teams[team].submitted = True
        return exercise

    exercise = change(code, apply)
    if not exercise.teams[team].submitted:
        raise DashboardError(f"the package costs about {extra_cost_words(cost)}, over the budget of "
                             f"{budget_words(exercise.budget)} more: lower a costly lever and "
                             f"submit again")
    return exercise


def check_cost(code: str, team: str) -> Exercise:
    """Estimate the package's extra cost and keep it (without submitting)."""
    exercise = load(code)
    _open_for(exercise, team)
    cost = estimate_cost(exercise, team)

    def apply(exercise: Exercise) -> Exercise:
        exercise.teams[team].estimate = cost
        return exercise

    return change(code, apply)


def _run_one(task: tuple[str, Scenario, int, Any, dict | None]) -> tuple[str, int, dict]:
    name, scenario, replication, seed, draw = task
    return name, replication, run(scenario, seed, draw=draw).summary


def run_packages(code: str, workers: int = 2, on_progress: Callable[[int, int], None] | None = None,
                 point: bool = False) -> pd.DataFrame:
    """Run every submitted package and the status quo, replication ``r`` of each on the same seed and posterior
    draw, write ``runs.csv`` beside the exercise and open the debrief; returns the runs.

    Raises:
        DashboardError: fewer than :data:`MIN_TEAMS` submitted packages, or posterior draws that cannot be used.
    """
    from ctsim.calibration.parameter_sets import DrawsError, choose
    from ctsim.experiments.executors import ExecutorSpec, replicate

    exercise = load(code)
    teams = [t.name for t in exercise.teams.values() if t.submitted]
    if len(teams) < MIN_TEAMS:
        raise DashboardError(f"{len(teams)} package(s) submitted: the debrief needs at least {MIN_TEAMS}")
    try:
        parameters = choose(point)
    except DrawsError as exc:
        raise DashboardError(f"{exc}; or run the packages on the point calibration") from None
    change(code, lambda e: setattr(e, "stage", "running"))
    try:
        reps = replications(exercise.seed, exercise.replications, parameters)
        scenarios = [(REFERENCE, exercise.reference())] + [(team, exercise.package(team)) for team in teams]
        tasks = [(name, scenario, rep.index, rep.seed, rep.draw) for name, scenario in scenarios for rep in reps]
        kind = "processes" if workers > 1 else "serial"
        results = replicate(_run_one, tasks, ExecutorSpec(kind=kind, workers=workers), on_progress=on_progress)
        runs = pd.DataFrame([{"team": name, "replication": r, **{o: summary[o] for o in OUTCOMES}}
                             for name, r, summary in results])
        path = folder() / code / "runs.csv"
        atomic_write(path, lambda p: runs.to_csv(p, index=False))
    except BaseException:
        change(code, lambda e: setattr(e, "stage", "open"))
        raise

    def finish(exercise: Exercise) -> None:
        exercise.stage = "debrief"
        exercise.parameters = parameters.label()

    change(code, finish)
    return runs


def runs_of(code: str) -> pd.DataFrame | None:
    """The runs of an exercise that has been run (None before)."""
    path = folder() / code / "runs.csv"
    return pd.read_csv(path) if path.is_file() else None


def reopen(code: str) -> Exercise:
    """Back from the debrief to building packages (the runs are kept until the packages are run again)."""
    return change(code, lambda e: setattr(e, "stage", "open") or e)
