"""The stages wired together: load → validate → check → render. Shared by the CLI and the plugin."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from pathlib import Path

from . import timing
from .checks import run_checks
from .config import Settings, read_settings
from .editor_schema import stale_ids_schema
from .loader import Loaded, load, scan
from .model import Handbook
from .problems import Problem, sort_problems


@dataclass
class Checked:
    root: Path
    handbook: Handbook
    settings: Settings
    problems: list[Problem]

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if not p.is_error]


_memo: dict[Path, tuple[tuple, dt.date, Checked]] = {}


def _fingerprint(root: Path) -> tuple:
    """Every input file and a hash of its bytes: `check` then `build` in one process loads once."""
    files, stray = scan(root)
    paths = [path for _, path in files] + [root / p.pos.path for p in stray]
    policy_dir = root / "docs" / "policies"
    if policy_dir.is_dir():
        paths += sorted(policy_dir.glob("*.md"))
    paths.append(root / "handbook.yml")
    items = []
    for path in paths:
        try:
            items.append((str(path), hashlib.blake2b(path.read_bytes(), digest_size=16).digest()))
        except OSError:
            items.append((str(path), b""))
    return tuple(items)


def check(root: Path, today: dt.date | None = None, *, use_cache: bool = True) -> Checked:
    """Load and check the handbook at `root`; every problem of the run, sorted by file and line."""
    root = root.resolve()
    today = today or dt.date.today()
    key = _fingerprint(root)
    hit = _memo.get(root)
    if hit and hit[0] == key and hit[1] == today:
        return hit[2]
    with timing.stage("load"):
        loaded: Loaded = load(root, use_cache=use_cache)
    settings, setting_problems = read_settings(root)
    with timing.stage("check"):
        extra = stale_ids_schema(root, loaded.handbook) if not loaded.problems else []
        problems = sort_problems(loaded.problems + run_checks(loaded.handbook, today) + extra + setting_problems)
    result = Checked(root, loaded.handbook, settings, problems)
    _memo[root] = (key, today, result)
    return result


def is_handbook(root: Path) -> bool:
    return (root / "handbook.yml").is_file() or any((root / d).is_dir() for d in ("procedures", "records", "roles"))


def find_root(start: Path) -> Path | None:
    """The handbook `start` is in, found as git finds a repository: the nearest folder upwards with a
    handbook.yml, never past the top of the git repository or of the filesystem. A folder with content
    folders but no handbook.yml (an older handbook) counts when the search starts in it."""
    start = start.resolve()
    for folder in (start, *start.parents):
        if (folder / "handbook.yml").is_file():
            return folder
        if (folder / ".git").exists():
            break
    return start if is_handbook(start) else None
