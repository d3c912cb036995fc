"""The regression baseline: summary outcomes of a few canonical runs, stored in ``tests/baseline.json``.

``tests/test_regression_baseline.py`` fails on any change to them (bit for bit). When a change is meant to move
results, regenerate the file with ``make baseline`` (which prints what moved) and commit it on its own, saying why.

    python tests/regression.py            # compare with the stored baseline, print what moved
    python tests/regression.py --write    # regenerate tests/baseline.json
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

import pandas as pd

BASELINE_FILE = Path(__file__).with_name("baseline.json")
SCENARIO_DIR = Path(__file__).resolve().parents[1] / "scenarios"
# Canonical runs: the status quo and library scenarios that exercise schedules, ramps, the political cycle and the
# main lever families; two seeds each, over each scenario's full horizon (history included).
SCENARIOS = ("baseline", "civilian_led", "kinetic_surge", "whole_of_government", "policy_discontinuity")
SEEDS = (1, 2)


def frame_digest(frame: pd.DataFrame) -> str:
    """A digest of a frame's values and labels (any change in any month or column changes it)."""
    h = hashlib.sha256()
    h.update(",".join(map(str, frame.columns)).encode())
    h.update(pd.util.hash_pandas_object(frame, index=True).to_numpy().tobytes())
    return h.hexdigest()


def compute() -> dict[str, dict]:
    """Run every canonical run; return ``{"scenario/seed": {"summary": ..., "national": digest, ...}}``."""
    from ctsim.scenarios.files import load_scenario
    from ctsim.scenarios.runner import run

    out = {}
    for name in SCENARIOS:
        scenario = load_scenario(SCENARIO_DIR / f"{name}.toml")
        for seed in SEEDS:
            result = run(scenario, seed=seed)
            out[f"{name}/{seed}"] = {
                "months": len(result.national),
                "summary": {k: float(v) for k, v in sorted(result.summary.items())},
                "national_sha256": frame_digest(result.national),
                "regional_sha256": frame_digest(result.regional),
            }
    return out


def differences(stored: dict, current: dict) -> list[str]:
    """Lines saying what moved between two baselines (empty when identical)."""
    lines = []
    for key in sorted(stored.keys() | current.keys()):
        if key not in current or key not in stored:
            lines.append(f"{key}: {'removed' if key not in current else 'added'}")
            continue
        old, new = stored[key], current[key]
        for field in ("months", "national_sha256", "regional_sha256"):
            if old[field] != new[field]:
                lines.append(f"{key}: {field} changed")
        for name in sorted(old["summary"].keys() | new["summary"].keys()):
            a, b = old["summary"].get(name), new["summary"].get(name)
            if a != b:
                rel = f" ({(b - a) / abs(a):+.2%})" if a and b is not None else ""
                lines.append(f"{key}: {name} {a!r} -> {b!r}{rel}")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="regenerate tests/baseline.json")
    args = parser.parse_args(argv)
    current = compute()
    stored = json.loads(BASELINE_FILE.read_text()) if BASELINE_FILE.exists() else {}
    moved = differences(stored, current)
    for line in moved:
        print(line)
    if args.write:
        from ctsim.calibration import fingerprint

        BASELINE_FILE.write_text(json.dumps(current, indent=1, sort_keys=True) + "\n")
        prints = fingerprint.write(BASELINE_FILE.read_bytes())
        print(f"wrote {BASELINE_FILE} ({len(current)} runs; {len(moved)} differences from the previous baseline) "
              f"and {fingerprint.FINGERPRINT_FILE.name} (model {prints['model']}, dynamics {prints['dynamics']})")
        return 0
    print("no change from the regression baseline" if not moved else f"{len(moved)} differences (see above)")
    return 0 if not moved else 1


if __name__ == "__main__":
    sys.exit(main())
