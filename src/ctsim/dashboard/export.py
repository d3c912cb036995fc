"""Export: the current settings as a scenario file that ``ctsim run`` accepts, and the charts as a PNG.

The scenario file extends the library scenario the session started from (by its bare name, which resolves to the
packaged library from any folder), sets the seed and every starting lever that differs from that scenario, and
writes each lever change made during the run as a ``[[schedule]]`` entry at its month. A change of government
pressed in the page has no key in a scenario file; the file says so in its opening comment.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime
from typing import Any

import numpy as np

from . import geo
from .state import MAP_MEASURES, DashboardSession
from .views import CHARTS, COLOURS, POLICY, SHOWN_SCALE, STATUS_QUO


def toml_value(value: Any) -> str:
    """A lever value in TOML."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    text = str(value).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{text}"'


def scenario_toml(session: DashboardSession) -> str:
    """The session's settings as scenario-file text (see the module docstring)."""
    base = session.scenario
    base_levers = base.policy().as_dict()
    changed = {k: v for k, v in session.start_levers.items() if base_levers.get(k) != v}
    governments = [e for e in session.events if e.kind == "government"]
    lines = [
        f"# Exported from the ctsim dashboard on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC.",
        f"# Purpose: the library scenario '{base.name}' ({base.description or 'no description'}) as a trainer set",
        "# it: the starting levers below, and the levers changed during the run as scheduled changes.",
        "# Assumptions and sources: those of the parent scenario (ctsim levers, docs/levers.md).",
        "# Changes of government follow the model's own political cycle"
        + (f"; the {len(governments)} brought forward in the dashboard are not part of a scenario file."
           if governments else "."),
        f'extends = "{base.name}"',
        f'name = "{base.name}_dashboard"',
        "",
        "[run]",
        f"seed = {session.seed}",
        f"months = {base.months}",
        "",
        "[levers]",
        *(f"{name} = {toml_value(value)}" for name, value in changed.items()),
    ]
    for month, name, value in session.changes:
        lines += ["", "[[schedule]]", f"month = {month - session.history_months}", f'lever = "{name}"',
                  f"value = {toml_value(value)}"]
    return "\n".join(lines) + "\n"


def charts_png(session: DashboardSession, measure: str = "attacks_12m") -> bytes:
    """The five outcomes (this policy against the status quo: the middle run and the range of the runs), and the
    district map over the provinces, as one PNG (history shaded)."""
    import matplotlib  # here, not at the top: the page starts faster without it

    matplotlib.use("Agg")  # the server has no display
    import matplotlib.pyplot as plt

    with session.lock:
        shown = session.shown_from  # the history's spin-up is run, not shown
        months = session.months()[shown:]
        arrays = {o: (session.policy.array(o)[shown:] * SHOWN_SCALE.get(o, 1.0),
                      session.status_quo.array(o)[shown:] * SHOWN_SCALE.get(o, 1.0)) for o in CHARTS}
        districts = session.districts()
        runs = len(session.policy.models)
    start = session.start + shown
    branch = (session.start + session.history_months).to_timestamp()
    fig, axes = plt.subplots(2, 3, figsize=(15, 7.5), layout="constrained")
    for ax, (output, title) in zip(axes.flat, CHARTS.items(), strict=False):
        if session.history_months:
            ax.axvspan(start.to_timestamp(), branch, color="#bbbbbb", alpha=0.3)
        for name, values in zip((POLICY, STATUS_QUO), arrays[output], strict=True):
            if len(values):
                ax.fill_between(months, values.min(axis=1), values.max(axis=1), color=COLOURS[name], alpha=0.2)
                ax.plot(months, np.median(values, axis=1), color=COLOURS[name], lw=1.4, label=name)
        ax.set_title(title, fontsize=9)
        ax.tick_params(labelsize=7)
    axes.flat[0].legend(fontsize=7, loc="upper left")
    ax = axes.flat[5]
    for rings in geo.provinces().values():
        for ring in rings:
            xs, ys = zip(*ring, strict=True)
            ax.fill(xs, ys, facecolor="#f4f1ea", edgecolor="#9a9a9a", lw=0.6)
    thresholds, colours = geo.SCALES[measure]
    label_text, unit_text = MAP_MEASURES[measure]
    colour = [colours[geo.bin_of(measure, v)] for v in districts[measure]]
    ax.scatter(districts["lon"], districts["lat"], s=districts["population"] / 3e4, c=colour,
               edgecolors="#555555", linewidths=0.3)
    ax.set_title(f"{label_text} ({unit_text}; mean of {runs} runs), {session.month_words(session.policy.steps)}",
                 fontsize=9)
    ax.set_aspect("equal")
    ax.axis("off")
    fig.suptitle(f"ctsim (exploratory, not a forecast): {session.scenario.name}, seed {session.seed}, {runs} runs "
                 f"each of this policy and the status quo; shaded: the 2013-2024 history", fontsize=10)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110)
    plt.close(fig)
    return buffer.getvalue()
