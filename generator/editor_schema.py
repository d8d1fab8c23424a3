"""Editor schemas in the content repository: `.handbook/schemas/` holds copies of the tool's JSON
Schemas and `ids.schema.json`, the current role, record, procedure and policy ids, so the YAML
language server validates and completes as you type. Each YAML file's modeline points there.

Trade-off: the files are generated but committed, so that completion works in a fresh clone with
no build. `handbook schema` (and `handbook init`) writes them; `handbook check` warns (W504) when
they are out of date. Validation never depends on them: the checker's rules give the better message.
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

from .model import Handbook
from .problems import Pos, Problem

SCHEMA_DIR = ".handbook/schemas"
IDS_FILE = f"{SCHEMA_DIR}/ids.schema.json"
KINDS = ("procedure", "record", "role", "common")
IDS_TITLE = "由 handbook schema 生成"  # in every file written: how `handbook schema` knows a file it may replace
MODELINE = "# yaml-language-server: $schema="


def modeline(kind: str) -> str:
    """The first line of a content file of `kind`, relative to where that kind of file lives."""
    up = "../../" if kind == "procedure" else "../"
    return f"{MODELINE}{up}{SCHEMA_DIR}/{kind}.schema.json"


def ids_schema(hb: Handbook) -> dict:
    def choice(title: str, items: list[tuple[str, str]]) -> dict:
        ids = [i for i, _ in items]
        return {
            "description": title,
            "anyOf": [{"enum": ids, "enumDescriptions": [t for _, t in items],
                       "markdownEnumDescriptions": [t for _, t in items]}, {"type": "string"}],
        }

    return {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "title": f"当前手册中的 id（供编辑器补全；{IDS_TITLE}，请勿手改）",
        "definitions": {
            "role": choice("岗位 id", [(r.id, r.title) for r in sorted(hb.roles.values(), key=lambda r: r.id)]),
            "record": choice("表单 id", [(r.id, f"{r.title}（{r.code}）") for r in sorted(hb.records.values(), key=lambda r: r.id)]),
            "procedure": choice("流程 id", [(p.id, f"{p.title}（{p.code}）") for p in sorted(hb.procedures.values(), key=lambda p: p.id)]),
            "policy": choice("制度页面 id", [(p.id, p.title) for p in sorted(hb.policies.values(), key=lambda p: p.id)]),
        },
    }


def ids_schema_text(hb: Handbook) -> str:
    return json.dumps(ids_schema(hb), ensure_ascii=False, indent=2) + "\n"


def _tool_schema(kind: str) -> str:
    data = json.loads(resources.files(__package__).joinpath("schemas", f"{kind}.schema.json").read_text(encoding="utf-8"))
    data = {"$comment": f"{IDS_TITLE}（office-handbook 的 {kind} 格式），请勿手改：升级工具后运行 handbook schema。", **data}
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def schema_files(hb: Handbook) -> dict[str, str]:
    """Every file of `.handbook/schemas/`, by path relative to the handbook root."""
    files = {IDS_FILE: ids_schema_text(hb)}
    files.update({f"{SCHEMA_DIR}/{kind}.schema.json": _tool_schema(kind) for kind in KINDS})
    return files


def stale_schemas(root: Path, hb: Handbook) -> list[Problem]:
    """W504 when the editor schemas exist but differ from what `handbook schema` would write now
    (content added, removed or renamed, or a new version of the tool)."""
    if not (root / SCHEMA_DIR).is_dir():
        return []
    stale = []
    for rel, text in schema_files(hb).items():
        try:
            same = (root / rel).read_text(encoding="utf-8") == text
        except (OSError, UnicodeDecodeError):
            same = False
        if not same:
            stale.append(rel)
    if not stale:
        return []
    what = "id 列表" if stale == [IDS_FILE] else "格式说明和 id 列表"
    return [Problem(Pos(stale[0]), "W504", f"编辑器用的{what}已过时（{len(stale)} 个文件）：运行 handbook schema 更新 {SCHEMA_DIR}/，并提交。")]
