"""One escaping function per output language. Every piece of YAML text passes through exactly one of
these on its way out (Jinja2 templates call them as filters or through autoescape); nothing else in
the package escapes. Typst needs none: the sheets read their data as JSON through `sys.inputs`."""

from __future__ import annotations

import json
import re

import graphviz
from markupsafe import Markup
from markupsafe import escape as _html_escape

# Characters Python-Markdown and the extensions we enable give a meaning inside a line; each is written
# with a backslash (which every Markdown engine understands), so the Markdown stays readable.
_MD_INLINE = re.compile(r"([\\`*_\[\]{}|#])")
# What starts a block when it begins a line: a quote (already &gt;), a list item ("-", "+", "1." or
# "1)" before a space), an admonition or details block ("!!!", "???"), a fence ("~~~"), a setext
# underline ("=").
_MD_LIST = re.compile(r"^(\d+)([.)])(?=\s|$)")
_MD_LINE_START = {"-": "\\-", "+": "\\+", "!": "\\!", "?": "&#63;", "~": "&#126;", "=": "&#61;"}


def markdown_inline(text: object) -> str:
    """User text after other text on its line (a table cell, a link label, after "编号："), where
    nothing can start a block: only what means something inside a line is escaped. Newlines become
    spaces; `<`, `>` and `&` become entities so no HTML or entity is formed."""
    if text is None:
        return ""
    line = " ".join(str(text).split())
    line = line.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MD_INLINE.sub(r"\\\1", line)


def markdown(text: object) -> str:
    """One line of user text anywhere in Markdown, also at the start of a line (a paragraph, a list
    item, a heading): shows as written. Codes such as LC-GW-01 and versions such as 1.0 stay as
    they are; only a block marker at the very start is escaped."""
    line = markdown_inline(text)
    m = _MD_LIST.match(line)
    if m:
        return f"{m.group(1)}\\{line[m.end(1):]}"
    if line[:1] in _MD_LINE_START:
        return _MD_LINE_START[line[0]] + line[1:]
    return line


def html(text: object) -> Markup:
    """Text inside HTML, an element or a quoted attribute value (what Jinja2's autoescape does)."""
    return _html_escape("" if text is None else str(text))


def html_line(text: object) -> Markup:
    """One line of user text in HTML: whitespace runs and newlines become one space."""
    return html(" ".join(str(text).split()) if text is not None else "")


def yaml_value(text: object) -> str:
    """A front-matter value: a JSON string (YAML reads it back verbatim) of HTML-escaped text, since
    themes put the page title and description into HTML as they are."""
    return json.dumps(str(html_line(text)), ensure_ascii=False)


def dot_label(lines: list[str]) -> str:
    """A Graphviz label: backslashes would start DOT escapes (\\N, \\G …); nohtml keeps "<…>" from
    becoming an HTML-like label. The graphviz package quotes the rest."""
    return graphviz.nohtml("\n".join(line.replace("\\", "\\\\") for line in lines))


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def spreadsheet(text: str) -> str:
    """A cell a spreadsheet shows as text and never runs as a formula (OWASP CSV injection): text
    that starts like a formula gets a leading apostrophe."""
    return "'" + text if text.startswith(_FORMULA_START) else text


def github_message(text: str) -> str:
    """The message of a GitHub Actions workflow command."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def github_property(text: str) -> str:
    """A property value (file=, title=) of a GitHub Actions workflow command."""
    return github_message(text).replace(":", "%3A").replace(",", "%2C")
