"""Render a :class:`ctsim.report.gather.Brief` to one self-contained HTML file (Jinja2).

Styles are inline, images are data URIs and nothing is fetched: the file opens offline and can be mailed as it is.
A print stylesheet lays it out on A4 pages.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from ctsim.provenance import version
from ctsim.report import charts, words
from ctsim.report.brief import Brief
from ctsim.storage import write_text


def environment() -> Environment:
    """The Jinja2 environment: templates from the package, autoescaped, strict about missing names."""
    env = Environment(loader=PackageLoader("ctsim.report", "templates"), autoescape=select_autoescape(["j2", "html"]),
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    return env


def render(brief: Brief) -> str:
    """The brief as one HTML document."""
    template = environment().get_template("brief.html.j2")
    drawn = defaultdict(str, charts.all_charts(brief))  # a chart without data is "" and its figure is left out
    return template.render(b=brief, charts=drawn, words=words, version=version(),
                           horizon=words.horizon(brief.months), money_note=words.MONEY_NOTE,
                           start_words=words.month_words(brief.start))


def write_html(brief: Brief, out: str | Path) -> Path:
    """Render and write the brief; returns the path."""
    return write_text(Path(out), render(brief))  # through a fresh temporary file, never through a link
