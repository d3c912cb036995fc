"""The README cannot rot: every shell and Python example in it runs, in a scratch folder.

Shell lines that start ``.venv/bin/ctsim`` run through this interpreter's ctsim, from a scratch folder holding the
repository's ``scenarios/`` and ``experiments/``. Commands that take minutes or reach beyond this machine (``batch``
with a Dask scheduler or a LocalCluster, ``sensitivity``, ``calibrate``, ``validate-model``) run with ``--dry-run``,
which validates every input and option and prints what would run; their full runs are covered by their own tests
(tests/experiments, tests/analysis). ``make`` lines are what CI itself runs. The TOML example validates, and the
quoted error line is what ctsim prints for the mistyped lever.
"""

from __future__ import annotations

import re
import shlex
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()
DRY_RUN = {"sensitivity", "calibrate", "validate-model"}


def _blocks(kind: str) -> list[str]:
    return re.findall(rf"```{kind}\n(.*?)```", README, re.DOTALL)


def _shell_lines() -> list[str]:
    lines = []
    for block in _blocks("sh"):
        for line in block.splitlines():
            line = line.split("#", 1)[0].strip() if not line.startswith("#") else ""
            if line:
                lines.append(line)
    return lines


@pytest.fixture(scope="module")
def scratch(tmp_path_factory):
    folder = tmp_path_factory.mktemp("readme")
    (folder / "scenarios").mkdir()
    for path in (ROOT / "scenarios").glob("*.toml"):
        (folder / "scenarios" / path.name).symlink_to(path)
    (folder / "experiments").symlink_to(ROOT / "experiments")
    return folder


def _ctsim(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "ctsim", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=600, check=False)


def _serve_once(args: list[str], cwd: Path) -> None:
    """A server command: start it on a free loopback port, wait for its page, stop it."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "ctsim", *args, "--port", str(port)], cwd=cwd,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            assert server.poll() is None, f"README example exited early: ctsim {' '.join(args)}\n{server.stderr.read()}"
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as page:
                    assert page.status == 200
                    return
            except OSError:
                time.sleep(0.5)
        raise AssertionError(f"README example did not serve a page within 120 s: ctsim {' '.join(args)}")
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_the_readme_has_examples():
    assert len(_shell_lines()) >= 15 and _blocks("python") and _blocks("toml")


def test_every_shell_example_runs(scratch):
    ran = 0
    for line in _shell_lines():
        words = shlex.split(line)
        if words[0] == "make":
            assert words[1] in ("demo", "test"), f"README names an unknown make target: {line}"
            continue
        assert words[0] == ".venv/bin/ctsim", f"README shell example not run by this test: {line}"
        args = [str(scratch / "scenarios" / Path(w).name) if w.startswith("scenarios/") and "*" not in w else w
                for w in words[1:]]
        for i, word in enumerate(args):  # a result folder named by its timestamp: the newest one made above
            if "<timestamp>" in word:
                made = sorted((scratch / Path(word).parent).iterdir())
                assert made, f"README example needs an earlier command to make {word}: {line}"
                args[i] = str(made[-1])
        if "scenarios/*.toml" in args:
            i = args.index("scenarios/*.toml")
            args[i:i + 1] = sorted(str(p) for p in (scratch / "scenarios").glob("*.toml"))
        if args[0] == "dashboard":
            _serve_once(args, scratch)
            ran += 1
            continue
        expensive = (args[0] in DRY_RUN or "--scheduler" in args or "--dask-local" in args)
        if expensive and "--dry-run" not in args:
            args.append("--dry-run")
        done = _ctsim(args, scratch)
        assert done.returncode == 0, f"README example failed: {line}\n{done.stderr[-2000:]}"
        assert done.stdout.strip(), f"README example printed nothing: {line}"
        if "--dry-run" in args:
            assert not (scratch / "results" / "sensitivity").exists(), "a dry run must create nothing"
        ran += 1
    assert ran >= 15


def test_the_python_example_runs(scratch):
    for block in _blocks("python"):
        done = subprocess.run([sys.executable, "-c", block], cwd=scratch, capture_output=True, text=True,
                              timeout=600, check=False)
        assert done.returncode == 0, f"README Python example failed:\n{block}\n{done.stderr[-2000:]}"


def test_the_toml_example_validates_and_the_quoted_error_is_what_ctsim_says(scratch):
    example = scratch / "scenarios" / "readme_example.toml"
    example.write_text(_blocks("toml")[0])
    done = _ctsim(["validate", str(example)], scratch)
    assert done.returncode == 0, done.stderr
    quoted = re.search(r"```\n(ctsim: error: scenarios/x\.toml: .*)\n```", README).group(1)
    bad = scratch / "scenarios" / "x.toml"
    bad.write_text('extends = "baseline.toml"\n[levers]\nct_leed = "police"\n')
    done = _ctsim(["validate", "scenarios/x.toml"], scratch)
    assert done.returncode == 2
    assert done.stderr.strip() == quoted, "the error quoted in the README is not what ctsim prints"
