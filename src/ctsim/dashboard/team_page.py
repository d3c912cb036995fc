"""The team page (``/team``): join an exercise with its code and a team name, build a package of levers within the
budget, check its cost and submit it. It holds no model (a cost check runs two paired runs and lets them go), so a
room of teams costs the server little. Coming back with the same code and name takes up the team's package again,
also after a restart of the server (the exercise lives on disk)."""

from __future__ import annotations

import html

import solara

from ctsim.scenarios.files import resolve_scenario

from . import exercise as ex
from .controls import LeverPanel
from .exercise_view import FileWatch
from .state import DashboardError
from .widgets import Note, describe_failure
from .words import budget_words, extra_cost_words, label

CSS = """
.ctsim-team { max-width: 900px; margin: 0 auto; padding: 10px; font-size: 15px; }
"""


@solara.component
def TeamPage():  # noqa: N802 (Solara components are CamelCase)
    """Join, build, check, submit."""
    code = solara.use_reactive("")
    name = solara.use_reactive("")
    joined = solara.use_reactive(None)  # (code, team) once joined
    message = solara.use_reactive(None)
    tick = solara.use_reactive(0)
    solara.Title("ctsim exercise: team")
    solara.Style(CSS)

    def act(action) -> None:
        try:
            action()
            message.set(None)
        except Exception as exc:
            message.set(describe_failure(exc))
        tick.set(tick.value + 1)

    def join() -> None:
        def go():
            exercise = ex.join(code.value.strip().upper(), name.value)
            team = " ".join(name.value.split())
            joined.set((exercise.code, team))
        act(go)

    with solara.Column(classes=["ctsim-team"]):
        solara.Text("ctsim exercise: your team's package", style={"font-weight": "600", "font-size": "1.3em"})
        if message.value:
            solara.Error(message.value, classes=["ctsim-error"])
        if joined.value is None:
            Note("Type the code on the trainer's screen and your team's name.")
            solara.InputText("Exercise code", value=code, classes=["ctsim-team-code"])
            solara.InputText("Team name", value=name, classes=["ctsim-team-name"])
            solara.Button("Join", color="primary", on_click=join, classes=["ctsim-team-join"])
            return
        exercise_code, team = joined.value
        tick.value  # noqa: B018 (reading subscribes)
        FileWatch(ex.folder() / exercise_code / "exercise.json", tick)
        try:
            exercise = ex.load(exercise_code)
        except DashboardError as exc:
            solara.Error(str(exc))
            return
        mine = exercise.teams.get(team)
        if mine is None:
            solara.Error("Your team is no longer in this exercise; join again.")
            return
        counted = ", ".join(label(o).lower() for o in exercise.outcomes)
        Note(f"<b>{html.escape(exercise.title)}</b> ({exercise.code}), team <b class='ctsim-team-named'>"
             f"{html.escape(team)}</b>. You start from the scenario <b>{html.escape(exercise.scenario)}</b> and "
             f"may spend up to <b>{html.escape(budget_words(exercise.budget))}</b> more than the status "
             f"quo, over {exercise.years} years. What counts: {html.escape(counted)}.", "1em")
        if exercise.stage != "open":
            Note("<b class='ctsim-team-closed'>The trainer has run the packages</b>: look at the board on the "
                 "projector.", "1.1em")
        status = ("submitted" if mine.submitted else "not submitted yet")
        estimate = "" if mine.estimate is None else f"; it costs about {extra_cost_words(mine.estimate)}"
        Note(f"Your package: <b class='ctsim-team-status'>{status}</b>{html.escape(estimate)}.")
        if exercise.stage == "open":
            base = resolve_scenario(exercise.scenario).policy().as_dict()
            values = {**base, **mine.levers}

            def set_lever(lever, value) -> None:
                act(lambda: ex.set_lever(exercise_code, team, lever, value))

            with solara.Row(style={"flex-wrap": "wrap"}):
                solara.Button("Check the cost", outlined=True,
                              on_click=lambda: act(lambda: ex.check_cost(exercise_code, team)),
                              classes=["ctsim-team-check"])
                solara.Button("Submit the package", color="primary", disabled=mine.submitted,
                              on_click=lambda: act(lambda: ex.submit(exercise_code, team)),
                              classes=["ctsim-team-submit"])
            Note("Checking the cost or submitting runs the package twice against the status quo: a few seconds.",
                 "0.85em")
            Note("Changing a lever withdraws a submitted package: submit it again when you are done.", "0.85em")
            LeverPanel(values, set_lever, False)
