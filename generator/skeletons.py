"""`handbook new`: a valid skeleton of each kind, starting with the schema modeline."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from .editor_schema import modeline
from .model import Handbook


def _pick_role(hb: Handbook, *preferred: str) -> str:
    for rid in preferred:
        if rid in hb.known_ids["role"]:
            return rid
    return sorted(hb.known_ids["role"])[0] if hb.known_ids["role"] else "office-director"


def _next_code(used: set[str], prefix: str, width: int = 2) -> str:
    n = 1
    while f"{prefix}{n:0{width}d}" in used:
        n += 1
    return f"{prefix}{n:0{width}d}"


def new_procedure(hb: Handbook, root: Path, pid: str, folder: str, today: dt.date) -> tuple[Path, str]:
    path = root / "procedures" / folder / f"{pid}.yaml"
    same_folder = [p for p in hb.procedures.values() if p.folder == f"procedures/{folder}"]
    category = same_folder[0].category if same_folder else "其他"
    prefix = re.sub(r"-\d+$", "-", same_folder[0].code) if same_folder else "LC-QT-"
    codes = {p.code for p in hb.procedures.values()} | {r.code for r in hb.records.values()}
    owner = _pick_role(hb, "office-director")
    worker = _pick_role(hb, "office-clerk", "office-director")
    d = today.isoformat()
    text = f"""{modeline('procedure')}
id: {pid}
code: {_next_code(codes, prefix)}
title: 新流程（请修改）
category: {category}
version: "0.1"
status: draft
owner: {owner}
effective: {d}
review:
  interval_months: 12
  last: {d}
purpose: 写明本流程的目的和主要目标。
scope: 写明本流程适用的范围和相关部门、岗位。
steps:
  - id: apply
    name: 提出申请
    role: {worker}
    details: 写明这一步具体做什么。
    next: approve
  - id: approve
    name: 是否同意？
    role: {owner}
    criteria: 写明同意或退回的标准。
    branches:
      - {{label: 同意, next: handle}}
      - {{label: 退回, next: apply}}
  - id: handle
    name: 办理、归档
    role: {worker}
    next: end
changelog:
  - {{version: "0.1", date: {d}, summary: 新建草案。}}
"""
    return path, text


def new_record(hb: Handbook, root: Path, rid: str, today: dt.date) -> tuple[Path, str]:
    codes = {p.code for p in hb.procedures.values()} | {r.code for r in hb.records.values()}
    keeper = _pick_role(hb, "office-director")
    filler = _pick_role(hb, "applicant", "office-clerk")
    text = f"""{modeline('record')}
id: {rid}
code: {_next_code(codes, "GL/YJ-BG-")}
title: 新表单（请修改）
kind: form
version: "0.1"
purpose: 写明这张表用来做什么。
layout:                # 从上到下按这里的顺序印出：栏目（label）、审批栏（approval）、签字栏（signature）
  - {{label: 申请部门}}
  - {{label: 申请人}}
  - {{label: 申请日期, type: date}}
  - {{label: 事由, type: textarea, wide: true, lines: 3}}
  - {{approval: 部门负责人意见}}
  - {{approval: 办公室主任意见, role: {keeper}}}
  - {{signature: 经办人}}
lifecycle:
  prepare: {keeper}
  fill: [{filler}]
  review: [{keeper}]
  keeper: {keeper}
  retention: 1
  destroy: {keeper}
"""
    return root / "records" / f"{rid}.yaml", text


def new_role(hb: Handbook, root: Path, rid: str, today: dt.date) -> tuple[Path, str]:
    boss = _pick_role(hb, "office-director")
    reports = f"reports_to: {boss}\n" if hb.known_ids["role"] else ""
    text = f"""{modeline('role')}
id: {rid}
title: 新岗位（请修改）
{reports}summary: 一句话说明这个岗位做什么。
duties:
  - 写明一项主要职责。
tasks:
  - {{name: 写明一项定期任务, frequency: weekly, when: 每周五}}
"""
    return root / "roles" / f"{rid}.yaml", text
