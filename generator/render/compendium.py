"""手册汇编: the whole handbook as one PDF for the office's binder — a cover, a table of contents,
every procedure with its chart and steps, then every blank form. Typeset with Typst, which reads
the charts (SVG) and the forms (PDF) as images from a temporary folder. The layout is the static
templates/binder.typ; all text (cover, titles, tables) reaches it as JSON data in `sys.inputs`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from ..analysis import way_on
from ..labels import FREQUENCY_NAMES, ROLE_KIND_NAMES, STATUS_NAMES
from ..model import as_list
from . import cache
from .context import Context
from .markdown_text import blocks
from .prose import clauses, sentence, sentences
from .typst_forms import SANS, SERIF, compile_in_folder, job_json

FILE = "handbook.pdf"
BINDER = "binder.typ"


def _text(value) -> str:
    return sentences(as_list(value))


def binder_data(ctx: Context, charts: dict[str, str], forms: dict[str, bytes]) -> dict:
    """What templates/binder.typ shows: plain dicts, lists and strings."""
    hb, s = ctx.hb, ctx.settings
    procedures = []
    for category, procs in hb.categories(s.categories).items():
        for i, p in enumerate(procs):  # every procedure starts a page, its category on the first
            meta = (f"编号 {p.code} · 版本 {p.version} · {STATUS_NAMES[p.status]} · 责任岗位 {hb.role_title(p.owner)} · "
                    f"生效 {p.effective} · 下次审核 {p.next_review.isoformat()}")
            steps = []
            for st in p.steps:
                details = _text(st.details)
                if st.branches:
                    details += sentence(clauses(f"{b.label}→{way_on(p, b.next)}" for b in st.branches))
                steps.append([str(st.number), st.name, hb.role_title(st.role), details,
                              "、".join(t.short for t in st.time_limits) or "—",
                              "、".join(hb.records[r].title for r in st.records if r in hb.records) or "—"])
            procedures.append({"category": category if i == 0 else None, "title": p.title, "meta": meta,
                               "purpose": _text(p.purpose), "scope": _text(p.scope),
                               "chart": f"charts/{p.id}.svg" if p.id in charts else None, "steps": steps})
    binder_forms = None
    if forms:
        records = [r for r in ctx.records() if r.id in forms]
        binder_forms = {"rows": [[r.code, r.title, r.lifecycle.retention_label] for r in records],
                        "forms": [_form_pages(r, forms[r.id]) for r in records]}
    policies = [{"title": pol.title, "blocks": blocks(_names(pol.text, s.names), skip_title=pol.title)}
                for pol in sorted(hb.policies.values(), key=lambda x: x.id)]
    roles = [_role(ctx, role) for role in ctx.roles()]
    return {
        "page": {"paper": "a4", "margin_x": 18, "margin_y": 20, "body_pt": 10, "serif": SERIF, "sans": SANS,
                 "title": s.organisation + s.site_title},
        "cover": {"org": s.organisation, "title": s.site_title,
                  "counts": f"{len(hb.procedures)} 个流程 · {len(hb.records)} 种表单 · {len(hb.roles)} 个岗位",
                  "edition": f"{s.office} 编 · {ctx.today.isoformat()}"},
        "procedures": procedures,
        "policies": policies,
        "roles": roles,
        "forms": binder_forms,
    }


def _names(text: str, names: dict[str, str]) -> str:
    """A hand-written page's {办公室} and {单位}, as the site fills them in."""
    for token, value in names.items():
        text = text.replace("{" + token + "}", value)
    return text


def _form_pages(r, pdf: bytes) -> dict:
    from .typst_forms import page_count

    paper = "A4" if r.kind == "certificate" else r.paper_size
    return {"code": r.code, "title": r.title, "file": f"forms/{r.id}.pdf", "pages": page_count(pdf),
            "paper": paper.lower(), "flipped": r.orientation == "landscape" and r.kind != "certificate"}


def _role(ctx: Context, role) -> dict:
    hb = ctx.hb
    meta = [ROLE_KIND_NAMES.get(role.kind, "")]
    if role.reports_to:
        meta.append(f"上级：{hb.role_title(role.reports_to)}")
    tasks = [[FREQUENCY_NAMES[freq], t.name, t.when or "—"] for freq, ts in role.tasks_by_frequency().items() for t in ts]
    return {"title": role.title, "meta": " · ".join(m for m in meta if m), "summary": _text(role.summary),
            "duties": [sentence(d) for d in role.duties], "tasks": tasks}


def binder_inputs(ctx: Context, charts: dict[str, str], forms: dict[str, bytes]) -> str:
    """The JSON text templates/binder.typ reads."""
    return job_json(binder_data(ctx, charts, forms))


def compile_binder(data_json: str, charts: dict[str, str], forms: dict[str, bytes], template_name: str = BINDER) -> bytes:
    """templates/binder.typ (or another layout) with `data_json`, in a temporary folder holding the charts
    and forms it shows."""
    files: dict[str, str | bytes] = {f"charts/{pid}.svg": svg for pid, svg in charts.items()}
    files |= {f"forms/{rid}.pdf": pdf for rid, pdf in forms.items()}
    return compile_in_folder(template_name, data_json, files, "handbook-binder-")


@dataclass(frozen=True)
class BinderJob:
    key: str
    data_json: str
    charts: dict[str, str]
    forms: dict[str, bytes]
    template_name: str = BINDER
    kind: ClassVar[str] = "compendium"
    cost: ClassVar[float] = 1.0

    def run(self) -> bytes:
        return compile_binder(self.data_json, self.charts, self.forms, self.template_name)


def binder_job(ctx: Context, charts: dict[str, str], forms: dict[str, bytes]) -> BinderJob:
    """The binder, keyed by its template and data and every chart and form it includes."""
    data = binder_inputs(ctx, charts, forms)
    k = cache.key(BINDER, data, *(charts[i] for i in sorted(charts)), *(forms[i] for i in sorted(forms)))
    return BinderJob(k, data, charts, forms)


def render_compendium(ctx: Context, charts: dict[str, str], forms: dict[str, bytes]) -> bytes:
    """The binder PDF, made here (for tests and tools; the site's binder goes through the engine)."""
    return binder_job(ctx, charts, forms).run()


# ---- 表单汇编: every blank form -------------------------------------------------------------------------

FORMS_FILE = "forms.pdf"
FORMS_BUNDLE = "forms_bundle.typ"
GROUPS = (("form", "申请单、通知单"), ("certificate", "凭证（介绍信、委托书）"), ("register", "登记簿、台账"))


def forms_bundle_data(ctx: Context, forms: dict[str, bytes]) -> dict:
    from .typst_forms import page_count

    s = ctx.settings
    groups = []
    for kind, title in GROUPS:
        records = [r for r in ctx.records() if r.kind == kind and r.id in forms]
        if not records:
            continue
        rows = []
        for r in records:
            paper = "A4" if r.kind == "certificate" else r.paper_size
            flipped = r.orientation == "landscape" and r.kind != "certificate"
            rows.append({"code": r.code, "title": r.title, "retention": r.lifecycle.retention_label,
                         "file": f"forms/{r.id}.pdf", "pages": page_count(forms[r.id]), "paper": paper.lower(),
                         "flipped": flipped, "paper_label": f"{paper}{'横向' if flipped else '纵向'}"})
        groups.append({"title": title, "forms": rows})
    total = sum(len(g["forms"]) for g in groups)
    return {
        "page": {"serif": SERIF, "sans": SANS, "title": f"{s.site_title} 表单汇编"},
        "cover": {"org": s.organisation, "title": "表单汇编", "counts": f"空白表单 {total} 种",
                  "edition": f"{ctx.today.isoformat()} 版"},
        "groups": groups,
    }


def forms_bundle_job(ctx: Context, forms: dict[str, bytes]) -> BinderJob:
    """表单汇编.pdf: every blank form, a TOC line and a bookmark each."""
    data = job_json(forms_bundle_data(ctx, forms))
    k = cache.key(FORMS_BUNDLE, data, *(forms[i] for i in sorted(forms)))
    return BinderJob(k, data, {}, forms, FORMS_BUNDLE)
