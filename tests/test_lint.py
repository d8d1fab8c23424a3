"""The text lint (punctuation, glossary, source ids) and the prose joins that keep pages free of 。。/。；."""

from __future__ import annotations

from office_handbook.lint import lint_markdown, lint_yaml
from office_handbook.render.prose import clauses, sentence, sentences

GLOSSARY = {"部门负责人": ["部门领导"], "印章管理员": ["印章保管人"]}


def codes(problems):
    return sorted((p.pos.line, p.pos.col, p.code) for p in problems)


def test_doubled_and_half_width_marks_are_found_with_their_column():
    text = "id: x\nsummary: 先审批。。再盖章\ndetails:\n  - 核对,登记；。归档\n"
    assert codes(lint_yaml("x.yaml", text, {})) == [(2, 13, "W509"), (4, 7, "W509"), (4, 10, "W509")]


def test_codes_dates_versions_urls_and_yaml_syntax_stay_silent():
    text = ("id: fawen-register\ncode: GL/YJ-BG-02\nversion: \"1.0\"\neffective: 2026-01-01\n"
            "summary: 见 https://example.com/a,b;c 和 LC-GW-01，版本 1.0。\n"
            "tags: [印章,用印]\nbranches:\n  - {label: 同意,next: seal}\n")
    assert lint_yaml("x.yaml", text, {}) == []


def test_comments_and_keys_are_not_text():
    text = "# 部门领导。。随手记\nsummary: 由部门负责人审批。 # 原文作“部门领导”\n"
    assert lint_yaml("x.yaml", text, GLOSSARY) == []


def test_a_variant_is_reported_where_readers_see_it_but_not_in_synonyms_sources_or_history():
    text = ("summary: 报部门领导审批。\nkeywords: [部门领导审批]\nsources:\n  - {doc: seeds/002, section: 部门领导审批}\n"
            "changelog:\n  - {version: \"1.1\", date: 2026-12-02, summary: 部门领导统一为部门负责人。}\n")
    problems = lint_yaml("x.yaml", text, GLOSSARY)
    assert codes(problems) == [(1, 11, "W510")]
    assert "改成“部门负责人”" in problems[0].message


def test_a_variant_inside_the_preferred_term_is_not_a_slip():
    # 领导 is a variant of 公司领导 here; 公司领导 itself must stay silent, a bare 领导 must not
    assert codes(lint_yaml("x.yaml", "a: 报公司领导批准\nb: 报领导批准\n", {"公司领导": ["领导"]})) == [(2, 5, "W510")]


def test_source_ids_in_text_are_reported_but_not_in_sources():
    text = "note: 24小时内处理（seeds/003 服务标准）\nsources:\n  - {doc: seeds/003, section: 服务标准}\n"
    assert codes(lint_yaml("x.yaml", text, {}, ["seeds/003"])) == [(1, 15, "W513")]


def test_markdown_front_matter_and_code_blocks_are_skipped():
    text = "---\ntitle: 部门领导。。\n---\n# 制度\n\n报部门领导。\n\n```yaml\nrole: 部门领导。。\n```\n审批,盖章。\n"
    assert codes(lint_markdown("p.md", text, GLOSSARY)) == [(6, 2, "W510"), (11, 3, "W509")]


def test_unparsable_yaml_reports_nothing_rather_than_guessing():
    assert lint_yaml("x.yaml", "a: [部门领导。。\n", GLOSSARY) == []


def test_sentence_ends_with_exactly_one_mark():
    assert sentence("同意的盖章") == "同意的盖章。"
    assert sentence("同意的盖章。") == "同意的盖章。"
    assert sentence("同意的盖章；") == "同意的盖章。"
    assert sentence("是否同意？") == "是否同意？"
    assert sentence("见《用印登记表》。”") == "见《用印登记表》。”"


def test_sentences_and_clauses_never_double_marks():
    joined = sentences(["核对申请单。", "盖章", "登记；"]) + clauses(["同意→第3步。", "不同意→结束"])
    assert joined == "核对申请单。盖章。登记。同意→第3步；不同意→结束"
    for pair in ("。。", "。；", "；。"):
        assert pair not in joined


def test_a_standard_named_in_its_title_is_not_an_internal_id(book):
    book.replace("handbook.yml", "source_titles:", "source_titles:\n  DA/T 22-2015: DA/T 22-2015《归档文件整理规则》")
    book.replace("records/shouwen-register.yaml", "供查询和督办。", "供查询和督办（按 DA/T 22-2015 整理，seeds/002）。")
    book.replace("records/shouwen-register.yaml", "sources:\n", "sources:\n  - {doc: DA/T 22-2015, section: 分类}\n")
    lines = [line for line in book.run("check").out.splitlines() if " W513 " in line]
    assert len(lines) == 1 and "seeds/002" in lines[0], lines
