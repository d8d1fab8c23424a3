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
FAWEN_REG = "records/fawen-register.yaml"
POLICY = "docs/policies/shoufawen.md"
LINE = re.compile(r"^(?P<path>.+?):(?P<line>\d+):(?P<col>\d+): (?P<code>[EW]\d{3}) \S")


def sub(rel, old, new):
    def apply(book):
        book.replace(rel, old, new)
    return apply


def append(rel, text):
    def apply(book):
        book.write(rel, book.read(rel) + text)
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


def duplicate_risk_id(book):
    book.replace(SHOUWEN, "policies: [shoufawen]", "  - {id: FK1, risk: 重复的风险点, control: 复核。}\npolicies: [shoufawen]")


def duplicate_id_in_another_folder(book):
    book.write("procedures/qita/shouwen.yaml", book.read(SHOUWEN).replace("LC-GW-01", "LC-GW-09"))


def unreachable_island(book):
    book.replace(FAWEN, "  - {id: archive, name: 存档, role: office-clerk, records: [fawen-register], next: end}",
                 "  - {id: archive, name: 存档, role: office-clerk, records: [fawen-register], next: end}\n"
                 "  - {id: loop-a, name: 甲, role: office-clerk, next: loop-b}\n"
                 "  - {id: loop-b, name: 乙, role: office-clerk, next: loop-a}")


def uppercase_extension(book):
    book.path(CLERK).rename(book.path("roles/office-clerk.YAML"))


def breaking_format_step_pending(book):
    """A release whose next format step changes what the YAML means: until `migrate` runs, one line."""
    from office_handbook import migrate

    step = migrate.Step(migrate.STEPS[-1].to + 1, "（测试用的不兼容格式变更）", True, lambda root: {})
    book.monkeypatch.setattr(migrate, "STEPS", [*migrate.STEPS, step])


def record_in_a_subfolder(book):
    book.write("records/sub/x.yaml", "id: x\ntitle: 子文件夹中的表单\n")


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
    ("form too full for its paper", sub(REG, "kind: register", "kind: form\npages: 1\nlayout:\n"
                                        + "".join(f"  - {{label: 第{i}栏, type: textarea, lines: 3}}\n" for i in range(8))), REG, "E410"),
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
    ("February 30", sub(SHOUWEN, "effective: 2026-01-01", "effective: 2026-02-30"), f"{SHOUWEN}:9:12", "E305"),
    ("month 13", sub(SHOUWEN, "  last: 2026-10-15", "  last: 2026-13-01"), f"{SHOUWEN}:12:9", "E305"),
    ("year 0000", sub(SHOUWEN, "date: 2026-01-01, author", "date: 0000-01-01, author"), SHOUWEN, "E305"),
    ("duplicate risk id", duplicate_risk_id, f"{SHOUWEN}:79:10", "E409"),
    ("duplicate id in another folder", duplicate_id_in_another_folder, "procedures/qita/shouwen.yaml", "E207"),
    ("unreachable island", unreachable_island, FAWEN, "E402"),
    ("duplicate branch labels", sub(SHOUWEN, "{label: 一般文件, next: leader-handle}", "{label: 重要文件, next: leader-handle}"), SHOUWEN, "E405"),
    ("decision with one branch", sub(SHOUWEN, "      - {label: 一般文件, next: leader-handle}\n", ""), SHOUWEN, "E306"),
    ("title too long", sub(CLERK, "title: 办公室文员", "title: " + "很长的岗位名称" * 5), CLERK, "E306"),
    ("review interval 0", sub(SHOUWEN, "  interval_months: 12", "  interval_months: 0"), f"{SHOUWEN}:11:20", "E307"),
    ("negative time limit", sub(SHOUWEN, "amount: 2, unit: hour", "amount: -2, unit: hour"), SHOUWEN, "E307"),
    ("control character as an escape", sub(CLERK, "title: 办公室文员", 'title: "办公室\\x18文员"'), f"{CLERK}:3:8", "E305"),
    ("control character as such", sub(CLERK, "title: 办公室文员", "title: 办公室\x07文员"), f"{CLERK}:3:11", "E103"),
    ("number too large for a float", sub(SHOUWEN, "  interval_months: 12", "  interval_months: 1e400"), f"{SHOUWEN}:11:20", "E307"),
    ("a 5000-digit number", sub(SHOUWEN, "amount: 2, unit: hour", "amount: " + "9" * 5000 + ", unit: hour"), SHOUWEN, "E307"),
    ("time limit of 100000 hours", sub(SHOUWEN, "amount: 2, unit: hour", "amount: 100000, unit: hour"), SHOUWEN, "E307"),
    ("format newer than the tool", write("handbook.yml", "format: 99\n"), "handbook.yml:1:9", "E114"),
    ("format needs a migration", breaking_format_step_pending, "handbook.yml:1:9", "E115"),
    ("upper-case extension", uppercase_extension, "roles/office-clerk.YAML:1:1", "E113"),
    ("full-width colon after a key", sub(CLERK, "reports_to: office-director", "reports_to：office-director"), f"{CLERK}:4:11", "E103"),
    ("three-space indent", sub(SHOUWEN, "  interval_months: 12", "   interval_months: 12"), f"{SHOUWEN}:11:1", "E103"),
    ("owners names no role", sub("handbook.yml", "format: 3", "format: 3\nowners:\n  office-clerck: ['@office/clerks']"), "handbook.yml:3:3", "E203"),
    ("popular record names no record", sub("handbook.yml", "format: 3", "format: 3\npopular_records: [shouwen-registr]"), "handbook.yml:2:19", "E202"),
    ("link to a missing generated page", append(POLICY, "\n见[发文](../procedures/gongwen/fawn.md)。\n"), f"{POLICY}:8:7", "E211"),
    ("link to a missing step", append(POLICY, "\n见[存档](../procedures/gongwen/fawen.md#step-legal-review)。\n"), f"{POLICY}:8:7", "E212"),
    ("redirect to a page that is gone", append("handbook.yml", "redirects:\n  records/old.md: records/fawn-register.md\n"),
     "handbook.yml:7:19", "E213"),
    ("record in a subfolder", record_in_a_subfolder, "records/sub/x.yaml:1:1", "E113"),
]


@pytest.fixture(scope="module")
def built_site(tmp_path_factory):
    """The fixture handbook, built once; each case starts from a copy of it with its site/."""
    root = tmp_path_factory.mktemp("built") / "book"
    make_mini(root)
    from office_handbook.cli import main

    assert main(["build", "--root", str(root)]) == 0
    return root


def snapshot(root):
    return sorted((p.relative_to(root).as_posix(), p.stat().st_size, p.read_bytes()[:64]) for p in root.rglob("*") if p.is_file())


@pytest.mark.parametrize("name, mutate, path, code", CASES, ids=[c[0] for c in CASES])
def test_bad_input(built_site, tmp_path, capsys, monkeypatch, name, mutate, path, code):
    from conftest import Book

    root = tmp_path / "book"
    shutil.copytree(built_site, root, symlinks=True)
    book = Book(root, capsys)
    book.monkeypatch = monkeypatch
    mutate(book)
    before = snapshot(root / "site")
    r = book.run("build")
    assert r.code == 1, (name, r.out, r.err)
    assert "Traceback" not in r.out + r.err
    lines = [LINE.match(line) for line in r.out.splitlines()]
    assert lines and all(lines), f"every output line is path:line:col: CODE …\n{r.out}"
    assert_emitted(lines, path, code, r.out)
    assert snapshot(root / "site") == before
    assert not [p for p in root.iterdir() if p.name.startswith(".site")]


def assert_emitted(lines, where: str, code: str, output: str) -> None:
    """`where` is a path, or path:line:col when the exact place is part of the case."""
    m = re.fullmatch(r"(?P<path>.+?):(?P<line>\d+):(?P<col>\d+)", where)
    path = m["path"] if m else where
    hits = [x for x in lines if x and x["code"] == code and x["path"] == path]
    assert hits, f"expected {where}: {code}\n{output}"
    assert all(int(x["line"]) >= 1 and int(x["col"]) >= 1 for x in hits)
    if m:
        places = [(x["line"], x["col"]) for x in hits]
        assert (m["line"], m["col"]) in places, f"expected {where}: {code}, got {places}\n{output}"


def test_no_traceback_in_a_real_process(built_site, tmp_path):
    """The same as a user sees it: a separate process, a broken file, Chinese message, exit 1."""
    root = tmp_path / "book"
    shutil.copytree(built_site, root, symlinks=True)
    (root / "roles" / "blob.yaml").write_bytes(b"\x00\xff\xfe")
    proc = subprocess.run([sys.executable, "-m", "office_handbook.cli", "check", "--root", str(root)], capture_output=True, text=True)
    assert proc.returncode == 1
    assert proc.stdout.startswith("roles/blob.yaml:1:1: E101 ")
    assert "Traceback" not in proc.stderr


def git(root, *args):
    env = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@x", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@x",
           "PATH": os.environ.get("PATH", "/usr/bin:/bin")}
    subprocess.run(["git", *args], cwd=root, check=True, capture_output=True, env=env)


def unbumped_change(book):
    """Commit the handbook, then change a step without raising the version: `diff` warns."""
    git(book.root, "init", "-q", "-b", "main")
    git(book.root, "add", "-A")
    git(book.root, "commit", "-q", "-m", "base")
    book.replace(SHOUWEN, "    role: office-director", "    role: general-manager")


def old_format_modeline(book):
    """A handbook.yml without `format:` and a file still in format 1 (schema modeline into the tool's source)."""
    book.write("handbook.yml", "organisation: ××公司\n")
    book.replace(SHOUWEN, "$schema=../../.handbook/schemas/procedure.schema.json", "$schema=../../generator/schemas/procedure.schema.json")


def evidence_shorter(book):
    """The 收文登记簿 (kept 2 years) declared as the evidence of the 发文登记簿, archived for 30 years."""
    book.replace(REG, "paper: {size: A4", "evidences: [fawen-register]\npaper: {size: A4")
    book.replace(FAWEN_REG, "  retention: 2", "  retention: 2\n  archive_class: 30y\n  archive_when: 次年6月底前")


def glossary_variant(book):
    book.replace("handbook.yml", "format: 3", "format: 3\nglossary:\n  来文: [外来文件]")


def stale_ids_schema(book):
    book.write(".handbook/schemas/ids.schema.json", "{}\n")


# Warnings: the command still succeeds (exit 0), and prints the warning as path:line:col: CODE.
WARNING_CASES = [
    ("review overdue", None, ("build", "--today", "2028-01-01"), f"{SHOUWEN}:12:9", "W501"),
    ("content changed, version not raised", unbumped_change, ("diff", "main"), f"{SHOUWEN}:6:10", "W502"),
    ("changelog behind the version", sub(SHOUWEN, 'version: "1.0"', 'version: "1.1"'), ("build",), SHOUWEN, "W503"),
    ("stale editor id list", stale_ids_schema, ("build",), ".handbook/schemas/ids.schema.json:1:1", "W504"),
    ("stray file in records/", write("records/notes.txt", "随手记\n"), ("build",), "records/notes.txt:1:1", "W505"),
    ("file format 1", old_format_modeline, ("build",), "handbook.yml:1:1", "W506"),
    ("site_name differs from the title", sub("handbook.yml", "format: 3", "format: 3\ntitle: 别的手册"), ("check",), "mkdocs.yml:3:12", "W507"),
    ("evidence kept shorter than what it approves", evidence_shorter, ("check",), f"{REG}:9:13", "W508"),
    ("doubled full stop", sub(REG, "供查询和督办。", "供查询和督办。。"), ("check",), f"{REG}:8:41", "W509"),
    ("deprecated term", glossary_variant, ("check",), f"{REG}:8:19", "W510"),
    ("decision named as a task", sub(FAWEN, "name: 初核：送谁签发？", "name: 初核"), ("check",), f"{FAWEN}:16:11", "W511"),
    ("permanent but not archived", sub(FAWEN_REG, "  retention: 2", "  retention: permanent"), ("check",), f"{FAWEN_REG}:29:14", "W512"),
    ("category no procedure has", sub("handbook.yml", "format: 3", "format: 3\ncategories: [公文管里]"), ("check",), "handbook.yml:2:14", "W514"),
    ("redirect whose old address is a page again", append("handbook.yml", "redirects:\n  records/fawen-register.md: records/shouwen-register.md\n"), ("check",),
     "handbook.yml:7:3", "W515"),
    ("source id shown to readers", sub(REG, "供查询和督办。", "供查询和督办（seeds/002）。"), ("check",), f"{REG}:8:42", "W513"),
]


@pytest.mark.parametrize("name, mutate, args, path, code", WARNING_CASES, ids=[c[0] for c in WARNING_CASES])
def test_warning(built_site, tmp_path, capsys, name, mutate, args, path, code):
    from conftest import Book

    root = tmp_path / "book"
    shutil.copytree(built_site, root, symlinks=True)
    book = Book(root, capsys)
    if mutate:
        mutate(book)
    r = book.run(*args)
    assert r.code == 0, (name, r.out, r.err)
    assert "Traceback" not in r.out + r.err
    lines = [LINE.match(line) for line in (r.out + r.err).splitlines()]
    assert_emitted(lines, path, code, r.out + r.err)
    assert not [x for x in lines if x and x["code"].startswith("E")], r.out


def test_corpus_is_large_enough():
    assert len(CASES) >= 30


def test_every_code_is_emitted_by_a_case():
    """Each code of the table has a case above that really emits it (the cases assert it)."""
    from office_handbook.problems import CODES

    covered = {c[-1] for c in CASES} | {c[-1] for c in WARNING_CASES}
    assert not set(CODES) - covered, f"codes without a corpus case: {sorted(set(CODES) - covered)}"
    assert not covered - set(CODES), f"cases for codes not in the table: {sorted(covered - set(CODES))}"
    assert all(CODES[c[-1]].severity == "error" for c in CASES)
    assert all(CODES[c[-1]].severity == "warning" for c in WARNING_CASES)
