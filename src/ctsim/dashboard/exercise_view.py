"""The Exercise tab, the trainer's side of an exercise: open one (or take up one kept on disk), watch the teams
join and submit, run every package on the same seeds and posterior draws, and show the debrief board.

Only the trainer's own computer runs the packages and shows the board: a browser on the room's network (a team at
``/team``, or a trainee who opened ``/``) sees the exercise's state but not its controls (:func:`.guard.client_of`).
"""

from __future__ import annotations

import html

import solara
import solara.lab

from . import board as boards
from . import exercise as ex
from .guard import client_of, is_loopback
from .state import DashboardError, DashboardSession, scenario_choices
from .widgets import Note, describe_failure
from .words import OUTCOMES, budget_words, extra_cost_words, label, unit

RUN_WORKERS = 2


def trainer_here() -> bool:
    """Whether this tab was opened on the server's own computer (unknown outside the server: tests)."""
    client = client_of(solara.get_kernel_id())
    return client is None or is_loopback(client)


@solara.lab.task(prefer_threaded=True)
def run_task(code: str, point: bool = False):
    """Run an exercise's packages in the background."""

    def progressed(done: int, total: int) -> None:
        run_task.progress = 100.0 * done / total

    run_task.progress = 0.0
    return ex.run_packages(code, workers=RUN_WORKERS, on_progress=progressed, point=point)


@solara.component
def OpenForm(session: DashboardSession, opened: solara.Reactive[str | None]):  # noqa: N802 (Solara components are CamelCase)
    """The settings of a new exercise, and the exercises kept on disk."""
    title = solara.use_reactive("Counterterrorism packages")
    scenario = solara.use_reactive(session.scenario.name)
    budget = solara.use_reactive(50.0)  # Rs bn a year
    years = solara.use_reactive(10)
    runs = solara.use_reactive(10)
    counted = solara.use_reactive(list(OUTCOMES))
    problem = solara.use_reactive(None)

    def open_new() -> None:
        try:
            made = ex.open_exercise(title.value, scenario.value, float(budget.value) * 1e9, int(years.value),
                                    [o for o in OUTCOMES if o in counted.value], int(runs.value), session.seed)
        except (DashboardError, ValueError, TypeError) as exc:
            problem.set(describe_failure(exc) if isinstance(exc, DashboardError) else f"check the numbers: {exc}")
            return
        problem.set(None)
        opened.set(made.code)

    Note("An exercise for 2 to 8 teams: each builds a package of levers within the budget from their own browser "
         "and submits it; you run every package on the same seeds and parameter draws and debrief on the board.")
    with solara.Row(style={"flex-wrap": "wrap", "align-items": "center"}):
        solara.InputText("Title", value=title, classes=["ctsim-ex-title"])
        solara.Select(label="Teams start from", value=scenario, values=scenario_choices(),
                      classes=["ctsim-ex-scenario"])
        solara.InputFloat("Budget: extra cost over the status quo (Rs bn a year)", value=budget,
                          classes=["ctsim-ex-budget"])
        solara.InputInt("Years", value=years, classes=["ctsim-ex-years"])
        solara.InputInt("Runs per package", value=runs, classes=["ctsim-ex-runs"])
    solara.SelectMultiple("Outcomes that count", values=counted, all_values=list(OUTCOMES),
                          classes=["ctsim-ex-outcomes"])
    Note("Outcomes: " + "; ".join(f"<i>{o}</i> is {html.escape(label(o).lower())}" for o in OUTCOMES), "0.8em")
    solara.Button("Open the exercise", color="primary", on_click=open_new, classes=["ctsim-ex-open"])
    if problem.value:
        solara.Error(problem.value, classes=["ctsim-ex-problem"])
    kept = ex.listing()
    if kept:
        Note("<b>Exercises kept on disk</b> (they survive a restart of the server):")
        with solara.Row(style={"flex-wrap": "wrap"}):
            for item in kept[:8]:
                solara.Button(f"{item.code}: {item.title} ({len(item.teams)} teams, {item.stage})", text=True,
                              on_click=lambda code=item.code: opened.set(code), classes=["ctsim-ex-resume"])


@solara.component
def BoardView(exercise: ex.Exercise):  # noqa: N802 (Solara components are CamelCase)
    """The debrief board."""
    runs = ex.runs_of(exercise.code)
    if runs is None:
        solara.Warning("The packages have not been run yet.")
        return
    board = boards.build(exercise, runs)
    head = "".join(f"<th>{html.escape(label(o))}{'' if o in exercise.outcomes else ' (budget only)'}<br>"
                   f"<small>{html.escape(unit(o))}</small></th>" for o in board.outputs)
    rows = []
    for team in board.teams:
        cells = []
        for o in board.outputs:
            cell = board.cells[(team, o)]
            mark = " · best" if cell.best else " · within the noise of the best" if cell.near_best else ""
            cells.append(f"<td><span class='ctsim-verdict ctsim-verdict-{cell.verdict}'>{cell.verdict}</span>"
                         f"{mark}<br>{html.escape(boards.cell_text(o, cell, 12 * exercise.years))}</td>")
        front = "ctsim-front" if team in board.front else "ctsim-behind"
        rows.append(f"<tr class='ctsim-board-row {front}'><td><b>{html.escape(team)}</b></td>{''.join(cells)}"
                    f"<td>{html.escape(boards.standing(board, team))}</td></tr>")
    Note(f"<div class='ctsim-board'><p><b>Debrief: {html.escape(exercise.title)}</b>. Each cell: the package minus "
         f"the status quo, mean of {board.replications} paired runs with its 90% interval "
         f"({html.escape(exercise.parameters)}).</p><table class='ctsim-board-table'><tr><th>team</th>{head}"
         f"<th>standing</th></tr>{''.join(rows)}</table><p><b>On the trade-off front:</b> "
         f"{html.escape(', '.join(board.front))}.</p></div>", "0.95em")
    with solara.Row(style={"flex-wrap": "wrap"}):
        with solara.Div(classes=["ctsim-brief"]):
            solara.FileDownload(lambda: boards.brief_html(board).encode(), filename=f"debrief_{exercise.code}.html",
                                label="Download the debrief (HTML brief)")
        for team in board.teams:
            solara.FileDownload(boards.package_toml(exercise, team).encode(),
                                filename=f"{ex._file_name(team)}.toml", label=f"{team}'s package (TOML)")


@solara.component
def FileWatch(path, tick: solara.Reactive[int], every_s: float = 1.5):  # noqa: N802 (Solara components are CamelCase)
    """Bump ``tick`` whenever ``path`` changes on disk (teams write the exercise from their own sessions)."""

    def watch(cancel) -> None:
        seen = None
        while not cancel.wait(every_s):  # set when the view leaves the page
            try:
                stamp = path.stat().st_mtime_ns
            except OSError:
                stamp = None
            if seen is not None and stamp != seen:
                tick.set(tick.value + 1)
            seen = stamp

    solara.use_thread(watch, dependencies=[str(path)], intrusive_cancel=False)


@solara.component
def ExerciseView(session: DashboardSession):  # noqa: N802 (Solara components are CamelCase)
    """Open an exercise, follow the teams, run the packages, show the board."""
    opened = solara.use_reactive(None)
    tick = solara.use_reactive(0)
    problem = solara.use_reactive(None)
    point = solara.use_reactive(False)
    here = trainer_here()
    if opened.value is None:
        if not here:
            Note("Exercises are opened and run from the trainer's own computer. To join one as a team, open "
                 "<a href='/team'>/team</a> on this server.")
            return
        OpenForm(session, opened)
        return
    try:
        exercise = ex.load(opened.value)
    except DashboardError as exc:
        solara.Error(str(exc))
        return
    tick.value  # noqa: B018 (reading subscribes: a team that joins or submits shows within seconds)
    FileWatch(ex.folder() / exercise.code / "exercise.json", tick)
    submitted = [t for t in exercise.teams.values() if t.submitted]
    Note(f"<div class='ctsim-ex-join'><b>{html.escape(exercise.title)}</b>: teams open <b>/team</b> on this server "
         f"and type the code <b class='ctsim-ex-code' style='font-size: 1.6em; letter-spacing: 0.1em'>"
         f"{exercise.code}</b>. Start: {html.escape(exercise.scenario)}; budget "
         f"{html.escape(budget_words(exercise.budget))} over the status quo; {exercise.years} years; "
         f"counting {html.escape(', '.join(label(o).lower() for o in exercise.outcomes))}.</div>", "1em")
    items = "".join(f"<li class='ctsim-ex-team'>{html.escape(t.name)}: "
                    f"{'submitted' if t.submitted else 'building'}"
                    f"{'' if t.estimate is None else '; ' + html.escape(extra_cost_words(t.estimate))}"
                    f"</li>" for t in exercise.teams.values())
    Note(f"<b>Teams</b> ({len(exercise.teams)} joined, {len(submitted)} submitted):<ul>{items or '<li>none yet</li>'}"
         f"</ul>")

    def run_all() -> None:
        if len(submitted) < ex.MIN_TEAMS:
            problem.set(f"{len(submitted)} package(s) submitted: the debrief needs at least {ex.MIN_TEAMS}")
            return
        problem.set(None)
        run_task(exercise.code, point.value)

    with solara.Row(style={"flex-wrap": "wrap", "align-items": "center"}):
        solara.Button("Refresh", icon_name="mdi-refresh", on_click=lambda: tick.set(tick.value + 1),
                      classes=["ctsim-ex-refresh"])
        if here and exercise.stage == "open":
            solara.Button(f"Run every package ({exercise.replications} runs each, same seeds and draws)",
                          color="primary", on_click=run_all, disabled=run_task.pending, classes=["ctsim-ex-run"])
            solara.Checkbox(label="point calibration", value=point)
        if here and exercise.stage == "debrief":
            solara.Button("Reopen for changes", outlined=True, on_click=lambda: (ex.reopen(exercise.code),
                                                                                 tick.set(tick.value + 1)))
        solara.Button("Close (back to the list)", text=True, on_click=lambda: opened.set(None))
    if problem.value:
        solara.Error(problem.value, classes=["ctsim-ex-problem"])
    if run_task.pending:
        solara.ProgressLinear(run_task.progress or True)
        solara.Text(f"Running the packages: {run_task.progress or 0:.0f}% of the runs done.",
                    classes=["ctsim-ex-progress"])
    elif run_task.error:
        solara.Error(f"The runs failed: {describe_failure(run_task.exception)}")
    if exercise.stage == "debrief":
        BoardView(exercise)
