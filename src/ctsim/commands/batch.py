"""``ctsim batch EXPERIMENT``: run an experiment's design, resumably; ``--status DIR`` shows a batch's progress."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ctsim.commands.options import DRY_RUN_HELP, POINT_HELP, add_executor, check_out, scheduler
from ctsim.inputs import InputError, ascii_float, ascii_int


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = sub.add_parser("batch", help="run an experiment's design (resumable); or --status DIR")
    parser.add_argument("experiment", type=Path, nargs="?", help="experiment file (TOML)")
    parser.add_argument("--status", type=Path, metavar="DIR", help="show done, failed and pending runs of a batch")
    parser.add_argument("--out", type=Path, help="batch folder (default: results/batch/<experiment name>)")
    add_executor(parser)
    parser.add_argument("--retry-failed", action="store_true", help="rerun runs recorded as failed")
    parser.add_argument("--task-seconds", type=ascii_float, default=1.0, help="target seconds per task (default 1)")
    parser.add_argument("--max-in-flight", type=ascii_int, help="tasks submitted at once (default: 2 x workers)")
    parser.add_argument("--point", action="store_true", help=POINT_HELP)
    parser.add_argument("--dry-run", action="store_true", help=DRY_RUN_HELP)
    return parser


def handle(args: argparse.Namespace) -> int:
    from ctsim.calibration.parameter_sets import choose
    from ctsim.experiments.batch import BatchOptions, default_folder, dry_run_text, run_batch
    from ctsim.experiments.design import load_experiment
    from ctsim.experiments.results import status

    if args.status is not None:
        table = status(args.status)  # a folder that holds no batch, or a changed one: one line naming the file
        print(f"batch {args.status}\n{table.to_string()}")
        return 0
    if args.experiment is None:
        raise InputError("batch: give an experiment file, or --status DIR")
    experiment = load_experiment(args.experiment)
    experiment.parameters = choose(args.point)
    where = args.experiment
    for option, value, low in (("--workers", args.workers, 1), ("--dask-local", args.dask_local, 1),
                               ("--max-in-flight", args.max_in_flight, 1)):
        if value is not None and value < low:
            raise InputError(f"{where}: option '{option}' = {value} must be at least {low}")
    if not 0 < args.task_seconds <= 3600:
        raise InputError(f"{where}: option '--task-seconds' = {args.task_seconds} is outside (0, 3600]")
    scheduler(where, args.scheduler)
    folder = args.out or default_folder(experiment)
    options = BatchOptions(executor=args.executor, workers=args.workers, scheduler=args.scheduler,
                           dask_local=args.dask_local, retry_failed=args.retry_failed,
                           task_seconds=args.task_seconds, max_in_flight=args.max_in_flight,
                           progress=sys.stderr.isatty())
    if args.dry_run:
        print(dry_run_text(experiment, options, folder))
        print(experiment.parameters.label())
        return 0
    check_out(where, folder.parent)
    try:
        summary = run_batch(experiment, folder, options)
    except OSError as exc:
        if args.scheduler and ("connect" in str(exc).lower() or "timed out" in str(exc).lower()):
            raise InputError(f"{where}: option '--scheduler': cannot reach {args.scheduler} "
                             f"({type(exc).__name__})") from None
        raise
    print(summary)
    print(experiment.parameters.label())
    print(status(folder).to_string())
    print(f"make a brief: ctsim report {folder}")
    return 0 if summary.failed == 0 else 1
