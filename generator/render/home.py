"""The home page: what the handbook is, the categories with their procedures, popular forms, recent changes."""

from __future__ import annotations

from ..analysis import STAT_NAMES, overdue, stats
from .context import Context, procedure_page, record_page
from .procedure_page import front_matter
from .text import esc

PAGE = "index.md"


def render_home(ctx: Context, binder: bool = True) -> str:
    hb = ctx.hb
    s = ctx.settings
    out = [front_matter("首页", None, description=f"{s.organisation}{s.office}的工作流程、表单和岗位职责。", extra={"hide": ["navigation"]})]
    out.append(f"# {esc(s.organisation)}{esc(s.site_title)}\n\n")
    out.append(f"本手册收录{esc(s.office)}的全部工作流程、表单和岗位职责：每个流程都有泳道流程图、步骤说明、时限和风险控制点，"
               "每张表单都可以直接打印或下载 PDF。按 <kbd>/</kbd> 或点右上角的放大镜检索，例如“用印”“借阅档案”“会议纪要”。\n\n")
    numbers = stats(hb)
    out.append('<div class="hb-stats" markdown>\n\n' + "\n".join(
        f"- **{numbers[k]}** {STAT_NAMES[k]}" for k in ("procedures", "steps", "records", "roles", "time_limits", "risks", "recurring_tasks")
    ) + "\n\n</div>\n\n")
    if binder:
        out.append("[下载手册汇编 PDF](handbook.pdf){ .md-button } 全部流程（含流程图和步骤）和空白表单合订为一个 PDF，"
                   "可打印装订成册。\n\n")
    late = overdue(hb, ctx.today)
    if late:
        out.append(f'!!! warning "{len(late)} 个流程已超过审核日期"\n    见{ctx.index_link(PAGE, "review")}。\n\n')
    out.append("## 流程\n\n")
    for category, procs in hb.categories(s.categories).items():
        out.append(f"### {esc(category)}\n\n")
        for p in procs:
            summary = f"：{esc(p.summary)}" if p.summary else ""
            out.append(f"- [{esc(p.title)}]({procedure_page(p)}){summary}\n")
        out.append("\n")
    popular = [hb.records[r] for r in s.popular_records if r in hb.records] or ctx.records()[:8]
    out.append("## 常用表单\n\n| 表单 | 编号 | 打印 |\n|---|---|---|\n")
    for r in popular:
        out.append(f"| [{esc(r.title)}]({record_page(r)}) | {esc(r.code)} | [打印/PDF]({record_page(r)}#空白表样) |\n")
    out.append(f"\n全部表单见{ctx.index_link(PAGE, 'records')}。\n\n")
    changes = sorted(((c.date, p, c) for p in ctx.procedures() for c in p.changelog), key=lambda x: x[0], reverse=True)[:8]
    if changes:
        out.append("## 最近更新\n\n| 日期 | 流程 | 版本 | 内容 |\n|---|---|---|---|\n")
        for date, p, c in changes:
            out.append(f"| {esc(date)} | [{esc(p.title)}]({procedure_page(p)}) | {esc(c.version)} | {esc(c.summary)} |\n")
        out.append(f"\n全部变更见{ctx.index_link(PAGE, 'changes')}。\n\n")
    out.append("## 审计与查询\n\n")
    for key in ("raci", "retention", "time-limits", "review", "roles", "records", "changes"):
        out.append(f"- {ctx.index_link(PAGE, key)}\n")
    return "".join(out)
