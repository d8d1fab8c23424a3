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


def assert_only_the_sheet(pdf: PdfReader, record_id: str) -> None:
    """The printed pages hold the sheet's drawing (the SVG's glyphs and rules are vector paths) and
    nothing else: no text at all, so no title bar, navigation, headings or footer of the site."""
    for i, p in enumerate(pdf.pages):
        text = re.sub(r"\s+", "", p.extract_text() or "")
        assert not text, f"{record_id} page {i + 1}: site text printed: {text[:80]}"
        content = p.get_contents()
        drawn = (len(content.get_data()) if content is not None else 0) + _xobject_bytes(p.get("/Resources"))
        assert drawn > 20_000, f"{record_id} page {i + 1}: only {drawn} bytes drawn: the sheet is missing"


def _xobject_bytes(resources, depth: int = 0) -> int:
    """The drawing of the page's form XObjects, nested ones included (Chromium wraps an SVG image in some)."""
    if resources is None or depth > 6:
        return 0
    total = 0
    for x in (resources.get_object().get("/XObject") or {}).values():
        x = x.get_object()
        if x.get("/Subtype") == "/Form":
            total += len(x.get_data()) + _xobject_bytes(x.get("/Resources"), depth + 1)
    return total


def test_printing_a_record_page_gives_only_the_form(site, page):
    for record_id, (title, pages, (w, h)) in EXPECTED.items():
        page.goto(f"{site}/records/{record_id}/")
        assert page.locator(".hb-form-wrap").is_visible(), record_id
        assert page.locator(".hb-form__sheet").first.get_attribute("alt").startswith(f"{title}的空白表样"), record_id
        pdf = PdfReader(io.BytesIO(page.pdf(prefer_css_page_size=True, print_background=True)))
        assert len(pdf.pages) == pages, f"{record_id}: printed {len(pdf.pages)} pages, expected {pages}"
        for p in pdf.pages:
            assert abs(float(p.mediabox.width) - w) <= 2 and abs(float(p.mediabox.height) - h) <= 2, \
                f"{record_id}: page {p.mediabox}"
        assert_only_the_sheet(pdf, record_id)


def test_record_page_on_screen_shows_the_sheet_and_links_the_pdf(site, page):
    page.goto(f"{site}/records/shouwen-register/")
    sheet = page.locator(".hb-form__sheet").first
    assert sheet.is_visible()
    box = sheet.bounding_box()
    assert box and box["height"] > 300 and box["width"] > box["height"]  # a landscape register
    assert sheet.evaluate("img => img.complete && img.naturalWidth > 1000")  # the SVG loaded
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
