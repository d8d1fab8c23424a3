"""Load a whole handbook: find the YAML files, read them with positions, validate, build the model."""

from __future__ import annotations

import gc
import hashlib
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from . import schema
from .model import BUILDERS, Handbook, Policy
from .problems import CODES, Pos, Problem
from .render import cache
from .typos import with_slips
from .yamlsource import Document, LoadError, read

FOLDERS = {"procedure": ("procedures", "**/*"), "record": ("records", "*"), "role": ("roles", "*")}
FILE_NAME = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
POLICY_DIR = "docs/policies"


@dataclass
class Loaded:
    handbook: Handbook
    problems: list[Problem] = field(default_factory=list)

    @property
    def documents(self) -> dict[str, Document]:
        """The documents the handbook's objects were read from, by relative path (its source map)."""
        return self.handbook.sources.documents


def find_files(root: Path) -> list[tuple[str, Path]]:
    return scan(root)[0]


# the usual clutter of a shared folder: never content, never worth a word
_CLUTTER = re.compile(r"(\.gitkeep|\.gitignore|\.keep|\.DS_Store|Thumbs\.db|desktop\.ini|README(\.\w+)?|readme(\.\w+)?"
                      r"|~\$.*|\.~lock\..*#|\..*\.sw[a-p]|.*~|\.#.*|#.*#)", re.I)


def scan(root: Path) -> tuple[list[tuple[str, Path]], list[Problem]]:
    """The content files to load, and a problem for every other file in the content folders: a file
    that looks like content but would not be read is an error (E113), anything else a warning (W505)."""
    out, problems = [], []
    for kind, (folder, _) in FOLDERS.items():
        base = root / folder
        if not base.is_dir():
            continue
        for path in sorted(base.rglob("*")):
            if path.is_dir() and not path.is_symlink():
                continue
            rel = path.relative_to(root).as_posix()
            nested = len(path.relative_to(base).parts) > 1
            if path.suffix in (".yaml", ".yml") and (kind == "procedure" or not nested):
                out.append((kind, path))
            elif any(part.startswith(".") for part in path.relative_to(base).parts[:-1]) or _CLUTTER.fullmatch(path.name):
                continue
            elif path.suffix.lower() in (".yaml", ".yml"):
                why = (f"它在子文件夹中，{FOLDER_NAMES[kind]}要直接放在 {folder}/ 下，请移到 {folder}/{path.name}" if nested and kind != "procedure"
                       else f"它的扩展名 \"{path.suffix}\" 要写成小写，请改名为 {path.stem}.yaml")
                problems.append(Problem(Pos(rel), "E113", f"文件不会被读取：{why}。"))
            else:
                problems.append(Problem(Pos(rel), "W505", f"{folder}/ 中的文件 {path.name} 不是手册内容，不会被读取：请移出 {folder}/ 或删除它。"))
    return out, problems


FOLDER_NAMES = {"procedure": "流程", "record": "表单", "role": "岗位"}


PARALLEL_FROM = 400  # files; below this, worker processes cost more than they save


@dataclass
class FileResult:
    kind: str
    rel: str
    stem: str
    data: object | None  # the validated data (plain dicts and lists: cheap to send between processes)
    problems: list[Problem]
    text: str = ""

    def build(self, names: dict[str, str] | None = None):
        """The model object, built in the main process; `{办公室}` and `{单位}` in its text become the
        names set in handbook.yml. It records only where it was written (see `document`)."""
        if self.data is None:
            return None
        return BUILDERS[self.kind](fill_names(self.data, names) if names else self.data, self.rel)

    def document(self) -> Document:
        """The file's document for the source map: its text, parsed again only when a position is needed."""
        return Document(self.rel, self.text)


def fill_names(data: object, names: dict[str, str]) -> object:
    """Text with the name tokens filled in: content refers to the office as {办公室}, so it follows the setting."""
    if isinstance(data, str):
        if "{" not in data:
            return data
        for token, value in names.items():
            data = data.replace("{" + token + "}", value)
        return data
    if isinstance(data, list):
        return [fill_names(v, names) for v in data]
    if isinstance(data, dict):
        return {k: fill_names(v, names) for k, v in data.items()}
    return data


def load_file(root: Path, kind: str, path: Path) -> FileResult:
    """Read and validate one file (runs in a worker process for big handbooks)."""
    rel = path.relative_to(root).as_posix()
    stem = path.name.rsplit(".", 1)[0]
    if path.suffix != ".yaml" or not FILE_NAME.fullmatch(stem):
        return FileResult(kind, rel, stem, None, [Problem(Pos(rel), "E112", f"文件名 \"{path.name}\" 不合规：应为小写字母、数字和连字符，扩展名 .yaml（如 shouwen.yaml）。")])
    try:
        doc = read(root, path)
        data, problems = schema.validate(doc, kind)
    except LoadError as exc:
        return FileResult(kind, rel, stem, None, exc.problems)
    if problems:
        problems = with_slips(rel, doc.node, problems)  # 全角冒号 and the like, told as such
    elif "：" in doc.text or "\u3000" in doc.text:
        problems = with_slips(rel, doc.node, [])  # a key holding one is a slip even where the schema allows any key
    file_id = data.get("id") if isinstance(data, dict) else None
    if isinstance(file_id, str) and file_id != stem:
        problems.append(Problem(doc.pos(("id",)), "E107",
                                f"id \"{file_id}\" 与文件名 \"{path.name}\" 不一致：把 id 改成 \"{stem}\"，或把文件改名为 {file_id}.yaml。"))
        return FileResult(kind, rel, stem, None, problems)
    ok = not any(p.is_error for p in problems)
    return FileResult(kind, rel, stem, data if ok else None, problems, doc.text)


def _load_chunk(root: Path, items: list[tuple[str, Path]]) -> list[FileResult]:
    gc.disable()  # a worker builds many small objects and keeps them all: collecting finds nothing
    return [load_file(root, kind, path) for kind, path in items]


def load(root: Path, workers: int | None = None, *, use_cache: bool = True, names: dict[str, str] | None = None) -> Loaded:
    """Read every file of the handbook at `root`, in parallel for big handbooks. Collects every
    problem instead of stopping at the first."""
    root = root.resolve()
    files, stray = scan(root)
    workers = workers if workers is not None else (os.cpu_count() or 1)
    enabled = gc.isenabled()
    gc.disable()
    try:
        memo = _LoadCache(root, use_cache)
        keys = [memo.key(kind, path) for kind, path in files]
        missing = [i for i, k in enumerate(keys) if memo.get(k) is None]
        todo = [files[i] for i in missing]
        if workers > 1 and len(todo) >= PARALLEL_FROM:
            fresh = _load_parallel(root, todo, workers)
        else:
            fresh = [load_file(root, kind, path) for kind, path in todo]
        done = {keys[i]: fr for i, fr in zip(missing, fresh)}
        results = [memo.get(k) or done[k] for k in keys]
        memo.save(dict(zip(keys, results)))
    finally:
        if enabled:
            gc.enable()
    result = Loaded(Handbook(), list(stray))
    hb = result.handbook
    tables = {"procedure": hb.procedures, "record": hb.records, "role": hb.roles}
    named = tuple(sorted((names or {}).items()))
    built_keys = [(named, key) for key in keys]
    _forget_built(built_keys)
    for key, fr in zip(built_keys, results):
        result.problems.extend(fr.problems)
        if fr.problems and fr.problems[0].code == "E112":
            continue
        hb.known_ids[fr.kind].add(fr.stem)
        if key not in _BUILT:
            _BUILT[key] = fr.build(names)
        obj = _BUILT[key]
        if obj is None:
            continue
        hb.sources.add(fr.document())
        table = tables[fr.kind]
        if obj.id in table:
            result.problems.append(Problem(hb.sources.pos(obj.src, "id"), "E207",
                                           f"id \"{obj.id}\" 与 {table[obj.id].path} 重复：给其中一个改名（文件名与 id 一起改）。"))
            continue
        table[obj.id] = obj
    hb.policies = load_policies(root)
    return result


# The model objects of the last load, by the names filled in and the file's key (its bytes): `serve`
# loads the handbook again on every save, and nothing changes a model object once it is built.
_BUILT: dict[tuple, object] = {}


def _forget_built(current: list[tuple]) -> None:
    """Keep only the objects this load can use again (files gone, or other names, are dropped)."""
    keep = set(current)
    for gone in [k for k in _BUILT if k not in keep]:
        del _BUILT[gone]


class _LoadCache:
    """What each file read as last time, by the file's bytes: unchanged files are not parsed again.
    Kept as JSON in .cache/handbook/load.json (safe to delete; data only, nothing that runs), keyed
    also by a hash of the whole package."""

    def __init__(self, root: Path, enabled: bool = True):
        self.path = root / ".cache" / "handbook" / "load.json"
        self.enabled = enabled
        self.entries: dict[tuple, FileResult] = {}
        if not enabled:
            return
        stamp = _stamp(self.path)
        kept = _KEPT.get(str(self.path))
        if kept is not None and kept[0] == stamp:  # what this process read or wrote last (`serve`)
            self.entries = kept[1]
            return
        try:
            saved = json.loads(self.path.read_text(encoding="utf-8"))
            if saved.get("version") == cache.code_version():
                self.entries = {tuple(item["key"]): _result_from_json(item) for item in saved["files"]}
                _KEPT[str(self.path)] = (stamp, self.entries)
        except Exception:  # a missing, old, damaged or hostile cache is only slower: it is data, never code
            self.entries = {}

    @staticmethod
    def key(kind: str, path: Path) -> tuple:
        try:
            digest = hashlib.blake2b(path.read_bytes(), digest_size=16).hexdigest()
        except OSError:
            digest = ""
        return kind, str(path), str(path.resolve()) if path.is_symlink() else "", digest

    def get(self, key: tuple) -> FileResult | None:
        return self.entries.get(key)

    def save(self, entries: dict[tuple, FileResult]) -> None:
        if not self.enabled or entries.keys() == self.entries.keys():
            return
        files = [_result_to_json(k, fr) for k, fr in entries.items()]
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.path.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_text(json.dumps({"version": cache.code_version(), "files": files}, ensure_ascii=False), encoding="utf-8")
            os.replace(tmp, self.path)
            _KEPT[str(self.path)] = (_stamp(self.path), entries)
        except (OSError, ValueError):
            pass  # a read-only checkout only costs speed


_KEPT: dict[str, tuple[tuple, dict[tuple, FileResult]]] = {}  # load.json as last written, by its path and stamp


def _stamp(path: Path) -> tuple:
    try:
        st = path.stat()
    except OSError:
        return ()
    return st.st_mtime_ns, st.st_size, st.st_ino


def _result_to_json(key: tuple, fr: FileResult) -> dict:
    problems = [[p.pos.path, p.pos.line, p.pos.col, p.code, p.message] for p in fr.problems]
    return {"key": list(key), "kind": fr.kind, "rel": fr.rel, "stem": fr.stem, "data": fr.data, "problems": problems, "text": fr.text}


def _result_from_json(item: dict) -> FileResult:
    problems = [Problem(Pos(str(path), int(line), int(col)), str(code), str(message)) for path, line, col, code, message in item["problems"]]
    for p in problems:
        if p.code not in CODES:
            raise ValueError(p.code)
    kind = item["kind"]
    if kind not in FOLDERS:
        raise ValueError(kind)
    return FileResult(kind, str(item["rel"]), str(item["stem"]), item["data"], problems, str(item["text"]))


def _load_parallel(root: Path, files: list[tuple[str, Path]], workers: int) -> list[FileResult]:
    from .parallel import pool

    size = max(50, len(files) // (workers * 4))
    chunks = [files[i:i + size] for i in range(0, len(files), size)]
    executor = pool(workers)
    try:
        return [fr for chunk in executor.map(_load_chunk, [root] * len(chunks), chunks) for fr in chunk]
    finally:
        executor.shutdown(wait=True, cancel_futures=True)


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
        body = text[front.end():] if front else text
        out[path.stem] = Policy(path.stem, title, path.relative_to(root).as_posix(), body)
    return out
