"""``ctsim calibrate --abc``: make, resume or check the stored posterior draws (``src/ctsim/data/posterior.json``).

The ABC itself is :func:`ctsim.analysis.calibration.posterior.run_ctsim_abc`; this module chooses its sampler, keeps its
work folder (the pyabc database, for resuming), stamps the draws with the model's fingerprints
(:func:`ctsim.calibration.parameter_sets.current_model`) and writes them, or, with ``--check``, reruns the stored
settings in a temporary folder and says whether the draws come out the same.

Samplers: one process by default; ``--workers N`` (N > 1) N processes on this machine. Both use
:class:`ctsim.analysis.calibration.abc_sampler.SeededOrderedSampler`, so the same seed gives the same draws whatever the
number of processes (``--check`` may rerun a two-process calibration on one). ``--scheduler tcp://HOST:PORT`` or
``--dask-local N`` use pyabc's ``DaskDistributedSampler`` on a Dask cluster, which reseeds its workers from the
operating system and accepts particles in the order they finish, so its draws are not reproducible; ``--check`` says
so.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import numpy as np

from ctsim.analysis.calibration import point
from ctsim.analysis.calibration.posterior import run_ctsim_abc
from ctsim.calibration.draws import write_draws
from ctsim.calibration.parameter_sets import POSTERIOR_FILE, current_model, read_posterior
from ctsim.experiments.executors import check_scheduler, dask_client
from ctsim.inputs import excerpt_path
from ctsim.scenarios.files import ScenarioError, load_scenario
from ctsim.storage import temporary_folder, write_text

DEFAULTS = {"population": 100, "generations": 6, "replications": 1, "seed": 20220101}  # make posterior sets its own
# Settings that must match to resume a work folder (generations may grow: a resumed run continues up to them).
RESUME_KEYS = ("population", "replications", "seed", "months")
WORK_DEFAULT = Path("results") / "posterior"


def _check_options(args: argparse.Namespace, stored: dict[str, Any] | None) -> dict[str, Any]:
    """The run's settings from the options (with --check: the stored draws' unless an option says otherwise)."""
    where = "calibrate --abc"
    given = {"population": args.population, "generations": args.generations, "replications": args.replications,
             "seed": args.seed, "months": args.months}
    if args.popsize is not None:
        raise ScenarioError(f"{where}: option '--popsize' is differential evolution's; with --abc use --population")
    if stored is not None:
        s = stored
        base = {"population": s.get("population_size"), "generations": s.get("generations_run"),
                "replications": s.get("replications"), "seed": s.get("seed"),
                "months": s.get("months_option", s.get("history_months"))}
    else:
        base = {**DEFAULTS, "months": None}
    settings = {k: (v if v is not None else base.get(k)) for k, v in given.items()}
    history_months = load_scenario(point.HISTORY).months
    for option, value, low, high in (("--population", settings["population"], 5, 100_000),
                                     ("--generations", settings["generations"], 1, 100),
                                     ("--replications", settings["replications"], 1, 1000),
                                     ("--seed", settings["seed"], 0, 2**32 - 1),
                                     ("--months", settings["months"], 1, history_months)):
        if value is None and option == "--months":
            continue
        if not isinstance(value, int) or not low <= value <= high:
            raise ScenarioError(f"{where}: option '{option}' = {value} is outside [{low}, {high}]")
    if args.time_budget is not None and args.time_budget <= 0:
        raise ScenarioError(f"{where}: option '--time-budget' = {args.time_budget} must be positive")
    for option, value in (("--workers", args.workers), ("--dask-local", args.dask_local)):
        if value is not None and not 1 <= value <= 1024:
            raise ScenarioError(f"{where}: option '{option}' = {value} is outside [1, 1024]")
    if args.history is not None:
        raise ScenarioError(f"{where}: option '--history' is not used by --abc (it fits the library's history)")
    return settings


def _sampler_name(args: argparse.Namespace) -> str:
    if args.scheduler or args.dask_local:
        return "dask"
    return "processes" if args.workers and args.workers > 1 else "single"


def _open_sampler(args: argparse.Namespace, stack: ExitStack):
    """The pyabc sampler the options ask for (a Dask client is closed by ``stack``)."""
    import pyabc

    kind = _sampler_name(args)
    if kind == "single":
        return "single"
    if kind == "processes":
        return int(args.workers)  # run_abc's reproducible sampler on this many processes
    client = stack.enter_context(dask_client(args.scheduler, args.dask_local))
    return pyabc.sampler.DaskDistributedSampler(dask_client=client)


def _run(args: argparse.Namespace, settings: dict[str, Any], work: Path, resume: bool, show_progress: bool):

    with ExitStack() as stack:
        sampler = _open_sampler(args, stack)
        posterior = run_ctsim_abc(work, population_size=settings["population"],
                                  max_populations=settings["generations"], replications=settings["replications"],
                                  seed=settings["seed"], sampler=sampler, time_budget=args.time_budget,
                                  months=settings["months"], resume=resume, show_progress=show_progress)
    posterior.settings["sampler"] = _sampler_name(args)
    posterior.settings["months_option"] = settings["months"]
    posterior.settings.pop("db_path", None)  # a path on the machine that made it: not part of the result
    posterior.model = current_model()
    return posterior


def _work_folder(args: argparse.Namespace, settings: dict[str, Any]) -> tuple[Path, list[int]]:
    """The work folder, checked, and the generations at which earlier calls stopped. A folder started with other
    settings, or on another model, is refused (one line naming its file): its generations would be mixed in."""
    work = args.work or WORK_DEFAULT
    record = work / "settings.json"
    wanted = {**{k: settings[k] for k in RESUME_KEYS}, **_fingerprints()}
    stops: list[int] = []
    if record.is_file():
        try:
            before = json.loads(record.read_text())
            stops = [int(g) for g in before.get("stops", [])]
        except (OSError, ValueError, TypeError):
            raise ScenarioError(f"{excerpt_path(record)}: unreadable; delete the work folder or choose another "
                                f"with --work") from None
        changed = ", ".join(f"{k} {before.get(k)} not {wanted[k]}" for k in wanted if before.get(k) != wanted[k])
        if changed:
            raise ScenarioError(f"{excerpt_path(record)}: the ABC in this work folder was started with other settings "
                                f"or on another model ({changed}); give the same options to resume it, or delete the "
                                f"folder or choose another with --work")
    _write_work_settings(work, wanted, stops)
    return work, stops


def _fingerprints() -> dict[str, str]:
    return {k: v for k, v in current_model().items() if k != "fingerprint_of"}


def _write_work_settings(work: Path, wanted: dict[str, Any], stops: list[int]) -> None:
    try:
        work.mkdir(parents=True, exist_ok=True)
        write_text(work / "settings.json", json.dumps({**wanted, "stops": stops}, indent=1) + "\n")
    except OSError as exc:
        raise ScenarioError(f"calibrate --abc: option '--work' = {excerpt_path(work)}: cannot write "
                            f"({exc.strerror or type(exc).__name__})") from None


def run_command(args: argparse.Namespace) -> int:
    """``ctsim calibrate --abc [--check]``; returns the exit status."""
    output = args.output or POSTERIOR_FILE
    stored = read_posterior(output, "give the draws file to check with --output, or make it first with ctsim "
                                    "calibrate --abc") if args.check else None
    settings = _check_options(args, stored.settings if stored is not None else None)
    if args.scheduler:
        try:
            check_scheduler(args.scheduler)
        except ValueError as exc:
            raise ScenarioError(f"calibrate --abc: option '--scheduler' = {args.scheduler!r}: {exc}") from None
    show_progress = sys.stderr.isatty()
    if args.dry_run:
        months = settings["months"] or "all"
        print(f"calibrate --abc: ABC-SMC over the free parameters, population {settings['population']}, up to "
              f"{settings['generations']} generations, {settings['replications']} replication(s) per particle, "
              f"history months {months}, seed {settings['seed']}, sampler {_sampler_name(args)}; at least "
              f"{2 * settings['population'] * settings['replications']:,} model runs for the first generation (a "
              f"calibration sample and generation 0), more for each later one as acceptance falls. Dry run: nothing "
              f"was run or written.")
        return 0
    if args.check:
        return _check(args, stored, settings, output, show_progress)
    work, stops = _work_folder(args, settings)
    started = time.perf_counter()
    posterior = _run(args, settings, work, resume=True, show_progress=show_progress)
    # Where each call stopped: a resumed run reseeds pyabc at the generation it resumes from, so --check replays the
    # same stops to reproduce it.
    generations = int(posterior.settings["generations_run"])
    if not stops or stops[-1] != generations:
        stops.append(generations)
    _write_work_settings(work, {**{k: settings[k] for k in RESUME_KEYS}, **_fingerprints()}, stops)
    posterior.settings["stops"] = list(stops)
    try:
        write_draws(posterior, output)
    except OSError as exc:
        raise ScenarioError(f"calibrate --abc: option '--output' = {excerpt_path(output)}: cannot write "
                            f"({exc.strerror or type(exc).__name__})") from None
    runs = sum(g["simulations"] for g in posterior.diagnostics["generations"]) * settings["replications"]
    print(f"posterior: {len(posterior.values)} draws after {posterior.settings['generations_run']} generations "
          f"({runs:,} model runs counted by pyabc, {time.perf_counter() - started:.0f} s this call; work folder "
          f"{work}, rerun the same command to resume or extend it)")
    for g in posterior.diagnostics["generations"]:
        print(f"  generation {g['generation']}: epsilon {g['epsilon']:.4g}, acceptance {g['acceptance_rate']:.3f}, "
              f"ESS {g['effective_sample_size']:.1f}")
    print(f"draws written to {output}")
    return 0


def same_draws(a, b) -> bool:
    """Whether two posteriors hold exactly the same draws (parameters, values and weights, bit for bit)."""

    return bool(list(a.values.columns) == list(b.values.columns) and a.values.shape == b.values.shape
                and np.array_equal(a.values.to_numpy(), b.values.to_numpy()) and np.array_equal(a.weights, b.weights))


def _check(args: argparse.Namespace, stored, settings: dict[str, Any], output: Path, show_progress: bool) -> int:
    """Rerun the stored settings in a temporary folder (nothing written in the package) and compare the draws."""
    stops = [int(g) for g in stored.settings.get("stops", [settings["generations"]])]
    with temporary_folder("ctsim-abc-check-") as tmp:  # removed on SIGTERM too
        for stop in stops:  # replay the calls that made the stored draws, each stopping where it stopped
            posterior = _run(args, {**settings, "generations": stop}, tmp, resume=True,
                             show_progress=show_progress)
    same = same_draws(posterior, stored)
    parallel = "dask" in (stored.settings.get("sampler", "single"), _sampler_name(args))
    key = "dynamics_fingerprint" if "dynamics_fingerprint" in stored.model else "model_fingerprint"
    stale = "" if stored.model.get(key) == posterior.model[key] else \
        " The stored draws were computed on another model fingerprint, so a difference is expected."
    if same:
        print(f"posterior draws reproduced: {output} matches a rerun of its settings (population "
              f"{settings['population']}, {settings['generations']} generations, seed {settings['seed']}).")
        return 0
    why = (" The Dask sampler was used, and its draws are not reproducible: only this machine's processes "
           "(one or --workers N) with the same seed give identical draws." if parallel else
           " With the same seed on this machine's processes this should not happen: the model, the libraries or "
           "the targets differ from when the draws were made.")
    print(f"posterior draws NOT reproduced: a rerun of the settings of {output} gave different draws.{why}{stale}")
    return 1
