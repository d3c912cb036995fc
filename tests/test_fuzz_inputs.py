"""Property-based tests (hypothesis): mutated scenario, experiment and study files load to a valid object or raise
the project's own error with one printable, bounded line naming a file; never another exception, in bounded time.

Each test starts from the real files in the repository, parses them, mutates them (a value replaced by a nasty one:
nan, inf, huge numbers, control characters, deep nesting, '..', absolute paths; a key added or removed) and writes
them back as TOML; a text-level test also cuts, duplicates and corrupts bytes. A modest number of examples with a
deadline keeps the file well under a minute.
"""

from __future__ import annotations

import json
import math
import tomllib
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ctsim.analysis.sensitivity.study import load_study
from ctsim.experiments.design import load_experiment
from ctsim.inputs import MAX_MESSAGE
from ctsim.scenarios.files import ScenarioError, load_scenario

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = sorted((ROOT / "scenarios").glob("*.toml"))
FUZZ = settings(max_examples=60, deadline=3000, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

NASTY = st.one_of(
    st.sampled_from([float("nan"), float("inf"), -float("inf"), 0, -1, 1, 3, 600, 601, 10**7, 2**63, 10**30, 0.5,
                     -0.0, 1e308, True, False, "", "..", ".", "/etc/passwd", "/proc/self/environ", "/dev/zero",
                     "a\x00b", "x" * 300, "\x1b[31mred\n", "0000-01", "2024-13", "2024-01", "police", "military",
                     "baseline", "baseline.toml", "../../../../tmp/x", "latin_hypercube", "full_factorial", "file",
                     "list", "morris", "sobol", [], {}, [0.2, 0.8], [1, 2, 3], ["military", "police"]]),
    st.text(max_size=30),
    st.integers(),
    st.floats(),
    st.recursive(st.integers(-5, 5), lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
        st.text(max_size=5), inner, max_size=3), max_leaves=8),
    st.integers(30, 400).map(lambda n: _nested(n)),
)


def _nested(n: int) -> list:
    value: list = []
    for _ in range(n):
        value = [value]
    return value


def toml_value(value: Any) -> str:
    """TOML for a value (inline tables and arrays; nan and infinities as TOML writes them)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value).replace("\\/", "/")
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{json.dumps(str(k))} = {toml_value(v)}" for k, v in value.items()) + "}"
    raise TypeError(type(value))


def toml_text(data: dict) -> str:
    return "".join(f"{json.dumps(str(k))} = {toml_value(v)}\n" for k, v in data.items())


def paths_in(data: Any, prefix: tuple = ()) -> list[tuple]:
    """Every key path of a parsed TOML document (into tables and arrays)."""
    out = [prefix] if prefix else []
    if isinstance(data, dict):
        for k, v in data.items():
            out += paths_in(v, (*prefix, k))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            out += paths_in(v, (*prefix, i))
    return out


def mutate(data: dict, path: tuple, value: Any, delete: bool) -> dict:
    data = json.loads(json.dumps(data, allow_nan=True))  # deep copy
    parent = data
    for step in path[:-1]:
        parent = parent[step]
    if delete and isinstance(parent, dict):
        parent.pop(path[-1], None)
    else:
        parent[path[-1]] = value
    return data


def absolute(data: dict, folder: Path, keys: tuple[str, ...]) -> dict:
    """Scenario paths made absolute, so that a copy in a temporary folder finds them."""
    for key in keys:
        value = data.get(key)
        if isinstance(value, str):
            data[key] = str((folder / value).resolve())
        elif isinstance(value, list):
            data[key] = [str((folder / v).resolve()) if isinstance(v, str) else v for v in value]
    return data


def assert_own_error(path: Path, load) -> None:
    """``load(path)`` returns, or raises ScenarioError with one bounded printable line naming a file."""
    try:
        load(path)
    except ScenarioError as exc:
        message = str(exc)
        assert "\n" not in message and "\r" not in message, f"one line: {message!r}"
        assert all(ch.isprintable() for ch in message), f"printable: {message!r}"
        assert len(message) <= MAX_MESSAGE, f"bounded: {len(message)} characters"
        named = message.split(": ", 1)[0]
        assert named.endswith(".toml") or path.name in message or Path(named).exists(), \
            f"the message should start with a file: {message!r}"


def structured_case(sources: list[Path], keys: tuple[str, ...]):
    @st.composite
    def case(draw):
        source = draw(st.sampled_from(sources))
        data = absolute(tomllib.loads(source.read_text()), source.parent, keys)
        paths = paths_in(data)
        path = draw(st.sampled_from(paths)) if paths and draw(st.booleans()) else (draw(st.text(min_size=1,
                                                                                                max_size=12)),)
        return mutate(data, path, draw(NASTY), draw(st.booleans()))
    return case()


@FUZZ
@given(data=structured_case(SCENARIOS, ("extends", "history")))
def test_mutated_scenarios(tmp_path, data):
    path = tmp_path / "mutated.toml"
    path.write_text(toml_text(data))
    assert_own_error(path, load_scenario)


@FUZZ
@given(data=structured_case([ROOT / "experiments" / "lever_sweep.toml"], ("scenarios",)))
def test_mutated_experiments(tmp_path, data):
    path = tmp_path / "mutated.toml"
    path.write_text(toml_text(data))
    assert_own_error(path, load_experiment)


@FUZZ
@given(data=structured_case([ROOT / "experiments" / "screen_levers_morris.toml",
                             ROOT / "experiments" / "rank_levers_sobol.toml"], ("scenario",)))
def test_mutated_studies(tmp_path, data):
    path = tmp_path / "mutated.toml"
    path.write_text(toml_text(data))
    assert_own_error(path, load_study)


@FUZZ
@given(source=st.sampled_from(SCENARIOS[:4] + [ROOT / "experiments" / "lever_sweep.toml"]),
       edits=st.lists(st.tuples(st.floats(0, 1), st.integers(0, 40), st.binary(max_size=8)), max_size=4))
def test_corrupted_bytes(tmp_path, source, edits):
    raw = bytearray(source.read_bytes())
    for where, cut, insert in edits:
        at = int(where * len(raw))
        raw[at:at + cut] = insert
    path = tmp_path / "corrupted.toml"
    path.write_bytes(bytes(raw).replace(b'"../scenarios/', f'"{ROOT}/scenarios/'.encode()))
    assert_own_error(path, load_experiment if source.parent.name == "experiments" else load_scenario)


CELLS = st.one_of(st.sampled_from(["nan", "inf", "-inf", "", "1e999", "0.5", "police", "true", "\x1b[2J", '"',
                                   "9" * 40]), st.text(max_size=12), st.floats().map(repr))


@FUZZ
@given(header=st.lists(st.sampled_from(["dialogue", "ct_lead", "central_ctd", "handover_months", "hit_fraction",
                                        "TOKEN=secret", "", "a,b"]), min_size=1, max_size=3),
       rows=st.lists(st.lists(CELLS, min_size=1, max_size=3), max_size=4))
def test_mutated_points_files(tmp_path, header, rows):
    text = ",".join(header) + "\n" + "".join(",".join(r) + "\n" for r in rows)
    (tmp_path / "points.csv").write_text(text)
    path = tmp_path / "exp.toml"
    path.write_text(f'scenarios = ["{ROOT / "scenarios" / "baseline.toml"}"]\n[design]\nmethod = "file"\n'
                    f'path = "points.csv"\n')
    assert_own_error(path, load_experiment)
