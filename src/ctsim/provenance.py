"""Where a result came from: ctsim's version (from the installed package's metadata), the git commit of the source
tree, and the versions of the packages a run depends on. Every manifest ctsim writes records them."""

from __future__ import annotations

import platform
import subprocess
from functools import lru_cache
from importlib import metadata
from pathlib import Path

PACKAGES = ("mesa", "numpy", "scipy", "pandas", "pyarrow", "matplotlib", "networkx", "salib")


@lru_cache(maxsize=1)
def version() -> str:
    """ctsim's version, as the installed package's metadata gives it (``unknown`` when it is not installed)."""
    try:
        return metadata.version("ctsim")
    except metadata.PackageNotFoundError:
        return "unknown"


def git_commit() -> str:
    """The commit of the ctsim source tree, or ``unknown`` outside a git checkout."""
    try:
        out = subprocess.run(["git", "rev-parse", "HEAD"], cwd=Path(__file__).parent, capture_output=True,
                             text=True, timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return out.stdout.strip() if out.returncode == 0 else "unknown"


def package_versions() -> dict[str, str]:
    """Versions of the packages a run depends on."""
    versions = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions
