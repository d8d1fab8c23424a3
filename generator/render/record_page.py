"""The record (form/register/certificate) page: purpose, lifecycle, where it is used, the printable form.
A RecordPage written by record.md.j2."""

from __future__ import annotations

from ..analysis import archive_words
from ..labels import KIND_NAMES, SECRECY_NAMES
from ..model import RecordType, as_list
from . import pages as pg
from .context import Context, record_page
from .procedure_page import changes, sources
from .templating import render


def render_record(ctx: Context, r: RecordType, form_html: str | None, pdf_name: str | None, a4_name: str | None = None) -> str:
    return render("record.md.j2", page=record_data(ctx, r, form_html, pdf_name, a4_name))


def record_data(ctx: Context, r: RecordType, form_html: str | None, pdf_name: str | None,
                a4_name: str | None = None) -> pg.RecordPage:
    to = pg.Linker(ctx, record_page(r))
    return pg.RecordPage(
        front=pg.FrontMatter(r.title, r.path, " ".join(as_list(r.purpose))[:120], ("表单", KIND_NAMES[r.kind]), 2),
        title=r.title, code=r.code, version=r.version, kind=KIND_NAMES[r.kind],
        paper=f"{r.paper_size} {'横向' if r.orientation == 'landscape' else '纵向'}", retention=r.lifecycle.retention_label,
        archive=archive_words(r.lifecycle), secrecy=SECRECY_NAMES.get(r.secrecy or ""), keywords=tuple(r.keywords),
        print_button=bool(form_html), pdf=pdf_name or None, pdf_a4=a4_name or None, purpose=r.purpose,
        stages=stages(r, to), lifecycle_note=r.lifecycle.note,
        evidences=tuple(to.record(x) for x in r.evidences), retention_index=to.index("retention"),
        uses=tuple(use_line(p, s, to) for p, s in ctx.record_uses.get(r.id, [])),
        task_roles=tuple(to.role(role.id) for role in ctx.tasks_by_record.get(r.id, [])),
        instructions=r.instructions, form_html=form_html.strip() if form_html else None,
        changelog=changes(r.changelog), sources=sources(ctx, r.sources),
    )


def stages(r: RecordType, to: pg.Linker) -> tuple[tuple[str, tuple[pg.Ref, ...], str], ...]:
    lc = r.lifecycle
    return (
        ("编制", to.roles([lc.prepare]), ""),
        ("填写", to.roles(lc.fill), ""),
        ("审核", to.roles(lc.review), "—"),
        ("保管", to.roles([lc.keeper]), "—"),
        ("本单位保存期限", (lc.retention_label,), ""),
        ("归档", (archive_words(lc),), ""),
        ("销毁责任人", to.roles([lc.destroy]), "—"),
    )


def use_line(p, s, to: pg.Linker) -> pg.RecordUseLine:
    """A step that uses the record, or (s None) a procedure that keeps it as evidence."""
    link = to.procedure(p.id, s.anchor if s else None)
    return pg.RecordUseLine(link, s.number if s else None, s.name if s else None, to.role(s.role) if s else None)
