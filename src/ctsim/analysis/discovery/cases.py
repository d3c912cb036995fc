"""The cases of a scenario discovery: from a batch over the uncertainties, one row per case with the inputs that
varied and whether the policy failed there.

The batch (``ctsim batch``; read through the validated loader, :func:`ctsim.experiments.results.read`) runs the
reference and the policy at every design point and replication with the same seeds and draws (common random
numbers), so the policy's effect in a case is the paired difference of one outcome. A case is a design point, its
replications averaged, when the replications differ by chance alone (the point calibration, or a design that sets
every calibrated parameter itself, as ``ctsim discover --write-design`` does); otherwise each replication is a case
of its own, with its posterior draw's values among the inputs (from the packaged draws file, which must be the one
the batch ran on).

The policy **fails** in a case when it does not do better than the reference by at least ``margin`` (a share of the
reference's value; 0: any improvement counts): for an outcome where lower is better, when
``policy - reference >= -margin x |reference|``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ctsim.calibration import targets
from ctsim.calibration.draws import replication_order
from ctsim.calibration.parameter_sets import POSTERIOR_FILE, read_posterior
from ctsim.declarations.levers import LEVERS_BY_NAME
from ctsim.declarations.outputs import OUTPUTS_BY_NAME
from ctsim.experiments.results import read
from ctsim.inputs import InputError, excerpt, excerpt_path, suggest
from ctsim.storage import BatchResult

RUN_COLUMNS = ("run_id", "point", "scenario", "scenario_index", "replication", "seed_entropy", "seed_spawn_key",
               "seed_extra", "status", "error", "elapsed_s", "worker")


class DiscoveryError(InputError):
    """A discovery that cannot be made from the batch and options given; one line naming the folder or option."""


@dataclass
class Cases:
    """The cases of one discovery.

    Attributes:
        inputs: one row per case, one column per input that varied.
        reference: the reference's outcome in each case.
        policy: the policy's outcome in each case.
        failed: whether the policy failed there.
        outcome: the outcome judged.
        per: ``point`` (replications averaged) or ``run`` (each replication a case).
        replications: replications per point in the batch.
        months: the batch's horizon.
    """

    inputs: pd.DataFrame
    reference: np.ndarray
    policy: np.ndarray
    failed: np.ndarray
    outcome: str
    per: str
    replications: int
    months: int

    @property
    def difference(self) -> np.ndarray:
        """The policy's outcome less the reference's, case by case."""
        return self.policy - self.reference


def load_cases(folder: str | Path, policy: str, reference: str = "baseline", outcome: str = "attacks",
               margin: float = 0.0) -> Cases:
    """Read a batch and judge the policy against the reference in every case.

    Raises:
        DiscoveryError: when a scenario or outcome is not in the batch, runs are missing or failed, or nothing
            varied.
        ctsim.storage.ResultsError: when the folder holds no batch or a file of it is damaged.
    """
    batch = read(folder, monthly=False)
    where = excerpt_path(Path(folder))
    for option, name in (("--policy", policy), ("--reference", reference)):
        if name not in batch.names:
            raise DiscoveryError(f"{where}: option '{option}' = {excerpt(name)} is not a scenario of this batch "
                                 f"({', '.join(batch.names)}){suggest(str(name), batch.names)}")
    if policy == reference:
        raise DiscoveryError(f"{where}: options '--policy' and '--reference' name the same scenario")
    if outcome not in OUTPUTS_BY_NAME or outcome not in batch.runs.columns:
        raise DiscoveryError(f"{where}: option '--outcome' = {excerpt(outcome)} is not an outcome of this batch"
                             f"{suggest(str(outcome), list(OUTPUTS_BY_NAME))}")
    runs = batch.runs[batch.runs["scenario"].isin([policy, reference])]
    bad = runs[runs["status"] != "ok"]
    if len(bad):
        raise DiscoveryError(f"{where}: {len(bad)} run(s) of {policy} or {reference} failed or are pending (run "
                             f"{int(bad['run_id'].iloc[0])} first); finish the batch (ctsim batch, --retry-failed)")
    factors = [c for c in batch.design.columns if c not in RUN_COLUMNS]
    pairs = runs.pivot_table(index=["point", "replication"], columns="scenario", values=outcome, aggfunc="first")
    design = batch.design.drop_duplicates(["point", "replication"]).set_index(["point", "replication"])[factors]
    free_in_design = set(targets.FREE) <= set(factors)
    mode = (batch.info.get("parameters") or {}).get("mode", "point")
    per = "point" if (mode != "draws" or free_in_design) else "run"
    if per == "point":
        pairs = pairs.groupby(level="point").mean()
        design = design.groupby(level="point").first()
    else:
        design = design.join(_draw_values(batch, where, exclude=set(factors)), on="replication")
    varied = [c for c in design.columns if design[c].nunique(dropna=False) > 1]
    if not varied:
        raise DiscoveryError(f"{where}: no input varies across the batch's design, so there is nothing to discover")
    inputs = design.loc[pairs.index, varied].reset_index(drop=True)
    for column in inputs.columns:  # levers keep their type; every other input is a number
        if column not in LEVERS_BY_NAME:
            inputs[column] = inputs[column].astype(float)
    ref, pol = pairs[reference].to_numpy(dtype=float), pairs[policy].to_numpy(dtype=float)
    return Cases(inputs, ref, pol, fails(outcome, ref, pol, margin), outcome, per, int(batch.info["replications"]),
                 int(batch.info["months"]))


def fails(outcome: str, reference: np.ndarray, policy: np.ndarray, margin: float = 0.0) -> np.ndarray:
    """Whether the policy misses doing better than the reference by ``margin`` (a share of the reference)."""
    change = policy - reference
    needed = margin * np.abs(reference)
    if OUTPUTS_BY_NAME[outcome].better == "higher":
        return change <= needed
    return change >= -needed


def _draw_values(batch: BatchResult, where: str, exclude: set[str]) -> pd.DataFrame:
    """The calibrated parameters each replication's posterior draw set (those the design did not set itself),
    from the draws file the batch recorded, indexed by replication."""
    record = batch.info.get("parameters") or {}
    # Only the packaged draws are read (a results folder never makes ctsim open a file it names), and only when
    # their content is the one the batch ran on.
    path = POSTERIOR_FILE
    digest = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else None
    if digest is None or digest != record.get("sha256"):
        raise DiscoveryError(f"{where}: the batch ran on posterior draws (batch.json key 'parameters.sha256') that "
                             f"are not the ones in {excerpt_path(path)} now; rerun the batch on the current draws")
    posterior = read_posterior(path)
    order = replication_order(posterior)
    reps = int(batch.info["replications"])
    index = record.get("draw_index") or [int(order[r % len(order)]) for r in range(reps)]
    values = posterior.values.iloc[[int(i) for i in index[:reps]]].reset_index(drop=True)
    values.index.name = "replication"
    return values[[c for c in values.columns if c not in exclude]]
