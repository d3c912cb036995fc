"""The docs check and the published ranking: ``python -m ctsim.docs --check`` fails when docs/ranking.csv was
computed on another model and docs/sensitivity.md does not say so (the line ``python -m ctsim.docs`` writes above the
ranking), and when it is not a ranking ctsim publishes."""

from __future__ import annotations

import pandas as pd

from ctsim import docs
from ctsim.calibration.fingerprint import model_fingerprint
from ctsim.docs.ranking import ranking_staleness, ranking_status

OLD = "0123456789abcdef"


def _published(path, fingerprint):
    pd.DataFrame({"outcome": ["attacks"], "factor": ["development"], "rank": [1], "ST": [0.4],
                  "model_fingerprint": [fingerprint], "commit": ["f14ff2259d4b1234"]}).to_csv(path, index=False)
    return path


def _page(path, status=""):
    path.write_text(f"# Ranking\n\n<!-- BEGIN GENERATED: ranking-status -->\n{status}\n"
                    "<!-- END GENERATED: ranking-status -->\n", encoding="utf-8")
    return path


def test_the_line_above_the_ranking_says_on_which_model_it_was_computed(tmp_path):
    assert "as it is" in ranking_status(_published(tmp_path / "current.csv", model_fingerprint()))
    older = ranking_status(_published(tmp_path / "old.csv", OLD))
    assert older.startswith("**From an older model.**") and OLD in older and model_fingerprint() in older
    assert "f14ff2259d4b" in older and "make rank" in older
    assert "No ranking is published yet" in ranking_status(tmp_path / "absent.csv")


def test_a_ranking_of_another_model_stands_only_where_the_page_says_so(tmp_path):
    page = _page(tmp_path / "sensitivity.md")
    assert ranking_staleness(_published(tmp_path / "current.csv", model_fingerprint()), page) is None
    old = _published(tmp_path / "old.csv", OLD)
    message = ranking_staleness(old, page)
    assert "another state of the model" in message and "make rank" in message and OLD in message
    assert ranking_staleness(old, _page(page, ranking_status(_published(tmp_path / "x.csv", model_fingerprint())))), \
        "a line saying the ranking is current does not mark an older one"
    assert ranking_staleness(old, _page(page, ranking_status(old))) is None, "marked as the older model's: it stands"
    assert ranking_staleness(old, tmp_path / "no-page.md") is not None
    assert ranking_staleness(tmp_path / "absent.csv", page) is None, "nothing published yet: nothing stale"
    (tmp_path / "bad.csv").write_text("outcome,factor\nattacks,development\n")
    assert "no model fingerprint" in ranking_staleness(tmp_path / "bad.csv", _page(page, ranking_status(old)))


def test_the_docs_check_fails_on_an_unmarked_ranking_of_another_model(tmp_path, monkeypatch, capsys):
    page = _page(tmp_path / "sensitivity.md")
    monkeypatch.setattr(docs, "evidence_is_current", lambda: True)  # this test is about the ranking only
    stale = _published(tmp_path / "ranking.csv", OLD)
    monkeypatch.setattr(docs, "ranking_staleness", lambda: ranking_staleness(stale, page))
    monkeypatch.setitem(docs.BLOCKS, "ranking-status", lambda: ranking_status(stale))
    assert docs.main(["--check", str(page)]) == 1, "a ranking of another model, unmarked, fails the check"
    assert "ranking.csv was computed on another state of the model" in capsys.readouterr().err
    assert docs.main([str(page)]) == 0 and "From an older model" in page.read_text(), "the docs mark it"
    assert docs.main(["--check", str(page)]) == 0, "marked as the older model's, it passes"
    _published(stale, model_fingerprint())
    assert docs.main(["--check", str(page)]) == 1, "recomputed on this model, the line is stale until rewritten"
    assert docs.main([str(page)]) == 0 and docs.main(["--check", str(page)]) == 0, "a current ranking passes"
