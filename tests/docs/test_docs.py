"""The generated parts of the docs: every table in docs/odd.md and docs/levers.md is what the declarations give now."""

from __future__ import annotations

from ctsim import docs


def test_the_generated_tables_are_current():
    stale = [path.name for path in docs.DOCUMENTS if docs.render(path.read_text(encoding="utf-8"))
             != path.read_text(encoding="utf-8")]
    assert not stale, f"generated tables are stale in {stale}: run `python -m ctsim.docs`"


def test_a_generated_block_is_replaced_and_the_rest_kept():
    text = "before\n<!-- BEGIN GENERATED: levers -->\nold table\n<!-- END GENERATED: levers -->\nafter\n"
    rendered = docs.render(text)
    assert rendered.startswith("before\n") and rendered.endswith("after\n"), "text outside the block is kept"
    assert "old table" not in rendered and "`ct_lead`" in rendered, "the block holds the lever table now"
