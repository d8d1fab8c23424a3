"""Stage 3: checks across files. Each check is a small function: handbook in, problems out."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator

from .analysis import overdue, review
from .model import Handbook, Procedure, Src
from .problems import Pos, Problem, sort_problems
from .schema import suggest

END = "end"
Check = Callable[[Handbook, dt.date], Iterable[Problem]]


def _missing(code: str, what: str, value: str, pos: Pos, known: Iterable[str], hint: str = "") -> Problem:
    return Problem(pos, code, f"{what} \"{value}\" 不存在{hint}{suggest(value, known)}")


def check_references(hb: Handbook, today: dt.date) -> Iterator[Problem]:
    roles, records, procs = hb.known_ids["role"], hb.known_ids["record"], hb.known_ids["procedure"]
    # positions are looked up only for the references that fail

    def role(value: str | None, src: Src, *keys: object) -> Iterator[Problem]:
        if value and value not in roles:
            yield _missing("E203", "岗位", value, src.at(*keys), roles, "（岗位 id 是 roles/ 下的文件名）")

    def record(value: str, src: Src, *keys: object) -> Iterator[Problem]:
        if value not in records:
            yield _missing("E202", "表单", value, src.at(*keys), records, "（表单 id 是 records/ 下的文件名）")

    def procedure(value: str | None, src: Src, *keys: object) -> Iterator[Problem]:
        if value and value not in procs:
            yield _missing("E201", "流程", value, src.at(*keys), procs, "（流程 id 是 procedures/ 下的文件名）")

    for p in hb.procedures.values():
        yield from role(p.owner, p.src, "owner")
        risk_ids = {r.id for r in p.risks}
        for s in p.steps:
            yield from role(s.role, s.src, "role")
            for i, r in enumerate(s.records):
                yield from record(r, s.src, "records", i)
            for i, r in enumerate(s.risks):
                if r not in risk_ids:
                    yield _missing("E205", "风险点", r, s.src.at("risks", i), risk_ids, "（请在本流程的 risks 中定义它）")
        for x in p.interfaces:
            yield from procedure(x.procedure, x.src, "procedure")
            if x.procedure == p.id:
                yield Problem(x.src.at("procedure"), "E201", f"流程接口指向了流程自己（\"{p.id}\"）：请改成另一个流程的 id。")
        for i, r in enumerate(p.evidence):
            yield from record(r, p.src, "evidence", i)
        for i, pol in enumerate(p.policies):
            if pol not in hb.policies:
                yield _missing("E206", "制度页面", pol, p.src.at("policies", i), hb.policies, "（制度页面是 docs/policies/ 下的 .md 文件名）")
    for r in hb.records.values():
        lc = r.lifecycle
        yield from role(lc.prepare, r.src, "lifecycle", "prepare")
        for i, x in enumerate(lc.fill):
            yield from role(x, r.src, "lifecycle", "fill", i)
        for i, x in enumerate(lc.review):
            yield from role(x, r.src, "lifecycle", "review", i)
        yield from role(lc.keeper, r.src, "lifecycle", "keeper")
        yield from role(lc.destroy, r.src, "lifecycle", "destroy")
        for i, a in enumerate(r.approvals):
            yield from role(a.role, r.src, "approvals", i, "role")
    for ro in hb.roles.values():
        yield from role(ro.reports_to, ro.src, "reports_to")
        for i, t in enumerate(ro.tasks):
            yield from procedure(t.procedure, ro.src, "tasks", i, "procedure")
            for j, rec in enumerate(t.records):
                yield from record(rec, ro.src, "tasks", i, "records", j)


def check_unique_codes(hb: Handbook, today: dt.date) -> Iterator[Problem]:
    seen: dict[str, object] = {}
    items = sorted([*hb.procedures.values(), *hb.records.values()], key=lambda o: o.path)
    for obj in items:
        other = seen.setdefault(obj.code, obj)
        if other is not obj:
            yield Problem(obj.src.at("code"), "E208", f"编号 \"{obj.code}\" 已被 {other.path}（{other.title}）使用：请换一个未用过的编号。")


def check_categories(hb: Handbook, today: dt.date) -> Iterator[Problem]:
    first: dict[str, Procedure] = {}
    for p in sorted(hb.procedures.values(), key=lambda p: p.path):
        other = first.setdefault(p.folder, p)
        if other is not p and other.category != p.category:
            yield Problem(p.src.at("category"), "E210",
                          f"类别 \"{p.category}\" 与同一文件夹中的 {other.path}（\"{other.category}\"）不一致：请统一。")


def check_reporting(hb: Handbook, today: dt.date) -> Iterator[Problem]:
    for role in hb.roles.values():
        chain, current = [role.id], role.reports_to
        while current and current in hb.roles:
            if current == role.id:
                yield Problem(role.src.at("reports_to"), "E209", f"汇报关系成环：{' → '.join(chain + [current])}。请修改其中一个 reports_to。")
                break
            if current in chain:
                break  # a loop further up: reported on its own members
            chain.append(current)
            current = hb.roles[current].reports_to


def check_risk_ids(hb: Handbook, today: dt.date) -> Iterator[Problem]:
    for p in hb.procedures.values():
        first: dict[str, int] = {}
        for i, r in enumerate(p.risks):
            if r.id in first:
                yield Problem(p.src.at("risks", i, "id"), "E409",
                              f"风险点编号 \"{r.id}\" 与第 {first[r.id] + 1} 个风险点重复：同一流程内每个编号（FK1、FK2…）只能用一次，请改成未用过的编号。")
            else:
                first[r.id] = i


def check_flow(hb: Handbook, today: dt.date) -> Iterator[Problem]:
    for p in hb.procedures.values():
        yield from flow_problems(p)


def flow_problems(p: Procedure) -> Iterator[Problem]:
    ids: dict[str, int] = {}
    for s in p.steps:
        if s.id in ids:
            yield Problem(s.src.at("id"), "E401", f"步骤 id \"{s.id}\" 与第 {ids[s.id] + 1} 步重复：请改成唯一的 id。")
        else:
            ids[s.id] = s.index
    if any(s.id == END for s in p.steps):
        s = next(s for s in p.steps if s.id == END)
        yield Problem(s.src.at("id"), "E401", "步骤 id 不能是 \"end\"（end 表示流程结束）：请换一个 id。")
    edges: dict[str, list[str]] = defaultdict(list)
    broken = False
    for s in p.steps:
        if s.next and s.branches:
            yield Problem(s.src.at("next", key=True), "E406", f"第 {s.number} 步同时写了 next 和 branches：普通步骤只写 next，判断步骤只写 branches。")
            broken = True
            continue
        if not s.next and not s.branches:
            yield Problem(s.src.at("id", key=True), "E403",
                          f"第 {s.number} 步“{s.name}”没有去向：请写 next（下一步的 id，流程在此结束则写 end），或写 branches。")
            broken = True
            continue
        labels: dict[str, int] = {}
        for b in s.branches:
            if b.label in labels:
                yield Problem(b.src.at("label"), "E405", f"第 {s.number} 步有两条分支都叫“{b.label}”：分支标签必须互不相同。")
            labels[b.label] = 1
        for target, src in ([(s.next, s.src)] if s.next else [(b.next, b.src) for b in s.branches]):
            if target == s.id:
                yield Problem(src.at("next"), "E407", f"第 {s.number} 步“{s.name}”指向了自己：请改成下一步的 id 或 end。")
                broken = True
            elif target != END and target not in ids:
                yield Problem(src.at("next"), "E204", f"下一步 \"{target}\" 不存在{suggest(target, ids)}可用的步骤：{'、'.join(ids)}，或 end。")
                broken = True
            else:
                edges[s.id].append(target)
    if not p.steps:
        return
    incoming = {t for targets in edges.values() for t in targets}
    first = p.steps[0]
    for s in p.steps[1:]:
        if s.id not in incoming:
            yield Problem(s.src.at("id"), "E408", f"第 {s.number} 步“{s.name}”没有任何步骤指向它，成了第二个起点：让前面某一步的 next 或分支指向它，或删除它。")
    reachable = _walk(first.id, edges)
    for s in p.steps[1:]:
        if s.id in incoming and s.id not in reachable:
            yield Problem(s.src.at("id"), "E402", f"从第一步出发走不到第 {s.number} 步“{s.name}”：它只被同样无法到达的步骤指向。")
    if broken:
        return
    reverse: dict[str, list[str]] = defaultdict(list)
    for src, targets in edges.items():
        for t in targets:
            reverse[t].append(src)
    can_end = _walk(END, reverse)
    stuck = [s for s in p.steps if s.id in reachable and s.id not in can_end]
    if stuck:
        names = "、".join(f"第{s.number}步“{s.name}”" for s in stuck)
        yield Problem(stuck[0].src.at("id"), "E404", f"流程走不到结束：{names} 形成没有出口的循环。请让其中一步通向 end 或循环外的步骤。")


def _walk(start: str, edges: dict[str, list[str]]) -> set[str]:
    seen, todo = {start}, [start]
    while todo:
        for nxt in edges.get(todo.pop(), []):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


def check_review(hb: Handbook, today: dt.date) -> Iterator[Problem]:
    for p in overdue(hb, today):
        yield Problem(p.src.at("review", "last"), "W501",
                      f"流程“{p.title}”应在 {p.next_review.isoformat()} 前审核，{review(p, today).words}：审核后更新 review.last。")


def check_changelog(hb: Handbook, today: dt.date) -> Iterator[Problem]:
    for obj in [*hb.procedures.values(), *hb.records.values()]:
        if obj.changelog and obj.changelog[0].version != obj.version:
            yield Problem(obj.src.at("changelog", 0, "version"), "W503",
                          f"变更记录第一条的版本 {obj.changelog[0].version} 与当前版本 {obj.version} 不一致：最新的变更写在最前面。")


CHECKS: list[Check] = [check_references, check_unique_codes, check_categories, check_reporting, check_risk_ids, check_flow,
                       check_review, check_changelog]


def run_checks(hb: Handbook, today: dt.date | None = None) -> list[Problem]:
    today = today or dt.date.today()
    problems: list[Problem] = []
    for check in CHECKS:
        problems.extend(check(hb, today))
    return sort_problems(problems)
