"""``ctsim calibrate``: the point calibration (differential evolution) or, with ``--abc``, the posterior draws.

The fits are studies of :mod:`ctsim.analysis.calibration` (:mod:`~ctsim.analysis.calibration.point`,
:mod:`~ctsim.analysis.calibration.abc`); this command reads the options, runs one, stores it and rewrites the fit
report (:mod:`ctsim.docs.validation`).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ctsim.calibration import targets as calibration_targets
from ctsim.commands.options import DRY_RUN_HELP, add_executor, scheduler
from ctsim.experiments.executors import ExecutorSpec, open_executor
from ctsim.inputs import InputError, ascii_float, ascii_int
from ctsim.scenarios.files import load_scenario


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    cal = sub.add_parser("calibrate", help="fit the free parameters to 2022-2024 and write the fit report; --abc: the "
                                           "posterior draws runs use")
    cal.add_argument("--history", type=Path,
                     help="history scenario file (default: the library's history_2013_2024)")
    cal.add_argument("--replications", type=ascii_int,
                     help="runs per candidate (default 3; with --check: the stored fit's)")
    cal.add_argument("--generations", type=ascii_int,
                     help="differential-evolution generations (default 25; with --check: the stored fit's)")
    cal.add_argument("--popsize", type=ascii_int,
                     help="population per free parameter (default 8; with --check: the stored fit's)")
    cal.add_argument("--seed", type=ascii_int, help="seed of the search and the replications (default 20220101; with "
                                              "--check: the stored fit's)")
    add_executor(cal, "evaluate")
    cal.add_argument("--time-budget", type=ascii_float, metavar="SECONDS",
                     help="stop after this long (the result then depends on the machine's speed)")
    cal.add_argument("--output", type=Path, help="where to store the result (default: the packaged "
                                                  "src/ctsim/data/calibration.json; with --abc: "
                                                  "src/ctsim/data/posterior.json)")
    cal.add_argument("--report", type=Path, default=Path("docs/validation.md"), help="fit report to write")
    cal.add_argument("--warm-start", action="store_true",
                     help="put the stored calibration's values in the search's first population (after a model "
                          "change, so the search starts from the last fit; stored with the result, so --check "
                          "reruns it)")
    cal.add_argument("--dry-run", action="store_true", help=DRY_RUN_HELP)
    cal.add_argument("--check", action="store_true",
                     help="rerun the fit (with --abc: the posterior draws) with the stored settings and compare it "
                          "with the stored result, writing nothing")
    add_abc_arguments(cal)
    return cal


def add_abc_arguments(cal: argparse.ArgumentParser) -> None:
    """The options ``calibrate`` takes only with ``--abc`` (the shared ones are documented for both)."""
    cal.add_argument("--abc", action="store_true",
                     help="approximate Bayesian computation (ABC-SMC, pyabc): store a set of posterior draws "
                          "(src/ctsim/data/posterior.json) that runs use by default; --generations, --replications "
                          "and --seed then mean the ABC's (defaults 6, 1, 20220101)")
    cal.add_argument("--population", type=ascii_int,
                     help="--abc: particles per generation = draws stored (default 100)")
    cal.add_argument("--months", type=ascii_int, help="--abc: run only the history's first N months (quick checks)")
    cal.add_argument("--work", type=Path, help="--abc: work folder holding the pyabc database; the same command "
                                               "resumes from it (default: results/posterior)")


def handle(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from ctsim.analysis.calibration import point
    from ctsim.analysis.calibration.abc import run_command
    from ctsim.docs.validation import write_report

    if args.abc:
        return run_command(args)
    history = load_scenario(args.history or point.HISTORY)
    where = args.history or point.HISTORY
    for option in ("population", "months", "work"):
        if getattr(args, option) is not None:
            raise InputError(f"{where}: option '--{option}' needs --abc")
    if args.warm_start and args.check:
        raise InputError(f"{where}: option '--warm-start' cannot go with --check (--check reruns the stored "
                         f"settings, warm start included)")
    # --check reruns exactly what was stored (its settings), unless an option says otherwise.
    stored_settings = (json.loads(point.CALIBRATION_FILE.read_text())["settings"]
                       if args.check and point.CALIBRATION_FILE.is_file() else {})
    for option, default in point.DEFAULT_SETTINGS.items():
        if getattr(args, option) is None:
            setattr(args, option, int(stored_settings.get(option, default)))
    start = stored_settings.get("start")
    if args.warm_start:
        start = point.stored_start(where)
    for option, value in (("--replications", args.replications), ("--generations", args.generations),
                          ("--popsize", args.popsize)):
        if not 1 <= value <= 1000:
            raise InputError(f"{where}: option '{option}' = {value} is outside [1, 1000]")
    if args.time_budget is not None and args.time_budget <= 0:
        raise InputError(f"{where}: option '--time-budget' = {args.time_budget} must be positive")
    scheduler(where, args.scheduler)
    spec = ExecutorSpec(args.executor, args.workers, args.scheduler, args.dask_local)
    if args.dry_run:
        candidates = args.popsize * len(calibration_targets.FREE) * (args.generations + 1)
        runs = candidates * args.replications
        print(f"calibrate: differential evolution over {len(calibration_targets.FREE)} free parameters, up to "
              f"{candidates:,} candidates x {args.replications} replications = {runs:,} runs of the "
              f"{history.months}-month history ({history.name}) on {spec.resolved_kind}. Dry run: nothing was run "
              f"or written.")
        return 0
    bar = tqdm(total=args.generations + 1, desc="calibrate", unit="generation", disable=not sys.stderr.isatty())

    def progress(generation: int, best: float) -> None:
        bar.set_postfix(best_loss=f"{best:.3f}")
        bar.update()

    with open_executor(spec) as running:
        executor = None if spec.resolved_kind == "serial" else running.executor
        record = point.calibrate(history, replications=args.replications, seed=args.seed,
                                 generations=args.generations, popsize=args.popsize, executor=executor,
                                 time_budget=args.time_budget, progress=progress, start=start)
    bar.close()
    values = {name: spec["value"] for name, spec in record["free_parameters"].items()}
    if args.check:
        stored = json.loads(point.CALIBRATION_FILE.read_text())
        same = {k: v["value"] for k, v in stored["free_parameters"].items()} == values
        print(f"calibration {'reproduces' if same else 'DIFFERS FROM'} the stored one "
              f"({point.CALIBRATION_FILE}); loss {record['loss']:.4f} vs {stored['loss']:.4f}")
        return 0 if same else 1
    point.write(record, args.output or point.CALIBRATION_FILE)
    print(f"calibrated in {record['evaluations']} evaluations, loss {record['loss']:.4f}:")
    for name, value in values.items():
        print(f"  {name} = {value:.6g}")
    if args.output is None:
        write_report(record, history, args.report)
        print(f"fit report written to {args.report}")
    return 0
