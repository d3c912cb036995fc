"""The docs site (mkdocs.yml): built with --strict, it links every page, turns links into the source into API
cross-references, and works offline: a browser that opens it asks nothing of the network, and its search answers."""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from ctsim.docs import site

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")


# ---------------------------------------------------------------------------------------- the hooks, on their own
def test_a_link_into_the_source_becomes_an_api_reference_or_its_text(tmp_path):
    docs = tmp_path / "docs"
    (docs / "guides").mkdir(parents=True)
    (tmp_path / "src" / "ctsim" / "model").mkdir(parents=True)
    (tmp_path / "src" / "ctsim" / "model" / "core.py").write_text("")
    (tmp_path / "src" / "ctsim" / "model" / "forces.py").write_text("")
    text = ("[core](../../src/ctsim/model/core.py) [forces](../../src/ctsim/model/forces.py#L3) "
            "[a page](../odd.md) [gone](../../src/ctsim/model/gone.py)")
    new, missing = site.rewrite_links(text, "guides/page.md", docs, tmp_path, {"ctsim.model.core"})
    assert "[core][ctsim.model.core]" in new, "a documented module becomes a cross-reference to its API page"
    assert " forces " in f" {new} " and "forces.py" not in new, "an undocumented module keeps its text only"
    assert "[a page](../odd.md)" in new, "links between pages are left to mkdocs"
    assert missing == ["guides/page.md: the link '../../src/ctsim/model/gone.py' leads to no file of the repository"]


def test_a_page_that_would_load_from_the_network_is_found():
    html = ('<link rel="stylesheet" href="https://fonts.googleapis.com/css?family=Roboto">'
            '<script src="//unpkg.com/x.js"></script><img src="figures/brief.png">'
            '<a href="https://mesa.readthedocs.io">Mesa</a><div style="background: url(https://cdn.example/x.png)">')
    assert site.external_loads(html) == ["https://fonts.googleapis.com/css?family=Roboto", "//unpkg.com/x.js",
                                         "https://cdn.example/x.png"], "styles, scripts and images from other hosts"


def test_the_api_pages_document_the_modules_the_docs_link_to():
    modules = site.documented_modules(ROOT / "docs")
    for name in ("ctsim.scenarios.runner", "ctsim.model.core", "ctsim.model.state", "ctsim.verdicts",
                 "ctsim.storage", "ctsim.experiments.batch", "ctsim.model.processes.step12_recording"):
        assert name in modules, f"an API page documents {name}"


# ---------------------------------------------------------------------------------------- the site, built and opened
@pytest.fixture(scope="module")
def built_site(tmp_path_factory):
    folder = tmp_path_factory.mktemp("site")
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "--site-dir", str(folder)],
                          cwd=ROOT, capture_output=True, text=True, timeout=600, check=False,
                          env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    assert done.returncode == 0, f"the strict build fails:\n{done.stderr[-3000:]}"
    return folder


@pytest.fixture(scope="module")
def served(built_site):
    handler = functools.partial(_QuietHandler, directory=str(built_site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:  # keep the test's output to what failed
        pass


@pytest.mark.slow
def test_the_site_has_a_page_for_every_guide_and_the_api(built_site):
    for page in ("index.html", "getting-started.html", "guides/researcher.html", "guides/trainer.html",
                 "guides/policy-staff.html", "scenario-files.html", "levers.html", "odd.html", "validation.html",
                 "api/index.html", "api/model.html", "api/scenarios.html"):
        assert (built_site / page).is_file(), f"the site has {page}"
    api = (built_site / "api" / "scenarios.html").read_text()
    assert 'id="ctsim.scenarios.runner.run"' in api, "the API page documents ctsim.scenarios.runner.run"
    levers = (built_site / "levers.html").read_text()
    assert 'href="api/model.html#ctsim.model.core"' in levers, "a link into the source leads to the module's API"


@pytest.mark.slow
def test_the_site_opens_and_searches_without_the_network(served):
    if not CHROMIUM.is_file() or shutil.which(str(CHROMIUM)) is None:
        pytest.skip("no /usr/bin/chromium (make browser installs it)")
    sync_api = pytest.importorskip("playwright.sync_api")
    elsewhere = []

    def route(r):
        if r.request.url.startswith((served, "data:", "blob:")):
            r.continue_()
        else:
            elsewhere.append(r.request.url)
            r.abort()

    found, failed = [], []

    def browse():
        # In a thread of its own: a browser another test module keeps open for the session (tests/report's) runs
        # Playwright's event loop in the main thread, where a second sync session refuses to start.
        try:
            with sync_api.sync_playwright() as p:
                browser = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
                try:
                    page = browser.new_page()
                    page.route("**/*", route)
                    for name in ("odd.html", "api/model.html", "guides/policy-staff.html", "index.html"):
                        page.goto(f"{served}/{name}", wait_until="networkidle")
                    page.click("input.md-search__input")
                    page.keyboard.type("prosecution")
                    page.wait_for_selector(".md-search-result__item", timeout=20_000)
                    found.append(page.locator(".md-search-result__item").count())
                finally:
                    browser.close()
        except Exception as error:  # handed to the test's thread, which reports it
            failed.append(error)

    worker = threading.Thread(target=browse)
    worker.start()
    worker.join()
    if failed:
        raise failed[0]
    found = found[0]
    assert not elsewhere, f"the site asked the network for {elsewhere}"
    assert found > 0, "the search answers from the site's own index"
