"""Inputs generated from the lever declarations (:data:`ctsim.declarations.levers.LEVERS`): a slider for a number,
a select for a choice, a switch for a yes/no, each with the lever's label, unit and one-line meaning as help.

Nothing here names a lever: a lever added to the declarations appears in the page by itself.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import solara

from ctsim.declarations.levers import LEVERS, Lever

from .state import format_value


def slider_step(lever: Lever) -> float:
    """The slider step of a numeric lever: fine enough to reach every value the library's scenarios use (tested;
    a value off the grid would be snapped by the slider, changing the lever), coarse enough to drag."""
    if lever.kind == "int":
        return 1
    return 0.05 if float(lever.high) - float(lever.low) <= 2 else 0.25


def help_text(lever: Lever) -> str:
    """One line under the input: the meaning, with the unit when it is not obvious from the label."""
    unit = f" [{lever.unit}]" if lever.unit else ""
    return f"{lever.meaning}{unit}"


@solara.component
def LeverInput(lever: Lever, value: Any, on_value: Callable[[str, Any], None], disabled: bool = False):  # noqa: N802 (Solara components are CamelCase)
    """The input of one lever."""

    def changed(new: Any) -> None:
        on_value(lever.name, new)

    unit = f" {lever.unit}" if lever.unit and lever.kind in ("int", "float") else ""
    with solara.Column(gap="0px", classes=["ctsim-lever", f"ctsim-lever-{lever.name}"],
                       style={"margin-bottom": "8px"}):
        if lever.kind == "choice":
            solara.Select(label=lever.label, value=value, values=list(lever.choices), on_value=changed,
                          disabled=disabled)
        elif lever.kind == "bool":
            solara.Switch(label=f"{lever.label}: {format_value(value)}", value=bool(value), on_value=changed,
                          disabled=disabled)
        else:
            solara.Text(f"{lever.label}: {format_value(value)}{unit}", style={"font-weight": "500"})
            if lever.kind == "int":
                solara.SliderInt(label="", value=int(value), min=int(lever.low), max=int(lever.high), step=1,
                                 on_value=changed, disabled=disabled)
            else:
                solara.SliderFloat(label="", value=float(value), min=float(lever.low), max=float(lever.high),
                                   step=slider_step(lever), on_value=changed, disabled=disabled)
        solara.Text(help_text(lever), style={"font-size": "0.75em", "color": "#666666"})


@solara.component
def LeverPanel(values: dict[str, Any], on_value: Callable[[str, Any], None], disabled: bool = False):  # noqa: N802 (Solara components are CamelCase)
    """Every declared lever, in declaration order."""
    for lever in LEVERS:
        LeverInput(lever, values[lever.name], on_value, disabled)
