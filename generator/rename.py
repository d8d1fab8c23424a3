"""`handbook rename role|record|procedure OLD NEW`: move the file and rewrite every reference.

Every edit replaces the id's own characters at a position the loader knows (see `where.py`): nothing
else in any file changes, so comments, quoting, flow style and line breaks stay as they were. The
move, the edits and a redirect from the old page address (handbook.yml `redirects:`, made into a
small HTML page at build time by `render/redirects.py`) are written together, then the whole
handbook is checked; when the check fails, or anything goes wrong, every file is put back exactly
as it was (bytes, mode and times) and the file moved back.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .model import Handbook
from .where import KIND_NAMES, Use, _child, line_col, page_addresses, uses

ID = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
SETTINGS = "handbook.yml"
REDIRECTS_COMMENT = "# 改名后的旧页面地址 → 新地址：旧链接打开时自动跳转（由 handbook rename 写入）"


class RenameError(Exception):
    """A rename that cannot be done: one Chinese line, nothing written."""


@dataclass
class Edit:
    """One change in one file, as reported: where (line of the file before the change) and what."""

    path: str
    line: int
    col: int
    words: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.words}"


@dataclass
class Plan:
    kind: str
    old: str
    new: str
    move: tuple[str, str]  # the file, relative to the root: from → to
    texts: dict[str, str] = field(default_factory=dict)  # file (its path before the move) → new text
    edits: list[Edit] = field(default_factory=list)
    fixed: list[Use] = field(default_factory=list)  # uses written with escapes: reported, never rewritten

    @property
    def files(self) -> list[str]:
        return sorted({*self.texts, self.move[0]})


def _check_ids(hb: Handbook, kind: str, old: str, new: str) -> None:
    name = KIND_NAMES[kind]
    table = {"role": hb.roles, "record": hb.records, "procedure": hb.procedures}[kind]
    if old not in table:
        from .schema import suggest

        raise RenameError(f"没有 id 为 \"{old}\" 的{name}{suggest(old, table).rstrip('。')}")
    if not ID.fullmatch(new):
        raise RenameError(f"新 id \"{new}\" 不合规：应为小写字母、数字和连字符，如 yinzhang-guanli。")
    if new == old:
        raise RenameError(f"新 id 与旧 id 相同（\"{old}\"）：没有要改的。")
    if new in hb.known_ids[kind]:
        raise RenameError(f"已有 id 为 \"{new}\" 的{name}（{table[new].path if new in table else '见 handbook check'}）：请换一个 id。")


def plan(root: Path, hb: Handbook, kind: str, old: str, new: str, docs_dir: Path, config_file: Path) -> Plan:
    """What renaming `old` to `new` changes, without writing anything."""
    _check_ids(hb, kind, old, new)
    obj = {"role": hb.roles, "record": hb.records, "procedure": hb.procedures}[kind][old]
    source = obj.path
    target = f"{source.rsplit('/', 1)[0]}/{new}.yaml"
    if (root / target).exists():
        raise RenameError(f"{target} 已经存在：请换一个 id，或先处理那个文件。")
    result = Plan(kind, old, new, (source, target))
    found = uses(root, hb, kind, old, docs_dir, config_file)
    by_file: dict[str, list[Use]] = {}
    for use in found:
        if use.role == "fixed":
            result.fixed.append(use)
        else:
            by_file.setdefault(use.path, []).append(use)
    for rel, items in by_file.items():
        text = _read(root / rel)
        for use in sorted(items, key=lambda u: u.start, reverse=True):
            assert text[use.start:use.end] == old, (rel, use)  # the positions are the loader's: never a guess
            text = text[:use.start] + new + text[use.end:]
        result.texts[rel] = text
        shown = target if rel == source else rel
        result.edits += [Edit(shown, u.line, u.col, f"{u.keys}：{old} → {new}（{u.what}）") for u in items]
    old_page = next(iter(page_addresses(hb, kind, old)), None)
    if old_page:
        new_page = old_page.rsplit("/", 1)[0] + f"/{new}.md"
        current = result.texts.get(SETTINGS)
        if current is None:
            current = _read(root / SETTINGS) if (root / SETTINGS).exists() else ""
        text, words = add_redirect(current, old_page, new_page)
        if text != current:
            result.texts[SETTINGS] = text
            result.edits += words
    return result


def _read(path: Path) -> str:
    """The file's text exactly as the loader sees it (a BOM, kept apart, is written back by `_write`)."""
    return path.read_bytes().decode("utf-8-sig")


def add_redirect(text: str, old_page: str, new_page: str) -> tuple[str, list[Edit]]:
    """handbook.yml with `old_page: new_page` in `redirects:` (the new page's own old entry, if any, taken
    out: it is a real page again). Targeted edits again: the rest of the file stays as written."""
    parsed = read_text_of(text)
    tree = parsed if isinstance(parsed, yaml.MappingNode) else None
    node = _child(tree, "redirects") if tree is not None else None
    edits: list[Edit] = []
    if isinstance(node, yaml.MappingNode) and node.flow_style:
        entries = {k.value: v.value for k, v in node.value if isinstance(k, yaml.ScalarNode) and isinstance(v, yaml.ScalarNode)}
        entries.pop(new_page, None)
        entries[old_page] = new_page
        flow = "{" + ", ".join(f"{k}: {v}" for k, v in entries.items()) + "}"
        line, col = line_col(text, node.start_mark.index)
        edits.append(Edit(SETTINGS, line, col, f"redirects：旧地址 {old_page} 跳转到 {new_page}"))
        return text[:node.start_mark.index] + flow + text[node.end_mark.index:], edits
    if isinstance(node, yaml.MappingNode) and node.value:
        lines = text.splitlines(keepends=True)
        indent = node.value[0][0].start_mark.column
        drop = [k for k, _ in node.value if isinstance(k, yaml.ScalarNode) and k.value in (new_page, old_page)]
        for k in drop:
            edits.append(Edit(SETTINGS, k.start_mark.line + 1, k.start_mark.column + 1,
                              f"redirects：删去 {k.value}（{'那里又是一个页面了' if k.value == new_page else '改为新的去向'}）"))
        keep_lines = {k.start_mark.line for k in drop}
        last = max(v.end_mark.line - (1 if v.end_mark.column == 0 else 0) for _, v in node.value)
        entry = " " * indent + f"{old_page}: {new_page}\n"
        out = []
        for i, line in enumerate(lines):
            if i not in keep_lines:
                out.append(line)
            if i == last:
                if not out[-1].endswith("\n"):
                    out[-1] += "\n"
                out.append(entry)
        if last >= len(lines):
            out.append(entry)
        added_at = next(i for i, line in enumerate(out, 1) if line == entry)
        edits.append(Edit(SETTINGS, added_at, indent + 1, f"redirects：旧地址 {old_page} 跳转到 {new_page}（新增）"))
        return "".join(out), edits
    # no `redirects:` yet (or an empty one): a block at the end of the file
    if node is not None:  # `redirects:` with nothing after it, or `redirects: {}`
        key = next(k for k, v in tree.value if v is node)  # type: ignore[union-attr]
        start = key.start_mark.index
        end = text.find("\n", start)
        end = len(text) if end < 0 else end + 1
        text = text[:start] + text[end:]
    if text and not text.endswith("\n"):
        text += "\n"
    block = f"{REDIRECTS_COMMENT}\nredirects:\n  {old_page}: {new_page}\n"
    line = text.count("\n") + 3
    edits.append(Edit(SETTINGS, line, 3, f"redirects：旧地址 {old_page} 跳转到 {new_page}（新增）"))
    return text + block, edits


def read_text_of(text: str) -> yaml.Node | None:
    from .yamlsource import _compose

    try:
        return _compose(text) if text.strip() else None
    except yaml.YAMLError:
        return None


# --- all or nothing --------------------------------------------------------------------------


@dataclass
class _Saved:
    data: bytes
    mode: int
    times: tuple[int, int]


class Transaction:
    """Files written, created and removed, each put back by `rollback` exactly as it was."""

    def __init__(self, root: Path):
        self.root = root
        self.saved: dict[str, _Saved | None] = {}  # None: the file did not exist

    def _save(self, rel: str) -> None:
        if rel in self.saved:
            return
        path = self.root / rel
        if path.exists():
            st = path.stat()
            self.saved[rel] = _Saved(path.read_bytes(), st.st_mode, (st.st_atime_ns, st.st_mtime_ns))
        else:
            self.saved[rel] = None

    def write(self, rel: str, text: str, like: str | None = None) -> None:
        """Write `text` to `rel`, with the BOM and mode of `like` (the file it comes from, default itself)."""
        self._save(rel)
        origin = self.saved.get(like or rel)
        bom = origin is not None and origin.data.startswith(b"\xef\xbb\xbf")
        path = self.root / rel
        tmp = path.with_name(f".{path.name}.handbook-rename.tmp")
        try:
            tmp.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
            if origin is not None:
                os.chmod(tmp, origin.mode & 0o7777)
            os.replace(tmp, path)
        finally:
            tmp.unlink(missing_ok=True)

    def remove(self, rel: str) -> None:
        self._save(rel)
        (self.root / rel).unlink()

    def rollback(self) -> None:
        for rel, saved in self.saved.items():
            path = self.root / rel
            if saved is None:
                path.unlink(missing_ok=True)
                continue
            path.write_bytes(saved.data)
            os.chmod(path, saved.mode & 0o7777)
            os.utime(path, ns=saved.times)


def apply(root: Path, p: Plan, after: Callable[[Transaction], bool]) -> bool:
    """Write the plan, then call `after` with the transaction (it may write more, and checks). When it returns False, or anything raises
    (Ctrl+C included), every file is restored; the exception goes on. True when the rename stays."""
    tx = Transaction(root)
    source, target = p.move
    try:
        tx._save(source)
        for rel, text in p.texts.items():
            if rel == source:
                tx.write(target, text, like=source)
            else:
                tx.write(rel, text)
        if source not in p.texts:
            tx.write(target, _read(root / source), like=source)
        tx.remove(source)
        if after(tx):
            return True
    except BaseException:
        tx.rollback()
        raise
    tx.rollback()
    return False
