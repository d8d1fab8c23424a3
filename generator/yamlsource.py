"""Stage 1 of loading: read one YAML file into plain data plus the line:col of every key and value.

Every scalar is read as a string (YAML 1.1 types are not applied); `schema.coerce` later turns a
plain scalar into a number or a boolean only where the schema asks for one. Anchors, aliases and
merge keys are refused, which also defuses "billion laughs" documents.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .problems import Pos, Problem

try:  # libyaml's parser is several times faster and keeps the same marks
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

MAX_BYTES = 1_000_000
MAX_DEPTH = 40

PathKey = tuple  # a JSON path such as ("steps", 2, "role")


class Plain(str):
    """A scalar written without quotes: the only kind that may become a number or boolean."""

    __slots__ = ()


@dataclass
class Document:
    """One YAML file: its data and where each value (and each mapping key) was written."""

    path: str  # relative to the handbook root, with forward slashes
    data: object
    values: dict[PathKey, tuple[int, int]] = field(default_factory=dict)
    keys: dict[PathKey, tuple[int, int]] = field(default_factory=dict)

    def pos(self, path: PathKey = (), key: bool = False) -> Pos:
        """Position of the value at `path` (or of its key), falling back to the nearest parent."""
        path = tuple(path)
        table = self.keys if key else self.values
        while True:
            if path in table:
                line, col = table[path]
                return Pos(self.path, line, col)
            if path in self.values:
                line, col = self.values[path]
                return Pos(self.path, line, col)
            if not path:
                return Pos(self.path, 1, 1)
            path = path[:-1]


class LoadError(Exception):
    def __init__(self, problem: Problem):
        super().__init__(str(problem))
        self.problem = problem


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
    try:
        loader = _Loader(text)
        try:
            root = loader.get_single_node()
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        what = (exc.problem or exc.context or "无法解析").strip()
        raise _fail(rel, line, col, "E103", f"YAML 语法错误（{what}）：检查该处的冒号、引号、缩进和列表符号“- ”。") from None
    except yaml.YAMLError as exc:
        raise _fail(rel, 1, 1, "E103", f"YAML 语法错误（{exc}）。") from None
    except RecursionError:
        raise _fail(rel, 1, 1, "E109", f"嵌套层次过深（超过 {MAX_DEPTH} 层）：请简化文件结构。") from None
    if "&" in text or "*" in text:
        _refuse_anchors(text, rel)
    if root is None:
        raise _fail(rel, 1, 1, "E108", "文件是空的：请写入内容（可用 handbook new 生成骨架），或删除该文件。")
    doc = Document(rel, None)
    if not isinstance(root, yaml.MappingNode):
        m = root.start_mark
        raise _fail(rel, m.line + 1, m.column + 1, "E105", "文件顶层应是键值映射（如 id: …、title: …），而不是列表或单个值。")
    doc.data = _convert(root, (), doc, set(), 0)
    return doc


def _refuse_anchors(text: str, rel: str) -> None:
    for event in yaml.parse(text, Loader=_Loader):
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            m = event.start_mark
            what = "别名（*名称）" if isinstance(event, yaml.AliasEvent) else "锚点（&名称）"
            raise _fail(rel, m.line + 1, m.column + 1, "E106", f"使用了 YAML {what}：手册不支持锚点和别名，请把内容直接写出来。")


def _convert(node: yaml.Node, path: PathKey, doc: Document, seen: set[int], depth: int) -> object:
    m = node.start_mark
    here = (m.line + 1, m.column + 1)
    if id(node) in seen:
        raise _fail(doc.path, *here, "E106", "使用了 YAML 别名（*名称）：手册不支持锚点和别名，请把内容直接写出来。")
    if depth > MAX_DEPTH:
        raise _fail(doc.path, *here, "E109", f"嵌套层次过深（超过 {MAX_DEPTH} 层）：请简化文件结构。")
    doc.values[path] = here
    if isinstance(node, yaml.ScalarNode):
        return Plain(node.value) if not node.style else str(node.value)
    seen.add(id(node))
    if isinstance(node, yaml.SequenceNode):
        return [_convert(item, path + (i,), doc, seen, depth + 1) for i, item in enumerate(node.value)]
    if isinstance(node, yaml.MappingNode):
        out: dict[str, object] = {}
        for key_node, value_node in node.value:
            km = key_node.start_mark
            kpos = (km.line + 1, km.column + 1)
            if not isinstance(key_node, yaml.ScalarNode):
                raise _fail(doc.path, *kpos, "E103", "键必须是简单文字，不能是列表或映射。")
            key = key_node.value
            if not key_node.style and key == "<<":
                raise _fail(doc.path, *kpos, "E106", "使用了 YAML 合并键（<<）：手册不支持锚点和别名，请把内容直接写出来。")
            if key in out:
                first = doc.keys[path + (key,)]
                raise _fail(doc.path, *kpos, "E104", f"键 \"{key}\" 重复（第 {first[0]} 行已有）：删除或合并其中一个。")
            doc.keys[path + (key,)] = kpos
            out[key] = _convert(value_node, path + (key,), doc, seen, depth + 1)
        return out
    raise _fail(doc.path, *here, "E103", "无法识别的 YAML 节点。")  # pragma: no cover


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
