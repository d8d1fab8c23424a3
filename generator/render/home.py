"""The home page: what the handbook is, the categories with their procedures, popular forms, recent changes.
A HomePage written by home.md.j2."""

from __future__ import annotations

from ..analysis import STAT_NAMES, overdue, stats
from . import pages as pg
from .context import Context, procedure_page, record_page
from .templating import render

PAGE = "index.md"
STATS = ("procedures", "steps", "records", "roles", "time_limits", "risks", "recurring_tasks")
INDEXES = ("raci", "retention", "time-limits", "review", "roles", "records", "changes")


def render_home(ctx: Context, binder: bool = True) -> str:
    return render("home.md.j2", page=home_data(ctx, binder))


def home_data(ctx: Context, binder: bool) -> pg.HomePage:
    s = ctx.settings
    to = pg.Linker(ctx, PAGE)
    numbers = stats(ctx.hb)
    return pg.HomePage(
        front=pg.FrontMatter("首页", None, f"{s.organisation}{s.office}的工作流程、表单和岗位职责。", extra={"hide": ["navigation"]}),
        organisation=s.organisation, site_title=s.site_title, office=s.office,
        stats=tuple((numbers[k], STAT_NAMES[k]) for k in STATS), binder=binder,
        overdue=len(overdue(ctx.hb, ctx.today)), review_index=to.index("review"),
        categories=tuple(pg.HomeCategory(name, tuple(pg.HomeProcedure(pg.Link(p.title, to.href(procedure_page(p))), p.summary)
                                                     for p in procs))
                         for name, procs in ctx.hb.categories(s.categories).items()),
        popular=popular(ctx, to), records_index=to.index("records"),
        changes=recent_changes(ctx, to), changes_index=to.index("changes"),
        indexes=tuple(to.index(key) for key in INDEXES),
    )


def popular(ctx: Context, to: pg.Linker) -> tuple[pg.HomeRecord, ...]:
    hb = ctx.hb
    records = [hb.records[r] for r in ctx.settings.popular_records if r in hb.records] or ctx.records()[:8]
    return tuple(pg.HomeRecord(pg.Link(r.title, to.href(record_page(r))), r.code, pg.Link("打印/PDF", to.href(record_page(r), "空白表样")))
                 for r in records)


def recent_changes(ctx: Context, to: pg.Linker) -> tuple[pg.HomeChange, ...]:
    changes = sorted(((c.date, p, c) for p in ctx.procedures() for c in p.changelog), key=lambda x: x[0], reverse=True)[:8]
    return tuple(pg.HomeChange(date, pg.Link(p.title, to.href(procedure_page(p))), c.version, c.summary) for date, p, c in changes)
