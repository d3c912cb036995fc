"""Lever inputs generated from the declarations (:data:`ctsim.declarations.levers.LEVERS`), grouped as a trainer
teaches them: who leads; justice; prevention; borders; politics, the most taught first.

A slider for a number (its value is taken when the slider is let go, so one drag is one change), a select for a
choice, a switch for a yes/no, each with the lever's label, unit and one-line meaning. A lever the groups do not
name still appears, under "Other levers": nothing is lost when a lever is declared.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import solara

from ctsim.declarations.levers import LEVERS, LEVERS_BY_NAME, Lever

from .state import lever_value_words

# The drawer's groups, most taught first, and within each the most taught lever first.
GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Who leads", ("ct_lead", "kinetic_intensity", "military_formations", "police_capacity", "handover_months",
                   "central_ctd", "nacta_placement")),
    ("Justice", ("prosecution_capacity", "deradicalisation")),
    ("Prevention", ("madrasa_reform", "education_investment", "development", "development_merged_first",
                    "counter_narrative", "narrative_kind", "dialogue")),
    ("Borders", ("border_management", "hvt_protection")),
    ("Politics", ("political_continuity", "cross_party_ownership")),
)


def grouped() -> list[tuple[str, list[Lever]]]:
    """The groups with their declared levers, and "Other levers" for any lever no group names."""
    named = {name for _, names in GROUPS for name in names}
    groups = [(title, [LEVERS_BY_NAME[n] for n in names if n in LEVERS_BY_NAME]) for title, names in GROUPS]
    rest = [lever for lever in LEVERS if lever.name not in named]
    return groups + ([("Other levers", rest)] if rest else [])


def slider_step(lever: Lever) -> float:
    """The slider step of a numeric lever: fine enough to reach every value the library's scenarios use (tested;
    a value off the grid would be snapped by the slider, changing the lever), coarse enough to drag."""
    if lever.kind == "int":
        return 1
    return 0.05 if float(lever.high) - float(lever.low) <= 2 else 0.25


def help_text(lever: Lever) -> str:
    """One line under the input: the meaning (another lever named by its label, not its code name), with the unit
    when it is not obvious from the label."""
    unit = f" [{lever.unit}]" if lever.unit else ""
    meaning = lever.meaning
    for other in LEVERS:
        meaning = meaning.replace(other.name, other.label.lower())
    return f"{meaning}{unit}"


@solara.component
def ReleaseSlider(value: float, low: float, high: float, step: float, on_value: Callable[[float], None],  # noqa: N802 (Solara components are CamelCase)
                  disabled: bool = False, classes: list[str] | None = None):
    """A slider that reports its value once, when let go (Vuetify's ``change`` event), not at every position it
    passes while dragged."""
    slider = solara.v.Slider(v_model=value, min=low, max=high, step=step, thumb_label=True, hide_details=True,
                             dense=True, disabled=disabled, class_=" ".join(classes or []))
    callback = solara.use_ref(on_value)
    callback.current = on_value

    def connect():
        widget = solara.get_widget(slider)

        def released(_widget, _event, data) -> None:
            callback.current(data)

        widget.on_event("change", released)
        return lambda: widget.on_event("change", released, remove=True)

    solara.use_effect(connect, [])
    return slider


@solara.component
def LeverInput(lever: Lever, value: Any, on_value: Callable[[str, Any], None], disabled: bool = False,  # noqa: N802 (Solara components are CamelCase)
               acted: str | None = None):
    """The input of one lever, and where it acted if the state's reactions moved it (``acted``)."""

    def changed(new: Any) -> None:
        on_value(lever.name, new)

    with solara.Column(gap="0px", classes=["ctsim-lever", f"ctsim-lever-{lever.name}"],
                       style={"margin-bottom": "6px"}):
        if lever.kind == "choice":
            names = {lever.choice_label(choice): choice for choice in lever.choices}
            solara.Select(label=lever.label, value=lever.choice_label(value), values=list(names),
                          on_value=lambda name: changed(names[name]), disabled=disabled)
        elif lever.kind == "bool":
            solara.Switch(label=f"{lever.label}: {lever_value_words(lever, value)}", value=bool(value),
                          on_value=changed, disabled=disabled)
        else:
            solara.Text(f"{lever.label}: {lever_value_words(lever, value)}", style={"font-weight": "500"})
            ReleaseSlider(value, float(lever.low), float(lever.high), slider_step(lever), changed, disabled,
                          classes=["ctsim-slider"])
        solara.Text(help_text(lever), style={"font-size": "0.8em", "color": "#555555"})
        if acted:
            solara.Text(acted, classes=["ctsim-acted"], style={"font-size": "0.8em", "color": "#8a4b00"})


@solara.component
def LeverPanel(values: dict[str, Any], on_value: Callable[[str, Any], None], disabled: bool = False,  # noqa: N802 (Solara components are CamelCase)
               open_groups: tuple[int, ...] = (0,), acted: dict[str, str] | None = None):
    """Every declared lever, in its group; the first group open; under a lever the state's reactions moved, where
    it acted (``acted``: :meth:`ctsim.dashboard.state.DashboardSession.acted`)."""
    with solara.v.ExpansionPanels(multiple=True, v_model=list(open_groups), accordion=True):
        for title, levers in grouped():
            with solara.v.ExpansionPanel(class_=f"ctsim-group ctsim-group-{title.split()[0].lower()}"):
                solara.v.ExpansionPanelHeader(children=[title])
                with solara.v.ExpansionPanelContent():
                    for lever in levers:
                        LeverInput(lever, values[lever.name], on_value, disabled, (acted or {}).get(lever.name))
