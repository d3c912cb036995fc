"""Generated blocks in a page: the text between ``<!-- BEGIN GENERATED: NAME -->`` and ``<!-- END GENERATED: NAME -->``
lines, which the docs generator, the ranking and discovery's worked examples rewrite and the docs check reads."""

from __future__ import annotations

import re


def _pattern(name: str) -> re.Pattern[str]:
    return re.compile(rf"(<!-- BEGIN GENERATED: {re.escape(name)} -->)\n(?:(.*?)\n)?"
                      rf"(<!-- END GENERATED: {re.escape(name)} -->)", re.DOTALL)


def has_block(text: str, name: str) -> bool:
    """Whether ``text`` holds the block ``name``."""
    return _pattern(name).search(text) is not None


def block_body(text: str, name: str) -> str | None:
    """The body of the block ``name`` in ``text`` (without its markers), or None when there is no such block."""
    found = _pattern(name).search(text)
    return None if found is None else (found.group(2) or "")


def replace_block(text: str, name: str, body: str) -> str:
    """``text`` with the body of every block ``name`` replaced by ``body`` (unchanged when there is none)."""
    return _pattern(name).sub(lambda m: f"{m.group(1)}\n{body}\n{m.group(3)}", text)
