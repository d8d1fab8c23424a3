"""The layout plan of a printable form, shared by the HTML preview and the Typst PDF.

Everything here is in millimetres. The plan decides how fields pair into rows, how tall each row is,
and how many blank rows a register gets, so that one sheet fills exactly one page of its paper.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from ..model import Block, FormField, Handbook, RecordType
from .textwidth import SERIF, break_lines, ems, min_width, width_mm

PAPER_MM = {"A4": (210.0, 297.0), "A5": (148.0, 210.0)}
MARGIN_MM = {"A4": 12.0, "A5": 10.0}  # docs/assets/forms.css uses the same @page margins
BODY_PT = {"A4": 10.5, "A5": 10.0}  # 五号 on A4, a little smaller on A5 (never below the floors)
PT_MM = 25.4 / 72
FOOTER_EXTRA_MM = 4.0
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
    def bottom_margin(self) -> float:
        """The bottom margin holds the footer (form code and retention), up to two lines of 9 pt."""
        return self.margin + FOOTER_EXTRA_MM

    @property
    def inner_height(self) -> float:
        return self.height - self.margin - self.bottom_margin

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
    return max(1, math.ceil(ems(text, SERIF) / per_line - 1e-9))


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
META_PT = {"A4": 9.0, "A5": 9.0}
FOOT_MM = 9.0  # form code and retention note (two lines at most), under the sheet
SIGNS_MM = {"A4": 11.0, "A5": 9.0}  # one line of signatures under the table


# ---- type floors ---------------------------------------------------------------------------------

LABEL_PT = 10.5  # 五号: every label, column head and approval name, on every paper
TEXT_PT = {"A4": 10.5, "A5": 10.0}  # values, choices, blanks, signature lines
HINT_PT = 9.0  # the smallest type on a sheet: hints, footer, number line
LETTER_PT = 12.0  # 小四: the text of letters and pledges
BLANK_EM = 1.0  # one "_" of a fill-in pattern: room for one handwritten character
FLOOR = {"label": LABEL_PT, "text": 9.0}


# ---- forms -----------------------------------------------------------------------------------------

@dataclass
class Cell:
    field: FormField
    span: int  # 1 = half the row, 3 = label + the rest of the row
    label_lines: list[str] = field(default_factory=list)


@dataclass
class Row:
    kind: str  # fields | approvals | signatures | items
    cells: list[Cell] = field(default_factory=list)
    approvals: list[list[str]] = field(default_factory=list)  # the label lines of each approval box
    signs: list[Block] = field(default_factory=list)
    items: Block | None = None
    height: float = 0.0  # planned height in mm
    min_height: float = 0.0  # the least a hand can write in


@dataclass
class Segment:
    """A run of the sheet: table rows, a paragraph, signature lines or the seal, in the YAML's order."""

    kind: str  # table | text | signs | seal
    rows: list[Row] = field(default_factory=list)
    block: Block | None = None
    signs: list[Block] = field(default_factory=list)
    height: float = 0.0


@dataclass
class FormPlan:
    paper: Paper
    label_width: float
    segments: list[Segment] = field(default_factory=list)
    avail: float = 0.0  # the height the segments may take
    letter: bool = False

    @property
    def rows(self) -> list[Row]:
        return [r for s in self.segments for r in s.rows]

    @property
    def pt(self) -> float:
        return TEXT_PT[self.paper.size]

    @property
    def value_width(self) -> float:
        return (self.paper.inner_width - 2 * self.label_width) / 2

    @property
    def min_height(self) -> float:
        return sum(_segment_min(s) for s in self.segments)

    @property
    def overflow(self) -> float:
        """Millimetres the sheet lacks at its smallest rows (> 0: it does not fit its paper)."""
        return self.min_height - self.avail


def _segment_min(s: Segment) -> float:
    return sum(r.min_height for r in s.rows) if s.kind == "table" else s.height


def blanks_ems(pattern: str) -> float:
    """Width of a fill-in pattern in em: each "_" is room for one handwritten character."""
    return ems(pattern.replace("_", ""), SERIF) + pattern.count("_") * BLANK_EM


def segments_of(blocks: list[Block]) -> list[tuple[str, list[Block]]]:
    """The layout cut into runs: consecutive table blocks, and signature runs that end the layout or come
    before a paragraph or the seal (those print as lines under the table, not as table rows)."""
    runs: list[tuple[str, list[Block]]] = []
    for i, b in enumerate(blocks):
        kind = b.kind if b.kind in ("text", "seal", "cut") else "table"
        if b.kind == "signature":
            rest = [x.kind for x in blocks[i + 1:] if x.kind != "signature"]
            if not rest or rest[0] in ("text", "seal", "cut"):
                kind = "signs"
        if runs and runs[-1][0] == kind and kind in ("table", "signs"):
            runs[-1][1].append(b)
        else:
            runs.append((kind, [b]))
    return runs


DATE_FILL = "　　　年　　月　　日"


def table_rows(blocks: list[Block], half_value_mm: float = 1e9, pt: float = 10.5) -> list[Row]:
    """Two half fields a row; a wide field (or a half field left alone) takes the whole row; approval
    boxes, item grids and signature rows each take a row of their own, all in the YAML's order."""
    rows: list[Row] = []
    pending: FormField | None = None

    def flush() -> None:
        nonlocal pending
        if pending:
            rows.append(Row("fields", [Cell(pending, 3)]))
            pending = None

    for b in blocks:
        if b.kind == "field" and b.field is not None:
            f = b.field
            too_narrow = f.type == "date" and width_mm(DATE_FILL, pt) + 4 > half_value_mm
            if f.wide or f.type == "textarea" or too_narrow or (f.blanks and blanks_ems(f.blanks) > 14):
                flush()
                rows.append(Row("fields", [Cell(f, 3)]))
            elif pending:
                rows.append(Row("fields", [Cell(pending, 1), Cell(f, 1)]))
                pending = None
            else:
                pending = f
            continue
        flush()
        if b.kind == "approval":
            rows.append(Row("approvals", approvals=[[b.label]]))
        elif b.kind == "items":
            rows.append(Row("items", items=b))
        elif b.kind == "signature":
            if rows and rows[-1].kind == "signatures" and len(rows[-1].signs) < 2:
                rows[-1].signs.append(b)
            else:
                rows.append(Row("signatures", signs=[b]))
    flush()
    return rows


def label_width(paper: Paper, labels: list[str]) -> float:
    """The label column: as wide as the longest label (at most 7 em on A4 and 6 on A5; a longer one
    wraps, balanced), at least 4 em."""
    longest = max((ems(label, SERIF) for label in labels), default=4.0)
    cap = 6.0 if paper.small else 7.0
    width = min(max(longest, 4.0), cap)
    return round(width * char_mm(LABEL_PT) + 4.5, 1)


def choice_text(f: FormField) -> str:
    return "　".join(f"□{o}" for o in f.options)


MIN_ROW_MM = {"A4": 8.5, "A5": 8.0}  # a line of handwriting with the box's padding
NOMINAL_ROW_MM = {"A4": 10.5, "A5": 9.5}
APPROVAL_MM = {"A4": (24.0, 17.0), "A5": (19.0, 15.0)}  # nominal, least
ITEM_ROW_MM = (8.0, 7.0)
HAND_LINE_MM = 7.5  # one handwritten line of a multi-line field


def _label_lines(label: str, width: float) -> list[str]:
    return break_lines(label, width - 4.0, LABEL_PT)


def _line_mm(pt: float) -> float:
    return char_mm(pt) * 1.45


def _value_lines(f: FormField, width: float, pt: float) -> int:
    if f.type == "choice":
        words = [f"□{o}" for o in f.options]
        per_line, lines, used = (width - 4) / char_mm(pt), 1, 0.0
        for w in words:
            wem = ems(w, SERIF) + 1
            if used and used + wem > per_line:
                lines, used = lines + 1, 0.0
            used += wem
        return lines
    if f.blanks:
        return text_lines_em(blanks_ems(f.blanks), width - 4, pt)
    return 1


def text_lines_em(width_em: float, width_mm: float, pt: float) -> int:
    per_line = max(1.0, width_mm / char_mm(pt))
    return max(1, math.ceil(width_em / per_line - 1e-9))


def _plan_row(plan: FormPlan, row: Row) -> None:
    size = plan.paper.size
    lw = plan.label_width
    pt = plan.pt
    if row.kind == "approvals":
        row.approvals = [_label_lines(a[0], lw) for a in row.approvals]
        nominal, least = APPROVAL_MM[size]
        label_h = max(len(a) for a in row.approvals) * _line_mm(LABEL_PT) + 3
        row.height, row.min_height = max(nominal, label_h), max(least, label_h)
        return
    if row.kind == "items":
        assert row.items is not None
        head = max(text_lines(c, 22, LABEL_PT) for c in row.items.items) * _line_mm(LABEL_PT) + 3
        row.height = head + row.items.rows * ITEM_ROW_MM[0]
        row.min_height = head + row.items.rows * ITEM_ROW_MM[1]
        return
    if row.kind == "signatures":
        row.height, row.min_height = NOMINAL_ROW_MM[size] + 1, MIN_ROW_MM[size] + 1
        return
    nominal, least = NOMINAL_ROW_MM[size], MIN_ROW_MM[size]
    for c in row.cells:
        value_w = plan.value_width if c.span == 1 else plan.paper.inner_width - lw
        c.label_lines = _label_lines(c.field.label, lw)
        label_h = len(c.label_lines) * _line_mm(LABEL_PT) + 3
        f = c.field
        if f.type == "textarea":
            hint_h = _line_mm(HINT_PT) if f.hint else 0
            need_n, need_l = f.lines * HAND_LINE_MM * 1.25 + hint_h + 3, f.lines * HAND_LINE_MM + hint_h + 2
        else:
            lines = _value_lines(f, value_w, pt)
            hint_lines = text_lines(f.hint, value_w - 4, HINT_PT) if f.hint and f.type != "choice" else 0
            extra = (lines - 1) * _line_mm(pt) * (1.6 if f.blanks else 1) + hint_lines * _line_mm(HINT_PT)
            need_n, need_l = nominal + extra, least + extra
        row.height = max(row.height, label_h, need_n)
        row.min_height = max(row.min_height, label_h, need_l)


def _plan_text(plan: FormPlan, seg: Segment) -> None:
    b = seg.block
    assert b is not None
    pt = LETTER_PT * (1.4 if b.large else 1) if plan.letter else plan.pt * (1.4 if b.large else 1)
    width = plan.paper.inner_width - (2 * char_mm(pt) if b.indent else 0)
    n = text_lines_em(blanks_ems(b.label), width, pt)
    seg.height = n * char_mm(pt) * (2.0 if "_" in b.label else 1.6) + 2


def plan_blocks(paper: Paper, blocks: list[Block], avail: float, letter: bool = False) -> FormPlan:
    """The segments and rows of a sheet's layout, at their nominal heights, and how much room they have."""
    labels = [b.label for b in blocks if b.kind in ("field", "approval")]
    plan = FormPlan(paper, label_width(paper, labels), avail=avail, letter=letter)
    for kind, run in segments_of(blocks):
        seg = Segment(kind)
        if kind == "table":
            seg.rows = table_rows(run, plan.value_width, plan.pt)
            for row in seg.rows:
                _plan_row(plan, row)
        elif kind == "signs":
            seg.signs = run
            seg.height = math.ceil(len(run) / 3) * SIGNS_MM[paper.size]
        elif kind in ("seal", "cut"):
            seg.block = run[0]
            seg.height = SEAL_MM if kind == "seal" else CUT_MM
        else:
            seg.block = run[0]
            _plan_text(plan, seg)
        plan.segments.append(seg)
    return plan


def form_height(plan: FormPlan) -> float:
    return sum(r.height for r in plan.rows) + sum(s.height for s in plan.segments if s.kind != "table")


def squeeze(plan: FormPlan, avail: float) -> None:
    """Lower the rows (never below their least height, never the type) until the sheet fits `avail`."""
    over = form_height(plan) - avail
    if over <= 0:
        return
    slack = sum(r.height - r.min_height for r in plan.rows)
    if slack <= 0:
        return
    factor = min(1.0, over / slack)
    for r in plan.rows:
        r.height -= (r.height - r.min_height) * factor


def sheet_avail(paper: Paper, pages: int = 1) -> float:
    """The height a form's blocks may take (the footer is in the bottom margin)."""
    return (paper.inner_height - HEAD_MM[paper.size] - SAFETY_MM) + (pages - 1) * (paper.inner_height - SAFETY_MM)


def plan_form(r: RecordType, shrink: float = 1.0, fill: bool = False) -> FormPlan:
    """A form's plan. `shrink` < 1 plans for less height (the PDF is planned again with less room
    whenever it runs onto an extra page); only row heights shrink, never the type."""
    paper = Paper(r.paper_size, r.orientation)
    avail = sheet_avail(paper, max(1, r.pages))
    plan = plan_blocks(paper, r.layout, avail)
    squeeze(plan, avail * shrink)
    return plan


# ---- registers ------------------------------------------------------------------------------------

REG_APPROVAL_MM = {"A4": 22.0, "A5": 18.0}  # the row of approval boxes under a register's table
FIELD_LINE_MM = 8.0  # a line of "label：＿＿＿" blanks above a register's table
FIELDS_A_LINE = 4
REG_MIN_ROW_MM = 6.0


def signature_rows(names: list[str]) -> int:
    return math.ceil(len(names) / 3) if names else 0


@dataclass
class RegisterPlan:
    paper: Paper
    widths: list[float]  # column widths in mm
    head_height: float
    rows: int
    row_height: float
    header_pt: float
    head_lines: list[list[str]] = field(default_factory=list)  # each column's label, broken into lines
    field_lines: int = 0
    approval_height: float = 0.0
    signature_rows: int = 0


def column_widths(total_w: float, weights: list[float], labels: list[str], pt: float, pad: float = 2.5) -> list[float]:
    """Column widths in proportion to `weights`, but each at least as wide as its label needs to print
    without a lone-character line (in at most three lines); the difference comes from the wider columns."""
    total = sum(weights) or 1.0
    widths = [total_w * w / total for w in weights]
    need = [min_width(label, pt) + pad + 0.3 for label in labels]
    for _ in range(len(widths)):
        short = [i for i, w in enumerate(widths) if w < need[i] - 1e-6]
        if not short:
            break
        lack = sum(need[i] - widths[i] for i in short)
        for i in short:
            widths[i] = need[i]
        spare = [i for i in range(len(widths)) if i not in short and widths[i] > need[i]]
        room = sum(widths[i] - need[i] for i in spare)
        if room <= 0:
            break
        for i in spare:
            widths[i] -= lack * (widths[i] - need[i]) / room
    return widths


def plan_register(r: RecordType, shrink: float = 1.0) -> RegisterPlan:
    paper = Paper(r.paper_size, r.orientation)
    field_lines = math.ceil(len(r.fields) / FIELDS_A_LINE)
    approval_h = REG_APPROVAL_MM[paper.size] if r.approvals else 0.0
    signs = signature_rows(r.signatures)
    extra = field_lines * FIELD_LINE_MM + (approval_h + 2 if approval_h else 0) + signs * SIGNS_MM[paper.size]
    header_pt = LABEL_PT
    widths = column_widths(paper.inner_width, [c.width for c in r.columns], [c.label for c in r.columns], header_pt)
    head_lines = [break_lines(c.label, w - 2.5, header_pt) for c, w in zip(r.columns, widths)]
    lines = [len(hl) * char_mm(header_pt) * 1.35 + (text_lines(c.hint, w - 2.5, HINT_PT) * char_mm(HINT_PT) * 1.35 if c.hint else 0)
             for c, w, hl in zip(r.columns, widths, head_lines)]
    head = max(10.0 if not paper.small else 8.0, max(lines, default=1.0) + 3)
    avail = (paper.inner_height - HEAD_MM[paper.size] - FOOT_MM - head - SAFETY_MM - extra) * shrink
    target = 8.0 if not paper.small else 7.0
    # `rows` as written, but never so many that a row is lower than a line of handwriting
    rows = max(1, min(r.rows or math.floor(avail / target), math.floor(avail / REG_MIN_ROW_MM)))
    return RegisterPlan(paper, widths, head, rows, avail / rows, header_pt, head_lines, field_lines, approval_h, signs)


# ---- certificates (stub + original) ---------------------------------------------------------------

CUT_MM = 10.0
SEAL_MM = 18.0
HALF_MARGIN = {"x": 14.0, "top": 9.0, "bottom": 7.0}  # inside each A5 half of the sheet
CERT_TITLE_MM = 17.0  # title and number line of each half
VALIDITY_LABEL = "有效期"


@dataclass
class CertificatePlan:
    paper: Paper  # the A4 sheet
    half: Paper  # each half: A5 landscape
    stub: FormPlan
    original: FormPlan


def certificate_paper(r: RecordType) -> Paper:
    """Stub and original are printed one above the other on A4 portrait; cut at the middle, each half is A5 landscape."""
    return Paper("A4", "portrait")


def record_paper(r: RecordType) -> Paper:
    """The sheet a record prints on."""
    return certificate_paper(r) if r.kind == "certificate" else Paper(r.paper_size, r.orientation)


def certificate_blocks(r: RecordType) -> tuple[list[Block], list[Block]]:
    """(stub, original). Without a `stub:` the stub is made from the original's fields (one line for long
    text) and takes the signatures; the original always ends with the seal line."""
    original = [b for b in r.layout if b.kind != "signature" or r.stub]
    letter = any(b.kind == "text" for b in original)
    if not letter and not any(VALIDITY_LABEL in f.label for f in r.fields):
        f = FormField(VALIDITY_LABEL, "text", wide=True, blanks="自开具之日起__天内有效")
        original.append(Block("field", f.label, field=f))
    if not any(b.kind == "seal" for b in original):
        original.append(Block("seal", ""))
    if r.stub:
        return list(r.stub), original
    stub = [Block("field", b.label, field=FormField(b.field.label, b.field.type, b.field.options, b.field.wide, 1,
                                                      b.field.hint, b.field.blanks))
            for b in original if b.field is not None and b.field.type != "signature"]
    stub += [b for b in r.layout if b.kind == "signature"]
    return stub, original


def plan_certificate(r: RecordType, shrink: float = 1.0) -> CertificatePlan:
    paper = certificate_paper(r)
    half = Paper("A5", "landscape")
    inner_w = half.width - 2 * HALF_MARGIN["x"]
    avail = (half.height - HALF_MARGIN["top"] - HALF_MARGIN["bottom"] - CERT_TITLE_MM - FOOT_MM) * shrink
    stub_blocks, original_blocks = certificate_blocks(r)
    half_paper = _HalfPaper(half, inner_w)
    stub = plan_blocks(half_paper, stub_blocks, avail, letter=any(b.kind == "text" for b in stub_blocks))
    squeeze(stub, avail)
    original = plan_blocks(half_paper, original_blocks, avail + FOOT_MM, letter=any(b.kind == "text" for b in original_blocks))
    squeeze(original, avail + FOOT_MM)
    return CertificatePlan(paper, half, stub, original)


class _HalfPaper(Paper):
    """An A5 half of a certificate sheet, with the half's own inner width."""

    def __init__(self, half: Paper, inner_w: float) -> None:
        object.__setattr__(self, "size", half.size)
        object.__setattr__(self, "orientation", half.orientation)
        object.__setattr__(self, "_inner_w", inner_w)

    @property
    def inner_width(self) -> float:
        return self._inner_w  # type: ignore[attr-defined]


def overflow(r: RecordType) -> float:
    """Millimetres a record's sheet lacks at its least row heights and the type floors (0 when it fits)."""
    if r.kind == "certificate":
        cp = plan_certificate(r)
        return max(0.0, cp.stub.overflow, cp.original.overflow)
    if r.kind == "register":
        return 0.0
    return max(0.0, plan_form(r).overflow)
