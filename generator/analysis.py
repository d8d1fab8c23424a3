"""Derived facts, each computed in one place: when a procedure is due for review and whether it is
overdue, the review plan, RACI letters, the counts of the handbook, and how a step's way on is named.
The checks, the renderers and the CLI all ask here instead of working it out again."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .labels import ARCHIVE_CLASS_YEARS
from .model import Handbook, Lifecycle, Procedure, RecordType


@dataclass(frozen=True)
class ReviewState:
    due: dt.date  # the next review date
    days_left: int  # negative when overdue
    active: bool  # only procedures in force are reviewed

    @property
    def overdue(self) -> bool:
        return self.active and self.days_left < 0

    def due_within(self, days: int) -> bool:
        return self.active and self.days_left <= days

    @property
    def words(self) -> str:
        if not self.active:
            return "—"
        if self.days_left < 0:
            return f"已逾期 {-self.days_left} 天"
        return f"{self.days_left} 天后到期"


def review(p: Procedure, today: dt.date) -> ReviewState:
    return ReviewState(p.next_review, (p.next_review - today).days, p.status == "active")


def overdue(hb: Handbook, today: dt.date) -> list[Procedure]:
    return [p for p in hb.procedures.values() if review(p, today).overdue]


def review_plan(hb: Handbook, today: dt.date, within_days: int | None = None) -> list[tuple[Procedure, ReviewState]]:
    """Procedures by next review date (earliest first); with `within_days`, only active ones due by then."""
    rows = [(p, review(p, today)) for p in hb.procedures.values()]
    if within_days is not None:
        rows = [(p, r) for p, r in rows if r.due_within(within_days)]
    return sorted(rows, key=lambda row: (row[1].due, row[0].code))


def raci(hb: Handbook, p: Procedure) -> dict[str, str]:
    """Letters per role for one procedure, derived from its steps, owner and the records it uses."""
    letters: dict[str, set[str]] = {}

    def add(role: str | None, letter: str) -> None:
        if role:
            letters.setdefault(role, set()).add(letter)

    add(p.owner, "A")
    for s in p.steps:
        add(s.role, "A" if s.is_decision else "R")
    for rid in p.records_used():
        rec = hb.records.get(rid)
        if not rec:
            continue
        for role in rec.lifecycle.review:
            if role not in letters:
                add(role, "C")
        for role in [*rec.lifecycle.fill, rec.lifecycle.keeper]:
            if role and role not in letters:
                add(role, "I")
    return {role: "/".join(ch for ch in "ARCI" if ch in ls) for role, ls in letters.items()}


STAT_NAMES = {
    "procedures": "流程", "steps": "步骤", "decisions": "判断点", "records": "表单/记录", "roles": "岗位",
    "recurring_tasks": "定期任务", "time_limits": "时限", "risks": "风险点", "policies": "制度",
}


def stats(hb: Handbook) -> dict[str, int]:
    procs = hb.procedures.values()
    return {
        "procedures": len(hb.procedures),
        "steps": sum(len(p.steps) for p in procs),
        "decisions": sum(1 for p in procs for s in p.steps if s.is_decision),
        "records": len(hb.records),
        "roles": len(hb.roles),
        "recurring_tasks": sum(len(r.tasks) for r in hb.roles.values()),
        "time_limits": sum(len(s.time_limits) for p in procs for s in p.steps),
        "risks": sum(len(p.risks) for p in procs),
        "policies": len(hb.policies),
    }


def way_on(p: Procedure, target: str, *, go: str = "", end: str = "结束") -> str:
    """Where a step's `next` or a branch leads, in words: 第3步 (or 转第3步 with go="转"), or the end."""
    if target == "end":
        return end
    s = p.step(target)
    return f"{go}第{s.number}步" if s else f"{go}{' ' if go else ''}{target}"


def archive_words(lc: Lifecycle) -> str:
    """When and as what a record is archived, in the words of 国家档案局令第10号; or that it is not."""
    if not lc.archive_class:
        return "不归档"
    when = f"{lc.archive_when}归档" if lc.archive_when else "归档"
    return f"{when}，档案保管期限{lc.archive_label}"


def kept_years(r: RecordType) -> float:
    """How long a record exists in the end: its archive class if it is archived, else the office's own period."""
    lc = r.lifecycle
    return max(lc.retention_years, ARCHIVE_CLASS_YEARS.get(lc.archive_class or "", 0.0))
