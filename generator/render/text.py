"""Escaping YAML text for Markdown, HTML and tables, and small formatting helpers."""

from __future__ import annotations

import html

from ..model import Text, as_list

# Characters that mean something to Markdown, its extensions, HTML or template engines. They are
# written as numeric entities: every Markdown engine passes entities through, browsers show the
# character, and the search index holds the plain text.
_SPECIAL = set("\\`*_{}[]()#+-.!|<>&\"'~^=:$%@")
_TABLE = str.maketrans({c: f"&#{ord(c)};" for c in _SPECIAL})


def esc(text: object) -> str:
    """Escape one line of user text for Markdown or HTML (newlines become spaces)."""
    return " ".join(str(text).split()).translate(_TABLE) if text is not None else ""


def attr(text: object) -> str:
    """Escape text for an HTML attribute value."""
    return html.escape(" ".join(str(text).split()), quote=True)


def block(text: Text) -> str:
    """A text field as Markdown: a paragraph, or a bullet list when it is a list."""
    items = as_list(text)
    if not items:
        return ""
    if isinstance(text, str):
        return "\n\n".join(esc(par) for par in text.split("\n\n") if par.strip()) + "\n"
    return "\n".join(f"- {esc(item)}" for item in items) + "\n"


def cell(text: Text) -> str:
    """A text field inside an HTML or Markdown table cell."""
    items = as_list(text)
    if isinstance(text, list) and len(items) > 1:
        return "<br>".join(f"• {esc(i)}" for i in items)
    return "<br>".join(esc(i) for i in items)


def link(label: str, href: str) -> str:
    """A Markdown link whose label is escaped user text and whose target we built ourselves."""
    return f"[{esc(label)}]({href})"
