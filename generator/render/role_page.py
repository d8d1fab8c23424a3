"""The role page: reports-to, duties, every step it performs, its recurring tasks and checklists.
A RolePage written by role.md.j2."""

from __future__ import annotations

from ..labels import FREQUENCY_NAMES, ROLE_KIND_NAMES
from ..model import Procedure, Role, Step, Task
from . import pages as pg
from .context import Context, role_page
from .templating import render


def render_role(ctx: Context, role: Role, checklists: dict[str, str]) -> str:
    """`checklists` maps a frequency to the file name of its printable checklist (page or PDF)."""
    return render("role.md.j2", page=role_data(ctx, role, checklists))


def role_data(ctx: Context, role: Role, checklists: dict[str, str]) -> pg.RolePage:
    to = pg.Linker(ctx, role_page(role))
    return pg.RolePage(
        front=pg.FrontMatter(role.title, role.path, role.summary, ("岗位",), 1.5),
        title=role.title, summary=role.summary, meta=meta(ctx, role, to), keywords=tuple(role.keywords),
        duties=tuple(role.duties), procedures=procedures(ctx.steps_by_role.get(role.id, []), to),
        tasks=tuple(pg.TaskGroup(FREQUENCY_NAMES[freq], checklists.get(freq), tuple(task_row(t, freq, to) for t in tasks))
                    for freq, tasks in role.tasks_by_frequency().items()),
    )


def meta(ctx: Context, role: Role, to: pg.Linker) -> tuple[tuple[str, tuple[pg.Ref, ...]], ...]:
    rows = [("类型", (ROLE_KIND_NAMES[role.kind],)), ("汇报对象", to.roles([role.reports_to]))]
    reports = [r.id for r in ctx.hb.roles.values() if r.reports_to == role.id]
    if reports:
        rows.append(("下属岗位", to.roles(reports)))
    owned = [p.id for p in ctx.procedures() if p.owner == role.id]
    if owned:
        rows.append(("负责维护的流程", tuple(to.procedure(p) for p in owned)))
    return tuple(rows)


def procedures(steps: list[tuple[Procedure, Step]], to: pg.Linker) -> tuple[pg.RoleProcedure, ...]:
    """The role's steps, grouped by procedure (in a row, as they come)."""
    groups: list[tuple[Procedure, list[pg.RoleStep]]] = []
    for p, s in steps:
        if not groups or groups[-1][0] is not p:
            groups.append((p, []))
        link = to.procedure(p.id, s.anchor, f"第 {s.number} 步 {s.name}")
        groups[-1][1].append(pg.RoleStep(link, tuple(t.short for t in s.time_limits)))
    return tuple(pg.RoleProcedure(to.procedure(p.id), p.code, tuple(ss)) for p, ss in groups)


def task_row(t: Task, freq: str, to: pg.Linker) -> pg.TaskRow:
    related = ([to.procedure(t.procedure)] if t.procedure else []) + [to.record(r) for r in t.records]
    return pg.TaskRow(t.name, t.when or FREQUENCY_NAMES[freq], t.details or "", tuple(related))
