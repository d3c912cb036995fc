"""``ctsim discover BATCH --policy NAME``: where in the uncertainties a policy fails against a reference (PRIM boxes
with coverage and density, in plain words); ``ctsim discover --write-design DIR`` writes the batch to run first
(``make discover-examples``)."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from ctsim.commands.options import POINT_HELP, check_out
from ctsim.inputs import InputError, ascii_float, ascii_int, excerpt, excerpt_path

BLOCK = "discovery-{policy}"


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = sub.add_parser("discover", help="where in the uncertainties a policy fails (PRIM boxes, coverage and "
                                             "density); or --write-design DIR to make the batch first")
    parser.add_argument("batch", type=Path, nargs="?", help="a batch folder (ctsim batch) over the uncertainties")
    parser.add_argument("--policy", help="the policy scenario judged (a scenario of the batch)")
    parser.add_argument("--reference", default="baseline", help="the scenario it must beat (default: baseline)")
    parser.add_argument("--outcome", default="attacks", help="the outcome judged (default: attacks)")
    parser.add_argument("--margin", type=ascii_float, default=0.0,
                        help="it fails unless it beats the reference by this share of the reference (default 0)")
    parser.add_argument("--min-density", type=ascii_float,
                        help="density a box must reach (default: halfway between the failure rate and 1, at least "
                             "0.5)")
    parser.add_argument("--max-dimensions", type=ascii_int, default=3, help="inputs a box may restrict (default 3)")
    parser.add_argument("--boxes", type=ascii_int, default=2, help="boxes to look for (default 2)")
    parser.add_argument("--screen", type=ascii_int, default=8,
                        help="PRIM peels only the N inputs that differ most between failures and the rest (default "
                             "8; 0: all)")
    parser.add_argument("--policy-label", help="the policy in words (default: its scenario's description)")
    parser.add_argument("--reference-label", help="the reference in words (default: its scenario's description)")
    parser.add_argument("--out", type=Path, help="folder (default: results/discovery/<policy>_vs_<reference>)")
    parser.add_argument("--publish", action="store_true",
                        help="also write the worked example into docs/discovery.md (its block for the policy)")
    design = parser.add_argument_group("making the batch (--write-design)")
    design.add_argument("--write-design", type=Path, metavar="DIR",
                        help="write the points and the experiment file of a batch over the uncertainties into DIR")
    design.add_argument("--samples", type=ascii_int, default=500, help="points (default 500)")
    design.add_argument("--seed", type=ascii_int, default=2035, help="seed of the points (default 2035)")
    design.add_argument("--replications", type=ascii_int, default=1, help="replications per point (default 1)")
    design.add_argument("--months", type=ascii_int, help="horizon (default: the scenarios')")
    design.add_argument("--scenarios", nargs="+", default=None,
                        help="scenarios to run, the reference first (default: baseline civilian_led madrasa_reform "
                             "nacta_relocation)")
    design.add_argument("--prices", action="store_true", help="also vary the assumed prices (they move cost alone)")
    design.add_argument("--point", action="store_true", help=POINT_HELP)
    return parser


def handle(args: argparse.Namespace) -> int:
    if args.write_design is not None:
        return _write_design(args)
    return _discover(args)


def _write_design(args: argparse.Namespace) -> int:
    from ctsim.analysis.discovery.design import DEFAULT_POLICIES, EXPERIMENT_FILE, write_design
    from ctsim.calibration.parameter_sets import choose
    from ctsim.scenarios.library import library_path

    where = "ctsim discover --write-design"
    if args.batch is not None:
        raise InputError(f"{where}: give either a batch folder to analyse or --write-design DIR, not both")
    for option, value, low, high in (("--samples", args.samples, 10, 200_000), ("--replications", args.replications,
                                     1, 1000), ("--seed", args.seed, 0, 2**32 - 1), ("--months", args.months, 1, 600)):
        if value is not None and not low <= value <= high:
            raise InputError(f"{where}: option '{option}' = {value} is outside [{low}, {high}]")
    scenarios = args.scenarios or ["baseline", *DEFAULT_POLICIES]
    for name in scenarios:
        if library_path(name) is None and not Path(name).is_file():
            raise InputError(f"{where}: option '--scenarios': {excerpt(name)} is neither a library scenario nor a "
                             f"scenario file")
    scenarios = [name if library_path(name) is not None else str(Path(name).resolve()) for name in scenarios]
    parameters = choose(args.point)
    check_out(Path(where), args.write_design)
    written = write_design(args.write_design, args.samples, args.seed, parameters, scenarios, args.replications,
                           args.months, args.prices)
    runs = args.samples * len(scenarios) * args.replications
    print(f"wrote {', '.join(str(p) for p in written)}: {args.samples} points x {len(scenarios)} scenarios x "
          f"{args.replications} replication(s) = {runs:,} runs; {parameters.label()}")
    print(f"next: ctsim batch {args.write_design / EXPERIMENT_FILE} --out <folder>; "
          f"then: ctsim discover <folder> --policy {scenarios[1] if len(scenarios) > 1 else '<name>'}")
    return 0


def _discover(args: argparse.Namespace) -> int:
    import time

    from ctsim.analysis.discovery.study import discover
    from ctsim.figures import save_figure
    from ctsim.figures.sensitivity import discovery_chart
    from ctsim.storage import write_text

    started = time.perf_counter()
    if args.batch is None:
        raise InputError("discover: give a batch folder (ctsim batch over the uncertainties), or --write-design DIR")
    where = excerpt_path(args.batch)
    if not args.policy:
        raise InputError(f"{where}: option '--policy' is needed: the scenario whose failures to find")
    checks = (("--margin", args.margin, 0.0, 0.99), ("--min-density", args.min_density, 0.01, 1.0),
              ("--max-dimensions", args.max_dimensions, 1, 20), ("--boxes", args.boxes, 1, 10),
              ("--screen", args.screen, 0, 10_000))
    for option, value, low, high in checks:
        if value is not None and not low <= value <= high:
            raise InputError(f"{where}: option '{option}' = {value} is outside [{low}, {high}]")
    result = discover(args.batch, args.policy, args.reference, args.outcome, args.margin, args.min_density,
                      args.policy_label, args.reference_label, max_dimensions=args.max_dimensions, boxes=args.boxes,
                      screen=args.screen)
    folder = args.out or Path("results") / "discovery" / f"{_slug(args.policy)}_vs_{_slug(args.reference)}"
    check_out(args.batch, folder)
    written = [write_text(folder / "discovery.md", f"# Where it fails\n\n{result.markdown()}\n"),
               write_text(folder / "boxes.csv", result.boxes_table().to_csv(index=False)),
               write_text(folder / "cases.csv", result.cases_table().to_csv(index=False)),
               save_figure(discovery_chart(result), folder / "discovery.png")]
    if result.boxes:
        written.append(write_text(folder / "trajectory.csv", result.boxes[0].trajectory.to_csv(index_label="step")))
    print(result.text())
    for k, box in enumerate(result.boxes, start=1):
        kind = "" if box.dense else " (closest, below the density asked)"
        print(f"  box {k}{kind}: coverage {box.coverage:.2f}, density {box.density:.2f}, mass {box.mass:.2f}, "
              f"{box.cases} cases; restricted: "
              + ", ".join(f"{r.name} (quasi-p {r.qp:.2g})" for r in box.restrictions))
    print(f"written: {folder} ({len(written)} files) in {time.perf_counter() - started:.1f} s")
    if args.publish:
        print(f"published: {publish(result, args.policy)}")
    return 0


def _slug(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]+", "_", Path(name).stem)[:60] or "scenario"


def publish(result, policy: str, page: Path | None = None) -> Path:
    """Replace the generated block of ``docs/discovery.md`` for ``policy`` with the worked example.

    Raises:
        InputError: when the page has no block for the policy.
    """
    from ctsim.analysis.sensitivity.ranking_study import REPO
    from ctsim.storage import write_text
    from ctsim.storage.blocks import has_block, markers, replace_block

    page = page or REPO / "docs" / "discovery.md"
    name = BLOCK.format(policy=_slug(policy))
    text = page.read_text(encoding="utf-8") if page.is_file() else ""
    if not has_block(text, name):
        begin, end = markers(name)
        raise InputError(f"{excerpt_path(page)}: no block '{begin}' ... '{end}' to hold the worked example of "
                         f"{excerpt(policy)}")
    body = result.markdown()
    return write_text(page, replace_block(text, name, body))
