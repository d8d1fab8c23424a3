"""The Markdown templates: user text shows exactly as written, in every place a page puts it, and forms
no element (Python-Markdown with the extensions the site uses); codes and versions stay readable."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from html.parser import HTMLParser

import markdown
import pytest
from pymdownx.slugs import slugify

from conftest import SHIPPED
from office_handbook.render.context import Context
from office_handbook.render.pages import Cell, Link, Table
from office_handbook.render.procedure_page import render_procedure
from office_handbook.render.templating import html_table, markdown_env

# generator/gentree.py's EXTENSIONS, as MkDocs configures them
EXTENSIONS = ["tables", "attr_list", "md_in_html", "admonition", "pymdownx.details", "pymdownx.superfences", "toc"]
CONFIG = {"toc": {"permalink": True, "slugify": slugify(case="lower")}}

PIECES = ["<script>alert(1)</script>", "**bold**", "[x](y)", "| pipe", "1. item", "# head", "{: #id}", "a\\b \\\\ \\*", "&amp;",
          "- dash", "> quote", "+ plus", "`code`", "_under_", "<b>x</b>", "&lt;", "[^1]"]
HOSTILE = [" ".join(PIECES), *PIECES]  # all in one line, and each at the start of its line


def to_html(md: str) -> str:
    if md.startswith("---\n"):
        md = md[md.index("\n---\n", 4) + 5:]
    return markdown.markdown(md, extensions=EXTENSIONS, extension_configs=CONFIG)


class Elements(HTMLParser):
    """Every element (tag, attributes) and the text, entities decoded; toc's ¶ permalinks left out."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.parts: list[str] = []
        self._skip = 0
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "headerlink" in (attrs.get("class") or ""):
            self._skip += 1
            return
        self.tags.append((tag, attrs))

    def handle_endtag(self, tag):
        if self._skip and tag == "a":
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)

    @property
    def text(self) -> str:
        """The text, without the newlines between elements (user text holds none: it is one line)."""
        return "".join(self.parts).replace("\n", "")


# Each place a template puts one line of user text: (template, the elements it makes, the text around it)
PLACES = {
    "paragraph": ("{{ x }}", ["p"], "{}"),
    "heading": ("# {{ x }}", ["h1"], "{}"),
    "bullet": ("- {{ x }}", ["ul", "li"], "{}"),
    "numbered": ("1. {{ x }}", ["ol", "li"], "{}"),
    "after a label": ("- **编号**：{{ x|inline }}", ["ul", "li", "strong"], "编号：{}"),
    "table cell": ("| a |\n|---|\n| {{ x|inline }} |", ["table", "thead", "tr", "th", "tbody", "tr", "td"], "a{}"),
    "link label": ("[{{ x|inline }}](page.md)", ["p", "a"], "{}"),
    "link": ("{{ link }}", ["p", "a"], "{}"),
    "joined": ("相关：{{ [x, link]|joined('、') }}", ["p", "a"], "相关：{}、{}"),
    "block": ("{{ x|block }}", ["p"], "{}"),
    "list block": ("{{ [x, x]|block }}", ["ul", "li", "li"], "{}{}"),
    "cell": ("| a |\n|---|\n| {{ [x, x]|cell }} |", ["table", "thead", "tr", "th", "tbody", "tr", "td", "br"], "a• {}• {}"),
    "raw HTML": ('<p class="hb-keywords">又称：{{ x|html }}</p>', ["p"], "又称：{}"),
    "admonition": ('!!! note "标题"\n    说明：{{ x|inline }}', ["div", "p", "p"], "标题说明：{}"),
}


@pytest.mark.parametrize("place", sorted(PLACES))
@pytest.mark.parametrize("text", HOSTILE, ids=range(len(HOSTILE)))
def test_user_text_shows_as_written_and_makes_no_element(place, text):
    template, elements, around = PLACES[place]
    md = markdown_env().from_string(template + "\n").render(x=text, link=Link(text, "page.md"))
    page = Elements(to_html(md))
    assert [tag for tag, _ in page.tags] == elements, md
    assert page.text == around.format(text, text), md
    for tag, attrs in page.tags:  # no attribute from the text ({: #id} …); toc's heading ids are its own
        assert set(attrs) <= {"id"} if tag == "h1" else set(attrs) <= ({"href"} if tag == "a" else {"class"}), (tag, attrs, md)
        assert attrs.get("href") in (None, "page.md")


def test_html_tables_escape_text_and_link_to_final_urls():
    table = Table((Cell(("<b>编号</b>",)),), [(Cell((Link('<i>"x"</i>', "../../roles/x/"), "**y**"), sep="、", strong=True),),
                                               (Cell((), empty="—", sort="1.5"),)])
    html = str(html_table(table))
    assert "\n" not in html
    assert html == ('<table><thead><tr><th>&lt;b&gt;编号&lt;/b&gt;</th></tr></thead><tbody>'
                    '<tr><td><strong><a href="../../roles/x/">&lt;i&gt;&#34;x&#34;&lt;/i&gt;</a>、**y**</strong></td></tr>'
                    '<tr><td><span data-sort="1.5">—</span></td></tr></tbody></table>')


@pytest.fixture(scope="module")
def ctx():
    return Context(SHIPPED.handbook, SHIPPED.settings, dt.date(2026, 12, 2))


def test_codes_and_versions_appear_as_written(ctx):
    p = ctx.hb.procedures["shouwen"]
    md = render_procedure(ctx, p, None)
    assert p.code == "LC-GW-01" and re.fullmatch(r"\d+\.\d+", p.version)
    assert f"- **编号**：LC-GW-01\n- **版本**：{p.version}\n" in md
    assert "| 1.0 | 2026-01-01 |" in md  # the change log
    assert "GL/YJ-BG-01" in md
    assert not re.search(r"&#\d+;", md)  # no numeric entities anywhere


def test_procedure_page_shows_hostile_text_as_written(ctx):
    """A page whose text fields hold hostile text has the same elements as one holding a plain word,
    and the same text with that word replaced."""
    base = ctx.hb.procedures["shouwen"]

    def page(text: str) -> Elements:
        p = dataclasses.replace(base, title=text, summary=text, purpose=text, scope=[text, text], keywords=[text], monitoring=text,
                                category=text, review_note=text)
        return Elements(to_html(render_procedure(ctx, p, None)))

    def shape(e: Elements) -> list:
        return [(tag, {k: v for k, v in attrs.items() if not (k == "id" and tag[0] == "h")}) for tag, attrs in e.tags]

    plain, hostile = page("占位文字"), page(HOSTILE[0])
    assert shape(hostile) == shape(plain)
    assert "".join(hostile.parts) == "".join(plain.parts).replace("占位文字", HOSTILE[0])
    assert "".join(plain.parts).count("占位文字") >= 8


# Text escape.markdown does not yet keep as written (reported; escape.py belongs to another change):
# an admonition or details block at the start of a paragraph, a heading's closing #, and "\=".
# what once slipped through: block markers at the start of a line, and a heading's closing "#"
STARTS = [("paragraph", "!!! note 注意"), ("paragraph", "??? note 注意"), ("heading", "C#"), ("paragraph", "=x"),
          ("paragraph", "~~~"), ("paragraph", "1) 第一"), ("paragraph", "1.0 版"), ("paragraph", "+ 加")]


@pytest.mark.parametrize(("place", "text"), STARTS)
def test_block_markers_at_the_start_show_as_written(place, text):
    test_user_text_shows_as_written_and_makes_no_element(place, text)


def test_codes_and_versions_stay_readable():
    from office_handbook.render.escape import markdown

    assert markdown("LC-GW-01") == "LC-GW-01" and markdown("1.0") == "1.0" and markdown("2026-12-02") == "2026-12-02"
