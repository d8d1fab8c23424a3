"""The site navigation: categories as sections, then forms, roles, indexes, policies and the guide."""

from __future__ import annotations

import html
from collections.abc import Collection

from ..model import Handbook
from .context import INDEX_PAGES, procedure_page, record_page, role_page


def build_nav(hb: Handbook, generated: Collection[str], handwritten: Collection[str], category_order: list[str] | None = None) -> list:
    """The nav from the model, the generated pages and the hand-written pages (paths inside the docs
    folder). Titles are HTML-escaped: the theme writes nav titles into the page as they are."""
    e = html.escape
    categories = {e(cat): [{e(p.title): procedure_page(p)} for p in procs] for cat, procs in hb.categories(category_order).items()}
    nav: list = [{"首页": "index.md"} if "index.md" in generated or "index.md" in handwritten else None]
    nav.append({"流程": [{cat: pages} for cat, pages in categories.items()]})
    # the 表单 and 岗位 tabs open on their overview (表单一览, 岗位一览), not on the first form or role
    overview = {key: [{title: path}] if path in generated else [] for key, (path, title) in INDEX_PAGES.items()}
    nav.append({"表单": overview["records"] + [{e(r.title): record_page(r)} for r in sorted(hb.records.values(), key=lambda r: r.code)]})
    nav.append({"岗位": overview["roles"] + [{e(r.title): role_page(r)} for r in hb.roles.values()]})
    indexes = [{title: path} for key, (path, title) in INDEX_PAGES.items() if path in generated and key not in ("records", "roles")]
    if indexes:
        nav.append({"索引": indexes})
    if hb.policies:
        nav.append({"制度": [{e(pol.title): pol.path.removeprefix("docs/")} for pol in hb.policies.values()]})
    # the guide's hand-written pages directly in guide/ (the section's own page first), then generated ones
    guide = sorted(g for g in handwritten if g.startswith("guide/") and g.count("/") == 1 and g.endswith(".md"))
    guide.sort(key=lambda g: (not g.endswith("/index.md"), g))
    guide_items = guide + [g for g in generated if g.startswith("guide/") and g not in guide]
    if guide_items:
        nav.append({"使用指南": guide_items})
    return [item for item in nav if item]
