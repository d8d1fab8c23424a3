"""Search as staff ask, in Chromium on the served example site: every everyday phrasing in
tests/data/search-golden.yaml must put its page first."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import yaml

from browser import browser, serve

GOLDEN = yaml.safe_load((Path(__file__).parent / "data" / "search-golden.yaml").read_text(encoding="utf-8"))


def first_results(site: Path, queries: list[str], count: int = 1) -> dict[str, list[str]]:
    """The addresses of the first results for each query, typed into Material's search box."""
    out = {}
    with serve(site) as base, browser() as b:
        page = b.new_page()
        page.goto(f"{base}/")
        for q in queries:
            page.goto(f"{base}/?q={quote(q)}")
            page.wait_for_selector(".md-search-result__item, .md-search-result__meta:has-text('没有')", timeout=15000)
            page.wait_for_timeout(50)
            hrefs = page.eval_on_selector_all(".md-search-result__item > a.md-search-result__link", "els => els.map(e => e.href)")
            out[q] = [h.split("?")[0].removeprefix(base + "/") for h in hrefs[:count]]
        page.close()
    return out


def test_golden_queries_put_the_right_page_first(shipped_site):
    assert len(GOLDEN) >= 40
    got = first_results(shipped_site, [g["q"] for g in GOLDEN], 3)
    wrong = [f"{g['q']} → {got[g['q']][:3]}（应为 {g['first']}）" for g in GOLDEN if got[g["q"]][:1] != [g["first"]]]
    print(f"golden queries: {len(GOLDEN) - len(wrong)} of {len(GOLDEN)} first")
    assert not wrong, "\n".join(wrong)
