"""PDFs of forms, registers, certificates and duty checklists, typeset with the `typst` package.

User text never becomes Typst markup: every YAML string is written as a Typst string literal inside
code mode (see `lit`), and the layout functions in `PREAMBLE` show strings as plain text.
Compiled PDFs are cached by a hash of their source, so `mkdocs serve` only recompiles what changed.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

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

# The layout, written once. Lengths arrive as numbers of millimetres or points; text as strings.
PREAMBLE = r"""
#let serif = "Noto Serif SC"
#let sans = "Noto Sans SC"
#let gray = luma(85)
#let rule = 0.6pt + black
#let blank(w) = box(width: w, stroke: (bottom: 0.5pt), outset: (bottom: 2pt))
#let minh(h, body, al: horizon) = grid(columns: (0pt, 1fr), align: (left + horizon, al), box(height: h), body)
#let datefill = "　　　年　　月　　日"
#let cols-of(n) = (1fr,) * calc.min(n, 3)

// Fill the page: `build(extra)` lays the sheet out with `extra` added to its stretchy parts. Nothing
// here has a fixed height, so a sheet that is too full runs onto a second page, where the Python side
// notices it (page count) and plans again with less room.
#let fill-page(d, build) = context {
  let natural = measure(block(width: d.inner_w * 1mm, build(0pt))).height
  build(calc.max(0pt, d.inner_h * 1mm - natural - 1.5mm))
}

#let sheet-head(d, right: none) = {
  set par(spacing: 0pt, leading: 0.4em)
  align(center, text(font: sans, size: d.org_pt * 1pt, tracking: 0.1em, d.org))
  v(3mm)
  align(center, {
    h(d.tracking * 1em)
    text(font: sans, size: d.title_pt * 1pt, tracking: d.tracking * 1em, d.title)
  })
  v(3.5mm)
  grid(columns: (1fr, auto),
    text(size: d.meta_pt * 1pt, if "meta" in d { d.meta } else [编号：#d.code#h(2em)版本：#d.version]),
    text(size: d.meta_pt * 1pt, if right == none { [] } else { right }))
  v(2mm)
}

#let signline(pt, stacked) = text(size: pt * 1pt, if stacked {
  set par(leading: 1em)
  [签字：#blank(22mm) \ 日期：#datefill]
} else [签字：#blank(24mm)#h(6mm)日期：#datefill])

#let field-value(c, pt) = {
  let hint = if c.hint == none { none } else { text(size: pt * 0.82pt, fill: gray, c.hint) }
  if c.type == "choice" {
    align(left + horizon, { c.choices; if hint != none { h(1em); hint } })
  } else if c.type == "date" {
    grid(columns: (1fr, auto), align: (left + horizon, right + horizon), hint, datefill)
  } else if c.type == "textarea" {
    align(left + top, hint)
  } else {
    align(right + horizon, hint)
  }
}

// extra height (a length) for the approval blocks, or else for the multi-line fields
#let grow(p, extra) = {
  if extra <= 0pt { return p }
  let pick(pred) = range(p.rows.len()).filter(i => pred(p.rows.at(i)))
  let targets = pick(r => r.approvals.len() > 0)
  if targets.len() == 0 { targets = pick(r => r.cells.any(c => c.type == "textarea")) }
  if targets.len() == 0 { return p }
  let add = extra / targets.len() / 1mm
  p + (rows: p.rows.enumerate().map(((i, r)) => if i in targets { r + (h: r.h + add) } else { r }))
}

#let form-table(p) = {
  set text(size: p.pt * 1pt)
  let cells = ()
  for r in p.rows {
    if r.approvals.len() > 0 {
      let paired = r.approvals.len() > 1
      for a in r.approvals {
        cells.push(table.cell(align: center + horizon, minh((r.h - 2) * 1mm, a)))
        cells.push(table.cell(colspan: if paired { 1 } else { 3 }, align: right + bottom, signline(p.pt, paired)))
      }
    } else {
      for c in r.cells {
        cells.push(table.cell(align: center + horizon, minh((r.h - 2) * 1mm, c.label)))
        let al = if c.type == "textarea" { left + top } else { left + horizon }
        cells.push(table.cell(colspan: c.span, align: al, field-value(c, p.pt)))
      }
    }
  }
  table(columns: (p.lw * 1mm, 1fr, p.lw * 1mm, 1fr), stroke: rule, inset: (x: 2mm, y: 1mm), ..cells)
}

#let signatures(names, pt) = if names.len() > 0 {
  v(4mm)
  grid(columns: cols-of(names.len()), row-gutter: 5mm,
    ..names.map(n => text(size: pt * 1pt)[#n：#blank(26mm)]))
}

#let form-sheet(d) = fill-page(d, extra => {
  sheet-head(d)
  form-table(grow(d.plan, extra))
  signatures(d.signatures, d.plan.pt)
})

#let boxsign(pt, stacked) = text(size: pt * 1pt, if stacked [签字：#blank(20mm) \ 日期：#datefill] else [签字：#blank(20mm)#h(3mm)日期：#datefill])

#let register-table(d, rows, row-h) = block(stroke: 1.2pt, table(
  columns: d.widths.map(w => w * 1mm),
  rows: (auto,) + (row-h,) * rows,
  stroke: 0.5pt, inset: (x: 1mm, y: 1mm), align: center + horizon,
  table.header(..d.columns.enumerate().map(((i, c)) => {
    let body = text(size: d.head_pt * 1pt, {
      c.label
      if c.hint != none { linebreak(); text(size: d.head_pt * 0.8pt, fill: gray, c.hint) }
    })
    if i == 0 { minh((d.head_h - 2) * 1mm, body, al: center + horizon) } else { body }
  })),
  table.hline(y: 1, stroke: 1pt),
  ..range(rows * d.columns.len()).map(_ => []),
))

// The blank rows share what the page leaves; only the small parts are measured (a big table is slow to lay out twice).
#let register-sheet(d) = context {
  let w = d.inner_w * 1mm
  let above = {
    sheet-head(d, right: [第#blank(12mm)页])
    if d.fields.len() > 0 {
      grid(columns: (1fr,) * calc.min(d.fields.len(), 4), row-gutter: 4mm, ..d.fields.map(f => [#f：#blank(22mm)]))
      v(3mm)
    }
  }
  let below = {
    if d.approvals.len() > 0 {
      v(2mm)
      table(columns: (1fr,) * d.approvals.len(), rows: d.approval_h * 1mm, stroke: rule, inset: 2mm,
        ..d.approvals.map(a => { a; place(bottom + right, align(right, boxsign(d.pt, d.stacked))) }))
    }
    signatures(d.signatures, d.pt)
  }
  let height(body) = measure(block(width: w, body)).height
  // measured as a whole (the spacing between the parts counts); one empty row, as a header alone is not laid out
  let used = height({ above; register-table(d, 1, 0pt); below })
  let row-h = calc.max(4mm, (d.inner_h * 1mm - used - 1.5mm) / d.rows)
  above
  register-table(d, d.rows, row-h)
  below
}

#let cut-line(h) = block(height: h, width: 100%, {
  v(1fr)
  grid(columns: (1fr, auto, 1fr), align: horizon, column-gutter: 2mm,
    line(length: 100%, stroke: (thickness: 0.6pt, dash: "dashed")),
    text(size: 8pt, fill: gray)[✂ 沿此线裁开],
    line(length: 100%, stroke: (thickness: 0.6pt, dash: "dashed")))
  v(1fr)
})

#let half-title(d, size, suffix) = {
  set par(spacing: 0pt)
  align(center, text(font: sans, size: size * 1pt, {
    h(d.tracking * 1em); text(tracking: d.tracking * 1em, d.title); suffix
  }))
  v(2mm)
  align(right, text(size: d.meta_pt * 1.1pt)[（#h(2.5em)）字第#h(3.5em)号])
  v(2mm)
}

// stub above, original below, one page; each part grows to its planned height
#let certificate-sheet(d) = context {
  set par(spacing: 0pt)
  let w = d.inner_w * 1mm
  let stub(extra) = {
    half-title(d, d.title_pt * 0.85, "（存根）")
    form-table(grow(d.stub, extra))
    signatures(d.signatures, d.stub.pt)
    v(d.stub_gap * 1mm)
  }
  let original(extra) = {
    half-title(d, d.title_pt, "")
    form-table(grow(d.original, extra))
  }
  let seal = align(right, block(width: 60mm, {
    set align(center)
    set par(spacing: 3mm)
    text(size: d.original.pt * 1pt)[#d.org（盖章）]
    parbreak()
    text(size: d.original.pt * 1pt, datefill)
  }))
  let top = {
    grid(columns: (1fr, auto),
      text(size: d.meta_pt * 1pt, font: sans, d.org),
      text(size: d.meta_pt * 1pt)[编号：#d.code#h(2em)版本：#d.version])
    v(4mm)
  }
  let height(body) = measure(block(width: w, body)).height
  let stub-extra = calc.max(0pt, d.stub_h * 1mm - height(stub(0pt)))
  let stub-h = height(stub(stub-extra))
  let rest = d.inner_h * 1mm - height(top) - calc.max(stub-h, d.stub_h * 1mm) - d.cut_h * 1mm - height(seal) - 6mm
  let orig-extra = calc.max(0pt, rest - height(original(0pt)) - 1.5mm)
  top
  stub(stub-extra)
  if stub-h < d.stub_h * 1mm { v(d.stub_h * 1mm - stub-h) }
  cut-line(d.cut_h * 1mm)
  original(orig-extra)
  v(1fr)
  seal
}

#let checklist-sheet(d) = fill-page(d, extra => {
  sheet-head(d, right: [#d.role_label：#blank(24mm)])
  let n = d.periods.len()
  let body = ()
  for (i, t) in d.tasks.enumerate() {
    body.push(str(i + 1))
    body.push(table.cell(align: left + horizon, minh((d.task_h - 2) * 1mm, {
      t.name
      if t.when != none { linebreak(); text(size: d.pt * 0.78pt, fill: gray, t.when) }
    })))
    for _ in range(n) { body.push(text(size: d.pt * 1.3pt, "□")) }
    body.push([])
  }
  for _ in range(d.blank_rows) { for _ in range(n + 3) { body.push([]) } }
  for who in ("执行人签字", "检查人签字") {
    body.push(table.cell(colspan: 2, minh(7mm, who)))
    for _ in range(n + 1) { body.push([]) }
  }
  let blank-h = if d.blank_rows > 0 { d.blank_h * 1mm + extra / d.blank_rows } else { auto }
  block(stroke: 1.2pt, table(
    columns: (11mm, d.task_w * 1fr) + (1fr,) * n + (d.note_w * 1fr,),
    rows: (auto,) * (1 + d.tasks.len()) + (blank-h,) * d.blank_rows + (auto, auto),
    stroke: 0.5pt, inset: (x: 1.5mm, y: 1mm), align: center + horizon,
    table.header(..("序号", "工作任务", ..d.periods, "备注").map(x => text(font: sans, size: d.pt * 0.92pt, x))),
    table.hline(y: 1, stroke: 1pt),
    ..body,
  ))
  v(3mm)
  text(size: d.pt * 0.85pt, fill: gray, d.legend)
  v(4mm)
  grid(columns: (1fr, 1fr), [检查人：#blank(30mm)], align(right)[检查日期：#datefill])
})
"""



# ---- Typst literals -----------------------------------------------------------------------------------

_STR_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def lit(value: Any) -> str:
    """A Python value as a Typst code literal; strings are always string literals, never markup."""
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(round(value, 3))
    if isinstance(value, str):
        return '"' + "".join(_STR_ESCAPES.get(c, c if c.isprintable() else f"\\u{{{ord(c):x}}}") for c in value) + '"'
    if isinstance(value, dict):
        if not value:
            return "(:)"
        return "(" + ", ".join(f"{k}: {lit(v)}" for k, v in value.items()) + ",)"
    if isinstance(value, list | tuple):
        return "(" + "".join(f"{lit(v)}, " for v in value) + ")"
    raise TypeError(f"no Typst literal for {type(value).__name__}")


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


def compile_pdf(source: str) -> bytes:
    """Compile Typst source to PDF bytes; cached by the source (in memory, and on disk when set)."""
    key = cache.key(source)
    hit = cache.get("pdf", key)
    if hit is not None:
        return hit
    with _lock:
        pdf = bytes(_get_compiler().compile(input=source.encode("utf-8"), format="pdf"))
    cache.put("pdf", key, pdf)
    return pdf


def clear_cache() -> None:
    cache.clear_memory()


def page_count(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page\b", pdf))


def document(paper: Paper, title: str, footer: str, body: str) -> str:
    """A whole Typst document: page setup, the layout functions, then `body` (calls of them)."""
    paper_name = paper.size.lower()
    flipped = "true" if paper.orientation == "landscape" else "false"
    return (
        f'#set page(paper: "{paper_name}", flipped: {flipped}, margin: {paper.margin}mm, '
        f"footer-descent: 35%, footer: text(size: 7.5pt, fill: luma(85), {lit(footer)}))\n"
        f'#set text(font: "{SERIF}", size: {paper.body_pt}pt, lang: "zh", region: "cn")\n'
        f"#set par(leading: 0.45em)\n"
        f"#set document(title: {lit(title)})\n"
        + PREAMBLE + body
    )


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


def record_source(hb: Handbook, org: str, r: RecordType, shrink: float = 1.0) -> str:
    paper = record_paper(r)
    footer = retention_note(hb, r)
    if r.kind == "register":
        rp = plan_register(r, shrink)
        data = _head(org, r, paper) | {
            "widths": rp.widths, "rows": rp.rows, "row_h": rp.row_height, "head_h": rp.head_height, "head_pt": rp.header_pt,
            "columns": [{"label": c.label, "hint": c.hint} for c in r.columns], "pt": paper.body_pt,
            "fields": [f.label for f in r.fields], "approvals": [a.label for a in r.approvals],
            "approval_h": rp.approval_height, "signatures": r.signatures,
            "stacked": bool(r.approvals) and paper.inner_width / len(r.approvals) < 85}
        sheets = "\n#pagebreak()\n".join([f"#register-sheet({lit(data)})"] * max(1, r.pages))
        return document(paper, r.title, footer, sheets)
    if r.kind == "certificate":
        cp: CertificatePlan = plan_certificate(r, shrink)
        data = _head(org, r, paper) | {
            "stub_h": cp.stub_height, "cut_h": CUT_MM, "stub_gap": STUB_GAP_MM, "stub": _plan_data(cp.stub),
            "original": _plan_data(cp.original), "signatures": r.signatures}
        return document(paper, r.title, footer, f"#certificate-sheet({lit(data)})")
    fp = plan_form(r, shrink, fill=False)
    data = _head(org, r, paper) | {"plan": _plan_data(fp), "signatures": r.signatures}
    sheets = "\n#pagebreak()\n".join([f"#form-sheet({lit(data)})"] * max(1, r.pages))
    return document(paper, r.title, footer, sheets)


ROOMY = (1.2, 1.0, 0.9, 0.8, 0.7, 0.6, 0.5)  # forms: the size estimates are cautious, so try a roomier plan first
TIGHT = (1.0, 0.92, 0.84, 0.76, 0.68, 0.6)


def fit_pdf(make_source: Callable[[float], str], pages: int, shrinks: tuple[float, ...] = TIGHT) -> bytes:
    """Compile; if the sheet runs onto an extra page, plan for less height and compile again."""
    pdf = b""
    for shrink in shrinks:
        pdf = compile_pdf(make_source(shrink))
        if page_count(pdf) <= pages:
            return pdf
    return pdf


def record_pdf(hb: Handbook, org: str, r: RecordType) -> bytes:
    pages = max(1, r.pages) if r.kind != "certificate" else 1
    return fit_pdf(lambda shrink: record_source(hb, org, r, shrink), pages, ROOMY if r.kind == "form" else TIGHT)

