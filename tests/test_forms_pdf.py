"""Printable forms: the PDF of every record (pages, paper, embedded fonts, title and code), duty checklists,
the HTML preview, and YAML text that means something to Typst, Markdown or HTML."""

from __future__ import annotations

import datetime as dt
import html
import io
import re
import time
from pathlib import Path

import pytest
from pypdf import PdfReader

from form_samples import (
    HOSTILE,
    HOSTILE_COLUMN,
    HOSTILE_LABEL,
    HOSTILE_LABEL2,
    HOSTILE_OPTION,
    HOSTILE_TITLE,
    SAMPLES,
)
from office_handbook.config import Settings
from office_handbook.engine import Engine
from office_handbook.model import RecordType
from office_handbook.pipeline import check
from office_handbook.render.cache import Cache
from office_handbook.render.context import Context
from office_handbook.render.escape import html as escape_html
from office_handbook.render.form_layout import record_paper
from office_handbook.render.forms import form_html, pdf_jobs, render_forms
from office_handbook.render.site import render_site
from office_handbook.render.typst_forms import record_pdf

REPO = Path(__file__).parent.parent
ORG = "××公司"
A4 = (595.3, 841.9)
A5 = (419.5, 595.3)


# ---- helpers -------------------------------------------------------------------------------------------

def reader(pdf: bytes) -> PdfReader:
    assert pdf.startswith(b"%PDF-")
    return PdfReader(io.BytesIO(pdf))


def flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def text_of(pdf: bytes) -> str:
    return "\n".join(page.extract_text() or "" for page in reader(pdf).pages)


def expected_size(r: RecordType) -> tuple[float, float]:
    if r.kind == "certificate":  # stub and original, one above the other on A4 portrait
        return A4
    w, h = A4 if r.paper_size == "A4" else A5
    return (h, w) if r.orientation == "landscape" else (w, h)


def fonts_of(resources, seen: set[int]) -> list:
    """Every font dictionary reachable from a page's resources (including form XObjects)."""
    out = []
    if resources is None:
        return out
    resources = resources.get_object()
    for font in (resources.get("/Font") or {}).values():
        out.append(font.get_object())
    for xobj in (resources.get("/XObject") or {}).values():
        obj = xobj.get_object()
        if id(obj) not in seen and obj.get("/Subtype") == "/Form":
            seen.add(id(obj))
            out += fonts_of(obj.get("/Resources"), seen)
    return out


def assert_fonts_embedded(pdf: bytes) -> set[str]:
    names = set()
    fonts = [f for page in reader(pdf).pages for f in fonts_of(page.get("/Resources"), set())]
    assert fonts, "no fonts at all"
    for font in fonts:
        targets = [d.get_object() for d in font.get("/DescendantFonts", [])] or [font]
        for t in targets:
            desc = t.get("/FontDescriptor")
            assert desc is not None, f"font {t.get('/BaseFont')} has no descriptor (not embedded)"
            desc = desc.get_object()
            assert any(k in desc for k in ("/FontFile", "/FontFile2", "/FontFile3")), f"font {t.get('/BaseFont')} not embedded"
            names.add(str(t.get("/BaseFont")))
    return names


def assert_record_pdf(pdf: bytes, r: RecordType) -> str:
    rd = reader(pdf)
    want_pages = 1 if r.kind == "certificate" else max(1, r.pages)
    assert len(rd.pages) == want_pages, f"{r.id}: {len(rd.pages)} pages, expected {want_pages}"
    w, h = expected_size(r)
    for page in rd.pages:
        box = page.mediabox
        assert abs(float(box.width) - w) <= 1 and abs(float(box.height) - h) <= 1, f"{r.id}: page {box}"
    fonts = assert_fonts_embedded(pdf)
    assert any("NotoSerifSC" in f for f in fonts) and any("NotoSansSC" in f for f in fonts), fonts
    text = flat(text_of(pdf))
    assert flat(r.title) in text, f"{r.id}: title missing from {text[:200]}"
    assert r.code in text, f"{r.id}: code missing"
    assert "保存期限" in text
    return text


def sample_book(book, extra: dict[str, str]):
    for rel, text in extra.items():
        book.write(rel, text)
    checked = check(book.root)
    assert not checked.errors, [str(p) for p in checked.errors]
    return checked


def context(checked) -> Context:
    return Context(checked.handbook, Settings(organisation=ORG), dt.date(2026, 11, 1))


# ---- one of each kind -----------------------------------------------------------------------------------------

def test_form_register_certificate_and_checklists(book):
    checked = sample_book(book, SAMPLES)
    ctx = context(checked)
    forms, checklists = render_forms(ctx)
    jobs = pdf_jobs(ctx)
    files = dict(zip(jobs, Engine(Cache(None), workers=1).run(list(jobs.values()))))
    hb = checked.handbook
    assert set(forms) == set(hb.records)
    assert {f"records/{i}.pdf" for i in hb.records} <= set(files)
    texts = {rid: assert_record_pdf(files[f"records/{rid}.pdf"], r) for rid, r in hb.records.items()}

    form = texts["seal-use-application"]
    for word in ["部门负责人意见", "办公室主任意见", "总经理意见", "签字", "日期", "经办人", "印章管理员", "□公章", "年月日"]:
        assert word in form, word
    assert len(reader(files["records/visitor-register.pdf"]).pages) == 2
    small = texts["vehicle-application"]
    assert "部门负责人意见" in small and "办公室主任意见（派车）" in small and "由办公室填写" in small
    cert = texts["introduction-letter"]
    assert "存根" in cert and "沿此线裁开" in cert
    assert cert.count("字第") == 3 and cert.count("有效期") == 2  # the number on each half and across the cut
    assert "盖章" in cert

    # duty checklists: office-clerk has daily and weekly tasks in the fixture
    assert checklists["office-clerk"] == {"daily": "office-clerk-daily.pdf", "weekly": "office-clerk-weekly.pdf"}
    daily = files["roles/office-clerk-daily.pdf"]
    rd = reader(daily)
    assert len(rd.pages) == 1
    assert abs(float(rd.pages[0].mediabox.width) - A4[0]) <= 1
    assert_fonts_embedded(daily)
    text = flat(text_of(daily))
    assert "办公室文员每日工作检查表" in text
    assert all(day in text for day in ["周一", "周二", "周三", "周四", "周五"])
    assert "核对收文登记簿中未办结的文件" in text and "检查人" in text
    weekly = flat(text_of(files["roles/office-clerk-weekly.pdf"]))
    assert "第1周" in weekly and "第5周" in weekly and "每周五" in weekly


def test_record_and_role_pages_link_the_pdfs(book):
    checked = sample_book(book, SAMPLES)
    files = render_site(checked.handbook, checked.settings, dt.date(2026, 11, 1), charts=False)
    page = files["records/seal-use-application.md"]
    assert '<div class="hb-form-wrap">' in page and "(seal-use-application.pdf)" in page
    assert isinstance(files["records/seal-use-application.pdf"], bytes)
    assert "(office-clerk-daily.pdf)" in files["roles/office-clerk.md"]
    assert isinstance(files["roles/office-clerk-daily.pdf"], bytes)
    assert 'src="../seal-use-application.svg"' in page and isinstance(files["records/seal-use-application.svg"], bytes)
    # without PDFs (the preview is the sheet's SVG, made with them) the page says so, and links no PDF
    files = render_site(checked.handbook, checked.settings, dt.date(2026, 11, 1), charts=False, pdfs=False)
    assert "hb-form" not in files["records/seal-use-application.md"] and "表样暂未生成" in files["records/seal-use-application.md"]
    assert ".pdf" not in files["records/seal-use-application.md"]
    assert ".pdf" not in files["roles/office-clerk.md"]  # its checklists are not made: no links to them
    assert not any(p.endswith(".pdf") for p in files)


def test_html_preview_is_one_raw_block_showing_the_sheet_the_pdf_draws(book):
    checked = sample_book(book, SAMPLES)
    hb = checked.handbook
    for r in hb.records.values():
        out = form_html(hb, ORG, r)
        assert "\n\n" not in out and out.startswith('<div class="hb-form-wrap">')
        paper = record_paper(r)  # a certificate prints stub and original on A4 portrait
        assert f'hb-form--{r.kind}' in out and f'hb-paper--{paper.size}-{paper.orientation}"' in out
        assert out.count("<div") == out.count("</div>")
        assert f'src="../{r.id}.svg"' in out and f'alt="{html.escape(r.title)}的空白表样' in out
    reg = form_html(hb, ORG, hb.records["visitor-register"])
    assert reg.count('class="hb-form__sheet"') == 2 and "打印时共 2 页（每页相同）" in reg
    assert 'src="seal-use-application.svg"' in form_html(hb, ORG, hb.records["seal-use-application"], directory_urls=False)


def test_the_preview_svg_is_the_pdf_sheet(book):
    """The record page shows the SVG of the same Typst layout as the PDF: same words, same page size."""
    checked = sample_book(book, SAMPLES)
    ctx = context(checked)
    jobs = pdf_jobs(ctx)
    for rid in ("seal-use-application", "introduction-letter", "shouwen-register"):
        svg = Engine(Cache(None), workers=1).run([jobs[f"records/{rid}.svg"]])[0]
        assert svg.startswith(b"<svg") and b"<script" not in svg
        r = checked.handbook.records[rid]
        paper = record_paper(r)
        m = re.search(rb'width="([\d.]+)pt" height="([\d.]+)pt"', svg)
        assert m and abs(float(m.group(1)) - paper.width / 25.4 * 72) < 1 and abs(float(m.group(2)) - paper.height / 25.4 * 72) < 1


# ---- text that means something to Typst, Markdown or HTML ----------------------------------------------------------

def test_hostile_text_prints_as_written_and_is_escaped_in_html(book):
    checked = sample_book(book, HOSTILE)
    hb = checked.handbook
    form, reg = hb.records["hostile-form"], hb.records["hostile-register"]
    text = flat(text_of(record_pdf(hb, ORG, form)))
    for s in [HOSTILE_TITLE, HOSTILE_LABEL, HOSTILE_LABEL2, HOSTILE_OPTION, "<script>x</script>", "#pagebreak()"]:
        assert flat(s) in text, f"{s!r} not printed as written"
    assert len(reader(record_pdf(hb, ORG, form)).pages) == 1
    text = flat(text_of(record_pdf(hb, ORG, reg)))
    for s in [HOSTILE_TITLE, HOSTILE_COLUMN, "$x$", "#{}"]:
        assert flat(s) in text, f"{s!r} not printed as written"

    out = form_html(hb, ORG, form) + form_html(hb, ORG, reg)
    assert "<script" not in out and "<b>" not in out and "<i>" not in out
    assert str(escape_html(HOSTILE_TITLE)) in out  # in the preview's alt text


def _crowded(paper: str, pages: str = "", n: int = 18) -> str:
    fields = "".join(f"  - {{label: 第{i}个栏目名称, type: {'textarea' if i % 8 == 0 else 'text'}, lines: 2}}\n"
                     for i in range(1, n + 1))
    yaml = (SAMPLES["records/seal-use-application.yaml"]
            .replace("id: seal-use-application", "id: crowded").replace("GL/YJ-BG-16", "GL/YJ-BG-97")
            .replace("paper: {size: A4, orientation: portrait}", paper + pages))
    head, rest = yaml.split("fields:\n", 1)
    return head + "fields:\n" + fields + rest[rest.index("approvals:"):]


def test_a_form_too_full_for_its_paper_is_a_check_error_not_smaller_type(book):
    for rel, text in SAMPLES.items():
        book.write(rel, text)
    book.write("records/crowded.yaml", _crowded("paper: {size: A5, orientation: landscape}"))
    problems = [p for p in check(book.root).errors if p.code == "E410"]
    assert len(problems) == 1 and problems[0].pos.path == "records/crowded.yaml"
    assert "放不下A5 纸" in problems[0].message and "pages: 2" in problems[0].message and "A4" in problems[0].message


def test_a_form_allowed_two_pages_runs_on_at_full_size(book):
    for rel, text in SAMPLES.items():
        book.write(rel, text)
    book.write("records/crowded.yaml", _crowded("paper: {size: A4, orientation: portrait}", n=40))
    assert [p.code for p in check(book.root).errors] == ["E410"]
    checked = sample_book(book, {"records/crowded.yaml": _crowded("paper: {size: A4, orientation: portrait}", "\npages: 2", n=40)})
    r = checked.handbook.records["crowded"]
    pdf = record_pdf(checked.handbook, ORG, r)
    assert len(reader(pdf).pages) == 2
    assert "第40个栏目名称" in flat(text_of(pdf))


def test_site_pdfs_are_cached_by_their_data(book, tmp_path):
    """A record's PDF is compiled once; a second build with the same cache folder reads it back, and a
    changed record is compiled again."""
    from office_handbook.engine import Engine
    from office_handbook.render.cache import Cache
    from office_handbook.render.typst_forms import record_job

    checked = sample_book(book, {})
    r = next(iter(checked.handbook.records.values()))
    first = Engine(Cache(tmp_path / "c"), workers=1)
    job = record_job(checked.handbook, ORG, r)
    pdf = first.run([job])[0]
    again = Engine(Cache(tmp_path / "c"), workers=1)
    start = time.perf_counter()
    assert again.run([job]) == [pdf]
    assert time.perf_counter() - start < 0.05  # read from disk, not compiled (a compile takes 20–60 ms)
    changed = record_job(checked.handbook, ORG + "分公司", r)
    assert changed.key != job.key and again.run([changed])[0] != pdf


@pytest.mark.slow
def test_binder_pdf_has_cover_contents_procedures_and_forms(tmp_path):
    """手册汇编: one PDF of the whole handbook, linked from the home page."""
    from conftest import REPO as repo
    from office_handbook.cli import main as cli_main

    out = tmp_path / "gen"
    assert cli_main(["gen", "--root", str(repo), "--out", str(out)]) == 0
    reader = PdfReader(str(out / "docs/handbook.pdf"))
    from office_handbook.pipeline import check as check_handbook

    hb = check_handbook(repo).handbook
    assert len(reader.pages) > len(hb.procedures) + len(hb.records)
    text = "".join(p.extract_text() for p in reader.pages[:3])
    assert "办公室流程手册" in text and "目录" in text
    body = "".join(p.extract_text() for p in reader.pages)
    for p in hb.procedures.values():
        assert p.code in body, p.code
    assert "(handbook.pdf)" in (out / "docs/index.md").read_text(encoding="utf-8")
    # the sections after the procedures, and a TOC line and bookmark per blank form (its own paper size)
    top = [x.title for x in reader.outline if not isinstance(x, list)]
    assert top[-3:] == ["制度", "岗位职责", "空白表单"]
    nested = [x for x in reader.outline if isinstance(x, list)]
    policies, roles, forms = nested[-3], nested[-2], nested[-1]
    assert {x.title for x in policies} == {p.title for p in hb.policies.values()}
    assert len(roles) == len(hb.roles)
    assert [x.title for x in forms] == [f"{r.code}　{r.title}" for r in sorted(hb.records.values(), key=lambda r: r.code)]
    letter = next(x for x in forms if "介绍信" in x.title)
    page = reader.pages[reader.get_destination_page_number(letter)]
    assert abs(float(page.mediabox.height) - 842) < 2  # the letter's A4 sheet, not shrunk onto a margin
    assert "{办公室}" not in body and "{单位}" not in body


@pytest.mark.slow
def test_forms_bundle_has_every_form_with_a_bookmark(tmp_path):
    """表单汇编 (forms.pdf): every blank form, a TOC line and a bookmark each, linked from the home page."""
    from conftest import REPO as repo
    from office_handbook.cli import main as cli_main
    from office_handbook.pipeline import check as check_handbook

    out = tmp_path / "gen"
    assert cli_main(["gen", "--root", str(repo), "--out", str(out)]) == 0
    reader = PdfReader(str(out / "docs/forms.pdf"))
    hb = check_handbook(repo).handbook
    marks = [y for x in reader.outline if isinstance(x, list) for y in x]
    assert sorted(m.title for m in marks) == sorted(f"{r.code}　{r.title}" for r in hb.records.values())
    contents = "".join(reader.pages[i].extract_text() for i in range(1, 4))
    assert "目录" in contents and "GL/YJ-BG-01" in contents
    assert "(forms.pdf)" in (out / "docs/index.md").read_text(encoding="utf-8")


def test_an_a5_form_also_prints_two_up_on_a4(book):
    checked = sample_book(book, SAMPLES)
    ctx = context(checked)
    jobs = pdf_jobs(ctx)
    a5 = [r for r in checked.handbook.records.values() if r.paper_size == "A5" and r.kind != "certificate"]
    assert a5 and all(f"records/{r.id}-A4.pdf" in jobs for r in a5)
    assert not any(f"records/{r.id}-A4.pdf" in jobs for r in checked.handbook.records.values() if r.paper_size == "A4")
    r = a5[0]
    pdf = Engine(Cache(None), workers=1).run([jobs[f"records/{r.id}-A4.pdf"]])[0]
    rd = reader(pdf)
    assert len(rd.pages) == 1
    w, h = float(rd.pages[0].mediabox.width), float(rd.pages[0].mediabox.height)
    assert {round(w), round(h)} == {595, 842}  # A4, turned to hold two A5 sheets side by side or one above the other
    text = flat(text_of(pdf))
    assert text.count(flat(r.title)) == 2 and text.count(r.code) == 2


NOTICE_WITH_SLIP = """\
# yaml-language-server: $schema=../.handbook/schemas/record.schema.json
id: meeting-notice
code: GL/YJ-BG-79
title: 会议通知
kind: form
version: "1.0"
purpose: 通知参会部门，参会部门剪下回执交回。
paper: {size: A4, orientation: portrait}
layout:
  - {label: 会议名称, type: text, wide: true}
  - {label: 会议时间, wide: true, blanks: ____年__月__日__时__分}
  - {approval: 办公室主任审核, role: office-director}
  - {signature: 拟稿人}
  - {cut: 回执（沿虚线剪下）}
  - {label: 回执部门, type: text}
  - {label: 是否参会, type: choice, options: [参会, 请假]}
  - {signature: 部门负责人, date: true}
lifecycle:
  prepare: office
  fill: [office-clerk]
  review: [office-director]
  keeper: office-clerk
  retention: 1
  destroy: office-director
"""


def test_a_cut_line_parts_the_slip_from_the_notice_in_yaml_order(book):
    checked = sample_book(book, {"records/meeting-notice.yaml": NOTICE_WITH_SLIP})
    r = checked.handbook.records["meeting-notice"]
    assert [b.kind for b in r.layout].count("cut") == 1
    jobs = pdf_jobs(context(checked))
    pdf = Engine(Cache(None), workers=1).run([jobs["records/meeting-notice.pdf"]])[0]
    text = flat(assert_record_pdf(pdf, r))
    assert len(reader(pdf).pages) == 1
    places = [text.find(flat(s)) for s in ("办公室主任审核", "拟稿人", "回执（沿虚线剪下）", "回执部门", "部门负责人")]
    assert -1 not in places and places == sorted(places), (places, text)


def test_a_long_blank_goes_on_from_its_text_over_the_next_lines():
    from office_handbook.render.form_layout import BLANK_EM
    from office_handbook.render.typst_forms import fill_in

    pieces = fill_in("一、" + "_" * 100, line_em=40, start=2)
    blanks = [p["b"] for p in pieces if "b" in p]
    assert pieces[0] == {"t": "一、"}
    assert abs(sum(blanks) - 100 * BLANK_EM) < 1e-6  # the whole run, split, nothing lost
    assert blanks[0] <= 40 - 1 - 2 - 2 + 1e-6  # the rest of the first line after the indent and "一、"
    assert all(b <= 39 + 1e-6 for b in blanks) and len(blanks) >= 3
    assert fill_in("姓名：____") == [{"t": "姓名："}, {"b": 4 * BLANK_EM}]
