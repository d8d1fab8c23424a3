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
from .model import Handbook, Procedure, RecordType, Role, Step
from .problems import Problem, sort_problems
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


@dataclass
class Changes:
    lines: dict[str, list[str]] = field(default_factory=lambda: {"流程": [], "表单": [], "岗位": []})
    unbumped: list[Procedure | RecordType] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)  # W502, at the `version:` of the file in the working tree

    @property
    def empty(self) -> bool:
        return not any(self.lines.values())

    @property
    def problems(self) -> list[Problem]:
        return sort_problems(self.warnings)

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


def _limits(s: Step) -> str:
    return "、".join(t.describe() for t in s.time_limits) or "无"


def _step_label(p: Procedure, s: Step) -> str:
    return f"{p.title} 第{s.number}步“{s.name}”"


def _roles(hb: Handbook, ids: list[str]) -> str:
    return "、".join(hb.role_title(r) for r in ids) or "无"


def diff_procedure(old: Procedure, new: Procedure, hb_old: Handbook, hb_new: Handbook) -> list[str]:
    return [*_header_changes(old, new, hb_old, hb_new), *_steps_changes(old, new, hb_old, hb_new),
            *_risk_changes(old, new), *_section_changes(old, new)]


def _header_changes(old: Procedure, new: Procedure, hb_old: Handbook, hb_new: Handbook) -> Iterator[str]:
    for attr, name in [("title", "名称"), ("code", "编号"), ("category", "类别"), ("version", "版本")]:
        a, b = getattr(old, attr), getattr(new, attr)
        if a != b:
            yield f"{new.title} {name}：{a} → {b}"
    if old.status != new.status:
        yield f"{new.title} 状态：{STATUS_NAMES[old.status]} → {STATUS_NAMES[new.status]}"
    if old.owner != new.owner:
        yield f"{new.title} 责任岗位：{hb_old.role_title(old.owner)} → {hb_new.role_title(new.owner)}"
    if (old.review_interval, old.last_review) != (new.review_interval, new.last_review):
        yield f"{new.title} 审核：每{old.review_interval}个月、上次 {old.last_review} → 每{new.review_interval}个月、上次 {new.last_review}"


def _steps_changes(old: Procedure, new: Procedure, hb_old: Handbook, hb_new: Handbook) -> Iterator[str]:
    old_steps = {s.id: s for s in old.steps}
    new_steps = {s.id: s for s in new.steps}
    for s in new.steps:
        o = old_steps.get(s.id)
        if o is None:
            yield f"{_step_label(new, s)} 新增（{hb_new.role_title(s.role)}）"
        else:
            yield from _step_changes(old, new, o, s, hb_old, hb_new)
    for s in old.steps:
        if s.id not in new_steps:
            yield f"{_step_label(old, s)} 删除"


def _step_changes(old: Procedure, new: Procedure, o: Step, s: Step, hb_old: Handbook, hb_new: Handbook) -> Iterator[str]:
    """What changed in one step (`o` of the old procedure, `s` of the new one)."""
    if o.name != s.name:
        yield f"{new.title} 第{s.number}步 名称：{o.name} → {s.name}"
    label = _step_label(new, s)
    if o.role != s.role:
        yield f"{label} 岗位：{hb_old.role_title(o.role)} → {hb_new.role_title(s.role)}"
    if _limits(o) != _limits(s):
        yield f"{label} 时限：{_limits(o)} → {_limits(s)}"
    if o.records != s.records:
        yield f"{label} 表单：{_titles(hb_old, o.records)} → {_titles(hb_new, s.records)}"
    if o.targets() != s.targets() or [b.label for b in o.branches] != [b.label for b in s.branches]:
        yield f"{label} 去向：{_flow(old, o)} → {_flow(new, s)}"
    if o.details != s.details or o.criteria != s.criteria:
        yield f"{label} 说明已修改"
    if o.risks != s.risks:
        yield f"{label} 风险控制点：{'、'.join(o.risks) or '无'} → {'、'.join(s.risks) or '无'}"


def _risk_changes(old: Procedure, new: Procedure) -> Iterator[str]:
    old_risks, new_risks = {r.id: r for r in old.risks}, {r.id: r for r in new.risks}
    for rid in new_risks.keys() - old_risks.keys():
        yield f"{new.title} 风险点 {rid} 新增：{new_risks[rid].risk}"
    for rid in old_risks.keys() - new_risks.keys():
        yield f"{new.title} 风险点 {rid} 删除：{old_risks[rid].risk}"
    for rid in old_risks.keys() & new_risks.keys():
        if to_data(old_risks[rid]) != to_data(new_risks[rid]):
            yield f"{new.title} 风险点 {rid} 已修改"


def _section_changes(old: Procedure, new: Procedure) -> Iterator[str]:
    for attr, name in [("purpose", "目的"), ("scope", "范围"), ("inputs", "输入"), ("outputs", "输出"), ("monitoring", "流程监控和控制"),
                       ("training", "培训和沟通"), ("policies", "涉及制度"), ("interfaces", "流程接口"), ("exceptions", "异常处理")]:
        if to_data(getattr(old, attr)) != to_data(getattr(new, attr)):
            yield f"{new.title} {name}已修改"


def _titles(hb: Handbook, ids: list[str]) -> str:
    return "、".join(f"《{hb.records[r].title}》" if r in hb.records else r for r in ids) or "无"


def _flow(p: Procedure, s: Step) -> str:
    def name(t: str) -> str:
        if t == "end":
            return "结束"
        target = p.step(t)
        return f"第{target.number}步" if target else t

    if s.branches:
        return "；".join(f"{b.label}→{name(b.next)}" for b in s.branches)
    return name(s.next or "end")


def diff_record(old: RecordType, new: RecordType, hb_old: Handbook, hb_new: Handbook) -> list[str]:
    out = []
    t = new.title
    for attr, name in [("title", "名称"), ("code", "编号"), ("version", "版本"), ("kind", "类型")]:
        if getattr(old, attr) != getattr(new, attr):
            out.append(f"{t} {name}：{getattr(old, attr)} → {getattr(new, attr)}")
    paper = {"portrait": "纵向", "landscape": "横向"}
    if (old.paper_size, old.orientation) != (new.paper_size, new.orientation):
        out.append(f"{t} 纸张：{old.paper_size} {paper[old.orientation]} → {new.paper_size} {paper[new.orientation]}")
    lo, ln = old.lifecycle, new.lifecycle
    if lo.retention != ln.retention:
        out.append(f"{t} 保存期限：{lo.retention_label} → {ln.retention_label}")
    if (lo.archive_class, lo.archive_when) != (ln.archive_class, ln.archive_when):
        out.append(f"{t} 归档：{archive_words(lo)} → {archive_words(ln)}")
    if old.secrecy != new.secrecy:
        out.append(f"{t} 密级：{SECRECY_NAMES.get(old.secrecy or '', '未定')} → {SECRECY_NAMES.get(new.secrecy or '', '未定')}")
    if lo.destroy != ln.destroy:
        out.append(f"{t} 销毁责任人：{hb_old.role_title(lo.destroy) or '无'} → {hb_new.role_title(ln.destroy) or '无'}")
    for attr, name in [("prepare", "编制"), ("keeper", "保管")]:
        if getattr(lo, attr) != getattr(ln, attr):
            out.append(f"{t} {name}：{hb_old.role_title(getattr(lo, attr)) or '无'} → {hb_new.role_title(getattr(ln, attr)) or '无'}")
    for attr, name in [("fill", "填写"), ("review", "审核")]:
        if getattr(lo, attr) != getattr(ln, attr):
            out.append(f"{t} {name}：{_roles(hb_old, getattr(lo, attr))} → {_roles(hb_new, getattr(ln, attr))}")
    if [c.label for c in old.columns] != [c.label for c in new.columns]:
        out.append(f"{t} 列：{'、'.join(c.label for c in old.columns) or '无'} → {'、'.join(c.label for c in new.columns) or '无'}")
    if [f.label for f in old.fields] != [f.label for f in new.fields]:
        out.append(f"{t} 栏目：{'、'.join(f.label for f in old.fields) or '无'} → {'、'.join(f.label for f in new.fields) or '无'}")
    if [a.label for a in old.approvals] != [a.label for a in new.approvals]:
        out.append(f"{t} 审批栏：{'、'.join(a.label for a in old.approvals) or '无'} → {'、'.join(a.label for a in new.approvals) or '无'}")
    return out


def diff_role(old: Role, new: Role, hb_old: Handbook, hb_new: Handbook) -> list[str]:
    out = []
    t = new.title
    if old.title != new.title:
        out.append(f"岗位名称：{old.title} → {new.title}")
    if old.reports_to != new.reports_to:
        out.append(f"{t} 汇报对象：{hb_old.role_title(old.reports_to) or '无'} → {hb_new.role_title(new.reports_to) or '无'}")
    for d in new.duties:
        if d not in old.duties:
            out.append(f"{t} 新增职责：{d}")
    for d in old.duties:
        if d not in new.duties:
            out.append(f"{t} 删除职责：{d}")
    old_tasks = {(x.name, x.frequency) for x in old.tasks}
    new_tasks = {(x.name, x.frequency) for x in new.tasks}
    for name, freq in sorted(new_tasks - old_tasks):
        out.append(f"{t} 新增{FREQUENCY_NAMES[freq]}任务：{name}")
    for name, freq in sorted(old_tasks - new_tasks):
        out.append(f"{t} 删除{FREQUENCY_NAMES[freq]}任务：{name}")
    return out


def compare(old: Handbook, new: Handbook) -> Changes:
    ch = Changes()
    _procedure_changes(ch, old, new)
    _record_changes(ch, old, new)
    _role_changes(ch, old, new)
    return ch


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


def _procedure_changes(ch: Changes, old: Handbook, new: Handbook) -> None:
    lines = ch.lines["流程"]
    removed, added, renames = _renames(old, new)
    for nid, oid in renames.items():
        lines.append(f"流程改名：{old.procedures[oid].title}（{oid}）→ {new.procedures[nid].title}（{nid}）")
        lines += diff_procedure(old.procedures[oid], new.procedures[nid], old, new)
    for nid, p in sorted(added.items(), key=lambda kv: kv[1].code):
        if nid not in renames:
            lines.append(f"新增流程：{p.title}（{p.code}，{len(p.steps)} 步）")
    for p in sorted(removed.values(), key=lambda p: p.code):
        lines.append(f"删除流程：{p.title}（{p.code}）")
    for pid in sorted(old.procedures.keys() & new.procedures.keys(), key=lambda k: new.procedures[k].code):
        o, n = old.procedures[pid], new.procedures[pid]
        lines += diff_procedure(o, n, old, new)
        if _content_changed(o, n) and (o.version == n.version or to_data(o.changelog) == to_data(n.changelog)):
            ch.add_unbumped(o, n, new.sources)


def _record_changes(ch: Changes, old: Handbook, new: Handbook) -> None:
    added, removed, kept = _split(old.records, new.records)
    lines = ch.lines["表单"]
    lines += [f"新增表单：{r.title}（{r.code}，保存{r.lifecycle.retention_label}）" for r in (new.records[i] for i in added)]
    lines += [f"删除表单：{r.title}（{r.code}）" for r in (old.records[i] for i in removed)]
    for rid in kept:
        o, n = old.records[rid], new.records[rid]
        lines += diff_record(o, n, old, new)
        if _content_changed(o, n) and o.version == n.version:
            ch.add_unbumped(o, n, new.sources)


def _role_changes(ch: Changes, old: Handbook, new: Handbook) -> None:
    added, removed, kept = _split(old.roles, new.roles)
    lines = ch.lines["岗位"]
    lines += [f"新增岗位：{new.roles[i].title}" for i in added]
    lines += [f"删除岗位：{old.roles[i].title}" for i in removed]
    for rid in kept:
        lines += diff_role(old.roles[rid], new.roles[rid], old, new)


def _content_changed(old, new) -> bool:
    a, b = to_data(old), to_data(new)
    for d in (a, b):
        for key in ("version", "changelog", "last_review", "source_file"):
            d.pop(key, None)
    return a != b


def to_markdown(ch: Changes, base: str) -> str:
    out = [f"## 手册变更（与 `{base}` 相比）\n"]
    if ch.empty:
        out.append("\n内容没有变化。\n")
    for section, lines in ch.lines.items():
        if lines:
            out.append(f"\n### {section}\n\n" + "".join(f"- {line}\n" for line in lines))
    if ch.unbumped:
        out.append("\n### 请注意\n\n")
        for obj in ch.unbumped:
            out.append(f"- ⚠️ {obj.title}（{obj.path}）内容有改动，但版本号或变更记录没有更新（W502）。\n")
    return "".join(out)
