"""The audit indexes: RACI matrix, retention schedule, time limits, review plan, changes, roles, records.

Each is an IndexPage written by its template (index_*.md.j2). Their tables are data (Table of Cell) that
table_row.html.j2 writes as raw HTML: Python-Markdown's inline processing of a 2,000-row table takes minutes,
while an HTML block passes straight through. Links in them are final URLs, since MkDocs does not
rewrite links inside raw HTML."""

from __future__ import annotations

from .. import analysis
from ..labels import (
    ARCHIVE_CLASS_YEARS,
    FREQUENCY_NAMES,
    KIND_NAMES,
    ROLE_KIND_NAMES,
    SECRECY_NAMES,
    STATUS_NAMES,
    URGENCY_NAMES,
)
from ..model import Procedure, Role
from . import pages as pg
from .context import INDEX_PAGES, Context, procedure_page, record_page
from .pages import Cell, Table, cell, heading
from .templating import render

RACI_LEGEND = {
    "A": "负责：流程的责任岗位，或在流程中作出审批、判断",
    "R": "执行：执行流程中的步骤",
    "C": "审核：审核本流程所用表单（表单的“审核”岗位），但不执行步骤",
    "I": "知会：填写或保管本流程所用表单，但不执行步骤",
}
HIDE_TOC = {"hide": ["toc"], "search": {"exclude": True}}


def raci(ctx: Context, p: Procedure) -> dict[str, str]:
    return analysis.raci(ctx.hb, p)


def _page(key: str) -> str:
    return INDEX_PAGES[key][0]


def _front(key: str, description: str, extra: dict) -> pg.FrontMatter:
    return pg.FrontMatter(INDEX_PAGES[key][1], None, description, ("索引",), extra=extra)


def _index(key: str, description: str, tables: tuple[Table, ...], extra: dict | None = None, **facts) -> pg.IndexPage:
    return pg.IndexPage(f"index_{key.replace('-', '_')}.md.j2", _front(key, description, HIDE_TOC if extra is None else extra),
                        INDEX_PAGES[key][1], tables, **facts)


def raci_page(ctx: Context) -> pg.IndexPage:
    to = pg.Linker(ctx, _page("raci"), html=True)
    matrix = {p.id: raci(ctx, p) for p in ctx.procedures()}
    involvement = {r.id: sum(1 for m in matrix.values() if r.id in m) for r in ctx.roles()}
    roles = sorted((r for r in ctx.roles() if involvement[r.id]), key=lambda r: (r.kind == "external", -involvement[r.id]))
    legend = Table(heading("字母", "含义"), [(cell(k, strong=True), cell(v)) for k, v in RACI_LEGEND.items()])
    rows = [(cell(to.procedure(p.id)), *(cell(c, strong="A" in c) for c in (matrix[p.id].get(r.id, "") for r in roles)))
            for p in ctx.procedures()]
    table = Table((cell("流程"), *(cell(to.role(r.id)) for r in roles)), rows)
    return _index("raci", "每个流程中各岗位的职责：谁负责、谁执行、谁审核、谁知会。", (legend, table),
                  {"hide": ["navigation", "toc"], "search": {"exclude": True}}, downloads="raci")


def retention_page(ctx: Context) -> pg.IndexPage:
    to = pg.Linker(ctx, _page("retention"), html=True)
    # the notes and the preparing office are on each record's page and in the downloads: here they made rows a screen tall
    head = heading("编号", "表单", "密级", "填写", "审核", "保管", "本单位保存期限", "归档时间", "档案保管期限", "销毁责任人")
    rows = []
    for r in sorted(ctx.records(), key=lambda r: (r.lifecycle.retention_years, r.code)):
        lc = r.lifecycle
        rows.append((cell(r.code), cell(pg.Link(r.title, to.href(record_page(r)))),
                     cell(SECRECY_NAMES.get(r.secrecy or ""), empty="—"),
                     cell(*to.roles(lc.fill)), cell(*to.roles(lc.review), empty="—"), cell(to.role(lc.keeper), empty="—"),
                     cell(lc.retention_label, sort=f"{lc.retention_years:g}"),
                     cell(lc.archive_when if lc.archive_class else "不归档", empty="—"),
                     cell(lc.archive_label, empty="—", sort=f"{ARCHIVE_CLASS_YEARS.get(lc.archive_class or '', 0):g}"),
                     cell(to.role(lc.destroy), empty="—")))
    destroy = ctx.hb.procedures.get("biaodan-xiaohui")
    return _index("retention", "每种表单/记录的密级、在本单位的保存期限、归档时间和归档后的档案保管期限（国家档案局令第10号："
                  "永久、定期30年、定期10年），以及到期销毁的责任人。", (Table(head, rows),), downloads="retention",
                  procedure=pg.Linker(ctx, _page("retention")).procedure(destroy.id) if destroy else None)


URGENCY_ORDER = {None: 0, "normal": 1, "urgent": 2, "critical": 3}


def time_limits_page(ctx: Context) -> pg.IndexPage:
    to = pg.Linker(ctx, _page("time-limits"), html=True)
    limits = [(p, s, t) for p in ctx.procedures() for s, t in p.time_limits()]
    head = heading("流程", "步骤", "岗位", "紧急程度", "条件", "时限", "起算", "说明")
    rows = [(cell(to.procedure(p.id)), cell(pg.Link(f"{s.number}. {s.name}", to.href(procedure_page(p), s.anchor))),
             cell(to.role(s.role)), cell(URGENCY_NAMES.get(t.urgency or "", "不分")), cell(t.condition, empty="—"),
             cell(t.short, sort=f"{t.minutes:g}"), cell(t.start, empty="—"), cell(t.note))
            for p, s, t in sorted(limits, key=lambda x: (x[0].code, x[1].index, URGENCY_ORDER[x[2].urgency]))]
    return _index("time-limits", "全部流程的时限，按流程和紧急程度列出。", (Table(head, rows),), downloads="time-limits",
                  count=len(limits))


def review_state(state: analysis.ReviewState) -> Cell:
    if not state.active:
        return cell("—")
    if state.overdue:
        return cell(f"已逾期 {-state.days_left} 天", strong=True)
    return cell(f"{state.days_left} 天内到期" if state.due_within(30) else "正常")


def review_page(ctx: Context) -> pg.IndexPage:
    to = pg.Linker(ctx, _page("review"), html=True)
    shown = {p.id for p in ctx.procedures()}
    head = heading("流程", "编号", "责任岗位", "状态", "上次审核", "周期", "下次审核", "审核情况")
    rows = [(cell(to.procedure(p.id)), cell(p.code), cell(to.role(p.owner)), cell(STATUS_NAMES[p.status]), cell(p.last_review),
             cell(f"{p.review_interval} 个月"), cell(p.next_review.isoformat()), review_state(state))
            for p, state in analysis.review_plan(ctx.hb, ctx.today) if p.id in shown]
    return _index("review", "每个流程的下次审核日期，已逾期的排在最前。", (Table(head, rows),), today=ctx.today.isoformat())


def changes_page(ctx: Context) -> pg.IndexPage:
    to = pg.Linker(ctx, _page("changes"), html=True)
    changes = [(c, "流程", to.procedure(p.id)) for p in ctx.procedures() for c in p.changelog]
    changes += [(c, "表单", pg.Link(r.title, to.href(record_page(r)))) for r in ctx.records() for c in r.changelog]
    changes += [(c, "岗位", to.role(ro.id)) for ro in ctx.roles() for c in ro.changelog]
    head = heading("日期", "类型", "名称", "版本", "修订人", "内容")
    rows = [(cell(c.date), cell(kind), cell(link), cell(c.version), cell(c.author, empty="—"), cell(c.summary))
            for c, kind, link in sorted(changes, key=lambda x: (x[0].date, x[0].version), reverse=True)]
    return _index("changes", "流程、表单和岗位的全部变更记录，最新的在前。", (Table(head, rows),))


def reporting_tree(ctx: Context) -> tuple[tuple[int, pg.Ref], ...]:
    """The roles in reporting order, each with its depth (a role met twice, in a cycle, once)."""
    to = pg.Linker(ctx, _page("roles"))
    children: dict[str | None, list[Role]] = {}
    for r in ctx.roles():
        children.setdefault(r.reports_to if r.reports_to in ctx.hb.roles else None, []).append(r)
    out: list[tuple[int, pg.Ref]] = []
    seen: set[str] = set()

    def walk(parent: str | None, depth: int) -> None:
        for r in children.get(parent, []):
            if r.id not in seen:
                seen.add(r.id)
                out.append((depth, to.role(r.id)))
                walk(r.id, depth + 1)

    walk(None, 0)
    return tuple(out)


def roles_page(ctx: Context) -> pg.IndexPage:
    to = pg.Linker(ctx, _page("roles"), html=True)
    head = heading("岗位", "类型", "汇报对象", "职责", "执行步骤", "负责流程", "定期任务")
    rows = []
    for r in ctx.roles():
        owned = sum(1 for p in ctx.hb.procedures.values() if p.owner == r.id)
        freq = "、".join(f"{FREQUENCY_NAMES[f]} {len(ts)}" for f, ts in r.tasks_by_frequency().items())
        rows.append((cell(to.role(r.id)), cell(ROLE_KIND_NAMES[r.kind]), cell(to.role(r.reports_to), empty="—"), cell(str(len(r.duties))),
                     cell(str(len(ctx.steps_by_role.get(r.id, [])))), cell(str(owned)), cell(freq, empty="—")))
    return _index("roles", "全部岗位、汇报关系、执行的步骤和定期任务。", (Table(head, rows),), {"search": {"exclude": True}},
                  tree=reporting_tree(ctx))


def records_page(ctx: Context, pdfs: set[str]) -> pg.IndexPage:
    to = pg.Linker(ctx, _page("records"), html=True)
    head = heading("编号", "名称", "类型", "纸张", "保存期限", "使用流程", "PDF")
    rows = []
    for r in ctx.records():
        uses = list(dict.fromkeys(to.procedure(p.id) for p, _ in ctx.record_uses.get(r.id, [])))
        pdf = f"records/{r.id}.pdf"
        rows.append((cell(r.code), cell(pg.Link(r.title, to.href(record_page(r)))), cell(KIND_NAMES[r.kind]),
                     cell(f"{r.paper_size}{'横' if r.orientation == 'landscape' else '竖'}"),
                     cell(r.lifecycle.retention_label, sort=f"{r.lifecycle.retention_years:g}"), cell(*uses, empty="—"),
                     cell(pg.Link("PDF", to.href(pdf)) if pdf in pdfs else None, empty="—")))
    return _index("records", "全部表单、登记簿和凭证，带编号、保存期限和 PDF。", (Table(head, rows),))


def render_index(page: pg.IndexPage) -> str:
    return render(page.template, page=page)


def render_indexes(ctx: Context, pdfs: set[str] | None = None) -> dict[str, str]:
    pages = [raci_page(ctx), retention_page(ctx), time_limits_page(ctx), review_page(ctx), changes_page(ctx), roles_page(ctx),
             records_page(ctx, pdfs or set())]
    keys = ("raci", "retention", "time-limits", "review", "changes", "roles", "records")
    return {_page(key): render_index(page) for key, page in zip(keys, pages)}
