"""Time the swimlane charts: median per chart and all shipped charts (first render warms up the WASM)."""

from __future__ import annotations

import datetime as dt
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from office_handbook.engine import Engine  # noqa: E402
from office_handbook.pipeline import check  # noqa: E402
from office_handbook.render import charts  # noqa: E402
from office_handbook.render.cache import Cache  # noqa: E402
from office_handbook.render.charts import chart_jobs  # noqa: E402
from office_handbook.render.context import Context  # noqa: E402


def main() -> None:
    checked = check(ROOT, dt.date.today())
    ctx = Context(checked.handbook, checked.settings, dt.date.today())
    jobs = chart_jobs(ctx)
    t0 = time.perf_counter()
    charts.render_svg("digraph { a }")
    warm = time.perf_counter() - t0
    layout_dot, render, decorate = [], [], []
    for job in jobs.values():
        p = job.procedure
        t = time.perf_counter()
        lay = charts.layout(p, job.titles)
        dot = charts.to_dot(p, lay)
        t1 = time.perf_counter()
        svg = charts.render_svg(dot)
        t2 = time.perf_counter()
        charts.decorate(svg, p, lay, job.lanes, charts.describe(p, {r: lane.title for r, lane in job.lanes.items()}))
        t3 = time.perf_counter()
        layout_dot.append(t1 - t), render.append(t2 - t1), decorate.append(t3 - t2)
    total = [a + b + c for a, b, c in zip(layout_dot, render, decorate)]
    engine = Engine(Cache(None), workers=1)
    engine.run(list(jobs.values()))
    t = time.perf_counter()
    engine.run(list(chart_jobs(ctx).values()))  # all cached now: what `serve` pays when nothing changed
    cached = time.perf_counter() - t
    print(f"charts: {len(jobs)} procedures")
    print(f"  first render in a process (WASM start-up): {warm * 1000:8.1f} ms")
    print(f"  median per chart   layout+DOT {statistics.median(layout_dot) * 1000:6.2f} ms | Graphviz {statistics.median(render) * 1000:6.2f} ms"
          f" | SVG post-processing {statistics.median(decorate) * 1000:6.2f} ms | total {statistics.median(total) * 1000:6.2f} ms")
    print(f"  all shipped charts (uncached): {sum(total) * 1000:8.1f} ms")
    print(f"  all shipped charts (cached, jobs made again): {cached * 1000:8.1f} ms")


if __name__ == "__main__":
    main()
