"""A hand-written Markdown page as plain blocks for print (the binder's 制度 section): headings,
paragraphs, list items and tables, with the inline markup taken out. Only what policy pages use;
anything else prints as its text."""

from __future__ import annotations

import re
from typing import Any

_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MARK = re.compile(r"(\*\*|__|\*|`)")
_ATTR = re.compile(r"\{[:.#][^}]*\}")
_HTML = re.compile(r"<[^>]+>")


def inline(text: str) -> str:
    """A line's text without links' targets, emphasis marks, attribute lists or HTML tags."""
    text = _LINK.sub(r"\1", text)
    text = _ATTR.sub("", text)
    text = _HTML.sub("", text)
    return _MARK.sub("", text).replace("\\", "").strip()


def blocks(markdown: str, skip_title: str | None = None) -> list[dict[str, Any]]:
    """[{"k": "h", "level": 1-3, "t": …} | {"k": "p", "t": …} | {"k": "li", "t": …} | {"k": "table", "rows": [[…]]}]"""
    out: list[dict[str, Any]] = []
    para: list[str] = []
    table: list[list[str]] = []
    fence = False

    def flush() -> None:
        nonlocal para, table
        if para:
            out.append({"k": "p", "t": inline("".join(para))})
            para = []
        if table:
            out.append({"k": "table", "rows": table})
            table = []

    for raw in markdown.splitlines():
        line = raw.strip()
        if line.startswith(("```", "~~~")):
            fence = not fence
            flush()
            continue
        if fence or not line or line.startswith(("<!--", "!!!", "???", "---")):
            flush()
            continue
        if line.startswith("|"):
            if para:
                flush()
            cells = [inline(c) for c in line.strip("|").split("|")]
            if not all(re.fullmatch(r":?-{2,}:?", c.replace(" ", "")) for c in cells):
                table.append(cells)
            continue
        if table:
            flush()
        m = re.match(r"(#{1,6})\s+(.*)", line)
        if m:
            flush()
            title = inline(m.group(2))
            if not (len(m.group(1)) == 1 and title == skip_title):
                out.append({"k": "h", "level": min(3, len(m.group(1))), "t": title})
            continue
        m = re.match(r"([-*+]|\d+[.)])\s+(.*)", line)
        if m:
            flush()
            out.append({"k": "li", "t": inline(m.group(2))})
            continue
        para.append(line)
    flush()
    return [b for b in out if b.get("t", True)]
