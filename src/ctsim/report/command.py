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
    """Write the brief of ``folder`` and print where it went.

    The HTML (and the PDF beside it) is written through :mod:`ctsim.storage`: a new regular file, or one replacing a
    regular file, never through a link or over a device, FIFO or folder. A file named with ``--out`` must lie in a
    folder that exists (none is created); both names are checked before the result is read.
    """
    from ctsim.report import BRIEF_NAME
    from ctsim.report.brief import ReportError
    from ctsim.report.gather import gather
    from ctsim.report.pdf import PdfError, print_pdf
    from ctsim.report.render import render
    from ctsim.storage import check_new_file, check_replaceable, temporary_folder, write_bytes, write_text

    html = check_new_file(out, "--out") if out is not None else Path(folder) / BRIEF_NAME
    for target in (html, html.with_suffix(".pdf")) if pdf else (html,):
        check_replaceable(target)
    try:
        text = render(gather(folder))
    except ReportError as exc:
        raise ScenarioError(str(exc)) from None
    written = [write_text(html, text)]
    if pdf:
        with temporary_folder("ctsim-pdf-") as private:  # Chromium writes by name: into a folder only ctsim uses
            try:
                printed = print_pdf(html, private / "brief.pdf")
            except PdfError as exc:
                raise ScenarioError(str(exc)) from None
            written.append(write_bytes(html.with_suffix(".pdf"), printed.read_bytes()))
    for path in written:
        print(f"brief written to {path}")
    return 0
