"""Limits on the size of the model's state, so that no scenario, experiment or study can ask for a run that exhausts
the machine: the cost guard.

**What a run costs.** Memory and time grow with the number of militant cells: each cell is an agent, and in the first
month the small cells of a district merge, which costs tens of microseconds per initial cell and grows faster than
the cells do. Measured on 2026-12-05 with ``benchmarks/bench_state_size.py`` (the baseline without its history, one
process, on a shared two-core machine, the model of issue 32 with compiled kernels): 45,000 initial cells (90,000
militants in cells of 2) took 1.7 s for the first month and 310 MB; 500,000 cells (``initial_active_militants =
1e6`` with ``initial_cell_size = 2``, both within their admissible bounds) took 138 s for the first month and
577 MB (on the model before issue 32 it did not finish its first month in 200 s). The number of militants costs
little by itself (they are counts in the cells), but sets how many cells splits make later: a million militants
in cells of 20 settle at about 35,000 cells and 0.05 s a month.

**The initial state** (checked when a scenario, experiment or study is loaded, so ``ctsim validate`` and
``--dry-run`` refuse it with one line naming the keys). Two parameters size it: ``initial_active_militants`` and
``initial_cell_size`` (cells = militants / cell size). The largest initial state their declarations allow as
plausible is 45,000 militants (the plausible high of ``initial_active_militants``, the end of 2012 since issue 34's
long history) in cells of 2 (the admissible low of ``initial_cell_size``, an assumption with no plausible range):
22,500 cells. The limits are twice that (:data:`MARGIN`; ten times the plausible high of 9,000 militants of the
2022 start it had before): at most :data:`MAX_INITIAL_MILITANTS` militants and :data:`MAX_INITIAL_CELLS` cells at
the start, a first month of about 2 s and 310 MB at worst. (With cells of at least 2 members the militants' limit
implies the cells'; both are checked, so that a change of the admissible cell size cannot open the door again.)

**The running state** (checked by the runner once a month; a run past it stops with one line). The largest state
the model reached, measured with the same benchmark: over the 2022-2024 history on 40 posterior draws, at most 469
cells and 13,538 militants; with 9,000 militants in cells of 2, 736 cells and 18,317 militants; with every
uncertainty at its plausible high, 1,228 cells and 42,155 militants; over 50 years with every uncertainty at its
plausible high, 2,554 cells and 91,376 militants (the model before issue 32 gave the same within 10%). The running
limits, :data:`MAX_RUNNING_CELLS` cells and :data:`MAX_RUNNING_MILITANTS` militants, are far above all of these
(about 40 and 20 times the 50-year figures) and keep a run under about 400 MB (100,000 initial cells: 339 MB).
They are counts of the model's state, not a reading of the process's memory, so a run stops at the same month on
every machine: the failure is reproducible bit for bit, as the run is.
"""

from __future__ import annotations

from collections.abc import Mapping

from ctsim.declarations.parameters import PARAMETERS_BY_NAME
from ctsim.inputs import InputError

MILITANTS = "initial_active_militants"
CELL_SIZE = "initial_cell_size"
INITIAL_KEYS = (MILITANTS, CELL_SIZE)
MARGIN = 2
PLAUSIBLE_INITIAL_MILITANTS = PARAMETERS_BY_NAME[MILITANTS].plausible[1]  # 45,000
SMALLEST_CELL = PARAMETERS_BY_NAME[CELL_SIZE].low  # 2
PLAUSIBLE_INITIAL_CELLS = PLAUSIBLE_INITIAL_MILITANTS / SMALLEST_CELL  # 22,500
MAX_INITIAL_MILITANTS = MARGIN * PLAUSIBLE_INITIAL_MILITANTS  # 90,000
MAX_INITIAL_CELLS = MARGIN * PLAUSIBLE_INITIAL_CELLS  # 45,000
# Measured (benchmarks/bench_state_size.py, 2026-12-05): the largest state over 50 years with every uncertainty at
# its plausible high; the running limits lie far above it.
LARGEST_MEASURED_CELLS = 2_554
LARGEST_MEASURED_MILITANTS = 91_376
MAX_RUNNING_CELLS = 100_000
MAX_RUNNING_MILITANTS = 2_000_000


class ModelSizeError(InputError):
    """A run whose state grew past the running limits (one line; the command line exits with status 2)."""


def initial_cells(militants: float, cell_size: float) -> float:
    """Militant cells at the start: militants in cells of ``cell_size`` (the model rounds per region)."""
    return float(militants) / max(float(cell_size), 1.0)


def initial_state_problem(militants: float, cell_size: float) -> str | None:
    """Why an initial state of ``militants`` in cells of ``cell_size`` is refused (its size in words), or None when
    it is within the limits."""
    cells = initial_cells(militants, cell_size)
    if militants > MAX_INITIAL_MILITANTS or cells > MAX_INITIAL_CELLS:
        return f"{militants:,.0f} militants in {cells:,.0f} cells at the start"
    return None


def _number(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() and abs(value) < 1e15 else f"{value:,g}"


def check_initial_state(where: str, values: Mapping[str, float], error: type[InputError],
                        keys: Mapping[str, str] | None = None) -> None:
    """Refuse an initial state beyond the limits, in one line naming both keys, their values and the limits.

    Args:
        where: the file, for the message.
        values: the resolved parameter values (``initial_active_militants`` and ``initial_cell_size`` at least).
        error: the error class to raise.
        keys: how the file names each of the two parameters it sets (``uncertainties.initial_cell_size``); one it
            does not set is shown as the default.
    """
    militants, size = float(values[MILITANTS]), float(values[CELL_SIZE])
    problem = initial_state_problem(militants, size)
    if problem is None:
        return
    keys = keys or {}

    def shown(name: str, value: float) -> str:
        return f"key '{keys[name]}' = {_number(value)}" if name in keys else f"{name} = {_number(value)} (the default)"

    raise error(f"{where}: {shown(MILITANTS, militants)} and {shown(CELL_SIZE, size)} make {problem}; at most "
                f"{MAX_INITIAL_MILITANTS:,.0f} militants in at most {MAX_INITIAL_CELLS:,.0f} cells are allowed "
                f"({MARGIN} times the largest initial state of the plausible ranges, "
                f"{PLAUSIBLE_INITIAL_MILITANTS:,.0f} militants in cells of {SMALLEST_CELL:g}), so that a run fits in "
                f"memory and time: lower {MILITANTS} or raise {CELL_SIZE}")


def check_running_size(record: Mapping[str, object], month: int, where: object = "run") -> None:
    """Stop a run whose state has grown past the running limits: ``record`` is the model's record of the month
    (its ``cells`` and ``active_militants`` outputs).

    Raises:
        ModelSizeError: one line naming the run, the month and the limits.
    """
    cells, militants = float(record.get("cells", 0.0)), float(record.get("active_militants", 0.0))
    if cells > MAX_RUNNING_CELLS or militants > MAX_RUNNING_MILITANTS:
        raise ModelSizeError(
            f"{where}: stopped in month {month}: the model holds {cells:,.0f} militant cells and {militants:,.0f} "
            f"militants, past the limit of {MAX_RUNNING_CELLS:,} cells and {MAX_RUNNING_MILITANTS:,} militants "
            f"(far beyond anything the model was calibrated for; the limit keeps a run under about 400 MB)")
