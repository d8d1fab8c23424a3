"""The slips of a Chinese typist (全角冒号、全角空格、全角引号和逗号、3 个空格的缩进、“-”后缺空格) are
found and told in Chinese at their own line:col with the fix; full-width punctuation in values stays
silent; libyaml's English is never shown alone."""

from __future__ import annotations

import re

import pytest

CLERK = "roles/office-clerk.yaml"
SHOUWEN = "procedures/gongwen/shouwen.yaml"
FAWEN = "procedures/gongwen/fawen.yaml"
CJK = re.compile("[\u4e00-\u9fff]")


def errors(r):
    return [line for line in r.lines if re.match(r"^\S+:\d+:\d+: E\d{3} ", line)]


# (name, file, old, new, expected line start, words the message must hold)
SLIPS = [
    ("full-width colon after a key", CLERK, "reports_to: office-director", "reports_to：office-director",
     f"{CLERK}:4:11: E103 第 4 行第 11 列是全角冒号“：”", "把“：”改成“: ”"),
    ("full-width colon in a nested key", SHOUWEN, "    role: office-director", "    role：office-director",
     f"{SHOUWEN}:33:9: E103 第 33 行第 9 列是全角冒号“：”", "半角冒号加空格"),
    ("full-width colon in a flow mapping", FAWEN, "role: departments, next: check}", "role：departments, next: check}",
     f"{FAWEN}:14:31: E103 第 14 行第 31 列是全角冒号“：”", "读成了一个键"),
    ("three-space indent", SHOUWEN, "  interval_months: 12", "   interval_months: 12",
     f"{SHOUWEN}:11:1: E103 第 11 行缩进了 3 个空格", "改成 2 个空格"),
    ("dash without its space", FAWEN, "  - id: number", "  -id: number",
     f"{FAWEN}:25:3: E103 第 25 行的列表符号“-”后面缺少空格", "加一个半角空格"),
    ("dash without its space in a list of ids", CLERK, "duties:\n  - 负责收发文登记。", "duties:\n  -负责收发文登记。\n  -负责会务。",
     f"{CLERK}:7:3: E103 第 7 行的列表符号“-”后面缺少空格", "- 内容"),
    ("full-width space after the colon", CLERK, "title: 办公室文员", "title:\u3000办公室文员",
     f"{CLERK}:3:7: E103 第 3 行第 7 列是全角空格“　”", "半角空格"),
    ("full-width space as indentation", SHOUWEN, "  interval_months: 12", "\u3000interval_months: 12",
     f"{SHOUWEN}:11:1: E103 第 11 行第 1 列是全角空格“　”", "缩进只能用半角空格"),
    ("full-width quotes around a value with a colon", CLERK, "title: 办公室文员", "title: “办公室: 文员”",
     f"{CLERK}:3:8: E103 第 3 行第 8 列是全角引号", "半角引号"),
    ("full-width comma in a flow mapping", FAWEN, "{id: draft, name: 拟稿", "{id: draft，name: 拟稿",
     f"{FAWEN}:14:15: E103 第 14 行第 15 列是全角逗号“，”", "把“，”改成“, ”"),
    ("full-width comma in a list of ids", SHOUWEN, "records: [shouwen-register]", "records: [shouwen-register，fawen-register]",
     f"{SHOUWEN}:26:31: E103 第 26 行第 31 列是全角逗号“，”", "半角逗号"),
    ("full-width brackets", SHOUWEN, "records: [shouwen-register]", "records: ［shouwen-register］",
     f"{SHOUWEN}:26:14: E103 第 26 行第 14 列是全角括号“［”", "[…]"),
    ("full-width colon in handbook.yml", "handbook.yml", "source_titles:", "source_titles：",
     "handbook.yml:2:14: E103 第 2 行第 14 列是全角冒号“：”", "把“：”改成“: ”"),
]


@pytest.mark.parametrize("name, rel, old, new, start, words", SLIPS, ids=[s[0] for s in SLIPS])
def test_slip_is_told_in_chinese_at_its_column(book, name, rel, old, new, start, words):
    book.replace(rel, old, new)
    r = book.run("check")
    assert r.code == 1
    found = [line for line in errors(r) if line.startswith(start)]
    assert found, f"expected {start}\n{r.out}"
    assert words in found[0]
    assert "could not" not in r.out and "mapping values" not in r.out and "did not find" not in r.out


def test_a_key_with_a_full_width_colon_is_one_problem_not_three(book):
    """`{role：departments}` reads as an unknown key and a missing role: the slip says it all."""
    book.replace(FAWEN, "role: departments, next: check}", "role：departments, next: check}")
    r = book.run("check")
    assert [line[:len(FAWEN) + 12] for line in errors(r)] == [f"{FAWEN}:14:31: E103"], r.out


def test_two_slips_in_one_file_are_both_told(book):
    book.replace(SHOUWEN, "title: 收文", "title：收文")
    book.replace(SHOUWEN, "  interval_months: 12", "   interval_months: 12")
    r = book.run("check")
    lines = [line.split(": E103 ")[0] for line in errors(r) if SHOUWEN in line]
    assert lines == [f"{SHOUWEN}:4:6", f"{SHOUWEN}:11:1"], r.out


def test_full_width_punctuation_in_values_stays_silent(book):
    book.replace(CLERK, "summary: 办理收发文", "summary: 注意：“收文”，　登记（含【急件】）；办理收发文")
    book.replace(CLERK, "  - 负责收发文登记。", "  - 负责：收发文登记，“急件”优先。\n  - 第二条：　全角空格在正文中。")
    book.replace(SHOUWEN, "    name: 拟办：是否为重要文件？", "    name: “拟办”：是否为重要文件？")
    r = book.run("check")
    assert r.code == 0, r.out
    assert not errors(r)


# files that do not parse for a reason that is no slip: the parser's complaint, told in Chinese
NO_SLIP = [
    ("unclosed bracket", "id: x\ntitle: [unclosed\n", "方括号"),
    ("colon in a plain value", "id: x\ntitle: 办公室: 文员\n", "引号"),
    ("unclosed quote", "id: x\ntitle: \"办公室\nsummary: y\n", "引号没有配对"),
    ("key without a colon", "id: x\ntitle 办公室\nsummary: y\n", "半角冒号"),
    ("two documents", "id: x\n---\nid: y\n", "第二个文档"),
    ("bad escape", "id: x\ntitle: \"a\\qb\"\n", "反斜杠"),
    ("backtick at the start", "id: x\ntitle: `x`\n", "引号"),
]


@pytest.mark.parametrize("name, text, words", NO_SLIP, ids=[c[0] for c in NO_SLIP])
def test_parser_english_is_never_shown_alone(book, name, text, words):
    book.write("roles/x.yaml", text)
    r = book.run("check")
    found = [line for line in errors(r) if line.startswith("roles/x.yaml:")]
    assert found and all(" E103 " in line for line in found), r.out
    for line in found:
        message = line.split(" E103 ", 1)[1]
        english = message.find("（解析器原文：")
        chinese = message if english < 0 else message[:english]
        assert CJK.search(chinese) and not re.search("[A-Za-z]{4,}", chinese.replace("YAML", "")), line
        assert words in chinese, line


def test_colon_key_message_points_at_the_key_line(book):
    """libyaml marks the line after a key without its colon; the message points at the key."""
    book.write("roles/x.yaml", "id: x\ntitle 办公室\nsummary: y\n")
    r = book.run("check")
    assert any(line.startswith("roles/x.yaml:2:1: E103 ") for line in errors(r)), r.out


def test_explainer_never_crashes_on_odd_text():
    from office_handbook.yamlsource import LoadError, parse

    for text in ["a: [\u3000", "-\n-\u3000x: ：", "：\n  ：：\n   -", "“", "k: ［", "a:\n   b: ｛c：d｝\n  e", "\u3000" * 50 + "x:"]:
        try:
            parse(text, "x.yaml")
        except LoadError as exc:
            assert exc.problems and all(p.code in ("E103", "E105") for p in exc.problems)
