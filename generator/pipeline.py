"""The stages wired together: load → validate → check → render. Shared by the CLI and the plugin."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from . import timing
from .checks import check_settings, run_checks
from .config import Settings, read_settings, settings_document
from .editor_schema import stale_schemas
from .history import Head
from .links import link_problems, redirect_problems
from .lint import lint_texts
from .loader import Loaded, load
from .migrate import format_problems
from .model import Handbook, Procedure, RecordType, Role, Source
from .problems import Pos, Problem, sort_problems


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


def check(root: Path, today: dt.date | None = None, *, use_cache: bool = True) -> Checked:
    """Load and check the handbook at `root`; every problem of the run, sorted by file and line.
    A build checks once: `handbook build` hands its result to the plugin."""
    root = root.resolve()
    today = today or dt.date.today()
    settings, setting_problems = read_settings(root)
    formats = format_problems(root)
    if any(p.is_error for p in formats):  # files of another format: one clear line, not a wall of schema errors
        return Checked(root, Handbook(), settings, formats)
    with timing.stage("load"):
        loaded: Loaded = load(root, use_cache=use_cache, names=settings.names)
    with timing.stage("check"):
        extra = stale_schemas(root, loaded.handbook) if not loaded.problems else []
        extra += formats + site_name_problems(root, settings)
        extra += text_problems(root, loaded.handbook, settings) + source_title_problems(loaded.handbook, settings)
        head = Head(root)  # asked only when a reference names nothing: was the file deleted?
        document = settings_document(root)
        extra += check_settings(loaded.handbook, settings, document, head)
        extra += redirect_problems(root, loaded.handbook, document, settings.redirects, head)
        extra += link_problems(root, loaded.handbook, settings, today, head)
        problems = sort_problems(loaded.problems + run_checks(loaded.handbook, today, head=head) + extra + setting_problems)
    return Checked(root, loaded.handbook, settings, problems)


_CJK = re.compile("[\u3400-\u9fff]")


def _sources(hb: Handbook) -> Iterator[tuple[Procedure | RecordType | Role, int, Source]]:
    for obj in [*hb.procedures.values(), *hb.records.values(), *hb.roles.values()]:
        for i, s in enumerate(obj.sources):
            yield obj, i, s


def text_problems(root: Path, hb: Handbook, settings: Settings) -> list[Problem]:
    """W509/W510/W513: punctuation, deprecated terms and source ids in the YAML text values and the policy pages."""
    pages = {}
    for policy in hb.policies.values():
        try:
            pages[policy.path] = (root / policy.path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
    # an id is internal unless its title shows it (DA/T 22-2015《归档文件整理规则》 is a public name; seeds/002 is not)
    internal = {s.doc for _, _, s in _sources(hb) if not _CJK.search(s.doc) and s.doc not in settings.source_titles.get(s.doc, "")}
    return lint_texts(hb.sources.documents.values(), pages, settings.glossary, internal)


def source_title_problems(hb: Handbook, settings: Settings) -> list[Problem]:
    """W513: readers see a source's title, never an internal id such as seeds/002."""
    return [Problem(hb.sources.pos(obj.src, "sources", i, "doc"), "W513",
                    f"来源 \"{s.doc}\" 在页面上会原样显示：在 handbook.yml 的 source_titles 中写上它的名称（如 {s.doc}: 《……》）。")
            for obj, i, s in _sources(hb) if s.doc not in settings.source_titles and not _CJK.search(s.doc)]


def site_name_problems(root: Path, settings: Settings) -> list[Problem]:
    """W507: mkdocs.yml's site_name (which plain MkDocs needs before any plugin runs) should be the
    title set in handbook.yml, the one place for names."""
    if not settings.title:
        return []
    path = root / "mkdocs.yml"
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return []
    m = re.search(r"^site_name:[ \t]*(.*?)[ \t]*(?:#.*)?$", text, re.M)
    if not m:
        return []
    value = m.group(1)
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        value = value[1:-1]
    if value == settings.title:
        return []
    line = text.count("\n", 0, m.start()) + 1
    return [Problem(Pos("mkdocs.yml", line, m.start(1) - m.start() + 1), "W507",
                    f"mkdocs.yml 的 site_name \"{value}\" 与 handbook.yml 的 title \"{settings.title}\" 不一致：把 site_name 改成 \"{settings.title}\"。")]


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
