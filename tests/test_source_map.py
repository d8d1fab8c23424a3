"""Model and parser apart: model objects keep a plain `Src` (file and key path), and the loaded
handbook's source map holds the documents and answers the line:col of a problem."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import pickle

import pytest

from office_handbook import loader
from office_handbook.checks import run_checks
from office_handbook.loader import load
from office_handbook.model import Src
from office_handbook.problems import Pos
from office_handbook.yamlsource import Document, SourceMap

SHOUWEN = "procedures/gongwen/shouwen.yaml"
TODAY = dt.date(2026, 1, 1)


def _classes(data: bytes) -> set[str]:
    """The modules of the classes a pickle refers to."""
    modules: set[str] = set()

    class Recorder(pickle.Unpickler):
        def find_class(self, module, name):
            modules.add(module)
            return super().find_class(module, name)

    Recorder(io.BytesIO(data)).load()
    return modules


def test_src_is_plain_data():
    assert [f.name for f in dataclasses.fields(Src)] == ["path", "base"]
    src = Src(SHOUWEN, ("steps", 1))
    assert src == pickle.loads(pickle.dumps(src))
    assert not any(isinstance(getattr(src, f.name), Document) for f in dataclasses.fields(Src))


def test_a_procedure_pickles_without_its_document(book):
    hb = load(book.root, use_cache=False).handbook
    p = hb.procedures["shouwen"]
    text = hb.sources.text(p.path)
    assert text == book.read(SHOUWEN)
    data = pickle.dumps(p)
    assert _classes(data) <= {"office_handbook.model", "builtins"}, _classes(data)  # no Document, no yaml node
    assert b"yamlsource" not in data and b"Document" not in data
    assert text.encode("utf-8") not in data
    assert "interval_months" in text and b"interval_months" not in data  # a YAML key the model does not keep
    again = pickle.loads(data)
    assert again.steps[1].src == p.steps[1].src
    # positions of an object that went to another process and back come from the same map
    assert hb.sources.pos(again.steps[1].src, "role") == hb.sources.pos(p.steps[1].src, "role")


def test_positions_from_the_map_are_those_the_problems_report(book):
    book.replace(SHOUWEN, "    role: office-clerk", "    role: nobody")
    line = book.line_of(SHOUWEN, "role: nobody")
    book.replace(SHOUWEN, "  - id: propose", "  - id: sign-in")
    dup_line = book.line_of(SHOUWEN, "  - id: sign-in", nth=2)
    loaded = load(book.root, use_cache=False)
    hb = loaded.handbook
    problems = {p.code: p for p in run_checks(hb, TODAY)}
    p = hb.procedures["shouwen"]
    assert hb.sources.pos(p.steps[0].src, "role") == Pos(SHOUWEN, line, 11) == problems["E203"].pos
    assert hb.sources.pos(p.steps[1].src, "id") == Pos(SHOUWEN, dup_line, 9) == problems["E401"].pos
    assert hb.sources.pos(p.steps[0].src, "role", key=True) == Pos(SHOUWEN, line, 5)
    # the CLI prints the same line:col
    r = book.run("check")
    assert any(out.startswith(f"{SHOUWEN}:{line}:11: E203 ") for out in r.lines), r.out
    assert any(out.startswith(f"{SHOUWEN}:{dup_line}:9: E401 ") for out in r.lines), r.out
    assert loaded.documents is hb.sources.documents and SHOUWEN in hb.sources


def test_a_cache_hit_rebuilds_the_map(book, monkeypatch):
    book.replace(SHOUWEN, "    role: office-clerk", "    role: nobody")
    first = load(book.root)
    assert (book.root / ".cache" / "handbook" / "load.json").is_file()

    def no_reading(*args, **kwargs):
        raise AssertionError("read a file that the cache holds")

    monkeypatch.setattr(loader, "read", no_reading)
    again = load(book.root)
    assert again.handbook.sources.documents.keys() == first.handbook.sources.documents.keys()
    assert again.handbook.sources.text(SHOUWEN) == book.read(SHOUWEN)
    assert [str(p) for p in run_checks(again.handbook, TODAY)] == [str(p) for p in run_checks(first.handbook, TODAY)]
    step = again.handbook.procedures["shouwen"].steps[0]
    assert again.handbook.sources.pos(step.src, "role") == first.handbook.sources.pos(step.src, "role")


def test_a_duplicate_id_is_reported_at_the_second_file(book):
    book.write("procedures/other/shouwen.yaml", book.read(SHOUWEN).replace("code: ", "code: X", 1))
    loaded = load(book.root, use_cache=False)
    e207 = [p for p in loaded.problems if p.code == "E207"]
    assert len(e207) == 1
    rel = e207[0].pos.path
    assert rel in loaded.handbook.sources
    assert e207[0].pos == loaded.handbook.sources.pos(Src(rel), "id") != Pos(rel, 1, 1)


def test_the_map_falls_back_to_the_file_and_knows_only_what_it_holds():
    sources = SourceMap([Document("roles/a.yaml", "id: a\ntitle: 甲\n")])
    assert sources.pos(Src("roles/a.yaml"), "title") == Pos("roles/a.yaml", 2, 8)
    assert sources.pos(Src("roles/a.yaml"), "title", key=True) == Pos("roles/a.yaml", 2, 1)
    assert sources.pos(Src("roles/a.yaml"), "missing") == Pos("roles/a.yaml", 1, 1)
    assert sources.pos(Src("roles/b.yaml"), "id") == Pos("roles/b.yaml", 1, 1)
    with pytest.raises(KeyError):
        sources.text("roles/b.yaml")
