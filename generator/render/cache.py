"""A content-addressed cache for rendered charts and PDFs: in memory for `serve`, and on disk
(`.cache/handbook/` in the handbook, safe to delete) so a rebuild only renders what changed."""

from __future__ import annotations

import hashlib
import os
import tempfile
from functools import lru_cache
from pathlib import Path

directory: Path | None = None  # set by the plugin and the CLI; None keeps the cache in memory only
_memory: dict[str, bytes] = {}
MEMORY_LIMIT = 20_000


@lru_cache(maxsize=1)
def code_version() -> str:
    """A hash of the rendering code itself, so a cache written by another version is never reused."""
    h = hashlib.sha256()
    for path in sorted(Path(__file__).parent.glob("*.py")):
        h.update(path.read_bytes())
    return h.hexdigest()[:16]


def key(*parts: str | bytes) -> str:
    h = hashlib.sha256(code_version().encode())
    for part in parts:
        h.update(part.encode("utf-8") if isinstance(part, str) else part)
        h.update(b"\0")
    return h.hexdigest()


def get(kind: str, k: str) -> bytes | None:
    hit = _memory.get(f"{kind}/{k}")
    if hit is not None or directory is None:
        return hit
    path = directory / kind / k[:2] / k
    try:
        data = path.read_bytes()
    except OSError:
        return None
    _remember(f"{kind}/{k}", data)
    return data


def put(kind: str, k: str, data: bytes) -> None:
    _remember(f"{kind}/{k}", data)
    if directory is None:
        return
    path = directory / kind / k[:2] / k
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
