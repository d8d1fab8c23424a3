"""`handbook diff BASE`: what changed between a git ref and the working tree, in Chinese, as Markdown."""

from __future__ import annotations

import io
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from .analysis import archive_words
from .export import to_data
from .labels import FREQUENCY_NAMES, SECRECY_NAMES, STATUS_NAMES
from .loader import load
from .model import Change, Handbook, Procedure, RecordType, Role, Step
from .problems import Problem, sort_problems
from .render.escape import markdown, markdown_inline
from .yamlsource import SourceMap


class DiffError(Exception):
    pass


def load_at_ref(root: Path, ref: str) -> Handbook:
    """The handbook as it was at a git ref (read from `git archive`, nothing checked out)."""
    try:
        top = subprocess.run(["git", "rev-parse", "--show-toplevel"], cwd=root, capture_output=True, text=True, check=True).stdout.strip()
        prefix = Path(root).resolve().relative_to(Path(top).resolve()).as_posix()
        prefix = "" if prefix == "." else prefix + "/"
        paths = [f"{prefix}{d}" for d in ("procedures", "records", "roles", "docs/policies")]
        listed = subprocess.run(["git", "ls-tree", "--name-only", ref, *paths], cwd=top, capture_output=True, text=True)
        if listed.returncode != 0:
            raise DiffError(f"找不到 git 引用 \"{ref}\"：{listed.stderr.strip()}")
        present = [p for p in paths if p in listed.stdout.split()]
        data = subprocess.run(["git", "archive", "--format=tar", ref, *present], cwd=top, capture_output=True, check=True).stdout if present else b""
    except FileNotFoundError:
        raise DiffError("没有找到 git 命令。") from None
    except subprocess.CalledProcessError as exc:
        raise DiffError(f"读取 git 引用 \"{ref}\" 失败：{(exc.stderr or b'').decode(errors='replace').strip()}") from None
    with tempfile.TemporaryDirectory(prefix="handbook-base-") as tmp:
        if data:
            with tarfile.open(fileobj=io.BytesIO(data)) as tar:
                tar.extractall(tmp, filter="data")
        from .config import read_settings

        return load(Path(tmp) / prefix if prefix else Path(tmp), names=read_settings(root)[0].names).handbook


# --- what changed, as a memo: one section per procedure, record or role ---------------------------


@dataclass
class Item:
    """One change, one line: `text`, then `old → new` when it is a change of value; `sub` lines give
    the details (a new step's role, time limits, records …). `highlight`: retention and archiving,
    which auditors look for first."""

    text: str
    change: tuple[str, str] | None = None
    sub: list[str] = field(default_factory=list)
    highlight: bool = False
    fold: str = ""  # when set, the summary under which a comment folds the `sub` lines (<details>)


@dataclass
class Section:
    kind: str  # 流程 | 表单 | 岗位
    title: str  # 用印（LC-YZ-01）
    status: str = "修改"  # 新增 | 删除 | 修改 | 改名
    quotes: list[str] = field(default_factory=list)  # the changelog entries added, as written
    items: list[Item] = field(default_factory=list)

    @property
    def size(self) -> int:
        return len(self.quotes) + sum(1 + len(i.sub) for i in self.items)


GROUPS = ("流程", "表单", "岗位")


@dataclass
class Changes:
    sections: list[Section] = field(default_factory=list)
    unbumped: list[Procedure | RecordType] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)  # W502, at the `version:` of the file in the working tree

    @property
    def empty(self) -> bool:
        return not self.sections

    @property
    def problems(self) -> list[Problem]:
        return sort_problems(self.warnings)

    @property
    def lines(self) -> dict[str, list[str]]:
        """Every change as one plain line (`title text old → new`), by group: for tests and scripts."""
        out: dict[str, list[str]] = {g: [] for g in GROUPS}
        for sec in self.sections:
            for item in sec.items:
                out[sec.kind].append(f"{sec.title} {_plain(item)}")
        return out

    def add(self, section: Section) -> None:
        if section.items or section.quotes:
            self.sections.append(section)

    def add_unbumped(self, old: Procedure | RecordType, new: Procedure | RecordType, sources: SourceMap) -> None:
        """W502 for `new` (of the working tree, whose source map is `sources`)."""
        self.unbumped.append(new)
        if old.version == new.version:
            message = (f"“{new.title}”内容有改动，但版本号仍是 {new.version}：提高 version，"
                       "并在 changelog 最前面补一条新版本的记录。")
        else:
            message = (f"“{new.title}”的版本号已从 {old.version} 改为 {new.version}，但变更记录没有更新："
                       f"在 changelog 最前面补一条 {new.version} 的记录。")
        self.warnings.append(Problem(sources.pos(new.src, "version"), "W502", message))


def _plain(item: Item) -> str:
    if item.change is None:
        return item.text
    return f"{item.text}：{item.change[0]} → {item.change[1]}"


def _text(value: object) -> str:
    """A Text value (a string or a list of paragraphs) as one line."""
    if value is None:
        return ""
    if isinstance(value, list):
        return " ".join(str(v) for v in value)
    return str(value)


def _limits(s: Step) -> str:
    return "、".join(t.describe() for t in s.time_limits) or "无"


def _roles(hb: Handbook, ids: list[str]) -> str:
    return "、".join(hb.role_title(r) for r in ids) or "无"


def _titles(hb: Handbook, ids: list[str]) -> str:
    return "、".join(f"《{hb.records[r].title}》" if r in hb.records else r for r in ids) or "无"


def _step_name(p: Procedure, step_id: str) -> str:
    if step_id == "end":
        return "结束"
    target = p.step(step_id)
    return f"“{target.name}”" if target else step_id


def _flow(p: Procedure, s: Step) -> str:
    if s.branches:
        return "；".join(f"{b.label} → {_step_name(p, b.next)}" for b in s.branches)
    return _step_name(p, s.next or "end")


def _changelog_quotes(old: list[Change], new: list[Change]) -> list[str]:
    seen = {(c.version, c.date, c.summary) for c in old}
    out = []
    for c in new:
        if (c.version, c.date, c.summary) not in seen:
            who = f"，{c.author}" if c.author else ""
            out.append(f"{c.version}（{c.date}{who}）：{c.summary}")
    return out


def _listed(added: list[str], removed: list[str], what: str) -> list[Item]:
    out = []
    if added:
        out.append(Item(f"新增{what}：" + "、".join(f"“{x}”" for x in added)))
    if removed:
        out.append(Item(f"删除{what}：" + "、".join(f"“{x}”" for x in removed)))
    return out


def _list_changes(old: list[str], new: list[str], what: str) -> list[Item]:
    """Labels added and removed (by name, not position); a reordering said once."""
    added = [x for x in new if x not in old]
    removed = [x for x in old if x not in new]
    out = _listed(added, removed, what)
    kept_old, kept_new = [x for x in old if x in new], [x for x in new if x in old]
    if kept_old != kept_new:
        out.append(Item(f"{what}顺序调整", ("、".join(kept_old), "、".join(kept_new))))
    return out


# --- procedures ------------------------------------------------------------------------------


def diff_procedure(old: Procedure, new: Procedure, hb_old: Handbook, hb_new: Handbook) -> list[Item]:
    return [*_header_changes(old, new, hb_old, hb_new), *_steps_changes(old, new, hb_old, hb_new),
            *_risk_changes(old, new), *_section_changes(old, new)]


def _header_changes(old: Procedure, new: Procedure, hb_old: Handbook, hb_new: Handbook) -> Iterator[Item]:
    for attr, name in [("title", "名称"), ("code", "编号"), ("category", "类别"), ("version", "版本")]:
        a, b = getattr(old, attr), getattr(new, attr)
        if a != b:
            yield Item(name, (a, b))
    if old.status != new.status:
        yield Item("状态", (STATUS_NAMES[old.status], STATUS_NAMES[new.status]))
    if hb_old.role_title(old.owner) != hb_new.role_title(new.owner):
        yield Item("责任岗位", (hb_old.role_title(old.owner), hb_new.role_title(new.owner)))
    if (old.review_interval, old.last_review) != (new.review_interval, new.last_review):
        yield Item("审核", (f"每{old.review_interval}个月、上次 {old.last_review}", f"每{new.review_interval}个月、上次 {new.last_review}"))


def _step_details(p: Procedure, s: Step, hb: Handbook) -> list[str]:
    """What a reader needs of a new step: who, what, by when, with which forms, and where it leads."""
    out = [f"岗位：{hb.role_title(s.role)}"]
    if s.details:
        out.append(f"内容：{_text(s.details)}")
    if s.criteria:
        out.append(f"判断标准：{s.criteria}")
    if s.time_limits:
        out.append(f"时限：{_limits(s)}")
    if s.records:
        out.append(f"表单：{_titles(hb, s.records)}")
    if s.risks:
        out.append(f"风险控制点：{'、'.join(s.risks)}")
    out.append(f"{'分支' if s.branches else '下一步'}：{_flow(p, s)}")
    return out


def _edges(s: Step) -> dict[str, str]:
    """A step's ways out, by label ("" for `next`)."""
    return {b.label: b.next for b in s.branches} if s.branches else {"": s.next or "end"}


def _steps_changes(old: Procedure, new: Procedure, hb_old: Handbook, hb_new: Handbook) -> Iterator[Item]:
    old_ids, new_ids = {s.id for s in old.steps}, {s.id for s in new.steps}
    added = [s for s in new.steps if s.id not in old_ids]
    removed = [s for s in old.steps if s.id not in new_ids]
    # edges a step's insertion or removal explains: A → T became A → X → T (or the reverse)
    implied: set[tuple[str, str]] = set()
    for x in added:
        for a in new.steps:
            o = old.step(a.id)
            if o is None:
                continue
            for label, target in _edges(a).items():
                was = _edges(o).get(label)
                if target == x.id and was is not None and was in x.targets():
                    implied.add((a.id, label))
    for x in removed:
        for a in new.steps:
            o = old.step(a.id)
            if o is None:
                continue
            for label, target in _edges(a).items():
                was = _edges(o).get(label)
                if was == x.id and target in x.targets():
                    implied.add((a.id, label))
    for s in added:
        before = [a for a in new.steps if s.id in a.targets() and a.id != s.id]
        where = f"（在{'、'.join(f'“{a.name}”' for a in before)}之后）" if before else ""
        was = old.step(before[0].id) if len(before) == 1 else None
        if was is not None and not s.branches and s.next in was.targets() and s.next not in before[0].targets():
            where = f"（插在“{before[0].name}”和{_step_name(new, s.next or 'end')}之间）"
        yield Item(f"新增第{s.number}步“{s.name}”{where}", sub=_step_details(new, s, hb_new))
    for s in removed:
        yield Item(f"删除原第{s.number}步“{s.name}”（{hb_old.role_title(s.role)}）")
    for s in new.steps:
        o = old.step(s.id)
        if o is not None:
            yield from _step_changes(old, new, o, s, hb_old, hb_new, implied)
    kept_old = [s.id for s in old.steps if s.id in new_ids]
    kept_new = [s.id for s in new.steps if s.id in old_ids]
    if kept_old != kept_new:
        names = "、".join(f"“{new.step(i).name}”" for i in kept_new)  # type: ignore[union-attr]
        yield Item(f"步骤顺序调整，现为：{names}")


def _step_changes(old: Procedure, new: Procedure, o: Step, s: Step, hb_old: Handbook, hb_new: Handbook,
                  implied: set[tuple[str, str]]) -> Iterator[Item]:
    """What changed in one step (`o` of the old procedure, `s` of the new one), by its name."""
    label = f"第{s.number}步“{s.name}”"
    if o.name != s.name:
        yield Item(f"第{s.number}步改名", (f"“{o.name}”", f"“{s.name}”"))
    if hb_old.role_title(o.role) != hb_new.role_title(s.role):
        yield Item(f"{label} 岗位", (hb_old.role_title(o.role), hb_new.role_title(s.role)))
    if _limits(o) != _limits(s):
        yield Item(f"{label} 时限", (_limits(o), _limits(s)))
    if _titles(hb_old, o.records) != _titles(hb_new, s.records):
        was, now = [_titles(hb_old, [r]) for r in o.records], [_titles(hb_new, [r]) for r in s.records]
        added = [r for r, t in zip(s.records, now) if t not in was]
        removed = [r for r, t in zip(o.records, was) if t not in now]
        parts = ([f"新增{_titles(hb_new, added)}"] if added else []) + ([f"不再使用{_titles(hb_old, removed)}"] if removed else [])
        yield Item(f"{label} 表单：{'；'.join(parts) or '顺序调整'}")
    yield from _flow_changes(old, new, o, s, label, implied)
    if _text(o.details) != _text(s.details) or o.criteria != s.criteria:
        sub = []
        if _text(o.details) != _text(s.details):
            sub += [f"原：{_text(o.details) or '无'}", f"现：{_text(s.details) or '无'}"]
        if o.criteria != s.criteria:
            sub += [f"原判断标准：{o.criteria or '无'}", f"现判断标准：{s.criteria or '无'}"]
        yield Item(f"{label} 说明已修改", sub=sub, fold="原文和新文")
    if o.risks != s.risks:
        yield Item(f"{label} 风险控制点", ("、".join(o.risks) or "无", "、".join(s.risks) or "无"))


def _flow_changes(old: Procedure, new: Procedure, o: Step, s: Step, label: str, implied: set[tuple[str, str]]) -> Iterator[Item]:
    """Only the ways out that changed: a branch by its label; `next` as 下一步."""
    if bool(o.branches) != bool(s.branches):
        yield Item(f"{label} 改为{'判断步骤' if s.branches else '普通步骤'}", (_flow(old, o), _flow(new, s)))
        return
    was, now = _edges(o), _edges(s)
    for key, target in now.items():
        before = was.get(key)
        if before is None:
            yield Item(f"{label} 新增分支“{key}” → {_step_name(new, target)}")
        elif before != target and (s.id, key) not in implied:
            what = f"分支“{key}”" if key else "下一步"
            yield Item(f"{label} {what}", (_step_name(old, before), _step_name(new, target)))
    for key in was.keys() - now.keys():
        yield Item(f"{label} 删除分支“{key}”（原 → {_step_name(old, was[key])}）")


def _risk_changes(old: Procedure, new: Procedure) -> Iterator[Item]:
    old_risks, new_risks = {r.id: r for r in old.risks}, {r.id: r for r in new.risks}
    for rid in [r.id for r in new.risks if r.id not in old_risks]:
        yield Item(f"新增风险点 {rid}：{new_risks[rid].risk}", sub=[f"控制措施：{_text(new_risks[rid].control)}"])
    for rid in [r.id for r in old.risks if r.id not in new_risks]:
        yield Item(f"删除风险点 {rid}：{old_risks[rid].risk}")
    for rid in [r.id for r in new.risks if r.id in old_risks]:
        if to_data(old_risks[rid]) != to_data(new_risks[rid]):
            yield Item(f"风险点 {rid}（{new_risks[rid].risk}）已修改")


def _section_changes(old: Procedure, new: Procedure) -> Iterator[Item]:
    for attr, name in [("purpose", "目的"), ("scope", "范围"), ("inputs", "输入"), ("outputs", "输出"), ("monitoring", "流程监控和控制"),
                       ("training", "培训和沟通"), ("policies", "涉及制度"), ("interfaces", "流程接口"), ("exceptions", "异常处理")]:
        if to_data(getattr(old, attr)) != to_data(getattr(new, attr)):
            yield Item(f"{name}已修改")


# --- records and roles -----------------------------------------------------------------------


def diff_record(old: RecordType, new: RecordType, hb_old: Handbook, hb_new: Handbook) -> list[Item]:
    out = []
    for attr, name in [("title", "名称"), ("code", "编号"), ("version", "版本"), ("kind", "类型")]:
        if getattr(old, attr) != getattr(new, attr):
            out.append(Item(name, (str(getattr(old, attr)), str(getattr(new, attr)))))
    paper = {"portrait": "纵向", "landscape": "横向"}
    if (old.paper_size, old.orientation) != (new.paper_size, new.orientation):
        out.append(Item("纸张", (f"{old.paper_size} {paper.get(old.orientation, old.orientation)}",
                                 f"{new.paper_size} {paper.get(new.orientation, new.orientation)}")))
    lo, ln = old.lifecycle, new.lifecycle
    if lo.retention != ln.retention:
        out.append(Item("保存期限", (lo.retention_label, ln.retention_label), highlight=True))
    if (lo.archive_class, lo.archive_when) != (ln.archive_class, ln.archive_when):
        out.append(Item("归档", (archive_words(lo), archive_words(ln)), highlight=True))
    if old.secrecy != new.secrecy:
        out.append(Item("密级", (SECRECY_NAMES.get(old.secrecy or "", "未定"), SECRECY_NAMES.get(new.secrecy or "", "未定")), highlight=True))
    if hb_old.role_title(lo.destroy) != hb_new.role_title(ln.destroy):
        out.append(Item("销毁责任人", (hb_old.role_title(lo.destroy) or "无", hb_new.role_title(ln.destroy) or "无"), highlight=True))
    for attr, name in [("prepare", "编制"), ("keeper", "保管")]:
        if hb_old.role_title(getattr(lo, attr)) != hb_new.role_title(getattr(ln, attr)):
            out.append(Item(name, (hb_old.role_title(getattr(lo, attr)) or "无", hb_new.role_title(getattr(ln, attr)) or "无")))
    for attr, name in [("fill", "填写"), ("review", "审核")]:
        if _roles(hb_old, getattr(lo, attr)) != _roles(hb_new, getattr(ln, attr)):
            out.append(Item(name, (_roles(hb_old, getattr(lo, attr)), _roles(hb_new, getattr(ln, attr)))))
    out += _list_changes([f.label for f in old.fields], [f.label for f in new.fields], "栏目")
    out += _list_changes([c.label for c in old.columns], [c.label for c in new.columns], "列")
    out += _list_changes([a.label for a in old.approvals], [a.label for a in new.approvals], "审批栏")
    out += _list_changes(old.signatures, new.signatures, "签字栏")
    if (old.rows, old.pages) != (new.rows, new.pages) and new.columns:
        out.append(Item("每页行数和页数", (f"{old.rows or '默认'}行、{old.pages}页", f"{new.rows or '默认'}行、{new.pages}页")))
    if _text(old.instructions) != _text(new.instructions):
        out.append(Item("填写说明已修改"))
    return out


def diff_role(old: Role, new: Role, hb_old: Handbook, hb_new: Handbook) -> list[Item]:
    out = []
    if old.title != new.title:
        out.append(Item("岗位名称", (old.title, new.title)))
    if hb_old.role_title(old.reports_to) != hb_new.role_title(new.reports_to):
        out.append(Item("汇报对象", (hb_old.role_title(old.reports_to) or "无", hb_new.role_title(new.reports_to) or "无")))
    out += [Item(f"新增职责：{d}") for d in new.duties if d not in old.duties]
    out += [Item(f"删除职责：{d}") for d in old.duties if d not in new.duties]
    old_tasks = {(x.name, x.frequency) for x in old.tasks}
    new_tasks = {(x.name, x.frequency) for x in new.tasks}
    out += [Item(f"新增{FREQUENCY_NAMES[freq]}任务：{name}") for name, freq in sorted(new_tasks - old_tasks)]
    out += [Item(f"删除{FREQUENCY_NAMES[freq]}任务：{name}") for name, freq in sorted(old_tasks - new_tasks)]
    return out


# --- the whole handbook ----------------------------------------------------------------------


def compare(old: Handbook, new: Handbook) -> Changes:
    ch = Changes()
    renamed = {oid: nid for nid, oid in _renames(old, new)[2].items()}
    renamed |= {oid: nid for nid, oid in _id_renames(old.records, new.records).items()}
    renamed |= {oid: nid for nid, oid in _id_renames(old.roles, new.roles).items()}
    _procedure_changes(ch, old, new, renamed)
    _record_changes(ch, old, new, renamed)
    _role_changes(ch, old, new)
    return ch


def _id_renames(old: Mapping[str, RecordType | Role], new: Mapping[str, RecordType | Role]) -> dict[str, str]:
    """Records or roles whose id changed (`handbook rename`): new id → old id, by the same code or title."""
    removed = {k: v for k, v in old.items() if k not in new}
    out = {}
    for nid, obj in new.items():
        if nid in old:
            continue
        match = next((oid for oid, o in removed.items() if getattr(o, "code", None) == getattr(obj, "code", 0) or o.title == obj.title), None)
        if match:
            out[nid] = match
            del removed[match]
    return out


def _split(old: Mapping[str, object], new: Mapping[str, object]) -> tuple[list[str], list[str], list[str]]:
    """The ids only in `new`, only in `old`, and in both; each list sorted."""
    return sorted(new.keys() - old.keys()), sorted(old.keys() - new.keys()), sorted(old.keys() & new.keys())


def _renames(old: Handbook, new: Handbook) -> tuple[dict[str, Procedure], dict[str, Procedure], dict[str, str]]:
    """Removed and added procedures, and the renames among them (new id → old id): a removed and an
    added one with the same code (or title) is a rename."""
    removed = {k: v for k, v in old.procedures.items() if k not in new.procedures}
    added = {k: v for k, v in new.procedures.items() if k not in old.procedures}
    renames = {}
    for nid, np_ in added.items():
        match = next((oid for oid, op in removed.items() if op.code == np_.code or op.title == np_.title), None)
        if match:
            renames[nid] = match
            del removed[match]
    return removed, added, renames


def _named(obj: Procedure | RecordType) -> str:
    return f"{obj.title}（{obj.code}）"


def _procedure_changes(ch: Changes, old: Handbook, new: Handbook, renamed: dict[str, str]) -> None:
    removed, added, renames = _renames(old, new)
    for nid, oid in renames.items():
        o, n = old.procedures[oid], new.procedures[nid]
        sec = Section("流程", _named(n), "改名", _changelog_quotes(o.changelog, n.changelog))
        sec.items.append(Item("id（页面地址）", (oid, nid)))
        sec.items += diff_procedure(o, n, old, new)
        ch.add(sec)
    for nid, p in sorted(added.items(), key=lambda kv: kv[1].code):
        if nid not in renames:
            steps = [f"{s.number}. “{s.name}”（{new.role_title(s.role)}）" for s in p.steps]
            sec = Section("流程", _named(p), "新增", _changelog_quotes([], p.changelog[:1]))
            sec.items.append(Item(f"新增流程（{p.category}，{len(p.steps)} 步，责任岗位：{new.role_title(p.owner)}）", sub=steps,
                                  fold=f"步骤（{len(p.steps)} 步）"))
            ch.add(sec)
    for p in sorted(removed.values(), key=lambda p: p.code):
        ch.add(Section("流程", _named(p), "删除", items=[Item("删除流程")]))
    for pid in sorted(old.procedures.keys() & new.procedures.keys(), key=lambda k: new.procedures[k].code):
        o, n = old.procedures[pid], new.procedures[pid]
        items = diff_procedure(o, n, old, new)
        ch.add(Section("流程", _named(n), "修改", _changelog_quotes(o.changelog, n.changelog) if items else [], items))
        if _content_changed(o, n, renamed) and (o.version == n.version or to_data(o.changelog) == to_data(n.changelog)):
            ch.add_unbumped(o, n, new.sources)


def _record_changes(ch: Changes, old: Handbook, new: Handbook, renamed: dict[str, str]) -> None:
    added, removed, kept = _split(old.records, new.records)
    moved = _id_renames(old.records, new.records)
    for nid, oid in moved.items():
        o, n = old.records[oid], new.records[nid]
        sec = Section("表单", _named(n), "改名", _changelog_quotes(o.changelog, n.changelog))
        sec.items = [Item("id（页面地址）", (oid, nid)), *diff_record(o, n, old, new)]
        ch.add(sec)
    added = [i for i in added if i not in moved]
    removed = [i for i in removed if i not in moved.values()]
    for r in (new.records[i] for i in added):
        parts = [f"栏目：{'、'.join(f.label for f in r.fields)}"] if r.fields else []
        parts += [f"列：{'、'.join(c.label for c in r.columns)}"] if r.columns else []
        ch.add(Section("表单", _named(r), "新增", items=[
            Item(f"新增表单（保存{r.lifecycle.retention_label}，{archive_words(r.lifecycle)}）", sub=parts, highlight=True,
                 fold="栏目和列")]))
    for r in (old.records[i] for i in removed):
        ch.add(Section("表单", _named(r), "删除", items=[Item(f"删除表单（原保存{r.lifecycle.retention_label}）", highlight=True)]))
    for rid in kept:
        o, n = old.records[rid], new.records[rid]
        items = diff_record(o, n, old, new)
        ch.add(Section("表单", _named(n), "修改", _changelog_quotes(o.changelog, n.changelog) if items else [], items))
        if _content_changed(o, n, renamed) and o.version == n.version:
            ch.add_unbumped(o, n, new.sources)


def _role_changes(ch: Changes, old: Handbook, new: Handbook) -> None:
    added, removed, kept = _split(old.roles, new.roles)
    moved = _id_renames(old.roles, new.roles)
    for nid, oid in moved.items():
        items = [Item("id（页面地址）", (oid, nid)), *diff_role(old.roles[oid], new.roles[nid], old, new)]
        ch.add(Section("岗位", new.roles[nid].title, "改名", items=items))
    added = [i for i in added if i not in moved]
    removed = [i for i in removed if i not in moved.values()]
    for i in added:
        ch.add(Section("岗位", new.roles[i].title, "新增", items=[Item("新增岗位")]))
    for i in removed:
        ch.add(Section("岗位", old.roles[i].title, "删除", items=[Item("删除岗位")]))
    for rid in kept:
        ch.add(Section("岗位", new.roles[rid].title, "修改", items=diff_role(old.roles[rid], new.roles[rid], old, new)))


def _content_changed(old, new, renamed: dict[str, str] | None = None) -> bool:
    """Whether anything but the version, changelog and review date changed; ids renamed since (`renamed`,
    old → new) count as the same."""
    a, b = _through(to_data(old), renamed or {}), to_data(new)
    for d in (a, b):
        for key in ("version", "changelog", "last_review", "source_file"):
            d.pop(key, None)
    return a != b


def _through(data: object, renamed: dict[str, str]) -> object:
    if isinstance(data, str):
        return renamed.get(data, data)
    if isinstance(data, list):
        return [_through(x, renamed) for x in data]
    if isinstance(data, dict):
        return {k: _through(v, renamed) for k, v in data.items()}
    return data


# --- output ----------------------------------------------------------------------------------

FORMATS = ("github", "gitlab", "text")
COLLAPSE_FROM = 16  # lines of one section: a comment folds longer ones into <details>


def _value(item: Item, fmt: str) -> str:
    """The item's line; in Markdown every piece from the YAML escaped, GitLab's own marks for a highlighted change."""
    esc = (lambda t: t) if fmt == "text" else markdown_inline
    if item.change is None:
        return esc(item.text)
    old, new = (esc(x) for x in item.change)
    if fmt == "gitlab" and item.highlight:
        return f"{esc(item.text)}：{{- {old} -}} → {{+ {new} +}}"
    return f"{esc(item.text)}：{old} → {new}"


def _md_item(item: Item, fmt: str) -> str:
    line = _value(item, fmt)
    if item.highlight and fmt == "github":
        line = f"**{line}**"
    out = f"- {'⚠️ ' if item.highlight else ''}{line}\n"
    subs = "".join(f"  - {markdown_inline(sub)}\n" for sub in item.sub)
    if item.fold and subs:
        return out + f"  <details><summary>{escape_html(item.fold)}</summary>\n\n{subs}\n  </details>\n"
    return out + subs


def _md_section(sec: Section, fmt: str) -> str:
    quotes = "".join(f"> {markdown_inline(q)}\n" for q in sec.quotes)
    body = (quotes + "\n" if quotes else "") + "".join(_md_item(i, fmt) for i in sec.items)
    status = "" if sec.status == "修改" else f"（{sec.status}）"
    if sec.size > COLLAPSE_FROM:
        count = sum(1 for _ in sec.items)
        return (f"<details>\n<summary><strong>{escape_html(sec.title)}</strong>{status}：{count} 处改动</summary>\n\n"
                f"{body}\n</details>\n\n")
    return f"#### {markdown(sec.title)}{status}\n\n{body}\n"


def escape_html(text: str) -> str:
    import html

    return html.escape(text, quote=False)


def _highlights(ch: Changes) -> list[str]:
    return [f"{sec.title} {_plain(i)}" for sec in ch.sections for i in sec.items if i.highlight]


def to_markdown(ch: Changes, base: str, fmt: str = "github") -> str:
    """A merge request comment: GitHub or GitLab flavoured Markdown (long sections folded)."""
    out = [f"## 手册变更（与 `{base}` 相比）\n\n"]
    if ch.empty:
        out.append("内容没有变化。\n")
        return "".join(out)
    counts = "，".join(f"{g} {n} 项" for g in GROUPS if (n := sum(1 for s in ch.sections if s.kind == g)))
    out.append(f"共改动{counts}。\n\n")
    notes = _highlights(ch)
    warns = [f"{obj.title}（{obj.path}）内容有改动，但版本号或变更记录没有更新（W502）。" for obj in ch.unbumped]
    if notes or warns:
        lines = [*notes, *warns]
        if fmt == "github":
            out.append("> [!IMPORTANT]\n" + "".join(f"> - {markdown_inline(line)}\n" for line in lines) + "\n")
        else:
            out.append("> **请注意**\n>\n" + "".join(f"> - {markdown_inline(line)}\n" for line in lines) + "\n")
    for group in GROUPS:
        sections = [s for s in ch.sections if s.kind == group]
        if sections:
            out.append(f"### {group}\n\n")
            out += [_md_section(s, fmt) for s in sections]
    return "".join(out).rstrip("\n") + "\n"


def to_text(ch: Changes, base: str) -> str:
    """The same for a terminal: no markup, indented."""
    out = [f"手册变更（与 {base} 相比）\n"]
    if ch.empty:
        return out[0] + "内容没有变化。\n"
    notes = _highlights(ch)
    warns = [f"{obj.title}（{obj.path}）内容有改动，但版本号或变更记录没有更新（W502）。" for obj in ch.unbumped]
    if notes or warns:
        out.append("\n请注意：\n" + "".join(f"  ! {line}\n" for line in [*notes, *warns]))
    for group in GROUPS:
        sections = [s for s in ch.sections if s.kind == group]
        if not sections:
            continue
        out.append(f"\n{group}\n")
        for sec in sections:
            status = "" if sec.status == "修改" else f"（{sec.status}）"
            out.append(f"  {sec.title}{status}\n")
            out += [f"    变更记录：“{q}”\n" for q in sec.quotes]
            for item in sec.items:
                out.append(f"    · {'【请注意】' if item.highlight else ''}{_value(item, 'text')}\n")
                out += [f"        {sub}\n" for sub in item.sub]
    return "".join(out)


def render(ch: Changes, base: str, fmt: str = "github") -> str:
    return to_text(ch, base) if fmt == "text" else to_markdown(ch, base, fmt)
