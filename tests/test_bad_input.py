"""A corpus of broken handbooks: each gives a clear `path:line:col: CODE` line, exit 1, no traceback,
and leaves the previously built site/ untouched."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys

import pytest

from conftest import make_mini

SHOUWEN = "procedures/gongwen/shouwen.yaml"
FAWEN = "procedures/gongwen/fawen.yaml"
CLERK = "roles/office-clerk.yaml"
REG = "records/shouwen-register.yaml"
LINE = re.compile(r"^(?P<path>.+?):(?P<line>\d+):(?P<col>\d+): (?P<code>[EW]\d{3}) \S")


def sub(rel, old, new):
    def apply(book):
        book.replace(rel, old, new)
    return apply


def write(rel, text):
    def apply(book):
        book.write(rel, text)
    return apply


def billion_laughs(book):
    lines = ["id: lol", "title: x", 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(ord("b"), ord("j")):
        prev = chr(i - 1)
        lines.append(f"{chr(i)}: &{chr(i)} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]")
    book.write("roles/lol.yaml", "\n".join(lines) + "\n")


def symlink_outside(book):
    outside = book.root.parent / "outside.yaml"
    outside.write_text("id: outside\ntitle: 外部\n", encoding="utf-8")
    os.symlink(outside, book.path("roles/outside.yaml"))


def big_file(book):
    book.write("roles/big.yaml", "id: big\ntitle: 大\nsummary: " + "很长" * 5_300_000 + "\n")  # > 10 MB


def reports_cycle(book):
    book.replace("roles/office-director.yaml", "reports_to: general-manager", "reports_to: office-clerk")


def duplicate_step_id(book):
    book.replace(SHOUWEN, "  - id: gm-review", "  - id: propose")


CASES = [
    ("empty file", write("roles/empty.yaml", ""), "roles/empty.yaml", "E108"),
    ("comments only", write("roles/empty.yaml", "# nothing\n# here\n"), "roles/empty.yaml", "E108"),
    ("binary file", write("roles/blob.yaml", b"\x00\x01\x02PNG\xff"), "roles/blob.yaml", "E101"),
    ("GBK encoded", write("roles/gbk.yaml", "id: gbk\ntitle: 岗位\n".encode("gbk")), "roles/gbk.yaml", "E101"),
    ("10 MB file", big_file, "roles/big.yaml", "E109"),
    ("tab indentation", sub(SHOUWEN, "  interval_months: 12", "\tinterval_months: 12"), SHOUWEN, "E102"),
    ("duplicate key", sub(CLERK, "title: 办公室文员", "title: 办公室文员\ntitle: 文员"), CLERK, "E104"),
    ("root is a list", write("roles/listy.yaml", "- id: listy\n"), "roles/listy.yaml", "E105"),
    ("root is a scalar", write("roles/scalar.yaml", "just text\n"), "roles/scalar.yaml", "E105"),
    ("alias", write("roles/alias.yaml", "id: alias\ntitle: &t 岗位\nsummary: *t\n"), "roles/alias.yaml", "E106"),
    ("billion laughs", billion_laughs, "roles/lol.yaml", "E106"),
    ("merge key", write("roles/merge.yaml", "id: merge\ntitle: 岗位\n<<: {summary: x}\n"), "roles/merge.yaml", "E106"),
    ("deep nesting", write("roles/deep.yaml", "id: deep\ntitle: x\nsummary: " + "[" * 100000 + "]" * 100000 + "\n"), "roles/deep.yaml", "E109"),
    ("syntax error", write("roles/syntax.yaml", "id: syntax\ntitle: [unclosed\n"), "roles/syntax.yaml", "E103"),
    ("id differs from file name", sub(CLERK, "id: office-clerk", "id: office-clark"), CLERK, "E107"),
    ("bad file name", write("roles/Bad Name.yaml", "id: bad\ntitle: x\n"), "roles/Bad Name.yaml", "E112"),
    ("symlink outside the repo", symlink_outside, "roles/outside.yaml", "E110"),
    ("id with path separators", sub(CLERK, "id: office-clerk", "id: ../../etc/passwd"), CLERK, "E305"),
    ("code with spaces", sub(SHOUWEN, "code: LC-GW-01", "code: LC GW 01"), SHOUWEN, "E305"),
    ("unknown key", sub(SHOUWEN, "status: active", "status: active\nstauts: draft"), SHOUWEN, "E301"),
    ("missing required key", sub(SHOUWEN, "owner: office-director\n", ""), SHOUWEN, "E302"),
    ("wrong type", sub(SHOUWEN, "  interval_months: 12", "  interval_months: [12]"), SHOUWEN, "E303"),
    ("value not allowed", sub(SHOUWEN, "status: active", "status: actve"), SHOUWEN, "E304"),
    ("impossible date", sub(SHOUWEN, "effective: 2026-01-01", "effective: 2026-02-30x"), SHOUWEN, "E305"),
    ("yes for a boolean", sub(REG, "kind: register", "kind: form\nfields:\n  - {label: 事由, wide: yes}"), REG, "E111"),
    ("unknown role", sub(SHOUWEN, "    role: office-director", "    role: office-directr"), SHOUWEN, "E203"),
    ("unknown record", sub(SHOUWEN, "records: [shouwen-register]", "records: [shouwen-registr]"), SHOUWEN, "E202"),
    ("unknown interface", sub(FAWEN, "procedure: shouwen", "procedure: nowhere"), FAWEN, "E201"),
    ("unknown policy", sub(SHOUWEN, "policies: [shoufawen]", "policies: [nowhere]"), SHOUWEN, "E206"),
    ("branch to a missing step", sub(SHOUWEN, "next: gm-review}", "next: gm-reveiw}"), SHOUWEN, "E204"),
    ("cycle with no exit", sub(SHOUWEN, "    next: end", "    next: supervise"), SHOUWEN, "E404"),
    ("step is its own next", sub(SHOUWEN, "    next: archive", "    next: supervise"), SHOUWEN, "E407"),
    ("step leads nowhere", sub(FAWEN, "{id: draft, name: 拟稿, role: departments, next: check}", "{id: draft, name: 拟稿, role: departments}"), FAWEN, "E403"),
    ("second start", sub(SHOUWEN, "{label: 重要文件, next: gm-review}", "{label: 重要文件, next: leader-handle}"), SHOUWEN, "E408"),
    ("duplicate code", sub(FAWEN, "code: LC-GW-02", "code: LC-GW-01"), SHOUWEN, "E208"),
    ("duplicate step id", duplicate_step_id, SHOUWEN, "E401"),
    ("next and branches", sub(SHOUWEN, "    criteria:", "    next: gm-review\n    criteria:"), SHOUWEN, "E406"),
    ("reports-to cycle", reports_cycle, "roles/office-clerk.yaml", "E209"),
    ("category differs in a folder", sub(FAWEN, "category: 公文管理", "category: 其他"), SHOUWEN, "E210"),
    ("handbook.yml syntax", write("handbook.yml", "organisation: [××公司\n"), "handbook.yml", "E103"),
    ("handbook.yml wrong type", write("handbook.yml", "owners: 办公室主任\n"), "handbook.yml", "E303"),
    ("handbook.yml unknown key", write("handbook.yml", "organization: ××公司\n"), "handbook.yml", "E301"),
    ("undefined risk", sub(SHOUWEN, "    next: propose", "    risks: [FK9]\n    next: propose"), SHOUWEN, "E205"),
]


@pytest.fixture(scope="module")
def built_site(tmp_path_factory):
    """The fixture handbook, built once; each case starts from a copy of it with its site/."""
    root = tmp_path_factory.mktemp("built") / "book"
    make_mini(root)
    from generator.cli import main

    assert main(["build", "--root", str(root)]) == 0
    return root


def snapshot(root):
    return sorted((p.relative_to(root).as_posix(), p.stat().st_size, p.read_bytes()[:64]) for p in root.rglob("*") if p.is_file())


@pytest.mark.parametrize("name, mutate, path, code", CASES, ids=[c[0] for c in CASES])
def test_bad_input(built_site, tmp_path, capsys, name, mutate, path, code):
    from conftest import Book

    root = tmp_path / "book"
    shutil.copytree(built_site, root, symlinks=True)
    book = Book(root, capsys)
    mutate(book)
    before = snapshot(root / "site")
    r = book.run("build")
    assert r.code == 1, (name, r.out, r.err)
    assert "Traceback" not in r.out + r.err
    lines = [LINE.match(line) for line in r.out.splitlines()]
    assert lines and all(lines), f"every output line is path:line:col: CODE …\n{r.out}"
    hits = [m for m in lines if m["code"] == code and m["path"] == path]
    assert hits, f"{name}: expected {path}: {code}\n{r.out}"
    assert int(hits[0]["line"]) >= 1 and int(hits[0]["col"]) >= 1
    assert snapshot(root / "site") == before
    assert not [p for p in root.iterdir() if p.name.startswith(".site")]


def test_no_traceback_in_a_real_process(built_site, tmp_path):
    """The same as a user sees it: a separate process, a broken file, Chinese message, exit 1."""
    root = tmp_path / "book"
    shutil.copytree(built_site, root, symlinks=True)
    (root / "roles" / "blob.yaml").write_bytes(b"\x00\xff\xfe")
    proc = subprocess.run([sys.executable, "-m", "generator.cli", "check", "--root", str(root)], capture_output=True, text=True)
    assert proc.returncode == 1
    assert proc.stdout.startswith("roles/blob.yaml:1:1: E101 ")
    assert "Traceback" not in proc.stderr


def test_corpus_is_large_enough():
    assert len(CASES) >= 30
