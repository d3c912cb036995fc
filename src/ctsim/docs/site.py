"""Hooks of the docs site (``mkdocs.yml``, ``hooks:``): links into the repository, and a site that loads nothing from
the network.

The Markdown in ``docs/`` is read in two places: on the repository's web page, where a link such as
``../src/ctsim/model/forces.py`` opens the source file, and on the site, which holds only ``docs/``. On the site such
a link becomes a cross-reference to the module's API page when an API page documents the module (``::: ctsim.x.y``),
and the link's text otherwise; a link to a file that does not exist in the repository fails the strict build.

Every page is checked after it is rendered: a script, style sheet, image or frame loaded from another host (a CDN,
web fonts) fails the strict build, so the site works offline and tells no one who reads it.

These functions take plain values (no import of mkdocs), so that the package does not need mkdocs to be installed.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path, PurePosixPath
from typing import Any

REPOSITORY = Path(__file__).resolve().parents[3]
LOG = logging.getLogger("mkdocs.plugins.ctsim")  # under "mkdocs", so that --strict counts its warnings

# [text](target) where the target climbs out of the page's folder; an anchor (#...) is dropped with the link.
_LINK = re.compile(r"\[(?P<text>[^\]\n]+)\]\((?P<target>(?:\.\./)+[^)\s#]*)(?:#[^)\s]*)?\)")
_API_IDENTIFIER = re.compile(r"^:::\s+(ctsim[\w.]*)\s*$", re.MULTILINE)
# Tags that make a browser fetch something as the page loads (an <a href> waits for a click and is fine).
_LOADS = re.compile(r"<(?:script|img|iframe|source|audio|video|embed)\b[^>]*?\bsrc=[\"']?([^\"'\s>]+)"
                    r"|<link\b[^>]*?\bhref=[\"']?([^\"'\s>]+)"
                    r"|url\(\s*[\"']?([^\"')\s]+)", re.IGNORECASE)


def documented_modules(docs_dir: Path) -> set[str]:
    """The identifiers the API pages document (``::: ctsim.scenarios.runner`` lines in any page of ``docs_dir``)."""
    found: set[str] = set()
    for page in docs_dir.rglob("*.md"):
        found.update(_API_IDENTIFIER.findall(page.read_text(encoding="utf-8")))
    return found


def _module_of(path: PurePosixPath) -> str | None:
    """``src/ctsim/model/forces.py`` -> ``ctsim.model.forces``; a package folder -> the package; else None."""
    parts = path.parts
    if len(parts) < 2 or parts[0] != "src":
        return None
    names = list(parts[1:])
    if names[-1].endswith(".py"):
        names[-1] = names[-1][:-3]
        if names[-1] == "__init__":
            names.pop()
    return ".".join(names)


def rewrite_links(markdown: str, page_path: str, docs_dir: Path, repository: Path,
                  modules: set[str]) -> tuple[str, list[str]]:
    """Rewrite the links of one page that lead out of ``docs_dir`` into the repository.

    Args:
        markdown: the page's Markdown.
        page_path: the page's path inside ``docs_dir`` (``levers.md``, ``guides/researcher.md``).
        docs_dir: the folder the site is built from.
        repository: the repository's root (``docs_dir``'s parent in this project).
        modules: the identifiers API pages document (:func:`documented_modules`).

    Returns:
        The new Markdown, and one message for each link whose target is not in the repository.
    """
    folder = (docs_dir / page_path).parent
    missing: list[str] = []

    def replace(match: re.Match) -> str:
        text, target = match.group("text"), match.group("target")
        resolved = (folder / target).resolve()
        if resolved.is_relative_to(docs_dir.resolve()):
            return match.group(0)  # a page of the site: mkdocs checks it
        if not resolved.is_relative_to(repository.resolve()) or not resolved.exists():
            missing.append(f"{page_path}: the link '{target}' leads to no file of the repository")
            return match.group(0)
        inside = PurePosixPath(resolved.relative_to(repository.resolve()).as_posix())
        module = _module_of(inside)
        if module in modules:
            return f"[{text}][{module}]"
        return text

    return _LINK.sub(replace, markdown), missing


def external_loads(html: str) -> list[str]:
    """The addresses on other hosts that a page would load as it opens (scripts, styles, images, fonts, frames)."""
    found = []
    for match in _LOADS.finditer(html):
        address = next(group for group in match.groups() if group)
        if re.match(r"(?:[a-z][a-z0-9+.-]*:)?//", address, re.IGNORECASE) or address.lower().startswith("http"):
            found.append(address)
    return found


# ------------------------------------------------------------------------------------------------ the hooks
_STATE: dict[str, Any] = {}


def on_config(config: Any) -> Any:
    """Remember where the pages are and which modules the API pages document."""
    docs_dir = Path(config["docs_dir"])
    _STATE["docs_dir"] = docs_dir
    _STATE["modules"] = documented_modules(docs_dir)
    return config


def on_page_markdown(markdown: str, page: Any, config: Any, files: Any) -> str:
    """Turn the page's links into the repository into API cross-references or plain text."""
    new, missing = rewrite_links(markdown, page.file.src_path, _STATE["docs_dir"], REPOSITORY, _STATE["modules"])
    for message in missing:
        LOG.warning(message)
    return new


def on_post_page(output: str, page: Any, config: Any) -> str:
    """Fail the strict build when the rendered page would load anything from another host."""
    for address in external_loads(output):
        LOG.warning(f"{page.file.src_path}: the page would load '{address}' from the network; the site must work "
                    "offline")
    return output
