"""``ctsim new NAME --from baseline``: a new scenario file for policy staff, ready to edit.

The file extends its parent by library name (``extends = "baseline"``), so it runs from any folder, and lists every
lever as a commented line with its plain label, unit, range, lag and the parent's value: uncomment a line and change
the value to make the scenario differ. The scenario's name is its ``name`` key (set to NAME here); without one it
would be the file name.
"""

from __future__ import annotations

from pathlib import Path

from ctsim.declarations.levers import LEVERS, Lever
from ctsim.inputs import excerpt
from ctsim.report.words import lag_words
from ctsim.scenarios.files import ScenarioError, load_scenario


def _toml_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"'
    return f"{value:g}" if isinstance(value, float) else str(value)


def _lever_lines(lever: Lever, value) -> list[str]:
    if lever.kind == "choice":
        admissible = "one of " + ", ".join(f'"{c}"' for c in lever.choices)
    elif lever.kind == "bool":
        admissible = "true or false"
    else:
        admissible = f"{lever.low:g} to {lever.high:g}" + (f" {lever.unit}" if lever.unit else "")
    meaning = "" if lever.meaning.lower() == lever.label.lower() else f" {lever.meaning}."
    return [f"# {lever.label}:{meaning} {admissible}; {lag_words(lever.lag_months)}.",
            f"# {lever.name} = {_toml_value(value)}"]


def scenario_text(name: str, parent: str, parent_description: str, values: dict) -> str:
    """The text of the new scenario file."""
    lines = [
        f"# {name}: <say what this scenario tests, in one line>.",
        "#",
        "# Purpose: <the policy question>.",
        "# Assumptions: <what this scenario assumes beyond the levers below>.",
        "# Sources: <where the choices come from>.",
        f"# Made by `ctsim new {name} --from {parent}`. It extends the library scenario '{parent}'"
        + (f" ({parent_description})" if parent_description else "") + ":",
        "# every lever not set below keeps that scenario's value. Run it with",
        f"#   ctsim compare {parent} {name}.toml --replications 10 --report",
        f'extends = "{parent}"',
        f'name = "{name}"',
        "# The brief's title and labels: a short clause first, then the detail (\"Police first, with ...\").",
        "# Left out, the brief describes the policy by the levers it changes.",
        f'# description = "<what {name} changes, in words>"',
        "",
        "[run]",
        "# start = \"2025-01\"   # first month after the common 2013-2024 history",
        "# months = 120        # horizon",
        "# replications = 10   # runs per scenario in comparisons",
        "",
        "[levers]",
        "# Uncomment a line and change its value. The value shown is the parent's.",
    ]
    for lever in LEVERS:
        lines += _lever_lines(lever, values[lever.name])
    lines += ["",
              "# A change during the run: uncomment and edit (month 1 = the first month; or date = \"2026-01\").",
              "# [[schedule]]",
              "# month = 13",
              "# lever = \"police_capacity\"",
              "# value = 1.0",
              "# ramp = 12            # months of linear change (numeric levers only)", ""]
    return "\n".join(lines)


def new_scenario(name: str, parent: str = "baseline", folder: str | Path = ".") -> Path:
    """Write ``folder/name.toml``, extending the library scenario ``parent``, and check that it loads.

    Everything is checked before anything is written: the name (a plain name, as a scenario's name must be), the
    parent, and the text itself (loaded from a private temporary folder). The file is then created new
    (:func:`ctsim.storage.writing.write_new`): never over an existing file, never through a link.

    Raises:
        ScenarioError: for a bad name, an unknown parent, or a file that exists already.
    """
    from ctsim.inputs import is_plain_name
    from ctsim.scenarios.library import library_names, library_path
    from ctsim.storage import temporary_folder
    from ctsim.storage.writing import write_new

    # Not '.', '..', '.x' or '-rf': the name becomes a file name here and a folder of the results later.
    if not is_plain_name(name) or name.endswith(".toml"):
        raise ScenarioError(f"new: NAME {excerpt(name)} may hold only letters, digits, _ . - and must start with a "
                            f"letter, a digit or _ (at most 100 characters, without .toml)")
    source = library_path(parent)
    if source is None:
        raise ScenarioError(f"new: option '--from' = {excerpt(parent)} is not a library scenario; one of: "
                            f"{', '.join(library_names())}")
    parent = source.stem
    base = load_scenario(source)
    text = scenario_text(name, parent, base.description, base.policy().as_dict())
    with temporary_folder("ctsim-new-") as private:  # the template must load as written, before it is written
        load_scenario(write_new(private / f"{name}.toml", text))
    folder = Path(folder)
    path = folder / f"{name}.toml"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        write_new(path, text)
    except FileExistsError:
        raise ScenarioError(f"{path}: a file (or a link, or a folder) of that name exists already; choose another "
                            f"NAME or --dir") from None
    except OSError as exc:
        raise ScenarioError(f"{path}: cannot write ({exc.strerror})") from None
    return path
