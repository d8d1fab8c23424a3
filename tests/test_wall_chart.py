"""流程图上墙: every procedure's chart alone on one sheet, on the paper its page names, headed by its
title, code, version and owner; the sheet is chosen by how large the chart's labels print."""

from __future__ import annotations

import io
import re

from pypdf import PdfReader

from office_handbook.render.wall_chart import WALL_PT, sheet_for

MM_PT = 72 / 25.4
SIZES = {"A4": (210, 297), "A3": (297, 420)}


def _svg(w: float, h: float) -> str:
    return f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}"></svg>'


def test_the_sheet_follows_the_chart_shape_and_size():
    assert sheet_for(_svg(900, 500)).label == "A4横向"
    assert sheet_for(_svg(500, 900)).label == "A4纵向"
    big = sheet_for(_svg(1000, 2000))
    assert big.paper == "A3" and not big.landscape
    assert sheet_for(_svg(900, 500)).smallest_pt >= WALL_PT


def test_every_procedure_has_its_wall_sheet_linked_from_its_page(book):
    result = book.run("build")
    assert result.code == 0, result.out + result.err
    checked = 0
    for page in book.path("site/procedures").glob("*/*/index.html"):
        html = page.read_text(encoding="utf-8")
        if 'class="hb-chart"' not in html:
            continue
        link = re.search(r'上墙张贴：<a href="\.\./([a-z0-9-]+-wall\.pdf)">流程图 PDF（(A[34])(横向|纵向)）</a>', html)
        assert link, f"{page}: no link to its wall sheet"
        pdf = PdfReader(io.BytesIO((page.parent.parent / link.group(1)).read_bytes()))
        assert len(pdf.pages) == 1
        box = pdf.pages[0].mediabox
        w, h = SIZES[link.group(2)]
        if link.group(3) == "横向":
            w, h = h, w
        assert (round(float(box.width)), round(float(box.height))) == (round(w * MM_PT), round(h * MM_PT)), link.group(0)
        text = re.sub(r"\s+", "", pdf.pages[0].extract_text())
        title = re.search(r"<h1[^>]*>(.*?)<", html).group(1)
        code = re.search(r"<strong>编号</strong>：(\S+?)</li>", html).group(1)
        assert f"{title}流程图" in text and f"编号{code}" in text and "版本" in text and "责任岗位" in text, text[:200]
        drawn = pdf.pages[0].get_contents().get_data()
        assert len(drawn) > 5000 or pdf.pages[0].get("/Resources").get("/XObject"), "no chart drawn"
        checked += 1
    assert checked >= 2
