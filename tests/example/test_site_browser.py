"""The built site of the shipped content in real headless Chromium: search, phone width, offline, charts."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote, urlparse

import pytest

from browser import CHART_FIT_JS, browser, serve
from conftest import REPO

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def site_dir(shipped_site):
    return shipped_site


@pytest.fixture(scope="module")
def site(site_dir):
    with serve(site_dir) as url:
        yield url


def test_every_internal_link_resolves(site_dir):
    """Links MkDocs cannot check (raw HTML tables, inline SVG) point at files that exist."""
    import html as html_lib
    import posixpath
    import re

    bad = []
    for page in site_dir.rglob("*.html"):
        rel_dir = page.parent.relative_to(site_dir).as_posix()
        for href in re.findall(r'(?:href|xlink:href)="([^"]+)"', page.read_text(encoding="utf-8")):
            href = html_lib.unescape(href).split("#")[0].split("?")[0]
            if not href or re.match(r"^[a-z]+:", href) or href.startswith("//"):
                continue
            target = posixpath.normpath(href.lstrip("/") or ".") if href.startswith("/") else posixpath.normpath(posixpath.join(rel_dir, href))
            path = site_dir / target
            if not (path.is_file() or (path / "index.html").is_file()):
                bad.append(f"{page.relative_to(site_dir)} → {href}")
    assert bad == []


@pytest.fixture(scope="module")
def chromium():
    with browser() as b:
        yield b


def first_results(page, base: str, query: str, n: int = 3) -> list[str]:
    page.goto(f"{base}/?q={quote(query)}")
    page.wait_for_selector(".md-search-result__item", timeout=15000)
    links = page.eval_on_selector_all(".md-search-result__item > a.md-search-result__link", "els => els.map(e => e.href)")
    return [urlparse(h).path for h in links[:n]]


@pytest.mark.parametrize("query, expected", [
    ("用印", "/procedures/yinzhang/yongyin/"),
    ("盖章", "/procedures/yinzhang/yongyin/"),
    ("借阅档案", "/procedures/dangan/dangan-jieyue/"),
    ("借档案", "/procedures/dangan/dangan-jieyue/"),
    ("会议纪要", "/procedures/huiyi/jiyao-duban/"),
    ("办公用品", "/procedures/xingzheng/yongpin-shenling/"),
    ("买办公用品", "/procedures/xingzheng/yongpin-caigou/"),
    ("请假", "/procedures/renshi/qingjia/"),
    ("收文", "/procedures/gongwen/shouwen/"),
])
def test_search_finds_the_procedure_first(site, chromium, query, expected):
    page = chromium.new_page()
    results = first_results(page, site, query)
    assert results and results[0] == expected, f"{query}: {results}"
    page.close()


def test_procedure_page_at_phone_width(site, chromium):
    page = chromium.new_page(viewport={"width": 375, "height": 800}, device_scale_factor=2)
    page.goto(f"{site}/procedures/gongwen/shouwen/")
    page.wait_for_load_state("networkidle")
    scroll, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert scroll <= inner, f"page scrolls sideways: {scroll} > {inner}"
    page.close()


@pytest.mark.parametrize("path", ["/", "/procedures/yinzhang/yongyin/", "/records/shouwen-register/", "/roles/office-director/",
                                  "/indexes/raci/"])
def test_no_request_leaves_localhost(site, chromium, path):
    page = chromium.new_page()
    hosts = []
    page.on("request", lambda req: hosts.append(urlparse(req.url).hostname or urlparse(req.url).scheme))
    page.goto(f"{site}{path}")
    page.wait_for_load_state("networkidle")
    assert set(hosts) <= {"127.0.0.1", "data", "blob"}, hosts
    page.close()


PROCEDURE_PAGES = sorted(f"/procedures/{p.parent.name}/{p.stem}/" for p in (REPO / "procedures").glob("*/*.yaml"))


def test_every_chart_is_seen_whole_at_1280(site, chromium):
    """On a 1280 × 800 desktop every shipped chart fits its column unscrolled, its smallest label at least 11 px."""
    page = chromium.new_page(viewport={"width": 1280, "height": 800})
    seen = 0
    for path in PROCEDURE_PAGES:
        page.goto(f"{site}{path}")
        fit = page.evaluate(CHART_FIT_JS)
        if fit is None:
            continue
        seen += 1
        assert fit["scroll"] <= fit["frame"], f"{path}: chart {fit['scroll']} px in a {fit['frame']} px column"
        assert fit["smallest"] >= 11 - 0.05, f"{path}: labels drawn at {fit['smallest']:.1f} px"
        assert not fit["hint"], f"{path}: the scroll hint shows on a desktop"
    assert seen >= 39
    page.close()


def test_wide_chart_scrolls_in_its_frame_on_a_phone(site, chromium):
    """At 375 px the seven-lane 用印 chart keeps 11 px labels and scrolls inside its frame (not the page),
    with a hint above it that links the whole chart on its own."""
    page = chromium.new_page(viewport={"width": 375, "height": 800}, device_scale_factor=2)
    page.goto(f"{site}/procedures/yinzhang/yongyin/")
    fit = page.evaluate(CHART_FIT_JS)
    assert fit["page"] <= 375, f"the page scrolls sideways: {fit['page']}"
    assert fit["scroll"] > fit["frame"] and fit["smallest"] >= 11 - 0.05, fit
    assert fit["hint"], "no scroll hint on a phone"
    alone = page.request.get(fit["full"])
    assert alone.ok and alone.headers["content-type"].startswith("image/svg") and b"hb-swimlane" in alone.body()
    page.close()


def test_chart_text_fits_in_the_browser(site, chromium):
    """Measured with the browser's own font metrics: every label inside its shape, every node inside its lane."""
    page = chromium.new_page()
    for path in ["/procedures/gongwen/shouwen/", "/procedures/yinzhang/yongyin/", "/procedures/jiedai/daxing-jiedai/"]:
        page.goto(f"{site}{path}")
        problems = page.evaluate("""() => {
          const out = [];
          const svg = document.querySelector('.hb-chart svg');
          if (!svg) return ['no chart'];
          const lanes = {};
          svg.querySelectorAll('g.lane').forEach(g => { lanes[g.dataset.role] = g.querySelector('rect').getBBox(); });
          svg.querySelectorAll('g.node').forEach(g => {
            const shape = g.querySelector('polygon, path, ellipse');
            if (!shape) return;
            const b = shape.getBBox();
            const diamond = g.classList.contains('decision');
            g.querySelectorAll('text').forEach(t => {
              const r = t.getBBox();
              const cx = b.x + b.width / 2, cy = b.y + b.height / 2;
              const corners = [[r.x, r.y + r.height * 0.2], [r.x + r.width, r.y + r.height * 0.2],
                               [r.x, r.y + r.height * 0.9], [r.x + r.width, r.y + r.height * 0.9]];
              const ok = corners.every(([x, y]) => diamond
                ? Math.abs(x - cx) / (b.width / 2) + Math.abs(y - cy) / (b.height / 2) <= 1.0
                : x >= b.x && x <= b.x + b.width && y >= b.y && y <= b.y + b.height);
              if (!ok) out.push('text ' + t.textContent + ' overflows');
            });
            const lane = [...g.classList].find(c => c.startsWith('in-'));
            const l = lane && lanes[lane.slice(3)];
            if (!l || b.x < l.x || b.x + b.width > l.x + l.width) out.push('node outside lane: ' + g.id);
          });
          return out;
        }""")
        assert problems == [], f"{path}: {problems}"
    page.close()


def axe_script() -> Path:
    """axe-core as bundled by the axe-playwright-python wheel (a test dependency: no npm needed)."""
    import axe_playwright_python

    return Path(axe_playwright_python.__file__).parent / "axe.min.js"


@pytest.mark.parametrize("path", ["/", "/procedures/gongwen/shouwen/", "/records/shouwen-register/", "/roles/office-director/",
                                  "/indexes/raci/"])
def test_no_serious_accessibility_violation(site, chromium, path):
    """axe-core on the page content: no serious or critical violation."""
    page = chromium.new_page()
    page.goto(f"{site}{path}")
    page.add_script_tag(path=str(axe_script()))
    result = page.evaluate("""async () => {
      const r = await axe.run(document.querySelector('.md-content'), {resultTypes: ['violations']});
      return r.violations.filter(v => ['serious', 'critical'].includes(v.impact))
        .map(v => v.id + ': ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | '));
    }""")
    assert result == [], f"{path}: {result}"
    page.close()


def test_procedure_prints_on_a4_without_site_chrome(site, chromium):
    from io import BytesIO

    from pypdf import PdfReader

    page = chromium.new_page()
    page.goto(f"{site}/procedures/gongwen/shouwen/")
    pdf = page.pdf(prefer_css_page_size=True)
    reader = PdfReader(BytesIO(pdf))
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4 portrait
    text = "".join(p.extract_text() for p in reader.pages)
    assert "签收" in text and "主要步骤" in text
    assert "办公室流程手册" not in text.split("收文", 1)[0]  # no site header before the content
    page.emulate_media(media="print")
    chart, body = page.evaluate("""() => [document.querySelector('.hb-chart-print svg').getBoundingClientRect().width,
                                          document.querySelector('.md-content').getBoundingClientRect().width]""")
    assert 0 < chart <= body + 1  # scaled to the printed width, not cut off
    hidden = page.evaluate("""() => ['.md-header', '.md-sidebar--primary', '.md-footer']
        .map(s => document.querySelector(s)).filter(e => e && getComputedStyle(e).display !== 'none').length""")
    assert hidden == 0
    page.close()




def test_every_shipped_record_prints_as_just_its_form(site, chromium):
    """Ctrl+P on each record page of the shipped handbook: its pages only (one unless the register
    asks for more), on the declared paper, the sheet drawn and no site text."""
    from io import BytesIO

    from pypdf import PdfReader
    from test_print_browser import assert_only_the_sheet

    from office_handbook.pipeline import check

    page = chromium.new_page()
    for r in sorted(check(REPO).handbook.records.values(), key=lambda r: r.code):
        page.goto(f"{site}/records/{r.id}/")
        reader = PdfReader(BytesIO(page.pdf(prefer_css_page_size=True, print_background=True)))
        assert len(reader.pages) == max(1, r.pages), f"{r.id}: {len(reader.pages)} pages"
        box = reader.pages[0].mediabox
        w, h = round(float(box.width)), round(float(box.height))
        assert (w > h) == (r.orientation == "landscape"), f"{r.id}: {w}×{h}"
        assert_only_the_sheet(reader, r.id)
    page.close()
