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

from .state import MAP_MEASURES, DashboardSession
from .views import EVENT_COLOURS, SERIES


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
    """The national series, the deployment mix and the district map as one PNG (history shaded, events marked)."""
    import matplotlib  # here, not at the top: the page starts faster without it

    matplotlib.use("Agg")  # the server has no display
    import matplotlib.pyplot as plt

    national, _ = session.frames()
    districts = session.districts()
    start = session.model.start
    branch = (start + session.history_months).to_timestamp()
    fig, axes = plt.subplots(2, 4, figsize=(16, 7), layout="constrained")
    panels = [*SERIES.items(), ("mix", "Deployment mix (share of operations)")]
    for ax, (name, title) in zip(axes.flat, panels, strict=False):
        if session.history_months:
            ax.axvspan(start.to_timestamp(), branch, color="#bbbbbb", alpha=0.3, label="history")
        if name == "mix":
            cols = ["operations_police", "operations_paramilitary", "operations_military"]
            shares = national[cols].div(national[cols].sum(axis=1).where(lambda s: s > 0), axis=0).fillna(0)
            ax.stackplot(national["month"], *(shares[c] for c in cols), labels=["police", "paramilitary",
                                                                                "military"], alpha=0.85)
            ax.legend(loc="lower left", fontsize=7)
        else:
            ax.plot(national["month"], national[name], color="#333333", lw=1.2)
        for event in session.events:
            ax.axvline((start + (event.month - 1)).to_timestamp(), color=EVENT_COLOURS[event.kind], ls="--", lw=1)
        ax.set_title(title, fontsize=9)
        ax.tick_params(labelsize=7)
    ax = axes.flat[6]
    label = MAP_MEASURES[measure][0]
    points = ax.scatter(districts["lon"], districts["lat"], s=districts["population"] / 2e4,
                        c=districts[measure], cmap="OrRd", edgecolors="#555555", linewidths=0.3)
    fig.colorbar(points, ax=ax, shrink=0.8).set_label(label, fontsize=7)
    ax.set_title(f"Districts: {label.lower()}", fontsize=9)
    ax.set_aspect("equal")
    ax.tick_params(labelsize=7)
    axes.flat[7].axis("off")
    axes.flat[7].text(0, 0.95, "\n".join([f"scenario: {session.scenario.name}", f"seed: {session.seed}",
                                          f"last month: {session.month_label()}",
                                          "dashed lines: blue lever change, grey undo,",
                                          "red change of government, orange lever reverted",
                                          "", "ctsim is exploratory, not a forecast."]),
                      va="top", fontsize=9)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110)
    plt.close(fig)
    return buffer.getvalue()
