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
from .typst_forms import TEMPLATES, record_job

DATE_FILL = "　　　年　　月　　日"
# what form.html.j2 uses of form_layout: the same sizes and wording as the PDFs
_LAYOUT_NAMES = ("CUT_MM", "FIELDS_A_LINE", "FOOT_MM", "HEAD_MM", "META_PT", "ORG_PT", "SIGNS_MM", "TITLE_PT", "choice_text",
                 "signature_rows", "spaced_title")


def render_forms(ctx: Context) -> tuple[dict[str, str], dict[str, dict[str, str]]]:
    """(form_html by record id, checklists {role id: {frequency: link target relative to the role page}})."""
    forms = {r.id: form_html(ctx.hb, ctx.settings.organisation, r) for r in ctx.records()}
    checklists: dict[str, dict[str, str]] = {}
    for c in _checklists(ctx):
        checklists.setdefault(c.role.id, {})[c.frequency] = c.file_name
    return forms, checklists


def _checklists(ctx: Context) -> list[Checklist]:
    return [c for role in ctx.roles() for c in checklists_of(role)]


def pdf_jobs(ctx: Context) -> dict[str, Job]:
    """A job for every PDF of the site, by its path: each record's, then each role's checklists."""
    org, office = ctx.settings.organisation, ctx.settings.office
    jobs: dict[str, Job] = {f"records/{r.id}.pdf": record_job(ctx.hb, org, r) for r in ctx.records()}
    jobs.update({f"roles/{c.file_name}": checklist_job(c, org, office) for c in _checklists(ctx)})
    return jobs


# ---- HTML ------------------------------------------------------------------------------------------

@functools.cache
def _environment() -> jinja2.Environment:
    """The one Jinja2 environment of the form sheets: templates/form.html.j2, autoescaped."""
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True, undefined=jinja2.StrictUndefined,
                             trim_blocks=True, lstrip_blocks=True)
    env.globals.update(DATE_FILL=DATE_FILL, **{name: getattr(fl, name) for name in _LAYOUT_NAMES})
    return env


def form_html(hb: Handbook, org: str, r: RecordType) -> str:
    if r.kind == "register":
        plan, pages = fl.plan_register(r), max(1, r.pages)
    elif r.kind == "certificate":
        plan, pages = fl.plan_certificate(r), 1
    else:
        plan, pages = fl.plan_form(r), max(1, r.pages)
    return _environment().get_template("form.html.j2").render(
        org=org, r=r, plan=plan, pages=pages, paper=fl.record_paper(r), note=fl.retention_note(hb, r))
