"""Generated pages of the admin guide (from tables in the code, so they never drift)."""

from __future__ import annotations

from ..problems import CODES
from . import pages as pg
from .templating import render

GROUPS = (("E1", "读取文件"), ("E2", "文件之间的引用"), ("E3", "键和值（JSON Schema）"), ("E4", "流程的走向"), ("W5", "警告"))


def render_error_codes() -> str:
    page = pg.ErrorCodesPage(
        front=pg.FrontMatter("错误代码", None, "handbook check 报告的每个代码的含义和改法。"),
        groups=tuple(pg.ErrorGroup(title, tuple(pg.ErrorCode(code, info.title, info.fix) for code, info in CODES.items()
                                                 if code.startswith(prefix)))
                     for prefix, title in GROUPS),
    )
    return render("error_codes.md.j2", page=page)
