"""Duty checklists: one printable sheet per role and frequency — tasks as rows, periods as columns."""

from __future__ import annotations

import math
from dataclasses import dataclass

from ..labels import FREQUENCY_NAMES
from ..model import Role, Task
from . import cache
from .form_layout import HEAD_MM, META_PT, SAFETY_MM, Paper
from .typst_forms import SheetJob, sheet_data, sheet_job

# the columns of each frequency, and the line that says which period a sheet covers
PERIODS: dict[str, list[str]] = {
    "daily": ["周一", "周二", "周三", "周四", "周五"],
    "weekly": ["第1周", "第2周", "第3周", "第4周", "第5周"],
    "monthly": [f"{m}月" for m in range(1, 13)],
    "quarterly": ["第一季度", "第二季度", "第三季度", "第四季度"],
    "half-yearly": ["上半年", "下半年"],
    "yearly": ["　　　年", "　　　年", "　　　年"],
}
PERIOD_LINES: dict[str, str] = {
    "daily": "期间：　　　　年　　月　　日至　　月　　日（第　　周）",
    "weekly": "期间：　　　　年　　月",
    "monthly": "年度：　　　　年",
    "quarterly": "年度：　　　　年",
    "half-yearly": "年度：　　　　年",
    "yearly": "期间：　　　　年至　　　　年",
}
LEGEND = "说明：每项工作完成后在对应的“□”内打“√”，未完成的打“×”，并在备注栏注明原因。"
TASK_MM = 12.0
BLANK_ROW_MM = 10.0
SIGN_ROWS_MM = 2 * 9.0 + 4.0
BOTTOM_MM = 20.0  # legend and signature line under the table


@dataclass
class Checklist:
    role: Role
    frequency: str
    tasks: list[Task]

    @property
    def title(self) -> str:
        return f"{self.role.title}{FREQUENCY_NAMES[self.frequency]}工作检查表"

    @property
    def periods(self) -> list[str]:
        return PERIODS[self.frequency]

    @property
    def paper(self) -> Paper:
        return Paper("A4", "landscape" if len(self.periods) > 6 else "portrait")

    @property
    def file_name(self) -> str:
        return f"{self.role.id}-{self.frequency}.pdf"

    def blank_rows(self) -> int:
        """Spare rows for tasks added by hand, enough to fill the page."""
        p = self.paper
        used = HEAD_MM[p.size] + 10.0 + len(self.tasks) * TASK_MM + SIGN_ROWS_MM + BOTTOM_MM + SAFETY_MM
        return max(0, min(12, math.floor((p.inner_height - used) / BLANK_ROW_MM)))


def checklists_of(role: Role) -> list[Checklist]:
    return [Checklist(role, freq, tasks) for freq, tasks in role.tasks_by_frequency().items()]


def checklist_inputs(c: Checklist, org: str, office: str) -> str:
    """The JSON text templates/sheets.typ typesets the checklist from."""
    p = c.paper
    wide = len(c.periods) > 6
    data = sheet_data(p, org, c.title) | {
        "meta_pt": META_PT[p.size] + 1, "meta": PERIOD_LINES[c.frequency],
        "role_label": "执行人", "pt": p.body_pt, "periods": c.periods,
        "tasks": [{"name": t.name, "when": t.when} for t in c.tasks],
        "task_h": TASK_MM, "blank_rows": c.blank_rows(), "blank_h": BLANK_ROW_MM, "task_w": 4.0 if wide else 3.5,
        "note_w": 1.5, "legend": LEGEND,
    }
    footer = f"依据：{c.role.title}岗位定期任务（{FREQUENCY_NAMES[c.frequency]}）· {office}"
    return sheet_job(p, c.title, footer, "checklist", data)


checklist_source = checklist_inputs  # the old name


def checklist_job(c: Checklist, org: str, office: str) -> SheetJob:
    data = checklist_inputs(c, org, office)
    return SheetJob(cache.key("sheet", data), data, c.role.path)


def checklist_pdf(c: Checklist, org: str, office: str) -> bytes:
    """One checklist's PDF, made here (for tests and tools; the site's PDFs go through the engine)."""
    return checklist_job(c, org, office).run()
