"""The layout plan of a printable form, shared by the HTML preview and the Typst PDF.

Everything here is in millimetres. The plan decides how fields pair into rows, how tall each row is,
and how many blank rows a register gets, so that one sheet fills exactly one page of its paper.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from ..model import FormField, Handbook, RecordType
from .textwidth import LATIN_SERIF, ems

PAPER_MM = {"A4": (210.0, 297.0), "A5": (148.0, 210.0)}
MARGIN_MM = {"A4": 12.0, "A5": 10.0}  # docs/assets/forms.css uses the same @page margins
BODY_PT = {"A4": 10.5, "A5": 9.5}  # 五号 on A4, a little smaller on A5
PT_MM = 25.4 / 72
SAFETY_MM = 3.0  # what the HTML print keeps free, so that font differences never push a second page


@dataclass(frozen=True)
class Paper:
    size: str
    orientation: str

    @property
    def width(self) -> float:
        w, h = PAPER_MM[self.size]
        return h if self.orientation == "landscape" else w

    @property
    def height(self) -> float:
        w, h = PAPER_MM[self.size]
        return w if self.orientation == "landscape" else h

    @property
    def margin(self) -> float:
        return MARGIN_MM[self.size]

    @property
    def inner_width(self) -> float:
        return self.width - 2 * self.margin

    @property
    def inner_height(self) -> float:
        return self.height - 2 * self.margin

    @property
    def body_pt(self) -> float:
        return BODY_PT[self.size]

    @property
    def css_class(self) -> str:
        return f"hb-paper--{self.size}-{self.orientation}"

    @property
    def small(self) -> bool:
        return self.size == "A5"


def char_mm(pt: float) -> float:
    """Width of one Chinese character (one em) at a font size in points."""
    return pt * PT_MM


def text_lines(text: str, width_mm: float, pt: float) -> int:
    """Lines a text needs in a box: Chinese counts one em a character, Latin about half."""
    per_line = max(1.0, width_mm / char_mm(pt))
    return max(1, math.ceil(ems(text, LATIN_SERIF) / per_line - 1e-9))


def spaced_title(title: str) -> float:
    """Letter spacing (em) for a title: short titles are spread out as on printed office forms."""
    n = len(title)
    return 0.5 if n <= 4 else 0.25 if n <= 7 else 0.05


def retention_note(hb: Handbook, r: RecordType) -> str:
    lc = r.lifecycle
    text = f"保存期限：本单位{lc.retention_label}"
    if lc.archive_class:
        text += f"，归档后{lc.archive_label}"
    if lc.destroy:
        text += f" · 销毁责任人：{hb.role_title(lc.destroy)}"
    return text


# ---- sheet parts that every layout shares --------------------------------------------------------

HEAD_MM = {"A4": 26.0, "A5": 22.0}  # organisation, title, code line
TITLE_PT = {"A4": 18.0, "A5": 15.0}
ORG_PT = {"A4": 12.0, "A5": 10.5}
META_PT = {"A4": 9.0, "A5": 8.0}
FOOT_MM = 5.0  # retention note
SIGNS_MM = {"A4": 11.0, "A5": 9.0}  # one line of signatures under the table


# ---- forms -----------------------------------------------------------------------------------------

@dataclass
class Cell:
    field: FormField
    span: int  # 1 = half the row, 3 = label + the rest of the row


@dataclass
class Row:
    cells: list[Cell]
    height: float = 0.0  # planned minimum height in mm
    approvals: list[str] = field(default_factory=list)  # approval blocks: one a row, or two side by side

    @property
    def is_approval(self) -> bool:
        return bool(self.approvals)


@dataclass
class FormPlan:
    paper: Paper
    label_width: float
    rows: list[Row] = field(default_factory=list)
    signature_rows: int = 0
    scale: float = 1.0  # of the row heights; type shrinks less (see font_scale)

    @property
    def font_scale(self) -> float:
        """Type shrinks later and slower than the rows: 1.0 down to a row scale of 0.85, then 0.75 at 0.6."""
        return min(1.0, self.scale + 0.15)

    @property
    def pt(self) -> float:
        return round(self.paper.body_pt * self.font_scale, 2)

    @property
    def value_width(self) -> float:
        return (self.paper.inner_width - 2 * self.label_width) / 2


def pair_fields(fields: list[FormField]) -> list[Row]:
    """Two fields a row; a wide field (or a half field left alone) takes the whole row."""
    rows: list[Row] = []
    pending: FormField | None = None
    for f in fields:
        if f.wide:
            if pending:
                rows.append(Row([Cell(pending, 3)]))
                pending = None
            rows.append(Row([Cell(f, 3)]))
        elif pending:
            rows.append(Row([Cell(pending, 1), Cell(f, 1)]))
            pending = None
        else:
            pending = f
    if pending:
        rows.append(Row([Cell(pending, 3)]))
    return rows


def approval_rows(approvals: list[str], paired: bool) -> list[Row]:
    if not paired:
        return [Row([], approvals=[a]) for a in approvals]
    return [Row([], approvals=approvals[i:i + 2]) for i in range(0, len(approvals), 2)]


def label_width(paper: Paper, labels: list[str]) -> float:
    longest = max((len(label) for label in labels), default=4)
    ems = min(max(longest, 4), 7 if not paper.small else 6)
    return round(ems * char_mm(paper.body_pt) + 4.5, 1)


def choice_text(f: FormField) -> str:
    return "　".join(f"□{o}" for o in f.options)


def _row_height(plan: FormPlan, row: Row, base: float, line: float) -> float:
    pt = plan.pt
    h = base
    for c in row.cells:
        value_w = plan.value_width if c.span == 1 else plan.paper.inner_width - plan.label_width
        label_h = text_lines(c.field.label, plan.label_width - 4, pt) * line + 3
        f = c.field
        if f.type == "textarea":
            value_h = max(base, f.lines * line * 1.6 * plan.scale / plan.font_scale + 3)
        elif f.type == "choice":
            value_h = text_lines(choice_text(f) + ("　" + f.hint if f.hint else ""), value_w - 4, pt) * line + 3
        else:
            value_h = text_lines(f.hint or "", value_w - 4, pt * 0.82) * line * 0.85 + 3 if f.hint else 0
        h = max(h, label_h, value_h)
    return h


def plan_fields(paper: Paper, fields: list[FormField], approvals: list[str], avail: float,
                scale: float = 1.0, paired: bool = False, fill: bool = True) -> FormPlan:
    """Rows for fields and approval blocks; with `fill` sized so that they fill `avail` millimetres
    (the HTML print needs that; the PDF fills the page itself and takes the minimum heights)."""
    labels = [f.label for f in fields] + approvals
    plan = FormPlan(paper, label_width(paper, labels), scale=scale)
    plan.rows = pair_fields(fields) + approval_rows(approvals, paired)
    line = char_mm(plan.pt) * 1.45
    base = max((9.0 if not paper.small else 7.5) * scale, line + 2.2)
    for row in plan.rows:
        if not row.is_approval:
            row.height = _row_height(plan, row, base, line)
    fixed = sum(r.height for r in plan.rows if not r.is_approval)
    free = avail - fixed
    appr = [r for r in plan.rows if r.is_approval]
    if appr:
        min_h = (18.0 if not paper.small else 14.0) * scale
        for r in appr:
            r.height = max(min_h, free / len(appr)) if fill else min_h
    elif fill and free > 0:
        # no approval blocks: the multi-line fields share the free space (at most twice their size)
        areas = [r for r in plan.rows if any(c.field.type == "textarea" for c in r.cells)]
        total = sum(r.height for r in areas)
        for r in areas:
            r.height += min(r.height, free * r.height / total)
    return plan


def form_height(plan: FormPlan) -> float:
    return sum(r.height for r in plan.rows)


def fit_fields(paper: Paper, fields: list[FormField], approvals: list[str], avail: float, fill: bool = True) -> FormPlan:
    """The roomiest plan that fits `avail` millimetres: approvals one a row, else two a row, then smaller rows."""
    tries = [(False, 1.0)]
    steps = [round(1.0 - 0.05 * i, 2) for i in range(12)]  # 1.0 … 0.45
    tries += [(True, s) for s in steps] if len(approvals) > 1 else [(False, s) for s in steps[1:]]
    plan = None
    for paired, scale in tries:
        plan = plan_fields(paper, fields, approvals, avail, scale, paired, fill)
        if form_height(plan) <= avail + 0.01:
            return plan
    assert plan is not None
    return plan


def signature_rows(names: list[str]) -> int:
    return math.ceil(len(names) / 3) if names else 0


def plan_form(r: RecordType, shrink: float = 1.0, fill: bool = True) -> FormPlan:
    """`shrink` < 1 plans for less height (> 1 for more): the PDF tries a roomy plan first, and a tighter
    one whenever the sheet runs onto a second page."""
    paper = Paper(r.paper_size, r.orientation)
    signs = signature_rows(r.signatures)
    avail = paper.inner_height - HEAD_MM[paper.size] - FOOT_MM - signs * SIGNS_MM[paper.size] - SAFETY_MM
    plan = fit_fields(paper, r.fields, [a.label for a in r.approvals], avail * shrink, fill)
    plan.signature_rows = signs
    return plan


# ---- registers ------------------------------------------------------------------------------------

REG_APPROVAL_MM = {"A4": 22.0, "A5": 18.0}  # the row of approval boxes under a register's table
FIELD_LINE_MM = 8.0  # a line of "label：＿＿＿" blanks above a register's table
FIELDS_A_LINE = 4
MIN_ROW_MM = 5.0


@dataclass
class RegisterPlan:
    paper: Paper
    widths: list[float]  # column widths in mm
    head_height: float
    rows: int
    row_height: float
    header_pt: float
    field_lines: int = 0
    approval_height: float = 0.0
    signature_rows: int = 0


def plan_register(r: RecordType, shrink: float = 1.0) -> RegisterPlan:
    paper = Paper(r.paper_size, r.orientation)
    field_lines = math.ceil(len(r.fields) / FIELDS_A_LINE)
    approval_h = REG_APPROVAL_MM[paper.size] if r.approvals else 0.0
    signs = signature_rows(r.signatures)
    extra = field_lines * FIELD_LINE_MM + (approval_h + 2 if approval_h else 0) + signs * SIGNS_MM[paper.size]
    total = sum(c.width for c in r.columns) or 1.0
    widths = [paper.inner_width * c.width / total for c in r.columns]
    header_pt = paper.body_pt - 1
    line = char_mm(header_pt) * 1.35
    lines = [text_lines(c.label, w - 2.5, header_pt) + (text_lines(c.hint, w - 2.5, header_pt * 0.8) if c.hint else 0)
             for c, w in zip(r.columns, widths)]
    head = max(10.0 if not paper.small else 8.0, max(lines, default=1) * line + 3)
    avail = (paper.inner_height - HEAD_MM[paper.size] - FOOT_MM - head - SAFETY_MM - extra) * shrink
    target = 8.0 if not paper.small else 7.0
    # `rows` as written, but never so many that a row is lower than a line of handwriting
    rows = max(1, min(r.rows or math.floor(avail / target), math.floor(avail / MIN_ROW_MM)))
    return RegisterPlan(paper, widths, head, rows, avail / rows, header_pt, field_lines, approval_h, signs)


# ---- certificates (stub + original) ---------------------------------------------------------------

CUT_MM = 10.0
CERT_TOP_MM = 8.0
STUB_SHARE = 0.42
CERT_TITLE_MM = 16.0  # title and number line of each half
SEAL_MM = 30.0
STUB_GAP_MM = 3.0  # space between the stub's last line and the cut line
VALIDITY_LABEL = "有效期"


@dataclass
class CertificatePlan:
    paper: Paper
    stub_height: float
    original_height: float
    stub: FormPlan
    original: FormPlan
    fields: list[FormField]


def certificate_fields(r: RecordType) -> list[FormField]:
    """The fields, with a 有效期 field added when the YAML has none (a certificate always states it)."""
    fields = list(r.fields)
    if not any(VALIDITY_LABEL in f.label for f in fields):
        fields.append(FormField(VALIDITY_LABEL, "text", hint="自　　年　　月　　日至　　年　　月　　日", wide=True))
    return fields


def certificate_paper(r: RecordType) -> Paper:
    """Stub and original are printed one above the other on A4 portrait (each half is about A5 landscape)."""
    return Paper("A4", "portrait")


def record_paper(r: RecordType) -> Paper:
    """The sheet a record prints on."""
    return certificate_paper(r) if r.kind == "certificate" else Paper(r.paper_size, r.orientation)


def stub_fields(fields: list[FormField]) -> list[FormField]:
    """The stub keeps a short record of the certificate: no signature fields, one line for long text."""
    return [FormField(f.label, f.type, f.options, f.wide, 1, f.hint) if f.type == "textarea" else f
            for f in fields if f.type != "signature"]


def plan_certificate(r: RecordType, shrink: float = 1.0) -> CertificatePlan:
    paper = certificate_paper(r)
    fields = certificate_fields(r)
    body = (paper.inner_height - CERT_TOP_MM - FOOT_MM - CUT_MM - SAFETY_MM) * shrink
    stub_h = body * STUB_SHARE
    orig_h = body - stub_h
    signs = signature_rows(r.signatures)
    stub_avail = stub_h - CERT_TITLE_MM - signs * SIGNS_MM[paper.size] - STUB_GAP_MM
    stub = fit_fields(paper, stub_fields(fields), [a.label for a in r.approvals], stub_avail)
    stub.signature_rows = signs
    original = fit_fields(paper, fields, [], orig_h - CERT_TITLE_MM - SEAL_MM)
    spread(original, orig_h - CERT_TITLE_MM - SEAL_MM)
    return CertificatePlan(paper, stub_h, orig_h, stub, original, fields)


def spread(plan: FormPlan, avail: float, most: float = 1.5) -> None:
    """Grow every row (at most by `most`), then the multi-line fields, until the rows fill `avail`."""
    height = form_height(plan)
    if height <= 0 or height >= avail:
        return
    factor = min(most, avail / height)
    for r in plan.rows:
        r.height *= factor
    free = avail - form_height(plan)
    areas = [r for r in plan.rows if any(c.field.type == "textarea" for c in r.cells)]
    for r in areas:
        r.height += free / len(areas)
