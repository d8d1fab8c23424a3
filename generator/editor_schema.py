"""Editor completion for ids: `generator/schemas/ids.schema.json` lists the current role, record,
procedure and policy ids so the YAML language server offers them as you type.

Trade-off: the file is generated but committed, so that completion works in a fresh clone with
no build. `handbook schema` rewrites it; `handbook check` warns (W504) when it is out of date.
Validation never depends on it: the checker's cross-reference rules give the better message.
"""

from __future__ import annotations

import json
from pathlib import Path

from .model import Handbook
from .problems import Pos, Problem

IDS_FILE = "generator/schemas/ids.schema.json"
IDS_TITLE = "由 handbook schema 生成"  # in the title: how `handbook schema` knows a file it may replace


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
        "title": "当前手册中的 id（供编辑器补全；由 handbook schema 生成，请勿手改）",
        "definitions": {
            "role": choice("岗位 id", [(r.id, r.title) for r in sorted(hb.roles.values(), key=lambda r: r.id)]),
            "record": choice("表单 id", [(r.id, f"{r.title}（{r.code}）") for r in sorted(hb.records.values(), key=lambda r: r.id)]),
            "procedure": choice("流程 id", [(p.id, f"{p.title}（{p.code}）") for p in sorted(hb.procedures.values(), key=lambda p: p.id)]),
            "policy": choice("制度页面 id", [(p.id, p.title) for p in sorted(hb.policies.values(), key=lambda p: p.id)]),
        },
    }


def ids_schema_text(hb: Handbook) -> str:
    return json.dumps(ids_schema(hb), ensure_ascii=False, indent=2) + "\n"


def stale_ids_schema(root: Path, hb: Handbook) -> list[Problem]:
    path = root / IDS_FILE
    if not path.exists():
        return []
    if path.read_text(encoding="utf-8") == ids_schema_text(hb):
        return []
    return [Problem(Pos(IDS_FILE), "W504", "编辑器补全用的 id 列表已过时（新增、删除或改名了流程、表单、岗位或制度）：运行 handbook schema 更新它。")]
