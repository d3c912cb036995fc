"""One scenario discovery: where a policy fails against a reference, in boxes a policy officer can read.

:func:`discover` judges every case of a batch (:mod:`ctsim.analysis.discovery.cases`), finds boxes with PRIM
(:mod:`ctsim.analysis.discovery.prim`) and words them (:mod:`ctsim.analysis.discovery.words`): "Police in the lead
... fails to cut attacks against the status quo in 23% of the 500 cases. It fails when the strength of the Afghan
sanctuary is above 0.55 (share) and ...: 80% of the failures are in that box, and 70% of the cases in that box
fail."
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ctsim.analysis.discovery import words
from ctsim.analysis.discovery.cases import Cases, load_cases
from ctsim.analysis.discovery.prim import DEFAULTS, Box, default_min_density, find_boxes
from ctsim.calibration.fingerprint import model_fingerprint
from ctsim.provenance import git_commit
from ctsim.scenarios.files import ScenarioError, load_scenario
from ctsim.scenarios.library import BASELINE, library_path


@dataclass
class Discovery:
    """The boxes where a policy fails, and how they read.

    Attributes:
        cases: the cases judged.
        boxes: the boxes found, the first the most important.
        policy: the policy scenario's name.
        reference: the reference scenario's name.
        policy_label: the policy in words.
        reference_label: the reference in words.
        months: the horizon the outcome is summed or read over.
        margin: the improvement (a share of the reference) below which the policy counts as failing.
        min_density: the density asked of a box.
        settings: PRIM's settings.
    """

    cases: Cases
    boxes: list[Box]
    policy: str
    reference: str
    policy_label: str
    reference_label: str
    months: int
    margin: float
    min_density: float
    settings: dict = field(default_factory=dict)
    fingerprint: str = field(default_factory=model_fingerprint)
    commit: str = field(default_factory=git_commit)  # with the fingerprint: which model a worked example is from

    @property
    def rate(self) -> float:
        """The share of cases in which the policy fails."""
        return float(self.cases.failed.mean())

    def headline(self) -> str:
        """How often the policy fails, in one sentence."""
        noun, verb = words.outcome_words(self.cases.outcome)
        by = f" by at least {words.percent(self.margin)}" if self.margin > 0 else ""
        what = "case" if self.cases.per == "point" else "run"
        return (f"{_capital(self.policy_label)} fails to {verb} {noun}{by} against {self.reference_label} over "
                f"{_horizon(self.months)} in {words.percent(self.rate)} of the {len(self.cases.failed):,} {what}s "
                f"({int(self.cases.failed.sum()):,}).")

    def sentences(self) -> list[str]:
        """One sentence per box: where it fails, with coverage and density."""
        out = []
        for k, box in enumerate(self.boxes):
            restrictions = [words.restriction_words(r.name, r.low, r.high, r.levels) for r in box.restrictions]
            if not box.dense:
                out.append(f"{'No' if k == 0 else 'No further'} small set of conditions gathers the failures; the "
                           f"closest: {words.closest_sentence(restrictions, box.coverage, box.density, self.rate)} "
                           f"({box.cases:,} cases, {words.percent(box.mass)} of all).")
                continue
            sentence = words.box_sentence(restrictions, box.coverage, box.density)
            lead = "It" if k == 0 else "Beyond that box, it"
            out.append(f"{lead}{sentence[2:]} ({box.cases:,} cases, {words.percent(box.mass)} of all).")
        if not self.boxes:
            out.append("No box concentrates the failures: they are spread across the uncertainties explored."
                       if self.cases.failed.any() else "It never fails in the cases explored.")
        return out

    def text(self) -> str:
        """The headline and the sentences, as a paragraph."""
        return " ".join([self.headline(), *self.sentences()])

    def boxes_table(self) -> pd.DataFrame:
        """One row per box and restricted input: its bounds in words and numbers, and the box's statistics."""
        rows = []
        for k, box in enumerate(self.boxes, start=1):
            for r in box.restrictions:
                rows.append({"box": k, "input": r.name, "label": words.label(r.name), "unit": words.unit(r.name),
                             "low": r.low, "high": r.high,
                             "levels": "; ".join(map(str, r.levels)) if r.levels is not None else "",
                             "qp_value": r.qp, "coverage": box.coverage, "density": box.density, "mass": box.mass,
                             "cases": box.cases, "failures": box.failures, "dense": box.dense})
        return pd.DataFrame(rows, columns=["box", "input", "label", "unit", "low", "high", "levels", "qp_value",
                                           "coverage", "density", "mass", "cases", "failures", "dense"])

    def cases_table(self) -> pd.DataFrame:
        """The cases: their inputs, both outcomes, the difference and whether the policy failed."""
        return self.cases.inputs.assign(reference=self.cases.reference, policy=self.cases.policy,
                                        difference=self.cases.difference, failed=self.cases.failed)

    def markdown(self) -> str:
        """The worked example as docs/discovery.md shows it."""
        lines = [f"**{_capital(self.policy_label)}** against {self.reference_label}, "
                 f"{words.outcome_words(self.cases.outcome)[0]} over {_horizon(self.months)} "
                 f"(model fingerprint `{self.fingerprint}`, commit `{self.commit[:12]}`, "
                 f"{len(self.cases.failed):,} {self.cases.per}s).", "",
                 self.text(), ""]
        if self.boxes:
            lines += ["| box | it fails when | coverage | density | cases in the box |", "|---|---|---|---|---|"]
            for k, box in enumerate(self.boxes, start=1):
                where = "; ".join(words.restriction_words(r.name, r.low, r.high, r.levels) for r in box.restrictions)
                name = str(k) if box.dense else f"{k} (closest, below the density asked)"
                lines.append(f"| {name} | {where} | {words.percent(box.coverage)} | {words.percent(box.density)} | "
                             f"{box.cases:,} |")
        return "\n".join(lines)


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _horizon(months: int) -> str:
    return f"{months // 12} years" if months % 12 == 0 and months >= 24 else f"{months} months"


def scenario_label(name: str) -> str:
    """A library scenario's description as it reads in a sentence (``police in the lead, ...``; the library's
    baseline is "the status quo"); another scenario's name as given."""
    if name in (BASELINE, f"{BASELINE}.toml"):
        return "the status quo"
    path = library_path(name)
    if path is None:
        return name
    try:
        description = load_scenario(path).description
    except ScenarioError:
        return name
    if not description:
        return name
    return description[0].lower() + description[1:] if description[1:2].islower() else description


def discover(folder: str | Path, policy: str, reference: str = "baseline", outcome: str = "attacks",
             margin: float = 0.0, min_density: float | None = None, policy_label: str | None = None,
             reference_label: str | None = None, **prim_settings) -> Discovery:
    """Where ``policy`` fails against ``reference`` in the batch in ``folder``."""
    cases = load_cases(folder, policy, reference, outcome, margin)
    density = default_min_density(cases.failed) if min_density is None else min_density
    settings = {**DEFAULTS, **{k: v for k, v in prim_settings.items() if v is not None}}
    boxes = find_boxes(cases.inputs, cases.failed, min_density=density, **settings)
    return Discovery(cases, boxes, policy, reference, policy_label or scenario_label(policy),
                     reference_label or scenario_label(reference), cases.months, margin, density, settings)
