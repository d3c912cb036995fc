"""Statistical equivalence of the model against a reference commit whose random streams differ.

Usage::

    python benchmarks/equivalence.py [--reference 98540df] [--seeds 40] [--json FILE]

A faster implementation that draws the same distributions in another order (or draws some of them exactly where the
reference approximated) cannot reproduce the reference bit for bit; what it must reproduce is the distribution of
what a run produces. The reference commit's ``src`` is exported (``git archive``) and both codes run the library's
baseline (the 2022-2024 history, then 120 months to December 2034) on seeds 0 to ``--seeds`` - 1, both with the
reference's point calibration (its ``src/ctsim/data/calibration.json``; the current code takes those values as a
draw, so that only the code differs; ``--own-calibration`` gives each code its own file instead). For each outcome
(2024's attacks and deaths, each region's share of 2024's attacks, active militants at the end of 2024, attacks in 2034)
the two samples are compared with a two-sample Kolmogorov-Smirnov test and a Mann-Whitney U test (scipy.stats); an
outcome whose p-value falls below 0.01 in either test is reported as different.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
from scipy import stats

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = "98540df"
LEVEL = 0.01

COLLECT = r'''
import json, sys
import numpy as np
from ctsim.scenarios.runner import run

values = json.loads(sys.argv[2]) if len(sys.argv) > 2 else None
out = []
for seed in range(int(sys.argv[1])):
    result = run(None, seed, include_history=True, draw=values) if values else run(None, seed, include_history=True)
    national, regional = result.national, result.regional
    year = national["month"].dt.year
    reg = regional[regional["month"].dt.year == 2024].groupby("region_key")["attacks"].sum()
    total = max(float(reg.sum()), 1.0)
    end_2024 = national[national["month"] == "2024-12-01"]
    out.append({
        "attacks_2024": float(national.loc[year == 2024, "attacks"].sum()),
        "deaths_2024": float(national.loc[year == 2024, "deaths"].sum()),
        "share_2024_kp_settled": float(reg.get("kp_settled", 0.0)) / total,
        "share_2024_merged": float(reg.get("merged", 0.0)) / total,
        "share_2024_balochistan": float(reg.get("balochistan", 0.0)) / total,
        "share_2024_rest": 1.0 - sum(float(reg.get(k, 0.0)) for k in ("kp_settled", "merged", "balochistan")) / total,
        "active_militants_end_2024": float(end_2024["active_militants"].iloc[0]),
        "attacks_2034": float(national.loc[year == 2034, "attacks"].sum()),
    })
print(json.dumps(out))
'''


def collect(src: Path, seeds: int, values: dict[str, float] | None = None) -> list[dict[str, float]]:
    extra = [json.dumps(values)] if values else []
    done = subprocess.run([sys.executable, "-c", COLLECT, str(seeds), *extra],
                          env={**os.environ, "PYTHONPATH": str(src)}, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"running {src} failed:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _span(x: np.ndarray) -> str:
    fmt = "{:.3f}" if x.max() <= 1.0 else "{:,.0f}"
    return f"{fmt.format(np.median(x))} [{fmt.format(np.quantile(x, 0.05))}-{fmt.format(np.quantile(x, 0.95))}]"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reference", default=REFERENCE)
    parser.add_argument("--seeds", type=int, default=40)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--own-calibration", action="store_true",
                        help="each code with its own point calibration (default: both with the reference's)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="ctsim-equivalence-") as tmp:
        archive = subprocess.run(["git", "archive", args.reference, "src"], cwd=ROOT, capture_output=True,
                                 check=True).stdout
        subprocess.run(["tar", "-x", "-C", tmp], input=archive, check=True)
        reference = collect(Path(tmp) / "src", args.seeds)
        record = json.loads((Path(tmp) / "src" / "ctsim" / "data" / "calibration.json").read_text())
    values = {name: float(spec["value"]) for name, spec in record["free_parameters"].items()}
    current = collect(ROOT / "src", args.seeds, None if args.own_calibration else values)
    rows = []
    which = "each with its own calibration" if args.own_calibration else f"both with {args.reference}'s calibration"
    print(f"{args.seeds} seeds of the baseline, reference {args.reference} against the current code, {which} "
          f"(two-sample tests; different when p < {LEVEL} in either)")
    print("| outcome | reference median [5-95%] | current median [5-95%] | KS p | Mann-Whitney p | different? |")
    print("|---|---|---|---|---|---|")
    for key in reference[0]:
        a = np.array([r[key] for r in reference])
        b = np.array([r[key] for r in current])
        ks = stats.ks_2samp(a, b).pvalue
        mw = stats.mannwhitneyu(a, b, alternative="two-sided").pvalue
        different = bool(min(ks, mw) < LEVEL)
        rows.append({"outcome": key, "ks_p": float(ks), "mann_whitney_p": float(mw), "different": different,
                     "reference": [float(np.median(a)), float(np.quantile(a, 0.05)), float(np.quantile(a, 0.95))],
                     "current": [float(np.median(b)), float(np.quantile(b, 0.05)), float(np.quantile(b, 0.95))]})
        print(f"| {key} | {_span(a)} | {_span(b)} | {ks:.2f} | {mw:.2f} | {'yes' if different else 'no'} |")
    if args.json:
        args.json.write_text(json.dumps({"reference": args.reference, "seeds": args.seeds, "level": LEVEL,
                                         "calibration": "own" if args.own_calibration else "reference",
                                         "rows": rows}, indent=1) + "\n")
    return 1 if any(r["different"] for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
