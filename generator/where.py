"""`handbook where ID`: every place a role, record or procedure id is written, with its line:col.

The places are found the way the loader reads the files, never by searching the text: a YAML value is
a reference when the JSON Schema says so there (`ids.schema.json#/definitions/role` …), so a step's
`name` that happens to read "hr" is not one. Besides the content files: the `id:` of the file itself,
handbook.yml (`owners`, `popular_records`, `redirects`), links from hand-written pages in docs/ to the
generated pages (records/ID.md, procedures/<类别>/ID.md …) and an explicit `nav` in mkdocs.yml.

Each `Use` is the exact span of the id in its file, which is what `handbook rename` rewrites.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from . import schema
from .model import Handbook
from .yamlsource import LoadError, _compose, decode

KINDS = ("role", "record", "procedure")
KIND_NAMES = {"role": "岗位", "record": "表单", "procedure": "流程"}
FOLDER_KIND = {"procedures": "procedure", "records": "record", "roles": "role"}
_IDS_REF = "ids.schema.json#/definitions/"


@dataclass(frozen=True)
class Use:
    """One place an id is written: `path` (relative to the handbook root), the span [start, end) of the
    id's characters in the file's text, where that is, and what it is in words."""

    path: str
    start: int
    end: int
    line: int
    col: int
    keys: str  # the key path (steps[3].role), or the link / nav entry as written
    what: str  # in Chinese: 流程“用印”第4步“盖章、登记”的岗位
    role: str = "ref"  # define | ref | setting | link | nav | redirect

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}: {self.keys} — {self.what}"


def line_col(text: str, index: int) -> tuple[int, int]:
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


# --- what the schema says is a reference -------------------------------------------------------


class RefPlan:
    """The schema at one place of a document: which kind of id a scalar there names (if any), and
    the plans of its properties and items, compiled on first use (the block definitions recurse)."""

    def __init__(self, sources: tuple[tuple[int, int], ...]) -> None:
        self.sources = sources  # (id of a schema dict, id of its root) pairs, resolved through _SCHEMAS
        self.kind: str | None = None
        self._props: dict[str, list[tuple[dict, dict]]] = {}
        self._extra: list[tuple[dict, dict]] = []
        self._items: list[tuple[dict, dict]] = []

    def child(self, key: str) -> RefPlan | None:
        found = self._props.get(key) or self._extra
        return _plan(tuple(found)) if found else None

    def item(self) -> RefPlan | None:
        return _plan(tuple(self._items)) if self._items else None


_SCHEMAS: dict[int, dict] = {}


def _keep(s: dict) -> int:
    _SCHEMAS[id(s)] = s
    return id(s)


def _ref_target(ref: str, root: dict) -> tuple[dict, dict]:
    file, _, pointer = ref.partition("#")
    if file:
        root = schema.load_schema(file.removesuffix(".schema.json"))
    target = root
    for part in filter(None, pointer.split("/")):
        target = target[part]
    return target, root


@cache
def _plan_ids(pairs: tuple[tuple[int, int], ...]) -> RefPlan:
    plan = RefPlan(pairs)
    stack = [(_SCHEMAS[s], _SCHEMAS[r]) for s, r in pairs]
    seen: set[int] = set()
    while stack:
        s, root = stack.pop()
        if id(s) in seen or not isinstance(s, dict):
            continue
        seen.add(id(s))
        ref = s.get("$ref")
        if isinstance(ref, str):
            if ref.startswith(_IDS_REF):
                name = ref[len(_IDS_REF):]
                plan.kind = name if name in KINDS else plan.kind
            else:
                stack.append(_ref_target(ref, root))
        for key in ("allOf", "anyOf", "oneOf"):
            stack.extend((alt, root) for alt in s.get(key, []) if isinstance(alt, dict))
        for key in ("if", "then", "else"):
            if isinstance(s.get(key), dict):
                stack.append((s[key], root))
        for key, prop in s.get("properties", {}).items():
            plan._props.setdefault(key, []).append((prop, root))
        for extra in [s.get("additionalProperties"), *s.get("patternProperties", {}).values()]:
            if isinstance(extra, dict):
                plan._extra.append((extra, root))
        if isinstance(s.get("items"), dict):
            plan._items.append((s["items"], root))
    return plan


def _plan(found: tuple[tuple[dict, dict], ...]) -> RefPlan:
    return _plan_ids(tuple((_keep(s), _keep(r)) for s, r in found))


def root_plan(kind: str) -> RefPlan:
    s = schema.load_schema(kind)
    return _plan(((s, s),))


# --- spans -----------------------------------------------------------------------------------


def scalar_span(text: str, node: yaml.ScalarNode, value: str) -> tuple[int, int] | None:
    """The span of `value`'s characters in the scalar as written (inside its quotes), or None when it
    is not written literally (escapes, a block scalar): such a place is reported, never rewritten."""
    start, end = node.start_mark.index, node.end_mark.index
    raw = text[start:end]
    if raw == value:
        return start, end
    if len(raw) == len(value) + 2 and raw[0] == raw[-1] and raw[0] in "\"'" and raw[1:-1] == value:
        return start + 1, end - 1
    return None


def _child(node: yaml.Node | None, key: str) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            if isinstance(k, yaml.ScalarNode) and k.value == key:
                return v
    return None


def _scalar(node: yaml.Node | None, key: str) -> str:
    v = _child(node, key)
    return v.value if isinstance(v, yaml.ScalarNode) else ""


def key_path(path: tuple) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


LABELS = {
    "owner": "责任岗位", "role": "岗位", "records": "表单", "evidence": "凭证", "evidences": "所凭证的表单",
    "procedure": "流程", "prepare": "编制岗位", "fill": "填写岗位", "review": "审核岗位", "keeper": "保管岗位",
    "destroy": "销毁责任人", "reports_to": "汇报对象", "id": "文件自己的 id",
}


def describe(kind: str, tree: yaml.Node, path: tuple) -> str:
    """A key path in words: 流程“用印”第4步“盖章、登记”的岗位."""
    title = _scalar(tree, "title")
    words = f"{KIND_NAMES[kind]}“{title}”" if title else KIND_NAMES[kind]
    node: yaml.Node | None = tree
    parent: object = None
    for i, part in enumerate(path):
        if isinstance(part, int):
            child = node.value[part] if isinstance(node, yaml.SequenceNode) and part < len(node.value) else None
            name = _scalar(child, "name") or _scalar(child, "label") or _scalar(child, "approval")  # a layout approval box: {approval: 名称}
            if parent == "steps":
                words += f"第{part + 1}步“{name}”" if name else f"第{part + 1}步"
            elif parent == "tasks":
                words += f"的定期任务“{name}”" if name else f"的第{part + 1}项定期任务"
            elif parent == "interfaces":
                words += "的流程接口"
            elif parent in ("layout", "approvals"):
                words += f"的审批栏“{name}”" if name else f"版面的第{part + 1}项"
        else:
            child = _child(node, part)
            last = i == len(path) - 1 or (i == len(path) - 2 and isinstance(path[-1], int))
            if last and not (parent == "interfaces" and part == "procedure"):
                words += f"的{LABELS.get(part, part)}"
        if isinstance(part, str):
            parent = part
        node = child
    return words


# --- finding ---------------------------------------------------------------------------------


def yaml_uses(hb: Handbook, kind: str, ident: str) -> Iterator[Use]:
    """References to `ident` (a `kind` id) in the content files, and the `id:` of its own file."""
    own = _own_path(hb, kind, ident)
    for rel, doc in sorted(hb.sources.documents.items()):
        doc_kind = FOLDER_KIND.get(rel.split("/", 1)[0])
        tree = doc.tree()
        if doc_kind is None or tree is None:
            continue
        text = doc.text
        if rel == own:
            node = _child(tree, "id")
            span = scalar_span(text, node, ident) if isinstance(node, yaml.ScalarNode) else None
            if span:
                yield Use(rel, *span, *line_col(text, span[0]), "id", f"{KIND_NAMES[kind]}自己的 id", "define")
        for path, node in _refs(tree, root_plan(doc_kind), (), kind):
            if node.value != ident:
                continue
            span = scalar_span(text, node, ident)
            start, end = span or (node.start_mark.index, node.end_mark.index)
            yield Use(rel, start, end, *line_col(text, start), key_path(path), describe(doc_kind, tree, path),
                      "ref" if span else "fixed")


def _refs(node: yaml.Node, plan: RefPlan | None, path: tuple, kind: str) -> Iterator[tuple[tuple, yaml.ScalarNode]]:
    if plan is None:
        return
    if isinstance(node, yaml.ScalarNode):
        if plan.kind == kind:
            yield path, node
    elif isinstance(node, yaml.SequenceNode):
        item = plan.item()
        for i, child in enumerate(node.value):
            yield from _refs(child, item, (*path, i), kind)
    elif isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            if isinstance(k, yaml.ScalarNode):
                yield from _refs(v, plan.child(k.value), (*path, k.value), kind)


def _own_path(hb: Handbook, kind: str, ident: str) -> str | None:
    table = {"role": hb.roles, "record": hb.records, "procedure": hb.procedures}[kind]
    obj = table.get(ident)
    return obj.path if obj is not None else None


def page_addresses(hb: Handbook, kind: str, ident: str) -> dict[str, str]:
    """The generated files of `ident` (paths in the site's docs tree), each with the stem it ends in."""
    if kind == "role":
        return {f"roles/{ident}.md": ".md"}
    if kind == "record":
        return {f"records/{ident}{suffix}": suffix for suffix in (".md", ".pdf", "-A4.pdf", ".svg")}
    p = hb.procedures.get(ident)
    if p is None:
        return {}
    return {f"{p.folder}/{ident}{suffix}": suffix for suffix in (".md", ".svg")}


def read_text(path: Path, rel: str) -> tuple[str, yaml.Node | None] | None:
    """A YAML file's text and node tree, or None when it cannot be read (the check reports that)."""
    try:
        text = decode(path.read_bytes(), rel)
        return text, _compose(text)
    except (OSError, LoadError, yaml.YAMLError, RecursionError):
        return None


def settings_uses(root: Path, kind: str, ident: str, addresses: dict[str, str]) -> Iterator[Use]:
    """handbook.yml: `owners` keys (roles), `popular_records` (records), and `redirects` to a page of `ident`."""
    rel = "handbook.yml"
    read = read_text(root / rel, rel)
    if read is None or not isinstance(read[1], yaml.MappingNode):
        return
    text, tree = read
    owners, popular, redirects = _child(tree, "owners"), _child(tree, "popular_records"), _child(tree, "redirects")
    if kind == "role" and isinstance(owners, yaml.MappingNode):
        for k, _ in owners.value:
            span = scalar_span(text, k, ident) if isinstance(k, yaml.ScalarNode) and k.value == ident else None
            if span:
                yield Use(rel, *span, *line_col(text, span[0]), f"owners.{ident}", "CODEOWNERS 中岗位对应的人员", "setting")
    if kind == "record" and isinstance(popular, yaml.SequenceNode):
        for i, item in enumerate(popular.value):
            span = scalar_span(text, item, ident) if isinstance(item, yaml.ScalarNode) and item.value == ident else None
            if span:
                yield Use(rel, *span, *line_col(text, span[0]), f"popular_records[{i}]", "首页的常用表单", "setting")
    if isinstance(redirects, yaml.MappingNode):
        for k, v in redirects.value:
            if isinstance(v, yaml.ScalarNode) and v.value in addresses:
                span = scalar_span(text, v, v.value)
                if span:
                    start = span[1] - len(ident) - len(addresses[v.value])
                    yield Use(rel, start, start + len(ident), *line_col(text, start), f"redirects.{k.value}",
                              f"旧地址 {k.value} 跳转到的页面", "redirect")


_LINK = re.compile(r"\]\(\s*<?(?P<a>[^)\s>]+)|^\s{0,3}\[[^\]\n]+\]:\s*<?(?P<b>[^\s>]+)|\b(?:href|src)\s*=\s*[\"'](?P<c>[^\"']+)", re.M)


def link_uses(root: Path, docs_dir: Path, ident: str, addresses: dict[str, str]) -> Iterator[Use]:
    """Links from hand-written Markdown pages to a generated page or file of `ident`."""
    if not docs_dir.is_dir() or not addresses:
        return
    for page in sorted(docs_dir.rglob("*.md")):
        try:
            text = page.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        if ident not in text:
            continue
        here = page.relative_to(docs_dir).as_posix()
        rel = page.relative_to(root).as_posix() if page.is_relative_to(root) else page.as_posix()
        for m in _LINK.finditer(text):
            group = next(g for g in ("a", "b", "c") if m.group(g) is not None)
            target = m.group(group)
            path = re.split(r"[#?]", target, maxsplit=1)[0]
            if not path or "://" in path or path.startswith(("/", "mailto:")):
                continue
            resolved = posixpath.normpath(posixpath.join(posixpath.dirname(here), path))
            suffix = addresses.get(resolved)
            if suffix is None or not path.endswith(ident + suffix):
                continue
            start = m.start(group) + len(path) - len(ident) - len(suffix)
            yield Use(rel, start, start + len(ident), *line_col(text, start), f"链接 {target}", "手写页面中指向生成页面的链接", "link")


def nav_uses(config_file: Path, root: Path, ident: str, addresses: dict[str, str]) -> Iterator[Use]:
    """An explicit `nav:` in mkdocs.yml that lists a generated page of `ident`."""
    rel = config_file.relative_to(root).as_posix() if config_file.is_relative_to(root) else config_file.as_posix()
    read = read_text(config_file, rel) if config_file.is_file() else None
    if read is None:
        return
    text, tree = read
    nav = _child(tree, "nav")

    def walk(node: yaml.Node | None) -> Iterator[yaml.ScalarNode]:
        if isinstance(node, yaml.ScalarNode):
            yield node
        elif isinstance(node, yaml.SequenceNode):
            for child in node.value:
                yield from walk(child)
        elif isinstance(node, yaml.MappingNode):
            for _, v in node.value:
                yield from walk(v)

    for node in walk(nav):
        suffix = addresses.get(node.value)
        span = scalar_span(text, node, node.value) if suffix else None
        if span and suffix:
            start = span[1] - len(ident) - len(suffix)
            yield Use(rel, start, start + len(ident), *line_col(text, start), f"nav: {node.value}", "mkdocs.yml 的导航", "nav")


def uses(root: Path, hb: Handbook, kind: str, ident: str, docs_dir: Path, config_file: Path) -> list[Use]:
    """Every place `ident` (a `kind` id) is written, by file and position."""
    addresses = page_addresses(hb, kind, ident)
    found = [*yaml_uses(hb, kind, ident), *settings_uses(root, kind, ident, addresses),
             *link_uses(root, docs_dir, ident, addresses), *nav_uses(config_file, root, ident, addresses)]
    return sorted(found, key=lambda u: (u.role != "define", u.path, u.start))


def kinds_of(hb: Handbook, ident: str) -> list[str]:
    return [k for k in KINDS if ident in {"role": hb.roles, "record": hb.records, "procedure": hb.procedures}[k]]


def title_of(hb: Handbook, kind: str, ident: str) -> str:
    table = {"role": hb.roles, "record": hb.records, "procedure": hb.procedures}[kind]
    obj = table.get(ident)
    return obj.title if obj is not None else ""
