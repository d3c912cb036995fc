"""ctsim: an exploratory agent-based simulation of counterterrorism policy in Pakistan.

The model is not a forecaster: it makes assumptions explicit and shows uncertainty. Start with :func:`ctsim.run`
(build a model from a scenario or lever values, with the 2013-2024 history the CLI uses, run it, get its frames),
:func:`ctsim.build_model` (the same model, to step yourself), the levers in :mod:`ctsim.declarations.levers` and
the parameters in :mod:`ctsim.declarations.parameters`. The package layout follows the ODD protocol: see README.md.

Example:
    >>> import ctsim
    >>> result = ctsim.run("civilian_led", seed=1, months=12)
    >>> int(result.summary["attacks"]) > 0
    True
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ctsim.provenance import version

__version__ = version()
__all__ = ["__version__", "build_model", "load_scenario", "run"]

if TYPE_CHECKING:
    from ctsim.scenarios.files import load_scenario
    from ctsim.scenarios.runner import build_model, run


def __getattr__(name: str) -> Any:
    # Imported on first use, so that `import ctsim` (and `ctsim --version`) stays fast and import-cycle free.
    if name in ("run", "build_model"):
        from ctsim.scenarios import runner

        return getattr(runner, name)
    if name == "load_scenario":
        from ctsim.scenarios.files import load_scenario

        return load_scenario
    raise AttributeError(f"module 'ctsim' has no attribute {name!r}")
