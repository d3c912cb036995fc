"""The trainers' page, laid out for a projector: the map, the trade-off against the status quo and the attacks chart
in view at 1280x720 and 1024x768, the levers in a drawer, a large-type switch; and the team page of an exercise.

Built on Solara, the library Mesa's ``SolaraViz`` renders with. ``SolaraViz`` itself is not used: its Reset
rebuilds a model by calling the model class with keyword arguments, which would drop the 2013-2024 history that
:func:`ctsim.scenarios.runner.build_model` runs, and its inputs cannot change a running model. Each browser tab gets
its own Solara kernel and so its own :class:`.state.DashboardSession` (the trainer's policy and the status quo,
stepped together), at most ``--max-sessions`` at a time; a closed tab's models are freed with its kernel. The page
at ``/team`` is where teams join an exercise (:mod:`.team_page`). Whatever a user does wrong ends in a message in the
page; an unexpected failure is logged on the server and reported in one line, never as a traceback. Play steps the
next month only once the browser has drawn the last one (:mod:`.pacing`).
"""

from __future__ import annotations

import html
import logging
import time

import solara
import solara.lab

from ctsim.calibration.targets import OUT_OF_SAMPLE

from . import events as event_words
from . import settings, tradeoff, views
from .compare_view import CompareView
from .controls import LeverPanel
from .exercise_view import ExerciseView
from .export import charts_png, scenario_toml
from .guard import SessionCounter
from .pacing import DRAW_TIMEOUT_S, PAGE_GATE, DrawGate
from .state import MAP_MEASURES, DashboardSession, scenario_choices
from .team_page import TeamPage
from .widgets import LiveChart, MonthLabel, Note, describe_failure
from .words import history_years

log = logging.getLogger("ctsim.dashboard")
PLAY_INTERVAL_MS = 150  # at least this between months while playing; more when the page draws slower (.pacing)
SESSIONS = SessionCounter(settings.max_sessions())
CSS = """
.ctsim-page { font-size: 14px; padding: 4px 10px; }
.ctsim-page.ctsim-large { font-size: 19px; }
.ctsim-page.ctsim-large .v-btn { font-size: 16px; }
.ctsim-header { display: flex; flex-wrap: wrap; align-items: center; gap: 6px 12px; min-height: 44px; }
.ctsim-controls, .ctsim-controls > div { display: flex; flex-wrap: wrap; align-items: center; gap: 6px; }
.ctsim-title { font-weight: 600; font-size: 1.15em; }
.ctsim-header .ctsim-note { white-space: nowrap; }
.ctsim-note { color: #555555; font-size: 0.85em; }
.ctsim-grid { display: grid; grid-template-columns: minmax(0, 0.95fr) minmax(0, 1fr) minmax(0, 1.15fr); gap: 10px;
              align-items: start; }
.ctsim-grid > div { min-width: 0; }
.ctsim-more { display: grid; grid-template-columns: repeat(auto-fit, minmax(320px, 1fr)); gap: 10px; }
.ctsim-panel table { border-collapse: collapse; width: 100%; }
.ctsim-panel td { padding: 3px 4px; border-bottom: 1px solid #e0e0e0; vertical-align: top; }
.ctsim-verdict { font-weight: 600; white-space: nowrap; }
.ctsim-verdict-better { color: #1a7f37; } .ctsim-verdict-worse { color: #c62828; }
.ctsim-verdict-unclear, .ctsim-verdict-negligible { color: #616161; }
.ctsim-events li { margin-bottom: 2px; }
.ctsim-board-table, .ctsim-compare-table { border-collapse: collapse; }
.ctsim-board-table td, .ctsim-board-table th, .ctsim-compare-table td, .ctsim-compare-table th {
    border-bottom: 1px solid #dddddd; padding: 4px 6px; vertical-align: top; text-align: left; }
.ctsim-front td:first-child { background: #e8f5e9; }
.ctsim-page .v-tabs { margin-top: 0; }
.ctsim-page .vega-embed { width: 100%; display: block; }
.v-menu__content { z-index: 40 !important; }  /* a select's list opens above the levers drawer */
.ctsim-page .v-tab { min-width: 70px; padding: 0 10px; }
"""


@solara.component
def Layout(children=None):  # noqa: N802 (Solara's name for an app's layout)
    """No app bar, no sidebar: the page's own header keeps the screen for the map and the charts."""
    return solara.Column(children=children or [], style={"padding": "0", "gap": "0"})


@solara.component
def Message(message: solara.Reactive[str | None]):  # noqa: N802 (Solara components are CamelCase)
    """The last problem, in the page, until dismissed."""
    if message.value:
        with solara.Row(style={"align-items": "center"}):
            solara.Error(message.value, classes=["ctsim-error"])
            solara.Button("Dismiss", text=True, on_click=lambda: message.set(None))


@solara.component
def Figure(chart_builder, label: str, version: object = None, frame: int = 0, classes: list[str] | None = None):  # noqa: N802 (Solara components are CamelCase)
    """A chart, or a message saying it could not be drawn.

    ``version`` must change whenever the chart should: Reacton treats two lambdas with the same code and the same
    captured objects as equal, so a builder that reads a session (the same object every month) would not be rerun.
    ``frame`` (the page's revision) makes play wait until the browser has drawn the chart (:mod:`.pacing`); 0 for
    a chart that does not follow the run.
    """
    gate = solara.use_context(PAGE_GATE)
    chart = solara.use_memo(lambda: _build(chart_builder), [version])
    if isinstance(chart, str):
        solara.Error(f"The {label} could not be drawn: {chart}")
        return
    with solara.Div(classes=classes or []):
        LiveChart.element(spec=views.spec(chart), frame=frame, gate=gate if frame else None)


def _build(chart_builder):
    try:
        return chart_builder()
    except Exception as exc:  # a view must not take the page down
        return describe_failure(exc)


@solara.component
def RunControls(session: DashboardSession, revision: solara.Reactive[int], playing: solara.Reactive[bool],  # noqa: N802 (Solara components are CamelCase)
                act, gate: DrawGate):
    """Play, pause, step and reset, with where the run stands."""
    frame = revision.value  # reading subscribes: redrawn every month
    at_end = session.scenario_month >= session.horizon

    def step(months: int) -> None:
        act(lambda: session.step(months))

    with solara.Div(classes=["ctsim-controls"]):
        run_buttons(session, playing, step, act, at_end)
        MonthLabel.element(label=session.month_words(session.policy.steps), month=session.scenario_month,
                           horizon=session.horizon, frame=frame, gate=gate)


def run_buttons(session: DashboardSession, playing: solara.Reactive[bool], step, act, at_end: bool) -> None:
    """Play or pause, one month, twelve months, reset (in the caller's row: a function, not a component, so that
    the buttons sit in one line with the month)."""
    solara.Button("Pause" if playing.value else "Play", icon_name="mdi-pause" if playing.value else "mdi-play",
                  color="primary", on_click=lambda: playing.set(not playing.value), disabled=at_end,
                  classes=["ctsim-play"])
    solara.Button("1 month", icon_name="mdi-step-forward", on_click=lambda: step(1),
                  disabled=playing.value or at_end, classes=["ctsim-step1"])
    solara.Button("12 months", icon_name="mdi-fast-forward", on_click=lambda: step(12),
                  disabled=playing.value or at_end, classes=["ctsim-step12"])
    solara.Button("Reset", icon_name="mdi-restart", on_click=lambda: act(session.reset), disabled=playing.value,
                  text=True, classes=["ctsim-reset"])


@solara.component
def ScenarioCard(session: DashboardSession, loaded: tuple, act, disabled: bool):  # noqa: N802 (Solara components are CamelCase)
    """Scenario picker (with each scenario's description) and the seed; ``loaded`` (scenario, seed) changes when
    either does."""
    seed_text = solara.use_reactive(str(session.seed))

    def choose(name: str) -> None:
        act(lambda: session.load(name, session.seed))

    def reseed(text: str) -> None:
        seed_text.set(text)
        act(lambda: session.load(session.scenario.name, text))

    with solara.Column(gap="2px", classes=["ctsim-scenario"]):
        solara.Select(label="Start from the scenario", value=session.scenario.name, values=scenario_choices(),
                      on_value=choose, disabled=disabled)
        Note(f"<i class='ctsim-description'>{html.escape(session.scenario.description or 'No description.')}</i>")
        solara.InputText("Seed (whole number; press Enter)", value=seed_text.value, on_value=reseed,
                         continuous_update=False, disabled=disabled, classes=["ctsim-seed"])


@solara.component
def DrawerHost(session: DashboardSession, revision: solara.Reactive[int], act, open_: solara.Reactive[bool],  # noqa: N802 (Solara components are CamelCase)
               playing: bool):
    """Reads the month so that the drawer follows the levers (a new government may revert one), and passes it only
    what it shows, so that a month that changed no lever does not redraw the drawer."""
    revision.value  # noqa: B018 (reading subscribes)
    LeverDrawer(session, tuple(session.levers.items()), (session.scenario.name, session.seed), act, open_, playing)


@solara.component
def LeverDrawer(session: DashboardSession, levers: tuple, loaded: tuple, act, open_: solara.Reactive[bool],  # noqa: N802 (Solara components are CamelCase)
                playing: bool):
    """The levers, in a drawer over the right of the page: scenario and seed, the political buttons, and every
    lever by group (built only while the drawer is open)."""
    levers = dict(levers)

    def set_lever(name, value) -> None:
        act(lambda: session.set_lever(name, value))

    with solara.v.NavigationDrawer(v_model=open_.value, on_v_model=open_.set, absolute=True, temporary=True,
                                   right=True, width=400, class_="ctsim-drawer",
                                   style_="position: fixed; z-index: 20;"), \
            solara.Column(style={"padding": "10px"}, gap="6px"):
        if not open_.value:
            return
        with solara.Row(style={"align-items": "center", "justify-content": "space-between"}):
            solara.Text("Levers", style={"font-weight": "600", "font-size": "1.2em"})
            solara.Button("Close", icon_name="mdi-close", text=True, on_click=lambda: open_.set(False),
                          classes=["ctsim-drawer-close"])
        Note("Changes apply from the next month, in every run of this policy; the status quo keeps its levers.")
        ScenarioCard(session, loaded, act, playing)
        with solara.Row(gap="6px", style={"flex-wrap": "wrap"}):
            solara.Button("Change of government now", color="error", outlined=True,
                          on_click=lambda: act(session.change_government), classes=["ctsim-government"])
            solara.Button("Undo my changes", outlined=True, on_click=lambda: act(session.undo),
                          classes=["ctsim-undo"])
        Note("A new government keeps each changed lever with the probability <i>Political continuity of "
             "policy</i> (every one with cross-party ownership).", "0.8em")
        LeverPanel(levers, set_lever, False, acted=session.acted())


@solara.component
def TradeoffPanel(session: DashboardSession, revision: solara.Reactive[int]):  # noqa: N802 (Solara components are CamelCase)
    """The five outcomes the debate weighs: this policy minus the status quo so far, with plain verdicts."""
    revision.value  # noqa: B018 (reading subscribes: recomputed every month)
    rows = tradeoff.panel(session)
    runs = len(session.policy.models)
    with solara.Column(gap="4px", classes=["ctsim-panel"]):
        solara.Text("This policy against the status quo", style={"font-weight": "600", "font-size": "1.1em"})
        if session.same_as_status_quo:
            Note("<b class='ctsim-same'>Your policy is the status quo itself</b>: open <i>Levers</i> and change "
                 "one (who leads, say), or start from another scenario, to see a trade-off.")
        if not rows:
            Note(f"Press <b>Play</b>: month by month, {runs} runs of this policy and {runs} of the status quo, on "
                 f"the same seeds and parameter draws, are compared here on attacks, deaths, people held without "
                 f"trial, legitimacy and cost.")
            return
        months = session.scenario_month
        body = "".join(
            f"<tr class='ctsim-row ctsim-row-{row.output}' title='{html.escape(row.sentence, quote=True)}'>"
            f"<td><b>{html.escape(row.label)}</b><br><span class='ctsim-note'>{html.escape(row.counted)}</span></td>"
            f"<td><span class='ctsim-verdict ctsim-verdict-{row.verdict}'>{row.verdict}</span> "
            f"{html.escape(row.change)}<br><span class='ctsim-note'>90% interval: {html.escape(row.interval)}"
            f"</span></td></tr>" for row in rows)
        Note(f"<span class='ctsim-note'>{months} months in; each line: this policy minus the status quo, the mean "
             f"of {runs} paired runs (hover for the verdict in a sentence).</span><table>{body}</table>", "1em")
        Note(f"<span class='ctsim-note ctsim-parameters'>Runs: {html.escape(session.parameters)}. Exploratory, "
             f"not a forecast.</span>", "0.8em")


@solara.component
def EventList(session: DashboardSession, revision: solara.Reactive[int]):  # noqa: N802 (Solara components are CamelCase)
    """What happened, in words."""
    revision.value  # noqa: B018 (reading subscribes: a new event shows at once)
    lines = event_words.happenings(session)
    solara.Text("What happened", style={"font-weight": "600", "font-size": "1.1em"})
    if not lines:
        Note("Nothing yet: changes of government, the levers they reverted, the state's reactions to violence and "
             "your own changes are listed here as the months run.")
        return
    items = "".join(f"<li class='ctsim-event ctsim-event-{h.kind}'>{html.escape(h.text)}</li>" for h in lines[-40:])
    Note(f"<ul class='ctsim-events'>{items}</ul>", "0.95em")


@solara.component
def RunView(session: DashboardSession, revision: solara.Reactive[int], large: bool):  # noqa: N802 (Solara components are CamelCase)
    """The projector view: map, trade-off, attacks; below them what happened and the other outcomes."""
    version = revision.value  # reading subscribes: redrawn every month, without the rest of the page
    measure = solara.use_reactive("attacks_12m")
    more = solara.use_reactive(False)
    runs = len(session.policy.models)
    with solara.Div(classes=["ctsim-grid"]):
        with solara.Div(classes=["ctsim-map"]):
            labels = {label: key for key, (label, _) in MAP_MEASURES.items()}
            solara.Select(label="Colour the districts by", value=MAP_MEASURES[measure.value][0],
                          values=list(labels), on_value=lambda label: measure.set(labels[label]),
                          classes=["ctsim-measure"])
            Figure(lambda: views.district_map(session.districts(), measure.value, runs, 300 if not large else 330,
                                              large), "district map", (version, measure.value, large),
                   frame=version)
        with solara.Div(classes=["ctsim-tradeoff"]):
            TradeoffPanel(session, revision)
        with solara.Div(classes=["ctsim-charts"]):
            Figure(lambda: views.outcome_chart(session, "attacks", 170, large), "attacks chart", (version, large),
                   frame=version, classes=["ctsim-attacks"])
            Note(views.AVERTED_TITLE, "0.95em")
            Figure(lambda: views.averted_chart(session, tradeoff.running_difference(session), 105, large),
                   "attacks so far", (version, large), frame=version, classes=["ctsim-averted"])
    with solara.Div(style={"margin-top": "10px"}):
        EventList(session, revision)
    with solara.Div(classes=["ctsim-more-toggle"]):
        solara.Checkbox(label="Show the other outcomes and who leads operations (redrawn every month: slower on a "
                              "slow laptop)", value=more)
    if more.value:
        with solara.Div(classes=["ctsim-more"]):
            for output in ("deaths", "detained_without_trial", "legitimacy", "cost"):
                Figure(lambda output=output: views.outcome_chart(session, output, 150, large), f"{output} chart",
                       (version, large, output), frame=version)
            Figure(lambda: views.mix_chart(session, 150, large), "deployment mix", (version, large), frame=version)


@solara.component
def ExportView(session: DashboardSession, revision: solara.Reactive[int]):  # noqa: N802 (Solara components are CamelCase)
    """Download the settings as a scenario file and the charts as a PNG."""
    revision.value  # noqa: B018 (reading subscribes: the file follows the run)
    Note("The scenario file extends the library scenario, sets the seed and the starting levers, and "
         "schedules every lever change you made during the run at its month (one per lever and month). "
         "<code>ctsim run FILE</code> runs it; <code>ctsim validate FILE</code> checks it.")
    text = scenario_toml(session)
    solara.FileDownload(text.encode(), filename=f"{session.scenario.name}_dashboard.toml",
                        label="Download scenario file (TOML)")
    solara.Preformatted(text, class_="ctsim-toml")
    solara.FileDownload(lambda: charts_png(session), filename=f"{session.scenario.name}_charts.png",
                        label="Download charts (PNG)")


def _kernel_context():
    """The Solara kernel of this tab, or None outside the server."""
    from solara.server import kernel_context

    try:
        return kernel_context.get_current_context()
    except Exception:  # noqa: BLE001 (no kernel: rendered in a test)
        return None


def _open_session(key: int) -> DashboardSession | None:
    """A session for this tab, or None when the server's cap on sessions is reached."""
    if not SESSIONS.take(key):
        return None
    try:
        return DashboardSession()
    except BaseException:
        SESSIONS.give_back(key)
        raise


@solara.component
def TrainerPage():  # noqa: N802 (Solara components are CamelCase)
    """The dashboard; one per browser tab."""
    key = solara.use_memo(lambda: id(object()), [])
    session = solara.use_memo(lambda: _open_session(key), [])

    def release() -> None:
        if session is not None:
            session.close()
        SESSIONS.give_back(key)

    def on_close():
        # Freed when the tab's kernel closes (the tab was closed, or culled minutes after it lost its connection):
        # registered on the kernel itself, whose closing runs it before the page's components are torn down.
        context = _kernel_context()
        if context is not None:
            context.on_close(release)
            return None
        return release  # outside the server (tests): when the page is unmounted

    solara.use_effect(on_close, [])
    if session is None:
        solara.Error(f"The dashboard is full: {SESSIONS.cap} sessions are open on this server. Close a tab you no "
                     f"longer use (its session is freed within minutes), or ask the trainer to start the server "
                     f"with a higher --max-sessions.", classes=["ctsim-full"])
        return
    gate = solara.use_memo(DrawGate, [])
    PAGE_GATE.provide(gate)
    revision = solara.use_reactive(0)
    playing = solara.use_reactive(False)
    message = solara.use_reactive(None)
    tab = solara.use_reactive(0)
    drawer = solara.use_reactive(False)
    large = solara.use_reactive(False)

    def refresh() -> None:
        revision.set(revision.value + 1)

    def act_now(action) -> None:
        try:
            action()
            message.set(None)
        except Exception as exc:
            message.set(describe_failure(exc))
        refresh()

    # One callback for the page's lifetime: a new one each month would make the drawer's inputs redraw too.
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
    solara.Style(CSS)
    with solara.Div(classes=["ctsim-page", *(["ctsim-large"] if large.value else [])]):
        with solara.Div(classes=["ctsim-header"]):
            Note("<span class='ctsim-title'>ctsim</span><br><span class='ctsim-note'>exploratory, not a forecast"
                 "</span>", "1em")
            RunControls(session, revision, playing, act, gate)
            solara.Button("Levers", icon_name="mdi-tune", color="primary", outlined=True,
                          on_click=lambda: drawer.set(True), classes=["ctsim-levers"])
            solara.Switch(label="Large type", value=large, classes=["ctsim-large-switch"])
        Message(message)
        # Only the open tab is built: a hidden tab redrawn every month would cost as much as a visible one.
        with solara.lab.Tabs(value=tab.value, on_value=tab.set):
            for name in TABS:
                solara.lab.Tab(name)
        if tab.value == 0:
            RunView(session, revision, large.value)
        elif tab.value == 1:
            CompareView(session)
        elif tab.value == 2:
            ExerciseView(session)
        elif tab.value == 3:
            ExportView(session, revision)
        else:
            Note(about(session), "1em")
        DrawerHost(session, revision, act, drawer, playing.value)


# The trainer's dashboard at ``/``; the team page of an exercise at ``/team``.
# The root route's layout wraps both (Solara applies the "/" route's layout to its siblings).
routes = [solara.Route(path="/", component=TrainerPage, label="Dashboard", layout=Layout),
          solara.Route(path="team", component=TeamPage, label="Team")]


TABS = ("Run", "Compare", "Exercise", "Export", "About")
def about(session: DashboardSession) -> str:
    """The About tab: what a run is, with the years of the session's own history and of the calibration's test."""
    held = f"{min(OUT_OF_SAMPLE)}-{max(OUT_OF_SAMPLE)}"
    return f"""
<p><b>ctsim is exploratory, not a forecaster.</b> Each run first replays {history_years(session.scenario)} (the shaded
months; the model is calibrated to the recorded counts of attacks of those years but {held}, kept out to test it) and
then follows the chosen policy. The policy and the status quo each run several times on the same seeds and draws of the
model's uncertain parameters, so their difference shows the policy's effect with much of the chance removed; a wide
band or an interval across zero is the lesson.</p>
<p>Levers are declared once in <code>ctsim.declarations.levers</code> (see <code>ctsim levers</code> or
docs/levers.md); the trainer's guide is docs/dashboard.md.</p>
"""
