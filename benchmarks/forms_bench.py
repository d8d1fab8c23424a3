"""How long the printable-form PDFs take: `python benchmarks/forms_bench.py`.

Prints the first compile of the process (fonts loaded), the median time per record PDF (each compiled
once, as a build does), the total for all shipped records and checklists, a warm rebuild (everything
from the cache, as `mkdocs serve` sees it), and the median PDF size.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from office_handbook.engine import Engine  # noqa: E402
from office_handbook.pipeline import check  # noqa: E402
from office_handbook.render.cache import Cache  # noqa: E402
from office_handbook.render.checklists import checklist_job, checklist_pdf, checklists_of  # noqa: E402
from office_handbook.render.typst_forms import record_job, record_pdf  # noqa: E402

ORG = "××公司"


def main() -> None:
    argparse.ArgumentParser(description=__doc__).parse_args()
    checked = check(REPO, dt.date.today())
    hb = checked.handbook
    office = checked.settings.office
    records = sorted(hb.records.values(), key=lambda r: r.code)
    checklists = [c for role in hb.roles.values() for c in checklists_of(role)]
    if not records:
        sys.exit("no records loaded")

    start = time.perf_counter()
    record_pdf(hb, ORG, records[0])
    first = time.perf_counter() - start

    # one compile per record, in one pass: Typst memoizes layout inside a process, so compiling the same
    # source again would measure that memo, not a real change of a form
    per_record: list[float] = []
    sizes: list[int] = []
    for r in records:
        t = time.perf_counter()
        pdf = record_pdf(hb, ORG, r)
        per_record.append(time.perf_counter() - t)
        sizes.append(len(pdf))
    total_records = sum(per_record)
    t = time.perf_counter()
    for r in records:
        record_pdf(hb, ORG, r)
    memo = time.perf_counter() - t
    t = time.perf_counter()
    for c in checklists:
        checklist_pdf(c, ORG, office)
    total_checklists = time.perf_counter() - t
    jobs = [record_job(hb, ORG, r) for r in records] + [checklist_job(c, ORG, office) for c in checklists]
    engine = Engine(Cache(None), workers=1)
    engine.run(jobs)
    t = time.perf_counter()
    engine.run([record_job(hb, ORG, r) for r in records] + [checklist_job(c, ORG, office) for c in checklists])
    warm = time.perf_counter() - t

    slowest = max(zip(per_record, records, strict=True), key=lambda x: x[0])
    print(f"records: {len(records)}, checklists: {len(checklists)}")
    print(f"first compile in process (fonts loaded): {first * 1000:.0f} ms")
    print(f"median per record PDF: {statistics.median(per_record) * 1000:.1f} ms "
          f"(slowest {slowest[1].id}: {slowest[0] * 1000:.1f} ms)")
    print(f"total, all shipped records: {total_records * 1000:.0f} ms; all checklists: {total_checklists * 1000:.0f} ms")
    print(f"all records again, no cache (Typst's own memo warm): {memo * 1000:.0f} ms")
    print(f"warm rebuild from the engine's cache (serve, nothing changed; jobs made again): {warm * 1000:.1f} ms")
    print(f"median PDF size: {statistics.median(sizes) / 1024:.1f} KiB (max {max(sizes) / 1024:.1f} KiB)")


if __name__ == "__main__":
    main()
