"""What every renderer needs: page paths, relative links, and facts derived once from the model."""

from __future__ import annotations

import datetime as dt
import posixpath
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache

from ..config import Settings
from ..model import Handbook, Procedure, RecordType, Role, Step
from .cache import Cache

INDEX_PAGES = {
    "raci": ("indexes/raci.md", "RACI 职责矩阵"),
    "retention": ("indexes/retention.md", "表单保存期限表"),
    "time-limits": ("indexes/time-limits.md", "时限一览"),
    "review": ("indexes/review.md", "审核计划"),
    "changes": ("indexes/changes.md", "变更记录"),
    "roles": ("indexes/roles.md", "岗位一览"),
    "records": ("indexes/records.md", "表单一览"),
}


def procedure_page(p: Procedure) -> str:
    return f"{p.folder}/{p.id}.md"


def record_page(r: RecordType | str) -> str:
    return f"records/{r if isinstance(r, str) else r.id}.md"


def role_page(r: Role | str) -> str:
    return f"roles/{r if isinstance(r, str) else r.id}.md"


PRINTED = ".print"  # the chart drawn for paper: <id>.print.svg beside <id>.svg


def chart_file(p: Procedure, printed: bool = False) -> str:
    return f"{p.folder}/{p.id}{PRINTED if printed else ''}.svg"


def site_url(page: str, directory_urls: bool) -> str:
    """Site URL path of a page (a .md file) or of any other file, relative to the site root."""
    if not page.endswith(".md"):
        return page
    stem = page[:-3]
    if stem == "index" or stem.endswith("/index"):
        return stem[: -len("index")]
    return stem + "/" if directory_urls else stem + ".html"


@lru_cache(maxsize=65536)
def _url(here: str, target: str) -> str:
    """The relative URL from one site URL path to another (posixpath.relpath asks the disk for the
    working folder on every call: a big index page makes tens of thousands of links)."""
    base = here if here.endswith("/") else posixpath.dirname(here) + "/"
    rel = posixpath.relpath(target or ".", base.rstrip("/") or ".")
    if target.endswith("/") or target == "":
        rel = rel.rstrip("/") + "/"
    return "./" if rel == "./" or rel == "." else rel


@lru_cache(maxsize=65536)
def _relpath(from_dir: str, target: str) -> str:
    """posixpath.relpath for the site's own relative paths (no "..", no symlinks), without touching the disk."""
    src = [p for p in from_dir.split("/") if p]
    dst = target.split("/")
    common = 0
    while common < len(src) and common < len(dst) - 1 and src[common] == dst[common]:
        common += 1
    return "/".join([".."] * (len(src) - common) + dst[common:])


@dataclass
class Context:
    hb: Handbook
    settings: Settings
    today: dt.date
    directory_urls: bool = True  # how MkDocs turns page.md into a URL (use_directory_urls)
    cache: Cache = field(default_factory=Cache)  # the build's cache (the exports keep workbooks in it)
    # derived once
    steps_by_role: dict[str, list[tuple[Procedure, Step]]] = field(default_factory=lambda: defaultdict(list))
    record_uses: dict[str, list[tuple[Procedure, Step | None]]] = field(default_factory=lambda: defaultdict(list))
    linked_from: dict[str, list[tuple[Procedure, str]]] = field(default_factory=lambda: defaultdict(list))
    tasks_by_record: dict[str, list[Role]] = field(default_factory=lambda: defaultdict(list))
    _procedures: list[Procedure] | None = None
    _records: list[RecordType] | None = None

    def __post_init__(self) -> None:
        for p in self.procedures():
            for s in p.steps:
                self.steps_by_role[s.role].append((p, s))
                for r in s.records:
                    self.record_uses[r].append((p, s))
            in_steps = {r for s in p.steps for r in s.records}
            for r in p.evidence:
                if r not in in_steps:
                    self.record_uses[r].append((p, None))
                    in_steps.add(r)
            for x in p.interfaces:
                self.linked_from[x.procedure].append((p, x.relation))
        for role in self.hb.roles.values():
            for t in role.tasks:
                for r in t.records:
                    if role not in self.tasks_by_record[r]:
                        self.tasks_by_record[r].append(role)

    def procedures(self) -> list[Procedure]:
        """All procedures in site order: by category (handbook.yml order), then by code."""
        if self._procedures is None:
            self._procedures = [p for procs in self.hb.categories(self.settings.categories).values() for p in procs]
        return self._procedures

    def records(self) -> list[RecordType]:
        if self._records is None:
            self._records = sorted(self.hb.records.values(), key=lambda r: r.code)
        return self._records

    def roles(self) -> list[Role]:
        return list(self.hb.roles.values())

    @staticmethod
    def rel(from_page: str, to_path: str) -> str:
        """Relative link from one generated page to another file of the site (MkDocs checks these)."""
        return _relpath(posixpath.dirname(from_page), to_path)

    def _url_of(self, page: str) -> str:
        return site_url(page, self.directory_urls)

    def url(self, from_page: str, to_page: str) -> str:
        """A final relative URL, for links MkDocs does not rewrite (inside SVG or raw HTML)."""
        return _url(self._url_of(from_page), self._url_of(to_page))

    # Markdown links from one page to another (labels escaped with escape.markdown); pages.Linker makes
    # the same links as data, which is what the renderers use.
    def role_link(self, from_page: str, role_id: str | None) -> str:
        from .pages import Linker
        from .templating import md_ref

        return md_ref(Linker(self, from_page).role(role_id))

    def record_link(self, from_page: str, record_id: str, with_code: bool = False) -> str:
        from .pages import Linker
        from .templating import md_ref

        return md_ref(Linker(self, from_page).record(record_id, with_code))

    def procedure_link(self, from_page: str, proc_id: str) -> str:
        from .pages import Linker
        from .templating import md_ref

        return md_ref(Linker(self, from_page).procedure(proc_id))

    def index_link(self, from_page: str, key: str) -> str:
        from .pages import Linker
        from .templating import md_ref

        return md_ref(Linker(self, from_page).index(key))

    def edit_url(self, yaml_path: str) -> str | None:
        base = self.settings.edit_url
        return base.rstrip("/") + "/" + yaml_path if base else None
