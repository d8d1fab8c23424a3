"""Printing a record page in a real headless Chromium: exactly the form's pages, the right paper, no site
navigation. The fixture site gets a form, a two-page portrait register and a certificate besides its
landscape registers."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

from browser import browser, serve
from form_samples import SAMPLES

pytestmark = [pytest.mark.browser, pytest.mark.slow]

NAV_TEXTS = ["首页", "流程", "岗位", "办公室流程手册", "目录", "表单一览", "空白表样", "用途"]
# record id → (title, pages, (width, height) in pt)
EXPECTED = {
    "seal-use-application": ("印章使用申请单", 1, (595, 842)),
    "vehicle-application": ("用车申请单", 1, (420, 595)),
    "introduction-letter": ("介绍信", 1, (595, 842)),
    "visitor-register": ("来访登记簿", 2, (595, 842)),
    "shouwen-register": ("收文登记簿", 1, (842, 595)),
    "fawen-register": ("发文登记簿", 1, (842, 595)),
}


@pytest.fixture
def site(book):
    """The fixture handbook with one record of each kind, built by MkDocs and served over HTTP."""
    for rel, text in SAMPLES.items():
        book.write(rel, text)
    result = book.run("build")
    assert result.code == 0, result.out + result.err
    with serve(book.path("site")) as url:
        yield url


@pytest.fixture
def page():
    with browser() as b:
        yield b.new_page(viewport={"width": 1280, "height": 900})


def test_printing_a_record_page_gives_only_the_form(site, page):
    for record_id, (title, pages, (w, h)) in EXPECTED.items():
        page.goto(f"{site}/records/{record_id}/")
        assert page.locator(".hb-form-wrap").is_visible(), record_id
        pdf = PdfReader(io.BytesIO(page.pdf(prefer_css_page_size=True, print_background=True)))
        assert len(pdf.pages) == pages, f"{record_id}: printed {len(pdf.pages)} pages, expected {pages}"
        for p in pdf.pages:
            assert abs(float(p.mediabox.width) - w) <= 2 and abs(float(p.mediabox.height) - h) <= 2, \
                f"{record_id}: page {p.mediabox}"
        text = re.sub(r"\s+", "", "".join(p.extract_text() or "" for p in pdf.pages))
        assert title in text, f"{record_id}: title not printed: {text[:120]}"
        assert "保存期限" in text
        for nav in NAV_TEXTS:
            assert nav not in text, f"{record_id}: navigation text {nav!r} printed"


def test_record_page_on_screen_shows_the_sheet_and_links_the_pdf(site, page):
    page.goto(f"{site}/records/shouwen-register/")
    sheet = page.locator(".hb-sheet").first
    assert sheet.is_visible()
    box = sheet.bounding_box()
    assert box and box["height"] > 300
    assert page.locator(".hb-grid--register tbody tr").count() >= 12
    link = page.locator("article a", has_text="下载 PDF")
    assert link.count() == 1
    href = link.get_attribute("href")
    response = page.request.get(f"{site}/records/shouwen-register/{href}")
    assert response.ok and response.body().startswith(b"%PDF-")
    # the role page links its checklists
    page.goto(f"{site}/roles/office-clerk/")
    links = page.locator("article a[href$='.pdf']", has_text="打印检查表")
    assert links.count() == 2  # daily and weekly tasks in the fixture
    for i in range(links.count()):
        response = page.request.get(f"{site}/roles/office-clerk/{links.nth(i).get_attribute('href')}")
        assert response.ok and response.body().startswith(b"%PDF-")
