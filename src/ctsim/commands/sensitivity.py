"""``ctsim sensitivity STUDY``: rank the levers' effects (Morris or Sobol, through the batch runner), with tables and
charts in the study's folder."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ctsim.commands.options import DRY_RUN_HELP, POINT_HELP, add_executor, check_out, scheduler


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    sens = sub.add_parser("sensitivity", help="rank the levers' effects (Morris or Sobol, through the batch runner)")
    sens.add_argument("study", type=Path, help="sensitivity study file (TOML)")
    sens.add_argument("--out", type=Path, help="folder (default: results/sensitivity/<study name>)")
    add_executor(sens)
    sens.add_argument("--retry-failed", action="store_true", help="rerun runs recorded as failed")
    sens.add_argument("--point", action="store_true", help=POINT_HELP)
    sens.add_argument("--dry-run", action="store_true", help=DRY_RUN_HELP)
    return sens


def handle(args: argparse.Namespace) -> int:
    from ctsim.analysis.sensitivity.study import analyse_study, load_study, summary_text
    from ctsim.calibration.parameter_sets import choose
    from ctsim.experiments.batch import BatchOptions, dry_run_text, run_batch
    from ctsim.experiments.results import load
    from ctsim.figures.sensitivity import write_outputs

    study = load_study(args.study)
    study.parameters = choose(args.point)
    scheduler(args.study, args.scheduler)
    folder = args.out or Path("results") / "sensitivity" / study.name
    options = BatchOptions(executor=args.executor, workers=args.workers, scheduler=args.scheduler,
                           dask_local=args.dask_local, retry_failed=args.retry_failed,
                           progress=sys.stderr.isatty())
    if args.dry_run:
        print(f"{study.method} study {study.name}: N = {study.n}, {len(study.factors)} factors (+ dummy), "
              f"{len(study.strata_levels())} stratum/strata, {study.replications} replication(s).")
        print(dry_run_text(study.experiment(), options, folder / "runs"))
        print(study.parameters.label())
        return 0
    check_out(args.study, folder)
    summary = run_batch(study.experiment(), folder / "runs", options)
    print(summary)
    result = analyse_study(study, load(folder / "runs"))
    written = write_outputs(result, folder)
    print(summary_text(result))
    print(f"tables and charts: {folder} ({len(written)} files)")
    print(f"make a brief: ctsim report {folder}")
    return 0
