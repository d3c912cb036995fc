"""Golden briefs: three comparisons a policy officer would ask for (police in the lead, madrasa reform, NACTA moved
to the Prime Minister's Office), each checked for what the reader needs, not for identical bytes: no code names, no
interval printed as 0.000 to 0.000, a unit on every number, a bottom line first, and every regional side-effect that
matters in the summary (and the largest in the bottom line)."""

from __future__ import annotations

import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from ctsim.cli import main
from ctsim.declarations.levers import LEVERS
from ctsim.declarations.outputs import OUTPUTS
from ctsim.declarations.parameters import PARAMETERS
from ctsim.report import make_report
from ctsim.report.gather import gather
from ctsim.scenarios.library import library_names
from ctsim.verdicts import MATERIAL

POLICIES = ("civilian_led", "madrasa_reform", "nacta_relocation")
MONTHS, REPLICATIONS = "60", "3"
CODE_NAMES = ({lever.name for lever in LEVERS} | {o.name for o in OUTPUTS} | {p.name for p in PARAMETERS}
              | {n for n in library_names() if n != "baseline"})
JARGON = ("FACTS.md", "ci90", ".toml", "differential_evolution", "ABC-SMC", "mu*", "'baseline'")
UNITS = ("attacks", "deaths", "injured", "people", "militants", "recruits", "bystanders", "index", "Rs", "%",
         "years", "months", "simulations", "policy", "times")
NUMBER = re.compile(r"(?<![\w.,-])\d[\d,]*(?:\.\d+)?")


class _Text(HTMLParser):
    """The text a reader sees, by section id (styles, scripts and image data left out)."""

    def __init__(self) -> None:
        super().__init__()
        self.section, self.skip, self.parts = "", 0, {}

    def handle_starttag(self, tag, attrs):
        if tag in ("style", "script", "title"):
            self.skip += 1
        if tag == "section":
            self.section = dict(attrs).get("id", "")

    def handle_endtag(self, tag):
        if tag in ("style", "script", "title"):
            self.skip -= 1

    def handle_data(self, data):
        if not self.skip:
            self.parts.setdefault(self.section, []).append(data)


def _sections(html: str) -> dict[str, str]:
    parser = _Text()
    parser.feed(html)
    return {k: re.sub(r"\s+", " ", " ".join(v)) for k, v in parser.parts.items()}


@pytest.fixture(scope="module")
def briefs(tmp_path_factory) -> dict[str, tuple[Path, str]]:
    """``ctsim compare baseline POLICY --replications 3 --months 60 --report`` for each of the three policies."""
    out = {}
    for policy in POLICIES:
        root = tmp_path_factory.mktemp(policy)
        assert main(["compare", "baseline", policy, "--replications", REPLICATIONS, "--months", MONTHS, "--out",
                     str(root), "--report"]) == 0
        (folder,) = list((root / "compare").iterdir())
        out[policy] = (folder, (folder / "brief.html").read_text(encoding="utf-8"))
    return out


@pytest.mark.parametrize("policy", POLICIES)
def test_no_code_names_for_the_reader(briefs, policy):
    _, html = briefs[policy]
    text = " ".join(v for k, v in _sections(html).items() if k != "provenance")
    found = sorted(name for name in CODE_NAMES if re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", text)
                   and "_" in name)
    assert not found, f"{policy}: code names in what the reader reads: {found}"
    assert not re.search(r"\b[a-z]+(?:_[a-z0-9]+)+\b", text), \
        f"{policy}: a snake_case identifier in the reader's text: {re.findall(r'[a-z]+(?:_[a-z0-9]+)+', text)[:5]}"
    assert not [j for j in JARGON if j in text], f"{policy}: file names or method code names for the reader"


@pytest.mark.parametrize("policy", POLICIES)
def test_no_interval_prints_its_two_ends_alike(briefs, policy):
    _, html = briefs[policy]
    text = " ".join(_sections(html).values())
    assert "0.000 to 0.000" not in text
    same = re.findall(r"(?<![\d.,])(\d[\d,.]*\d|\d)( bn| trn| million)? to (?:Rs )?\1\2(?![\d.,])", text)
    assert not same, f"{policy}: an interval whose two ends print alike: {same[:3]}"


def _bare_numbers(text: str) -> list[str]:
    """Numbers with no unit within six words either side (years, and the 90 of "90% interval", excepted)."""
    words = text.split()
    bare = []
    for i, word in enumerate(words):
        for number in NUMBER.findall(word):
            if re.fullmatch(r"(19|20)\d\d", number):
                continue
            window = " ".join(words[max(0, i - 6): i + 7])
            if not any(unit in window for unit in UNITS):
                bare.append(f"{number} in '{window}'")
    return bare


@pytest.mark.parametrize("policy", POLICIES)
def test_a_unit_on_every_number_of_the_summary_and_the_headline(briefs, policy):
    folder, html = briefs[policy]
    sections = _sections(html)
    assert not _bare_numbers(sections["summary"]), f"{policy}: numbers without a unit in the summary"
    brief = gather(folder)
    for row in brief.headline:
        for text in (row.reference_text, row.scenario_text, row.difference_text, row.interval_text,
                     row.threshold_text):
            if text != "no change":
                assert any(u in text for u in UNITS), f"{policy}, {row.key}: '{text}' carries no unit"


@pytest.mark.parametrize("policy", POLICIES)
def test_the_bottom_line_comes_first(briefs, policy):
    folder, html = briefs[policy]
    brief = gather(folder)
    (summary,) = brief.summaries
    line = summary.bottom_line
    assert line.startswith("Over five years, \u201c") and brief.scenarios[1].description in line, \
        f"{policy}: the bottom line names the horizon and the policy in its own words"
    assert " Rs " in line or "the same cost" in line, f"{policy}: the bottom line says what it costs"
    assert html.index('class="bottom-line"') < html.index('id="question"'), "the bottom line before everything else"
    assert brief.scenarios[1].description in brief.title and policy not in brief.title, "a title in words"


def test_every_regional_side_effect_that_matters_is_in_the_summary(briefs):
    for policy, (folder, html) in briefs.items():
        brief = gather(folder)
        national = next(r.verdict for r in brief.headline if r.key == "attacks")
        expected = [r.verdict for r in brief.regions if r.verdict.word in MATERIAL and r.verdict.word != national.word]
        summary = _sections(html)["summary"]
        for v in expected:
            assert v.sentence in summary, f"{policy}: the regional side-effect '{v.label}' is missing from the summary"
        if expected:
            largest = max(expected, key=lambda v: abs(v.mean))
            assert largest.sentence.split(": ", 1)[1] in brief.summaries[0].bottom_line, \
                f"{policy}: the largest regional side-effect is in the bottom line"


def test_a_side_effect_made_to_matter_reaches_the_bottom_line(briefs, tmp_path):
    """The same comparison with 500 more attacks in the merged districts in every run of the policy: a side-effect
    that matters whatever the model says, which the summary and the bottom line must carry."""
    folder, _ = briefs["nacta_relocation"]
    copy = tmp_path / "side"
    shutil.copytree(folder, copy)
    runs = pd.read_csv(copy / "runs.csv")
    policy = runs["scenario"] == "nacta_relocation"
    runs.loc[policy, "attacks_merged"] += 500 + 10 * np.arange(policy.sum())
    runs.to_csv(copy / "runs.csv", index=False)
    (html,) = make_report(copy, copy / "brief.html")
    brief = gather(copy)
    line = brief.summaries[0].bottom_line
    assert "in the merged districts" in line and "more attacks" in line, line
    assert "Attacks in the merged districts" in _sections(html.read_text())["summary"]
