"""The trainers' page: pick a scenario and a seed, press play, change levers while the model runs, compare two
policies with uncertainty, export the settings.

Built on Solara, the library Mesa's ``SolaraViz`` renders with, and laid out as ``SolaraViz`` is (controls in the
sidebar, views in tabs). ``SolaraViz`` itself is not used as the page: its Reset rebuilds a model by calling the model
class with keyword arguments, which would drop the 2022-2024 history that :func:`ctsim.scenarios.runner.build_model`
runs, and its parameter inputs cannot change a running model. Each browser tab gets its own Solara kernel and so its
own :class:`.state.DashboardSession`: two trainees never step each other's model. Whatever a user does wrong ends in a
message in the page; an unexpected failure is logged on the server and reported in one line, never as a traceback.
Play steps the next month only once the browser has drawn the last one (:mod:`.pacing`), so Pause takes effect
within a month of the one on the screen, however slowly the browser draws.
"""

from __future__ import annotations

import html
import logging
import time

import solara
import solara.lab

from ctsim.declarations.outputs import OUTPUTS_BY_NAME

from . import views
from .compare import (
    CURRENT,
    DEFAULT_REPLICATIONS,
    CompareResult,
    check_settings,
    parameter_set,
    policy_scenario,
    run_comparison,
)
from .controls import LeverPanel
from .export import charts_png, scenario_toml
from .pacing import DRAW_TIMEOUT_S, PAGE_GATE, DrawGate
from .state import MAP_MEASURES, DashboardError, DashboardSession, parse_seed, scenario_choices
from .widgets import LiveChart, MonthLabel

log = logging.getLogger("ctsim.dashboard")


def Note(text: str, size: str = "0.85em"):  # noqa: N802 (reads like a component)
    """A short paragraph of HTML. Solara's Markdown is avoided: it loads KaTeX, which solara-assets does not ship."""
    return solara.HTML(tag="div", unsafe_innerHTML=text, style={"font-size": size, "margin": "4px 0"})


PLAY_INTERVAL_MS = 150  # at least this between months while playing; more when the page draws slower (.pacing)
COMPARE_WORKERS = 2  # processes per comparison: the 2-core classroom laptop the brief names


def describe_failure(exc: BaseException) -> str:
    """One line for the page: the message of an error the user can act on, or a plain report of a fault."""
    if isinstance(exc, DashboardError):
        return str(exc)
    log.exception("dashboard action failed", exc_info=exc)
    return (f"Something went wrong ({type(exc).__name__}: {exc}). The server log has the details; "
            f"Reset the run or reload the page to carry on.")


@solara.lab.task(prefer_threaded=True)
def compare_task(reference: str, other: str, replications: int, years: int, seed: int,
                 session: DashboardSession, point: bool = False) -> CompareResult:
    """Run a comparison in the background, reporting progress as a percentage."""

    def progressed(done: int, total: int) -> None:
        compare_task.progress = 100.0 * done / total

    compare_task.progress = 0.0
    return run_comparison(policy_scenario(reference, session), policy_scenario(other, session), replications,
                          years, seed, workers=COMPARE_WORKERS, on_progress=progressed, point=point)


@solara.component
def Message(message: solara.Reactive[str | None]):  # noqa: N802 (Solara components are CamelCase)
    """The last problem, in the page, until dismissed."""
    if message.value:
        with solara.Row(style={"align-items": "center"}):
            solara.Error(message.value, classes=["ctsim-error"])
            solara.Button("Dismiss", text=True, on_click=lambda: message.set(None))


@solara.component
def Figure(chart_builder, label: str, version: object = None, frame: int = 0):  # noqa: N802 (Solara components are CamelCase)
    """A chart, or a message saying it could not be drawn.

    ``version`` must change whenever the chart should: Reacton treats two lambdas with the same code and the same
    captured objects as equal, so a builder that reads a session (the same object every month) would not be rerun.
    ``frame`` (the page's revision) makes play wait until the browser has drawn the chart (:mod:`.pacing`); 0 for
    a chart that does not follow the run.
    """
    gate = solara.use_context(PAGE_GATE)
    try:
        chart = chart_builder()
    except Exception as exc:  # a view must not take the page down
        solara.Error(f"The {label} could not be drawn: {describe_failure(exc)}")
        return
    LiveChart.element(spec=views.spec(chart), frame=frame, gate=gate if frame else None)


@solara.component
def RunControls(session: DashboardSession, revision: solara.Reactive[int], playing: solara.Reactive[bool],  # noqa: N802 (Solara components are CamelCase)
                act, gate: DrawGate):
    """Play, pause, step and reset, with where the run stands.

    ``gate`` comes as an argument, not from :data:`.pacing.PAGE_GATE`: Solara's sidebar renders its children in the
    layout above the page, outside the page's contexts.
    """
    frame = revision.value  # reading subscribes: redrawn every month
    at_end = session.scenario_month >= session.horizon

    def step(months: int) -> None:
        act(lambda: session.step(months))

    with solara.Row(gap="6px", style={"flex-wrap": "wrap"}):
        solara.Button("Pause" if playing.value else "Play", icon_name="mdi-pause" if playing.value else "mdi-play",
                      color="primary", on_click=lambda: playing.set(not playing.value), disabled=at_end,
                      classes=["ctsim-play"])
        solara.Button("Step 1 month", on_click=lambda: step(1), disabled=playing.value or at_end,
                      classes=["ctsim-step1"])
        solara.Button("Step 12 months", on_click=lambda: step(12), disabled=playing.value or at_end,
                      classes=["ctsim-step12"])
        solara.Button("Reset", on_click=lambda: act(session.reset), disabled=playing.value, classes=["ctsim-reset"])
    MonthLabel.element(label=session.month_label(), month=session.scenario_month, horizon=session.horizon,
                       frame=frame, gate=gate)


@solara.component
def ScenarioCard(session: DashboardSession, revision: solara.Reactive[int], act, disabled: bool):  # noqa: N802 (Solara components are CamelCase)
    """Scenario picker (with each scenario's description) and the seed."""
    revision.value  # noqa: B018 (reading subscribes: a reload elsewhere shows here)
    seed_text = solara.use_reactive(str(session.seed))

    def choose(name: str) -> None:
        act(lambda: session.load(name, session.seed))

    def reseed(text: str) -> None:
        seed_text.set(text)
        act(lambda: session.load(session.scenario.name, text))

    with solara.Card("Scenario", margin=0, classes=["ctsim-scenario"]):
        solara.Select(label="Scenario from the library", value=session.scenario.name, values=scenario_choices(),
                      on_value=choose, disabled=disabled)
        Note(f"<i class='ctsim-description'>{html.escape(session.scenario.description or 'No description.')}</i>")
        solara.InputText("Seed (whole number; press Enter)", value=seed_text.value, on_value=reseed,
                         continuous_update=False, disabled=disabled, classes=["ctsim-seed"])
        solara.Text(f"Seed in use: {session.seed}", style={"font-size": "0.8em"})


@solara.component
def PolicyConsole(session: DashboardSession, revision: solara.Reactive[int], act, disabled: bool):  # noqa: N802 (Solara components are CamelCase)
    """Change of government, undo, and every lever (applied from the next month)."""
    revision.value  # noqa: B018 (reading subscribes: a reverted lever shows at once)
    levers = tuple(session.levers.items())  # the lever inputs redraw only when a value changed
    def set_lever(name, value) -> None:
        act(lambda: session.set_lever(name, value))

    with solara.Card("Policy console", margin=0, classes=["ctsim-console"]):
        solara.Text("Changes apply from the next month and are marked on the charts.", style={"font-size": "0.8em"})
        with solara.Row(gap="6px", style={"flex-wrap": "wrap"}):
            solara.Button("Change of government now", color="error", outlined=True,
                          on_click=lambda: act(session.change_government), classes=["ctsim-government"])
            solara.Button("Undo to scenario", outlined=True, on_click=lambda: act(session.undo),
                          classes=["ctsim-undo"])
        Note("A change of government keeps each changed lever with the probability <i>Chance a policy survives a "
             "change of government</i> (all of them with cross-party ownership).", "0.8em")
        LeverPanel(dict(levers), set_lever, disabled)


@solara.component
def RunView(session: DashboardSession, revision: solara.Reactive[int]):  # noqa: N802 (Solara components are CamelCase)
    """The map and the national charts."""
    version = revision.value  # reading subscribes: redrawn every month, without the rest of the page
    measure = solara.use_reactive("attacks_12m")
    national = session.national([*views.SERIES, *views.FORCES])
    start = session.model.start
    history = views.history_frame(start, session.history_months)
    events = views.events_frame(session.events, start)
    end = (start + session.history_months + session.horizon - 1).to_timestamp()
    with solara.Row(style={"flex-wrap": "wrap", "align-items": "flex-start"}):
        with solara.Column(style={"min-width": "440px"}):
            labels = {label: key for key, (label, _) in MAP_MEASURES.items()}
            solara.Select(label="Colour the districts by", value=MAP_MEASURES[measure.value][0],
                          values=list(labels), on_value=lambda label: measure.set(labels[label]),
                          classes=["ctsim-measure"])
            with solara.Div(classes=["ctsim-map"]):
                Note(f"<b>{session.month_label()}</b>: hover over a district for its figures")
                Figure(lambda: views.district_map(session.districts(), measure.value),
                       "district map", (version, measure.value), frame=version)
        with solara.Div(classes=["ctsim-charts"]):
            Figure(lambda: views.national_charts(national, history, events, end), "national charts", version,
                   frame=version)
            Figure(lambda: views.mix_chart(national, history, events, end), "deployment mix", version, frame=version)


@solara.component
def RegionView(session: DashboardSession, revision: solara.Reactive[int]):  # noqa: N802 (Solara components are CamelCase)
    """One output by region."""
    version = revision.value  # reading subscribes: redrawn every month
    output = solara.use_reactive("attacks")
    _, regional = session.frames()
    start = session.model.start
    end = (start + session.history_months + session.horizon - 1).to_timestamp()
    solara.ToggleButtonsSingle(value=output, values=list(views.REGIONAL_SERIES))
    Figure(lambda: views.regional_chart(regional, output.value, views.history_frame(start, session.history_months),
                                        views.events_frame(session.events, start), end), "regional chart",
           (version, output.value), frame=version)
    solara.Text(OUTPUTS_BY_NAME[output.value].meaning)


@solara.component
def CompareView(session: DashboardSession):  # noqa: N802 (Solara components are CamelCase)
    """Two policies side by side as ensembles, in the background."""
    choices = [CURRENT, *scenario_choices()]
    reference = solara.use_reactive("baseline")
    other = solara.use_reactive(CURRENT)
    replications = solara.use_reactive(DEFAULT_REPLICATIONS)
    years = solara.use_reactive(10)
    seed_text = solara.use_reactive("0")
    point = solara.use_reactive(False)
    problem = solara.use_reactive(None)

    def start() -> None:
        try:
            check_settings(int(replications.value), int(years.value))
            seed = parse_seed(seed_text.value, 0)
            policy_scenario(reference.value, session)  # fail here, in the page, not in the background
            policy_scenario(other.value, session)
            parameter_set(point.value)  # stale or missing posterior draws: say so now, with the remedy
        except (DashboardError, ValueError, TypeError) as exc:
            problem.set(describe_failure(exc) if isinstance(exc, DashboardError) else f"check the numbers: {exc}")
            return
        problem.set(None)
        compare_task(reference.value, other.value, int(replications.value), int(years.value), seed, session,
                     point.value)

    Note("Each policy runs as a small ensemble: the same seeds for both (common random numbers), so the "
         "paired difference shows the policy's effect with much of the chance removed. Run <i>r</i> of both "
         "policies also takes the same draw of the model's uncertain parameters (the calibration's posterior), so "
         "the bands show what the model does not know about itself as well as chance; tick <i>point "
         "calibration</i> for one central parameter set (bands of chance alone). <i>Current settings</i> is the "
         "scenario, levers and changes of the run in the other tabs.")
    with solara.Row(style={"flex-wrap": "wrap"}):
        solara.Select(label="Policy A (reference)", value=reference, values=choices, classes=["ctsim-policy-a"])
        solara.Select(label="Policy B", value=other, values=choices, classes=["ctsim-policy-b"])
        solara.InputInt("Replications each", value=replications, classes=["ctsim-replications"])
        solara.InputInt("Years after 2023", value=years, classes=["ctsim-years"])
        solara.InputText("Seed", value=seed_text, classes=["ctsim-compare-seed"])
        solara.Checkbox(label="point calibration (no parameter uncertainty)", value=point)
        solara.Button("Run comparison", color="primary", on_click=start, disabled=compare_task.pending,
                      classes=["ctsim-compare-run"])
    if problem.value:
        solara.Error(problem.value)
    if compare_task.pending:
        solara.ProgressLinear(compare_task.progress or True)
        solara.Text(f"Running in the background: {compare_task.progress or 0:.0f}% of the runs done. The other tabs "
                    f"keep working.", classes=["ctsim-compare-progress"])
    elif compare_task.error:
        solara.Error(f"The comparison failed: {describe_failure(compare_task.exception)}")
    result = compare_task.value if compare_task.finished else None
    if result is None:
        return
    a, b = result.names
    solara.Success(f"Done: {result.replications} runs each, {result.months // 12} years, in "
                   f"{result.seconds:.1f} s; {result.parameters}.", classes=["ctsim-compare-done"])
    with solara.Row(style={"flex-wrap": "wrap"}):
        for output in views.SERIES:
            Figure(lambda output=output: views.bands_chart(result.bands, output), f"{output} bands")
    Figure(lambda: views.difference_chart(result.differences, a, b), "difference chart")
    table = result.differences[["outcome", "better", "reference_mean", "scenario_mean", "difference", "ci90_low",
                                "ci90_high"]].rename(columns={"reference_mean": f"{a} mean",
                                                              "scenario_mean": f"{b} mean"})
    solara.DataFrame(table.round(3), items_per_page=20)
    solara.Text(f"Bands and intervals above: {result.parameters}.", classes=["ctsim-compare-parameters"])


@solara.component
def ExportView(session: DashboardSession, revision: solara.Reactive[int]):  # noqa: N802 (Solara components are CamelCase)
    """Download the settings as a scenario file and the charts as a PNG."""
    revision.value  # noqa: B018 (reading subscribes: the file follows the run)
    Note("The scenario file extends the library scenario, sets the seed and the starting levers, and "
         "schedules every lever change you made during the run at its month. <code>ctsim run FILE</code> runs it.")
    text = scenario_toml(session)
    solara.FileDownload(text.encode(), filename=f"{session.scenario.name}_dashboard.toml",
                        label="Download scenario file (TOML)")
    solara.Preformatted(text, class_="ctsim-toml")
    solara.FileDownload(lambda: charts_png(session), filename=f"{session.scenario.name}_charts.png",
                        label="Download charts (PNG)")


@solara.component
def Page():  # noqa: N802 (Solara components are CamelCase)
    """The dashboard; one per browser tab."""
    session = solara.use_memo(DashboardSession, [])
    gate = solara.use_memo(DrawGate, [])
    PAGE_GATE.provide(gate)
    revision = solara.use_reactive(0)
    playing = solara.use_reactive(False)
    message = solara.use_reactive(None)
    tab = solara.use_reactive(0)

    def refresh() -> None:
        revision.set(revision.value + 1)

    def act_now(action) -> None:
        try:
            action()
            message.set(None)
        except Exception as exc:
            message.set(describe_failure(exc))
        refresh()

    # One callback for the page's lifetime: a new one each month would make the sidebar's inputs redraw too.
    act = solara.use_memo(lambda: act_now, [])

    def play_loop() -> None:
        # Back-pressure: the next month is stepped only when the browser has drawn this one (or the wait timed
        # out), so the page never falls behind and Pause stops play within a month of the one on the screen.
        while playing.value:
            began = time.perf_counter()
            try:
                moved = session.step(1)
            except Exception as exc:
                message.set(describe_failure(exc))
                playing.set(False)
                return
            refresh()
            if not moved:
                playing.set(False)
                return
            if not gate.wait(revision.value, DRAW_TIMEOUT_S, stop=lambda: not playing.value) and playing.value:
                log.info("the page did not draw month %s within %.0f s (%d widgets behind); playing on",
                         session.scenario_month, DRAW_TIMEOUT_S, len(gate.behind()))
            time.sleep(max(0.0, PLAY_INTERVAL_MS / 1000 - (time.perf_counter() - began)))

    solara.lab.use_task(play_loop, dependencies=[playing.value], prefer_threaded=True)

    solara.Title("ctsim dashboard")
    with solara.AppBar():
        solara.AppBarTitle("ctsim: counterterrorism policy in Pakistan")
        solara.Text("exploratory, not a forecast", style={"font-size": "0.9em", "margin-left": "16px"})
    with solara.Sidebar(), solara.Column(gap="10px"):
        with solara.Card("Run", margin=0):
            RunControls(session, revision, playing, act, gate)
        ScenarioCard(session, revision, act, playing.value)
        PolicyConsole(session, revision, act, False)
    Message(message)
    # Only the open tab is built: a hidden tab redrawn every month would cost as much as a visible one.
    with solara.lab.Tabs(value=tab.value, on_value=tab.set):
        for name in TABS:
            solara.lab.Tab(name)
    if tab.value == 0:
        RunView(session, revision)
    elif tab.value == 1:
        RegionView(session, revision)
    elif tab.value == 2:
        CompareView(session)
    elif tab.value == 3:
        ExportView(session, revision)
    else:
        Note(ABOUT, "1em")


TABS = ("Run", "By region", "Compare", "Export", "About")
ABOUT = """
<p><b>ctsim is exploratory, not a forecaster.</b> Each run first replays 2022-2024 (the shaded months; the model is
calibrated to PICSS's counts for those years) and then follows the chosen policy. Read the charts as "what if", and
compare policies, not levels; Compare mode shows how much of a difference is chance.</p>
<p>Levers are declared once in <code>ctsim.declarations.levers</code> (see <code>ctsim levers</code> or
docs/levers.md); the trainer's guide is docs/dashboard.md.</p>
"""
