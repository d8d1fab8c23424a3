"""The procedure page, in the order of the office template."""

from __future__ import annotations

from ..analysis import review
from ..labels import LEVEL_NAMES, RELATION_NAMES, STATUS_NAMES
from ..model import Procedure, as_list
from .context import Context, procedure_page
from .text import block, cell, esc


def front_matter(title: str, source: str | None, *, description: str | None = None, tags: list[str] | None = None,
                 boost: float | None = None, extra: dict | None = None) -> str:
    """YAML front matter. Values are JSON-quoted strings, which YAML reads back verbatim. Themes put
    title, description and tags into HTML without escaping them, so they are HTML-escaped here."""
    import html
    import json

    def value(text: str) -> str:
        return json.dumps(html.escape(" ".join(text.split()), quote=True), ensure_ascii=False)

    lines = ["---", f"title: {value(title)}"]
    if description:
        lines.append(f"description: {value(description)}")
    if tags:
        lines.append("tags:")
        lines += [f"  - {value(t)}" for t in tags]
    if boost:
        lines += ["search:", f"  boost: {boost}"]
    if source:
        lines.append(f"handbook_source: {json.dumps(source)}")
    for key, value in (extra or {}).items():
        lines.append(f"{key}: {json.dumps(value, ensure_ascii=False)}")
    lines.append("---")
    return "\n".join(lines) + "\n\n"


def meta_box(ctx: Context, p: Procedure, page: str) -> str:
    state = review(p, ctx.today)
    rows = [
        ("编号", esc(p.code)), ("版本", esc(p.version)), ("状态", STATUS_NAMES[p.status]),
        ("类别", esc(p.category)), ("责任岗位", ctx.role_link(page, p.owner)), ("生效日期", esc(p.effective)),
        ("上次审核", esc(p.last_review)),
        ("下次审核", f"{p.next_review.isoformat()}" + ("（已逾期）" if state.overdue else "")),
    ]
    items = "\n".join(f"- **{k}**：{v}" for k, v in rows)
    return f'<div class="hb-meta" markdown>\n\n{items}\n\n</div>\n\n'


def render_procedure(ctx: Context, p: Procedure, chart_svg: str | None) -> str:
    page = procedure_page(p)
    hb = ctx.hb
    out = [front_matter(p.title, p.path, description=p.summary or " ".join(as_list(p.purpose))[:120],
                        tags=[p.category, *p.tags], boost=3)]
    out.append(f"# {esc(p.title)}\n\n")
    if p.status != "active":
        kind = "danger" if p.status == "retired" else "note"
        out.append(f'!!! {kind} "本流程{STATUS_NAMES[p.status]}"\n    {"本流程已废止，仅供查阅历史。" if p.status == "retired" else "本流程为草案，尚未生效。"}\n\n')
    if review(p, ctx.today).overdue:
        days = -review(p, ctx.today).days_left
        out.append(f'!!! warning "本流程已超过审核日期"\n    应于 {p.next_review.isoformat()} 前审核，已逾期 {days} 天。'
                   f"内容可能已过时，请向{ctx.role_link(page, p.owner)}确认。\n\n")
    if p.summary:
        out.append(f"{esc(p.summary)}\n\n")
    out.append(meta_box(ctx, p, page))
    if p.keywords:
        out.append(f'<p class="hb-keywords">又称：{"、".join(esc(k) for k in p.keywords)}</p>\n\n')
    out.append("## 目的\n\n" + block(p.purpose) + "\n")
    out.append("## 范围\n\n" + block(p.scope) + "\n")
    out.append("## 流程图\n\n")
    if chart_svg:
        # An image link any Markdown engine can show; the MkDocs plugin swaps it for the inline SVG
        # (whose steps link to the table) after the page is rendered.
        out.append(f'<div class="hb-chart" markdown>\n\n![{esc(p.title)}流程图]({p.id}.svg){{ .hb-chart-img data-chart="{p.id}" }}\n\n</div>\n\n')
        out.append('<p class="hb-chart-note">点击图中的步骤可跳到下表中的说明；下表即流程图的文字版。</p>\n\n')
    else:
        out.append('<p class="hb-chart-missing">流程图暂未生成；步骤见下表。</p>\n\n')
    out.append('## 主要步骤\n\n<div class="hb-steps" markdown>\n\n' + steps_table(ctx, p, page) + "\n</div>\n\n")
    decisions = [s for s in p.steps if s.is_decision]
    if decisions or p.decisions:
        out.append("## 关键决策点\n\n")
        for s in decisions:
            branches = "；".join(f"“{esc(b.label)}” → {target_name(p, b.next)}" for b in s.branches)
            crit = f"判断标准：{esc(s.criteria)}。" if s.criteria else ""
            out.append(f"- **第 {s.number} 步 [{esc(s.name)}](#{s.anchor})**（{ctx.role_link(page, s.role)}）：{crit}{branches}。\n")
        if p.decisions:
            out.append("\n" + block(p.decisions))
        out.append("\n")
    if p.inputs or p.outputs:
        out.append("## 输入和输出\n\n")
        if p.inputs:
            out.append("**输入**\n\n" + block(p.inputs) + "\n")
        if p.outputs:
            out.append("**输出**\n\n" + block(p.outputs) + "\n")
    if p.monitoring:
        out.append("## 流程监控和控制\n\n" + block(p.monitoring) + "\n")
    limits = p.time_limits()
    if limits:
        out.append("## 时限汇总\n\n| 步骤 | 岗位 | 适用 | 时限 | 说明 |\n|---|---|---|---|---|\n")
        for s, t in limits:
            out.append(f"| [{s.number}. {esc(s.name)}](#{s.anchor}) | {ctx.role_link(page, s.role)} | {esc(t.qualifier) or '—'} "
                       f"| {esc(t.describe().split('：')[-1])} | {esc(t.note or '')} |\n")
        out.append(f"\n全部流程的时限见{ctx.index_link(page, 'time-limits')}。\n\n")
    if p.risks:
        out.append("## 风险及控制措施\n\n| 编号 | 风险 | 等级 | 控制措施 | 补救措施 | 控制点 |\n|---|---|---|---|---|---|\n")
        for r in p.risks:
            points = "、".join(f"[{s.number}. {esc(s.name)}](#{s.anchor})" for s in p.steps if r.id in s.risks) or "—"
            out.append(f'| <span id="risk-{r.id.lower()}"></span>{esc(r.id)} | {esc(r.risk)} | {LEVEL_NAMES.get(r.level or "", "—")} '
                       f"| {cell(r.control)} | {cell(r.remedy) or '—'} | {points} |\n")
        out.append("\n")
    if p.exceptions:
        out.append("## 异常处理\n\n| 异常情况 | 处理办法 |\n|---|---|\n")
        for e in p.exceptions:
            out.append(f"| {esc(e.case)} | {cell(e.action)} |\n")
        out.append("\n")
    used = p.records_used()
    if used or p.documents:
        out.append("## 相关文档和记录\n\n")
        for rid in used:
            r = hb.records.get(rid)
            steps = "、".join(f"[第 {s.number} 步](#{s.anchor})" for s in p.steps if rid in s.records)
            code = f"{esc(r.code)}，" if r else ""
            out.append(f"- {ctx.record_link(page, rid)}（{code}{steps}）\n")
        if p.documents:
            out.append("\n其他文档：\n\n" + block(p.documents))
        out.append("\n")
    if p.policies:
        out.append("## 涉及制度\n\n")
        for pol in p.policies:
            policy = hb.policies.get(pol)
            if policy:
                out.append(f"- [{esc(policy.title)}]({ctx.rel(page, policy.path.removeprefix('docs/'))})\n")
        out.append("\n")
    back = ctx.linked_from.get(p.id, [])
    if p.interfaces or back:
        out.append("## 流程接口\n\n")
        for x in p.interfaces:
            note = f"：{esc(x.note)}" if x.note else ""
            out.append(f"- {RELATION_NAMES[x.relation]}：{ctx.procedure_link(page, x.procedure)}{note}\n")
        for other, relation in back:
            if not any(x.procedure == other.id for x in p.interfaces):
                mirrored = {"upstream": "下游", "downstream": "上游", "related": "相关"}[relation]
                out.append(f"- {mirrored}：{ctx.procedure_link(page, other.id)}（由对方流程声明）\n")
        out.append("\n")
    evidence = p.evidence or used
    if evidence:
        out.append("## 实施证据\n\n本流程执行后应留存：" + "、".join(ctx.record_link(page, r) for r in evidence) + "。\n\n")
    if p.training:
        out.append("## 培训和沟通\n\n" + block(p.training) + "\n")
    out.append("## 审核和更新\n\n")
    out.append(f"每 {p.review_interval} 个月审核一次，上次审核 {esc(p.last_review)}，下次审核 {p.next_review.isoformat()}；"
               f"由{ctx.role_link(page, p.owner)}负责。\n\n")
    if p.review_note:
        out.append(block(p.review_note) + "\n")
    if p.changelog:
        out.append("## 变更记录\n\n| 版本 | 日期 | 修订人 | 内容 |\n|---|---|---|---|\n")
        for c in p.changelog:
            out.append(f"| {esc(c.version)} | {esc(c.date)} | {esc(c.author or '—')} | {esc(c.summary)} |\n")
        out.append("\n")
    if p.sources:
        out.append('<div class="hb-sources" markdown>\n\n**来源**：' +
                   "；".join(esc(ctx.settings.source_titles.get(s.doc, s.doc)) + (f"（{esc(s.section)}）" if s.section else "") for s in p.sources) + "\n\n</div>\n")
    return "".join(out)


def target_name(p: Procedure, target: str) -> str:
    if target == "end":
        return "流程结束"
    s = p.step(target)
    return f"[第 {s.number} 步 {esc(s.name)}](#{s.anchor})" if s else esc(target)


def steps_table(ctx: Context, p: Procedure, page: str) -> str:
    rows = ["| 序号 | 步骤 | 岗位 | 说明 | 时限 | 表单 |", "|---|---|---|---|---|---|"]
    for s in p.steps:
        details = cell(s.details)
        if s.criteria:
            details += ("<br>" if details else "") + f"判断标准：{esc(s.criteria)}"
        if s.branches:
            details += ("<br>" if details else "") + "；".join(f"{esc(b.label)} → {target_name(p, b.next)}" for b in s.branches)
        elif s.next and s.next != "end" and p.step(s.next) and p.step(s.next).index != s.index + 1:
            details += ("<br>" if details else "") + f"下一步：{target_name(p, s.next)}"
        elif s.next == "end" and s.index != len(p.steps) - 1:
            details += ("<br>" if details else "") + "流程在此结束"
        if s.risks:
            details += ("<br>" if details else "") + "风险控制点：" + "、".join(f"[{esc(r)}](#risk-{r.lower()})" for r in s.risks)
        limits = "<br>".join(esc(f"{t.short}（{t.qualifier}）" if t.qualifier else t.short) for t in s.time_limits) or "—"
        records = "<br>".join(ctx.record_link(page, r) for r in s.records) or "—"
        rows.append(f'| <span id="{s.anchor}" class="hb-step-anchor"></span>{s.number} | {esc(s.name)} '
                    f"| {ctx.role_link(page, s.role)} | {details or '—'} | {limits} | {records} |")
    return "\n".join(rows) + "\n"
