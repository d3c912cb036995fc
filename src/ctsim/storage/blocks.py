"""Generated blocks in a page: the text between ``<!-- BEGIN GENERATED: NAME -->`` and ``<!-- END GENERATED: NAME -->``
lines, which the docs generator, the ranking and discovery's worked examples rewrite and the docs check reads."""

from __future__ import annotations

import re


def markers(name: str) -> tuple[str, str]:
    """The lines that open and close the block ``name``."""
    return f"<!-- BEGIN GENERATED: {name} -->", f"<!-- END GENERATED: {name} -->"


def _pattern(name: str) -> re.Pattern[str]:
    begin, end = markers(name)
    return re.compile(rf"({re.escape(begin)})\n(?:(.*?)\n)?({re.escape(end)})", re.DOTALL)


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
