"""``ctsim rank STUDY``: rank every lever, numeric and categorical, in one Sobol design, with the variance
apportioned to groups, the noise floor, convergence and the ranking's reliability (``make rank``)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ctsim.commands.options import DRY_RUN_HELP, POINT_HELP, add_executor, bounded, check_out, scheduler
from ctsim.inputs import InputError, ascii_int


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = sub.add_parser("rank", help="rank every lever (numeric and categorical) in one Sobol design, with "
                                         "the noise floor and how sure the ranking is")
    parser.add_argument("study", type=Path, help="ranking study file (TOML), e.g. experiments/rank_levers.toml")
    parser.add_argument("--out", type=Path, help="folder (default: results/rank/<study name>); a rerun resumes")
    parser.add_argument("--quick", action="store_true",
                        help="the study's [quick] design: a small run that checks the machinery end to end")
    parser.add_argument("--publish", action="store_true",
                        help="also write docs/ranking.csv, docs/figures/ranking.png and the table in "
                             "docs/sensitivity.md (not with --quick)")
    parser.add_argument("--resamples", type=ascii_int, default=500, help="bootstrap resamples (default 500)")
    add_executor(parser)
    parser.add_argument("--point", action="store_true", help=POINT_HELP)
    parser.add_argument("--dry-run", action="store_true", help=DRY_RUN_HELP)
    return parser


def handle(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from ctsim.analysis.sensitivity.ranking_study import (
        RANKING_CSV,
        analyse,
        execute,
        load_ranking_study,
        runs_line,
        summary_text,
    )
    from ctsim.calibration.parameter_sets import choose
    from ctsim.experiments.batch import estimated_seconds
    from ctsim.experiments.executors import ExecutorSpec, default_workers
    from ctsim.figures.sensitivity import publish_ranking, write_ranking_outputs

    study = load_ranking_study(args.study)
    if args.quick:
        study = study.quickened()
    if args.publish and args.quick:
        raise InputError(f"{args.study}: option '--publish' publishes the full study only; drop --quick")
    for option, value, low, high in (("--workers", args.workers, 1, 1024), ("--dask-local", args.dask_local, 1, 1024),
                                     ("--resamples", args.resamples, 20, 100_000)):
        bounded(args.study, option, value, low, high)
    scheduler(args.study, args.scheduler)
    study.parameters = choose(args.point)
    spec = ExecutorSpec(args.executor, args.workers, args.scheduler, args.dask_local)
    folder = args.out or Path("results") / "rank" / study.name
    workers = 1 if spec.resolved_kind == "serial" or spec.scheduler else (
        spec.dask_local or spec.workers or default_workers())
    # The batch's estimate (ctsim.experiments.batch): the measured cost of a model month, history included.
    eta = estimated_seconds(study.runs, study.total_months, workers)
    print(runs_line(study))
    basis = "on one worker: divide by the cluster's workers" if spec.scheduler else \
        "at the measured cost of a model month"
    print(f"roughly {_duration(eta)} on {workers} worker(s) ({basis}); into {folder}")
    print(study.parameters.label())
    if args.dry_run:
        print("Dry run: nothing was run or created.")
        return 0
    check_out(args.study, folder)
    with tqdm(total=study.runs, desc=f"rank {study.name}", unit="run", disable=not sys.stderr.isatty(),
              smoothing=0.1) as bar:
        table, wall, made = execute(study, folder, spec, on_result=bar.update)
    print(f"{made:,} run(s) now, {study.runs - made:,} already done, in {wall:,.1f} s"
          + (f" ({made / wall:.1f} runs/s)" if made and wall > 0 else ""))
    result = analyse(study, table, resamples=args.resamples)
    written = write_ranking_outputs(result, folder)
    print(summary_text(result))
    print(f"tables and chart: {folder} ({len(written)} files)")
    if args.publish:
        docs = RANKING_CSV.parent
        published = publish_ranking(result, RANKING_CSV, docs / "figures" / "ranking.png", docs / "sensitivity.md")
        print(f"published: {', '.join(str(p) for p in published)}")
    return 0


def _duration(seconds: float) -> str:
    return f"{seconds:,.0f} s" if seconds < 60 else f"{seconds / 60:,.1f} min"
