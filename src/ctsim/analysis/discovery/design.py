"""The batch a scenario discovery runs on: the uncertainties sampled point by point, and an experiment file that runs
the reference and the policies at every point (``ctsim discover --write-design``).

Each point takes:

- the **assumed values** (the registry's uncertainties the calibration does not fit; prices only when asked, since
  they move cost alone) from a Latin hypercube over their plausible ranges;
- the **calibrated parameters** from a posterior draw: point ``i`` takes the draw of replication ``i``
  (:func:`ctsim.experiments.executors.replications`), so the cases cover the posterior as the replications of any
  study do; with the point calibration they are not varied. Values a design point sets win over a replication's
  draw, so every replication of a point runs on the point's own draw and replications differ by chance alone.

The experiment file names the scenarios by their library names or paths and the points file beside it (method
``file``): ``ctsim batch`` runs it like any other (resumable, local processes or Dask).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.stats import qmc

from ctsim.calibration import targets
from ctsim.calibration.parameter_sets import ParameterSet
from ctsim.declarations import registry
from ctsim.declarations.parameters import PARAMETERS_BY_NAME
from ctsim.experiments.executors import replications
from ctsim.storage import ensure_folder, write_text

POINTS_FILE, EXPERIMENT_FILE = "uncertainty_points.csv", "experiment.toml"
DEFAULT_POLICIES = ("civilian_led", "madrasa_reform", "nacta_relocation")


def assumed(prices: bool = False) -> list[registry.Factor]:
    """The assumed values a discovery varies: uncertainties the calibration does not fit (prices only if asked)."""
    return [f for f in registry.uncertainties()
            if f.name not in targets.FREE and (prices or not PARAMETERS_BY_NAME[f.name].is_price)]


def uncertainty_points(samples: int, seed: int, parameters: ParameterSet, prices: bool = False) -> pd.DataFrame:
    """One row per point: a Latin hypercube over the assumed values' plausible ranges, and (with posterior draws)
    the calibrated parameters of draw ``i`` at point ``i``."""
    factors = assumed(prices)
    unit = qmc.LatinHypercube(d=len(factors), seed=np.random.default_rng(seed)).random(samples)
    table = pd.DataFrame({f.name: f.low + unit[:, j] * (f.high - f.low) for j, f in enumerate(factors)})
    if parameters.mode == "draws":
        draws = pd.DataFrame([r.draw for r in replications(samples, seed, parameters)])
        table = pd.concat([table, draws[[c for c in draws.columns if c in targets.FREE]]], axis=1)
    return table


def experiment_text(name: str, scenarios: Sequence[str], replications_per_point: int, months: int | None,
                    seed: int, samples: int, parameters: ParameterSet) -> str:
    """The experiment file running ``scenarios`` at every point of the points file beside it."""
    listed = ", ".join(f'"{s}"' for s in scenarios)
    horizon = f"months = {months}\n" if months else ""
    draws = ("each point carries its own posterior draw of the calibrated parameters"
             if parameters.mode == "draws" else "the calibrated parameters at the point calibration")
    return (f"# Scenario discovery over the uncertainties (ctsim discover --write-design): {samples} points, "
            f"{len(scenarios)} scenarios,\n# {replications_per_point} replication(s) each; the assumed values from "
            f"a Latin hypercube over their plausible ranges,\n# {draws}.\n"
            f"# Run: ctsim batch {EXPERIMENT_FILE} --out <folder>; then: ctsim discover <folder> --policy <name>\n"
            f'name = "{name}"\nscenarios = [{listed}]\nreplications = {replications_per_point}\n{horizon}'
            f"seed = {seed}\n\n[design]\nmethod = \"file\"\npath = \"{POINTS_FILE}\"\n")


def write_design(folder: Path, samples: int, seed: int, parameters: ParameterSet,
                 scenarios: Sequence[str] = ("baseline", *DEFAULT_POLICIES), replications_per_point: int = 1,
                 months: int | None = None, prices: bool = False, name: str = "discover_uncertainties") -> list[Path]:
    """Write the points file and the experiment file into ``folder`` (created if needed)."""
    ensure_folder(folder)
    points = uncertainty_points(samples, seed, parameters, prices)
    return [write_text(folder / POINTS_FILE, points.to_csv(index=False)),
            write_text(folder / EXPERIMENT_FILE, experiment_text(name, scenarios, replications_per_point, months,
                                                                 seed, samples, parameters))]
