"""``ctsim discover``: on a batch over the uncertainties it prints where a policy fails and writes its files;
``--write-design`` makes the batch; mistakes are one line, exit 2."""

from __future__ import annotations

import pytest

from analysis.discovery.test_discovery import synthetic_batch  # the made-up batch of the discovery tests (tests/)
from ctsim.analysis.discovery.study import discover
from ctsim.cli import main
from ctsim.commands.discover import publish
from ctsim.inputs import InputError


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    return synthetic_batch(tmp_path_factory.mktemp("batch") / "b", points=400)


def test_discover_prints_the_sentence_and_writes_its_files(batch, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["discover", str(batch), "--policy", "civilian_led", "--out", str(out),
                 "--policy-label", "civilian-led counterterrorism"]) == 0
    printed = capsys.readouterr().out
    assert printed.startswith("Civilian-led counterterrorism fails to cut attacks against the status quo")
    assert "of the failures are in that box" in printed and "the strength of the Afghan sanctuary is above" in printed
    assert {p.name for p in out.iterdir()} == {"discovery.md", "boxes.csv", "cases.csv", "discovery.png",
                                               "trajectory.csv"}


def test_publish_replaces_the_policy_s_block_only(batch, tmp_path):
    page = tmp_path / "discovery.md"
    page.write_text("intro\n<!-- BEGIN GENERATED: discovery-civilian_led -->\nold\n"
                    "<!-- END GENERATED: discovery-civilian_led -->\n<!-- BEGIN GENERATED: discovery-madrasa_reform -->"
                    "\nkept\n<!-- END GENERATED: discovery-madrasa_reform -->\n")
    publish(discover(batch, "civilian_led"), "civilian_led", page)
    text = page.read_text()
    assert "old" not in text and "kept" in text and "coverage" in text and "model fingerprint" in text
    with pytest.raises(InputError, match="no block .*discovery-nacta_relocation"):
        publish(discover(batch, "civilian_led"), "nacta_relocation", page)


@pytest.mark.parametrize(("args", "expected"), [
    ([], "give a batch folder"),
    (["{batch}"], "option '--policy' is needed"),
    (["{batch}", "--policy", "civilian_lead"], "did you mean 'civilian_led'"),
    (["{batch}", "--policy", "civilian_led", "--margin", "1.5"], "option '--margin' = 1.5 is outside"),
    (["{batch}", "--policy", "civilian_led", "--outcome", "atacks"], "option '--outcome' = 'atacks'"),
    (["{missing}", "--policy", "civilian_led"], "no batch here"),
    (["{batch}", "--write-design", "{tmp}"], "not both"),
    (["--write-design", "{tmp}", "--samples", "3"], "option '--samples' = 3 is outside"),
    (["--write-design", "{tmp}", "--scenarios", "baseline", "nowhere"], "'nowhere' is neither a library scenario"),
])
def test_mistakes_are_one_line_exit_2(batch, tmp_path, args, expected, capsys):
    values = {"batch": str(batch), "missing": str(tmp_path / "missing"), "tmp": str(tmp_path / "design")}
    assert main(["discover", *[a.format(**values) for a in args]]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and expected in err, err


def test_write_design_batch_and_discover_on_the_model(tmp_path, capsys):
    design = tmp_path / "design"
    assert main(["discover", "--write-design", str(design), "--samples", "12", "--months", "3", "--point",
                 "--scenarios", "baseline", "civilian_led"]) == 0
    assert main(["batch", str(design / "experiment.toml"), "--out", str(tmp_path / "batch"), "--point",
                 "--executor", "serial"]) == 0
    capsys.readouterr()
    assert main(["discover", str(tmp_path / "batch"), "--policy", "civilian_led", "--out", str(tmp_path / "d")]) == 0
    printed = capsys.readouterr().out
    assert "of the 12 cases" in printed, "every point is a case"
    assert (tmp_path / "d" / "cases.csv").read_text().count("\n") == 13
