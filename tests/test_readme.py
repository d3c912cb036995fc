"""The README and the guides cannot rot: every shell, Python and TOML example in them runs, in a scratch folder.

The pages are the README and the docs pages in ``PAGES`` (the guides the README's long sections moved to); a docs
page with a ``.venv/bin/ctsim`` example must be one of them, or be named in ``NOT_RUN`` with the reason. Shell lines
that start ``.venv/bin/ctsim`` run through this interpreter's ctsim, from a scratch folder holding the repository's
``scenarios/`` and ``experiments/`` (one folder for all pages, so that a batch a page runs again resumes instead of
running twice). Commands that take minutes or reach beyond this machine (``batch`` with a Dask scheduler or a
LocalCluster, ``sensitivity``, ``calibrate``, ``validate-model``) run with ``--dry-run``, which validates every input
and option and prints what would run; their full runs are covered by their own tests (tests/experiments,
tests/analysis). ``make`` lines must name a target of the Makefile (they are what CI itself runs). Every TOML example
validates, and the error the README quotes is what ctsim prints for the mistyped lever.
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
DOCS = ROOT / "docs"
# The pages whose examples run, in this order (a later page may read what an earlier one wrote).
PAGES = ("README.md", "docs/getting-started.md", "docs/guides/researcher.md", "docs/guides/trainer.md",
         "docs/guides/policy-staff.md", "docs/scenario-files.md", "docs/calibration.md", "docs/api/index.md")
# Pages whose command examples are not run here, and why (their commands are run from the pages above).
NOT_RUN = {"docs/dashboard.md": "it lets teams connect over the room's network (--host 0.0.0.0)",
           "docs/experiments.md": "it writes to /data and runs whole batches serially and on clusters"}
DRY_RUN = {"sensitivity", "calibrate", "validate-model"}
MAKE_TARGETS = set(re.findall(r"^([A-Za-z][\w-]*):", (ROOT / "Makefile").read_text(), re.MULTILINE))


def _text(page: str) -> str:
    return (ROOT / page).read_text(encoding="utf-8")


def _blocks(text: str, kind: str) -> list[str]:
    return re.findall(rf"^```{kind}\n(.*?)^```", text, re.DOTALL | re.MULTILINE)


def _shell_lines(text: str) -> list[str]:
    lines = []
    for block in _blocks(text, "sh"):
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
            assert server.poll() is None, f"example exited early: ctsim {' '.join(args)}\n{server.stderr.read()}"
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as page:
                    assert page.status == 200
                    return
            except OSError:
                time.sleep(0.5)
        raise AssertionError(f"example did not serve a page within 120 s: ctsim {' '.join(args)}")
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_the_readme_has_an_example_of_each_kind_and_is_short():
    readme = _text("README.md")
    assert len(_shell_lines(readme)) >= 10 and _blocks(readme, "python") and _blocks(readme, "toml"), \
        "the README shows shell, Python and TOML examples"
    assert len(readme.splitlines()) <= 200, "the README stays at most 200 lines; the details belong in docs/"


def test_every_docs_page_with_command_examples_is_executed():
    with_examples = {str(p.relative_to(ROOT)) for p in DOCS.rglob("*.md")
                     if any(line.startswith(".venv/bin/ctsim") for line in _shell_lines(p.read_text()))}
    unrun = with_examples - set(PAGES) - set(NOT_RUN)
    assert not unrun, f"pages whose examples no test runs (add them to PAGES, or to NOT_RUN with why): {sorted(unrun)}"
    assert all((ROOT / page).is_file() for page in PAGES), "every page this test runs exists"


@pytest.mark.slow
@pytest.mark.parametrize("page", [p for p in PAGES if _shell_lines(_text(p))])
def test_every_shell_example_runs(page, scratch):
    ran = 0
    for line in _shell_lines(_text(page)):
        words = shlex.split(line)
        if words[0] == "make":
            assert words[1] in MAKE_TARGETS, f"{page} names an unknown make target: {line}"
            continue
        assert words[0] == ".venv/bin/ctsim", f"{page}: shell example not run by this test: {line}"
        args = [str(scratch / "scenarios" / Path(w).name) if w.startswith("scenarios/") and "*" not in w else w
                for w in words[1:]]
        for i, word in enumerate(args):  # a result folder named by its timestamp: the newest one made above
            if "<timestamp>" in word:
                made = sorted((scratch / Path(word).parent).iterdir()) if (scratch / Path(word).parent).is_dir() \
                    else []
                assert made, f"{page}: the example needs an earlier command to make {word}: {line}"
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
        assert done.returncode == 0, f"{page}: example failed: {line}\n{done.stderr[-2000:]}"
        assert done.stdout.strip(), f"{page}: example printed nothing: {line}"
        if "--dry-run" in args:
            assert not (scratch / "results" / "sensitivity").exists(), "a dry run must create nothing"
        ran += 1
    assert ran, f"{page} runs no ctsim example"


@pytest.mark.slow
@pytest.mark.parametrize("page", [p for p in PAGES if _blocks(_text(p), "python")])
def test_every_python_example_runs(page, scratch):
    for block in _blocks(_text(page), "python"):
        done = subprocess.run([sys.executable, "-c", block], cwd=scratch, capture_output=True, text=True,
                              timeout=600, check=False)
        assert done.returncode == 0, f"{page}: Python example failed:\n{block}\n{done.stderr[-2000:]}"


@pytest.mark.slow
@pytest.mark.parametrize("page", [p for p in PAGES if _blocks(_text(p), "toml")])
def test_every_toml_example_validates(page, scratch):
    for i, block in enumerate(_blocks(_text(page), "toml")):
        (scratch / "examples").mkdir(exist_ok=True)
        example = scratch / "examples" / f"{Path(page).stem}_{i}.toml"
        example.write_text(block)
        done = _ctsim(["validate", str(example)], scratch)
        assert done.returncode == 0, f"{page}: TOML example {i + 1} does not validate:\n{block}\n{done.stderr}"


def test_the_error_the_readme_quotes_is_what_ctsim_says(scratch):
    quoted = re.search(r"```\n(ctsim: error: scenarios/x\.toml: .*)\n```", _text("README.md")).group(1)
    bad = scratch / "scenarios" / "x.toml"
    bad.write_text('extends = "baseline.toml"\n[levers]\nct_leed = "police"\n')
    try:
        done = _ctsim(["validate", "scenarios/x.toml"], scratch)
    finally:
        bad.unlink()  # the scratch folder's scenarios/ stays valid for the examples that glob it
    assert done.returncode == 2
    assert done.stderr.strip() == quoted, "the error quoted in the README is not what ctsim prints"
