"""The command line of the brief: ``ctsim report`` and ``ctsim new`` (registered by :mod:`ctsim.cli`)."""

from __future__ import annotations

import argparse
from pathlib import Path

from ctsim.scenarios.files import ScenarioError


def add_parsers(sub) -> None:
    """Add the ``report`` and ``new`` subcommands to the CLI's subparsers."""
    report = sub.add_parser("report", help="write a policy brief (HTML, optionally PDF) from a compare, batch or "
                                           "sensitivity result folder")
    report.add_argument("results", type=Path, metavar="RESULTS_DIR", help="folder written by ctsim compare, batch "
                                                                           "or sensitivity")
    report.add_argument("--out", type=Path, metavar="FILE", help="HTML file (default: RESULTS_DIR/brief.html)")
    report.add_argument("--pdf", action="store_true", help="also print it to an A4 PDF (headless Chromium)")
    new = sub.add_parser("new", help="write a new scenario file that extends a library scenario")
    new.add_argument("name", metavar="NAME", help="scenario name (the file is NAME.toml)")
    new.add_argument("--from", dest="parent", default="baseline", metavar="SCENARIO",
                     help="library scenario to extend (default: baseline)")
    new.add_argument("--dir", type=Path, default=Path("."), help="folder to write into (default: here)")


def dispatch(args: argparse.Namespace) -> int | None:
    """Run ``report`` or ``new``; None for other commands. Mistakes raise ScenarioError (one line, exit 2)."""
    if args.command == "report":
        return report(args.results, args.out, args.pdf)
    if args.command == "new":
        from ctsim.report.new import new_scenario

        path = new_scenario(args.name, args.parent, args.dir)
        print(f"wrote {path}: edit its [levers], then: ctsim compare {args.parent} {path} --report")
        return 0
    return None


def report(folder: Path, out: Path | None = None, pdf: bool = False) -> int:
    """Write the brief of ``folder`` and print where it went."""
    from ctsim.report import make_report
    from ctsim.report.brief import ReportError
    from ctsim.report.pdf import PdfError

    try:
        written = make_report(folder, out, pdf)
    except (ReportError, PdfError) as exc:
        raise ScenarioError(str(exc)) from None
    for path in written:
        print(f"brief written to {path}")
    return 0
