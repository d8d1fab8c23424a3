"""Generated pages of the admin guide (from tables in the code, so they never drift)."""

from __future__ import annotations

from ..problems import CODES
from .procedure_page import front_matter
from .text import esc


def render_error_codes() -> str:
    out = [front_matter("错误代码", None, description="handbook check 报告的每个代码的含义和改法。")]
    out.append("# 错误代码\n\n`handbook check`、`handbook build` 和 CI 报告的每个问题都是一行：\n\n"
               "```\n文件:行:列: 代码 说明和改法\n```\n\n"
               "以 E 开头的是错误（构建失败，不会写出网站）；以 W 开头的是警告（构建照常进行）。\n\n")
    groups = [("E1", "读取文件"), ("E2", "文件之间的引用"), ("E3", "键和值（JSON Schema）"), ("E4", "流程的走向"), ("W5", "警告")]
    for prefix, title in groups:
        out.append(f"## {title}\n\n| 代码 | 问题 | 怎么改 |\n|---|---|---|\n")
        for code, info in CODES.items():
            if code.startswith(prefix):
                out.append(f'| <span id="{code.lower()}"></span>`{code}` | {esc(info.title)} | {esc(info.fix)} |\n')
        out.append("\n")
    return "".join(out)
