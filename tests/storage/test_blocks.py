"""Generated blocks: found by name only, read without their markers, replaced whole, other text untouched."""

from __future__ import annotations

from ctsim.storage.blocks import block_body, has_block, replace_block

PAGE = ("intro\n<!-- BEGIN GENERATED: a-b -->\nold 1\nold 2\n<!-- END GENERATED: a-b -->\nmiddle\n"
        "<!-- BEGIN GENERATED: empty -->\n<!-- END GENERATED: empty -->\nend\n")


def test_a_block_is_found_by_its_exact_name():
    assert has_block(PAGE, "a-b") and has_block(PAGE, "empty")
    assert not has_block(PAGE, "a") and not has_block(PAGE, "a.b")


def test_a_blocks_body_is_read_without_its_markers():
    assert block_body(PAGE, "a-b") == "old 1\nold 2"
    assert block_body(PAGE, "empty") == ""
    assert block_body(PAGE, "missing") is None


def test_replacing_a_block_changes_its_body_and_nothing_else():
    new = replace_block(PAGE, "a-b", "new")
    assert block_body(new, "a-b") == "new"
    assert new == PAGE.replace("old 1\nold 2", "new")
    filled = replace_block(PAGE, "empty", "x\ny")
    assert block_body(filled, "empty") == "x\ny" and filled.endswith("<!-- END GENERATED: empty -->\nend\n")
    assert replace_block(PAGE, "missing", "x") == PAGE
