"""The handbook CLI end to end on a small fixture: new, export, gen, build (real MkDocs), strict failure."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys

import pytest

from office_handbook.cli import main, parser

SHOUWEN = "procedures/gongwen/shouwen.yaml"


def snapshot(root):
    """Every file of the handbook (not the build cache, which is safe to delete and gitignored)."""
    return sorted((p.relative_to(root).as_posix(), p.read_bytes()) for p in root.rglob("*")
                  if p.is_file() and ".cache" not in p.relative_to(root).parts)


def test_new_skeletons_pass_check_and_leave_no_trace(book):
    before = snapshot(book.root)
    created = []
    for kind, new_id in [("procedure", "test-x"), ("record", "test-form"), ("role", "test-role")]:
        r = book.run("new", kind, new_id)
        assert r.code == 0, r.err
        rel = r.out.strip()
        created.append(rel)
        text = book.read(rel)
        assert text.startswith("# yaml-language-server: $schema=")
        assert f"id: {new_id}\n" in text
    r = book.run("check")
    assert r.code == 0, r.out
    assert r.lines == []
    for rel in created:
        book.path(rel).unlink()
    book.path("procedures/qita").rmdir()
    assert snapshot(book.root) == before


def test_new_refuses_existing_and_bad_ids(book):
    assert book.run("new", "role", "office-clerk").code == 2
    assert book.run("new", "role", "Bad_Id").code == 2


def test_export_holds_everything(book):
    r = book.run("export")
    assert r.code == 0
    data = json.loads(r.out)
    assert {p["id"] for p in data["procedures"]} == {"shouwen", "fawen"}
    assert {x["id"] for x in data["records"]} == {"shouwen-register", "fawen-register"}
    assert len(data["roles"]) == len(list(book.path("roles").glob("*.yaml")))
    step = data["procedures"][0]["steps"][0]
    assert step["id"] == "sign-in" and step["role"] == "office-clerk"
    assert step["time_limits"][0] == {"amount": 2, "unit": "hour", "kind": "within", "from": "收到文件", "urgency": "urgent",
                                      "condition": None, "note": "急件2小时内响应"}


def test_export_pipes_into_json_tool(book):
    r = book.run("export")
    out = subprocess.run([sys.executable, "-m", "json.tool"], input=r.out, capture_output=True, text=True)
    assert out.returncode == 0


def test_gen_writes_generated_files(book, tmp_path):
    out = tmp_path / "gen"
    r = book.run("gen", "--out", str(out))
    assert r.code == 0, r.err
    page = (out / "docs/procedures/gongwen/shouwen.md").read_text(encoding="utf-8")
    assert page.startswith("---\ntitle: \"收文\"")
    assert 'handbook_source: "procedures/gongwen/shouwen.yaml"' in page
    assert '<span id="step-sign-in"' in page
    assert (out / "docs/procedures/gongwen/shouwen.svg").exists()
    assert (out / "docs/indexes/raci.md").exists()


def test_build_site_and_edit_link(book):
    book.write("handbook.yml", "edit_url: https://git.example.com/office/handbook/edit/main/\n")
    r = book.run("build")
    assert r.code == 0, r.err
    html = (book.path("site/procedures/gongwen/shouwen/index.html")).read_text(encoding="utf-8")
    assert "<h1" in html and "收文" in html
    assert 'href="https://git.example.com/office/handbook/edit/main/procedures/gongwen/shouwen.yaml"' in html
    assert book.path("site/procedures/gongwen/fawen/index.html").exists()
    assert book.path("site/search/search_index.json").exists()


def test_failed_build_keeps_previous_site(book):
    assert book.run("build").code == 0
    before = snapshot(book.path("site"))
    book.replace(SHOUWEN, "role: office-director", "role: office-directr")
    r = book.run("build")
    assert r.code == 1
    assert "E203" in r.out
    assert snapshot(book.path("site")) == before
    assert not [p for p in book.root.iterdir() if p.name.startswith(".site")]


def test_mkdocs_strict_fails_on_checker_error(book):
    book.replace(SHOUWEN, "role: office-director", "role: office-directr")
    proc = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(book.root / "out")],
                          cwd=book.root, capture_output=True, text=True)
    assert proc.returncode != 0
    assert "E203" in proc.stderr and "office-directr" in proc.stderr
    assert not (book.root / "out" / "index.html").exists()


def test_review_with_a_date_past_the_calendar_is_a_usage_error(book):
    r = book.run("review", "--today", "9999-12-31", "--days", "30")
    assert r.code == 2 and "太大" in r.err and "Traceback" not in r.err


ARGPARSE_ENGLISH = ("usage:", "positional arguments", "options:", "optional arguments", "show this help message",
                    "show program's version", "error:", "required", "invalid choice", "unrecognized", "expected")


def _subcommands():
    action = next(a for a in parser()._actions if isinstance(a, argparse._SubParsersAction))
    return sorted(action.choices)


def test_help_is_chinese_for_the_command_and_every_subcommand(capsys):
    commands = _subcommands()
    assert {"check", "build", "rename", "where", "diff"} <= set(commands)
    for args in [[], *([c] for c in commands)]:
        with pytest.raises(SystemExit) as stop:
            main([*args, "--help"])
        assert stop.value.code == 0
        out = capsys.readouterr().out
        assert out.startswith(f"用法：handbook{' ' + args[0] if args else ''} "), out[:80]
        assert "选项：" in out and "显示本帮助并退出" in out
        english = [w for w in ARGPARSE_ENGLISH if w in out]
        assert not english, (args, english)


def test_usage_errors_are_chinese(capsys):
    for args, words in [(["rename"], "缺少必须写的参数：kind, 旧id, 新id"), (["check", "--bogus"], "无法识别的参数：--bogus"),
                        (["review", "--days", "x"], "参数 --days：'x' 不是整数"), (["nope"], "参数 命令：'nope' 不是可选的值"),
                        (["diff", "main", "--format", "html"], "'html' 不是可选的值（可选：'github', 'gitlab', 'text'）")]:
        with pytest.raises(SystemExit) as stop:
            main(args)
        assert stop.value.code == 2
        err = capsys.readouterr().err
        assert err.startswith("用法：handbook") and words in err, (args, err)
        assert not [w for w in ARGPARSE_ENGLISH if w in err], err
    assert argparse._("usage: ") == "usage: "  # the translation lasts only while our parser runs
