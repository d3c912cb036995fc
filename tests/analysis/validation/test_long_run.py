"""The long-run section of the validation report: shown only for a study run on this model, and judged against the
record in plain words."""

from __future__ import annotations

import json

from ctsim.calibration.fingerprint import model_fingerprint
from ctsim.docs.validation import long_run_section


def _study(path, fingerprint: str, attacks: float) -> None:
    rows = [{"year": 2025 + k, "attacks_median": attacks, "attacks_p05": attacks * 0.9, "attacks_p95": attacks * 1.1,
             "militants_median": 10_000.0, "share_sindh": 0.05, "share_punjab": 0.02} for k in range(20)]
    path.write_text(json.dumps({"scenario": "baseline", "seeds": 20, "years": 20, "model_fingerprint": fingerprint,
                                "yearly": rows, "checks": {"attacks_years_16_20_over_11_15": 1.0,
                                                           "share_of_seeds_with_cells_growing_every_year_11_20": 0.0,
                                                           "sindh_punjab_share_max_through_2026": 0.07}}))


def test_a_study_of_another_model_is_not_shown(tmp_path):
    study = tmp_path / "long_run.json"
    _study(study, "not-this-model", 1000.0)
    text = "\n".join(long_run_section(study))
    assert "another state of the model" in text and "| 2025 |" not in text, "a stale study is refused, not shown"
    assert "Not run yet" in "\n".join(long_run_section(tmp_path / "absent.json"))


def test_the_level_is_judged_against_the_record(tmp_path):
    study = tmp_path / "long_run.json"
    _study(study, model_fingerprint(), 1000.0)
    text = "\n".join(long_run_section(study))
    assert "**within**" in text and "| 2025 | 1,000 [900-1,100]" in text
    _study(study, model_fingerprint(), 5000.0)
    assert "**above** anything on record" in "\n".join(long_run_section(study)), \
        "a level above the 2009 peak (2,586, PIPS) is said to be above the record"
