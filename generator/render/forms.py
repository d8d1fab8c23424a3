"""Printable forms: the HTML preview on each record page (printed by the browser with docs/assets/forms.css),
the PDF of each record, and the duty checklist PDFs of each role.

The HTML is one raw block without blank lines, so Markdown passes it through untouched; every YAML
string in it goes through `html.escape`.
"""

from __future__ import annotations

import html
from collections.abc import Callable

from ..model import FormField, Handbook, RecordType
from ..parallel import map_items
from . import cache
from .checklists import checklist_pdf, checklist_source, checklists_of
from .context import Context
from .form_layout import (
    CUT_MM,
    FIELDS_A_LINE,
    FOOT_MM,
    HEAD_MM,
    META_PT,
    ORG_PT,
    SIGNS_MM,
    TITLE_PT,
    FormPlan,
    choice_text,
    plan_certificate,
    plan_form,
    plan_register,
    record_paper,
    retention_note,
    signature_rows,
    spaced_title,
)
from .typst_forms import record_pdf, record_source

DATE_FILL = "　　　年　　月　　日"


def render_forms(ctx: Context, pdfs: bool = True) -> tuple[dict[str, str], dict[str, bytes], dict[str, dict[str, str]]]:
    """Returns (form_html by record id, files {site path: pdf bytes}, checklists {role id: {frequency: link target relative to the role page}})."""
    org = ctx.settings.organisation
    forms: dict[str, str] = {}
    files: dict[str, bytes] = {}
    checklists: dict[str, dict[str, str]] = {}
    records = ctx.records()
    for r in records:
        forms[r.id] = form_html(ctx.hb, org, r)
    if pdfs:
        def one_record(r: RecordType) -> bytes:
            try:
                return record_pdf(ctx.hb, org, r)
            except Exception as e:  # a bug of ours, never of the YAML: say which form it was
                raise RuntimeError(f"{r.path}: 生成 PDF 失败：{e}") from e

        office = ctx.settings.office
        jobs = [(f"records/{r.id}.pdf", record_source(ctx.hb, org, r), lambda r=r: one_record(r)) for r in records]
        lists = [c for role in ctx.roles() for c in checklists_of(role)]
        jobs += [(f"roles/{c.file_name}", checklist_source(c, org, office), lambda c=c: checklist_pdf(c, org, office)) for c in lists]
        for c in lists:
            checklists.setdefault(c.role.id, {})[c.frequency] = c.file_name
        files.update(_cached_pdfs(jobs))
    return forms, files, checklists


def _cached_pdfs(jobs: list[tuple[str, str, Callable[[], bytes]]]) -> dict[str, bytes]:
    """PDFs by path: cached ones (keyed by their first Typst source) from the cache, the rest on all cores."""
    out: dict[str, bytes] = {}
    misses = []
    for path, source, make in jobs:
        k = cache.key("sheet", source)
        hit = cache.get("sheet", k)
        if hit is not None:
            out[path] = hit
        else:
            misses.append((path, k, make))
    for (path, k, _), pdf in zip(misses, map_items(lambda job: job[2](), misses, min_items=40)):
        cache.put("sheet", k, pdf)
        out[path] = pdf
    return {path: out[path] for path, _, _ in jobs}


# ---- HTML ------------------------------------------------------------------------------------------

def esc(text: object) -> str:
    return html.escape(str(text), quote=True)


def form_html(hb: Handbook, org: str, r: RecordType) -> str:
    paper = record_paper(r)
    foot = f'<div class="hb-sheet__foot">{esc(retention_note(hb, r))}</div>'
    if r.kind == "register":
        sheet, pages = _register_sheet(org, r, foot), max(1, r.pages)
    elif r.kind == "certificate":
        sheet, pages = _certificate_sheet(org, r, foot), 1
    else:
        sheet, pages = _form_sheet(org, r, foot), max(1, r.pages)
    size = paper.size
    style = (f"--hb-sheet-h:{paper.inner_height - 0.5:.1f}mm;--hb-head-h:{HEAD_MM[size]:.1f}mm;"
             f"--hb-foot-h:{FOOT_MM:.1f}mm;--hb-signs-h:{SIGNS_MM[size]:.1f}mm;--hb-pt:{paper.body_pt}pt;"
             f"--hb-title-pt:{TITLE_PT[size]}pt;--hb-org-pt:{ORG_PT[size]}pt;--hb-meta-pt:{META_PT[size]}pt")
    note = (f'<p class="hb-form__pages">登记簿打印时共 {pages} 页（每页相同）。</p>' if pages > 1 else "")
    return (f'<div class="hb-form-wrap">{note}<div class="hb-form hb-form--{r.kind} {paper.css_class}" '
            f'data-pages="{pages}" style="{style}">' + sheet * pages + "</div></div>")


def _head(org: str, title: str, left: str, right: str = "") -> str:
    spacing = spaced_title(title)
    return ('<div class="hb-sheet__head">'
            f'<div class="hb-sheet__org">{esc(org)}</div>'
            f'<div class="hb-sheet__title" style="letter-spacing:{spacing}em;text-indent:{spacing}em">{esc(title)}</div>'
            f'<div class="hb-sheet__meta"><span>{left}</span><span>{right}</span></div></div>')


def _code_line(r: RecordType) -> str:
    return f"编号：{esc(r.code)}　　版本：{esc(r.version)}"


def _blank(cls: str = "") -> str:
    return f'<span class="hb-blank{(" " + cls) if cls else ""}"></span>'


def _value(f: FormField, span: str) -> str:
    hint = f'<span class="hb-hint">{esc(f.hint)}</span>' if f.hint else ""
    if f.type == "choice":
        body = esc(choice_text(f)) + (" " + hint if hint else "")
    elif f.type == "date":
        body = f'{hint}<span class="hb-datefill">{DATE_FILL}</span>'
    else:
        body = hint
    return f'<td class="hb-v hb-v--{esc(f.type)}"{span}>{body}</td>'


def _grid(plan: FormPlan) -> str:
    lw = f"{plan.label_width:.1f}mm"
    out = [f'<table class="hb-grid" style="--hb-grid-pt:{plan.pt}pt"><colgroup><col style="width:{lw}"><col><col style="width:{lw}"><col></colgroup><tbody>']
    for row in plan.rows:
        style = f' style="height:{row.height:.1f}mm"'
        if row.is_approval:
            paired = len(row.approvals) > 1
            span = "" if paired else ' colspan="3"'
            sign = (f'<span class="hb-signline">签字：{_blank()}</span><br><span class="hb-signline">日期：{DATE_FILL}</span>'
                    if paired else f'<span class="hb-signline">签字：{_blank()}日期：{DATE_FILL}</span>')
            out.append(f'<tr class="hb-approval"{style}>' + "".join(
                f'<th>{esc(a)}</th><td class="hb-v hb-v--approval"{span}>{sign}</td>' for a in row.approvals) + "</tr>")
            continue
        cells = []
        for c in row.cells:
            span = ' colspan="3"' if c.span == 3 else ""
            cells.append(f"<th>{esc(c.field.label)}</th>" + _value(c.field, span))
        out.append(f"<tr{style}>" + "".join(cells) + "</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def _signs(names: list[str]) -> str:
    if not names:
        return ""
    rows = signature_rows(names)
    return (f'<div class="hb-signs" style="--hb-rows:{rows}">' + "".join(f"<span>{esc(n)}：{_blank()}</span>" for n in names) + "</div>")


def _form_sheet(org: str, r: RecordType, foot: str) -> str:
    plan = plan_form(r)
    return (f'<div class="hb-sheet">{_head(org, r.title, _code_line(r))}{_grid(plan)}{_signs(r.signatures)}'
            + foot + "</div>")


def _register_sheet(org: str, r: RecordType, foot: str) -> str:
    rp = plan_register(r)
    total = sum(rp.widths) or 1.0
    cols = "".join(f'<col style="width:{100 * w / total:.2f}%">' for w in rp.widths)
    head = "".join(f"<th>{esc(c.label)}" + (f'<span class="hb-hint">{esc(c.hint)}</span>' if c.hint else "") + "</th>"
                   for c in r.columns)
    row = f'<tr style="height:{rp.row_height:.2f}mm">' + "<td></td>" * len(r.columns) + "</tr>"
    fields = ""
    if r.fields:
        fields = ('<div class="hb-reg-fields" style="--hb-n:' + str(min(len(r.fields), FIELDS_A_LINE)) + '">'
                  + "".join(f"<span>{esc(f.label)}：{_blank()}</span>" for f in r.fields) + "</div>")
    approvals = ""
    if r.approvals:
        approvals = (f'<table class="hb-grid hb-reg-approvals"><tr style="height:{rp.approval_height:.1f}mm">'
                     + "".join(f'<td><span class="hb-reg-approval__label">{esc(a.label)}</span>'
                               f'<span class="hb-signline">签字：{_blank()}日期：{DATE_FILL}</span></td>'
                               for a in r.approvals) + "</tr></table>")
    return (f'<div class="hb-sheet">{_head(org, r.title, _code_line(r), "第" + _blank("hb-blank--short") + "页")}'
            f'{fields}<table class="hb-grid hb-grid--register"><colgroup>{cols}</colgroup>'
            f'<thead><tr style="height:{rp.head_height:.1f}mm">{head}</tr></thead><tbody>{row * rp.rows}</tbody></table>'
            + approvals + _signs(r.signatures) + foot + "</div>")


def _certificate_sheet(org: str, r: RecordType, foot: str) -> str:
    cp = plan_certificate(r)
    spacing = spaced_title(r.title)

    def half(kind: str, suffix: str, height: float, body: str) -> str:
        return (f'<div class="hb-cert__half hb-cert__{kind}" style="--hb-h:{height:.1f}mm">'
                f'<div class="hb-sheet__title"><span style="letter-spacing:{spacing}em;margin-left:{spacing}em">'
                f'{esc(r.title)}</span>{suffix}</div>'
                '<div class="hb-cert__number">（　　　）字第　　　　号</div>' + body + "</div>")

    seal = f'<div class="hb-seal"><div>{esc(org)}（盖章）</div><div>{DATE_FILL}</div></div>'
    return ('<div class="hb-sheet">'
            f'<div class="hb-cert__top"><span>{esc(org)}</span><span>{_code_line(r)}</span></div>'
            + half("stub", "（存根）", cp.stub_height, _grid(cp.stub) + _signs(r.signatures))
            + f'<div class="hb-cut" style="height:{CUT_MM:.1f}mm"><span>✂ 沿此线裁开</span></div>'
            + half("original", "", cp.original_height, _grid(cp.original) + seal)
            + foot + "</div>")
