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

from ..memo import per_object
from ..model import Handbook, RecordType
from . import cache
from .form_layout import (
    BLANK_EM,
    HALF_MARGIN,
    HINT_PT,
    LABEL_PT,
    LETTER_PT,
    META_PT,
    ORG_PT,
    PT_MM,
    TITLE_PT,
    CertificatePlan,
    FormPlan,
    Paper,
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


def _compile(input: bytes, data_json: str | None = None, fmt: str = "pdf", page: int = 0) -> bytes:
    sys_inputs = {} if data_json is None else {"data": data_json}
    with _lock:
        out = _get_compiler().compile(input=input, format=fmt, sys_inputs=sys_inputs)
    if isinstance(out, list):  # an SVG is one page
        return bytes(out[min(page, len(out) - 1)])
    return bytes(out)


@functools.cache
def template(name: str) -> bytes:
    """A layout file of templates/ (a plain file name: the templates are a fixed, flat set)."""
    if Path(name).name != name or not name.endswith(".typ"):
        raise ValueError(f"not a template name: {name!r}")
    return (TEMPLATES / name).read_bytes()


def compile_in_folder(template_name: str, data_json: str, files: dict[str, str | bytes], prefix: str = "handbook-typst-") -> bytes:
    """templates/<template_name> with `data_json` as sys.inputs.data, compiled in a temporary folder that
    holds `files` (relative path → text or bytes: the charts and forms it reads as images)."""
    import tempfile

    import typst

    with tempfile.TemporaryDirectory(prefix=prefix) as tmp:
        root = Path(tmp)
        for rel, content in files.items():
            target = root / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, str):
                target.write_text(content, encoding="utf-8")
            else:
                target.write_bytes(content)
        (root / "main.typ").write_bytes(template(template_name))  # the images are found next to it
        return bytes(typst.compile(str(root / "main.typ"), root=str(root), font_paths=[font_dir()], ignore_system_fonts=True,
                                   format="pdf", sys_inputs={"data": data_json}))


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


def page_setup(paper: Paper, title: str, footer: str, code: str = "", two_up: bool = False) -> dict[str, Any]:
    """The page of a sheet: paper, margins, footer (the form code left, the note right), document title
    and fonts, as data for the template. `two_up`: two copies of the A5 sheet on one A4 page."""
    return {"paper": paper.size.lower(), "flipped": paper.orientation == "landscape", "margin": paper.margin,
            "bottom": paper.bottom_margin, "width": paper.width, "height": paper.height,
            "footer": footer, "code": code, "title": title, "serif": SERIF, "sans": SANS, "body_pt": paper.body_pt,
            "foot_pt": HINT_PT, "two_up": two_up}


def sheet_job(paper: Paper, title: str, footer: str, kind: str, sheet: dict[str, Any], copies: int = 1,
              code: str = "", two_up: bool = False) -> str:
    """The JSON text templates/sheets.typ reads: page setup, which sheet, its data and how many pages of it."""
    return job_json({"page": page_setup(paper, title, footer, code, two_up), "kind": kind, "sheet": sheet, "copies": copies})


# ---- records --------------------------------------------------------------------------------------------

def sheet_data(paper: Paper, org: str, title: str) -> dict[str, Any]:
    """What every sheet's head needs, and the page's inner size (for filling it)."""
    return {"org": org, "title": title, "tracking": spaced_title(title), "title_pt": TITLE_PT[paper.size],
            "org_pt": ORG_PT[paper.size], "meta_pt": META_PT[paper.size],
            "inner_w": paper.inner_width, "inner_h": paper.inner_height}


NUMBERS = {"no": "No.", "zi": "（　　　）字第　　　　号"}


def _head(org: str, r: RecordType, paper: Paper) -> dict[str, Any]:
    return sheet_data(paper, org, r.title) | {"code": r.code, "version": r.version, "number": r.number,
                                              "number_text": NUMBERS.get(r.number)}


def fill_in(pattern: str, line_em: float = 40.0, start: float = 0.0) -> list[dict[str, Any]]:
    """A fill-in pattern as pieces: {"t": text} and {"b": width in em} for each run of "_" (one em a
    character). A run longer than what is left of its line fills that line and goes on over the next
    ones, so "一、______…" is one long blank, not a bare "一、" and an underline on the line below.
    `start` is where the first line begins (a first-line indent), in em."""
    from .textwidth import SERIF, ems

    room = line_em - 1  # a little slack: the measured widths are the font's, the break is Typst's
    col = start
    pieces: list[dict[str, Any]] = []
    for part in re.split(r"(_+)", pattern):
        if not part:
            continue
        if not part.startswith("_"):
            pieces.append({"t": part})
            col = (col + ems(part, SERIF)) % line_em
            continue
        want = len(part) * BLANK_EM
        while want > 0:
            left = room - col
            if left < 2:  # not worth a stub: the blank starts on the next line
                col, left = 0.0, room
            piece = min(want, left)
            pieces.append({"b": piece})
            want -= piece
            col = col + piece if want <= 0 else 0.0
    return pieces


def _cell(c) -> dict[str, Any]:
    f = c.field
    return {"label": c.label_lines or [f.label], "type": f.type, "hint": f.hint, "span": c.span,
            "choices": [f"□{o}" for o in f.options] if f.type == "choice" else None,
            "blanks": fill_in(f.blanks) if f.blanks else None, "lines": f.lines}


def _row(row) -> dict[str, Any]:
    data: dict[str, Any] = {"kind": row.kind, "h": row.height, "min_h": row.min_height}
    if row.kind == "fields":
        data["cells"] = [_cell(c) for c in row.cells]
    elif row.kind == "approvals":
        data["approvals"] = row.approvals
    elif row.kind == "signatures":
        data["signs"] = [{"label": b.label, "date": b.date} for b in row.signs]
    else:
        items = row.items
        widths = items.widths if len(items.widths) == len(items.items) else [max(1.0, len(c) / 2) for c in items.items]
        data["items"] = {"columns": items.items, "rows": items.rows, "widths": widths}
    return data


def _segment(seg, line_em: float) -> dict[str, Any]:
    if seg.kind == "table":
        return {"kind": "table", "rows": [_row(r) for r in seg.rows]}
    if seg.kind == "signs":
        return {"kind": "signs", "names": [{"label": b.label, "date": b.date} for b in seg.signs]}
    b = seg.block
    if seg.kind == "seal":
        return {"kind": "seal", "text": b.label}
    if seg.kind == "cut":
        return {"kind": "cut", "text": b.label}
    return {"kind": "text", "pieces": fill_in(b.label, line_em, 2 if b.indent else 0), "align": b.align, "indent": b.indent,
            "large": b.large}


def _plan_data(plan: FormPlan) -> dict[str, Any]:
    return {"lw": plan.label_width, "pt": plan.pt, "label_pt": LABEL_PT, "hint_pt": HINT_PT,
            "letter_pt": LETTER_PT if plan.letter else plan.pt,
            "segments": [_segment(s, plan.paper.inner_width / (LETTER_PT if plan.letter else plan.pt) / PT_MM) for s in plan.segments]}


def record_inputs(hb: Handbook, org: str, r: RecordType, shrink: float = 1.0) -> str:
    """The JSON text templates/sheets.typ typesets the record from (its sheet planned `shrink` times as tall)."""
    return _record_inputs(org, retention_note(hb, r), r, shrink)


def _record_inputs(org: str, footer: str, r: RecordType, shrink: float, two_up: bool = False) -> str:
    return _inputs_of(r, org, footer, shrink, two_up)


@per_object(rest_in_key=True)  # `serve`: the job keys of 500 unchanged records are not planned again
def _inputs_of(r: RecordType, org: str, footer: str, shrink: float, two_up: bool) -> str:
    paper = record_paper(r)
    code = f"表单编号：{r.code}　版本：{r.version}"
    if r.kind == "register":
        rp = plan_register(r, shrink)
        data = _head(org, r, paper) | {
            "widths": rp.widths, "rows": rp.rows, "row_h": rp.row_height, "head_h": rp.head_height, "head_pt": rp.header_pt,
            "columns": [{"label": lines, "hint": c.hint} for c, lines in zip(r.columns, rp.head_lines)], "pt": paper.body_pt,
            "hint_pt": HINT_PT,
            "fields": [f.label for f in r.fields], "approvals": [a.label for a in r.approvals],
            "approval_h": rp.approval_height, "signatures": [{"label": x, "date": False} for x in r.signatures],
            "stacked": bool(r.approvals) and paper.inner_width / len(r.approvals) < 85}
        return sheet_job(paper, r.title, footer, "register", data, max(1, r.pages), code, two_up)
    if r.kind == "certificate":
        cp: CertificatePlan = plan_certificate(r, shrink)
        data = _head(org, r, paper) | {
            "half_w": cp.half.width, "half_h": cp.half.height, "half_margin": HALF_MARGIN,
            "half_inner_w": cp.half.width - 2 * HALF_MARGIN["x"], "stub": _plan_data(cp.stub),
            "original": _plan_data(cp.original)}
        return sheet_job(paper, r.title, footer, "certificate", data, 1, code)
    fp = plan_form(r, shrink)
    data = _head(org, r, paper) | {"plan": _plan_data(fp)}
    return sheet_job(paper, r.title, footer, "form", data, 1, code, two_up)  # a form runs on to its further pages


record_source = record_inputs  # the old name


ROOMY = (1.2, 1.0, 0.9, 0.8, 0.7, 0.6, 0.5)  # forms: the size estimates are cautious, so try a roomier plan first
TIGHT = (1.0, 0.92, 0.84, 0.76, 0.68, 0.6)


def fit_pdf(make_inputs: Callable[[float], str], pages: int, shrinks: tuple[float, ...] = TIGHT,
            template_name: str = SHEETS) -> bytes:
    """Compile the JSON text `make_inputs(shrink)` with the template; if the sheet runs onto an extra
    page, plan for less height and compile again."""
    return fit(make_inputs, pages, shrinks, template_name)[0]


def fit(make_inputs: Callable[[float], str], pages: int, shrinks: tuple[float, ...] = TIGHT,
        template_name: str = SHEETS) -> tuple[bytes, str]:
    """(PDF, the JSON text it was compiled from) of the roomiest plan that keeps to `pages` pages."""
    pdf, data = b"", ""
    for shrink in shrinks:
        data = make_inputs(shrink)
        pdf = compile_sheet(template_name, data)
        if page_count(pdf) <= pages:
            break
    return pdf, data


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

    fmt: str = "pdf"  # pdf | svg (a page, shown on the record page) | a4 (an A5 sheet two-up on A4)
    page: int = 0  # of an SVG

    def make(self) -> bytes:
        r = self.record
        pages = max(1, r.pages) if r.kind != "certificate" else 1
        two_up = self.fmt == "a4"
        pdf, data = fit(lambda shrink: _record_inputs(self.org, self.footer, r, shrink, two_up), pages,
                        ROOMY if r.kind == "form" else TIGHT)
        return _compile(template(SHEETS), data, "svg", self.page) if self.fmt == "svg" else pdf


def svg_pages(r: RecordType) -> int:
    """The pages of a record's sheet that differ (a register's further pages repeat its first)."""
    return max(1, r.pages) if r.kind == "form" else 1


def record_job(hb: Handbook, org: str, r: RecordType, fmt: str = "pdf", page: int = 0) -> RecordJob:
    footer = retention_note(hb, r)
    # keyed by the data of its first plan (which covers everything the record shows)
    first = _record_inputs(org, footer, r, (ROOMY if r.kind == "form" else TIGHT)[0], fmt == "a4")
    return RecordJob(cache.key("sheet", fmt, str(page), first), org, footer, r, r.path, fmt, page)


def record_pdf(hb: Handbook, org: str, r: RecordType) -> bytes:
    """One record's PDF, made here (for tests and tools; the site's PDFs go through the engine)."""
    return record_job(hb, org, r).run()
