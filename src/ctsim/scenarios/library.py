"""The scenario library shipped with ctsim: the status quo, the histories (2013-2024, the default, and 2022-2024)
and the policies DESIGN.md names.

The files live in ``ctsim/scenarios/library/`` (the repository's ``scenarios/`` folder points there). A scenario
file may name a library scenario in ``extends`` or ``history`` by its bare name (``"baseline"`` or
``"baseline.toml"``): a name without a folder that is not a file beside the scenario resolves to the library, so a
copy of a library scenario saved anywhere still finds its parent and its history.
"""

from __future__ import annotations

from pathlib import Path

LIBRARY_DIR = Path(__file__).parent / "library"
BASELINE = "baseline"
HISTORY = "history_2013_2024"


def library_names() -> list[str]:
    """Names of the library's scenarios, sorted."""
    return sorted(p.stem for p in LIBRARY_DIR.glob("*.toml"))


def library_path(name: str) -> Path | None:
    """The library file called ``name`` (with or without ``.toml``), or None when there is none."""
    if not name or "/" in name or "\\" in name or name in (".", "..") or "\x00" in name:
        return None
    stem = name[:-5] if name.endswith(".toml") else name
    path = LIBRARY_DIR / f"{stem}.toml"
    return path if path.is_file() else None
