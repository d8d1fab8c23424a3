"""Each checker rule on a small broken fixture: exact path:line:col, code, and a fix in the message."""

from __future__ import annotations

SHOUWEN = "procedures/gongwen/shouwen.yaml"
FAWEN = "procedures/gongwen/fawen.yaml"
REG = "records/shouwen-register.yaml"


def hit(run, code: str) -> str:
    lines = [line for line in run.lines if f" {code} " in line]
    assert lines, f"{code} not reported:\n{run.out}"
    return lines[0]


def col_of(book, rel: str, line: int, needle: str) -> int:
    return book.read(rel).splitlines()[line - 1].index(needle) + 1


def test_unknown_role_with_suggestion(book):
    book.replace(SHOUWEN, "    role: office-director", "    role: office-directr")
    line = book.line_of(SHOUWEN, "role: office-directr")
    r = book.run("check")
    assert r.code == 1
    assert hit(r, "E203") == (f"{SHOUWEN}:{line}:11: E203 岗位 \"office-directr\" 不存在（岗位 id 是 roles/ 下的文件名），"
                              f"是否应为 \"office-director\"（办公室主任）？")


def test_unknown_record(book):
    book.replace(SHOUWEN, "records: [shouwen-register]", "records: [shouwen-registr]")
    line = book.line_of(SHOUWEN, "shouwen-registr]")
    r = book.run("check")
    assert hit(r, "E202").startswith(f"{SHOUWEN}:{line}:{col_of(book, SHOUWEN, line, 'shouwen-registr')}: E202")
    assert "是否应为 \"shouwen-register\"" in r.out


def test_unknown_owner(book):
    book.replace(FAWEN, "owner: office-director", "owner: boss")
    r = book.run("check")
    assert hit(r, "E203").startswith(f"{FAWEN}:{book.line_of(FAWEN, 'owner: boss')}:8: E203")


def test_unknown_lifecycle_role(book):
    book.replace(REG, "  destroy: office-director", "  destroy: archivist")
    r = book.run("check")
    assert hit(r, "E203").startswith(f"{REG}:{book.line_of(REG, 'destroy: archivist')}:12: E203")


def test_unknown_interface_procedure(book):
    book.replace(FAWEN, "procedure: shouwen", "procedure: shouwenn")
    line = book.line_of(FAWEN, "shouwenn")
    r = book.run("check")
    assert hit(r, "E201").startswith(f"{FAWEN}:{line}:{col_of(book, FAWEN, line, 'shouwenn')}: E201")


def test_unknown_reports_to(book):
    book.replace("roles/office-clerk.yaml", "reports_to: office-director", "reports_to: nobody")
    r = book.run("check")
    assert hit(r, "E203").startswith("roles/office-clerk.yaml:4:13: E203")


def test_unknown_policy(book):
    book.replace(SHOUWEN, "policies: [shoufawen]", "policies: [shoufawenn]")
    r = book.run("check")
    assert hit(r, "E206").startswith(f"{SHOUWEN}:{book.line_of(SHOUWEN, 'shoufawenn')}:12: E206")


def test_branch_target_missing(book):
    book.replace(SHOUWEN, "{label: 一般文件, next: leader-handle}", "{label: 一般文件, next: leader-handel}")
    line = book.line_of(SHOUWEN, "leader-handel")
    r = book.run("check")
    assert hit(r, "E204") == (f"{SHOUWEN}:{line}:{col_of(book, SHOUWEN, line, 'leader-handel')}: E204 下一步 \"leader-handel\" 不存在，"
                              f"是否应为 \"leader-handle\"（承办、落实）？可用的步骤：sign-in、propose、gm-review、leader-handle、supervise、archive，或 end。")


def test_duplicate_code(book):
    book.replace(FAWEN, "code: LC-GW-02", "code: LC-GW-01")
    r = book.run("check")
    # the later file in path order is the one told to change
    assert hit(r, "E208").startswith(f"{SHOUWEN}:3:7: E208 编号 \"LC-GW-01\" 已被 {FAWEN}（发文）使用")


def test_duplicate_code_across_kinds(book):
    book.replace(REG, "code: GL/YJ-BG-01", "code: LC-GW-01")
    r = book.run("check")
    assert " E208 " in r.out


def test_duplicate_id_in_two_folders(book):
    book.write("procedures/other/shouwen.yaml", book.read(SHOUWEN).replace("LC-GW-01", "LC-GW-09").replace("公文管理", "其他"))
    r = book.run("check")
    assert " E207 " in r.out


def test_dead_end(book):
    book.replace(FAWEN, "{id: draft, name: 拟稿, role: departments, next: check}", "{id: draft, name: 拟稿, role: departments}")
    line = book.line_of(FAWEN, "id: draft")
    r = book.run("check")
    assert hit(r, "E403").startswith(f"{FAWEN}:{line}:6: E403 第 1 步“拟稿”没有去向")


def test_next_and_branches(book):
    book.replace(SHOUWEN, "    criteria:", "    next: gm-review\n    criteria:")
    line = book.line_of(SHOUWEN, "next: gm-review")
    r = book.run("check")
    assert hit(r, "E406").startswith(f"{SHOUWEN}:{line}:5: E406")


def test_self_loop(book):
    book.replace(SHOUWEN, "    next: supervise", "    next: leader-handle")
    line = book.line_of(SHOUWEN, "    next: leader-handle", 2)
    r = book.run("check")
    assert hit(r, "E407").startswith(f"{SHOUWEN}:{line}:11: E407")


def test_unreachable_and_second_start(book):
    # gm-review is no longer reached: it becomes a second start
    book.replace(SHOUWEN, "{label: 重要文件, next: gm-review}", "{label: 重要文件, next: leader-handle}")
    line = book.line_of(SHOUWEN, "id: gm-review")
    r = book.run("check")
    assert hit(r, "E408").startswith(f"{SHOUWEN}:{line}:9: E408 第 3 步“审阅批示”没有任何步骤指向它")

def test_cycle_with_no_exit(book):
    book.replace(SHOUWEN, "    next: end", "    next: supervise")
    r = book.run("check")
    line = book.line_of(SHOUWEN, "id: sign-in")
    assert hit(r, "E404").startswith(f"{SHOUWEN}:{line}:9: E404 流程走不到结束：第1步“签收、登记”")


def test_unreachable_island(book):
    text = book.read(FAWEN).replace("  - {id: archive, name: 存档, role: office-clerk, records: [fawen-register], next: end}",
                                    "  - {id: archive, name: 存档, role: office-clerk, records: [fawen-register], next: end}\n"
                                    "  - {id: loop-a, name: 甲, role: office-clerk, next: loop-b}\n"
                                    "  - {id: loop-b, name: 乙, role: office-clerk, next: loop-a}")
    book.write(FAWEN, text)
    r = book.run("check")
    assert hit(r, "E402").startswith(f"{FAWEN}:{book.line_of(FAWEN, 'id: loop-a')}:")


def test_decision_needs_two_branches(book):
    book.replace(SHOUWEN, "      - {label: 一般文件, next: leader-handle}\n", "")
    r = book.run("check")
    assert hit(r, "E306").startswith(f"{SHOUWEN}:{book.line_of(SHOUWEN, '{label: 重要文件')}:7: E306 steps › 第2项 › branches 至少要有 2 条")


def test_duplicate_branch_labels(book):
    book.replace(SHOUWEN, "{label: 一般文件, next: leader-handle}", "{label: 重要文件, next: leader-handle}")
    r = book.run("check")
    line = book.line_of(SHOUWEN, "{label: 重要文件", 2)
    assert hit(r, "E405").startswith(f"{SHOUWEN}:{line}:")


def test_undefined_risk(book):
    book.replace(SHOUWEN, "    next: propose", "    risks: [FK9]\n    next: propose")
    r = book.run("check")
    assert hit(r, "E205").startswith(f"{SHOUWEN}:{book.line_of(SHOUWEN, 'risks: [FK9]')}:")


def test_schema_errors_point_at_the_value(book):
    book.replace(SHOUWEN, "status: active", "status: actve")
    book.replace(SHOUWEN, "  interval_months: 12", "  interval_months: twelve")
    book.replace(SHOUWEN, "    name: 签收、登记", "    name: 签收、登记\n    rol: office-clerk")
    r = book.run("check")
    assert hit(r, "E304") == (f"{SHOUWEN}:{book.line_of(SHOUWEN, 'status: actve')}:9: E304 status 的值 \"actve\" 不在可选范围内，"
                              "是否应为 \"active\"？可选值：draft、active、retired（状态：draft = 草案（未生效），active = 现行有效，retired = 已废止）。")
    assert hit(r, "E303").startswith(f"{SHOUWEN}:{book.line_of(SHOUWEN, 'twelve')}:20: E303 review › interval_months 应为整数")
    assert hit(r, "E301").startswith(f"{SHOUWEN}:{book.line_of(SHOUWEN, 'rol: office-clerk')}:5: E301 steps › 第1项 中有未知的键 \"rol\"，是否应为 \"role\"？")


def test_missing_required_key(book):
    book.replace(SHOUWEN, "owner: office-director\n", "")
    r = book.run("check")
    assert hit(r, "E302").startswith(f"{SHOUWEN}:2:1: E302 文件顶层 缺少必填项 \"owner\"")


def test_review_overdue_is_a_warning(book):
    r = book.run("check", "--today", "2028-01-01")
    assert r.code == 0
    w = [line for line in r.lines if line.startswith(SHOUWEN)][0]
    assert w.startswith(f"{SHOUWEN}:{book.line_of(SHOUWEN, 'last: 2026-10-15')}:9: W501 流程“收文”应在 2027-10-15 前审核")


def test_json_and_github_formats(book):
    import json

    book.replace(SHOUWEN, "status: active", "status: actve")
    r = book.run("check", "--format", "json")
    data = json.loads(r.out)
    line = book.line_of(SHOUWEN, "status: actve")
    assert data[0]["code"] == "E304" and data[0]["path"] == SHOUWEN and data[0]["line"] == line
    r = book.run("check", "--format", "github")
    assert r.out.startswith(f"::error file={SHOUWEN},line={line},col=9,title=E304::")


def test_usage_error_exit_2(book, tmp_path):
    r = book.run("check", "--today", "soon")
    assert r.code == 2
    from office_handbook.cli import main

    assert main(["check", "--root", str(tmp_path / "nowhere")]) == 2


def test_impossible_date_is_a_problem_not_a_crash(book):
    book.replace(SHOUWEN, "  last: 2026-10-15", "  last: 2026-02-30")
    book.replace(SHOUWEN, "effective: 2026-01-01", "effective: 2026-13-01")
    r = book.run("check")
    assert r.code == 1 and "Traceback" not in r.out + r.err
    lines = [line for line in r.lines if " E305 " in line]
    assert lines == [
        f"{SHOUWEN}:{book.line_of(SHOUWEN, 'effective: 2026-13-01')}:12: E305 effective 的日期 \"2026-13-01\" 不存在"
        "（没有 13 月，月份应为 01–12）：应为 YYYY-MM-DD 格式的真实日期。",
        f"{SHOUWEN}:{book.line_of(SHOUWEN, 'last: 2026-02-30')}:9: E305 review › last 的日期 \"2026-02-30\" 不存在"
        "（2026 年 2 月只有 28 天）：应为 YYYY-MM-DD 格式的真实日期，如 2026-02-28。",
    ]


def test_impossible_changelog_date(book):
    book.replace(SHOUWEN, "date: 2026-01-01, author: 办公室主任", "date: 2025-02-29, author: 办公室主任")
    line = book.line_of(SHOUWEN, "date: 2025-02-29")
    r = book.run("check")
    assert hit(r, "E305") == (f"{SHOUWEN}:{line}:{col_of(book, SHOUWEN, line, '2025-02-29')}: E305 changelog › 第1项 › date "
                              "的日期 \"2025-02-29\" 不存在（2025 年 2 月只有 28 天）：应为 YYYY-MM-DD 格式的真实日期，如 2025-02-28。")


def test_leap_day_and_far_future_review_are_fine(book):
    book.replace(SHOUWEN, "  last: 2026-10-15", "  last: 2024-02-29")
    assert book.run("check", "--today", "2024-06-01").code == 0
    book.replace(SHOUWEN, "  last: 2024-02-29", "  last: 9999-12-31")
    book.replace(SHOUWEN, "  interval_months: 12", "  interval_months: 60")
    r = book.run("check")
    assert r.code == 0 and "Traceback" not in r.out + r.err


def test_duplicate_risk_id(book):
    book.replace(SHOUWEN, "policies: [shoufawen]",
                 "  - id: FK1\n    risk: 重复的风险点\n    control: 复核。\npolicies: [shoufawen]")
    line = book.line_of(SHOUWEN, "  - id: FK1", nth=2)
    r = book.run("check")
    assert r.code == 1
    assert hit(r, "E409") == (f"{SHOUWEN}:{line}:9: E409 风险点编号 \"FK1\" 与第 1 个风险点重复："
                              "同一流程内每个编号（FK1、FK2…）只能用一次，请改成未用过的编号。")


def test_empty_or_comment_only_handbook_yml_is_fine(book):
    for text in ("", "\n\n", "# 手册设置：每个键都可以省略。\n# organisation: ××公司\n", "---\n# 空\n"):
        book.write("handbook.yml", text)
        r = book.run("check")
        assert r.code == 0, (text, r.out)
        assert not [line for line in r.out.splitlines() if line.startswith("handbook.yml")], r.out
