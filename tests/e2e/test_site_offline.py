"""End-to-end: the built site read in Chromium with the network off.

The site is _build/html, from site/build.py. Every notebook page must render its equations (MathJax
served from the site itself), show its figures (the explorers as stills, with the note to launch
the page), and keep solutions and answer paragraphs collapsed behind a toggle.

Skipped when the site is not built or there is no browser (failed instead when
BRIAN_LABS_REQUIRE_BROWSER=1). Build first: `python3 site/build.py`.
"""

import re
from pathlib import Path

import pytest
from test_browser import CHROMIUM, CHROMIUM_ARGS, require_browser

ROOT = Path(__file__).resolve().parents[2]
HTML = ROOT / "_build" / "html"
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
MATHJAX_S = 60  # typesetting a page takes about a second; generous for a loaded machine


@pytest.fixture(scope="module")
def offline_page():
    if not (HTML / "index.html").exists():
        pytest.skip(f"no built site in {HTML}: run python3 site/build.py first")
    sync_playwright = require_browser()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        context = browser.new_context(offline=True)
        requests = []

        def block_network(route):
            requests.append(route.request.url)
            route.abort()

        context.route(re.compile(r"^(https?|wss?)://"), block_network)
        yield context.new_page(), requests
        browser.close()


def open_offline(page, path):
    page.goto(path.as_uri())
    page.wait_for_function(
        "window.MathJax && MathJax.startup && MathJax.startup.document && MathJax.startup.promise",
        timeout=MATHJAX_S * 1000,
    )
    page.evaluate("MathJax.startup.promise")


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_page_renders_offline(offline_page, notebook):
    page, _ = offline_page
    source = notebook.read_text(encoding="utf-8")
    open_offline(page, HTML / "notebooks" / f"{notebook.stem}.html")
    article = page.locator("article")
    if "$" in source:
        assert page.locator("mjx-container").count() > 0, "no typeset equation"
        visible_text = article.inner_text()
        assert "\\frac" not in visible_text and "$$" not in visible_text, "raw LaTeX on the page"
    images = page.locator("article img")
    if "plt." in source or "lu.plot_" in source or "lu.explore(" in source:
        assert images.count() > 0, "no figure"
    widths = images.evaluate_all("imgs => imgs.map(i => i.complete ? i.naturalWidth : 0)")
    assert all(w > 0 for w in widths), f"figures that did not load: {widths}"
    if "lu.explore(" in source:
        assert "launch this page" in article.inner_text(), "explorer without its launch note"
        assert "Loading widget" not in article.inner_text()
    if '"solution"' in source:
        toggles = page.locator("article details")
        assert toggles.count() > 0, "solutions are not behind a toggle"
        assert toggles.evaluate_all("ds => ds.filter(d => d.open).length") == 0, "a toggle is open"


def test_instructor_guide_and_index_render_offline(offline_page):
    page, requests = offline_page
    for name in ("index.html", "instructor-guide.html"):
        page.goto((HTML / name).as_uri())
        assert page.locator("article").inner_text().strip()
    assert all("mathjax" not in url for url in requests), "MathJax was requested from the network"
