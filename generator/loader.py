"""Load a whole handbook: find the YAML files, read them with positions, validate, build the model."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from . import schema
from .model import BUILDERS, Handbook, Policy
from .problems import Pos, Problem
from .yamlsource import Document, LoadError, read

FOLDERS = {"procedure": ("procedures", "**/*"), "record": ("records", "*"), "role": ("roles", "*")}
FILE_NAME = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
POLICY_DIR = "docs/policies"


@dataclass
class Loaded:
    handbook: Handbook
    problems: list[Problem] = field(default_factory=list)
    documents: dict[str, Document] = field(default_factory=dict)  # by relative path


def find_files(root: Path) -> list[tuple[str, Path]]:
    out = []
    for kind, (folder, pattern) in FOLDERS.items():
        base = root / folder
        if not base.is_dir():
            continue
        for path in sorted(base.glob(pattern)):
            if path.suffix in (".yaml", ".yml") and (path.is_file() or path.is_symlink()):
                out.append((kind, path))
    return out


def load(root: Path) -> Loaded:
    """Read every file of the handbook at `root`. Collects every problem instead of stopping at the first."""
    root = root.resolve()
    result = Loaded(Handbook())
    hb = result.handbook
    for kind, path in find_files(root):
        rel = path.relative_to(root).as_posix()
        stem = path.name.rsplit(".", 1)[0]
        if path.suffix != ".yaml" or not FILE_NAME.fullmatch(stem):
            result.problems.append(Problem(Pos(rel), "E112", f"文件名 \"{path.name}\" 不合规：应为小写字母、数字和连字符，扩展名 .yaml（如 shouwen.yaml）。"))
            continue
        hb.known_ids[kind].add(stem)
        try:
            doc = read(root, path)
        except LoadError as exc:
            result.problems.append(exc.problem)
            continue
        result.documents[rel] = doc
        data, problems = schema.validate(doc, kind)
        result.problems.extend(problems)
        file_id = data.get("id") if isinstance(data, dict) else None
        if isinstance(file_id, str) and file_id != stem:
            result.problems.append(Problem(doc.pos(("id",)), "E107",
                                           f"id \"{file_id}\" 与文件名 \"{path.name}\" 不一致：把 id 改成 \"{stem}\"，或把文件改名为 {file_id}.yaml。"))
            continue
        if any(p.is_error for p in problems):
            continue
        obj = BUILDERS[kind](data, doc)
        table = {"procedure": hb.procedures, "record": hb.records, "role": hb.roles}[kind]
        if obj.id in table:
            result.problems.append(Problem(doc.pos(("id",)), "E207",
                                           f"id \"{obj.id}\" 与 {table[obj.id].path} 重复：给其中一个改名（文件名与 id 一起改）。"))
            continue
        table[obj.id] = obj
    hb.policies = load_policies(root)
    return result


def load_policies(root: Path) -> dict[str, Policy]:
    out = {}
    base = root / POLICY_DIR
    for path in sorted(base.glob("*.md")) if base.is_dir() else []:
        text = path.read_text(encoding="utf-8", errors="replace")
        title = path.stem
        front = re.match(r"---\n(.*?)\n---", text, re.S)
        m = re.search(r"^title:\s*(.+)$", front.group(1), re.M) if front else None
        h1 = re.search(r"^#\s+(.+)$", text, re.M)
        if m:
            title = m.group(1).strip().strip("\"'")
        elif h1:
            title = h1.group(1).strip()
        out[path.stem] = Policy(path.stem, title, path.relative_to(root).as_posix())
    return out
