"""``ctsim run SCENARIO``: run one scenario (its history first), write its results folder and print its summary."""

from __future__ import annotations

import argparse
from pathlib import Path

from ctsim.commands.options import POINT_HELP, bounded, check_out
from ctsim.inputs import ascii_int
from ctsim.scenarios.files import MAX_MONTHS, MAX_SEED, resolve_scenario

SEED_HELP = ("override the scenario's seed; the seed also chooses the run's posterior draw, as a replication's "
             "index does in compare and batch: seed S uses the draw replication S uses (row draw_index[S] of the "
             "stored draws, cycling), so different seeds show parameter uncertainty as well as chance")


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = sub.add_parser("run", help="run a scenario and write its results")
    parser.add_argument("scenario", type=Path, help="scenario file (TOML) or a library scenario's name")
    parser.add_argument("--seed", type=ascii_int, help=SEED_HELP)
    parser.add_argument("--months", type=ascii_int, help="override the scenario's horizon")
    parser.add_argument("--out", type=Path, default=Path("results"), help="results folder (default: results)")
    parser.add_argument("--point", action="store_true", help=POINT_HELP)
    parser.add_argument("--no-chart", action="store_true", help="skip the PNG chart")
    return parser


def handle(args: argparse.Namespace) -> int:
    from ctsim.calibration.parameter_sets import choose
    from ctsim.figures import save_figure
    from ctsim.figures.charts import attacks_by_region_chart
    from ctsim.figures.tables import run_summary
    from ctsim.scenarios.runner import run
    from ctsim.scenarios.writing import write_outputs

    scenario = resolve_scenario(args.scenario)
    bounded(args.scenario, "--months", args.months, scenario.spin_up_months + 1, MAX_MONTHS)  # counted from the start
    bounded(args.scenario, "--seed", args.seed, 0, MAX_SEED)
    parameters = choose(args.point)
    check_out(args.scenario, args.out)
    seed = scenario.seed if args.seed is None else args.seed
    # The seed is the run's replication index: the draw a comparison's or a batch's replication `seed` uses.
    draw = parameters.values(seed)
    result = run(scenario, seed=seed, months=args.months, draw=draw or None)
    result.parameters = {**parameters.manifest(),
                         **({"draw_index": [parameters.draw_index(seed)], "values": draw} if draw else {})}
    chart = (lambda folder: save_figure(attacks_by_region_chart(result), folder / "attacks_by_region.png")) \
        if not args.no_chart else None
    folder = write_outputs(result, args.out, extra=chart)
    print(run_summary(result))
    print(f"\nresults written to {folder}")
    return 0
