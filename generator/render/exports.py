"""Auditor exports: the RACI matrix, retention schedule and time-limit table as CSV and XLSX."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import ClassVar

from ..labels import SECRECY_NAMES, URGENCY_NAMES
from . import cache
from .context import Context
from .escape import spreadsheet
from .indexes import raci

Table = tuple[list[str], list[list[str]]]


def raci_table(ctx: Context) -> Table:
    matrix = {p.id: raci(ctx, p) for p in ctx.procedures()}
    roles = [r for r in ctx.roles() if any(r.id in m for m in matrix.values())]
    header = ["流程编号", "流程", "类别", *[r.title for r in roles]]
    rows = [[p.code, p.title, p.category, *[matrix[p.id].get(r.id, "") for r in roles]] for p in ctx.procedures()]
    return header, rows


def retention_table(ctx: Context) -> Table:
    hb = ctx.hb
    header = ["表单编号", "表单", "密级", "编制", "填写", "审核", "保管", "本单位保存期限", "保存年数", "归档时间", "档案保管期限",
              "凭证所证明的记录", "销毁责任人", "说明"]
    rows = []
    for r in sorted(ctx.records(), key=lambda r: (r.lifecycle.retention_years, r.code)):
        lc = r.lifecycle
        years = str(lc.retention) if isinstance(lc.retention, int) else ""
        proves = "、".join(hb.records[x].title for x in r.evidences if x in hb.records)
        rows.append([r.code, r.title, SECRECY_NAMES.get(r.secrecy or "", ""), hb.role_title(lc.prepare),
                     "、".join(map(hb.role_title, lc.fill)), "、".join(map(hb.role_title, lc.review)), hb.role_title(lc.keeper),
                     lc.retention_label, years, (lc.archive_when or "") if lc.archive_class else "不归档",
                     lc.archive_label, proves, hb.role_title(lc.destroy), lc.note or ""])
    return header, rows


def time_limit_table(ctx: Context) -> Table:
    hb = ctx.hb
    header = ["流程编号", "流程", "步骤序号", "步骤", "岗位", "紧急程度", "条件", "类型", "数量", "单位", "时限", "起算", "说明"]
    units = {"minute": "分钟", "hour": "小时", "day": "日", "workday": "工作日", "week": "周", "month": "月"}
    rows = []
    for p in ctx.procedures():
        for s, t in p.time_limits():
            rows.append([p.code, p.title, str(s.number), s.name, hb.role_title(s.role), URGENCY_NAMES.get(t.urgency or "", "不分"),
                         t.condition or "", "提前" if t.kind == "before" else "之内", t.amount_text, units[t.unit], t.short,
                         t.start or "", t.note or ""])
    return header, rows


TABLES = {"raci": ("RACI职责矩阵", raci_table), "retention": ("表单保存期限表", retention_table),
          "time-limits": ("时限一览", time_limit_table)}


csv_cell = spreadsheet


def to_csv(table: Table) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow([csv_cell(c) for c in table[0]])
    writer.writerows([csv_cell(c) for c in row] for row in table[1])
    return buf.getvalue().encode("utf-8-sig")  # the BOM makes Excel read the Chinese correctly


def to_xlsx(title: str, table: Table) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    wb = Workbook(write_only=True)  # streams rows: several times faster for big tables
    ws = wb.create_sheet(title[:31])
    header, rows = table
    for i, name in enumerate(header, 1):
        width = max([len(name), *(len(r[i - 1]) for r in rows)] or [4])
        ws.column_dimensions[get_column_letter(i)].width = min(max(6, width * 2 + 2), 40)
    ws.freeze_panes = "C2"
    head = []
    for name in header:
        cell = _text_cell(ws, name)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="E8EAF6")
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        head.append(cell)
    ws.append(head)
    for row in rows:
        ws.append([int(c) if c.isascii() and c.isdigit() and len(c) < 6 else _text_cell(ws, c) for c in row])
    wb.properties.creator = "handbook"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _text_cell(ws, text: str):
    """A cell holding `text` as a string: openpyxl would store text that starts with = as a formula."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    cell = WriteOnlyCell(ws, value=None)
    cell._value = ILLEGAL_CHARACTERS_RE.sub("", text)  # set directly: assigning .value guesses a type, and "=…" becomes a formula
    cell.data_type = "s"
    return cell


@dataclass(frozen=True)
class XlsxJob:
    """One workbook, made by the engine: `serve` lets it follow a save a moment late, like the binder."""

    key: str
    title: str
    table: Table
    kind: ClassVar[str] = "xlsx"

    @property
    def cost(self) -> float:
        return 2e-5 * len(self.table[0]) * (len(self.table[1]) + 1)  # about 20 µs a cell, measured at N=500

    def run(self) -> bytes:
        return to_xlsx(self.title, self.table)


def render_exports(ctx: Context) -> tuple[dict[str, bytes], dict[str, XlsxJob]]:
    """The CSV files, and a job for each workbook, by path."""
    files: dict[str, bytes] = {}
    jobs: dict[str, XlsxJob] = {}
    for key, (title, build) in TABLES.items():
        table = build(ctx)
        data = to_csv(table)
        files[f"indexes/{key}.csv"] = data
        jobs[f"indexes/{key}.xlsx"] = XlsxJob(cache.key("xlsx", title, data), title, table)  # the workbook only changes when the table does
    return files, jobs
