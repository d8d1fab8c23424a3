"""Escaping everywhere: a handbook whose every text field holds hostile strings is built for real
(MkDocs, charts, PDFs), then the HTML, SVG, DOT, PDF and search index are checked."""

from __future__ import annotations

import io
import json
import shutil
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest
from pypdf import PdfReader

from conftest import make_mini
from office_handbook.cli import main

EVIL = '<script>alert("x")</script><img src=x onerror=alert(1)> {{ config }} {% if 1 %} [a](javascript:alert(1)) **b** _i_ `c` | \\N "q" \'s\' & # $ @ // ]'


def evil(limit: int) -> str:
    return EVIL if len(EVIL) <= limit else ('<b>"&\\#$@]|{{x}}' + EVIL)[:limit]


def hostile_handbook(root):
    make_mini(root)
    for d in ("procedures", "records", "roles"):
        shutil.rmtree(root / d)
    (root / "docs/policies/evil.md").write_text("---\ntitle: 制度\n---\n# 制度\n", encoding="utf-8")
    for d in ("procedures/x", "records", "roles"):
        (root / d).mkdir(parents=True)

    def dump(rel, data, schema):
        (root / rel).write_text(f"# yaml-language-server: $schema={schema}\n" + json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")

    for rid in ("boss", "clerk"):
        dump(f"roles/{rid}.yaml", {"id": rid, "title": evil(20), "summary": EVIL, "keywords": [EVIL], "duties": [EVIL],
                                   "tasks": [{"name": evil(40), "frequency": "daily", "when": EVIL, "details": EVIL}],
                                   **({"reports_to": "boss"} if rid == "clerk" else {})}, "../generator/schemas/role.schema.json")
    lifecycle = {"prepare": "boss", "fill": ["clerk"], "review": ["boss"], "keeper": "boss", "retention": 2, "destroy": "boss", "note": EVIL}
    dump("records/evil-form.yaml", {"id": "evil-form", "code": "GL/YJ-BG-01", "title": evil(40), "kind": "form", "version": "1.0",
                                    "purpose": EVIL, "keywords": [EVIL], "instructions": [EVIL],
                                    "fields": [{"label": evil(24), "hint": EVIL}, {"label": evil(24), "type": "choice", "options": [evil(10), evil(12)]},
                                               {"label": evil(24), "type": "textarea", "wide": True, "lines": 2}],
                                    "approvals": [{"label": evil(20), "role": "boss"}], "signatures": [evil(16)], "lifecycle": lifecycle},
         "../generator/schemas/record.schema.json")
    dump("records/evil-register.yaml", {"id": "evil-register", "code": "GL/YJ-BG-02", "title": evil(40), "kind": "register", "version": "1.0",
                                        "purpose": EVIL, "columns": [{"label": evil(16)}, {"label": evil(10), "width": 2}], "lifecycle": lifecycle},
         "../generator/schemas/record.schema.json")
    dump("records/evil-letter.yaml", {"id": "evil-letter", "code": "GL/YJ-BG-03", "title": evil(40), "kind": "certificate", "version": "1.0",
                                      "purpose": EVIL, "fields": [{"label": evil(24)}], "lifecycle": lifecycle},
         "../generator/schemas/record.schema.json")
    dump("procedures/x/evil.yaml", {
        "id": "evil", "code": "LC-EV-01", "title": evil(40), "category": evil(20), "version": "1.0", "status": "active", "owner": "boss",
        "effective": "2026-01-01", "review": {"interval_months": 12, "last": "2026-10-01", "note": EVIL}, "summary": EVIL,
        "tags": [evil(12)], "keywords": [EVIL], "purpose": EVIL, "scope": [EVIL, EVIL], "decisions": EVIL, "inputs": [EVIL], "outputs": EVIL,
        "monitoring": EVIL, "documents": EVIL, "training": EVIL, "policies": ["evil"],
        "exceptions": [{"case": EVIL, "action": EVIL}],
        "risks": [{"id": "FK1", "risk": EVIL, "control": EVIL, "remedy": [EVIL]}],
        "sources": [{"doc": EVIL, "section": EVIL}],
        "changelog": [{"version": "1.0", "date": "2026-01-01", "author": EVIL, "summary": EVIL}],
        "steps": [
            {"id": "a", "name": evil(24), "role": "clerk", "details": EVIL, "records": ["evil-form"], "risks": ["FK1"],
             "time_limits": [{"amount": 2, "unit": "hour", "from": EVIL, "condition": EVIL, "note": EVIL}], "next": "b"},
            {"id": "b", "name": evil(24), "role": "boss", "criteria": EVIL,
             "branches": [{"label": evil(16), "next": "c"}, {"label": evil(15), "next": "a"}]},
            {"id": "c", "name": evil(24), "role": "clerk", "records": ["evil-register", "evil-letter"], "next": "end"},
        ]}, "../../generator/schemas/procedure.schema.json")


class Scanner(HTMLParser):
    def __init__(self):
        super().__init__()
        self.bad: list[str] = []
        self.in_script = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script":
            self.in_script = True
            if attrs.get("src", "").startswith(("x", "javascript")):
                self.bad.append(f"script src {attrs['src']}")
        if tag == "img" and attrs.get("src") == "x":
            self.bad.append("injected <img>")
        for name, value in attrs.items():
            if name.startswith("on"):
                self.bad.append(f"event handler {name}")
            if name in ("href", "src", "xlink:href") and (value or "").strip().lower().startswith("javascript:"):
                self.bad.append(f"javascript: URL in {tag}")

    def handle_endtag(self, tag):
        if tag == "script":
            self.in_script = False

    def handle_data(self, data):
        if self.in_script and "alert(" in data:
            self.bad.append("injected script content")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile") / "book"
    hostile_handbook(root)
    assert main(["check", "--root", str(root)]) == 0
    assert main(["build", "--root", str(root)]) == 0
    out = root.parent / "gen"
    assert main(["gen", "--root", str(root), "--out", str(out)]) == 0
    return root, out


def test_html_has_no_injected_element_or_attribute(built):
    root, _ = built
    pages = list((root / "site").rglob("*.html"))
    assert len(pages) > 10
    for page in pages:
        scanner = Scanner()
        scanner.feed(page.read_text(encoding="utf-8"))
        assert scanner.bad == [], page
    text = (root / "site/procedures/x/evil/index.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert" in text  # shown as text


def test_svg_well_formed_without_script(built):
    _, out = built
    svg = (out / "docs/procedures/x/evil.svg").read_text(encoding="utf-8")
    root = ET.fromstring(svg)
    tags = {el.tag.split("}")[1] for el in root.iter()}
    assert "script" not in tags
    for el in root.iter():
        assert not any(name.startswith("on") for name in el.attrib), el.attrib
    drawn = "".join(t.text or "" for t in root.iter("{http://www.w3.org/2000/svg}text"))
    assert "<b>" in drawn  # the label is drawn as written


def test_dot_renders(built):
    from office_handbook.pipeline import check
    from office_handbook.render.charts import layout, render_svg, to_dot

    root, _ = built
    p = check(root).handbook.procedures["evil"]
    dot = to_dot(p, layout(p, {}))
    assert render_svg(dot).startswith("<?xml")


def test_pdf_text_extracts_as_written(built):
    _, out = built
    for rid in ("evil-form", "evil-register", "evil-letter"):
        reader = PdfReader(io.BytesIO((out / f"docs/records/{rid}.pdf").read_bytes()))
        text = "".join(page.extract_text() for page in reader.pages)
        assert '<b>"&\\#$@]|{{x}}' in text.replace("\n", ""), rid


def test_search_index_holds_text_as_data(built):
    """The split index is data in a call (parsed as JSON, never markup); Material's page list is empty."""
    root, _ = built
    index = json.loads((root / "site/search/search_index.json").read_text(encoding="utf-8"))
    assert index["docs"] == [] and index["config"]["handbook"]["folder"] == "search/handbook/"
    titles = []
    for path in (root / "site/search/handbook").glob("*.js"):
        text = path.read_text(encoding="utf-8")
        assert text.startswith("__hbSearch(") and text.endswith(");\n"), path.name
        kind, _, data = json.loads("[" + text[len("__hbSearch("):-3] + "]")
        if kind == "manifest":
            titles = [d[1] for d in data["docs"]]
    assert any('"&\\#$@]' in t for t in titles), titles[:5]  # hostile text kept as text


FORMULAS = {"procedures/gongwen/shouwen.yaml": '=HYPERLINK("http://x.invalid","收文")', "roles/office-clerk.yaml": "@SUM(1+1)",
            "records/shouwen-register.yaml": "+1+2", "records/fawen-register.yaml": "-2+3"}


def test_exports_hold_text_never_formulas(book):
    """CSV/Excel injection (OWASP): titles that look like formulas stay text in every xlsx and csv."""
    import csv
    import zipfile

    from openpyxl import load_workbook

    for rel, title in FORMULAS.items():
        text = book.read(rel)
        old = next(line for line in text.splitlines() if line.startswith("title:"))
        book.replace(rel, old, "title: '" + title.replace("'", "''") + "'")
    out = book.root.parent / "gen"
    r = book.run("gen", "--out", str(out), "--no-pdfs", "--no-charts")
    assert r.code == 0, r.out + r.err
    seen = set()
    for xlsx in sorted((out / "docs/indexes").glob("*.xlsx")):
        with zipfile.ZipFile(xlsx) as z:
            sheets = [z.read(n).decode("utf-8") for n in z.namelist() if n.startswith("xl/worksheets/")]
        assert sheets and not any("<f>" in s or "<f " in s for s in sheets), xlsx.name
        for row in load_workbook(xlsx).active.iter_rows():
            for cell in row:
                assert cell.data_type in ("s", "n", "inlineStr"), (xlsx.name, cell.coordinate, cell.value)  # never "f"
                if isinstance(cell.value, str) and cell.value in FORMULAS.values():
                    seen.add(cell.value)
    assert seen >= {FORMULAS["procedures/gongwen/shouwen.yaml"], FORMULAS["roles/office-clerk.yaml"]}
    for path in sorted((out / "docs/indexes").glob("*.csv")):
        for row in csv.reader(io.StringIO(path.read_bytes().decode("utf-8-sig"))):
            for cell in row:
                assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), (path.name, cell)
                if cell.lstrip("'") in FORMULAS.values():
                    assert cell.startswith("'")


def test_wall_chart_pdf_shows_text_as_written(built):
    """The 流程图上墙 sheet gets its title as a string (JSON into Typst), never as markup."""
    _, out = built
    reader = PdfReader(io.BytesIO((out / "docs/procedures/x/evil-wall.pdf").read_bytes()))
    assert len(reader.pages) == 1
    assert '<b>"&\\#$@]|{{x}}' in reader.pages[0].extract_text().replace("\n", "")
