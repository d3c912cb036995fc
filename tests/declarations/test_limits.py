"""The cost guard's limits (issue 38): derived from the declared ranges, refusing the resource bomb of the issue and
nothing a plausible run needs."""

from __future__ import annotations

import pytest

from ctsim.declarations import limits
from ctsim.declarations.parameters import PARAMETERS_BY_NAME, defaults
from ctsim.inputs import InputError
from ctsim.scenarios.runner import build_model


def test_the_initial_limits_are_twice_the_largest_plausible_initial_state():
    militants = PARAMETERS_BY_NAME["initial_active_militants"]
    size = PARAMETERS_BY_NAME["initial_cell_size"]
    assert limits.MAX_INITIAL_MILITANTS == 2 * militants.plausible[1] == 90_000
    assert limits.MAX_INITIAL_CELLS == 2 * militants.plausible[1] / size.low == 45_000
    assert limits.initial_state_problem(militants.plausible[1], size.low) is None, "the plausible corner runs"
    assert militants.value <= limits.MAX_INITIAL_MILITANTS and defaults()["initial_active_militants"] > 0


def test_the_issues_resource_bomb_is_refused_in_one_line_naming_both_keys():
    values = {**defaults(), "initial_active_militants": 1e6, "initial_cell_size": 2.0}
    keys = {"initial_active_militants": "uncertainties.initial_active_militants"}
    with pytest.raises(InputError) as err:
        limits.check_initial_state("bomb.toml", values, InputError, keys)
    message = str(err.value)
    assert message.startswith("bomb.toml: key 'uncertainties.initial_active_militants' = 1,000,000") and \
        "initial_cell_size = 2 (the default)" in message and "500,000 cells" in message, message


def test_a_plausible_history_stays_far_below_the_running_limits():
    """The history with the most militants the plausible range allows, in the smallest cells: the running check
    passes every month, with a margin of ten at least (benchmarks/bench_state_size.py measures more settings)."""
    model = build_model("baseline", 1, uncertainties={"initial_active_militants": 9000.0, "initial_cell_size": 2.0})
    try:
        most_cells = most_militants = 0.0
        for _ in range(36):
            model.step()
            limits.check_running_size(model.record, model.steps)
            most_cells = max(most_cells, model.record["cells"])
            most_militants = max(most_militants, model.record["active_militants"])
    finally:
        model.release()
    assert most_cells * 10 < limits.MAX_RUNNING_CELLS and most_militants * 10 < limits.MAX_RUNNING_MILITANTS, \
        (most_cells, most_militants)


def test_the_running_check_stops_a_run_past_the_limit():
    with pytest.raises(limits.ModelSizeError, match=r"x.toml: stopped in month 7: .* 100,001 militant cells"):
        limits.check_running_size({"cells": 100_001.0, "active_militants": 5.0}, 7, "x.toml")
    limits.check_running_size({"cells": 100_000.0, "active_militants": 2_000_000.0}, 7, "x.toml")
