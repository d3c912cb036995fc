"""Scenario files (TOML): run settings, lever values and parameter overrides, strictly validated.

A scenario file looks like::

    # Purpose, assumptions and sources in a comment at the top.
    name = "baseline"
    [run]
    start = "2024-01"   # first month
    months = 120        # horizon
    seed = 20240101
    [levers]            # any lever from `ctsim.levers`; unspecified levers keep the status quo
    ct_lead = "military"
    [parameters]        # overrides of `ctsim.parameters` by name

Every mistake gives a :class:`ScenarioError` whose message names the file and the key and says what is valid.
"""

from __future__ import annotations

import difflib
import hashlib
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ctsim.levers import LEVERS_BY_NAME, LeverError, Policy
from ctsim.parameters import PARAMETERS_BY_NAME, ParameterError, resolve

SECTIONS = ("name", "description", "run", "levers", "parameters")
RUN_KEYS = ("start", "months", "seed")
MAX_MONTHS = 600


class ScenarioError(ValueError):
    """A scenario file that cannot be used; the message names the file and the key."""


@dataclass
class Scenario:
    """A validated scenario.

    Attributes:
        name: short name (used for the results folder).
        path: the file it came from (None when built in code).
        start: first month ``YYYY-MM``.
        months: horizon in months.
        seed: root seed.
        levers: lever values given in the file.
        parameters: parameter overrides given in the file.
        sha256: hash of the file's bytes.
        description: free text.
    """

    name: str
    path: Path | None = None
    start: str = "2024-01"
    months: int = 120
    seed: int = 0
    levers: dict[str, Any] = field(default_factory=dict)
    parameters: dict[str, float] = field(default_factory=dict)
    sha256: str = ""
    description: str = ""

    def policy(self) -> Policy:
        """The lever values as a :class:`ctsim.levers.Policy`."""
        return Policy(**self.levers)


def _suggest(name: str, valid: list[str]) -> str:
    close = difflib.get_close_matches(name, valid, n=1)
    return f"; did you mean '{close[0]}'?" if close else f"; valid keys: {', '.join(valid)}"


def _int(where: str, key: str, value: Any, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ScenarioError(f"{where}: key '{key}' must be a whole number; got {value!r}")
    if not low <= value <= high:
        raise ScenarioError(f"{where}: key '{key}' = {value} is outside the valid range [{low}, {high}]")
    return value


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate a scenario file.

    Raises:
        ScenarioError: for a missing or unreadable file, bad TOML, an unknown key, a wrong type or an
            out-of-range value. The message starts with the file name and names the key.
    """
    path = Path(path)
    where = str(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ScenarioError(f"{where}: file not found") from None
    except OSError as exc:
        raise ScenarioError(f"{where}: cannot read file ({exc.strerror})") from None
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ScenarioError(f"{where}: not valid TOML ({exc})") from None
    scenario = Scenario(name=path.stem, path=path, sha256=hashlib.sha256(raw).hexdigest())
    for key in data:
        if key not in SECTIONS:
            raise ScenarioError(f"{where}: unknown key '{key}'{_suggest(key, list(SECTIONS))}")
    for key in ("name", "description"):
        if key in data:
            if not isinstance(data[key], str) or not data[key].strip():
                raise ScenarioError(f"{where}: key '{key}' must be a non-empty string")
            setattr(scenario, key, data[key].strip())
    if not re.fullmatch(r"[A-Za-z0-9_.-]+", scenario.name):
        raise ScenarioError(f"{where}: key 'name' = {scenario.name!r} may hold only letters, digits, _ . -")
    for section in ("run", "levers", "parameters"):
        if section in data and not isinstance(data[section], dict):
            raise ScenarioError(f"{where}: key '{section}' must be a table ([{section}])")
    _read_run(where, data.get("run", {}), scenario)
    for name, value in data.get("levers", {}).items():
        if name not in LEVERS_BY_NAME:
            raise ScenarioError(f"{where}: key 'levers.{name}': unknown lever{_suggest(name, list(LEVERS_BY_NAME))}")
        try:
            Policy(**{name: value})
        except LeverError as exc:
            raise ScenarioError(f"{where}: key 'levers.{name}': {exc}") from None
        scenario.levers[name] = value
    for name, value in data.get("parameters", {}).items():
        if name not in PARAMETERS_BY_NAME:
            raise ScenarioError(
                f"{where}: key 'parameters.{name}': unknown parameter{_suggest(name, list(PARAMETERS_BY_NAME))}")
        try:
            resolve({name: value})
        except ParameterError as exc:
            raise ScenarioError(f"{where}: key 'parameters.{name}': {exc}") from None
        scenario.parameters[name] = float(value)
    return scenario


def _read_run(where: str, run: dict[str, Any], scenario: Scenario) -> None:
    for key, value in run.items():
        if key not in RUN_KEYS:
            raise ScenarioError(f"{where}: unknown key 'run.{key}'{_suggest(key, list(RUN_KEYS))}")
        if key == "start":
            if not isinstance(value, str) or not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", value):
                raise ScenarioError(f"{where}: key 'run.start' must be a month written YYYY-MM; got {value!r}")
            scenario.start = value
        elif key == "months":
            scenario.months = _int(where, "run.months", value, 1, MAX_MONTHS)
        else:
            scenario.seed = _int(where, "run.seed", value, 0, 2**63 - 1)
