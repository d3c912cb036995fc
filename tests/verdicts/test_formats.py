"""Numbers for people: a unit on every number, intervals that show their digits (never 0.000 to 0.000), money in
rupees."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

import ctsim.verdicts
from ctsim.verdicts import format_interval, format_rupees, format_value
from ctsim.verdicts.formats import format_difference, format_percent

NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")


def test_values_carry_their_unit():
    assert format_value("attacks", 12678.0) == "12,678 attacks"
    assert format_value("detained_without_trial", 422.0) == "422 people"
    assert format_value("legitimacy", 0.5605) == "0.56 on the 0-1 index"
    assert format_value("fear", 0.0573) == "0.057 on the index", "a small index keeps two significant digits"


def test_rupees_as_budgets_write_them():
    assert format_rupees(1.23e9, "year") == "Rs 1.23 bn a year"
    assert format_rupees(593e9) == "Rs 593 bn"
    assert format_rupees(2.122e12) == "Rs 2,122 bn", "billions up to ten trillion, as budgets write them"
    assert format_rupees(1.23e13) == "Rs 12.3 trn"
    assert format_rupees(77_300.0) == "Rs 77,300"
    assert format_rupees(-4.5e9) == "-Rs 4.5 bn", "a saving keeps its sign"


def test_intervals_in_words():
    assert format_interval("attacks", -160.0, -80.0) == "80 to 160 fewer attacks"
    assert format_interval("attacks", -10.0, 4.0) == "10 fewer to 4 more attacks"
    assert format_interval("legitimacy", 0.0002, 0.0012) == "0.0002 to 0.0012 higher on the 0-1 index"
    assert format_interval("legitimacy", -0.00004, 0.00001) == "0.00004 lower to 0.00001 higher on the 0-1 index"
    assert format_difference("attacks", -118.4, -160.0, -80.0) == "118 fewer attacks"
    assert format_percent(0.0812) == "8.1%" and format_percent(0.0004) == "less than 0.1%"


@given(st.one_of(st.just(0.0), st.floats(1e-9, 1.0), st.floats(-1.0, -1e-9)), st.floats(1e-7, 1.0))
def test_an_index_interval_never_prints_its_ends_alike_or_a_nonzero_end_as_zero(low, width):
    high = low + width
    text = format_interval("legitimacy", low, high)
    numbers = [float(n.replace(",", "")) for n in NUMBER.findall(text.split(" on the ")[0].replace("0-1", ""))]
    assert len(numbers) == 2, text
    assert numbers[0] != numbers[1] or abs(low) == abs(high), f"the two ends must differ as printed: {text}"
    for shown, true in zip(sorted(numbers), sorted((abs(low), abs(high))), strict=True):
        assert shown != 0 or true < 1e-12, f"an end that is not zero (nor float noise) must not print as zero: {text}"


def test_the_package_sits_on_its_own_floor():
    """ctsim.verdicts imports only ctsim.data and ctsim.declarations (and itself)."""
    allowed = ("ctsim.data", "ctsim.declarations", "ctsim.verdicts")
    for path in Path(ctsim.verdicts.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = ([node.module] if isinstance(node, ast.ImportFrom) and node.module else
                     [a.name for a in node.names] if isinstance(node, ast.Import) else [])
            for name in names:
                if name.startswith("ctsim"):
                    assert name.startswith(allowed), f"{path.name} imports {name}: verdicts may import only {allowed}"
