"""Parameters and levers: one declaration each, validated, documented."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from ctsim import docs
from ctsim.declarations.levers import LEVERS, LeverError, Policy
from ctsim.declarations.parameters import KINDS, PARAMETERS, ParameterError, resolve

ODD = Path(__file__).resolve().parents[2] / "docs" / "odd.md"


def test_every_parameter_has_kind_source_and_admissible_default():
    names = [p.name for p in PARAMETERS]
    assert len(names) == len(set(names)), "parameter names must be unique"
    for p in PARAMETERS:
        assert p.kind in KINDS, p.name
        assert p.low <= p.value <= p.high, f"{p.name} default outside its range"
        if p.kind in ("fact", "derived"):
            assert "FACTS.md" in p.source, f"{p.name} is a {p.kind} and must cite FACTS.md"


def test_resolve_rejects_unknown_and_out_of_range():
    with pytest.raises(ParameterError, match="unknown parameter 'nope'"):
        resolve({"nope": 1})
    with pytest.raises(ParameterError, match=r"outside \[0.0, 1.0\]"):
        resolve({"hit_fraction": 2})
    with pytest.raises(ParameterError, match="must be a number"):
        resolve({"hit_fraction": "high"})
    assert resolve({"hit_fraction": 0.5})["hit_fraction"] == 0.5


def test_levers_have_valid_defaults_and_policy_checks_values():
    policy = Policy()
    for lever in LEVERS:
        assert getattr(policy, lever.name) == lever.default
        assert lever.meaning and lever.mechanism and lever.provenance
    with pytest.raises(LeverError, match="one of military, rangers, police"):
        Policy(ct_lead="navy")
    with pytest.raises(LeverError, match=r"outside the valid range \[0.0, 1.0\]"):
        Policy(madrasa_reform=1.5)
    with pytest.raises(LeverError, match="true or false"):
        Policy(central_ctd=1)
    with pytest.raises(LeverError, match="unknown lever"):
        Policy(nacta="pm_office")
    with pytest.raises(LeverError, match="whole number"):
        Policy(handover_months=2.5)


def test_policy_pickles_and_copies():
    policy = Policy(ct_lead="police", development=0.5)
    assert pickle.loads(pickle.dumps(policy)) == policy
    twin = policy.copy()
    twin.development = 0.1
    assert policy.development == 0.5


def test_odd_document_tables_are_current_and_list_every_parameter():
    text = ODD.read_text(encoding="utf-8")
    assert docs.render(text) == text, "docs/odd.md is stale: run 'python -m ctsim.docs docs/odd.md'"
    for p in PARAMETERS:
        assert f"`{p.name}`" in text, f"parameter {p.name} missing from docs/odd.md"
    for lever in LEVERS:
        assert f"`{lever.name}`" in text, f"lever {lever.name} missing from docs/odd.md"


def test_docs_generator_fills_empty_and_stale_blocks():
    empty = "a\n<!-- BEGIN GENERATED: levers -->\n<!-- END GENERATED: levers -->\nb\n"
    filled = docs.render(empty)
    assert "`ct_lead`" in filled and filled.startswith("a\n") and filled.endswith("b\n")
    assert docs.render(filled) == filled, "rendering twice changes nothing"
    stale = filled.replace("`ct_lead`", "`old_name`")
    assert docs.render(stale) == filled


def test_every_lever_value_has_a_plain_name():
    """The dashboard and the brief name a value in words: a choice's label, yes/no, or the number with its unit."""
    from ctsim.declarations.levers import LEVERS_BY_NAME

    assert LEVERS_BY_NAME["ct_lead"].choice_label("rangers") == "Rangers and Frontier Corps"
    assert LEVERS_BY_NAME["central_ctd"].choice_label(True) == "yes"
    for lever in LEVERS_BY_NAME.values():
        values = lever.choices if lever.kind == "choice" else ([True, False] if lever.kind == "bool"
                                                                else [lever.low, lever.high])
        for value in values:
            assert lever.choice_label(value).strip(), f"{lever.name}: no name for {value!r}"


def test_calibrated_values_are_read_once_per_state_of_the_file(tmp_path, monkeypatch):
    """Building many models reads calibration.json once; a calibration that rewrites the file is seen at once."""
    import json as _json

    from ctsim.declarations import parameters

    copy = tmp_path / "calibration.json"
    record = _json.loads(parameters.CALIBRATION_FILE.read_text())
    copy.write_text(_json.dumps(record))
    monkeypatch.setattr(parameters, "CALIBRATION_FILE", copy)
    first = parameters.calibrated()
    assert parameters.calibrated() is first, "an unchanged file is not read again"
    name = next(iter(record["free_parameters"]))
    record["free_parameters"][name]["value"] = 123.0
    copy.write_text(_json.dumps(record) + "\n")  # a different size: seen even where mtime is coarse
    assert parameters.calibrated()[name] == 123.0, "a rewritten file is read again"
    copy.unlink()
    assert dict(parameters.calibrated()) == {}, "without the file there are no calibrated values"


@pytest.mark.parametrize("text", ['{\n  "version": 16,\n  "free_para', "[]", '{"free_parameters": {"x": {}}}', "\xff"])
def test_a_broken_calibration_file_is_one_clear_line_naming_it(tmp_path, monkeypatch, capsys, text):
    """A calibration record cut short (a hand edit read half written), not a table, or without values: a run
    stops with one line naming the file and exit status 2, not an internal error."""
    from ctsim.cli import main
    from ctsim.declarations import parameters

    broken = tmp_path / "calibration.json"
    broken.write_bytes(text.encode("latin-1"))
    monkeypatch.setattr(parameters, "CALIBRATION_FILE", broken)
    parameters.calibration_version.cache_clear()
    try:
        assert main(["run", "baseline", "--point", "--months", "1", "--out", str(tmp_path / "out"),
                     "--no-chart"]) == 2
    finally:
        parameters.calibration_version.cache_clear()
    err = capsys.readouterr().err.strip()
    assert err.startswith("ctsim: error: ") and str(broken) in err and "\n" not in err, err
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").rglob("*.csv")), "nothing written"
