"""Links from hand-written pages (docs/) to the generated ones: the page must exist and so must its anchor.

A policy page may link to `../procedures/yinzhang/yongyin.md#step-legal-review`; once that step (or the
procedure) is gone, MkDocs builds the page with a dead link. Generated pages are addressed as the
renderer addresses them (render/context.py: procedures/<folder>/<id>.md, records/<id>.md, roles/<id>.md,
indexes/…); a step's anchor is `step-<step id>` and a risk's `risk-<id>` (model.Step.anchor, the
procedure template). Other anchors are the page's headings and ids, found by rendering that page.
"""

from __future__ import annotations

import datetime as dt
import difflib
import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

from .config import Settings
from .history import Head
from .model import Handbook, Procedure, RecordType, Role
from .problems import Pos, Problem
from .yamlsource import Document

_GENERATED_AREAS = ("procedures/", "records/", "roles/", "indexes/", "guide/")
_INLINE = re.compile(r"\]\(\s*<?([^()\s<>]+)>?(?:\s+[\"'][^\"'\n]*[\"'])?\s*\)")
_REFDEF = re.compile(r"^ {0,3}\[[^\]\n]+\]:[ \t]*<?(\S+?)>?(?:[ \t].*)?$", re.M)
_HREF = re.compile(r"""href=["']([^"']+)["']""")
_FENCE = re.compile(r"^ {0,3}(```|~~~)[^\n]*\n.*?(?:^ {0,3}\1[ \t]*$|\Z)", re.M | re.S)
_CODE = re.compile(r"(`+)(?!`).+?(?<!`)\1", re.S)
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
_IDS = re.compile(r"""\bid=["']([^"']+)["']|\{[:\s]*#([\w-]+)[^}]*\}""")
_HEADING = re.compile(r"^(#{1,6})[ \t]+(.+?)[ \t]*#*[ \t]*$", re.M)


@dataclass(frozen=True)
class Link:
    page: str  # the hand-written page, relative to the handbook root (docs/policies/yinzhang.md)
    line: int
    col: int
    target: str  # as written


@dataclass
class Target:
    kind: str  # procedure, record, role, page
    title: str
    obj: Procedure | RecordType | Role | None = None


def docs_dir(root: Path) -> str:
    """mkdocs.yml's docs_dir (docs by default), relative to the handbook root."""
    try:
        text = (root / "mkdocs.yml").read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return "docs"
    m = re.search(r"^docs_dir:[ \t]*['\"]?([^'\"#\s]+)", text, re.M)
    return m.group(1).strip("/") if m else "docs"


def links_in(text: str) -> Iterator[tuple[int, str]]:
    """(offset, target) of every link in Markdown text, leaving out code blocks and code spans."""
    blank = _FENCE.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), text)
    blank = _CODE.sub(lambda m: " " * len(m.group(0)), blank)
    for pattern in (_INLINE, _REFDEF, _HREF):
        for m in pattern.finditer(blank):
            yield m.start(1), m.group(1)


def generated_pages(hb: Handbook) -> dict[str, Target]:
    """Every generated Markdown page, by its path inside the docs folder."""
    from .render.context import INDEX_PAGES, procedure_page, record_page, role_page
    from .render.static import static_files

    pages: dict[str, Target] = {"index.md": Target("page", "首页"), "guide/error-codes.md": Target("page", "问题代码")}
    pages.update({path: Target("page", path) for path in static_files() if path.endswith(".md")})
    pages.update({path: Target("page", title) for path, title in INDEX_PAGES.values()})
    pages.update({procedure_page(p): Target("procedure", p.title, p) for p in hb.procedures.values()})
    pages.update({record_page(r): Target("record", r.title, r) for r in hb.records.values()})
    pages.update({role_page(r): Target("role", r.title, r) for r in hb.roles.values()})
    return pages


def link_problems(root: Path, hb: Handbook, settings: Settings, today: dt.date, head: Head | None = None) -> list[Problem]:
    """E211 for a link from a hand-written page to a generated page that does not exist, E212 for an
    anchor the generated page does not have."""
    docs = docs_dir(root)
    base = root / docs
    if not base.is_dir():
        return []
    pages = generated_pages(hb)
    anchors = _Anchors(hb, settings, today)
    out: list[Problem] = []
    for path in _handwritten(base):
        rel = path.relative_to(root).as_posix()
        page = path.relative_to(base).as_posix()
        if page in pages:
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        if ".md" not in text:
            continue
        for offset, target in links_in(text):
            line = text.count("\n", 0, offset) + 1
            col = offset - (text.rfind("\n", 0, offset) + 1) + 1
            problem = _check(Link(rel, line, col, target), page, pages, anchors, base, head)
            if problem:
                out.append(problem)
    return out


def _handwritten(base: Path) -> list[Path]:
    """The Markdown pages in the docs folder, leaving out hidden folders."""
    return [p for p in sorted(base.rglob("*.md")) if not any(part.startswith(".") for part in p.relative_to(base).parts)]


def _check(link: Link, page: str, pages: dict[str, Target], anchors: _Anchors, base: Path, head: Head | None) -> Problem | None:
    target = link.target
    if _SCHEME.match(target) or target.startswith(("/", "#")):
        return None
    path, _, fragment = target.partition("#")
    path = unquote(path.split("?", 1)[0])
    if not path.endswith(".md"):
        return None
    to = posixpath.normpath(posixpath.join(posixpath.dirname(page), path))
    if to.startswith("../"):
        return None
    pos = Pos(link.page, link.line, link.col)
    found = pages.get(to)
    if found is None:
        if (base / to).is_file() or not (to.startswith(_GENERATED_AREAS) or to == "index.md"):
            return None  # a hand-written page (MkDocs checks those), or no page we make
        return Problem(pos, "E211", f"链接 \"{target}\" 指向的页面 {to} 不存在：{_page_hint(to, page, pages, head)}")
    if not fragment:
        return None
    fragment = unquote(fragment)
    have = anchors.of(to, found)
    if fragment in have:
        return None
    what = f"“{found.title}”" if found.kind != "page" else to
    return Problem(pos, "E212", f"链接 \"{target}\" 中的锚点 \"#{fragment}\" 在{what}的页面上不存在：{_anchor_hint(fragment, found, have)}")


_KIND_NAMES = {"procedure": "流程", "record": "表单", "role": "岗位"}


def _page_hint(to: str, page: str, pages: dict[str, Target], head: Head | None) -> str:
    stem = posixpath.basename(to)[:-3]
    kind = {"procedures": "procedure", "records": "record", "roles": "role"}.get(to.split("/", 1)[0])
    rel = lambda p: posixpath.relpath(p, posixpath.dirname(page) or ".")  # noqa: E731
    if kind:
        same = next((p for p, t in pages.items() if t.kind == kind and t.obj is not None and t.obj.id == stem), None)
        if same:  # the right id in the wrong folder
            return f"{_KIND_NAMES[kind]}“{pages[same].title}”的页面是 {same}：把链接改成 {rel(same)}。"
        deleted = head.deleted(kind, stem) if head is not None else None
        if deleted:
            return f"{_KIND_NAMES[kind]} \"{stem}\" 已在工作区删除（HEAD 中仍有 {deleted}）：请删除这个链接，或恢复该文件。"
    candidates = [p for p, t in pages.items() if kind is None or t.kind == kind]
    near = difflib.get_close_matches(to, candidates, n=1, cutoff=0.6)
    if near:
        t = pages[near[0]]
        return f"是否应为 {rel(near[0])}" + (f"（{t.title}）" if t.kind != "page" else "") + "？"
    return "生成的页面是 procedures/<文件夹>/<流程 id>.md、records/<表单 id>.md、roles/<岗位 id>.md：请改成已有的页面。"


def _anchor_hint(fragment: str, found: Target, have: dict[str, str]) -> str:
    if fragment.startswith("step-") and isinstance(found.obj, Procedure):
        steps = {s.anchor: f"第 {s.number} 步“{s.name}”" for s in found.obj.steps}
        near = difflib.get_close_matches(fragment[5:], [a[5:] for a in steps], n=1, cutoff=0.6)  # by step id: "step-" matches anything
        if near:
            return f"该流程没有步骤 \"{fragment[5:]}\"，是否应为 \"#step-{near[0]}\"（{steps['step-' + near[0]]}）？"
        listed = "、".join(f"#{a}（{n}）" for a, n in list(steps.items())[:12])
        return f"该流程没有步骤 \"{fragment[5:]}\"（步骤可能已删除或改名）：请删除锚点或改成现有的步骤：{listed}。"
    near = difflib.get_close_matches(fragment, list(have), n=1, cutoff=0.6)
    if near:
        label = have[near[0]]
        return f"是否应为 \"#{near[0]}\"" + (f"（{label}）" if label and label != near[0] else "") + "？"
    return "请删除锚点，或改成该页面上的标题或步骤（步骤的锚点是 #step-<步骤 id>）。"


class _Anchors:
    """The anchors of each generated page, by name → what it marks; pages are rendered only when the
    model's own anchors (steps, risks) do not answer."""

    def __init__(self, hb: Handbook, settings: Settings, today: dt.date):
        self.hb, self.settings, self.today = hb, settings, today
        self.memo: dict[str, dict[str, str]] = {}
        self._ctx = None

    def of(self, page: str, target: Target) -> dict[str, str]:
        if page in self.memo:
            return self.memo[page]
        out: dict[str, str] = {}
        if isinstance(target.obj, Procedure):
            out.update({s.anchor: f"第 {s.number} 步“{s.name}”" for s in target.obj.steps})
            out.update({f"risk-{r.id.lower()}": f"风险点 {r.id}" for r in target.obj.risks})
        try:
            out.update({k: v for k, v in page_anchors(self._render(page, target)).items() if k not in out})
        except Exception:  # noqa: BLE001 - a page that cannot be rendered here has its model anchors only
            pass
        self.memo[page] = out
        return out

    def _render(self, page: str, target: Target) -> str:
        from .render.context import Context
        from .render.procedure_page import render_procedure
        from .render.record_page import render_record
        from .render.role_page import render_role

        if self._ctx is None:
            self._ctx = Context(self.hb, self.settings, self.today)
        ctx = self._ctx
        if isinstance(target.obj, Procedure):
            return render_procedure(ctx, target.obj, None)
        if isinstance(target.obj, RecordType):
            return render_record(ctx, target.obj, None, None)
        if isinstance(target.obj, Role):
            return render_role(ctx, target.obj, {})
        return _render_other(ctx, page)


def _render_other(ctx, page: str) -> str:
    from .render.guide import render_error_codes
    from .render.home import render_home
    from .render.indexes import render_indexes
    from .render.static import static_files

    if page == "index.md":
        return render_home(ctx)
    if page == "guide/error-codes.md":
        return render_error_codes()
    content = static_files().get(page)
    if content is not None:
        return content if isinstance(content, str) else content.decode("utf-8", "replace")
    return render_indexes(ctx).get(page, "")


def page_anchors(markdown: str) -> dict[str, str]:
    """The anchors a Markdown page has: ids written in it, and its headings' ids as MkDocs' toc makes
    them (pymdownx slugify, lower case; a repeated heading gets _1, _2 …)."""
    from pymdownx.slugs import slugify

    slug = slugify(case="lower")
    out: dict[str, str] = {}
    for m in _IDS.finditer(markdown):
        out.setdefault(m.group(1) or m.group(2), "")
    seen: dict[str, int] = {}
    for m in _HEADING.finditer(_FENCE.sub("", markdown)):
        text = m.group(2)
        explicit = re.search(r"\{[:\s]*#([\w-]+)[^}]*\}\s*$", text)
        if explicit:
            out[explicit.group(1)] = text[: explicit.start()].strip()
            continue
        plain = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
        plain = re.sub(r"<[^>]+>|[*_`]", "", plain).strip()
        base = slug(plain, "-")
        n = seen.get(base, 0)
        seen[base] = n + 1
        out.setdefault(base if n == 0 else f"{base}_{n}", plain)
    return out


def redirect_problems(root: Path, hb: Handbook, doc: Document | None, redirects: dict[str, str],
                      head: Head | None = None) -> list[Problem]:
    """handbook.yml `redirects:` (written by handbook rename, editable by hand): W515 for an entry that
    no longer does anything (not a page path, or the old address is a page again), E213 for one whose
    target is no page, so the old address would lead nowhere."""
    if doc is None or not redirects:
        return []
    from .render.redirects import final_target

    generated = generated_pages(hb)
    pages = set(generated)
    base = root / docs_dir(root)
    if base.is_dir():
        pages.update(p.relative_to(base).as_posix() for p in _handwritten(base))
    out: list[Problem] = []
    for old, new in redirects.items():
        pos_key, pos_value = doc.pos(("redirects", old), key=True), doc.pos(("redirects", old))
        if not (str(old).endswith(".md") and str(new).endswith(".md")):
            out.append(Problem(pos_key, "W515", f"跳转 {old}: {new} 不是页面地址，不会生成跳转页：两边都写成 docs 中的页面路径，如 records/old.md: records/new.md。"))
            continue
        if old in pages:
            out.append(Problem(pos_key, "W515", f"旧地址 {old} 又是一个页面了，跳转到 {new} 不再起作用：删去这一行。"))
            continue
        if final_target(redirects, pages, old) is None:
            hint = _page_hint(new, "index.md", generated, head)
            out.append(Problem(pos_value, "E213", f"跳转的目标页面 {new} 不存在，旧地址 {old} 会打不开：{hint}"))
    return out
