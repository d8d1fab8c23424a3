"""The role page: reports-to, duties, every step it performs, its recurring tasks and checklists."""

from __future__ import annotations

from ..labels import FREQUENCY_NAMES, ROLE_KIND_NAMES
from ..model import Role
from .context import Context, role_page
from .procedure_page import front_matter
from .text import esc


def render_role(ctx: Context, role: Role, checklists: dict[str, str]) -> str:
    """`checklists` maps a frequency to the file name of its printable checklist (page or PDF)."""
    page = role_page(role)
    hb = ctx.hb
    out = [front_matter(role.title, role.path, description=role.summary, tags=["岗位"], boost=1.5)]
    out.append(f"# {esc(role.title)}\n\n")
    if role.summary:
        out.append(f"{esc(role.summary)}\n\n")
    rows = [("类型", ROLE_KIND_NAMES[role.kind]), ("汇报对象", ctx.role_link(page, role.reports_to) or "—")]
    reports = [r for r in hb.roles.values() if r.reports_to == role.id]
    if reports:
        rows.append(("下属岗位", "、".join(ctx.role_link(page, r.id) for r in reports)))
    owned = [p for p in ctx.procedures() if p.owner == role.id]
    if owned:
        rows.append(("负责维护的流程", "、".join(ctx.procedure_link(page, p.id) for p in owned)))
    out.append('<div class="hb-meta" markdown>\n\n' + "\n".join(f"- **{k}**：{v}" for k, v in rows) + "\n\n</div>\n\n")
    if role.keywords:
        out.append(f'<p class="hb-keywords">又称：{"、".join(esc(k) for k in role.keywords)}</p>\n\n')
    if role.duties:
        out.append("## 主要职责\n\n" + "".join(f"{i}. {esc(d)}\n" for i, d in enumerate(role.duties, 1)) + "\n")
    steps = ctx.steps_by_role.get(role.id, [])
    out.append("## 在各流程中的步骤\n\n")
    if steps:
        current = None
        for p, s in steps:
            if p is not current:
                out.append(f"\n**{ctx.procedure_link(page, p.id)}**（{esc(p.code)}）\n\n")
                current = p
            limits = "、".join(esc(t.short) for t in s.time_limits)
            href = ctx.rel(page, f"{p.folder}/{p.id}.md") + f"#{s.anchor}"
            out.append(f"- [第 {s.number} 步 {esc(s.name)}]({href})" + (f"（时限 {limits}）" if limits else "") + "\n")
        out.append("\n")
    else:
        out.append("本岗位不直接执行流程步骤。\n\n")
    groups = role.tasks_by_frequency()
    if groups:
        out.append("## 定期任务\n\n")
        for freq, tasks in groups.items():
            link = f"（[打印检查表]({checklists[freq]})）" if freq in checklists else ""
            out.append(f"### {FREQUENCY_NAMES[freq]}{link}\n\n| 任务 | 时间 | 说明 | 相关 |\n|---|---|---|---|\n")
            for t in tasks:
                related = [ctx.procedure_link(page, t.procedure)] if t.procedure else []
                related += [ctx.record_link(page, r) for r in t.records]
                out.append(f"| {esc(t.name)} | {esc(t.when or FREQUENCY_NAMES[freq])} | {esc(t.details or '')} "
                           f"| {'、'.join(related) or '—'} |\n")
            out.append("\n")
    return "".join(out)
