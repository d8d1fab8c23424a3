"""Big index tables as raw HTML: Python-Markdown's inline processing of a 2,000-row table takes
minutes, while an HTML block passes straight through. Links become final URLs here, since MkDocs
does not rewrite links inside raw HTML."""

from __future__ import annotations

import posixpath
import re

from .context import Context

_LINK = re.compile(r"\[([^\]]*)\]\(([^)\s]+)\)")
_BOLD = re.compile(r"\*\*(.+?)\*\*")


def _inline(ctx: Context, page: str, cell: str) -> str:
    def link(m: re.Match) -> str:
        target, _, fragment = m.group(2).partition("#")
        resolved = posixpath.normpath(posixpath.join(posixpath.dirname(page), target)) if target else page
        href = (ctx.url(page, resolved) if target else "") + (f"#{fragment}" if fragment else "")
        return f'<a href="{href}">{m.group(1)}</a>'

    return _BOLD.sub(r"<strong>\1</strong>", _LINK.sub(link, cell))


def _cells(line: str) -> list[str]:
    return [c.strip() for c in line.strip().strip("|").split(" | ")]


def tables_to_html(ctx: Context, page: str, markdown: str) -> str:
    """Every Markdown table of a generated page (cells joined by " | ", as our renderers write them)
    becomes an HTML table with the same content."""
    lines = markdown.split("\n")
    out: list[str] = []
    i = 0
    while i < len(lines):
        if lines[i].startswith("|") and i + 1 < len(lines) and lines[i + 1].startswith("|---"):
            head = _cells(lines[i])
            rows = []
            i += 2
            while i < len(lines) and lines[i].startswith("|"):
                rows.append(_cells(lines[i]))
                i += 1
            html = ["<table><thead><tr>", *(f"<th>{_inline(ctx, page, c)}</th>" for c in head), "</tr></thead><tbody>"]
            for row in rows:
                html.append("<tr>" + "".join(f"<td>{_inline(ctx, page, c)}</td>" for c in row) + "</tr>")
            html.append("</tbody></table>")
            out.append("".join(html))
            continue
        out.append(lines[i])
        i += 1
    return "\n".join(out)
