"""Render the whole site: `{path: content}` for every generated page and file. No MkDocs here."""

from __future__ import annotations

import datetime as dt

from .. import timing
from ..config import Settings
from ..engine import Engine, Job
from ..model import Handbook
from .charts import PRINTED, chart_jobs
from .compendium import FILE as COMPENDIUM
from .compendium import FORMS_FILE, binder_job, forms_bundle_job
from .context import Context, chart_file, procedure_page, record_page, role_page
from .exports import render_exports
from .forms import pdf_jobs, render_forms
from .guide import render_error_codes
from .home import render_home
from .indexes import render_indexes
from .procedure_page import render_procedure
from .record_page import render_record
from .role_page import render_role
from .static import static_files
from .wall_chart import wall_jobs

Content = str | bytes


def render_site(hb: Handbook, settings: Settings, today: dt.date, *, engine: Engine | None = None,
                charts: bool = True, pdfs: bool = True, directory_urls: bool = True) -> dict[str, Content]:
    """Every generated page and file. Pure: the model, the settings and today in; the engine (its
    cache and workers) only decides where the charts and PDFs are made, never what they hold."""
    own_engine = engine is None
    engine = engine or Engine(workers=1)
    try:
        return _render(Context(hb, settings, today, directory_urls=directory_urls, cache=engine.cache), engine, charts, pdfs)
    finally:
        if own_engine:
            engine.close()


def _run(engine: Engine, jobs: dict[str, Job]) -> dict[str, bytes]:
    return dict(zip(jobs, engine.run(list(jobs.values()))))


def _render(ctx: Context, engine: Engine, charts: bool, pdfs: bool) -> dict[str, Content]:
    files: dict[str, Content] = dict(static_files())
    svgs: dict[str, str] = {}
    printed: dict[str, str] = {}
    if charts:
        with timing.stage("render: charts"):
            drawn = {pid: svg.decode("utf-8") for pid, svg in _run(engine, chart_jobs(ctx)).items()}
            svgs = {pid: svg for pid, svg in drawn.items() if not pid.endswith(PRINTED)}
            printed = {pid.removesuffix(PRINTED): svg for pid, svg in drawn.items() if pid.endswith(PRINTED)}
    walls, sheets = wall_jobs(ctx, printed) if pdfs else ({}, {})
    with timing.stage("render: pages"):
        for p in ctx.procedures():
            svg = svgs.get(p.id)
            files[procedure_page(p)] = render_procedure(ctx, p, svg, sheets[p.id].label if p.id in sheets else None)
            if svg:
                files[chart_file(p)] = svg
                files[chart_file(p, printed=True)] = printed[p.id]
    with timing.stage("render: forms and PDFs"):
        forms, checklists = render_forms(ctx)
        pdf_files = _run(engine, pdf_jobs(ctx) | walls) if pdfs else {}
        files.update(pdf_files)
        if pdfs:
            forms_pdf = {path[len("records/"):-4]: pdf for path, pdf in pdf_files.items()
                         if path.startswith("records/") and path.endswith(".pdf") and not path.endswith("-A4.pdf")}
            files[COMPENDIUM], files[FORMS_FILE] = engine.run_lagging([(COMPENDIUM, binder_job(ctx, printed, forms_pdf)),
                                                                     (FORMS_FILE, forms_bundle_job(ctx, forms_pdf))])
    with timing.stage("render: pages"):
        for r in ctx.records():
            pdf = f"{r.id}.pdf" if f"records/{r.id}.pdf" in pdf_files else None
            a4 = f"{r.id}-A4.pdf" if f"records/{r.id}-A4.pdf" in pdf_files else None
            preview = forms.get(r.id) if f"records/{r.id}.svg" in pdf_files else None
            files[record_page(r)] = render_record(ctx, r, preview, pdf, a4)
        for role in ctx.roles():
            folder = role_page(role).rsplit("/", 1)[0]
            made = {freq: name for freq, name in checklists.get(role.id, {}).items()
                    if not name.endswith(".pdf") or f"{folder}/{name}" in pdf_files}  # no PDFs: no links to them
            files[role_page(role)] = render_role(ctx, role, made)
        files.update(render_indexes(ctx, set(pdf_files)))
        csv_files, workbooks = render_exports(ctx)
        files.update(csv_files)
        files.update(zip(workbooks, engine.run_lagging(list(workbooks.items()))))
        files["index.md"] = render_home(ctx, binder=COMPENDIUM in files)
        files["guide/error-codes.md"] = render_error_codes()
    from .redirects import redirect_pages  # the old addresses of renamed pages (handbook.yml redirects)

    files.update(redirect_pages(ctx.settings.redirects, files, ctx.directory_urls))
    return files
