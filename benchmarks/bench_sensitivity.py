"""Benchmark of the sensitivity studies: wall time of the two ready-made studies, and how it grows with N and factors.

Usage::

    python benchmarks/bench_sensitivity.py [--scaling] [--json FILE]

Runs ``ctsim sensitivity`` on ``experiments/screen_levers_morris.toml`` and ``experiments/rank_levers_sobol.toml``
(2 local processes, fresh folders) and reports wall time and runs per second. With ``--scaling`` it also times small
Morris studies with N = 4 and 8 trajectories and 2 or 4 factors (24 months), to show that wall time grows with the
number of runs, ``N x (D + 2)`` for Morris and ``N x (D + 3)`` for Sobol (D factors plus the dummy).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FACTORS = ("police_capacity", "development", "sanctuary_strength", "kinetic_intensity")


def timed(study: Path, out: Path) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "ctsim.cli", "sensitivity", str(study), "--out", str(out),
                    "--workers", "2"], check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scaling", action="store_true", help="also time small studies of growing size")
    parser.add_argument("--json", help="also write the figures to this JSON file")
    args = parser.parse_args(argv)
    from ctsim.analysis.sensitivity.study import load_study

    result = {"studies": [], "scaling": []}
    with tempfile.TemporaryDirectory() as tmp:
        for name in ("screen_levers_morris", "rank_levers_sobol"):
            path = ROOT / "experiments" / f"{name}.toml"
            runs = load_study(path).runs
            wall = timed(path, Path(tmp) / name)
            result["studies"].append({"study": name, "runs": runs, "wall_s": wall, "runs_per_s": runs / wall})
            print(f"{name}: {runs} runs in {wall:.0f} s ({runs / wall:.1f} runs/s, 2 processes)")
        if args.scaling:
            for n in (4, 8):
                for d in (2, 4):
                    path = Path(tmp) / f"scale_{n}_{d}.toml"
                    path.write_text(f'scenario = "{ROOT / "scenarios" / "baseline.toml"}"\nmethod = "morris"\n'
                                    f'n = {n}\nmonths = 24\nseed = 1\n[factors]\n'
                                    + "".join(f"{f} = []\n" for f in FACTORS[:d]))
                    runs = load_study(path).runs
                    wall = timed(path, Path(tmp) / f"out_{n}_{d}")
                    result["scaling"].append({"n": n, "factors": d, "runs": runs, "wall_s": wall})
                    print(f"Morris N = {n}, {d} factors: {runs} runs in {wall:.1f} s")
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
