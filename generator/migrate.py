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


STEPS = [Step(2, "编辑器格式文件移到手册自己的 .handbook/schemas/，各文件首行的 schema 声明改为指向那里", False, _to_2)]


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
