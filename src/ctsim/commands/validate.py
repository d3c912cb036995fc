"""``ctsim validate FILE...``: check scenario, experiment and sensitivity study files without running them."""

from __future__ import annotations

import argparse
import sys
import tomllib
from pathlib import Path

from ctsim.inputs import InputError, one_line, read_input
from ctsim.scenarios.files import ScenarioError, resolve_scenario

EXIT_USAGE = 2


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = sub.add_parser("validate", help="check scenario, experiment and study files without running them")
    parser.add_argument("scenarios", type=Path, nargs="+",
                        help="scenario, experiment or sensitivity study files (TOML; the kind is read from the "
                             "content)")
    return parser


def handle(args: argparse.Namespace) -> int:

    status = 0
    for path in args.scenarios:
        try:
            print(one_line(f"{path}: ok ({validated(path)})"))
        except InputError as exc:
            print(one_line(f"ctsim: error: {exc}"), file=sys.stderr)
            status = EXIT_USAGE
    return status


def file_kind(path: Path) -> str:
    """``experiment``, ``study`` or ``scenario``, read from the file's top-level keys (a file that cannot be read
    or parsed counts as a scenario, whose loader then reports the problem)."""
    try:
        data = tomllib.loads(read_input(path, "TOML file", ScenarioError).decode("utf-8"))
    except (ScenarioError, tomllib.TOMLDecodeError, UnicodeDecodeError, RecursionError):
        return "scenario"
    if "scenarios" in data or "design" in data or "outputs" in data:
        return "experiment"
    if {"scenario", "method", "factors", "strata", "outcomes", "n", "second_order"} & set(data):
        return "study"
    return "scenario"


def validated(path: Path) -> str:
    """What the file holds, in a few words; raises the file kind's one-line error when it cannot be used."""
    # The loaders of experiments and studies load their libraries (SALib, pyarrow): imported when a file needs them.
    from ctsim.analysis.sensitivity.study import load_study
    from ctsim.experiments.design import load_experiment

    kind = file_kind(path) if path.is_file() else "scenario"
    if kind == "experiment":
        experiment = load_experiment(path)
        return f"experiment {experiment.name}: {experiment.n_runs:,} runs of {experiment.months} months"
    if kind == "study":
        study = load_study(path)
        return f"{study.method} study {study.name}: {study.runs:,} runs of {study.months} months"
    scenario = resolve_scenario(path)
    spin_up = scenario.spin_up_months
    return (f"scenario {scenario.name}: {scenario.months - spin_up} months from {scenario.reported_start}"
            + (f", after {spin_up} months of spin-up from {scenario.start}" if spin_up else ""))
