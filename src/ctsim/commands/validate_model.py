"""``ctsim validate-model``: rerun the pattern checks (:mod:`ctsim.analysis.validation.patterns`), optionally their
robustness to the assumptions and their share of posterior draws, and rewrite the fit report."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ctsim.commands.options import DRY_RUN_HELP
from ctsim.inputs import InputError, ascii_int
from ctsim.scenarios.files import load_scenario
from ctsim.storage import write_text


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    check = sub.add_parser("validate-model", help="rerun the pattern checks and print a pass/fail table")
    check.add_argument("--replications", type=ascii_int, default=6, help="replications per scenario (default 6)")
    check.add_argument("--report", type=Path, help="also rewrite this fit report (e.g. docs/validation.md) with "
                                                   "the fit and the pattern checks")
    check.add_argument("--robustness", action="store_true",
                       help="also rerun every check with each assumed uncertainty at the low and the high end of its "
                            "plausible range (one at a time); with --report, stored beside it as "
                            "pattern_robustness.csv and summarised in the report")
    check.add_argument("--factors", metavar="NAME[,NAME...]",
                       help="robustness: only these uncertainties (default: every assumed one)")
    check.add_argument("--posterior", type=ascii_int, metavar="N",
                       help="also rerun every check with each of the first N stored posterior draws (20 is a good "
                            "start); with --report, stored beside it as pattern_posterior.csv and summarised in the "
                            "report")
    check.add_argument("--workers", type=ascii_int,
                       help="robustness or posterior: worker processes (default: one per core)")
    check.add_argument("--dry-run", action="store_true", help=DRY_RUN_HELP)
    return check


def handle(args: argparse.Namespace) -> int:
    import pandas as pd

    from ctsim.analysis.calibration import point
    from ctsim.analysis.validation import patterns
    from ctsim.calibration.parameter_sets import choose
    from ctsim.docs.validation import POSTERIOR_PATTERNS_FILE, ROBUSTNESS_FILE, write_report

    if not 2 <= args.replications <= 1000:
        raise InputError(f"validate-model: option '--replications' = {args.replications} is outside [2, 1000]")
    if args.workers is not None and not 1 <= args.workers <= 1024:
        raise InputError(f"validate-model: option '--workers' = {args.workers} is outside [1, 1024]")
    if args.factors and not args.robustness:
        raise InputError("validate-model: option '--factors' needs '--robustness'")
    if args.workers and not (args.robustness or args.posterior is not None):
        raise InputError("validate-model: option '--workers' needs '--robustness' or '--posterior'")
    if args.posterior is not None and not 1 <= args.posterior <= 10_000:
        raise InputError(f"validate-model: option '--posterior' = {args.posterior} is outside [1, 10000] (the "
                         f"number of posterior draws to rerun the checks with; 20 is a good start)")
    parameter_set = None
    if args.posterior is not None:
        parameter_set = choose(point=False)  # a one-line DrawsError (exit 2) when missing, unreadable or stale
    factors = [f.strip() for f in args.factors.split(",") if f.strip()] if args.factors else None
    if args.robustness:
        try:
            patterns.robustness_settings(factors)
        except KeyError as exc:
            raise InputError(f"validate-model: option '--factors': {exc.args[0]}") from None
    if args.dry_run:
        settings = len(patterns.robustness_settings(factors)) if args.robustness else 1
        print(f"validate-model: {len(patterns.CHECKS)} pattern checks x {args.replications} replications"
              + (f", in {settings} robustness settings" if args.robustness else "")
              + (f", over {args.posterior} posterior draws" if args.posterior is not None else "")
              + (f"; report {args.report}" if args.report else "") + ". Dry run: nothing was run or written.")
        return 0
    table = patterns.run_checks(args.replications)
    for row in table.to_dict("records"):
        print(f"[{row['result']}] {row['pattern']}\n       measured:  {row['measured']}\n"
              f"       tolerance: {row['tolerance']}")
    robustness = None
    if args.robustness:
        robustness = patterns.robustness(args.replications, factors, args.workers, progress=sys.stderr.isatty(),
                                         calibrated=table)
        pd.set_option("display.width", 250)
        pd.set_option("display.max_rows", 500)
        print("\nRobustness: each assumed uncertainty at the ends of its plausible range, one at a time")
        print(patterns.robustness_matrix(robustness).to_string(index=False, na_rep=""))
        print()
        print(patterns.robustness_summary(robustness).to_string(index=False))
    over_posterior = None
    if parameter_set is not None:
        over_posterior = patterns.posterior_study(parameter_set.posterior, args.posterior, args.replications,
                                                  args.workers, progress=sys.stderr.isatty(), calibrated=table)
        over_posterior["posterior_sha256"] = parameter_set.manifest()["sha256"]
        print(f"\nPattern checks over the first {args.posterior} posterior draws ({parameter_set.label()})")
        print(patterns.posterior_summary(over_posterior).to_string(index=False, float_format="{:.2f}".format))
    if args.report is not None:
        if robustness is not None:
            write_text(args.report.parent / ROBUSTNESS_FILE, robustness.to_csv(index=False))
        if over_posterior is not None:
            write_text(args.report.parent / POSTERIOR_PATTERNS_FILE, over_posterior.to_csv(index=False))
        record = json.loads(point.CALIBRATION_FILE.read_text())
        write_report(record, load_scenario(point.HISTORY), args.report, patterns=table,
                     pattern_replications=args.replications)
        print(f"report written to {args.report}")
    return 0 if (table["result"] == "pass").all() else 1
