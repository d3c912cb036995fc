"""``ctsim evidence``: measure every lever against what the evidence says it should do
(:mod:`ctsim.analysis.validation.evidence`), store docs/evidence.csv and refresh the tables of docs/levers.md."""

from __future__ import annotations

import argparse
from pathlib import Path

from ctsim.declarations.evidence import LEVER_EVIDENCE
from ctsim.inputs import InputError, ascii_int


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = sub.add_parser("evidence", help="measure each lever's effect against the direction the evidence expects "
                                             "(docs/evidence.csv, docs/levers.md)")
    parser.add_argument("--replications", type=ascii_int, default=8, help="paired replications per lever (default 8)")
    parser.add_argument("--workers", type=ascii_int, default=2, help="worker processes (default 2)")
    parser.add_argument("--out", type=Path, help="the table (default docs/evidence.csv)")
    return parser


def handle(args: argparse.Namespace) -> int:
    from ctsim import docs
    from ctsim.analysis.validation.evidence import EVIDENCE_CSV, measure, write

    for option, value in (("--replications", args.replications), ("--workers", args.workers)):
        if not 2 <= value <= 1000 and not (option == "--workers" and value == 1):
            raise InputError(f"evidence: option '{option}' = {value} is outside [2, 1000]")
    out = args.out or EVIDENCE_CSV
    table = measure(replications=args.replications, workers=args.workers)
    write(table, out)
    judged = table[table["verdict"] != ""]
    print(f"{len(LEVER_EVIDENCE)} levers, {args.replications} paired replications each; {len(judged)} expected "
          f"directions: {int((judged['verdict'] == 'agrees').sum())} agree, "
          f"{int((judged['verdict'] == 'contradicts').sum())} contradict, "
          f"{int((judged['verdict'] == 'unclear').sum())} unclear; written to {out}")
    if out == EVIDENCE_CSV:
        docs.write_all()
        print("docs/levers.md refreshed")
    return 0
