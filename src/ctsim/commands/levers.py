"""``ctsim levers``: the policy levers and the exogenous uncertainties, with ranges and meaning."""

from __future__ import annotations

import argparse

from ctsim.declarations import registry

TRIGGER_SYNTAX = """Trigger rules (a lever that answers the model's own outputs), in a scenario file:
  [[trigger]]
  name = "operations_surge"   # replaces an inherited rule of this name; name + `enabled = false` removes it
  when = "attacks"            # a declared output, or "change_of_government"; region = "..." for regional outputs
  window = 3                  # mean of the last 3 recorded months
  above = 100.0               # fire above this (or: below = ...)
  lever = "kinetic_intensity" # set this lever ...
  value = 0.9                 # ... to this value (ramp = N months for numeric levers)
  until_below = 80.0          # hold until the mean falls below this (or: until_above = ..., or months = N)
  cooldown = 3                # months before it may fire again
The history and the baseline inherit the reactive state's rules (scenarios/reactive_state.toml).
"""


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = sub.add_parser("levers", help="list the policy levers and the exogenous uncertainties")
    parser.add_argument("--markdown", action="store_true", help="print Markdown tables (as in docs/levers.md)")
    return parser


def handle(args: argparse.Namespace) -> int:
    import pandas as pd

    from ctsim import docs

    if args.markdown:
        print("## Levers\n\n" + docs.levers_table() + "\n\n## Uncertainties\n\n" + docs.uncertainties_table())
        return 0
    pd.set_option("display.width", 250)
    pd.set_option("display.max_colwidth", 70)
    for title, factors in (("Levers (policy choices)", registry.levers()),
                           ("Uncertainties (not under policy control)", registry.uncertainties())):
        table = pd.DataFrame([{
            "name": f.name, "type": f.kind, "default": f.default,
            "range / choices": ", ".join(map(str, f.levels)) if not f.is_numeric else f"[{f.low:g}, {f.high:g}]",
            "unit": f.unit, "meaning": _clip(f.meaning, 90)} for f in factors]).set_index("name")
        print(f"{title}\n{table.to_string()}\n")
    print(TRIGGER_SYNTAX)
    print("Details, mechanisms, provenance, schedules and trigger rules ([[trigger]]): docs/levers.md")
    return 0


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 3] + "..."
