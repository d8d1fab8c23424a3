"""Another office adopts the tool: `handbook init` in an empty folder gives a handbook that checks and
builds with its own names; commands work from any subfolder; an older handbook is migrated by edits
that keep every other byte; names live in handbook.yml and a stale site_name is pointed out."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

from conftest import Book, make_mini
from office_handbook.cli import main
from office_handbook.pipeline import check


def run(capsys, *args: str):
    capsys.readouterr()
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def files_of(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and ".cache" not in p.parts and "site" not in p.relative_to(root).parts[:1]}


def test_init_gives_a_handbook_that_checks_and_builds(tmp_path, capsys):
    target = tmp_path / "acme"
    code, _, err = run(capsys, "init", str(target), "--org", "某某有限公司", "--office", "综合管理部")
    assert code == 0, err
    for rel in ("handbook.yml", "mkdocs.yml", ".gitignore", ".vscode/settings.json", ".pre-commit-config.yaml",
                ".github/workflows/handbook.yml", ".gitlab-ci.yml", ".handbook/schemas/ids.schema.json",
                ".handbook/schemas/procedure.schema.json"):
        assert (target / rel).is_file(), rel
    roles = sorted(p.stem for p in (target / "roles").glob("*.yaml"))
    assert {"office-director", "office-clerk", "dept-head"} <= set(roles)
    for path in [*target.glob("procedures/**/*.yaml"), *target.glob("records/*.yaml"), *target.glob("roles/*.yaml")]:
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert ".handbook/schemas/" in first and "generator" not in first
        assert (path.parent / first.split("=", 1)[1]).resolve().is_file()
    settings = json.loads((target / ".vscode/settings.json").read_text(encoding="utf-8"))
    assert all(key.startswith(".handbook/schemas/") for key in settings["yaml.schemas"])
    code, out, err = run(capsys, "check", "--root", str(target))
    assert code == 0 and out.strip() == "", out + err
    code, _, err = run(capsys, "build", "--root", str(target), "-q")
    assert code == 0, err
    home = (target / "site" / "index.html").read_text(encoding="utf-8")
    assert "某某有限公司综合管理部流程手册" in home
    assert "<title>" in home and "综合管理部流程手册" in home.split("<title>", 1)[1].split("</title>", 1)[0]
    page = (target / "site/procedures/xingzheng/yongpin-shenling/index.html").read_text(encoding="utf-8")
    assert "综合管理部" in page and "{{" not in page
    assert not list(target.rglob("ids.schema.json"))[1:]  # one id list, in .handbook/schemas only


def test_init_never_overwrites_and_says_what_it_kept(tmp_path, capsys):
    target = tmp_path / "hb"
    target.mkdir()
    (target / "handbook.yml").write_text("# 我们自己的设置\nformat: 3\norganisation: 本公司\n", encoding="utf-8")
    (target / "README.md").write_text("ours", encoding="utf-8")
    before = files_of(target)
    code, _, err = run(capsys, "init", str(target))
    assert code == 0, err
    assert "已存在，未改动：handbook.yml" in err
    after = files_of(target)
    assert all(after[rel] == data for rel, data in before.items())


def test_init_refuses_inside_another_handbook(tmp_path, capsys):
    root = make_mini(tmp_path / "hb")
    code, _, err = run(capsys, "init", str(root / "procedures" / "new"))
    assert code == 2 and "已有的手册" in err
    assert not (root / "procedures" / "new").exists()


def test_init_example_writes_the_whole_example(tmp_path, capsys):
    target = tmp_path / "ex"
    code, _, err = run(capsys, "init", str(target), "--example", "--org", "示例集团有限公司")
    assert code == 0, err
    assert len(list(target.glob("procedures/**/*.yaml"))) >= 30
    assert 'organisation: "示例集团有限公司"' in (target / "handbook.yml").read_text(encoding="utf-8")
    code, out, err = run(capsys, "check", "--root", str(target))
    assert code == 0, out + err


def test_commands_find_the_handbook_from_a_subfolder(tmp_path, capsys, monkeypatch):
    root = make_mini(tmp_path / "hb")
    monkeypatch.chdir(root / "procedures" / "gongwen")
    code, out, err = run(capsys, "check")
    assert code == 0, out + err
    code, out, _ = run(capsys, "stats", "--format", "json")
    assert json.loads(out)["procedures"] == 2


def test_the_search_stops_at_the_top_of_a_git_repository(tmp_path, capsys, monkeypatch):
    make_mini(tmp_path / "hb")
    inner = tmp_path / "hb" / "notes" / "other-repo"
    inner.mkdir(parents=True)
    subprocess.run(["git", "init", "-q", str(inner)], check=True)
    (inner / "sub").mkdir()
    monkeypatch.chdir(inner / "sub")
    code, _, err = run(capsys, "check")
    assert code == 2 and "handbook init" in err


OLD = "# yaml-language-server: $schema={up}generator/schemas/{kind}.schema.json"


def old_handbook(root: Path) -> Path:
    """The mini handbook as release 0.1 wrote it: modelines into the tool's source, no format key."""
    make_mini(root)
    for path in root.rglob("*.yaml"):
        kind = {"procedures": "procedure", "records": "record", "roles": "role"}[path.relative_to(root).parts[0]]
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        lines[0] = OLD.format(up="../../" if kind == "procedure" else "../", kind=kind) + "\n"
        path.write_text("".join(lines), encoding="utf-8")
    titles = "".join(f"  seeds/00{n}: 《来源{n}》\n" for n in (1, 2, 3))
    (root / "handbook.yml").write_text(f"# 手册设置\norganisation: 旧公司   # 单位\nsource_titles:\n{titles}", encoding="utf-8")
    return root


def test_migrate_rewrites_only_what_the_new_format_needs(tmp_path, capsys):
    root = old_handbook(tmp_path / "old")
    book = Book(root, capsys)
    r = book.run("check")
    assert r.code == 0 and any(" W506 " in line and line.startswith("handbook.yml:1:1") for line in r.lines), r.out
    before = files_of(root)
    r = book.run("migrate", "--dry-run")
    assert r.code == 0 and "procedures/gongwen/shouwen.yaml" in r.out
    assert files_of(root) == before
    r = book.run("migrate")
    assert r.code == 0, r.err
    after = files_of(root)
    for rel, old in before.items():
        new = after[rel]
        if rel.endswith(".yaml"):
            assert new.split(b"\n", 1)[1] == old.split(b"\n", 1)[1], rel  # only the modeline changed
            assert b".handbook/schemas/" in new.split(b"\n", 1)[0]
    assert after["handbook.yml"].decode().startswith("# 手册设置\nformat: 3 ")
    assert "organisation: 旧公司   # 单位" in after["handbook.yml"].decode()
    r = book.run("check")
    assert r.code == 0 and r.lines == [], r.out
    assert book.run("migrate").code == 0  # nothing left to do


def test_a_newer_format_is_one_clear_line(book):
    book.write("handbook.yml", "format: 9\n")
    r = book.run("check")
    assert r.code == 1 and r.lines == [r.lines[0]] and r.lines[0].startswith("handbook.yml:1:9: E114"), r.out


def test_an_older_format_that_changes_meaning_is_one_clear_line(book, monkeypatch):
    from office_handbook import migrate

    monkeypatch.setattr(migrate, "STEPS", [*migrate.STEPS, migrate.Step(4, "示例：表单字段改名", True, lambda root: {})])
    monkeypatch.setattr(migrate, "FORMAT_VERSION", 4)
    book.write("procedures/gongwen/shouwen.yaml", "id: shouwen\nsteps: 3\n")  # would give many schema errors
    r = book.run("check")
    assert r.code == 1 and len(r.lines) == 1 and " E115 " in r.lines[0] and "handbook migrate" in r.lines[0], r.out


def test_site_name_follows_the_title_in_handbook_yml(book):
    book.write("handbook.yml", "format: 3\ntitle: 行政部工作手册\n")
    r = book.run("check")
    line = next(ln for ln in r.lines if " W507 " in ln)
    config = book.read("mkdocs.yml")
    n = next(i for i, ln in enumerate(config.splitlines(), 1) if ln.startswith("site_name:"))
    assert re.match(rf"mkdocs\.yml:{n}:12: W507 .*行政部工作手册", line), line
    book.replace("mkdocs.yml", "site_name: 办公室流程手册", "site_name: 行政部工作手册")
    assert not any(" W507 " in ln for ln in book.run("check").lines)


@pytest.mark.parametrize("name", ["A: B公司", "#1 办公室", "<b>办</b>", '引号"公司'])
def test_names_with_yaml_or_markdown_characters(tmp_path, capsys, name):
    target = tmp_path / "x"
    code, _, err = run(capsys, "init", str(target), "--org", name, "--office", name)
    assert code == 0, err
    code, out, err = run(capsys, "check", "--root", str(target))
    assert code == 0, out + err
    from office_handbook.config import read_settings

    settings, problems = read_settings(target)
    assert problems == [] and settings.organisation == name and settings.office == name


def test_the_example_content_follows_the_office_name(tmp_path, capsys):
    """The example writes the office as {办公室}: an office that calls itself 行政部 sees 行政部 everywhere."""
    target = tmp_path / "ex"
    code, _, err = run(capsys, "init", str(target), "--example", "--office", "行政部")
    assert code == 0, err
    out = tmp_path / "gen"
    code, _, err = run(capsys, "gen", "--root", str(target), "--out", str(out), "--no-pdfs", "--no-charts")
    assert code == 0, err
    page = (out / "docs/procedures/gongwen/fawen.md").read_text(encoding="utf-8")
    assert "行政部" in page and "{办公室}" not in page
    code, _, err = run(capsys, "build", "--root", str(target), "-q")
    assert code == 0, err
    policy = (target / "site/policies/shoufawen/index.html").read_text(encoding="utf-8")
    assert "行政部" in policy and "{办公室}" not in policy


OLD_RECORD = """\
# yaml-language-server: $schema=../.handbook/schemas/record.schema.json
id: old-form
code: GL/YJ-BG-90
title: 旧写法的申请单
kind: form
version: "1.0"
purpose: 测试。
fields:           # 栏目
  - {label: 申请人}
  - label: 事由   # 块式写法
    type: textarea
    lines: 2
approvals:
  - {label: 部门负责人意见, role: office-director}
  - label: 总经理意见
signatures: [经办人, "领取人（签字）"]  # 表尾
lifecycle:
  prepare: office-director
  fill: [office-clerk]
  retention: 1
"""


def test_migrate_to_format_3_makes_one_layout_and_keeps_the_sheet(book):
    from office_handbook.render.typst_forms import record_inputs

    book.replace("handbook.yml", "format: 3", "format: 2")
    book.write("records/old-form.yaml", OLD_RECORD)
    checked = check(book.root)
    r = book.run("check")
    assert any(" W506 " in line and "layout" in line for line in r.lines), r.out
    before = record_inputs(checked.handbook, "X", checked.handbook.records["old-form"])
    assert book.run("migrate").code == 0
    text = book.read("records/old-form.yaml")
    assert "fields:" not in text and "approvals:" not in text and "signatures:" not in text
    assert "layout:           # 栏目" in text and "  - label: 事由   # 块式写法" in text
    assert "  - {approval: 部门负责人意见, role: office-director}" in text and "  - approval: 总经理意见" in text
    assert "  - {signature: 经办人}  # 表尾" in text and "  - {signature: 领取人（签字）}" in text
    assert book.run("check").lines == []
    after = check(book.root).handbook
    assert record_inputs(after, "X", after.records["old-form"]) == before
