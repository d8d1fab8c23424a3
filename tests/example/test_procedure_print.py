"""Every shipped procedure printed from the browser (Ctrl+P, A4 portrait): nothing wider than the page,
the chart on one page with labels of at least 7 pt, no heading left alone at a page's foot, none of the
screen's hints or site chrome."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

from browser import browser, serve
from conftest import REPO

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PAGE_W, PAGE_H = 718, 1047  # A4 less 10 mm margins, in CSS px
PROCEDURE_PAGES = sorted(f"/procedures/{p.parent.name}/{p.stem}/" for p in (REPO / "procedures").glob("*/*.yaml"))
SCREEN_ONLY = ("点击图中的步骤", "图比屏幕宽", "上墙张贴", "本节的链接", "回到页面顶部", "Made with")

MEASURE_JS = """() => {
  const content = document.querySelector('.md-content__inner');
  const right = content.getBoundingClientRect().left + """ + str(PAGE_W) + """;
  const wide = [...content.querySelectorAll('table, pre, img, svg:not(.hb-print-landscape), .hb-chart-print')]
    .filter(e => e.offsetParent !== null || e.tagName === 'svg')
    .filter(e => e.getBoundingClientRect().width > 0 && e.getBoundingClientRect().right > right + 1)
    .map(e => e.tagName + '.' + (e.getAttribute('class') || '') + ' ' + Math.round(e.getBoundingClientRect().right));
  const cut = [...content.querySelectorAll('.md-typeset__table, .md-typeset__scrollwrap')]
    .filter(e => e.scrollWidth > e.clientWidth + 1).map(e => 'scrolls ' + e.scrollWidth + ' > ' + e.clientWidth);
  const box = document.querySelector('.hb-chart-print');
  let chart = null;
  if (box) {
    const svg = box.querySelector('svg');
    const drawn = parseFloat(svg.style.width);
    const sizes = [...svg.querySelectorAll('text')].map(t => parseFloat(t.getAttribute('font-size')));
    const turned = svg.classList.contains('hb-print-landscape');
    chart = {smallestPt: Math.min(...sizes) * drawn / svg.viewBox.baseVal.width * 0.75,
             tall: turned ? drawn + box.querySelector('.hb-chart-caption').offsetHeight : box.getBoundingClientRect().height,
             across: turned ? svg.getBoundingClientRect().width : drawn, shown: getComputedStyle(box).display};
  }
  const headings = [...content.querySelectorAll('h2, h3')].filter(h => getComputedStyle(h).display !== 'none')
    .map(h => h.textContent.replace(/[¶\\s]/g, ''));
  return {wide: wide.concat(cut), chart, headings};
}"""


def _lines(text: str) -> list[str]:
    return [re.sub(r"\s+", "", line) for line in text.splitlines() if line.strip()]


def test_every_procedure_prints_as_a_document(shipped_site):
    problems, pages = [], 0
    with serve(shipped_site) as url, browser() as b:
        page = b.new_page(viewport={"width": PAGE_W, "height": PAGE_H})
        page.emulate_media(media="print")
        for path in PROCEDURE_PAGES:
            page.goto(f"{url}{path}")
            m = page.evaluate(MEASURE_JS)
            problems += [f"{path}: wider than the page: {w}" for w in m["wide"]]
            c = m["chart"]
            if c is None:
                problems.append(f"{path}: no printed chart")
            else:
                if c["shown"] == "none":
                    problems.append(f"{path}: the printed chart is hidden")
                if c["smallestPt"] < 7 - 0.01:
                    problems.append(f"{path}: chart labels print at {c['smallestPt']:.1f} pt")
                if c["tall"] > PAGE_H or c["across"] > PAGE_W + 1:
                    problems.append(f"{path}: the chart ({c['across']:.0f} × {c['tall']:.0f} px) does not fit one page")
            pdf = PdfReader(io.BytesIO(page.pdf(prefer_css_page_size=True)))
            pages += len(pdf.pages)
            texts = [p.extract_text() or "" for p in pdf.pages]
            for i, (p, text) in enumerate(zip(pdf.pages, texts)):
                if (round(float(p.mediabox.width)), round(float(p.mediabox.height))) != (595, 842):
                    problems.append(f"{path}: page {i + 1} is not A4 portrait")
                problems += [f"{path}: page {i + 1} prints {s!r}" for s in SCREEN_ONLY if s in text]
                lines = _lines(text)
                if i < len(texts) - 1 and lines and lines[-1] in m["headings"]:
                    problems.append(f"{path}: heading {lines[-1]} alone at the foot of page {i + 1}")
            if "办公室流程手册" in texts[0].split("目的")[0]:
                problems.append(f"{path}: the site's header is printed")
    print(f"{len(PROCEDURE_PAGES)} procedures print on {pages} A4 pages")
    assert len(PROCEDURE_PAGES) >= 39
    assert problems == [], "\n".join(problems[:30])
