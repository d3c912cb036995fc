"""Small results of each kind, made once per test session: a compare (2 scenarios x 3 replications x 24 months),
a tiny batch (2 scenarios x 2 points x 2 replications x 24 months) and a tiny Morris study (8 runs of 12 months)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ctsim.cli import main
from ctsim.scenarios.library import library_path

CHROMIUM = Path("/usr/bin/chromium")


def _only(folder: Path) -> Path:
    (child,) = [p for p in folder.iterdir() if p.is_dir()]
    return child


@pytest.fixture(scope="session")
def compare_result(tmp_path_factory) -> Path:
    """``ctsim compare baseline civilian_led --replications 3 --months 24``, run from a temporary folder."""
    root = tmp_path_factory.mktemp("compare")
    code = main(["compare", "baseline", str(library_path("civilian_led")), "--replications", "3", "--months", "24",
                 "--out", str(root)])
    assert code == 0, "the compare fixture runs"
    return _only(root / "compare")


@pytest.fixture(scope="session")
def batch_result(tmp_path_factory) -> Path:
    """A tiny batch: baseline and civilian_led, 2 Latin-hypercube points of one lever and one uncertainty, 2
    replications, 24 months, monthly attacks kept."""
    root = tmp_path_factory.mktemp("batch")
    experiment = root / "tiny.toml"
    experiment.write_text(f'''name = "tiny"
scenarios = ["{library_path("baseline")}", "{library_path("civilian_led")}"]
replications = 2
months = 24
seed = 7
[design]
method = "latin_hypercube"
samples = 2
[design.factors]
sanctuary_strength = [0.3, 0.5]
prosecution_capacity = [1.0, 3.0]
[outputs]
monthly = ["attacks"]
monthly_every = 1
''')
    assert main(["batch", str(experiment), "--out", str(root / "out"), "--executor", "serial"]) == 0
    return root / "out"


@pytest.fixture(scope="session")
def morris_result(tmp_path_factory) -> Path:
    """A tiny Morris study of two levers: 2 trajectories, 1 replication, 12 months (8 runs)."""
    root = tmp_path_factory.mktemp("morris")
    study = root / "tiny_morris.toml"
    study.write_text(f'''name = "tiny_morris"
scenario = "{library_path("baseline")}"
method = "morris"
n = 2
replications = 1
months = 12
seed = 3
outcomes = ["attacks", "cost"]
[factors]
police_capacity = []
deradicalisation = []
''')
    assert main(["sensitivity", str(study), "--out", str(root / "out"), "--executor", "serial"]) == 0
    return root / "out"


@pytest.fixture(scope="session")
def browser():
    """Headless Debian Chromium through Playwright; skipped (with the reason) where either is missing."""
    if not CHROMIUM.is_file() or shutil.which(str(CHROMIUM)) is None:
        pytest.skip("no /usr/bin/chromium (make browser installs it)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        instance = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        yield instance
        instance.close()
