"""`handbook build --offline`: a site for a shared drive or a USB stick, opened by double-click
(file://) in Chromium. Links open pages (no directory listings), styles and the chart load, and
Chinese search works without a web server."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from browser import browser
from conftest import make_mini
from office_handbook.cli import main

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def offline_site(tmp_path_factory):
    root = make_mini(tmp_path_factory.mktemp("offline") / "book")
    assert main(["build", "--root", str(root), "--offline", "-q"]) == 0
    return root / "site"


def test_offline_site_works_from_disk(offline_site):
    index = (offline_site / "index.html").as_uri()
    with browser() as b:
        page = b.new_page()
        requests = []
        page.on("request", lambda req: requests.append(req.url))
        page.goto(index)
        page.click("a[href$='shouwen.html']")
        page.wait_for_load_state("load")
        assert page.url.endswith("/procedures/gongwen/shouwen.html"), page.url
        assert "签收" in page.inner_text(".md-content")
        assert page.query_selector(".hb-chart svg") is not None  # the chart, inlined
        css = page.evaluate("[...document.styleSheets].map(s => s.href || '').filter(h => h.includes('assets/handbook/'))")
        assert css, "our stylesheets did not load"
        assert all(u.startswith(("file:", "data:", "blob:")) for u in requests), [u for u in requests if not u.startswith("file:")]
        page.goto(f"{index}?q={quote('收文')}")
        page.wait_for_selector(".md-search-result__item", timeout=15000)
        hits = page.eval_on_selector_all(".md-search-result__item > a.md-search-result__link", "els => els.map(e => e.href)")
        assert hits and hits[0].split("?")[0].endswith("procedures/gongwen/shouwen.html"), hits[:3]
        page.close()
