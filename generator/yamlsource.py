"""Stage 1 of loading: read one YAML file into plain data plus the line:col of every key and value.

Every scalar is read as a string (YAML 1.1 types are not applied); `schema.coerce` later turns a
plain scalar into a number or a boolean only where the schema asks for one. Anchors, aliases and
merge keys are refused, which also defuses "billion laughs" documents.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import yaml

from .problems import Pos, Problem

try:  # libyaml's parser keeps the same marks and is much faster; the base loader resolves no types
    from yaml import CBaseLoader as _BaseLoader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import BaseLoader as _BaseLoader  # type: ignore[assignment]


class _Loader(_BaseLoader):  # type: ignore[misc, valid-type]
    """Every scalar is text until the schema says otherwise, so tag resolution is skipped (~30% faster)."""

    def resolve(self, kind, value, implicit):  # noqa: ARG002 - same signature as yaml's resolver
        return "tag:yaml.org,2002:str"

MAX_BYTES = 1_000_000
MAX_DEPTH = 40

PathKey = tuple  # a JSON path such as ("steps", 2, "role")


@dataclass
class Document:
    """One YAML file: its node tree (which knows where everything was written) and its data."""

    path: str  # relative to the handbook root, with forward slashes
    text: str = ""
    node: yaml.MappingNode | None = None  # parsed again from `text` when a position is first needed
    data: object = None

    def tree(self) -> yaml.Node | None:
        """The node tree, composed from the text the first time it is asked for."""
        if self.node is None and self.text:
            self.node = _compose(self.text)
        return self.node

    def pos(self, path: PathKey = (), key: bool = False) -> Pos:
        """Position of the value at `path` (or of its key), falling back to the nearest parent.
        Positions are looked up in the node tree only when a problem needs one."""
        node, key_node = self.tree(), None
        for part in path:
            found = None
            if isinstance(node, yaml.MappingNode) and isinstance(part, str):
                found = next(((k, v) for k, v in node.value if k.value == part), None)
            elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
                found = (None, node.value[part])
            if found is None:
                key_node = None
                break
            key_node, node = found
        target = key_node if key and key_node is not None else node
        if target is None:
            return Pos(self.path, 1, 1)
        return Pos(self.path, target.start_mark.line + 1, target.start_mark.column + 1)


class Located(Protocol):
    """Where a model object was written (model.Src): its file and the key path inside it."""

    @property
    def path(self) -> str: ...
    @property
    def base(self) -> tuple: ...


class SourceMap:
    """The documents a handbook was loaded from, by path: model objects keep only a plain `Src`
    (file and key path), and their positions are looked up here. A document parses its text again
    only when a problem first needs a position in it."""

    def __init__(self, documents: Iterable[Document] = ()):
        self.documents: dict[str, Document] = {}
        for doc in documents:
            self.add(doc)

    def add(self, doc: Document) -> None:
        self.documents[doc.path] = doc

    def __contains__(self, path: object) -> bool:
        return path in self.documents

    def pos(self, src: Located, *keys: object, key: bool = False) -> Pos:
        """Position of the value at `keys` below `src` (or of its key), falling back to the nearest
        parent; line 1 of the file when its document is not in the map."""
        doc = self.documents.get(src.path)
        if doc is None:
            return Pos(src.path, 1, 1)
        return doc.pos(src.base + keys, key=key)

    def text(self, path: str) -> str:
        """The file's text as it was read (KeyError for a file that is not in the map)."""
        return self.documents[path].text


class Typer(Protocol):
    """Tells the converter which YAML scalars become which Python types (see schema.Plan)."""

    def child(self, key: str) -> Typer | None: ...
    def item(self) -> Typer | None: ...
    def scalar(self, text: str, plain: bool) -> object: ...


class LoadError(Exception):
    """A file that cannot be read: its first problem, and every problem found (a file's slips, say)."""

    def __init__(self, problem: Problem | list[Problem]):
        self.problems = problem if isinstance(problem, list) else [problem]
        self.problem = self.problems[0]
        super().__init__("\n".join(map(str, self.problems)))


def _fail(rel: str, line: int, col: int, code: str, message: str) -> LoadError:
    return LoadError(Problem(Pos(rel, line, col), code, message))


def decode(raw: bytes, rel: str) -> str:
    if len(raw) > MAX_BYTES:
        raise _fail(rel, 1, 1, "E109", f"文件有 {len(raw):,} 字节，超过上限 {MAX_BYTES:,} 字节：一个文件只写一个流程、表单或岗位。")
    nul = raw.find(b"\x00")
    if nul >= 0:
        line = raw.count(b"\n", 0, nul) + 1
        col = nul - (raw.rfind(b"\n", 0, nul) + 1) + 1
        raise _fail(rel, line, col, "E101", "文件含有空字符（NUL），看起来是二进制文件而不是 YAML 文本：请删除或换成文本文件。")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise _fail(rel, line, col, "E101", f"第 {exc.start} 字节不是有效的 UTF-8（可能是 GBK 编码）：请用 UTF-8 重新保存文件。") from None
    for lineno, line_text in enumerate(text.splitlines(), 1):
        stripped = line_text.lstrip(" ")
        if stripped.startswith("\t"):
            col = len(line_text) - len(stripped) + 1
            raise _fail(rel, lineno, col, "E102", "行首用了 Tab 缩进：YAML 只能用空格缩进，请把 Tab 换成两个空格。")
    return text


def parse(text: str, rel: str) -> Document:
    """Parse YAML text into a Document. Raises LoadError with the position of the first problem."""
    if not text.strip() or all(not ln.strip() or ln.lstrip().startswith("#") for ln in text.splitlines()):
        raise _fail(rel, 1, 1, "E108", "文件是空的：请写入内容（可用 handbook new 生成骨架），或删除该文件。")
    if _maybe_deep(text):
        _refuse_deep_nesting(text, rel)
    try:
        root = _compose(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        what = (exc.problem or exc.context or "无法解析").strip()
        if "nesting depth" in what:  # libyaml (PyYAML 6.0.4+) has its own depth limit
            raise _fail(rel, line, col, "E109", "嵌套层次过深（超过解析器的上限）：请简化文件结构。") from None
        from .typos import explain  # the slip that caused it (全角冒号, 3-space indent …), in Chinese

        raise LoadError(explain(rel, text, exc)) from None
    except yaml.reader.ReaderError as exc:  # a control character written as such (not as an escape)
        char = chr(exc.character) if isinstance(exc.character, int) else str(exc.character)
        at = max(text.find(char), 0)
        line, col = text.count("\n", 0, at) + 1, at - (text.rfind("\n", 0, at) + 1) + 1
        raise _fail(rel, line, col, "E103", f"文件中有不可见的控制字符 U+{ord(char[:1] or ' '):04X}：YAML 不允许，请删除它"
                                           "（多半是从别处复制粘贴带来的）。") from None
    except yaml.YAMLError as exc:
        raise _fail(rel, 1, 1, "E103", f"YAML 语法错误：解析器读不懂这个文件，请检查冒号、引号、缩进和列表符号“- ”（都要用半角）。（解析器原文：{exc}）") from None
    except RecursionError:
        raise _fail(rel, 1, 1, "E109", f"嵌套层次过深（超过 {MAX_DEPTH} 层）：请简化文件结构。") from None
    if "&" in text or "*" in text:
        _refuse_anchors(text, rel)
    if root is None:
        raise _fail(rel, 1, 1, "E108", "文件是空的：请写入内容（可用 handbook new 生成骨架），或删除该文件。")
    if not isinstance(root, yaml.MappingNode):
        from .typos import value_slip

        m = root.start_mark
        slip = value_slip(root.value) if isinstance(root, yaml.ScalarNode) and not root.style else None
        if slip and "：" in root.value:  # `id：shouwen` alone: the whole file read as one text
            raise _fail(rel, m.line + 1, m.column + 1 + slip[0], "E103", f"第 {m.line + 1} 行第 {m.column + 1 + slip[0]} 列{slip[1]}。")
        raise _fail(rel, m.line + 1, m.column + 1, "E105", "文件顶层应是键值映射（如 id: …、title: …），而不是列表或单个值。")
    return Document(rel, text, root)


def _compose(text: str) -> yaml.Node | None:
    loader = _Loader(text)
    try:
        return loader.get_single_node()
    finally:
        loader.dispose()


_DEEP_INDENT = re.compile(rf"^ {{{2 * MAX_DEPTH},}}", re.M)
_DEEP_DASHES = re.compile(rf"(?:-\s+){{{MAX_DEPTH},}}")


def _maybe_deep(text: str) -> bool:
    """Cheap signs of very deep nesting; PyYAML's composer recurses and can crash the interpreter."""
    return (text.count("[") + text.count("{") > 4 * MAX_DEPTH or bool(_DEEP_INDENT.search(text))
            or bool(_DEEP_DASHES.search(text)))


def _refuse_deep_nesting(text: str, rel: str) -> None:
    """Measure nesting with libyaml's event parser, which keeps its own stack (no recursion)."""
    depth = 0
    try:
        for event in yaml.parse(text, Loader=_Loader):
            if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
                depth += 1
                if depth > MAX_DEPTH:
                    m = event.start_mark
                    raise _fail(rel, m.line + 1, m.column + 1, "E109", f"嵌套层次过深（超过 {MAX_DEPTH} 层）：请简化文件结构。")
            elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
                depth -= 1
    except yaml.YAMLError:
        return  # the syntax error is reported by the normal parse


def _refuse_anchors(text: str, rel: str) -> None:
    for event in yaml.parse(text, Loader=_Loader):
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            m = event.start_mark
            what = "别名（*名称）" if isinstance(event, yaml.AliasEvent) else "锚点（&名称）"
            raise _fail(rel, m.line + 1, m.column + 1, "E106", f"使用了 YAML {what}：手册不支持锚点和别名，请把内容直接写出来。")


NULLS = frozenset({"", "~", "null", "Null", "NULL"})


def convert(doc: Document, typer: Typer | None) -> object:
    """The document's data: mappings, lists and scalars, typed by `typer` (strings by default).
    Raises LoadError on a duplicate key, an alias, a merge key or too deep nesting."""
    doc.data = _convert(doc.node, typer, doc.path, set(), 0)
    return doc.data


def _convert(node: yaml.Node, typer: Typer | None, rel: str, seen: set[int], depth: int) -> object:
    if isinstance(node, yaml.ScalarNode):
        plain = not node.style
        if typer is not None:
            return typer.scalar(node.value, plain)
        return None if plain and node.value in NULLS else node.value
    m = node.start_mark
    if id(node) in seen:
        raise _fail(rel, m.line + 1, m.column + 1, "E106", "使用了 YAML 别名（*名称）：手册不支持锚点和别名，请把内容直接写出来。")
    if depth > MAX_DEPTH:
        raise _fail(rel, m.line + 1, m.column + 1, "E109", f"嵌套层次过深（超过 {MAX_DEPTH} 层）：请简化文件结构。")
    seen.add(id(node))
    if isinstance(node, yaml.SequenceNode):
        item = typer.item() if typer is not None else None
        return [_convert(child, item, rel, seen, depth + 1) for child in node.value]
    out: dict[str, object] = {}
    for key_node, value_node in node.value:
        if not isinstance(key_node, yaml.ScalarNode):
            km = key_node.start_mark
            raise _fail(rel, km.line + 1, km.column + 1, "E103", "键必须是简单文字，不能是列表或映射。")
        key = key_node.value
        if key in out or (key == "<<" and not key_node.style):
            km = key_node.start_mark
            if key == "<<":
                raise _fail(rel, km.line + 1, km.column + 1, "E106", "使用了 YAML 合并键（<<）：手册不支持锚点和别名，请把内容直接写出来。")
            first = next(k for k, _ in node.value if k.value == key)
            raise _fail(rel, km.line + 1, km.column + 1, "E104", f"键 \"{key}\" 重复（第 {first.start_mark.line + 1} 行已有）：删除或合并其中一个。")
        out[key] = _convert(value_node, typer.child(key) if typer is not None else None, rel, seen, depth + 1)
    return out


def read(root: Path, file: Path) -> Document:
    """Read and parse one file of the handbook; `root` makes the reported path relative."""
    rel = file.relative_to(root).as_posix() if file.is_relative_to(root) else file.as_posix()
    real = file.resolve()
    if not real.is_relative_to(root.resolve()):
        raise _fail(rel, 1, 1, "E110", f"文件是指向手册目录之外（{real}）的符号链接：请把文件复制进仓库。")
    try:
        raw = real.read_bytes()
    except OSError as exc:
        raise _fail(rel, 1, 1, "E103", f"无法读取文件：{exc.strerror}。") from None
    return parse(decode(raw, rel), rel)
