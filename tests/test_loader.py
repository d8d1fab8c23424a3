"""Each loader rejection, with the exact path:line:col and code, and nothing written."""

from __future__ import annotations

import pytest

SHOUWEN = "procedures/gongwen/shouwen.yaml"
CLERK = "roles/office-clerk.yaml"


def only(run, code: str) -> str:
    hits = [line for line in run.lines if f" {code} " in line]
    assert hits, run.out
    return hits[0]


def test_clean_fixture_passes(book):
    r = book.run("check")
    assert r.code == 0, r.out
    assert r.lines == []


def test_duplicate_key(book):
    book.replace(CLERK, "title: 办公室文员", "title: 办公室文员\ntitle: 文员")
    line = book.line_of(CLERK, "title: 文员")
    r = book.run("check")
    assert r.code == 1
    assert only(r, "E104").startswith(f"{CLERK}:{line}:1: E104 键 \"title\" 重复")


def test_tab_indentation(book):
    book.replace(SHOUWEN, "  interval_months: 12", "\tinterval_months: 12")
    line = book.line_of(SHOUWEN, "\tinterval_months")
    r = book.run("check")
    assert only(r, "E102").startswith(f"{SHOUWEN}:{line}:1: E102")


def test_invalid_utf8(book):
    text = book.read(CLERK).encode("utf-8")
    bad = text.replace("办公室文员".encode(), "办公室文员".encode("gbk"), 1)
    book.write(CLERK, bad)
    r = book.run("check")
    assert only(r, "E101").startswith(f"{CLERK}:3:8: E101")


def test_binary_file(book):
    book.write("roles/blob.yaml", b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    r = book.run("check")
    assert only(r, "E101").startswith("roles/blob.yaml:3:1: E101")


def test_not_a_mapping(book):
    book.write("roles/listy.yaml", "- id: listy\n- title: x\n")
    r = book.run("check")
    assert only(r, "E105").startswith("roles/listy.yaml:1:1: E105")


def test_empty_file(book):
    book.write("roles/empty.yaml", "# only a comment\n")
    r = book.run("check")
    assert only(r, "E108").startswith("roles/empty.yaml:1:1: E108")


def test_yaml_syntax_error(book):
    book.write("roles/broken.yaml", "id: broken\ntitle: [unclosed\n")
    r = book.run("check")
    assert " E103 " in r.out and "roles/broken.yaml:3:1:" in r.out


def test_anchor_and_alias_refused(book):
    book.write("roles/anchor.yaml", "id: anchor\ntitle: &t 岗位\nsummary: *t\n")
    r = book.run("check")
    assert only(r, "E106").startswith("roles/anchor.yaml:2:8: E106")


def test_id_differs_from_file_name(book):
    book.replace(CLERK, "id: office-clerk", "id: office-clark")
    r = book.run("check")
    assert only(r, "E107").startswith(f"{CLERK}:2:5: E107 id \"office-clark\" 与文件名")


def test_bad_file_name(book):
    book.write("roles/Office_Boss.yaml", "id: office-boss\ntitle: x\n")
    r = book.run("check")
    assert only(r, "E112").startswith("roles/Office_Boss.yaml:1:1: E112")


def test_yaml11_boolean_word_in_boolean_field(book):
    book.replace("records/shouwen-register.yaml", "kind: register", "kind: form\nfields:\n  - {label: 事由, wide: yes}")
    line = book.line_of("records/shouwen-register.yaml", "wide: yes")
    r = book.run("check")
    assert only(r, "E111").startswith(f"records/shouwen-register.yaml:{line}:")
    assert "true 或 false" in r.out


@pytest.mark.parametrize("value", ["no", "yes", "on", "off", "2026-01-01", "1.0", "null"])
def test_yaml11_traps_stay_strings(book, value):
    """Words YAML 1.1 turns into booleans, dates, floats or null stay the text the admin wrote."""
    book.replace(CLERK, "title: 办公室文员", f"title: {value}")
    r = book.run("export")
    if value == "null":  # an empty title is a schema error, reported at the value
        assert r.code == 1 and f"{CLERK}:3:8: E303" in r.out
        return
    import json

    assert r.code == 0, r.out
    roles = {x["id"]: x for x in json.loads(r.out)["roles"]}
    assert roles["office-clerk"]["title"] == value


def test_all_problems_reported_sorted(book):
    book.replace(CLERK, "id: office-clerk", "id: office-clark")
    book.write("roles/a-first.yaml", "- 1\n")
    book.replace(SHOUWEN, "status: active", "status: actve")
    r = book.run("check")
    files = [line.split(":")[0] for line in r.lines]
    assert files == sorted(files)
    assert {"E105", "E107", "E304"} <= {line.split(" ")[1] for line in r.lines}


def test_nothing_written_on_error(book):
    book.replace(CLERK, "id: office-clerk", "id: office-clark")
    r = book.run("build")
    assert r.code == 1
    assert not book.path("site").exists()
    assert "未写出任何文件" in r.err


def test_a_second_load_reuses_the_objects_of_unchanged_files_only(book):
    """`serve` loads the handbook on every save; a file whose bytes are unchanged gives the same model object."""
    from office_handbook.loader import load

    first = load(book.root).handbook
    book.replace(CLERK, "title: 办公室文员", "title: 文员")
    second = load(book.root).handbook
    assert second.roles["office-clerk"] is not first.roles["office-clerk"]
    assert second.roles["office-clerk"].title == "文员"
    assert second.procedures["shouwen"] is first.procedures["shouwen"]
    renamed = load(book.root, names={"办公室": "综合部"}).handbook  # other names: objects built again
    assert renamed.procedures["shouwen"] is not second.procedures["shouwen"]
