"""The shipped forms read from their PDFs as a printer would print them: type never below the floors,
labels never broken to a lone character, a per-copy number on every application and certificate,
and the blocks of a layout printed in the YAML's order."""

from __future__ import annotations

import io
from functools import cache

import pytest
from pdfminer.high_level import extract_pages
from pdfminer.layout import LAParams, LTChar, LTTextContainer, LTTextLine

from conftest import REPO
from office_handbook.pipeline import check
from office_handbook.render.form_layout import (
    LABEL_PT,
    certificate_blocks,
    plan_blocks,
    plan_certificate,
    plan_form,
    plan_register,
)
from office_handbook.render.textwidth import letters
from office_handbook.render.typst_forms import record_pdf

pytestmark = pytest.mark.slow


@cache
def handbook():
    checked = check(REPO)
    assert not checked.errors
    return checked.handbook


@cache
def pdf(record_id: str) -> bytes:
    hb = handbook()
    return record_pdf(hb, "某某有限公司", hb.records[record_id])


def lines_of(data: bytes) -> list[tuple[str, list[LTChar]]]:
    out = []
    for page in extract_pages(io.BytesIO(data), laparams=LAParams(char_margin=1.0, line_margin=0.2)):
        for box in page:
            if isinstance(box, LTTextContainer):
                for line in box:
                    if isinstance(line, LTTextLine):
                        chars = [c for c in line if isinstance(c, LTChar)]
                        out.append(("".join(c.get_text() for c in chars), chars))
    return out


def printed_label_lines(r) -> list[str]:
    """The label lines the plan gave the sheet (each must print as one line)."""
    if r.kind == "register":
        return [line for lines in plan_register(r).head_lines for line in lines]
    plans = [plan_form(r)] if r.kind == "form" else list(vars(plan_certificate(r)).values())[2:]
    out = []
    for plan in plans:
        for row in plan.rows:
            out += [line for c in row.cells for line in c.label_lines]
            out += [line for a in row.approvals for line in a]
    return out


RECORDS = sorted(handbook().records)


@pytest.mark.parametrize("record_id", RECORDS)
def test_type_is_never_below_the_floors(record_id):
    sizes = [round(c.size, 1) for _, chars in lines_of(pdf(record_id)) for c in chars if c.get_text().strip()]
    assert sizes and min(sizes) >= 9.0 - 0.05, f"{record_id}: smallest type {min(sizes)} pt"
    r = handbook().records[record_id]
    labels = set(printed_label_lines(r))
    for text, chars in lines_of(pdf(record_id)):
        if text.strip() in labels:
            assert min(c.size for c in chars) >= LABEL_PT - 0.05, f"{record_id}: label {text!r} below 10.5 pt"


@pytest.mark.parametrize("record_id", RECORDS)
def test_labels_print_as_planned_with_no_lone_character(record_id):
    r = handbook().records[record_id]
    printed = [text.replace(" ", "") for text, _ in lines_of(pdf(record_id))]
    for line in printed_label_lines(r):
        whole = line in [c.label for c in r.columns] + [f.label for f in r.fields]  # a one-character label such as 页
        unit = line.startswith(("（", "(")) and line.endswith(("）", ")"))  # （元） under 单价
        assert letters(line) >= 2 or whole or unit, f"{record_id}: lone {line!r}"
        assert any(line.replace(" ", "") in text for text in printed), f"{record_id}: label line {line!r} wrapped again in print"


@pytest.mark.parametrize("record_id", [i for i in RECORDS if handbook().records[i].kind != "register"])
def test_every_application_and_certificate_has_a_per_copy_number(record_id):
    r = handbook().records[record_id]
    text = "".join(t for t, _ in lines_of(pdf(record_id))).replace(" ", "")
    assert ("No." in text) if r.number == "no" else ("字第" in text), record_id
    assert r.code in text.replace("　", "")  # the template's code in the footer, as 表单编号


def test_blocks_print_in_the_yaml_order():
    r = handbook().records["leave-application"]
    order = [b.label for b in r.layout if b.kind in ("field", "approval")]
    tops: dict[str, float] = {}
    for text, chars in lines_of(pdf("leave-application")):
        for label in order:
            if text.replace(" ", "").startswith(label[:4]) and label not in tops:
                tops[label] = -chars[0].y1  # top of the page first
    found = [label for label in order if label in tops]
    assert len(found) >= len(order) - 2, (order, tops)
    rows = [tops[label] for label in found]
    # top to bottom in the YAML's order (two fields of one row may differ by a line of a two-line label)
    assert all(b >= a - 10 for a, b in zip(rows, rows[1:])), list(zip(found, rows))
    approvals = [tops[b.label] for b in r.layout if b.kind == "approval" and b.label in tops]
    assert approvals and min(approvals) > max(tops[f.label] for f in r.fields if f.label in tops)


def test_certificate_blocks_come_from_its_stub_and_original():
    r = handbook().records["introduction-letter"]
    stub, original = certificate_blocks(r)
    assert [b.kind for b in original][-2:] == ["seal", "text"] and any("请予接洽" in b.label for b in original)
    assert [b.label for b in stub if b.kind == "signature"] == ["批准人", "经办人", "领取人"]
    plan = plan_blocks(plan_certificate(r).half, original, 200.0, letter=True)
    assert plan.letter and plan.overflow < 0
