"""The shipped example handbook through the tool: every chart passes the geometry check, and every
record prints on its paper with all of its labels. (The tool's own tests use fixture handbooks.)"""

from __future__ import annotations

import datetime as dt

import pytest
from test_forms_pdf import ORG, assert_record_pdf, flat

from chart_geometry import check_svg
from conftest import REPO, SHIPPED
from office_handbook.render.charts import chart_for
from office_handbook.render.context import Context, procedure_page
from office_handbook.render.typst_forms import record_pdf

PROCEDURE_IDS = sorted(p.stem for p in (REPO / "procedures").glob("**/*.yaml"))
RECORD_IDS = sorted(p.stem for p in (REPO / "records").glob("*.yaml"))


@pytest.mark.parametrize("proc_id", PROCEDURE_IDS)
def test_every_shipped_chart(proc_id):
    assert not SHIPPED.errors, SHIPPED.errors[:3]
    ctx = Context(SHIPPED.handbook, SHIPPED.settings, dt.date(2026, 11, 1))
    p = SHIPPED.handbook.procedures[proc_id]
    svg = chart_for(p, ctx, procedure_page(p))
    assert check_svg(svg) == []
    assert svg.count('class="node step') == len(p.steps) or svg.count("step") >= len(p.steps)


@pytest.mark.parametrize("record_id", RECORD_IDS)
def test_every_shipped_record_prints_on_its_paper(record_id):
    shipped = SHIPPED.handbook
    r = shipped.records.get(record_id)
    assert r is not None, f"records/{record_id}.yaml did not load"
    pdf = record_pdf(shipped, ORG, r)
    text = assert_record_pdf(pdf, r)
    for label in [f.label for f in r.fields] + [c.label for c in r.columns] + [a.label for a in r.approvals] + r.signatures:
        assert flat(label) in text, f"{r.id}: {label!r} not printed"
