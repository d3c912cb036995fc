"""``ctsim long-history``: the 2013-2024 history as checks that can fail (:mod:`ctsim.analysis.validation.
long_history`): the fall, what the 2014-2017 policies explain of it (against the history with 2013's policies
held), the return after Kabul fell (against the sanctuary kept closed), and 2018-2021 out of sample beside naive
forecasts. Writes docs/long_history.json and its figure with ``make long-history``."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from ctsim.commands.options import bounded
from ctsim.inputs import ascii_int
from ctsim.storage import write_text


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = sub.add_parser("long-history", help="run the 2013-2024 history and its counterfactuals: the fall, "
                                                 "what the policies explain, the return, 2018-2021 out of sample")
    parser.add_argument("--runs", type=ascii_int, default=200,
                        help="runs of each history, run r with seed r and posterior draw r (default 200: one run on "
                             "each of the posterior's draws)")
    parser.add_argument("--workers", type=ascii_int, default=2, help="worker processes (default 2)")
    parser.add_argument("--point", action="store_true",
                        help="every run on the point calibration (default: the posterior draws)")
    parser.add_argument("--json", type=Path, help="also write the record to this file")
    parser.add_argument("--figure", type=Path, help="also draw the annual attacks of the history, both "
                                                    "counterfactuals and the record (PNG)")
    return parser


def handle(args: argparse.Namespace) -> int:
    from ctsim.analysis.validation.long_history import study
    from ctsim.calibration.parameter_sets import choose
    from ctsim.figures import save_figure
    from ctsim.figures.charts import long_history_chart

    bounded("long-history", "--runs", args.runs, 2, 10_000)
    bounded("long-history", "--workers", args.workers, 1, 1024)
    parameters = choose(args.point)
    record = study(args.runs, parameters, args.workers)
    print(f"2013-2024 history: {args.runs} runs, {parameters.label()}")
    print("year      observed  history (median, 90%)      2013's policies held   sanctuary kept closed")
    for i, year in enumerate(record["years"]):
        h, c, k = record["history"], record["without_2014_2017_policies"], record["sanctuary_kept_closed"]
        observed = record["observed"].get(str(year))
        mark = " (out of sample)" if year in record["out_of_sample_years"] else ""
        print(f"{year}  {observed if observed is not None else '':>10}  {h['median'][i]:>7,.0f} "
              f"({h['q05'][i]:,.0f}-{h['q95'][i]:,.0f})  {c['median'][i]:>12,.0f}  {k['median'][i]:>18,.0f}{mark}")
    share = record["share_of_fall_explained"]
    print(f"fall 2013-2017: {record['fall_2013_2017']:.0%} (with 2013's policies held "
          f"{record['fall_2013_2017_without_policies']:.0%}); the 2014-2017 policies explain {share['value']:.0%} "
          f"of it (90% interval {share['low']:.0%} to {share['high']:.0%})")
    print(f"attacks 2023 / 2020: {record['rise_2020_2023']:.2f} (sanctuary kept closed: "
          f"{record['rise_2020_2023_sanctuary_closed']:.2f}); trough in {record['trough_year']} (2013-2020; the "
          f"median's lowest year of 2013-2024: {record['lowest_year']})")
    interval = record["rise_2020_2023_interval"]
    print(f"  {interval['confidence']:.0%} intervals over the runs (bootstrap): median of the runs' ratios "
          f"{interval['median_ratio']:.2f} ({interval['median_ratio_low']:.2f}-{interval['median_ratio_high']:.2f}); "
          f"the median's 2023 over its 2020 {interval['ratio_of_medians']:.2f} "
          f"({interval['ratio_of_medians_low']:.2f}-{interval['ratio_of_medians_high']:.2f})")
    drivers = record["rise_2020_2023_drivers"][:3]
    print(f"runs whose attacks at least double from 2020 to 2023: {record['rise_2020_2023_runs_doubling']:.0%}"
          + ("; what decides it over the draws (Spearman's rank correlation with a run's 2023 / 2020): "
             + ", ".join(f"{d['parameter']} {d['spearman']:+.2f}" for d in drivers) if drivers else ""))
    print(f"Sindh's share of attacks: {record['sindh_share']['2013']:.0%} in 2013, "
          f"{record['sindh_share']['2015-2017']:.0%} in 2015-2017")
    for row in record["out_of_sample"]:
        print(f"out of sample {row['year']}: observed {row['observed']:,.0f}, model {row['model_median']:,.0f} "
              f"({row['model_q05']:,.0f}-{row['model_q95']:,.0f}); CRPS model {row['model_crps']:.0f}, linear "
              f"trend {row['linear trend crps']:.0f}, negative-binomial trend "
              f"{row['negative binomial trend crps']:.0f}, 2017 carried forward {row['2017 carried forward crps']:.0f}")
    print("militants killed in operations, model median (90%) against the record: " + "; ".join(
        f"{row['period']} {row['median']:,} ({row['q05']:,}-{row['q95']:,}) vs {row['record']:,.0f}, "
        f"x{row['ratio']:.1f}{'' if row['fitted'] else ' (not fitted)'}" for row in record["militants_killed"]))
    if args.figure:
        save_figure(long_history_chart(record), args.figure)
    if args.json:
        write_text(args.json, json.dumps(record, indent=1) + "\n")
    return 0
