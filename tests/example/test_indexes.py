"""The audit indexes agree with the model: RACI, retention schedule, time limits, review plan."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from conftest import SHIPPED, SHIPPED_HB
from office_handbook.render.context import Context
from office_handbook.render.indexes import raci, render_indexes

CHECKED = SHIPPED
HB = SHIPPED_HB
TODAY = dt.date(2026, 11, 23)


@pytest.fixture(scope="module")
def pages() -> dict[str, str]:
    return render_indexes(Context(HB, CHECKED.settings, TODAY), set())


def table_rows(page: str) -> list[list[str]]:
    """Rows of the page's HTML tables (the indexes are raw HTML tables), each a list of cell HTML."""
    return [re.findall(r"<t[hd]>(.*?)</t[hd]>", row) for row in re.findall(r"<tr>(.*?)</tr>", page)]


def link_text(cell: str) -> str:
    return re.sub(r"<[^>]+>", "", cell)


def test_every_step_role_is_in_its_raci_row(pages):
    ctx = Context(HB, CHECKED.settings, TODAY)
    rows = table_rows(pages["indexes/raci.md"])
    header = rows[len([r for r in rows if r[0].startswith("<strong>")]) + 1]  # after the legend table
    role_cols = [link_text(c) for c in header[1:]]
    by_title = {link_text(r[0]): r[1:] for r in rows if r[0].startswith("<a ")}
    for p in ctx.procedures():
        letters = dict(zip(role_cols, by_title[p.title]))
        for s in p.steps:
            cell = link_text(letters[HB.role_title(s.role)])
            assert ("A" if s.is_decision else "R") in cell, (p.id, s.id, s.role, cell)
        assert "A" in link_text(letters[HB.role_title(p.owner)]), (p.id, p.owner)
    assert "R" in raci(ctx, HB.procedures["shouwen"])["office-clerk"]


def test_each_record_retention_appears_once(pages):
    from office_handbook.labels import ARCHIVE_CLASS_NAMES

    table = table_rows(pages["indexes/retention.md"])
    col = {link_text(c): i for i, c in enumerate(next(r for r in table if r and link_text(r[0]) == "编号"))}
    rows = [r for r in table if r[0].startswith("GL/")]
    codes = [r[0] for r in rows]
    assert sorted(codes) == sorted(r.code for r in HB.records.values())
    assert len(codes) == len(set(codes))
    for r, row in zip(sorted(HB.records.values(), key=lambda r: (r.lifecycle.retention_years, r.code)), rows):
        lc = r.lifecycle
        assert lc.retention_label in row[col["本单位保存期限"]], (r.id, row)
        archive_class = link_text(row[col["档案保管期限"]])
        if lc.archive_class:  # the office's own period and the national class side by side
            assert archive_class == ARCHIVE_CLASS_NAMES[lc.archive_class] and lc.archive_when and lc.archive_when in row[col["归档时间"]], (r.id, row)
        else:
            assert archive_class == "—" and "不归档" in row[col["归档时间"]], (r.id, row)
        assert archive_class in ("永久", "定期30年", "定期10年", "—")
        if lc.destroy:
            assert HB.role_title(lc.destroy) in row[col["销毁责任人"]]
    years = [float(re.search(r'data-sort="([\d.]+)"', row[col["本单位保存期限"]]).group(1)) for row in rows]
    assert years == sorted(years)


def test_time_limit_table_lists_every_limit(pages):
    md = pages["indexes/time-limits.md"]
    rows = [r for r in table_rows(md) if r[0].startswith("<a ") and len(r) == 8]
    total = sum(len(s.time_limits) for p in HB.procedures.values() for s in p.steps)
    assert len(rows) == total
    assert f"全手册共 {total} 项时限" in md


def test_review_plan_overdue_first():
    late = TODAY + dt.timedelta(days=800)
    md = render_indexes(Context(HB, CHECKED.settings, late), set())["indexes/review.md"]
    rows = [r for r in table_rows(md) if r[0].startswith("<a ")]
    assert len(rows) == len(HB.procedures)
    dates = [r[6] for r in rows]
    assert dates == sorted(dates)
    assert all("已逾期" in r[7] for r in rows if r[3] == "现行有效")
