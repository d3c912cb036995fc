"""``ctsim compare A B ...``: every scenario against the first, over paired replications, and its results folder."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ctsim.commands.options import POINT_HELP, bounded, check_out
from ctsim.inputs import InputError, ascii_int
from ctsim.scenarios.files import MAX_MONTHS, MAX_REPLICATIONS, MAX_SEED, resolve_scenario


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = sub.add_parser("compare", help="compare scenarios against the first, over replications")
    parser.add_argument("scenarios", type=Path, nargs="+", help="scenario files; the first is the reference")
    parser.add_argument("--replications", type=ascii_int, help="runs per scenario (default: the reference's "
                                                         "run.replications)")
    parser.add_argument("--seed", type=ascii_int, help="root seed of the replications (default: the reference's)")
    parser.add_argument("--months", type=ascii_int, help="common horizon (default: the scenarios' own)")
    parser.add_argument("--jobs", type=ascii_int, default=1, help="worker processes (default 1)")
    parser.add_argument("--out", type=Path, default=Path("results"), help="results folder (default: results)")
    parser.add_argument("--point", action="store_true", help=POINT_HELP)
    parser.add_argument("--report", action="store_true", help="also write the policy brief (brief.html in the "
                                                              "results folder; see ctsim report)")
    return parser


def handle(args: argparse.Namespace) -> int:
    import pandas as pd

    from ctsim.analysis.compare import compare, write
    from ctsim.calibration.parameter_sets import choose
    from ctsim.figures import save_figure
    from ctsim.figures.charts import attacks_band_chart
    from ctsim.report.command import report
    from ctsim.report.screen import compare_text

    scenarios = [resolve_scenario(path) for path in args.scenarios]
    first = args.scenarios[0]
    replications = scenarios[0].replications if args.replications is None else args.replications
    bounded(first, "--replications", replications, 1, MAX_REPLICATIONS)
    bounded(first, "--months", args.months, 1, MAX_MONTHS)
    bounded(first, "--seed", args.seed, 0, MAX_SEED)
    if not 1 <= args.jobs <= 256:
        raise InputError(f"{first}: option '--jobs' = {args.jobs} is outside [1, 256]")
    parameters = choose(args.point)
    check_out(first, args.out)
    result = compare(scenarios, replications, seed=args.seed, months=args.months, jobs=args.jobs,
                     progress=sys.stderr.isatty(), parameters=parameters)
    folder = write(result, args.out,
                   extra=lambda where: save_figure(attacks_band_chart(result), where / "attacks_bands.png"))
    pd.set_option("display.width", 200)
    print(compare_text(result))
    print(f"\nresults written to {folder}")
    if args.report:
        return report(folder)
    print(f"make a brief: ctsim report {folder}")
    return 0
