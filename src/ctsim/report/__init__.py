"""The policy brief: ``ctsim report RESULTS_DIR`` turns a comparison, batch or sensitivity result into one
self-contained HTML file in plain words (and, with ``--pdf``, an A4 PDF).

Modules: :mod:`~ctsim.report.gather` reads the result folder into a plain :class:`~ctsim.report.brief.Brief`
(:mod:`~ctsim.report.changes`: the levers changed; :mod:`~ctsim.report.trust`: calibration and pattern checks);
:mod:`~ctsim.report.words` gives the plain-language verdicts and number formats; :mod:`~ctsim.analysis.paired` the
paired differences; :mod:`~ctsim.report.charts` the figures; :mod:`~ctsim.report.render` the HTML (Jinja2 templates
in ``templates/``); :mod:`~ctsim.report.pdf` the print to PDF; :mod:`~ctsim.report.new` writes a new scenario file
for policy staff (``ctsim new``); :mod:`~ctsim.report.command` is the command line. docs/brief.md describes the brief.
"""

from __future__ import annotations

from pathlib import Path

BRIEF_NAME = "brief.html"


def make_report(folder: str | Path, out: str | Path | None = None, pdf: bool = False) -> list[Path]:
    """Write the brief of a result folder; returns the files written (the HTML, then the PDF if asked).

    Args:
        folder: a folder written by ``ctsim compare``, ``ctsim batch`` or ``ctsim sensitivity``.
        out: the HTML file (default: ``brief.html`` inside the folder).
        pdf: also print it to PDF beside the HTML.

    Raises:
        ctsim.report.gather.ReportError: when the folder is not a result.
        ctsim.report.pdf.PdfError: when a PDF is asked for and Chromium or Playwright is missing.
    """
    from ctsim.report.gather import gather
    from ctsim.report.render import write_html

    folder = Path(folder)
    html = write_html(gather(folder), Path(out) if out is not None else folder / BRIEF_NAME)
    written = [html]
    if pdf:
        from ctsim.report.pdf import print_pdf

        written.append(print_pdf(html))
    return written

