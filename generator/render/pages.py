"""What each generated page shows, as plain data: the renderers build these from the model and the
templates (generator/templates/*.md.j2, *.html.j2) write them out, escaping every piece of user text
on the way (see templating.py). Nothing here is escaped yet.

A `Ref` names another page or a place on this one: a `Link`, or plain text where the handbook does
not define what is named (an unknown id is shown as written)."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..model import Text
from .context import INDEX_PAGES, Context, procedure_page, record_page, role_page


@dataclass(frozen=True)
class Link:
    label: str  # user text
    href: str  # built by us: a relative .md path (Markdown) or a final URL (raw HTML), maybe with a #fragment


Ref = Link | str


@dataclass(frozen=True)
class Linker:
    """Links from one page. Markdown links name the .md file (MkDocs checks and rewrites them); links
    in raw HTML must already be final URLs, since MkDocs does not rewrite those."""

    ctx: Context
    page: str
    html: bool = False

    def href(self, target: str, fragment: str | None = None) -> str:
        base = self.ctx.url(self.page, target) if self.html else self.ctx.rel(self.page, target)
        return base + (f"#{fragment}" if fragment else "")

    def role(self, role_id: str | None) -> Ref | None:
        if not role_id:
            return None
        if role_id not in self.ctx.hb.roles:
            return role_id
        return Link(self.ctx.hb.role_title(role_id), self.href(role_page(role_id)))

    def roles(self, role_ids: list[str]) -> tuple[Ref, ...]:
        return tuple(ref for ref in map(self.role, role_ids) if ref)

    def record(self, record_id: str, with_code: bool = False) -> Ref:
        r = self.ctx.hb.records.get(record_id)
        if not r:
            return record_id
        return Link(f"{r.title}（{r.code}）" if with_code else f"《{r.title}》", self.href(record_page(r)))

    def procedure(self, proc_id: str, fragment: str | None = None, label: str | None = None) -> Ref:
        p = self.ctx.hb.procedures.get(proc_id)
        if not p:
            return proc_id
        return Link(p.title if label is None else label, self.href(procedure_page(p), fragment))

    def index(self, key: str) -> Link:
        path, title = INDEX_PAGES[key]
        return Link(title, self.href(path))


def anchor(label: str, fragment: str) -> Link:
    """A link to a place on the same page."""
    return Link(label, f"#{fragment}")


@dataclass(frozen=True)
class FrontMatter:
    """The YAML front matter of a page: title, the YAML file it comes from, search boost."""

    title: str
    source: str | None = None  # the YAML file the page was made from
    description: str | None = None
    tags: tuple[str, ...] = ()
    boost: float | None = None
    extra: dict = field(default_factory=dict)  # further keys, written as JSON


@dataclass(frozen=True)
class Change:
    """One line of a change log."""

    version: str
    date: str
    author: str | None
    summary: str


@dataclass(frozen=True)
class SourceRef:
    """A source document a page's content comes from (one of the seeds, a regulation)."""

    title: str
    section: str | None


# ---- tables written as raw HTML (the big index tables) ----


@dataclass(frozen=True)
class Cell:
    """One table cell: its parts one after another, `sep` between them, `empty` when there are none."""

    parts: tuple[Ref, ...] = ()
    sep: str = "、"
    empty: str = ""
    strong: bool = False
    sort: str | None = None  # the value the table sorts this column by (data-sort)


def cell(*parts: Ref | None, sep: str = "、", empty: str = "", strong: bool = False, sort: str | None = None) -> Cell:
    """A cell of the given parts, leaving out missing ones (None or "")."""
    return Cell(tuple(p for p in parts if p), sep, empty, strong, sort)


@dataclass(frozen=True)
class Table:
    head: tuple[Cell, ...]
    rows: list[tuple[Cell, ...]]


def heading(*labels: Ref) -> tuple[Cell, ...]:
    return tuple(Cell((label,)) for label in labels)


# ---- the procedure page ----


@dataclass(frozen=True)
class Meta:
    """The procedure's header table: code, version, status, owner and review dates."""

    code: str
    version: str
    status: str  # active, draft, retired
    status_name: str
    category: str
    owner: Ref | None
    effective: str
    last_review: str
    next_review: str  # ISO date
    overdue_days: int | None  # set when the review is overdue
    review_interval: int


@dataclass(frozen=True)
class Branch:
    """One way out of a decision step."""

    label: str
    target: Ref  # a step of this page, or 流程结束


@dataclass(frozen=True)
class StepRow:
    """One row of the steps table."""

    anchor: str
    number: int
    name: str
    role: Ref | None
    details: Text
    criteria: str | None
    branches: tuple[Branch, ...]
    goto: Ref | None  # where a step without branches goes when that is not the next row
    ends: bool  # the procedure ends here although rows follow
    risks: tuple[Link, ...]
    limits: tuple[str, ...]
    records: tuple[Ref, ...]


@dataclass(frozen=True)
class Decision:
    """A key decision point: the step, its criteria and where each answer leads."""

    number: int
    step: Link
    role: Ref | None
    criteria: str | None
    branches: tuple[Branch, ...]


@dataclass(frozen=True)
class LimitRow:
    """One row of the time limits summary."""

    step: Link
    role: Ref | None
    qualifier: str
    limit: str
    note: str


@dataclass(frozen=True)
class RiskRow:
    """One risk and its control, with the steps it is checked at."""

    id: str
    anchor: str
    risk: str
    level: str
    control: Text
    remedy: Text
    points: tuple[Link, ...]  # the steps that control it


@dataclass(frozen=True)
class ExceptionRow:
    """An exceptional case and what to do."""

    case: str
    action: Text


@dataclass(frozen=True)
class RecordUse:
    """A form the procedure uses, and at which steps."""

    record: Ref
    code: str | None
    steps: tuple[Link, ...]


@dataclass(frozen=True)
class InterfaceItem:
    """A link to another procedure (what comes before, after, or runs beside)."""

    relation: str
    procedure: Ref
    note: str | None
    mirrored: bool  # declared by the other procedure only


@dataclass(frozen=True)
class ProcedurePage:
    """Everything a procedure page shows, in the order of the office's procedure template."""

    front: FrontMatter
    id: str
    title: str
    summary: str | None
    meta: Meta
    keywords: tuple[str, ...]
    purpose: Text
    scope: Text
    chart: bool
    wall: str | None  # the paper of the 流程图上墙 PDF, when there is one
    steps: tuple[StepRow, ...]
    decisions: tuple[Decision, ...]
    decisions_text: Text
    inputs: Text
    outputs: Text
    monitoring: Text
    time_limits: tuple[LimitRow, ...]
    time_limits_index: Link
    risks: tuple[RiskRow, ...]
    exceptions: tuple[ExceptionRow, ...]
    records: tuple[RecordUse, ...]
    documents: Text
    policies: tuple[Link, ...]
    interfaces: tuple[InterfaceItem, ...]
    evidence: tuple[Ref, ...]
    training: Text
    review_note: Text
    changelog: tuple[Change, ...]
    sources: tuple[SourceRef, ...]


# ---- the record page ----


@dataclass(frozen=True)
class RecordUseLine:
    """A step that fills in or keeps the record."""

    procedure: Ref
    step: int | None  # None: the procedure's evidence
    step_name: str | None
    role: Ref | None


@dataclass(frozen=True)
class RecordPage:
    """Everything a record page shows: the form, its life cycle and retention, where it is used."""

    front: FrontMatter
    title: str
    code: str
    version: str
    kind: str
    paper: str
    retention: str
    archive: str  # when and as what it is archived (国家档案局令第10号), or 不归档
    secrecy: str | None
    keywords: tuple[str, ...]
    print_button: bool
    pdf: str | None
    pdf_a4: str | None
    purpose: Text
    stages: tuple[tuple[str, tuple[Ref, ...], str], ...]  # (stage, who or what, shown when empty)
    lifecycle_note: str | None
    evidences: tuple[Ref, ...]  # the records whose entries this one is the approval evidence of
    retention_index: Link
    uses: tuple[RecordUseLine, ...]
    task_roles: tuple[Ref, ...]
    instructions: Text
    form_html: str | None  # the blank form, HTML made by forms.py
    changelog: tuple[Change, ...]
    sources: tuple[SourceRef, ...]


# ---- the role page ----


@dataclass(frozen=True)
class RoleStep:
    """A step the role does."""

    step: Ref
    limits: tuple[str, ...]


@dataclass(frozen=True)
class RoleProcedure:
    """A procedure the role takes part in, with its steps there."""

    procedure: Ref
    code: str
    steps: tuple[RoleStep, ...]


@dataclass(frozen=True)
class TaskRow:
    """A recurring task of the role."""

    name: str
    when: str
    details: str
    related: tuple[Ref, ...]


@dataclass(frozen=True)
class TaskGroup:
    """The role's tasks of one frequency, with the printable checklist."""

    frequency: str
    checklist: str | None  # file name of the printable checklist
    tasks: tuple[TaskRow, ...]


@dataclass(frozen=True)
class RolePage:
    """Everything a role page shows: duties, steps in procedures and recurring tasks."""

    front: FrontMatter
    title: str
    summary: str | None
    meta: tuple[tuple[str, tuple[Ref, ...]], ...]  # (label, what; "—" when empty)
    keywords: tuple[str, ...]
    duties: tuple[str, ...]
    procedures: tuple[RoleProcedure, ...]
    tasks: tuple[TaskGroup, ...]


# ---- the home page ----


@dataclass(frozen=True)
class HomeProcedure:
    """A procedure on the home page."""

    link: Link
    summary: str | None


@dataclass(frozen=True)
class HomeCategory:
    """A category of procedures on the home page."""

    name: str
    procedures: tuple[HomeProcedure, ...]


@dataclass(frozen=True)
class HomeRecord:
    """A popular form on the home page, with a link to print it."""

    link: Link
    code: str
    form: Link


@dataclass(frozen=True)
class HomeChange:
    """A recent change on the home page."""

    date: str
    procedure: Link
    version: str
    summary: str


@dataclass(frozen=True)
class HomePage:
    """Everything the home page shows."""

    front: FrontMatter
    organisation: str
    site_title: str
    office: str
    stats: tuple[tuple[int, str], ...]  # (number, what)
    binder: bool
    overdue: int
    review_index: Link
    categories: tuple[HomeCategory, ...]
    popular: tuple[HomeRecord, ...]
    records_index: Link
    changes: tuple[HomeChange, ...]
    changes_index: Link
    indexes: tuple[Link, ...]


# ---- the indexes and the admin guide ----


@dataclass(frozen=True)
class IndexPage:
    """An audit index: a heading, a few fixed sentences (in its template) and its tables."""

    template: str
    front: FrontMatter
    title: str
    tables: tuple[Table, ...]
    downloads: str | None = None  # the name of its .xlsx/.csv files
    count: int | None = None  # what the sentences name: how many rows,
    today: str | None = None  # the date the page is as of,
    procedure: Ref | None = None  # or a procedure
    tree: tuple[tuple[int, Ref], ...] = ()  # (depth, role): the reporting lines


@dataclass(frozen=True)
class ErrorCode:
    """One problem code on the error codes page."""

    code: str
    title: str
    fix: str


@dataclass(frozen=True)
class ErrorGroup:
    """The problem codes of one kind."""

    title: str
    codes: tuple[ErrorCode, ...]


@dataclass(frozen=True)
class ErrorCodesPage:
    """The page listing every problem code and its fix."""

    front: FrontMatter
    groups: tuple[ErrorGroup, ...]
