"""The record (form/register/certificate) page: purpose, lifecycle, where it is used, the printable form."""

from __future__ import annotations

from ..labels import ARCHIVE_CLASS_NAMES, KIND_NAMES
from ..model import RecordType, as_list
from .context import Context, record_page
from .procedure_page import front_matter
from .text import block, esc


def render_record(ctx: Context, r: RecordType, form_html: str | None, pdf_name: str | None) -> str:
    page = record_page(r)
    lc = r.lifecycle
    out = [front_matter(r.title, r.path, description=" ".join(as_list(r.purpose))[:120],
                        tags=["表单", KIND_NAMES[r.kind]], boost=2)]
    out.append(f"# {esc(r.title)}\n\n")
    paper = f"{r.paper_size} {'横向' if r.orientation == 'landscape' else '纵向'}"
    out.append(f'<div class="hb-meta" markdown>\n\n- **编号**：{esc(r.code)}\n- **版本**：{esc(r.version)}\n'
               f"- **类型**：{KIND_NAMES[r.kind]}\n- **纸张**：{paper}\n- **保存期限**：{lc.retention_label}\n\n</div>\n\n")
    if r.keywords:
        out.append(f'<p class="hb-keywords">又称：{"、".join(esc(k) for k in r.keywords)}</p>\n\n')
    actions = []
    if form_html:
        actions.append('<button class="md-button md-button--primary hb-print" type="button">打印空白表</button>')
    if pdf_name:
        actions.append(f'[下载 PDF]({pdf_name}){{ .md-button }}')
    if actions:
        out.append('<div class="hb-actions" markdown>\n' + " ".join(actions) + "\n</div>\n\n")
    out.append("## 用途\n\n" + block(r.purpose) + "\n")
    out.append("## 使用及销毁流程\n\n")
    stages = [
        ("编制", ctx.role_link(page, lc.prepare)),
        ("填写", "、".join(ctx.role_link(page, x) for x in lc.fill)),
        ("审核", "、".join(ctx.role_link(page, x) for x in lc.review) or "—"),
        ("保管", ctx.role_link(page, lc.keeper) or "—"),
        ("保存期限", lc.retention_label + (f"（归档后{ARCHIVE_CLASS_NAMES[lc.archive_class]}）" if lc.archive_class else "")),
        ("销毁责任人", ctx.role_link(page, lc.destroy) or "—"),
    ]
    out.append("| " + " | ".join(s for s, _ in stages) + " |\n|" + "---|" * len(stages) + "\n| "
               + " | ".join(v for _, v in stages) + " |\n\n")
    if lc.note:
        out.append(f"说明：{esc(lc.note)}\n\n")
    out.append(f"全部表单的保存期限见{ctx.index_link(page, 'retention')}。\n\n")
    uses = ctx.record_uses.get(r.id, [])
    roles = ctx.tasks_by_record.get(r.id, [])
    out.append("## 使用本表的流程和步骤\n\n")
    if uses or roles:
        for p, s in uses:
            where = f"第 {s.number} 步“{esc(s.name)}”（{ctx.role_link(page, s.role)}）" if s else "实施证据"
            href = ctx.rel(page, f"{p.folder}/{p.id}.md") + (f"#{s.anchor}" if s else "")
            out.append(f"- [{esc(p.title)}]({href})：{where}\n")
        for role in roles:
            out.append(f"- {ctx.role_link(page, role.id)}的定期任务\n")
        out.append("\n")
    else:
        out.append("暂无流程引用本表。\n\n")
    if r.instructions:
        out.append("## 填写说明\n\n" + block(r.instructions) + "\n")
    out.append("## 空白表样\n\n")
    if form_html:
        out.append(form_html.strip() + "\n\n")
    else:
        out.append("表样暂未生成。\n\n")
    if r.changelog:
        out.append("## 变更记录\n\n| 版本 | 日期 | 修订人 | 内容 |\n|---|---|---|---|\n")
        for c in r.changelog:
            out.append(f"| {esc(c.version)} | {esc(c.date)} | {esc(c.author or '—')} | {esc(c.summary)} |\n")
        out.append("\n")
    if r.sources:
        out.append('<div class="hb-sources" markdown>\n\n**来源**：' +
                   "；".join(esc(ctx.settings.source_titles.get(s.doc, s.doc)) + (f"（{esc(s.section)}）" if s.section else "") for s in r.sources) + "\n\n</div>\n")
    return "".join(out)
