"""流程图上墙: each procedure's chart alone on one sheet for the office wall, A4 or A3 and turned to
whichever draws it larger, headed by its title, code, version and owner. Typst sets the printed chart
(the compact one the site prints) with templates/wall.typ; all text reaches it as JSON data."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import ClassVar, NamedTuple

from ..model import Procedure
from . import cache
from .charts import PX_PT, SMALLEST_FONT
from .context import Context
from .typst_forms import SANS, SERIF, compile_in_folder, job_json, template

TEMPLATE = "wall.typ"
MARGIN_MM = 12.0
CHROME_MM = 24.0  # title row, rules and footer above and below the chart
PAPERS = {"A4": (297.0, 210.0), "A3": (420.0, 297.0)}  # landscape, mm
PX_MM = 25.4 / 96
WALL_PT = 9.0  # read from a step away: the A4 sheet only when its smallest labels print at least this large


class Sheet(NamedTuple):
    paper: str  # A4 | A3
    landscape: bool
    smallest_pt: float

    @property
    def label(self) -> str:
        return f"{self.paper}{'横向' if self.landscape else '纵向'}"


def wall_file(p: Procedure) -> str:
    return f"{p.folder}/{p.id}-wall.pdf"


def sheet_for(svg: str) -> Sheet:
    """The paper and orientation for a chart drawn `svg` (its width and height in px)."""
    w, h = (float(re.search(rf'\b{k}="([\d.]+)', svg[:2000]).group(1)) for k in ("width", "height"))
    for paper, (long, short) in PAPERS.items():
        sheet = max((Sheet(paper, landscape, SMALLEST_FONT * _scale(w, h, *((long, short) if landscape else (short, long))) * PX_PT)
                     for landscape in (True, False)), key=lambda s: s.smallest_pt)  # landscape on a tie
        if sheet.smallest_pt >= WALL_PT:
            break
    return sheet  # else A3 at its best


def _scale(w: float, h: float, page_w: float, page_h: float) -> float:
    room_w, room_h = (page_w - 2 * MARGIN_MM) / PX_MM, (page_h - 2 * MARGIN_MM - CHROME_MM) / PX_MM
    return min(room_w / w, room_h / h)


def wall_data(ctx: Context, p: Procedure, sheet: Sheet) -> dict:
    s, hb = ctx.settings, ctx.hb
    return {
        "paper": sheet.paper.lower(), "flipped": sheet.landscape, "margin": MARGIN_MM, "sans": SANS, "serif": SERIF,
        "title": p.title,
        "meta": f"编号 {p.code} · 版本 {p.version} · 责任岗位 {hb.role_title(p.owner)} · 生效 {p.effective}",
        "footer": f"{s.organisation}{s.office} · {s.site_title} · 以手册网站上的现行版本为准",
    }


def compile_wall(data_json: str, svg: str) -> bytes:
    return compile_in_folder(TEMPLATE, data_json, {"chart.svg": svg}, "handbook-wall-")


@dataclass(frozen=True)
class WallJob:
    key: str
    data_json: str
    svg: str
    kind: ClassVar[str] = "wall-chart"
    cost: ClassVar[float] = 0.1

    def run(self) -> bytes:
        return compile_wall(self.data_json, self.svg)


def wall_jobs(ctx: Context, printed: dict[str, str]) -> tuple[dict[str, WallJob], dict[str, Sheet]]:
    """A job for every procedure with a printed chart, by its PDF's path; and each one's sheet, by procedure id."""
    jobs, sheets = {}, {}
    for p in ctx.procedures():
        svg = printed.get(p.id)
        if svg is None:
            continue
        sheets[p.id] = sheet = sheet_for(svg)
        data = job_json(wall_data(ctx, p, sheet))
        jobs[wall_file(p)] = WallJob(cache.key(template(TEMPLATE), data, svg), data, svg)
    return jobs, sheets
