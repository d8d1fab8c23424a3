"""The data model: procedures, steps, record types, roles — each value keeps where it was written."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from .labels import ARCHIVE_CLASS_NAMES, FREQUENCY_NAMES, RETENTION_NAMES, UNIT_NAMES, URGENCY_NAMES, cn_number
from .yamlsource import SourceMap

Text = str | list[str] | None

UNIT_MINUTES = {"minute": 1, "hour": 60, "day": 1440, "workday": 1440, "week": 10080, "month": 43200}


def as_list(text: Text) -> list[str]:
    if text is None:
        return []
    return [text] if isinstance(text, str) else list(text)


@dataclass(frozen=True)
class Src:
    """Where an object was written: its file (relative to the handbook root, with forward slashes)
    and its key path inside it. Plain data: the line:col come from the handbook's source map,
    `hb.sources.pos(obj.src, *keys)`."""

    path: str
    base: tuple = ()


class _OwnFile:
    """A procedure, record type or role: each is a file of its own, written at `self.src`."""

    src: Src

    @property
    def path(self) -> str:
        """The file, relative to the handbook root (procedures/gongwen/shouwen.yaml)."""
        return self.src.path


@dataclass
class TimeLimit:
    amount: float
    unit: str
    kind: str = "within"
    start: str | None = None  # `from` in YAML
    urgency: str | None = None
    condition: str | None = None
    note: str | None = None

    @property
    def amount_text(self) -> str:
        a = self.amount
        return str(int(a)) if float(a).is_integer() else f"{a:g}"

    @property
    def short(self) -> str:
        """Compact label for charts and tables: ≤2小时, 提前3日."""
        span = f"{self.amount_text}{UNIT_NAMES[self.unit]}"
        return f"提前{span}" if self.kind == "before" else f"≤{span}"

    @property
    def minutes(self) -> float:
        return self.amount * UNIT_MINUTES[self.unit]

    @property
    def qualifier(self) -> str:
        parts = [URGENCY_NAMES[self.urgency] if self.urgency else "", self.condition or ""]
        return "·".join(p for p in parts if p)

    def describe(self) -> str:
        span = f"{self.amount_text}{UNIT_NAMES[self.unit]}"
        if self.kind == "before":
            text = f"{self.start}前{span}" if self.start else f"提前{span}"
        else:
            text = f"自{self.start}起{span}内" if self.start else f"{span}内"
        return f"{self.qualifier}：{text}" if self.qualifier else text


@dataclass
class Branch:
    label: str
    next: str
    src: Src


@dataclass
class Step:
    id: str
    name: str
    role: str
    index: int  # 0-based position in the procedure
    src: Src
    details: Text = None
    records: list[str] = field(default_factory=list)
    time_limits: list[TimeLimit] = field(default_factory=list)
    risks: list[str] = field(default_factory=list)
    criteria: str | None = None
    next: str | None = None
    branches: list[Branch] = field(default_factory=list)

    @property
    def number(self) -> int:
        return self.index + 1

    @property
    def anchor(self) -> str:
        return f"step-{self.id}"

    @property
    def is_decision(self) -> bool:
        return bool(self.branches)

    def targets(self) -> list[str]:
        if self.branches:
            return [b.next for b in self.branches]
        return [self.next] if self.next else []


@dataclass
class Risk:
    id: str
    risk: str
    control: Text
    level: str | None = None
    remedy: Text = None


@dataclass
class ExceptionCase:
    case: str
    action: Text


@dataclass
class Interface:
    procedure: str
    relation: str
    src: Src
    note: str | None = None


@dataclass
class Change:
    """One entry of a change log (`changelog:` in YAML)."""

    version: str
    date: str
    summary: str
    author: str | None = None


@dataclass
class Source:
    """Where content comes from: a source document and its section."""

    doc: str
    section: str | None = None


@dataclass
class Procedure(_OwnFile):
    id: str
    code: str
    title: str
    category: str
    version: str
    status: str
    owner: str
    effective: str
    review_interval: int
    last_review: str
    src: Src
    folder: str
    review_note: Text = None
    summary: str | None = None
    tags: list[str] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    purpose: Text = None
    scope: Text = None
    steps: list[Step] = field(default_factory=list)
    decisions: Text = None
    inputs: Text = None
    outputs: Text = None
    monitoring: Text = None
    exceptions: list[ExceptionCase] = field(default_factory=list)
    documents: Text = None
    training: Text = None
    risks: list[Risk] = field(default_factory=list)
    policies: list[str] = field(default_factory=list)
    interfaces: list[Interface] = field(default_factory=list)
    evidence: list[str] = field(default_factory=list)
    sources: list[Source] = field(default_factory=list)
    changelog: list[Change] = field(default_factory=list)

    @property
    def next_review(self) -> dt.date:
        last = dt.date.fromisoformat(self.last_review)
        month = last.month - 1 + self.review_interval
        year, month = last.year + month // 12, month % 12 + 1
        if year > dt.MAXYEAR:  # review.last near 9999-12-31: no later date exists
            return dt.date.max
        for day in (last.day, 30, 29, 28):
            try:
                return dt.date(year, month, day)
            except ValueError:
                continue
        raise AssertionError("unreachable")

    def step(self, step_id: str) -> Step | None:
        return next((s for s in self.steps if s.id == step_id), None)

    def records_used(self) -> list[str]:
        seen: dict[str, None] = {}
        for s in self.steps:
            for r in s.records:
                seen.setdefault(r, None)
        return list(seen)

    def roles_used(self) -> list[str]:
        """Roles in the order the procedure first uses them (the swimlane order)."""
        seen: dict[str, None] = {}
        for s in self.steps:
            seen.setdefault(s.role, None)
        return list(seen)

    def time_limits(self) -> list[tuple[Step, TimeLimit]]:
        return [(s, t) for s in self.steps for t in s.time_limits]


@dataclass
class FormField:
    label: str
    type: str = "text"
    options: list[str] = field(default_factory=list)
    wide: bool = False
    lines: int = 1
    hint: str | None = None
    blanks: str | None = None  # the fill-in pattern, "_" a handwritten blank


@dataclass
class Block:
    """One block of a sheet's layout, printed in the YAML's order: a field, an approval box, a signature
    line, an item grid, a paragraph of text, the seal line or a cut line."""

    kind: str  # field | approval | signature | items | text | seal | cut
    label: str = ""  # the field's, approval's or signer's name; the paragraph's or seal's text
    role: str | None = None  # who signs an approval
    date: bool = False  # a signature with its date
    items: list[str] = field(default_factory=list)  # the item grid's column labels
    rows: int = 5
    widths: list[float] = field(default_factory=list)
    align: str = "left"
    indent: bool = True
    large: bool = False
    field: FormField | None = None  # last: the name would hide dataclasses.field from the lines above


@dataclass
class Column:
    """A column of a register."""

    label: str
    width: float = 1.0
    hint: str | None = None


@dataclass
class Approval:
    """An approval box on a form, and the role that signs it."""

    label: str
    role: str | None = None


@dataclass
class Lifecycle:
    prepare: str
    fill: list[str]
    retention: int | str
    review: list[str] = field(default_factory=list)
    keeper: str | None = None
    archive_class: str | None = None
    archive_when: str | None = None
    destroy: str | None = None
    note: str | None = None

    @property
    def retention_label(self) -> str:
        if isinstance(self.retention, int):
            return f"{cn_number(self.retention)}年"
        return RETENTION_NAMES[self.retention]

    @property
    def archive_label(self) -> str:
        """永久 / 定期30年 / 定期10年, or "" for a record that is not archived."""
        return ARCHIVE_CLASS_NAMES.get(self.archive_class or "", "")

    @property
    def retention_years(self) -> float:
        """Sort key: years, with 长期 and 永久 after any number of years."""
        if isinstance(self.retention, int):
            return float(self.retention)
        return {"long-term": 1000.0, "permanent": 10000.0}[self.retention]


@dataclass
class RecordType(_OwnFile):
    id: str
    code: str
    title: str
    kind: str
    version: str
    src: Src
    lifecycle: Lifecycle
    purpose: Text = None
    keywords: list[str] = field(default_factory=list)
    secrecy: str | None = None  # the company's own grading (labels.SECRECY_NAMES)
    evidences: list[str] = field(default_factory=list)  # records whose entries this one is the approval evidence of
    paper_size: str = "A4"
    orientation: str = "portrait"
    layout: list[Block] = field(default_factory=list)
    stub: list[Block] = field(default_factory=list)  # a certificate's stub, when the YAML lays it out
    number: str = "no"  # the per-copy number: no (No.___), zi (（ ）字第 号) or none
    columns: list[Column] = field(default_factory=list)
    rows: int | None = None
    pages: int = 1
    instructions: Text = None
    sources: list[Source] = field(default_factory=list)
    changelog: list[Change] = field(default_factory=list)

    @property
    def fields(self) -> list[FormField]:
        return [b.field for b in self.layout if b.field is not None]

    @property
    def approvals(self) -> list[Approval]:
        return [Approval(b.label, b.role) for b in self.layout if b.kind == "approval"]

    @property
    def signatures(self) -> list[str]:
        return [b.label for b in self.layout if b.kind == "signature"]

    def approval_index(self, i: int) -> int:
        """The layout position of the i-th approval box (for messages that point at its YAML)."""
        return [j for j, b in enumerate(self.layout) if b.kind == "approval"][i]


@dataclass
class Task:
    name: str
    frequency: str
    when: str | None = None
    details: str | None = None
    procedure: str | None = None
    records: list[str] = field(default_factory=list)


@dataclass
class Role(_OwnFile):
    id: str
    title: str
    src: Src
    kind: str = "post"
    reports_to: str | None = None
    summary: str | None = None
    keywords: list[str] = field(default_factory=list)
    duties: list[str] = field(default_factory=list)
    tasks: list[Task] = field(default_factory=list)
    sources: list[Source] = field(default_factory=list)
    changelog: list[Change] = field(default_factory=list)

    def tasks_by_frequency(self) -> dict[str, list[Task]]:
        out: dict[str, list[Task]] = {f: [] for f in FREQUENCY_NAMES}
        for t in self.tasks:
            out[t.frequency].append(t)
        return {f: ts for f, ts in out.items() if ts}


@dataclass
class Policy:
    id: str
    title: str
    path: str  # docs/policies/<id>.md
    text: str = ""  # its Markdown, without the front matter (the binder prints it)


@dataclass
class Handbook:
    procedures: dict[str, Procedure] = field(default_factory=dict)
    records: dict[str, RecordType] = field(default_factory=dict)
    roles: dict[str, Role] = field(default_factory=dict)
    policies: dict[str, Policy] = field(default_factory=dict)
    # ids of every file that was read, even the ones whose content was invalid (avoids cascades)
    known_ids: dict[str, set[str]] = field(default_factory=lambda: {"procedure": set(), "record": set(), "role": set()})
    # the documents the objects were read from, for the line:col of a problem (and the text, for cache keys)
    sources: SourceMap = field(default_factory=SourceMap, repr=False, compare=False)

    def role_title(self, role_id: str | None) -> str:
        if not role_id:
            return ""
        role = self.roles.get(role_id)
        return role.title if role else role_id

    def categories(self, order: list[str] | None = None) -> dict[str, list[Procedure]]:
        """Procedures grouped by category: categories in the given order, then the others by their
        first procedure's code; procedures by code."""
        out: dict[str, list[Procedure]] = {name: [] for name in order or []}
        for p in sorted(self.procedures.values(), key=lambda p: p.code):
            out.setdefault(p.category, []).append(p)
        return {name: procs for name, procs in out.items() if procs}


# ---- building model objects from validated data ------------------------------------------------

def _sources(items: list | None) -> list[Source]:
    return [Source(s["doc"], s.get("section")) for s in items or []]


def _changes(items: list | None) -> list[Change]:
    return [Change(str(c["version"]), c["date"], c["summary"], c.get("author")) for c in items or []]


def build_procedure(data: dict, path: str) -> Procedure:
    src = Src(path)
    steps = []
    for i, s in enumerate(data.get("steps") or []):
        ssrc = Src(path, ("steps", i))
        steps.append(Step(
            id=s["id"], name=s["name"], role=s["role"], index=i, src=ssrc,
            details=s.get("details"), records=list(s.get("records") or []),
            time_limits=[TimeLimit(amount=t["amount"], unit=t["unit"], kind=t.get("kind", "within"), start=t.get("from"),
                                   urgency=t.get("urgency"), condition=t.get("condition"), note=t.get("note"))
                         for t in s.get("time_limits") or []],
            risks=list(s.get("risks") or []), criteria=s.get("criteria"), next=s.get("next"),
            branches=[Branch(b["label"], b["next"], Src(path, ("steps", i, "branches", j)))
                      for j, b in enumerate(s.get("branches") or [])],
        ))
    review = data["review"]
    return Procedure(
        id=data["id"], code=data["code"], title=data["title"], category=data["category"], version=str(data["version"]),
        status=data["status"], owner=data["owner"], effective=data["effective"],
        review_interval=review["interval_months"], last_review=review["last"], review_note=review.get("note"),
        src=src, folder=path.rsplit("/", 1)[0], summary=data.get("summary"),
        tags=list(data.get("tags") or []), keywords=list(data.get("keywords") or []),
        purpose=data.get("purpose"), scope=data.get("scope"), steps=steps, decisions=data.get("decisions"),
        inputs=data.get("inputs"), outputs=data.get("outputs"), monitoring=data.get("monitoring"),
        exceptions=[ExceptionCase(e["case"], e["action"]) for e in data.get("exceptions") or []],
        documents=data.get("documents"), training=data.get("training"),
        risks=[Risk(r["id"], r["risk"], r["control"], r.get("level"), r.get("remedy")) for r in data.get("risks") or []],
        policies=list(data.get("policies") or []),
        interfaces=[Interface(x["procedure"], x["relation"], Src(path, ("interfaces", i)), x.get("note"))
                    for i, x in enumerate(data.get("interfaces") or [])],
        evidence=list(data.get("evidence") or []),
        sources=_sources(data.get("sources")), changelog=_changes(data.get("changelog")),
    )


def build_record(data: dict, path: str) -> RecordType:
    lc = data["lifecycle"]
    paper = data.get("paper") or {}
    kind = data["kind"]
    return RecordType(
        id=data["id"], code=data["code"], title=data["title"], kind=kind, version=str(data["version"]), src=Src(path),
        lifecycle=Lifecycle(prepare=lc["prepare"], fill=list(lc["fill"]), retention=lc["retention"],
                            review=list(lc.get("review") or []), keeper=lc.get("keeper"),
                            archive_class=lc.get("archive_class"), archive_when=lc.get("archive_when"),
                            destroy=lc.get("destroy"), note=lc.get("note")),
        purpose=data.get("purpose"), keywords=list(data.get("keywords") or []),
        secrecy=data.get("secrecy"), evidences=list(data.get("evidences") or []),
        paper_size=paper.get("size", "A4"),
        orientation=paper.get("orientation", "landscape" if kind == "register" else "portrait"),
        layout=[build_block(b) for b in data.get("layout") or _old_layout(data)],
        stub=[build_block(b) for b in data.get("stub") or []],
        number=data.get("number") or ("none" if kind == "register" else "zi" if kind == "certificate" else "no"),
        columns=[Column(c["label"], float(c.get("width", 1.0)), c.get("hint")) for c in data.get("columns") or []],
        rows=data.get("rows"), pages=int(data.get("pages", 1)),
        instructions=data.get("instructions"),
        sources=_sources(data.get("sources")), changelog=_changes(data.get("changelog")),
    )


def _old_layout(data: dict) -> list[dict]:
    """A format-2 record's fields, approvals and signatures as one layout (the order they printed in)."""
    return ([*(data.get("fields") or []), *({**a, "approval": a["label"]} | {"label": None} for a in data.get("approvals") or []),
             *({"signature": s} for s in data.get("signatures") or [])])


def build_block(b: dict) -> Block:
    if b.get("label") is not None:
        f = FormField(b["label"], b.get("type", "text"), list(b.get("options") or []), bool(b.get("wide", False)),
                      int(b.get("lines", 1)), b.get("hint"), b.get("blanks"))
        return Block("field", f.label, field=f)
    if "approval" in b:
        return Block("approval", b["approval"], role=b.get("role"))
    if "signature" in b:
        return Block("signature", b["signature"], date=bool(b.get("date", False)))
    if "items" in b:
        return Block("items", items=list(b["items"]), rows=int(b.get("rows", 5)), widths=list(b.get("widths") or []))
    if "text" in b:
        align = b.get("align", "left")
        return Block("text", b["text"], align=align, indent=bool(b.get("indent", align == "left")), large=b.get("size") == "large")
    if "cut" in b:
        return Block("cut", b["cut"])
    return Block("seal", b["seal"])


def build_role(data: dict, path: str) -> Role:
    return Role(
        id=data["id"], title=data["title"], src=Src(path), kind=data.get("kind", "post"),
        reports_to=data.get("reports_to"), summary=data.get("summary"), keywords=list(data.get("keywords") or []),
        duties=list(data.get("duties") or []),
        tasks=[Task(t["name"], t["frequency"], t.get("when"), t.get("details"), t.get("procedure"),
                    list(t.get("records") or [])) for t in data.get("tasks") or []],
        sources=_sources(data.get("sources")), changelog=_changes(data.get("changelog")),
    )


BUILDERS = {"procedure": build_procedure, "record": build_record, "role": build_role}
