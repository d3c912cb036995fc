"""`make studies` reruns every published study after a change that moves results, in the order they read each other
(a dry run: `make -n` prints the commands without running them)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
def test_studies_reruns_every_published_study_in_the_order_they_read_each_other():
    printed = subprocess.run(["make", "-n", "--no-print-directory", "studies"], cwd=ROOT, capture_output=True,
                             text=True, check=True, timeout=60).stdout
    steps = ["ctsim calibrate --abc", "ctsim long-history", "ctsim long-run", "ctsim evidence", "ctsim forecast",
             "ctsim validate-model --posterior 20 --robustness --report docs/validation.md", "ctsim rank",
             "ctsim batch results/discovery", "python -m ctsim.docs"]
    at = [printed.find(step) for step in steps]
    assert all(i >= 0 for i in at), dict(zip(steps, at, strict=True))
    assert at == sorted(at), "the posterior first (every study reads it), the report after the studies it shows"
