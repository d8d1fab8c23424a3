"""The Jinja2 environments the pages are written with (templates in generator/templates/).

Markdown (*.md.j2): every `{{ value }}` is user text and is escaped with escape.markdown, so it shows as
written, unless it is Markup (what a filter below made) or a Link (written as a Markdown link whose label
is escaped). Parts several pages share are included templates (_*.md.j2) rather than macros: without
autoescape a macro returns plain text, which `{{ }}` would escape again. The filters:

- `inline`: user text that our own text precedes on its line (in a table cell, a link label, after a
  label like “编号：”), where nothing it starts with can begin a block: "1.0" stays "1.0";
- `block`: a text field as paragraphs, or a bullet list when it is a list;
- `cell`: a text field inside a table cell (items on lines of their own, bulleted);
- `joined(sep, empty)`: links and text one after another (text as `inline`), `empty` when there are none;
- `html`: user text inside raw HTML (which Markdown engines pass through unparsed); `attr`: a value in a
  quoted HTML attribute; `yaml`: a front-matter value; `json`: a value of ours as JSON.

HTML (*.html.j2) is autoescaped: `{{ value }}` is HTML-escaped (whitespace runs become one space) and a
Link becomes an <a> whose href, a final URL, we built.
"""

from __future__ import annotations

import functools
import json

import jinja2
from markupsafe import Markup

from ..model import Text, as_list
from . import escape, prose
from .pages import Link, Table

# ---- Markdown ----


def md(text: object) -> Markup:
    """User text anywhere in a line of Markdown, even at its start."""
    return Markup(escape.markdown(text))


def inline(text: object) -> Markup:
    """User text after other text on its line, where nothing can start a block."""
    return Markup(escape.markdown_inline(text))


def md_ref(ref: object) -> Markup:
    """A Link as a Markdown link; anything else as user text."""
    if isinstance(ref, Link):
        return Markup(f"[{inline(ref.label)}]({ref.href})")
    return ref if isinstance(ref, Markup) else md(ref)


def joined(parts: object, sep: str = "、", empty: str = "") -> Markup:
    """Links and pieces of text (each `inline`) one after another."""
    out = [md_ref(p) if isinstance(p, Link | Markup) else inline(p) for p in parts or () if p]
    return Markup(sep).join(out) if out else Markup(empty)


def block(text: Text) -> Markup:
    """A text field as Markdown: paragraphs (split at blank lines), or a bullet list when it is a list."""
    items = as_list(text)
    if not items:
        return Markup("")
    if isinstance(text, str):
        return Markup("\n\n".join(escape.markdown(par) for par in text.split("\n\n") if par.strip()) + "\n")
    return Markup("\n".join(f"- {escape.markdown(item)}" for item in items) + "\n")


def cell(text: Text) -> Markup:
    """A text field inside a table cell: the items of a list on lines of their own, bulleted."""
    items = as_list(text)
    if isinstance(text, list) and len(items) > 1:
        return Markup("<br>".join(f"• {inline(i)}" for i in items))
    return Markup("<br>".join(inline(i) for i in items))


def _json(value: object, ascii: bool = False) -> Markup:
    return Markup(json.dumps(value, ensure_ascii=ascii))


def _loader() -> jinja2.BaseLoader:
    return jinja2.PackageLoader("office_handbook", "templates")


@functools.cache
def markdown_env() -> jinja2.Environment:
    env = jinja2.Environment(loader=_loader(), autoescape=False, finalize=md_ref, undefined=jinja2.StrictUndefined,
                             trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    env.filters.update(md=md, inline=inline, ref=md_ref, joined=joined, block=block, cell=cell, html=escape.html_line, attr=escape.html,
                       yaml=lambda v: Markup(escape.yaml_value(v)), json=_json, sentence=prose.sentence)
    env.globals["html_table"] = html_table
    return env


# ---- HTML ----


def _html_finalize(value: object) -> object:
    if isinstance(value, Markup):
        return value
    if isinstance(value, Link):
        return Markup(f'<a href="{escape.html(value.href)}">{escape.html_line(value.label)}</a>')
    return escape.html_line(value)


@functools.cache
def html_env() -> jinja2.Environment:
    return jinja2.Environment(loader=_loader(), autoescape=True, finalize=_html_finalize, undefined=jinja2.StrictUndefined,
                              trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)


def html_table(table: Table) -> Markup:
    """A table as HTML on one line: a Markdown engine passes it through without parsing its cells, which
    for a table of thousands of rows takes Python-Markdown minutes."""
    body = "".join(_html_row("td", row) for row in table.rows)
    return Markup(f"<table><thead>{_html_row('th', table.head)}</thead><tbody>{body}</tbody></table>")


@functools.lru_cache(maxsize=200_000)
def _html_row(tag: str, row: tuple) -> str:
    """One row, remembered (rows are frozen data): `serve` re-renders only the rows an edit changed."""
    return html_env().get_template("table_row.html.j2").render(tag=tag, row=row).strip()


_rendered: dict[tuple[str, str], str] = {}


def render(template: str, **data: object) -> str:
    """A Markdown page (or part of one) from its template. The data are plain values (frozen dataclasses,
    tuples, strings, dates), so their repr is all of them: a page whose data are what they were at the
    last render (most pages, in a `serve` rebuild) is not rendered again."""
    key = (template, repr(sorted(data.items())))
    page = _rendered.get(key)
    if page is None:
        if len(_rendered) >= 20_000:
            _rendered.clear()
        page = _rendered[key] = markdown_env().get_template(template).render(**data)
    return page
