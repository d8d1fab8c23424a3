"""What git's HEAD holds, for messages about a file deleted in the working tree but still committed.
Git may be missing, the handbook may not be a repository, HEAD may not exist yet: then nothing is known."""

from __future__ import annotations

import subprocess
from pathlib import Path, PurePosixPath

from .loader import FOLDERS


class Head:
    """The content files in HEAD, by kind and id, read with one `git ls-tree` when first asked."""

    def __init__(self, root: Path | None):
        self.root = root
        self._files: dict[tuple[str, str], str] | None = None

    def _load(self) -> dict[tuple[str, str], str]:
        if self._files is not None:
            return self._files
        self._files = {}
        if self.root is None:
            return self._files
        folders = [folder for folder, _ in FOLDERS.values()] + ["docs/policies"]
        try:
            proc = subprocess.run(["git", "-c", "core.quotepath=off", "ls-tree", "-r", "--name-only", "HEAD", "--", *folders],
                                  cwd=self.root, capture_output=True, text=True, timeout=10, encoding="utf-8", errors="replace")
        except (OSError, subprocess.SubprocessError):
            return self._files
        if proc.returncode != 0:
            return self._files
        for line in proc.stdout.splitlines():
            path = PurePosixPath(line)
            kind = _kind(path)
            if kind:
                self._files.setdefault((kind, path.stem), line)
        return self._files

    def deleted(self, kind: str, item_id: str) -> str | None:
        """The path in HEAD of the item `item_id` when HEAD has it but the working tree does not."""
        path = self._load().get((kind, item_id))
        if path is None or self.root is None or (self.root / path).exists():
            return None
        return path


def _kind(path: PurePosixPath) -> str | None:
    parts = path.parts
    if len(parts) >= 3 and parts[0] == "procedures" and path.suffix == ".yaml":
        return "procedure"
    if len(parts) == 2 and path.suffix == ".yaml":
        return {"records": "record", "roles": "role"}.get(parts[0])
    if len(parts) == 3 and parts[:2] == ("docs", "policies") and path.suffix == ".md":
        return "policy"
    return None
