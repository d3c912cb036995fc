"""The registry of levers and uncertainties, and what is generated from it."""

from __future__ import annotations

from pathlib import Path

import pytest

from ctsim import docs
from ctsim.cli import main
from ctsim.declarations import registry
from ctsim.declarations.levers import LEVERS
from ctsim.declarations.parameters import PARAMETERS

LEVERS_DOC = Path(__file__).resolve().parents[2] / "docs" / "levers.md"


def test_registry_holds_every_lever_and_uncertainty_once():
    names = [f.name for f in registry.FACTORS]
    assert len(names) == len(set(names))
    assert [f.name for f in registry.levers()] == [lev.name for lev in LEVERS]
    assert [f.name for f in registry.uncertainties()] == [p.name for p in PARAMETERS if p.plausible]
    for f in registry.uncertainties():
        spec = next(p for p in PARAMETERS if p.name == f.name)
        assert spec.low <= f.low < f.high <= spec.high, f"plausible range of {f.name} must be admissible"
        assert f.low <= f.default <= f.high, f"declared value of {f.name} should sit in its plausible range"


def test_salib_problem_uses_registry_ranges_and_refuses_categoricals():
    problem = registry.salib_problem(["prosecution_capacity", "sanctuary_strength"])
    assert problem == {"num_vars": 2, "names": ["prosecution_capacity", "sanctuary_strength"],
                       "bounds": [[0.25, 10.0], [0.2, 0.8]]}
    assert registry.salib_problem(["dialogue"], {"dialogue": (0.2, 0.4)})["bounds"] == [[0.2, 0.4]]
    with pytest.raises(ValueError, match="analyse it as strata"):
        registry.salib_problem(["ct_lead"])
    with pytest.raises(ValueError, match="must lie within"):
        registry.salib_problem(["dialogue"], {"dialogue": (0.5, 2.0)})
    with pytest.raises(KeyError, match="did you mean ct_lead"):
        registry.factor("ct_leed")


def test_levers_doc_is_current():
    text = LEVERS_DOC.read_text(encoding="utf-8")
    assert docs.render(text) == text, "docs/levers.md is stale: run 'python -m ctsim.docs'"
    for f in registry.FACTORS:
        assert f"`{f.name}`" in text


def test_levers_command_lists_everything(capsys):
    assert main(["levers"]) == 0
    out = capsys.readouterr().out
    for f in registry.FACTORS:
        assert f.name in out
    assert main(["levers", "--markdown"]) == 0
    assert "| `ct_lead` |" in capsys.readouterr().out
