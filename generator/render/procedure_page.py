"""The procedure page, in the order of the office template: a ProcedurePage written by procedure.md.j2."""

from __future__ import annotations

from ..analysis import review
from ..labels import LEVEL_NAMES, RELATION_NAMES, STATUS_NAMES
from ..model import Procedure, Step, as_list
from . import pages as pg
from .context import Context, procedure_page
from .templating import render

MIRRORED = {"upstream": "下游", "downstream": "上游", "related": "相关"}


def front_matter(title: str, source: str | None, *, description: str | None = None, tags: list[str] | None = None,
                 boost: float | None = None, extra: dict | None = None) -> str:
    """YAML front matter. Values are JSON-quoted strings, which YAML reads back verbatim. Themes put
    title, description and tags into HTML without escaping them, so they are HTML-escaped."""
    return render("_front_matter.md.j2", fm=pg.FrontMatter(title, source, description, tuple(tags or ()), boost, extra or {}))


def render_procedure(ctx: Context, p: Procedure, chart_svg: str | None, wall: str | None = None) -> str:
    """The page; `wall` is the paper of its 流程图上墙 PDF (A3横向 …), when there is one."""
    return render("procedure.md.j2", page=procedure_data(ctx, p, bool(chart_svg), wall))


def procedure_data(ctx: Context, p: Procedure, chart: bool, wall: str | None = None) -> pg.ProcedurePage:
    to = pg.Linker(ctx, procedure_page(p))
    used = p.records_used()
    return pg.ProcedurePage(
        front=pg.FrontMatter(p.title, p.path, p.summary or " ".join(as_list(p.purpose))[:120], (p.category, *p.tags), 3),
        id=p.id, title=p.title, summary=p.summary, meta=meta(ctx, p, to), keywords=tuple(p.keywords),
        purpose=p.purpose, scope=p.scope, chart=chart, wall=wall if chart else None,
        steps=tuple(step_row(p, s, to) for s in p.steps),
        decisions=tuple(decision(p, s, to) for s in p.steps if s.is_decision), decisions_text=p.decisions,
        inputs=p.inputs, outputs=p.outputs, monitoring=p.monitoring,
        time_limits=tuple(pg.LimitRow(step_link(s), to.role(s.role), t.qualifier, t.describe().split("：")[-1], t.note or "")
                          for s, t in p.time_limits()),
        time_limits_index=to.index("time-limits"),
        risks=tuple(risk_row(p, r) for r in p.risks),
        exceptions=tuple(pg.ExceptionRow(e.case, e.action) for e in p.exceptions),
        records=tuple(record_use(ctx, p, rid, to) for rid in used), documents=p.documents,
        policies=policies(ctx, p, to), interfaces=interfaces(ctx, p, to),
        evidence=tuple(to.record(r) for r in p.evidence or used), training=p.training, review_note=p.review_note,
        changelog=changes(p.changelog), sources=sources(ctx, p.sources),
    )


def meta(ctx: Context, p: Procedure, to: pg.Linker) -> pg.Meta:
    state = review(p, ctx.today)
    return pg.Meta(code=p.code, version=p.version, status=p.status, status_name=STATUS_NAMES[p.status], category=p.category,
                   owner=to.role(p.owner), effective=p.effective, last_review=p.last_review, next_review=p.next_review.isoformat(),
                   overdue_days=-state.days_left if state.overdue else None, review_interval=p.review_interval)


def step_link(s: Step, label: str | None = None) -> pg.Link:
    return pg.anchor(f"{s.number}. {s.name}" if label is None else label, s.anchor)


def target(p: Procedure, target_id: str) -> pg.Ref:
    """Where a branch or a jump goes: a step of this page, or the end."""
    if target_id == "end":
        return "流程结束"
    s = p.step(target_id)
    return step_link(s, f"第 {s.number} 步 {s.name}") if s else target_id


def branches(p: Procedure, s: Step) -> tuple[pg.Branch, ...]:
    return tuple(pg.Branch(b.label, target(p, b.next)) for b in s.branches)


def step_row(p: Procedure, s: Step, to: pg.Linker) -> pg.StepRow:
    nxt = p.step(s.next) if s.next and s.next != "end" else None
    jumps = not s.branches and nxt is not None and nxt.index != s.index + 1
    return pg.StepRow(
        anchor=s.anchor, number=s.number, name=s.name, role=to.role(s.role), details=s.details or None,
        criteria=s.criteria, branches=branches(p, s), goto=target(p, s.next) if jumps else None,
        ends=not s.branches and s.next == "end" and s.index != len(p.steps) - 1,
        risks=tuple(pg.anchor(r, f"risk-{r.lower()}") for r in s.risks),
        limits=tuple(f"{t.short}（{t.qualifier}）" if t.qualifier else t.short for t in s.time_limits),
        records=tuple(to.record(r) for r in s.records),
    )


def decision(p: Procedure, s: Step, to: pg.Linker) -> pg.Decision:
    return pg.Decision(s.number, pg.anchor(s.name, s.anchor), to.role(s.role), s.criteria, branches(p, s))


def risk_row(p: Procedure, r) -> pg.RiskRow:
    points = tuple(step_link(s) for s in p.steps if r.id in s.risks)
    return pg.RiskRow(r.id, f"risk-{r.id.lower()}", r.risk, LEVEL_NAMES.get(r.level or "", "—"), r.control, r.remedy, points)


def record_use(ctx: Context, p: Procedure, rid: str, to: pg.Linker) -> pg.RecordUse:
    r = ctx.hb.records.get(rid)
    steps = tuple(pg.anchor(f"第 {s.number} 步", s.anchor) for s in p.steps if rid in s.records)
    return pg.RecordUse(to.record(rid), r.code if r else None, steps)


def policies(ctx: Context, p: Procedure, to: pg.Linker) -> tuple[pg.Link, ...]:
    found = [ctx.hb.policies.get(pol) for pol in p.policies]  # an unknown one is error E206
    return tuple(pg.Link(policy.title, to.href(policy.path.removeprefix("docs/"))) for policy in found if policy)


def interfaces(ctx: Context, p: Procedure, to: pg.Linker) -> tuple[pg.InterfaceItem, ...]:
    declared = [pg.InterfaceItem(RELATION_NAMES[x.relation], to.procedure(x.procedure), x.note, False) for x in p.interfaces]
    mine = {x.procedure for x in p.interfaces}
    mirrored = [pg.InterfaceItem(MIRRORED[relation], to.procedure(other.id), None, True)
                for other, relation in ctx.linked_from.get(p.id, []) if other.id not in mine]
    return tuple(declared + mirrored)


def changes(changelog: list) -> tuple[pg.Change, ...]:
    return tuple(pg.Change(c.version, c.date, c.author, c.summary) for c in changelog)


def sources(ctx: Context, refs: list) -> tuple[pg.SourceRef, ...]:
    return tuple(pg.SourceRef(ctx.settings.source_titles.get(s.doc, s.doc), s.section) for s in refs)
