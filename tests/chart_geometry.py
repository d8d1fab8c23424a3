"""Read a rendered swimlane SVG back and check its geometry from the SVG's own coordinates."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from office_handbook.render.charts import text_width

NS = {"s": "http://www.w3.org/2000/svg"}


def _points(el) -> list[tuple[float, float]]:
    if el.tag.endswith("polygon"):
        nums = [float(v) for v in re.split(r"[ ,]+", el.get("points").strip())]
        return list(zip(nums[::2], nums[1::2]))
    if el.tag.endswith("path"):
        nums = [float(v) for v in re.findall(r"-?\d+(?:\.\d+)?", el.get("d"))]
        return list(zip(nums[::2], nums[1::2]))
    if el.tag.endswith("ellipse"):
        cx, cy, rx, ry = (float(el.get(k)) for k in ("cx", "cy", "rx", "ry"))
        return [(cx - rx, cy - ry), (cx + rx, cy + ry)]
    raise AssertionError(el.tag)


def _bbox(pts):
    xs, ys = [p[0] for p in pts], [p[1] for p in pts]
    return min(xs), min(ys), max(xs), max(ys)


def check_svg(svg: str) -> list[str]:
    """Problems found: text outside its shape, node outside its lane, lanes of unequal height."""
    root = ET.fromstring(svg)
    problems = []
    lanes = {}
    for g in root.iter("{http://www.w3.org/2000/svg}g"):
        if "lane" in (g.get("class") or "").split():
            rect = g.find("s:rect", NS)
            x, y, w, h = (float(rect.get(k)) for k in ("x", "y", "width", "height"))
            lanes[g.get("data-role")] = (x, y, x + w, y + h)
            title = g.find(".//s:text", NS)
            hx, hy, hw, hh = (float(g.find("s:rect[@class='lane-header']", NS).get(k)) for k in ("x", "y", "width", "height"))
            size = float(title.get("font-size"))
            spans = title.findall("s:tspan", NS) or [title]
            for span in spans:  # a long title is on two lines (tspans), each inside the header
                tw = text_width(span.text, size)
                ty = float(span.get("y"))
                if tw > w - 8 or ty - size * 0.88 < hy or ty + size * 0.12 > hy + hh:
                    problems.append(f"lane header {span.text} does not fit its header")
    if not lanes:
        problems.append("no lanes")
    heights = {round(b[3] - b[1], 1) for b in lanes.values()}
    tops = {round(b[1], 1) for b in lanes.values()}
    if len(heights) > 1 or len(tops) > 1:
        problems.append(f"lanes differ in height or top: {heights} {tops}")
    nodes = 0
    for g in root.iter("{http://www.w3.org/2000/svg}g"):
        classes = (g.get("class") or "").split()
        if "node" not in classes:
            continue
        shape = next((el for el in g.iter() if el.tag.split("}")[1] in ("polygon", "path", "ellipse")), None)
        if shape is None:
            continue  # invisible corner points
        nodes += 1
        x0, y0, x1, y1 = _bbox(_points(shape))
        name = g.findtext("s:title", namespaces=NS)
        diamond = "decision" in classes
        cx, cy, hw, hh = (x0 + x1) / 2, (y0 + y1) / 2, (x1 - x0) / 2, (y1 - y0) / 2
        for t in g.iter("{http://www.w3.org/2000/svg}text"):
            size = float(t.get("font-size"))
            tw = text_width(t.text or "", size)
            tx, ty = float(t.get("x")), float(t.get("y"))
            left, right, top, bottom = tx - tw / 2, tx + tw / 2, ty - size * 0.88, ty + size * 0.12
            if diamond:  # every corner of the text box inside the diamond, with a margin
                inside = all(abs(px - cx) / hw + abs(py - cy) / hh <= 0.97 for px in (left, right) for py in (top, bottom))
            else:  # at least 4 units of padding inside the box
                inside = left >= x0 + 4 and right <= x1 - 4 and top >= y0 + 2 and bottom <= y1 - 2
            if not inside:
                problems.append(f"text {t.text!r} of {name} does not fit its shape")
        role = next((c[3:] for c in classes if c.startswith("in-")), None)
        if role is None:
            problems.append(f"node {name} has no lane")
            continue
        lx0, ly0, lx1, ly1 = lanes[role]
        if not (x0 >= lx0 and x1 <= lx1 and y0 >= ly0 and y1 <= ly1):
            problems.append(f"node {name} is outside lane {role}")
    if nodes == 0:
        problems.append("no nodes")
    return problems
