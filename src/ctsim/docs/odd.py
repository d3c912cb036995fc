"""Tables of docs/odd.md generated from the model's own code: the processes of the month and the declared state.

The month has one numbering: the modules of :mod:`ctsim.model.processes` are ``step01_policy`` to
``step12_recording``, :mod:`ctsim.model.core`'s docstring lists the same processes in the same order, and the
process overview of docs/odd.md is this table, built from both. When the modules, the docstring's list and the calls
of ``CTModel.step`` disagree, generating the table fails and says where, so the numberings cannot drift apart.
"""

from __future__ import annotations

import ast
import inspect
import pkgutil
import re
from dataclasses import dataclass
from pathlib import Path

from ctsim.figures.tables import cell
from ctsim.model import core, processes
from ctsim.model.state import INIT, VARIABLES

_STEP = re.compile(r"step(?P<number>\d{2})_(?P<name>\w+)")
_ROLE = re.compile(r":(?:mod|class|func|meth|data|attr):`~?([^`]+)`")


class NumberingError(ValueError):
    """The process modules, the core's docstring and ``CTModel.step`` do not number the month alike."""


@dataclass(frozen=True)
class Process:
    """One process of the month, as the code has it."""

    number: int
    module: str  # step05_operations
    name: str  # operations (the writer name of the state's declarations)
    summary: str  # the core docstring's line for it
    uses: tuple[str, ...]  # what core.py imports from its module (the functions CTModel.step calls)


def _core_list() -> dict[int, str]:
    """The numbered list of processes in :mod:`ctsim.model.core`'s docstring, by number, roles as code."""
    text = inspect.getdoc(core) or ""
    items = re.findall(r"^(\d+)\. (.*?)(?=^\d+\. |^\s*$|\Z)", text, re.MULTILINE | re.DOTALL)
    return {int(number): _ROLE.sub(r"`\1`", " ".join(body.split())).rstrip(";.") for number, body in items}


def _calls() -> dict[str, tuple[str, ...]]:
    """What core.py imports from each process module (the functions ``CTModel.step`` calls)."""
    tree = ast.parse(Path(inspect.getfile(core)).read_text(encoding="utf-8"))
    found: dict[str, tuple[str, ...]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(f"{processes.__name__}."):
            found[node.module.rsplit(".", 1)[1]] = tuple(alias.name for alias in node.names)
    return found


def _step_order(owner: dict[str, str]) -> list[str]:
    """The process modules in the order ``CTModel.step`` first calls something of theirs."""
    tree = ast.parse(Path(inspect.getfile(core)).read_text(encoding="utf-8"))
    step = next(node for node in ast.walk(tree) if isinstance(node, ast.FunctionDef) and node.name == "step")
    calls = sorted((node.lineno, node.col_offset, node.func.id) for node in ast.walk(step)
                   if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in owner)
    order: list[str] = []
    for _, _, name in calls:
        if owner[name] not in order:
            order.append(owner[name])
    return order


def month_processes() -> list[Process]:
    """The processes of the month in order.

    Raises:
        NumberingError: when the modules are not numbered 1, 2, ... without gaps, when the core docstring lists
            other numbers, when core.py does not import from every process module, or when ``CTModel.step`` calls
            them in another order.
    """
    modules = sorted(m.name for m in pkgutil.iter_modules(processes.__path__) if _STEP.fullmatch(m.name))
    listed, calls = _core_list(), _calls()
    numbers = [int(_STEP.fullmatch(m).group("number")) for m in modules]
    if numbers != list(range(1, len(modules) + 1)):
        raise NumberingError(f"ctsim/model/processes: the modules are numbered {numbers}, not 1 to {len(modules)}")
    if sorted(listed) != numbers:
        raise NumberingError(f"ctsim/model/core.py: the docstring lists processes {sorted(listed)}, the modules are "
                             f"{numbers}")
    missing = [m for m in modules if m not in calls]
    if missing:
        raise NumberingError(f"ctsim/model/core.py imports nothing from {', '.join(missing)}")
    order = _step_order({name: module for module, names in calls.items() for name in names})
    if order != modules:
        raise NumberingError(f"ctsim/model/core.py: CTModel.step runs the processes in the order {order}, not in "
                             f"the order of their numbers")
    out = []
    for module, number in zip(modules, numbers, strict=True):
        out.append(Process(number, module, _STEP.fullmatch(module).group("name"), listed[number], calls[module]))
    return out


def _writes(name: str) -> list[str]:
    return [v.name for v in VARIABLES if name in [w.strip() for w in v.writer.split(",")]]


def process_table() -> str:
    """Markdown table of the month: number, module, what happens (core.py's list), what ``CTModel.step`` uses,
    and the state variables the process writes (:mod:`ctsim.model.state`)."""
    rows = ["| # | process (`src/ctsim/model/processes/`) | what happens | `CTModel.step` uses | writes |",
            "|---|---|---|---|---|"]
    for p in month_processes():
        writes = ", ".join(f"`{v}`" for v in _writes(p.name))
        uses = ", ".join(f"`{name}`" for name in p.uses)
        rows.append(f"| {p.number} | `{p.module}.py` | {cell(p.summary)} | {uses} | {writes} |")
    return "\n".join(rows)


def state_table() -> str:
    """Markdown table of every declared state variable (:data:`ctsim.model.state.VARIABLES`): name, over what it
    ranges, unit, meaning, and the process that writes it (with its number)."""
    numbers = {p.name: p.number for p in month_processes()}

    def writer(text: str) -> str:
        names = [w.strip() for w in text.split(",")]
        return ", ".join(name if name == INIT else f"{numbers[name]} {name}" for name in names)

    rows = ["| variable | over | unit | meaning | written by |", "|---|---|---|---|---|"]
    for v in VARIABLES:
        rows.append(f"| `{v.name}` | {cell(v.over)} | {cell(v.unit)} | {cell(v.meaning)} | {writer(v.writer)} |")
    return "\n".join(rows)
