"""The Compare tab: two policies as ensembles run in the background, by default the trainer's chosen scenario (or
current settings) against the status quo, with bands and a table of paired differences in plain words."""

from __future__ import annotations

import html

import solara
import solara.lab

from . import views
from .compare import (
    CURRENT,
    DEFAULT_REPLICATIONS,
    CompareResult,
    check_settings,
    parameter_set,
    policy_scenario,
    refuse_identical,
    run_comparison,
)
from .state import STATUS_QUO, DashboardError, DashboardSession, parse_seed, scenario_choices
from .widgets import LiveChart, Note, describe_failure
from .words import OUTCOMES, how_counted, sentence_without_label, unit, value_words, verdict

COMPARE_WORKERS = 2  # processes per comparison: the 2-core classroom laptop the brief names


@solara.lab.task(prefer_threaded=True)
def compare_task(reference: str, other: str, replications: int, years: int, seed: int,
                 session: DashboardSession, point: bool = False) -> CompareResult:
    """Run a comparison in the background, reporting progress as a percentage."""

    def progressed(done: int, total: int) -> None:
        compare_task.progress = 100.0 * done / total

    compare_task.progress = 0.0
    return run_comparison(policy_scenario(reference, session), policy_scenario(other, session), replications,
                          years, seed, workers=COMPARE_WORKERS, on_progress=progressed, point=point)


def default_pair(session: DashboardSession) -> tuple[str, str]:
    """The status quo against the trainer's policy: the current settings when they differ from the scenario as
    loaded, else the chosen scenario (the status quo's own current settings when that is all there is)."""
    changed = bool(session.changes) or session.start_levers != session.scenario.policy().as_dict()
    if session.scenario.name != STATUS_QUO and not changed:
        return STATUS_QUO, session.scenario.name
    return STATUS_QUO, CURRENT


def difference_table(result: CompareResult) -> str:
    """The paired differences of the five outcomes as an HTML table in plain words."""
    a, b = result.names
    rows = []
    diffs = result.differences.set_index("outcome")
    months = result.months
    for output in OUTCOMES:
        row = diffs.loc[output]
        judged = verdict(output, row["difference"], row["ci90_low"], row["ci90_high"], row["reference_mean"], months)
        rows.append(f"<tr><td><b>{html.escape(judged.label)}</b><br><small>{html.escape(unit(output))}, "
                    f"{html.escape(how_counted(output, months))}</small></td>"
                    f"<td>{html.escape(value_words(output, row['reference_mean'], months))}</td>"
                    f"<td>{html.escape(value_words(output, row['scenario_mean'], months))}</td>"
                    f"<td><span class='ctsim-verdict ctsim-verdict-{judged.word}'>{judged.word}</span><br>"
                    f"{html.escape(sentence_without_label(judged))}</td></tr>")
    return (f"<table class='ctsim-compare-table'><tr><th>outcome</th><th>{html.escape(a)} (mean)</th>"
            f"<th>{html.escape(b)} (mean)</th><th>{html.escape(b)} minus {html.escape(a)}, paired, 90% interval"
            f"</th></tr>{''.join(rows)}</table>")


@solara.component
def CompareView(session: DashboardSession):  # noqa: N802 (Solara components are CamelCase)
    """Two policies side by side as ensembles, in the background."""
    choices = [CURRENT, *scenario_choices()]
    first, second = default_pair(session)
    reference = solara.use_reactive(first)
    other = solara.use_reactive(second)
    replications = solara.use_reactive(DEFAULT_REPLICATIONS)
    years = solara.use_reactive(10)
    seed_text = solara.use_reactive("0")
    point = solara.use_reactive(False)
    problem = solara.use_reactive(None)

    def start() -> None:
        try:
            check_settings(int(replications.value), int(years.value))
            seed = parse_seed(seed_text.value, 0)
            refuse_identical(policy_scenario(reference.value, session), policy_scenario(other.value, session))
            parameter_set(point.value)  # stale or missing posterior draws: say so now, with the remedy
        except (DashboardError, ValueError, TypeError) as exc:
            problem.set(describe_failure(exc) if isinstance(exc, DashboardError) else f"check the numbers: {exc}")
            return
        problem.set(None)
        compare_task(reference.value, other.value, int(replications.value), int(years.value), seed, session,
                     point.value)

    Note("Each policy runs as a small ensemble on the same seeds and draws of the model's uncertain parameters "
         "(common random numbers), so the paired difference shows the policy's effect with much of the chance "
         "removed; tick <i>point calibration</i> for one central parameter set (bands of chance alone). "
         "<i>Your current settings</i> is the scenario, levers and changes of the Run tab.")
    with solara.Row(style={"flex-wrap": "wrap"}):
        solara.Select(label="Policy A (reference)", value=reference, values=choices, classes=["ctsim-policy-a"])
        solara.Select(label="Policy B", value=other, values=choices, classes=["ctsim-policy-b"])
        solara.InputInt("Runs of each", value=replications, classes=["ctsim-replications"])
        solara.InputInt("Years after 2024", value=years, classes=["ctsim-years"])
        solara.InputText("Seed", value=seed_text, classes=["ctsim-compare-seed"])
        solara.Checkbox(label="point calibration (no parameter uncertainty)", value=point)
        solara.Button("Run comparison", color="primary", on_click=start, disabled=compare_task.pending,
                      classes=["ctsim-compare-run"])
    if problem.value:
        solara.Error(problem.value, classes=["ctsim-compare-problem"])
    if compare_task.pending:
        solara.ProgressLinear(compare_task.progress or True)
        solara.Text(f"Running in the background: {compare_task.progress or 0:.0f}% of the runs done. The other tabs "
                    f"keep working.", classes=["ctsim-compare-progress"])
    elif compare_task.error:
        solara.Error(f"The comparison failed: {describe_failure(compare_task.exception)}")
    result = compare_task.value if compare_task.finished else None
    if result is None:
        return
    solara.Success(f"Done: {result.replications} runs each, {result.months // 12} years, in "
                   f"{result.seconds:.1f} s; {result.parameters}.", classes=["ctsim-compare-done"])
    Note(difference_table(result), "0.95em")
    with solara.Div(classes=["ctsim-more"]):
        for output in OUTCOMES:
            LiveChart.element(spec=views.bands_chart(result.bands, output, result.names))
    solara.Text(f"Bands and intervals above: {result.parameters}.", classes=["ctsim-compare-parameters"])
