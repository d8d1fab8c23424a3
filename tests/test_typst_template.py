"""The PDFs are typeset by static Typst files (templates/sheets.typ, templates/binder.typ) that read
their data as JSON through `sys.inputs`: YAML text never becomes Typst markup, the template files
are never formatted, and a compile job is plain data — (template name, JSON text) → PDF bytes."""

from __future__ import annotations

import json
import pickle
import re

import pytest
from test_forms_pdf import A4, A5, ORG, context, expected_size, flat, reader, sample_book, text_of

from form_samples import HEADER
from office_handbook.engine import Engine
from office_handbook.render import typst_forms
from office_handbook.render.cache import Cache
from office_handbook.render.checklists import checklist_inputs, checklist_pdf, checklists_of
from office_handbook.render.compendium import BINDER, binder_inputs, render_compendium
from office_handbook.render.form_layout import Paper
from office_handbook.render.typst_forms import (
    SHEETS,
    TEMPLATES,
    compile_sheet,
    record_inputs,
    record_job,
    record_pdf,
    sheet_job,
)

# every one of these means something to Typst (markup, code, math, labels, escapes) or to HTML
EVIL_TITLE = '#set page(paper: "a0")'
EVIL_LABEL = 'a ] b " c \\ d'
EVIL_MATH = "$x$ <b>粗</b>"
EVIL_HINT = "第一行\n#pagebreak()"
EVIL = [EVIL_TITLE, EVIL_LABEL, EVIL_MATH, *EVIL_HINT.split("\n")]


def _yaml(s: str) -> str:
    return json.dumps(s, ensure_ascii=False)  # a JSON string is a YAML scalar, newline and all


LIFECYCLE = "lifecycle:\n  prepare: office\n  fill: [office-clerk]\n  retention: 1\n"
RECORDS = {
    "form": (f"kind: form\npaper: {{size: A5, orientation: landscape}}\nfields:\n"
             f"  - {{label: {_yaml(EVIL_LABEL)}, type: text, wide: true}}\n"
             f"  - {{label: {_yaml(EVIL_MATH)}, type: textarea, wide: true, hint: {_yaml(EVIL_HINT)}}}\n"
             f"approvals:\n  - {{label: {_yaml(EVIL_LABEL)}}}\nsignatures: [{_yaml(EVIL_MATH)}]\n"),
    "register": (f"kind: register\ncolumns:\n  - {{label: {_yaml(EVIL_LABEL)}, width: 2}}\n"
                 f"  - {{label: {_yaml(EVIL_MATH)}, hint: {_yaml(EVIL_HINT)}}}\n"),
    "certificate": (f"kind: certificate\nfields:\n  - {{label: {_yaml(EVIL_LABEL)}, wide: true}}\n"
                    f"  - {{label: {_yaml(EVIL_MATH)}, type: textarea, wide: true, hint: {_yaml(EVIL_HINT)}}}\n"),
}


def record_yaml(kind: str) -> str:
    body = RECORDS[kind]
    return (HEADER + f"id: evil-{kind}\ncode: GL/YJ-BG-9{len(kind) % 10}\ntitle: {_yaml(EVIL_TITLE)}\nversion: \"1.0\"\n"
            f"purpose: 测试。\n" + body + LIFECYCLE)


def assert_page_size(pdf: bytes, size: tuple[float, float]) -> None:
    """Every page `size` (points): `#set page(paper: "a0")` in the text changed nothing."""
    for page in reader(pdf).pages:
        w, h = float(page.mediabox.width), float(page.mediabox.height)
        assert abs(w - size[0]) <= 1 and abs(h - size[1]) <= 1, (w, h, size)


# ---- (a) hostile text is shown as written and changes nothing else ------------------------------------------

@pytest.mark.parametrize("kind", sorted(RECORDS))
def test_hostile_yaml_text_prints_verbatim_on_an_unchanged_page(book, kind):
    checked = sample_book(book, {f"records/evil-{kind}.yaml": record_yaml(kind)})
    hb = checked.handbook
    r = hb.records[f"evil-{kind}"]
    data = json.loads(record_inputs(hb, ORG, r))
    assert data["sheet"]["title"] == EVIL_TITLE and data["page"]["title"] == EVIL_TITLE  # data, passed through as is
    pdf = record_pdf(hb, ORG, r)
    text = flat(text_of(pdf))
    for s in EVIL:
        assert flat(s) in text, f"{s!r} not printed as written"
    assert len(reader(pdf).pages) == (1 if kind == "certificate" else max(1, r.pages))
    assert_page_size(pdf, expected_size(r))
    assert r.kind != "form" or expected_size(r) == A5[::-1]  # the form asks for A5 landscape
    assert reader(pdf).metadata.title == EVIL_TITLE


def test_hostile_task_text_prints_verbatim_on_a_checklist(book):
    role = ("# yaml-language-server: $schema=../.handbook/schemas/role.schema.json\n"
            "id: evil-role\ntitle: 恶意岗位\nreports_to: office-director\nsummary: 测试。\ntasks:\n"
            f"  - {{name: {_yaml(EVIL_TITLE + ' ' + EVIL_LABEL)}, frequency: daily, when: {_yaml(EVIL_MATH)}}}\n"
            f"  - {{name: {_yaml(EVIL_HINT)}, frequency: daily}}\n")
    checked = sample_book(book, {"roles/evil-role.yaml": role})
    (c,) = checklists_of(checked.handbook.roles["evil-role"])
    assert json.loads(checklist_inputs(c, ORG, EVIL_LABEL))["page"]["footer"].endswith(EVIL_LABEL)
    pdf = checklist_pdf(c, ORG, EVIL_LABEL)
    text = flat(text_of(pdf))
    for s in EVIL:
        assert flat(s) in text, f"{s!r} not printed as written"
    assert len(reader(pdf).pages) == 1
    assert_page_size(pdf, A4)


def test_page_setup_strings_are_data_too():
    """The footer, the document title and the sheet's own text: all shown, none obeyed."""
    sheet = {"org": EVIL_LABEL, "title": EVIL_TITLE, "tracking": 0.05, "title_pt": 18, "org_pt": 12, "meta_pt": 9,
             "inner_w": 190.0, "inner_h": 128.0, "code": EVIL_MATH, "version": "1.0", "number": "no", "number_text": "No.",
             "plan": {"lw": 30.0, "pt": 10.5, "label_pt": 10.5, "hint_pt": 9, "letter_pt": 10.5, "segments": [
                 {"kind": "table", "rows": [{"kind": "fields", "h": 9.0, "min_h": 8.0, "cells": [
                     {"label": [EVIL_HINT], "type": "text", "hint": None, "span": 3, "choices": None, "blanks": None, "lines": 1}]}]},
                 {"kind": "text", "pieces": [{"t": EVIL_MATH}, {"b": 4}], "align": "left", "indent": True, "large": False}]}}
    job = sheet_job(Paper("A5", "landscape"), EVIL_TITLE, EVIL_TITLE + EVIL_HINT, "form", sheet, code=EVIL_LABEL)
    pdf = compile_sheet(SHEETS, job)
    assert_page_size(pdf, A5[::-1])
    text = flat(text_of(pdf))
    assert text.count(flat(EVIL_TITLE)) == 2 and flat(EVIL_HINT) in text and text.count(flat(EVIL_MATH)) == 1
    assert text.count(flat(EVIL_LABEL)) == 2  # the organisation and the footer's form code


# ---- (b) the templates are static files -------------------------------------------------------------------------

TYPST_TEMPLATES = sorted(TEMPLATES.glob("*.typ"))
# what str.format, %-formatting or string.Template would fill in: {name}, {0}, {x:.1f}, %s, %(name)s, ${name}
PLACEHOLDER = re.compile(r"\{[A-Za-z_0-9.\[\]]*(![rsa])?(:[^{}\s]*)?\}|%\(\w+\)[sdfr]|%[sdr]\b|\$\{?\w+\}?")


def test_the_typst_templates_are_static_files():
    assert {p.name for p in TYPST_TEMPLATES} >= {SHEETS, BINDER}
    for path in TYPST_TEMPLATES:
        text = path.read_text(encoding="utf-8")
        assert "sys.inputs.data" in text, path.name
        found = [m.group(0) for m in PLACEHOLDER.finditer(text)]
        assert not found, f"{path.name}: {found}"
    # and no Typst is written or escaped in Python any more
    assert not hasattr(typst_forms, "lit") and not hasattr(typst_forms, "PREAMBLE")


def test_the_compiler_gets_the_template_file_unchanged_and_the_data_as_json(monkeypatch):
    seen = []
    real = typst_forms._compile
    monkeypatch.setattr(typst_forms, "_compile", lambda source, data=None: seen.append((source, data)) or real(source, data))
    job = json.dumps({"page": {"paper": "a5", "flipped": True, "margin": 10, "bottom": 14, "width": 210, "height": 148,
                               "footer": "脚注", "code": "表单编号", "title": "表", "serif": "Noto Serif SC",
                               "sans": "Noto Sans SC", "body_pt": 10.5, "foot_pt": 9, "two_up": False},
                      "kind": "checklist", "copies": 1,
                      "sheet": {"org": "单位", "title": "检查表", "tracking": 0.05, "title_pt": 18, "org_pt": 12, "meta_pt": 9,
                                "inner_w": 190.0, "inner_h": 128.0, "meta": "期间", "role_label": "执行人", "pt": 10.5,
                                "periods": ["周一"], "tasks": [{"name": "任务", "when": None}], "task_h": 12.0, "blank_rows": 0,
                                "blank_h": 10.0, "task_w": 3.5, "note_w": 1.5, "legend": "说明"}}, ensure_ascii=False)
    pdf = compile_sheet(SHEETS, job)
    assert seen == [((TEMPLATES / SHEETS).read_bytes(), job)]
    assert "检查表" in text_of(pdf)


def test_the_binder_template_is_copied_unchanged(book, monkeypatch):
    import typst

    checked = sample_book(book, {})
    ctx = context(checked)
    main = []
    real = typst.compile

    def spy(path, **kw):
        main.append(open(path, "rb").read())
        assert json.loads(kw["sys_inputs"]["data"])["cover"]["org"] == ORG
        return real(path, **kw)

    monkeypatch.setattr(typst, "compile", spy)
    pdf = render_compendium(ctx, {}, {})
    assert main == [(TEMPLATES / BINDER).read_bytes()]
    assert ORG in text_of(pdf)
    data = json.loads(binder_inputs(ctx, {}, {}))
    assert data["forms"] is None and data["procedures"] and all(p["chart"] is None for p in data["procedures"])


# ---- (c) a compile job is plain data, and the same job gives the same bytes ---------------------------------------

def test_the_same_job_compiles_to_the_same_bytes(book):
    checked = sample_book(book, {"records/evil-form.yaml": record_yaml("form")})
    r = checked.handbook.records["evil-form"]
    job = (SHEETS, record_inputs(checked.handbook, ORG, r))
    assert pickle.loads(pickle.dumps(job)) == job  # what a worker process would receive
    first = compile_sheet(*job)
    again = compile_sheet(*job)
    assert again is not first and again == first  # compiled twice, byte for byte the same
    pdf_job = record_job(checked.handbook, ORG, r)
    assert pickle.loads(pickle.dumps(pdf_job)) == pdf_job
    engine = Engine(Cache(None), workers=1)
    assert engine.run([pdf_job]) == [first]
    assert engine.run([pdf_job])[0] is engine.run([pdf_job])[0]  # and then cached by the job
