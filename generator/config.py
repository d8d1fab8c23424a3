"""Handbook settings: `handbook.yml` at the root of the handbook (all keys optional)."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field, fields
from pathlib import Path

from .problems import Pos, Problem
from .schema import hidden_characters
from .typos import with_slips
from .yamlsource import Document, LoadError, convert, decode, parse

FORMAT_VERSION = 3  # of the handbook's files; `handbook migrate` brings older handbooks to it


@dataclass
class Settings:
    format: int = 0  # the file format the handbook is written in (0: not declared, i.e. written before format 2)
    organisation: str = "××公司"  # printed on every form; replace with the real name
    office: str = "综合办公室"
    title: str = ""  # the site's and the binder's title; default: office + 流程手册
    edit_url: str = ""  # e.g. https://git.example.com/office/handbook/edit/main/ — the YAML path is appended
    popular_records: list[str] = field(default_factory=list)  # record ids shown first on the home page
    categories: list[str] = field(default_factory=list)  # category names in the order the site lists them
    owners: dict[str, list[str]] = field(default_factory=dict)  # role id → people or teams (@user, @org/team) for CODEOWNERS
    source_titles: dict[str, str] = field(default_factory=dict)  # source doc id (seeds/002) → title shown to readers
    glossary: dict[str, list[str]] = field(default_factory=dict)  # preferred term → variants the checker warns about
    redirects: dict[str, str] = field(default_factory=dict)  # old page (records/old.md) → new page: written by handbook rename

    @property
    def site_title(self) -> str:
        return self.title or f"{self.office}流程手册"

    @property
    def names(self) -> dict[str, str]:
        """The tokens content may use for the names set here: {办公室} and {单位}."""
        return {"办公室": self.office, "单位": self.organisation}


FILE = "handbook.yml"
_KINDS = {"format": "整数（由 handbook migrate 维护）", "title": "文字", "organisation": "文字", "office": "文字", "edit_url": "文字", "popular_records": "文字列表", "categories": "文字列表",
          "owners": "岗位 id → 人员列表的映射", "source_titles": "来源 id → 名称的映射",
          "glossary": "规范用语 → 不推荐说法列表的映射", "redirects": "旧页面地址 → 新页面地址的映射（如 records/old.md: records/new.md）"}


def _ok(name: str, value: object) -> bool:
    if name == "format":
        return isinstance(value, str) and value.isascii() and value.isdigit() and len(value) < 4
    if name in ("organisation", "office", "edit_url", "title"):
        return isinstance(value, str)
    if name in ("popular_records", "categories"):
        return isinstance(value, list) and all(isinstance(v, str) for v in value)
    if name in ("owners", "glossary"):
        return isinstance(value, dict) and all(isinstance(v, list) and all(isinstance(x, str) for x in v) for v in value.values())
    return isinstance(value, dict) and all(isinstance(v, str) for v in value.values())


def _blank(text: str) -> bool:
    """Nothing but blank lines, comments and document markers (--- / ...)."""
    return all(not line.strip() or line.lstrip().startswith("#") or line.rstrip() in ("---", "...")
               for line in text.splitlines())


def read_settings(root: Path) -> tuple[Settings, list[Problem]]:
    """Settings from handbook.yml, and the problems found in it (each with its line:col)."""
    path = root / FILE
    if not path.exists():
        return Settings(), []
    try:
        text = decode(path.read_bytes(), FILE)
        if _blank(text):  # every key is optional: an empty file (or only comments) means all defaults
            return Settings(), []
        doc = parse(text, FILE)
        data = convert(doc, None)
    except OSError as exc:
        return Settings(), [Problem(Pos(FILE), "E103", f"无法读取 {FILE}：{exc.strerror}。")]
    except LoadError as exc:
        return Settings(), exc.problems
    known = [f.name for f in fields(Settings)]
    values, problems = {}, hidden_characters(doc, data)
    for name, value in data.items():
        if name not in known:
            near = difflib.get_close_matches(name, known, n=1)
            hint = f"，是否应为 \"{near[0]}\"？" if near else f"。可用的键：{'、'.join(known)}。"
            problems.append(Problem(doc.pos((name,), key=True), "E301", f"{FILE} 中有未知的键 \"{name}\"{hint}"))
        elif value is None:
            continue
        elif not _ok(name, value):
            problems.append(Problem(doc.pos((name,)), "E303", f"{name} 应为{_KINDS[name]}：请按 handbook.yml 中的注释填写。"))
        else:
            values[name] = int(value) if name == "format" else value
    return Settings(**values), with_slips(FILE, doc.node, problems)


def settings_document(root: Path) -> Document | None:
    """handbook.yml's document, for the line:col of what its settings name (None when it cannot be read)."""
    path = root / FILE
    try:
        text = decode(path.read_bytes(), FILE)
        return None if _blank(text) else parse(text, FILE)
    except (OSError, LoadError):
        return None
