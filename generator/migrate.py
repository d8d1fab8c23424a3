"""`handbook migrate`: bring a handbook written for an older release to the current file format, by
targeted edits that keep every other byte (comments, order, quoting) as the admin wrote it.

Each step moves the format up by one. A step that changes what the YAML means is `breaking`: until it
has run, `handbook check` says so in one line instead of a wall of schema errors."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .config import FILE, FORMAT_VERSION
from .editor_schema import SCHEMA_DIR, modeline
from .problems import Pos, Problem

Edits = dict[str, str]  # relative path → new text


@dataclass(frozen=True)
class Step:
    to: int
    summary: str
    breaking: bool
    run: Callable[[Path], Edits]


_OLD_MODELINE = re.compile(r"^# yaml-language-server: \$schema=\S*generator/schemas/(procedure|record|role)\.schema\.json[ \t]*$", re.M)


def _to_2(root: Path) -> Edits:
    """Format 2: editor schemas live in the handbook (.handbook/schemas/), not in the tool's source."""
    edits: Edits = {}
    for folder, kind in (("procedures", "procedure"), ("records", "record"), ("roles", "role")):
        base = root / folder
        for path in sorted(base.rglob("*.yaml")) if base.is_dir() else []:
            text = path.read_text(encoding="utf-8")
            new = _OLD_MODELINE.sub(modeline(kind), text, count=1)
            if new != text:
                edits[path.relative_to(root).as_posix()] = new
    settings = root / ".vscode" / "settings.json"
    if settings.is_file():
        text = settings.read_text(encoding="utf-8")
        new = text.replace('"generator/schemas/', f'"{SCHEMA_DIR}/')
        if new != text:
            edits[".vscode/settings.json"] = new
    return edits


_TOP_KEY = re.compile(r"^([A-Za-z_][\w-]*)[ \t]*:")
_ITEM = re.compile(r"^([ \t]*)-[ \t]+")


def _blocks(lines: list[str]) -> dict[str, tuple[int, int]]:
    """Top-level keys of a YAML file and the line range [start, end) each one's value takes."""
    found: dict[str, tuple[int, int]] = {}
    starts = [(i, m.group(1)) for i, line in enumerate(lines) if (m := _TOP_KEY.match(line))]
    for n, (i, key) in enumerate(starts):
        end = starts[n + 1][0] if n + 1 < len(starts) else len(lines)
        while end - 1 > i and (not lines[end - 1].strip() or lines[end - 1].startswith("#")):
            end -= 1  # blank lines and comments before the next key belong to it
        found[key] = (i, end)
    return found


def _flow_scalar(value: object) -> str:
    import yaml

    return yaml.safe_dump(value, allow_unicode=True, default_flow_style=True, width=10**6).strip().removesuffix("...").strip()


def _signature_lines(lines: list[str], indent: str) -> list[str]:
    """`signatures: [a, b]` (or a block list) as layout items `- {signature: a}`, comments kept."""
    import yaml

    text = "\n".join(lines)
    names = yaml.safe_load(text).get("signatures") or []
    comment = re.search(r"[ \t]+#.*$", lines[0])
    out = [f"{indent}- {{signature: {_flow_scalar(str(n))}}}" for n in names]
    if comment and out:
        out[0] += comment.group(0)
    return out


def _approval_lines(lines: list[str]) -> list[str]:
    """The items of `approvals:` with their first key `label:` renamed to `approval:`."""
    out = []
    for line in lines[1:]:
        m = _ITEM.match(line)
        if m:
            rest = line[m.end():]
            rest = re.sub(r"^(\{[ \t]*)?label([ \t]*:)", r"\1approval\2", rest, count=1)
            line = line[:m.end()] + rest
        out.append(line)
    return out


def layout_text(text: str) -> str:
    """One record's text with `fields`, `approvals` and `signatures` as one `layout` list (fields first,
    then the approval boxes, then the signatures: the order the sheets printed them in before)."""
    lines = text.split("\n")
    blocks = _blocks(lines)
    present = [k for k in ("fields", "approvals", "signatures") if k in blocks]
    if not present or "layout" in blocks:
        return text
    item_indent = "  "
    for key in ("fields", "approvals"):
        if key in blocks:
            a, b = blocks[key]
            m = next((_ITEM.match(line) for line in lines[a + 1:b] if _ITEM.match(line)), None)
            if m:
                item_indent = m.group(1)
                break
    new_items: list[str] = []
    if "fields" in blocks:
        a, b = blocks["fields"]
        new_items += lines[a + 1:b]
    if "approvals" in blocks:
        a, b = blocks["approvals"]
        new_items += _approval_lines(lines[a:b])
    if "signatures" in blocks:
        a, b = blocks["signatures"]
        new_items += _signature_lines(lines[a:b], item_indent)
    first = min(blocks[k][0] for k in present)
    head = lines[first]
    head_comment = re.search(r"[ \t]+#.*$", head) if present[0] == "fields" else None
    layout = ["layout:" + (head_comment.group(0) if head_comment else "")] + new_items
    out: list[str] = []
    for i, line in enumerate(lines):
        if i == first:
            out += layout
        if any(blocks[k][0] <= i < blocks[k][1] for k in present):
            continue
        out.append(line)
    return "\n".join(out)


def _to_3(root: Path) -> Edits:
    """Format 3: a form's fields, approval boxes and signatures are one ordered `layout` list."""
    edits: Edits = {}
    base = root / "records"
    for path in sorted(base.glob("*.yaml")) if base.is_dir() else []:
        text = path.read_text(encoding="utf-8")
        new = layout_text(text)
        if new != text:
            edits[path.relative_to(root).as_posix()] = new
    return edits


STEPS = [Step(2, "编辑器格式文件移到手册自己的 .handbook/schemas/，各文件首行的 schema 声明改为指向那里", False, _to_2),
         Step(3, "表单的 fields、approvals 和 signatures 合为一个按印出顺序排列的 layout 列表（审批栏写作 approval:，签字栏写作 signature:）",
              False, _to_3)]
STEPS = [s for s in STEPS if s.to <= FORMAT_VERSION]


def declared_format(root: Path) -> tuple[int, Pos]:
    """The `format:` of handbook.yml (1 when the file has none: the handbooks before format 2) and where it is."""
    path = root / FILE
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return 1, Pos(FILE)
    m = re.search(r"^format:[ \t]*['\"]?(\d+)", text, re.M)
    if not m:
        return 1, Pos(FILE)
    line = text.count("\n", 0, m.start()) + 1
    return int(m.group(1)), Pos(FILE, line, m.start(1) - m.start() + 1)


def format_problems(root: Path) -> list[Problem]:
    if not (root / FILE).is_file():
        return []
    version, pos = declared_format(root)
    if version > FORMAT_VERSION:
        return [Problem(pos, "E114", f"手册的文件格式是 {version}，比这个版本的 handbook 支持的 {FORMAT_VERSION} 新："
                                     "请升级工具（pip install --upgrade office-handbook）后再运行。")]
    pending = [s for s in STEPS if s.to > version]
    if not pending:
        return []
    if version == 1 and not any(s.breaking for s in pending) and not any(s.run(root) for s in pending):
        return []  # format not declared, but nothing is in the old form (e.g. an empty handbook.yml)
    if any(s.breaking for s in pending):
        return [Problem(pos, "E115", f"手册的文件格式是 {version}，这个版本的 handbook 需要格式 {FORMAT_VERSION}："
                                     "请先运行 handbook migrate（它只改需要改的几行，可先加 --dry-run 查看）。")]
    return [Problem(pos, "W506", f"手册的文件格式是 {version}（当前为 {FORMAT_VERSION}）：运行 handbook migrate 更新，"
                                 f"它将{'；'.join(s.summary for s in pending)}。")]


def _set_format(text: str, version: int) -> str:
    line = f"format: {version}"
    if re.search(r"^format:", text, re.M):
        return re.sub(r"^(format:[ \t]*)['\"]?\d*['\"]?", rf"\g<1>{version}", text, count=1, flags=re.M)
    head = re.match(r"(?:[ \t]*#[^\n]*\n|[ \t]*\n)*", text)
    cut = head.end() if head else 0
    return text[:cut] + f"{line}                 # 手册文件格式的版本：由 handbook migrate 维护，请勿手改\n" + text[cut:]


def plan(root: Path) -> tuple[int, Edits, list[str]]:
    """What `migrate` would change: the format it starts from, the edits, and the steps' summaries."""
    version, _ = declared_format(root)
    edits: Edits = {}
    done = []
    for step in STEPS:
        if step.to <= version:
            continue
        for rel, text in step.run(root).items():
            edits[rel] = text
        done.append(step.summary)
    if done:
        path = root / FILE
        old = path.read_text(encoding="utf-8") if path.is_file() else ""
        edits[FILE] = _set_format(old, FORMAT_VERSION)
    return version, edits, done
