"""The audit indexes: RACI matrix, retention schedule, time limits, review plan, changes, roles, records."""

from __future__ import annotations

from .. import analysis
from ..labels import FREQUENCY_NAMES, KIND_NAMES, ROLE_KIND_NAMES, URGENCY_NAMES
from ..model import Procedure
from .context import INDEX_PAGES, Context, procedure_page, record_page
from .html_tables import tables_to_html
from .procedure_page import front_matter
from .text import esc

RACI_LEGEND = {
    "A": "负责：流程的责任岗位，或在流程中作出审批、判断",
    "R": "执行：执行流程中的步骤",
    "C": "审核：审核本流程所用表单（表单的“审核”岗位），但不执行步骤",
    "I": "知会：填写或保管本流程所用表单，但不执行步骤",
}


def raci(ctx: Context, p: Procedure) -> dict[str, str]:
    return analysis.raci(ctx.hb, p)


def _page(key: str) -> str:
    return INDEX_PAGES[key][0]


def _downloads(key: str) -> str:
    return f"下载：[Excel 表格（.xlsx）]({key}.xlsx) · [CSV]({key}.csv)\n\n"


def render_raci(ctx: Context) -> str:
    page = _page("raci")
    matrix = {p.id: raci(ctx, p) for p in ctx.procedures()}
    involvement = {r.id: sum(1 for m in matrix.values() if r.id in m) for r in ctx.roles()}
    roles = sorted((r for r in ctx.roles() if involvement[r.id]), key=lambda r: (r.kind == "external", -involvement[r.id]))
    out = [front_matter(INDEX_PAGES["raci"][1], None, description="每个流程中各岗位的职责：谁负责、谁执行、谁审核、谁知会。", tags=["索引"],
                        extra={"hide": ["navigation", "toc"], "search": {"exclude": True}})]
    out.append("# RACI 职责矩阵\n\n由各流程的步骤、责任岗位和所用表单自动推导。\n\n" + _downloads("raci"))
    out.append("| 字母 | 含义 |\n|---|---|\n" + "".join(f"| **{k}** | {v} |\n" for k, v in RACI_LEGEND.items()) + "\n")
    out.append('<div class="hb-raci" markdown>\n\n')
    out.append("| 流程 | " + " | ".join(ctx.role_link(page, r.id) for r in roles) + " |\n")
    out.append("|---|" + "---|" * len(roles) + "\n")
    for p in ctx.procedures():
        cells = [matrix[p.id].get(r.id, "") for r in roles]
        out.append(f"| {ctx.procedure_link(page, p.id)} | " + " | ".join(f"**{c}**" if "A" in c else c for c in cells) + " |\n")
    out.append("\n</div>\n")
    return "".join(out)


def render_retention(ctx: Context) -> str:
    page = _page("retention")
    out = [front_matter(INDEX_PAGES["retention"][1], None, description="每种表单/记录的保存期限和销毁责任人。", tags=["索引"], extra={"hide": ["toc"], "search": {"exclude": True}})]
    out.append("# 表单保存期限表\n\n按保存期限从短到长排列；点表头可重新排序。到期后由销毁责任人按[各类表单使用及销毁](")
    destroy = ctx.hb.procedures.get("biaodan-xiaohui")
    out[-1] = out[-1].replace("按[各类表单使用及销毁](", f"按{ctx.procedure_link(page, destroy.id)}流程" if destroy else "按规定")
    out.append("销毁。\n\n" + _downloads("retention"))
    out.append("| 编号 | 表单 | 编制 | 填写 | 审核 | 保管 | 保存期限 | 归档期限 | 销毁责任人 | 说明 |\n")
    out.append("|---|---|---|---|---|---|---|---|---|---|\n")
    for r in sorted(ctx.records(), key=lambda r: (r.lifecycle.retention_years, r.code)):
        lc = r.lifecycle
        retention = f'<span data-sort="{lc.retention_years:g}">{lc.retention_label}</span>'
        from ..labels import ARCHIVE_CLASS_NAMES

        out.append(
            f"| {esc(r.code)} | [{esc(r.title)}]({ctx.rel(page, record_page(r))}) | {ctx.role_link(page, lc.prepare)} "
            f"| {'、'.join(ctx.role_link(page, x) for x in lc.fill)} | {'、'.join(ctx.role_link(page, x) for x in lc.review) or '—'} "
            f"| {ctx.role_link(page, lc.keeper) or '—'} | {retention} | {ARCHIVE_CLASS_NAMES.get(lc.archive_class or '', '—')} "
            f"| {ctx.role_link(page, lc.destroy) or '—'} | {esc(lc.note or '')} |\n")
    return "".join(out)


def render_time_limits(ctx: Context) -> str:
    page = _page("time-limits")
    out = [front_matter(INDEX_PAGES["time-limits"][1], None, description="全部流程的时限，按流程和紧急程度列出。", tags=["索引"], extra={"hide": ["toc"], "search": {"exclude": True}})]
    out.append("# 时限一览\n\n")
    rows = [(p, s, t) for p in ctx.procedures() for s, t in p.time_limits()]
    out.append(f"全手册共 {len(rows)} 项时限。“≤”表示在规定时间内完成，“提前”表示须在某事之前完成。\n\n" + _downloads("time-limits"))
    out.append("| 流程 | 步骤 | 岗位 | 紧急程度 | 条件 | 时限 | 起算 | 说明 |\n|---|---|---|---|---|---|---|---|\n")
    urgency_order = {None: 0, "normal": 1, "urgent": 2, "critical": 3}
    for p, s, t in sorted(rows, key=lambda x: (x[0].code, x[1].index, urgency_order[x[2].urgency])):
        href = ctx.rel(page, procedure_page(p)) + f"#{s.anchor}"
        out.append(f"| {ctx.procedure_link(page, p.id)} | [{s.number}. {esc(s.name)}]({href}) | {ctx.role_link(page, s.role)} "
                   f"| {URGENCY_NAMES.get(t.urgency or '', '不分')} | {esc(t.condition or '—')} "
                   f'| <span data-sort="{t.minutes:g}">{esc(t.short)}</span> | {esc(t.start or "—")} | {esc(t.note or "")} |\n')
    return "".join(out)


def render_review(ctx: Context) -> str:
    page = _page("review")
    out = [front_matter(INDEX_PAGES["review"][1], None, description="每个流程的下次审核日期，已逾期的排在最前。", tags=["索引"], extra={"hide": ["toc"], "search": {"exclude": True}})]
    out.append(f"# 审核计划\n\n以 {ctx.today.isoformat()} 为准。已逾期的流程排在最前，页面上也会显示提醒。\n\n")
    out.append("| 流程 | 编号 | 责任岗位 | 状态 | 上次审核 | 周期 | 下次审核 | 审核情况 |\n|---|---|---|---|---|---|---|---|\n")
    from ..labels import STATUS_NAMES

    shown = {p.id for p in ctx.procedures()}
    for p, review in analysis.review_plan(ctx.hb, ctx.today):
        if p.id not in shown:
            continue
        days = review.days_left
        if not review.active:
            state = "—"
        elif review.overdue:
            state = f"**已逾期 {-days} 天**"
        elif review.due_within(30):
            state = f"{days} 天内到期"
        else:
            state = "正常"
        out.append(f"| {ctx.procedure_link(page, p.id)} | {esc(p.code)} | {ctx.role_link(page, p.owner)} | {STATUS_NAMES[p.status]} "
                   f"| {esc(p.last_review)} | {p.review_interval} 个月 | {p.next_review.isoformat()} | {state} |\n")
    return "".join(out)


def render_changes(ctx: Context) -> str:
    page = _page("changes")
    out = [front_matter(INDEX_PAGES["changes"][1], None, description="流程、表单和岗位的全部变更记录，最新的在前。", tags=["索引"], extra={"hide": ["toc"], "search": {"exclude": True}})]
    out.append("# 变更记录\n\n")
    rows = []
    for p in ctx.procedures():
        rows += [(c, "流程", ctx.procedure_link(page, p.id)) for c in p.changelog]
    for r in ctx.records():
        rows += [(c, "表单", f"[{esc(r.title)}]({ctx.rel(page, record_page(r))})") for c in r.changelog]
    for ro in ctx.roles():
        rows += [(c, "岗位", ctx.role_link(page, ro.id)) for c in ro.changelog]
    out.append("| 日期 | 类型 | 名称 | 版本 | 修订人 | 内容 |\n|---|---|---|---|---|---|\n")
    for c, kind, link in sorted(rows, key=lambda x: (x[0].date, x[0].version), reverse=True):
        out.append(f"| {esc(c.date)} | {kind} | {link} | {esc(c.version)} | {esc(c.author or '—')} | {esc(c.summary)} |\n")
    return "".join(out)


def render_roles(ctx: Context) -> str:
    page = _page("roles")
    out = [front_matter(INDEX_PAGES["roles"][1], None, description="全部岗位、汇报关系、执行的步骤和定期任务。", tags=["索引"], extra={"search": {"exclude": True}})]
    out.append("# 岗位一览\n\n## 汇报关系\n\n")
    children: dict[str | None, list] = {}
    for r in ctx.roles():
        parent = r.reports_to if r.reports_to in ctx.hb.roles else None
        children.setdefault(parent, []).append(r)

    def tree(parent: str | None, depth: int, seen: set[str]) -> None:
        for r in children.get(parent, []):
            if r.id in seen:
                continue
            seen.add(r.id)
            out.append("    " * depth + f"- {ctx.role_link(page, r.id)}\n")
            tree(r.id, depth + 1, seen)

    tree(None, 0, set())
    out.append("\n## 岗位职责与任务\n\n| 岗位 | 类型 | 汇报对象 | 职责 | 执行步骤 | 负责流程 | 定期任务 |\n|---|---|---|---|---|---|---|\n")
    for r in ctx.roles():
        owned = sum(1 for p in ctx.hb.procedures.values() if p.owner == r.id)
        freq = "、".join(f"{FREQUENCY_NAMES[f]} {len(ts)}" for f, ts in r.tasks_by_frequency().items()) or "—"
        out.append(f"| {ctx.role_link(page, r.id)} | {ROLE_KIND_NAMES[r.kind]} | {ctx.role_link(page, r.reports_to) or '—'} | {len(r.duties)} "
                   f"| {len(ctx.steps_by_role.get(r.id, []))} | {owned} | {freq} |\n")
    return "".join(out)


def render_records(ctx: Context, pdfs: set[str]) -> str:
    page = _page("records")
    out = [front_matter(INDEX_PAGES["records"][1], None, description="全部表单、登记簿和凭证，带编号、保存期限和 PDF。", tags=["索引"], extra={"hide": ["toc"], "search": {"exclude": True}})]
    out.append("# 表单一览\n\n| 编号 | 名称 | 类型 | 纸张 | 保存期限 | 使用流程 | PDF |\n|---|---|---|---|---|---|---|\n")
    for r in ctx.records():
        uses = []
        for p, _ in ctx.record_uses.get(r.id, []):
            link = ctx.procedure_link(page, p.id)
            if link not in uses:
                uses.append(link)
        pdf = f"[PDF]({ctx.rel(page, f'records/{r.id}.pdf')})" if f"records/{r.id}.pdf" in pdfs else "—"
        paper = f"{r.paper_size}{'横' if r.orientation == 'landscape' else '竖'}"
        out.append(f"| {esc(r.code)} | [{esc(r.title)}]({ctx.rel(page, record_page(r))}) | {KIND_NAMES[r.kind]} | {paper} "
                   f'| <span data-sort="{r.lifecycle.retention_years:g}">{r.lifecycle.retention_label}</span> | {"、".join(uses) or "—"} | {pdf} |\n')
    return "".join(out)


def render_indexes(ctx: Context, pdfs: set[str] | None = None) -> dict[str, str]:
    pages = {
        _page("raci"): render_raci(ctx),
        _page("retention"): render_retention(ctx),
        _page("time-limits"): render_time_limits(ctx),
        _page("review"): render_review(ctx),
        _page("changes"): render_changes(ctx),
        _page("roles"): render_roles(ctx),
        _page("records"): render_records(ctx, pdfs or set()),
    }
    return {path: tables_to_html(ctx, path, text) for path, text in pages.items()}
