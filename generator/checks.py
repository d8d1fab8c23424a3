"""Stage 3: checks across files. Each check is a small function: handbook in, problems out."""

from __future__ import annotations

import datetime as dt
import difflib
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping

from .analysis import kept_years, overdue, review
from .config import Settings
from .history import Head
from .memo import per_object
from .model import Handbook, Procedure, RecordType, Role, Src, Step
from .problems import Pos, Problem, sort_problems
from .typos import value_slip
from .yamlsource import Document, SourceMap

END = "end"
Check = Callable[[Handbook, dt.date], Iterable[Problem]]


def _missing(code: str, what: str, value: str, pos: Pos, known: Iterable[str], hint: str = "",
             titles: Mapping[str, str] | None = None) -> Problem:
    return Problem(pos, code, f"{what} \"{value}\" 不存在{hint}{titled_suggestion(value, known, titles or {})}")


def titled_suggestion(value: str, known: Iterable[str], titles: Mapping[str, str]) -> str:
    """`，是否应为 "shouwen-register"（收文登记簿）？`: the nearest id, with its title so the reader can tell."""
    match = difflib.get_close_matches(value, list(known), n=1, cutoff=0.6)
    if not match:
        return "。"
    title = titles.get(match[0])
    return f"，是否应为 \"{match[0]}\"" + (f"（{title}）" if title and title != match[0] else "") + "？"


# what a reference to each kind of thing is called when it names nothing: code, name, where the ids come from
_REFERENCES = {
    "role": ("E203", "岗位", "（岗位 id 是 roles/ 下的文件名）"),
    "record": ("E202", "表单", "（表单 id 是 records/ 下的文件名）"),
    "procedure": ("E201", "流程", "（流程 id 是 procedures/ 下的文件名）"),
    "policy": ("E206", "制度页面", "（制度页面是 docs/policies/ 下的 .md 文件名）"),
}


class _References:
    """The ids a reference may name, by kind. A check yields the problem of a reference that names
    nothing; positions are looked up only for those. An id that git's HEAD still has (the file was
    deleted in the working tree) is told as deleted, not matched to a look-alike."""

    def __init__(self, hb: Handbook, head: Head | None = None):
        self.known: dict[str, Collection[str]] = {**hb.known_ids, "policy": hb.policies}
        self.titles: dict[str, Mapping[str, str]] = {
            "procedure": {k: p.title for k, p in hb.procedures.items()}, "record": {k: r.title for k, r in hb.records.items()},
            "role": {k: r.title for k, r in hb.roles.items()}, "policy": {k: p.title for k, p in hb.policies.items()}}
        self.sources = hb.sources
        self.head = head

    def ref(self, kind: str, value: str, src: Src, *keys: object) -> Iterator[Problem]:
        if value not in self.known[kind]:
            yield self.missing(kind, value, self.sources.pos(src, *keys))

    def missing(self, kind: str, value: str, pos: Pos) -> Problem:
        code, what, hint = _REFERENCES[kind]
        deleted = self.head.deleted(kind, value) if self.head is not None else None
        if deleted:
            return Problem(pos, code, f"{what} \"{value}\" 已在工作区删除（HEAD 中仍有 {deleted}）：请同时删除对它的引用，或恢复该文件。")
        slip = value_slip(value)
        if slip:
            j, why = slip
            line = self.sources.documents[pos.path].text.split("\n")[pos.line - 1] if pos.path in self.sources else ""
            col = pos.col + j if line[pos.col - 1:pos.col - 1 + len(value)] == value else pos.col
            return Problem(Pos(pos.path, pos.line, col), code,
                           f"{what} \"{value}\" 不存在：第 {pos.line} 行" + (f"第 {col} 列" if why.startswith("是") else "") + f"{why}。")
        return _missing(code, what, value, pos, self.known[kind], hint, self.titles[kind])

    def optional_ref(self, kind: str, value: str | None, src: Src, *keys: object) -> Iterator[Problem]:
        """A reference that may be left out (nothing written: nothing to check)."""
        if value:
            yield from self.ref(kind, value, src, *keys)


def check_references(hb: Handbook, today: dt.date, head: Head | None = None) -> Iterator[Problem]:
    refs = _References(hb, head)
    for p in hb.procedures.values():
        yield from _procedure_references(refs, p)
    for r in hb.records.values():
        yield from _record_references(refs, r)
    for ro in hb.roles.values():
        yield from _role_references(refs, ro)


def _procedure_references(refs: _References, p: Procedure) -> Iterator[Problem]:
    yield from refs.optional_ref("role", p.owner, p.src, "owner")
    risk_ids = {r.id for r in p.risks}
    for s in p.steps:
        yield from _step_references(refs, s, risk_ids)
    for x in p.interfaces:
        yield from refs.optional_ref("procedure", x.procedure, x.src, "procedure")
        if x.procedure == p.id:
            yield Problem(refs.sources.pos(x.src, "procedure"), "E201", f"流程接口指向了流程自己（\"{p.id}\"）：请改成另一个流程的 id。")
    for i, r in enumerate(p.evidence):
        yield from refs.ref("record", r, p.src, "evidence", i)
    for i, pol in enumerate(p.policies):
        yield from refs.ref("policy", pol, p.src, "policies", i)


def _step_references(refs: _References, s: Step, risk_ids: set[str]) -> Iterator[Problem]:
    yield from refs.optional_ref("role", s.role, s.src, "role")
    for i, r in enumerate(s.records):
        yield from refs.ref("record", r, s.src, "records", i)
    for i, r in enumerate(s.risks):
        if r not in risk_ids:
            yield _missing("E205", "风险点", r, refs.sources.pos(s.src, "risks", i), risk_ids, "（请在本流程的 risks 中定义它）")


def _record_references(refs: _References, r: RecordType) -> Iterator[Problem]:
    lc = r.lifecycle
    yield from refs.optional_ref("role", lc.prepare, r.src, "lifecycle", "prepare")
    for i, x in enumerate(lc.fill):
        yield from refs.optional_ref("role", x, r.src, "lifecycle", "fill", i)
    for i, x in enumerate(lc.review):
        yield from refs.optional_ref("role", x, r.src, "lifecycle", "review", i)
    yield from refs.optional_ref("role", lc.keeper, r.src, "lifecycle", "keeper")
    yield from refs.optional_ref("role", lc.destroy, r.src, "lifecycle", "destroy")
    for i, b in enumerate(r.layout):
        if b.kind == "approval":
            yield from refs.optional_ref("role", b.role, r.src, "layout", i, "role")
    for i, x in enumerate(r.evidences):
        yield from refs.ref("record", x, r.src, "evidences", i)


def _role_references(refs: _References, ro: Role) -> Iterator[Problem]:
    yield from refs.optional_ref("role", ro.reports_to, ro.src, "reports_to")
    for i, t in enumerate(ro.tasks):
        yield from refs.optional_ref("procedure", t.procedure, ro.src, "tasks", i, "procedure")
        for j, rec in enumerate(t.records):
            yield from refs.ref("record", rec, ro.src, "tasks", i, "records", j)


def check_unique_codes(hb: Handbook, today: dt.date) -> Iterator[Problem]:
    seen: dict[str, object] = {}
    items = sorted([*hb.procedures.values(), *hb.records.values()], key=lambda o: o.path)
    for obj in items:
        other = seen.setdefault(obj.code, obj)
        if other is not obj:
            yield Problem(hb.sources.pos(obj.src, "code"), "E208", f"编号 \"{obj.code}\" 已被 {other.path}（{other.title}）使用：请换一个未用过的编号。")


def check_categories(hb: Handbook, today: dt.date) -> Iterator[Problem]:
    first: dict[str, Procedure] = {}
    for p in sorted(hb.procedures.values(), key=lambda p: p.path):
        other = first.setdefault(p.folder, p)
        if other is not p and other.category != p.category:
            yield Problem(hb.sources.pos(p.src, "category"), "E210",
                          f"类别 \"{p.category}\" 与同一文件夹中的 {other.path}（\"{other.category}\"）不一致：请统一。")


def check_reporting(hb: Handbook, today: dt.date) -> Iterator[Problem]:
    for role in hb.roles.values():
        chain, current = [role.id], role.reports_to
        while current and current in hb.roles:
            if current == role.id:
                yield Problem(hb.sources.pos(role.src, "reports_to"), "E209", f"汇报关系成环：{' → '.join(chain + [current])}。请修改其中一个 reports_to。")
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
                yield Problem(hb.sources.pos(p.src, "risks", i, "id"), "E409",
                              f"风险点编号 \"{r.id}\" 与第 {first[r.id] + 1} 个风险点重复：同一流程内每个编号（FK1、FK2…）只能用一次，请改成未用过的编号。")
            else:
                first[r.id] = i


def check_flow(hb: Handbook, today: dt.date) -> Iterator[Problem]:
    for p in hb.procedures.values():
        yield from _flow_problems(p, hb.sources)


@per_object
def _flow_problems(p: Procedure, sources: SourceMap) -> tuple[Problem, ...]:
    return tuple(flow_problems(p, sources))  # a procedure's flow depends on its own file alone


def flow_problems(p: Procedure, sources: SourceMap) -> Iterator[Problem]:
    ids: dict[str, int] = {}  # step id → index of the first step with it
    for s in p.steps:
        ids.setdefault(s.id, s.index)
    yield from _step_id_problems(p, ids, sources)
    names = {s.id: s.name for s in reversed(p.steps)}  # a step's name, for a did-you-mean
    wiring = [problem for s in p.steps for problem in _wiring_problems(s, ids, sources, names)]
    yield from wiring
    if not p.steps:
        return
    edges = _edges(p, ids)
    reachable = _walk(p.steps[0].id, edges)
    yield from _start_problems(p, edges, reachable, sources)
    if not any(w.code in _BREAKS_FLOW for w in wiring):
        yield from _dead_end_problems(p, edges, reachable, sources)


# wiring problems after which a step's way on is not known, so "can it reach the end" is not asked
_BREAKS_FLOW = frozenset({"E403", "E406", "E407", "E204"})


def _step_id_problems(p: Procedure, ids: dict[str, int], sources: SourceMap) -> Iterator[Problem]:
    for s in p.steps:
        if ids[s.id] != s.index:
            yield Problem(sources.pos(s.src, "id"), "E401", f"步骤 id \"{s.id}\" 与第 {ids[s.id] + 1} 步重复：请改成唯一的 id。")
    s = next((s for s in p.steps if s.id == END), None)
    if s is not None:
        yield Problem(sources.pos(s.src, "id"), "E401", "步骤 id 不能是 \"end\"（end 表示流程结束）：请换一个 id。")


def _ways_on(s: Step) -> list[tuple[str, Src]]:
    """Where a step goes (its next, or each branch's next), with where that is written."""
    return [(s.next, s.src)] if s.next else [(b.next, b.src) for b in s.branches]


def _wiring_problems(s: Step, ids: dict[str, int], sources: SourceMap, names: Mapping[str, str]) -> Iterator[Problem]:
    if s.next and s.branches:
        yield Problem(sources.pos(s.src, "next", key=True), "E406", f"第 {s.number} 步同时写了 next 和 branches：普通步骤只写 next，判断步骤只写 branches。")
        return
    if not s.next and not s.branches:
        yield Problem(sources.pos(s.src, "id", key=True), "E403",
                      f"第 {s.number} 步“{s.name}”没有去向：请写 next（下一步的 id，流程在此结束则写 end），或写 branches。")
        return
    labels: set[str] = set()
    for b in s.branches:
        if b.label in labels:
            yield Problem(sources.pos(b.src, "label"), "E405", f"第 {s.number} 步有两条分支都叫“{b.label}”：分支标签必须互不相同。")
        labels.add(b.label)
    for target, src in _ways_on(s):
        if target == s.id:
            yield Problem(sources.pos(src, "next"), "E407", f"第 {s.number} 步“{s.name}”指向了自己：请改成下一步的 id 或 end。")
        elif target != END and target not in ids:
            yield Problem(sources.pos(src, "next"), "E204",
                          f"下一步 \"{target}\" 不存在{titled_suggestion(target, ids, names)}可用的步骤：{'、'.join(ids)}，或 end。")


def _edges(p: Procedure, ids: dict[str, int]) -> dict[str, list[str]]:
    """The flow's edges, by step id: every way on that leads to a step or to the end."""
    edges: dict[str, list[str]] = defaultdict(list)
    for s in p.steps:
        if bool(s.next) == bool(s.branches):
            continue  # both or neither written (E406, E403): no way on
        for target, _ in _ways_on(s):
            if target != s.id and (target == END or target in ids):
                edges[s.id].append(target)
    return edges


def _start_problems(p: Procedure, edges: dict[str, list[str]], reachable: set[str], sources: SourceMap) -> Iterator[Problem]:
    incoming = {t for targets in edges.values() for t in targets}
    for s in p.steps[1:]:
        if s.id not in incoming:
            yield Problem(sources.pos(s.src, "id"), "E408", f"第 {s.number} 步“{s.name}”没有任何步骤指向它，成了第二个起点：让前面某一步的 next 或分支指向它，或删除它。")
    for s in p.steps[1:]:
        if s.id in incoming and s.id not in reachable:
            yield Problem(sources.pos(s.src, "id"), "E402", f"从第一步出发走不到第 {s.number} 步“{s.name}”：它只被同样无法到达的步骤指向。")


def _dead_end_problems(p: Procedure, edges: dict[str, list[str]], reachable: set[str], sources: SourceMap) -> Iterator[Problem]:
    reverse: dict[str, list[str]] = defaultdict(list)
    for src, targets in edges.items():
        for t in targets:
            reverse[t].append(src)
    can_end = _walk(END, reverse)
    stuck = [s for s in p.steps if s.id in reachable and s.id not in can_end]
    if stuck:
        names = "、".join(f"第{s.number}步“{s.name}”" for s in stuck)
        yield Problem(sources.pos(stuck[0].src, "id"), "E404", f"流程走不到结束：{names} 形成没有出口的循环。请让其中一步通向 end 或循环外的步骤。")


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
        yield Problem(hb.sources.pos(p.src, "review", "last"), "W501",
                      f"流程“{p.title}”应在 {p.next_review.isoformat()} 前审核，{review(p, today).words}：审核后更新 review.last。")


def check_changelog(hb: Handbook, today: dt.date) -> Iterator[Problem]:
    for obj in [*hb.procedures.values(), *hb.records.values()]:
        if obj.changelog and obj.changelog[0].version != obj.version:
            yield Problem(hb.sources.pos(obj.src, "changelog", 0, "version"), "W503",
                          f"变更记录第一条的版本 {obj.changelog[0].version} 与当前版本 {obj.version} 不一致：最新的变更写在最前面。")


def _kept_words(r: RecordType) -> str:
    lc = r.lifecycle
    return f"归档后{lc.archive_label}" if lc.archive_class else f"保存{lc.retention_label}"


def check_evidence_retention(hb: Handbook, today: dt.date) -> Iterator[Problem]:
    """W508: approval evidence must outlive nothing it approves."""
    for r in hb.records.values():
        for i, other_id in enumerate(r.evidences):
            other = hb.records.get(other_id)
            if other and kept_years(r) < kept_years(other):
                yield Problem(hb.sources.pos(r.src, "evidences", i), "W508",
                              f"“{r.title}”是“{other.title}”所记事项的审批凭证，却只{_kept_words(r)}，短于后者的{_kept_words(other)}：至少保存同样长。")


def check_archive_info(hb: Handbook, today: dt.date) -> Iterator[Problem]:
    """W512: an archived record says when it is archived; a permanent one is archived."""
    for r in hb.records.values():
        lc = r.lifecycle
        if lc.archive_class and not lc.archive_when:
            yield Problem(hb.sources.pos(r.src, "lifecycle", "archive_class"), "W512",
                          f"“{r.title}”归档后{lc.archive_label}，但没有写何时归档：补上 lifecycle.archive_when（如“次年6月底前”）。")
        elif lc.archive_when and not lc.archive_class:
            yield Problem(hb.sources.pos(r.src, "lifecycle", "archive_when"), "W512",
                          f"“{r.title}”写了归档时间，但没有写档案保管期限：补上 lifecycle.archive_class（permanent、30y 或 10y）。")
        if lc.retention == "permanent" and lc.archive_class != "permanent":
            yield Problem(hb.sources.pos(r.src, "lifecycle", "retention"), "W512",
                          f"“{r.title}”永久保存，应作为永久档案归档：写 archive_class: permanent 和 archive_when。")


def _is_question(name: str) -> bool:
    return name.rstrip().endswith(("？", "?")) or "是否" in name or "吗" in name


def check_decision_names(hb: Handbook, today: dt.date) -> Iterator[Problem]:
    """W511: a decision diamond asks a question; a task name there hides what is decided."""
    for p in hb.procedures.values():
        for s in p.steps:
            if s.branches and not _is_question(s.name):
                yield Problem(hb.sources.pos(s.src, "name"), "W511",
                              f"判断步骤“{s.name}”的名称不是问题：写成这一步要判断的问题（以“？”结尾，或含“是否”“吗”），如“是否同意？”“审查是否通过？”。")


def check_form_fit(hb: Handbook, today: dt.date) -> Iterator[Problem]:
    """E410: a sheet must fit its paper at the type floors (labels 10.5 pt, text 9 pt) with room to write."""
    for r in hb.records.values():
        lacking = _overflow(r)
        if lacking > 0:
            ways = ["减少栏目或多行栏的行数"]
            if r.kind == "form":
                ways += ["改用 paper: {size: A4, orientation: portrait}"] if r.paper_size == "A5" else []
                ways += [f"写 pages: {max(1, r.pages) + 1}（表单续印下一页）"]
            paper = "半张 A4（存根或正本）" if r.kind == "certificate" else f"{r.paper_size} 纸"
            yield Problem(hb.sources.pos(r.src, "layout" if "layout" in hb.sources.text(r.src.path) else "kind"), "E410",
                          f"表单“{r.title}”在正式字号（栏目名 10.5 磅、其他文字不小于 9 磅）下放不下{paper}，"
                          f"还差约 {lacking:.0f} 毫米：{'，或'.join(ways)}。")


@per_object
def _overflow(r: RecordType) -> float:
    from .render.form_layout import overflow

    return overflow(r)


CHECKS: list[Check] = [check_references, check_unique_codes, check_categories, check_reporting, check_risk_ids, check_flow,
                       check_review, check_changelog, check_evidence_retention, check_archive_info, check_decision_names,
                       check_form_fit]


def run_checks(hb: Handbook, today: dt.date | None = None, *, head: Head | None = None) -> list[Problem]:
    """Every check's problems; `head` (what git's HEAD holds) tells a deleted file's references as such."""
    today = today or dt.date.today()
    problems: list[Problem] = []
    for check in CHECKS:
        problems.extend(check_references(hb, today, head) if check is check_references else check(hb, today))
    return sort_problems(problems)


# ---- handbook.yml: the ids and names its settings refer to ------------------------------------------

def check_settings(hb: Handbook, settings: Settings, doc: Document | None, head: Head | None = None) -> list[Problem]:
    """E203 for an owners key that is no role, E202 for a popular record that is no record, W514 for a
    category no procedure has: each at its line:col in handbook.yml."""
    if doc is None:
        return []
    refs = _References(hb, head)
    out = []
    for role_id in settings.owners:
        if role_id not in refs.known["role"]:
            out.append(refs.missing("role", role_id, doc.pos(("owners", role_id), key=True)))
    for i, record_id in enumerate(settings.popular_records):
        if record_id not in refs.known["record"]:
            out.append(refs.missing("record", record_id, doc.pos(("popular_records", i))))
    used = {p.category for p in hb.procedures.values()}
    if hb.procedures:
        for i, name in enumerate(settings.categories):
            if name not in used:
                near = difflib.get_close_matches(name, sorted(used), n=1, cutoff=0.5)
                hint = f"是否应为“{near[0]}”？" if near else f"流程用到的类别：{'、'.join(sorted(used))}。"
                out.append(Problem(doc.pos(("categories", i)), "W514",
                                   f"categories 中的类别“{name}”没有任何流程（流程的 category 都不是它），网站不会列出它：{hint}"))
    return out
