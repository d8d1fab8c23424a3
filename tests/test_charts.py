"""Swimlane charts: rendered in-process, geometry checked from the SVG's own coordinates."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import xml.etree.ElementTree as ET

from chart_geometry import check_svg
from office_handbook.config import Settings
from office_handbook.pipeline import check
from office_handbook.render.charts import DENSITIES, WIDTH_BUDGET, _layout, chart_for, layout, to_dot, wrap
from office_handbook.render.context import Context, procedure_page

STRESS = """\
# yaml-language-server: $schema=../../.handbook/schemas/procedure.schema.json
id: stress
code: LC-ZZ-01
title: 压力测试流程
category: 公文管理
version: "1.0"
status: active
owner: office-director
effective: 2026-01-01
review: {interval_months: 12, last: 2026-10-01}
purpose: 检查长标签、六条泳道、回退和嵌套判断。
scope: 测试。
risks:
  - {id: FK1, risk: 风险一, control: 控制一}
  - {id: FK2, risk: 风险二, control: 控制二}
steps:
  - {id: a, name: 提出一个名称非常非常长的申请并附上全部材料, role: departments, records: [shouwen-register], next: b,
     time_limits: [{amount: 2, unit: hour, urgency: urgent}, {amount: 12, unit: hour, urgency: normal}]}
  - id: b
    name: 部门负责人审核申请内容是否齐全完整
    role: office-clerk
    risks: [FK1]
    branches:
      - {label: 材料齐全, next: c}
      - {label: 材料不全需要补正, next: a}
  - id: c
    name: 判断是否重要
    role: office-director
    risks: [FK1, FK2]
    branches:
      - {label: 重要, next: d}
      - {label: 一般, next: e}
  - id: d
    name: 总经理判断是否同意
    role: general-manager
    branches:
      - {label: 同意, next: f}
      - {label: 不同意, next: end}
      - {label: 退回重新审核, next: b}
  - {id: e, name: 分管领导批示, role: deputy-leader, next: f}
  - {id: f, name: 承办部门落实执行并反馈执行结果, role: departments, next: g}
  - {id: g, name: 督办, role: office-clerk, next: h}
  - {id: h, name: 归档, role: office, records: [fawen-register], next: end}
"""


def test_renders_with_no_system_graphviz(book, monkeypatch):
    """Graphviz runs in-process (WebAssembly): no `dot` on PATH is needed."""
    monkeypatch.setenv("PATH", os.path.dirname(shutil.which("python") or "/usr/bin/python3"))
    assert shutil.which("dot") is None
    checked = check(book.root)
    ctx = Context(checked.handbook, Settings(), dt.date(2026, 11, 1))
    p = checked.handbook.procedures["shouwen"]
    svg = chart_for(p, ctx, procedure_page(p))
    assert svg.startswith("<svg") and "签收、登记" in svg
    assert check_svg(svg) == []


def test_stress_fixture_geometry(book):
    book.write("procedures/gongwen/stress.yaml", STRESS)
    checked = check(book.root)
    assert not checked.errors, checked.errors
    ctx = Context(checked.handbook, Settings(), dt.date(2026, 11, 1))
    p = checked.handbook.procedures["stress"]
    svg = chart_for(p, ctx, procedure_page(p))
    assert check_svg(svg) == []
    root = ET.fromstring(svg)
    lanes = [g for g in root.iter("{http://www.w3.org/2000/svg}g") if "lane" in (g.get("class") or "").split()]
    assert [g.get("data-role") for g in lanes] == ["departments", "office-clerk", "office-director", "general-manager",
                                                   "deputy-leader", "office"]
    # the loop back and the three-way decision are edges with their labels
    assert svg.count('flow branch') == 7 and svg.count(' loop') == 2
    for label in ("材料不全需要补正", "退回重新审核", "不同意"):
        assert label in svg
    # risk badges link to the risk table; nodes link to the steps table
    assert 'href="#risk-fk2"' in svg and 'href="#step-a"' in svg
    # the long name was wrapped, not clipped
    assert len(wrap("提出一个名称非常非常长的申请并附上全部材料")) == 3


def test_rows_follow_the_flow(book):
    checked = check(book.root)
    titles = {r.id: r.title for r in checked.handbook.roles.values()}
    lay = layout(checked.handbook.procedures["fawen"], titles)
    row = {n.step.id: n.row for n in lay.nodes if n.step}
    assert row["draft"] < row["check"] < row["gm-sign"] <= row["number"] < row["archive"]
    assert row["leader-sign"] < row["number"]


def test_hostile_labels_cannot_break_the_chart(book):
    evil = 'a"b\\\\N <script>x</script> {{ y }} ]; node [x'
    book.replace("procedures/gongwen/shouwen.yaml", "name: 签收、登记", f"name: '{evil[:24]}'")
    checked = check(book.root)
    assert not checked.errors, checked.errors
    ctx = Context(checked.handbook, Settings(), dt.date(2026, 11, 1))
    p = checked.handbook.procedures["shouwen"]
    dot = to_dot(p, layout(p, {}))
    svg = chart_for(p, ctx, procedure_page(p))
    root = ET.fromstring(svg)  # well-formed XML
    assert not list(root.iter("{http://www.w3.org/2000/svg}script"))
    texts = "".join(t.text or "" for t in root.iter("{http://www.w3.org/2000/svg}text"))
    assert '<script>x</scr' in texts.replace("\n", "")  # drawn as text (wrapped across lines)
    assert "\\\\N" in dot  # backslash escaped in DOT, so \\N is not replaced by the node name




def test_six_lanes_are_laid_out_compactly_to_fit_the_desktop_column(book):
    """Roomy, the six-lane stress chart is wider than a 1280 px desktop's column can show at 11 px labels;
    the chart is drawn more compactly instead, and its SVG then asks for no more than that column."""
    book.write("procedures/gongwen/stress.yaml", STRESS)
    checked = check(book.root)
    titles = {r.id: r.title for r in checked.handbook.roles.values()}
    p = checked.handbook.procedures["stress"]
    assert _layout(p, titles, DENSITIES[0]).width > WIDTH_BUDGET
    lay = layout(p, titles)
    assert lay.density != DENSITIES[0] and lay.width <= WIDTH_BUDGET
    svg = chart_for(p, Context(checked.handbook, Settings(), dt.date(2026, 11, 1)), procedure_page(p))
    assert check_svg(svg) == []
    style = dict(part.split(":") for part in ET.fromstring(svg).get("style").split(";"))
    assert float(style["min-width"].removesuffix("px")) <= 930


def test_wrapped_lines_are_even_and_never_start_with_punctuation():
    assert wrap("填写印章使用申请单", 6) == ["填写印章使", "用申请单"]
    assert wrap("《印章使用申请单》", 7) == ["《印章使", "用申请单》"]
    for text in ("部门负责人是否同意？", "是否需要会签？", "审核、登记，并报送"):
        for width in (3, 4, 5, 6):
            lines = wrap(text, width)
            assert "".join(lines) == text
            assert not any(line[0] in "，。、；：？！》" for line in lines), lines
