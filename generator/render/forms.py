"""Printable forms: the HTML preview on each record page (printed by the browser with docs/assets/forms.css),
the PDF of each record, and the duty checklist PDFs of each role.

The HTML is templates/form.html.j2, one raw block without blank lines, so Markdown passes it through
untouched; Jinja2's autoescape escapes every YAML string in it.
"""

from __future__ import annotations

import functools

import jinja2

from ..engine import Job
from ..model import Handbook, RecordType
from . import form_layout as fl
from .checklists import Checklist, checklist_job, checklists_of
from .context import Context
from .typst_forms import TEMPLATES, record_job, svg_pages


def render_forms(ctx: Context) -> tuple[dict[str, str], dict[str, dict[str, str]]]:
    """(form_html by record id, checklists {role id: {frequency: link target relative to the role page}})."""
    forms = {r.id: form_html(ctx.hb, ctx.settings.organisation, r, ctx.directory_urls) for r in ctx.records()}
    checklists: dict[str, dict[str, str]] = {}
    for c in _checklists(ctx):
        checklists.setdefault(c.role.id, {})[c.frequency] = c.file_name
    return forms, checklists


def _checklists(ctx: Context) -> list[Checklist]:
    return [c for role in ctx.roles() for c in checklists_of(role)]


def pdf_jobs(ctx: Context) -> dict[str, Job]:
    """A job for every PDF of the site, by its path: each record's, then each role's checklists."""
    org, office = ctx.settings.organisation, ctx.settings.office
    jobs: dict[str, Job] = {}
    for r in ctx.records():
        jobs[f"records/{r.id}.pdf"] = record_job(ctx.hb, org, r)
        for i in range(svg_pages(r)):
            jobs[f"records/{svg_name(r, i)}"] = record_job(ctx.hb, org, r, "svg", i)
        if two_up(r):
            jobs[f"records/{r.id}-A4.pdf"] = record_job(ctx.hb, org, r, "a4")
    jobs.update({f"roles/{c.file_name}": checklist_job(c, org, office) for c in _checklists(ctx)})
    return jobs


def svg_name(r: RecordType, page: int) -> str:
    return f"{r.id}.svg" if page == 0 else f"{r.id}-{page + 1}.svg"


def two_up(r: RecordType) -> bool:
    """An A5 sheet is also printed two on an A4 page, for an ordinary office printer."""
    return r.kind != "certificate" and r.paper_size == "A5"


# ---- HTML ------------------------------------------------------------------------------------------

@functools.cache
def _environment() -> jinja2.Environment:
    """The one Jinja2 environment of the form preview: templates/form.html.j2, autoescaped."""
    return jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True, undefined=jinja2.StrictUndefined,
                              trim_blocks=True, lstrip_blocks=True)


def form_html(hb: Handbook, org: str, r: RecordType, directory_urls: bool = True) -> str:
    """The record page's preview: the sheet itself, as the SVG the PDF's own layout draws (one image a
    printed page), so that what is seen, printed from the browser and downloaded is the same sheet."""
    paper = fl.record_paper(r)
    pages = max(1, r.pages) if r.kind != "certificate" else 1
    up = "../" if directory_urls else ""
    srcs = [up + svg_name(r, min(i, svg_pages(r) - 1)) for i in range(pages)]
    return _environment().get_template("form.html.j2").render(r=r, paper=paper, pages=pages, srcs=srcs,
                                                              repeats=r.kind == "register")
