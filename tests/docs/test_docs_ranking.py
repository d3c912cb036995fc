"""The docs check and the published ranking: ``python -m ctsim.docs --check`` fails when docs/ranking.csv was
computed on another model, as it does for the evidence table."""

from __future__ import annotations

import pandas as pd

from ctsim import docs
from ctsim.calibration.fingerprint import model_fingerprint
from ctsim.docs.ranking import ranking_staleness


def _published(path, fingerprint):
    pd.DataFrame({"outcome": ["attacks"], "factor": ["development"], "rank": [1], "ST": [0.4],
                  "model_fingerprint": [fingerprint]}).to_csv(path, index=False)
    return path


def test_a_ranking_computed_on_another_model_is_stale(tmp_path):
    assert ranking_staleness(_published(tmp_path / "current.csv", model_fingerprint())) is None
    message = ranking_staleness(_published(tmp_path / "old.csv", "0123456789abcdef"))
    assert "another state of the model" in message and "make rank" in message and "0123456789abcdef" in message
    assert ranking_staleness(tmp_path / "absent.csv") is None, "nothing published yet: nothing stale"
    (tmp_path / "bad.csv").write_text("outcome,factor\nattacks,development\n")
    assert "no model fingerprint" in ranking_staleness(tmp_path / "bad.csv")


def test_the_docs_check_fails_on_a_stale_ranking(tmp_path, monkeypatch, capsys):
    page = tmp_path / "page.md"
    page.write_text("no generated blocks\n")
    monkeypatch.setattr(docs, "evidence_is_current", lambda: True)  # this test is about the ranking only
    stale = _published(tmp_path / "ranking.csv", "0123456789abcdef")
    monkeypatch.setattr(docs, "ranking_staleness", lambda: ranking_staleness(stale))
    assert docs.main(["--check", str(page)]) == 1, "a ranking of another model fails the check"
    assert "ranking.csv was computed on another state of the model" in capsys.readouterr().err
    _published(stale, model_fingerprint())
    assert docs.main(["--check", str(page)]) == 0, "a current ranking passes"
