"""Print the brief's HTML to an A4 PDF with headless Chromium (Playwright driving Debian's /usr/bin/chromium), or
take a picture of its first A4 page as printed (docs/figures/brief.png)::

    python -m ctsim.report.pdf BRIEF.html OUT.png      # page 1, as printed on A4
    python -m ctsim.report.pdf BRIEF.html OUT.pdf      # A4 PDF

Only the HTML file itself is loaded: every request that is not for a local file is aborted, so printing works
offline and proves the brief needs nothing from the network.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

CHROMIUM = os.environ.get("CTSIM_CHROMIUM", "/usr/bin/chromium")


class PdfError(RuntimeError):
    """The PDF could not be printed (no browser, or Playwright missing); the message says what to install."""


def offline_only(route) -> None:
    """Playwright route handler: let local files through, abort everything else."""
    if route.request.url.startswith(("file:", "data:")):
        route.continue_()
    else:
        route.abort()


def print_pdf(html: str | Path, out: str | Path | None = None) -> Path:
    """Print ``html`` to ``out`` (default: beside it, ``.pdf``) on A4 with its print stylesheet.

    Raises:
        PdfError: when Playwright or the Chromium binary is missing.
    """
    html = Path(html).resolve()
    out = Path(out) if out is not None else html.with_suffix(".pdf")
    if not Path(CHROMIUM).is_file():
        raise PdfError(f"no Chromium at {CHROMIUM}: install it (apt-get install chromium) or set CTSIM_CHROMIUM")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        raise PdfError("the Python package 'playwright' is not installed (pip install -r requirements.lock)") from None
    # In a thread of its own: Playwright's sync API refuses to start in a thread that already runs an event loop
    # (a notebook, or a caller that holds a browser open).
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(_drive, sync_playwright, html, out, None).result()
    return out


# An A4 page at the browser's 96 pixels to the inch, and the brief's page margins (its @page rule: 15 mm top, 14 mm
# sides, 16 mm bottom), so that a picture of the first page holds what the printed page 1 holds.
A4_PX = (794, 1123)
PAGE_MARGINS = "15mm 14mm 16mm"


def screenshot(html: str | Path, out: str | Path, scale: float = 1.25) -> Path:
    """A PNG of the brief's first A4 page as printed: the print stylesheet, the page's width and margins, cut at the
    page's height (Chromium lays the page out as it prints it; only the page break itself is not simulated).

    Args:
        html: the brief.
        out: the PNG.
        scale: device pixels per CSS pixel (1.25: sharp enough to read in docs, small enough to keep in git).

    Raises:
        PdfError: when Playwright or the Chromium binary is missing.
    """
    html, out = Path(html).resolve(), Path(out)
    if not Path(CHROMIUM).is_file():
        raise PdfError(f"no Chromium at {CHROMIUM}: install it (apt-get install chromium) or set CTSIM_CHROMIUM")
    from playwright.sync_api import sync_playwright

    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(_drive, sync_playwright, html, out, scale).result()
    return out


def _drive(sync_playwright, html: Path, out: Path, scale: float | None) -> None:
    """Open ``html`` offline and write a PDF (``scale`` None) or a picture of page 1 at that scale."""
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": A4_PX[0], "height": A4_PX[1]} if scale else None,
                                    device_scale_factor=scale or 1)
            page.route("**/*", offline_only)
            page.goto(html.as_uri(), wait_until="load")
            if scale:
                page.emulate_media(media="print")
                page.add_style_tag(content=f"body {{ padding: {PAGE_MARGINS} !important; }}")
                page.screenshot(path=str(out), clip={"x": 0, "y": 0, "width": A4_PX[0], "height": A4_PX[1]})
            else:
                page.emulate_media(media="print")
                page.pdf(path=str(out), format="A4", print_background=True, prefer_css_page_size=True)
        finally:
            browser.close()


if __name__ == "__main__":
    import sys

    if len(sys.argv) != 3 or Path(sys.argv[2]).suffix not in (".png", ".pdf"):
        sys.exit("usage: python -m ctsim.report.pdf BRIEF.html OUT.png|OUT.pdf")
    made = (screenshot if sys.argv[2].endswith(".png") else print_pdf)(sys.argv[1], sys.argv[2])
    print(f"written {made}")
