"""PDFs of forms, registers, certificates and duty checklists, typeset with the `typst` package.

The layout is a static file, templates/sheets.typ. Python only builds the data (plain dicts, lists,
strings and numbers) and hands it over as JSON text in `sys.inputs`; the template reads it with
`json(...)` and shows every string as plain text, so YAML text never becomes Typst markup and nothing
here escapes anything. A compile is plain data, `(template file name, JSON text)` -> PDF bytes
(`compile_sheet`); `SheetJob` and `RecordJob` are what the engine runs (and caches) for each PDF.
"""

from __future__ import annotations

import functools
import json
import os
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from ..model import Handbook, RecordType
from . import cache
from .form_layout import (
    CUT_MM,
    META_PT,
    ORG_PT,
    STUB_GAP_MM,
    TITLE_PT,
    CertificatePlan,
    FormPlan,
    Paper,
    choice_text,
    plan_certificate,
    plan_form,
    plan_register,
    record_paper,
    retention_note,
    spaced_title,
)

SERIF = "Noto Serif SC"
SANS = "Noto Sans SC"
TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
SHEETS = "sheets.typ"  # forms, registers, certificates and duty checklists


# ---- compiling, with a cache --------------------------------------------------------------------------

_lock = threading.Lock()
_compiler: Any = None


def font_dir() -> str:
    import pylopdf_fonts_zh_cn

    return str(Path(pylopdf_fonts_zh_cn.serif_path()).parent)


def _forget_compiler() -> None:
    """A forked worker must not share the parent's compiler (and its threads): it builds its own."""
    global _compiler, _lock
    _compiler = None
    _lock = threading.Lock()


os.register_at_fork(after_in_child=_forget_compiler)


def _get_compiler() -> Any:
    global _compiler
    if _compiler is None:
        import typst

        _compiler = typst.Compiler(font_paths=[font_dir()], ignore_system_fonts=True)
    return _compiler


def _compile(input: bytes, data_json: str | None = None) -> bytes:
    sys_inputs = {} if data_json is None else {"data": data_json}
    with _lock:
        return bytes(_get_compiler().compile(input=input, format="pdf", sys_inputs=sys_inputs))


@functools.cache
def template(name: str) -> bytes:
    """A layout file of templates/ (a plain file name: the templates are a fixed, flat set)."""
    if Path(name).name != name or not name.endswith(".typ"):
        raise ValueError(f"not a template name: {name!r}")
    return (TEMPLATES / name).read_bytes()


def job_json(data: dict[str, Any]) -> str:
    """The data of one compile job as JSON text; lengths rounded to 1/1000 of their unit."""
    return json.dumps(_rounded(data), ensure_ascii=False, separators=(",", ":"))


def _rounded(value: Any) -> Any:
    if isinstance(value, float):
        return round(value, 3)
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_rounded(v) for v in value]
    return value


def compile_sheet(template_name: str, data_json: str) -> bytes:
    """One compile, plain data in and PDF bytes out: the static layout file `template_name` of
    templates/, given `data_json` as `sys.inputs.data`."""
    return _compile(template(template_name), data_json)


def compile_pdf(source: str) -> bytes:
    """Compile Typst source (our own, never built from YAML text) to PDF bytes."""
    return _compile(source.encode("utf-8"))


def page_count(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page\b", pdf))


def page_setup(paper: Paper, title: str, footer: str) -> dict[str, Any]:
    """The page of a sheet: paper, margins, footer, document title and fonts, as data for the template."""
    return {"paper": paper.size.lower(), "flipped": paper.orientation == "landscape", "margin": paper.margin,
            "footer": footer, "title": title, "serif": SERIF, "sans": SANS, "body_pt": paper.body_pt}


def sheet_job(paper: Paper, title: str, footer: str, kind: str, sheet: dict[str, Any], copies: int = 1) -> str:
    """The JSON text templates/sheets.typ reads: page setup, which sheet, its data and how many pages of it."""
    return job_json({"page": page_setup(paper, title, footer), "kind": kind, "sheet": sheet, "copies": copies})


# ---- records --------------------------------------------------------------------------------------------

def sheet_data(paper: Paper, org: str, title: str) -> dict[str, Any]:
    """What every sheet's head needs, and the page's inner size (for filling it)."""
    return {"org": org, "title": title, "tracking": spaced_title(title), "title_pt": TITLE_PT[paper.size],
            "org_pt": ORG_PT[paper.size], "meta_pt": META_PT[paper.size],
            "inner_w": paper.inner_width, "inner_h": paper.inner_height}


def _head(org: str, r: RecordType, paper: Paper) -> dict[str, Any]:
    return sheet_data(paper, org, r.title) | {"code": r.code, "version": r.version}


def _plan_data(plan: FormPlan) -> dict[str, Any]:
    rows = []
    for row in plan.rows:
        cells = [{"label": c.field.label, "type": c.field.type, "hint": c.field.hint, "span": c.span,
                  "choices": choice_text(c.field) if c.field.type == "choice" else None}
                 for c in row.cells]
        rows.append({"h": row.height, "approvals": row.approvals, "cells": cells})
    return {"lw": plan.label_width, "pt": plan.pt, "rows": rows}


def record_inputs(hb: Handbook, org: str, r: RecordType, shrink: float = 1.0) -> str:
    """The JSON text templates/sheets.typ typesets the record from (its sheet planned `shrink` times as tall)."""
    return _record_inputs(org, retention_note(hb, r), r, shrink)


def _record_inputs(org: str, footer: str, r: RecordType, shrink: float) -> str:
    paper = record_paper(r)
    if r.kind == "register":
        rp = plan_register(r, shrink)
        data = _head(org, r, paper) | {
            "widths": rp.widths, "rows": rp.rows, "row_h": rp.row_height, "head_h": rp.head_height, "head_pt": rp.header_pt,
            "columns": [{"label": c.label, "hint": c.hint} for c in r.columns], "pt": paper.body_pt,
            "fields": [f.label for f in r.fields], "approvals": [a.label for a in r.approvals],
            "approval_h": rp.approval_height, "signatures": r.signatures,
            "stacked": bool(r.approvals) and paper.inner_width / len(r.approvals) < 85}
        return sheet_job(paper, r.title, footer, "register", data, max(1, r.pages))
    if r.kind == "certificate":
        cp: CertificatePlan = plan_certificate(r, shrink)
        data = _head(org, r, paper) | {
            "stub_h": cp.stub_height, "cut_h": CUT_MM, "stub_gap": STUB_GAP_MM, "stub": _plan_data(cp.stub),
            "original": _plan_data(cp.original), "signatures": r.signatures}
        return sheet_job(paper, r.title, footer, "certificate", data)
    fp = plan_form(r, shrink, fill=False)
    data = _head(org, r, paper) | {"plan": _plan_data(fp), "signatures": r.signatures}
    return sheet_job(paper, r.title, footer, "form", data, max(1, r.pages))


record_source = record_inputs  # the old name


ROOMY = (1.2, 1.0, 0.9, 0.8, 0.7, 0.6, 0.5)  # forms: the size estimates are cautious, so try a roomier plan first
TIGHT = (1.0, 0.92, 0.84, 0.76, 0.68, 0.6)


def fit_pdf(make_inputs: Callable[[float], str], pages: int, shrinks: tuple[float, ...] = TIGHT,
            template_name: str = SHEETS) -> bytes:
    """Compile the JSON text `make_inputs(shrink)` with the template; if the sheet runs onto an extra
    page, plan for less height and compile again."""
    pdf = b""
    for shrink in shrinks:
        pdf = compile_sheet(template_name, make_inputs(shrink))
        if page_count(pdf) <= pages:
            return pdf
    return pdf


class _PdfJob:
    """What the engine needs of a PDF job; `make()` is the work itself."""

    label: str  # the YAML file the PDF is made from
    kind: ClassVar[str] = "sheet"
    cost: ClassVar[float] = 0.015  # seconds: the median record PDF compiles in 10 ms, the fullest in 30

    def make(self) -> bytes:
        raise NotImplementedError

    def run(self) -> bytes:
        try:
            return self.make()
        except Exception as e:  # a bug of ours, never of the YAML: say which file it was
            raise RuntimeError(f"{self.label}: 生成 PDF 失败：{e}") from e


@dataclass(frozen=True)
class SheetJob(_PdfJob):
    """One PDF compiled once from its data (the duty checklists)."""

    key: str
    data_json: str
    label: str

    def make(self) -> bytes:
        return compile_sheet(SHEETS, self.data_json)


@dataclass(frozen=True)
class RecordJob(_PdfJob):
    """A record's PDF: planned, compiled, and planned again with less room while it runs onto an extra page."""

    key: str
    org: str
    footer: str
    record: RecordType
    label: str

    def make(self) -> bytes:
        r = self.record
        pages = max(1, r.pages) if r.kind != "certificate" else 1
        return fit_pdf(lambda shrink: _record_inputs(self.org, self.footer, r, shrink), pages, ROOMY if r.kind == "form" else TIGHT)


def record_job(hb: Handbook, org: str, r: RecordType) -> RecordJob:
    footer = retention_note(hb, r)
    # keyed by the data of its first plan (which covers everything the record shows)
    return RecordJob(cache.key("sheet", _record_inputs(org, footer, r, (ROOMY if r.kind == "form" else TIGHT)[0])), org, footer, r, r.path)


def record_pdf(hb: Handbook, org: str, r: RecordType) -> bytes:
    """One record's PDF, made here (for tests and tools; the site's PDFs go through the engine)."""
    return record_job(hb, org, r).run()
