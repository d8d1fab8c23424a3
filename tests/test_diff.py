"""`handbook diff BASE` on a fixture git repo made in a temp dir: each kind of change, in words, as a
memo (steps by name, an inserted or removed step said once, only the branches that changed), in the
three output formats."""

from __future__ import annotations

import subprocess

import pytest

SHOUWEN = "procedures/gongwen/shouwen.yaml"
REGISTER = "records/shouwen-register.yaml"
SCAN_STEP = """  - id: scan
    name: 扫描、录入
    role: office-clerk
    details: 将来文扫描后录入文件系统，纸质原件随文流转。
    records: [shouwen-register]
    time_limits: [{kind: within, amount: 4, unit: hour, from: 签收}]
    next: propose
"""


def git(root, *args):
    subprocess.run(["git", *args], cwd=root, check=True, capture_output=True,
                   env={"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@x", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@x",
                        "PATH": "/usr/bin:/bin:/usr/local/bin"})


@pytest.fixture
def repo(book):
    git(book.root, "init", "-q", "-b", "main")
    git(book.root, "add", "-A")
    git(book.root, "commit", "-q", "-m", "base")
    return book


def diff(repo, *options: str) -> tuple[str, str]:
    r = repo.run("diff", "main", *options)
    assert r.code == 0, r.err
    return r.out, r.err


def bump(repo, summary: str) -> None:
    repo.replace(SHOUWEN, 'version: "1.0"', 'version: "1.1"')
    repo.replace(SHOUWEN, "changelog:\n", f'changelog:\n  - {{version: "1.1", date: 2026-11-20, author: 办公室主任, summary: {summary}}}\n')


def insert_scan_step(repo) -> None:
    repo.replace(SHOUWEN, "    next: propose\n  - id: propose", "    next: scan\n" + SCAN_STEP + "  - id: propose")


def test_no_change(repo):
    out, _ = diff(repo)
    assert "内容没有变化" in out


def test_step_role_and_time_limit_changed(repo):
    repo.replace(SHOUWEN, "    role: office-director", "    role: general-manager")
    repo.replace(SHOUWEN, "amount: 2, unit: hour, from: 收到文件, urgency: urgent", "amount: 4, unit: hour, from: 收到文件, urgency: urgent")
    out, err = diff(repo)
    assert "#### 收文（LC-GW-01）\n" in out
    assert "- 第2步“拟办：是否为重要文件？” 岗位：办公室主任 → 总经理\n" in out
    assert "- 第1步“签收、登记” 时限：紧急：自收到文件起2小时内、普通：自收到文件起12小时内 → 紧急：自收到文件起4小时内" in out
    line = repo.line_of(SHOUWEN, 'version: "1.0"')
    assert err.splitlines()[0] == (f"{SHOUWEN}:{line}:10: W502 “收文”内容有改动，但版本号仍是 1.0：提高 version，"
                                   "并在 changelog 最前面补一条新版本的记录。")  # content changed, version not bumped
    assert "版本号或变更记录没有更新" in out


def test_inserted_step_is_reported_once_with_its_details_and_the_changelog(repo):
    insert_scan_step(repo)
    bump(repo, "增加扫描录入环节。")
    out, err = diff(repo)
    assert "W502" not in err
    assert "> 1.1（2026-11-20，办公室主任）：增加扫描录入环节。\n" in out  # the changelog line, quoted
    assert "- 版本：1.0 → 1.1\n" in out
    assert ("- 新增第2步“扫描、录入”（插在“签收、登记”和“拟办：是否为重要文件？”之间）\n"
            "  - 岗位：办公室文员\n"
            "  - 内容：将来文扫描后录入文件系统，纸质原件随文流转。\n"
            "  - 时限：自签收起4小时内\n"
            "  - 表单：《收文登记簿》\n"
            "  - 下一步：“拟办：是否为重要文件？”\n") in out
    # nothing else: no renumbered later steps, and the edge the insertion explains is not a change of its own
    items = [line for line in out.splitlines() if line.startswith("- ")]
    assert items == ["- 版本：1.0 → 1.1", "- 新增第2步“扫描、录入”（插在“签收、登记”和“拟办：是否为重要文件？”之间）"]


def test_removed_step_is_reported_once(repo):
    repo.replace(SHOUWEN, "    next: supervise\n", "    next: archive\n")
    text = repo.read(SHOUWEN)
    start, end = text.index("  - id: supervise"), text.index("  - id: archive")
    repo.write(SHOUWEN, text[:start] + text[end:])
    out, _ = diff(repo)
    items = [line for line in out.splitlines() if line.startswith("- ")]
    assert items[0] == "- 删除原第5步“督办、反馈”（办公室文员）"
    assert not [x for x in items if "下一步" in x or "去向" in x]


def test_only_the_changed_branch_is_reported_by_name(repo):
    repo.replace(SHOUWEN, "{label: 一般文件, next: leader-handle}", "{label: 一般文件, next: supervise}")
    repo.replace(SHOUWEN, "      - {label: 重要文件, next: gm-review}\n", "      - {label: 重要文件, next: gm-review}\n      - {label: 错送, next: end}\n")
    out, _ = diff(repo)
    assert "- 第2步“拟办：是否为重要文件？” 分支“一般文件”：“承办、落实” → “督办、反馈”\n" in out
    assert "- 第2步“拟办：是否为重要文件？” 新增分支“错送” → 结束\n" in out
    assert "重要文件" not in out.replace("拟办：是否为重要文件？", "")  # the unchanged branch is not mentioned


def test_version_bump_silences_the_warning(repo):
    repo.replace(SHOUWEN, "    role: office-director", "    role: general-manager")
    bump(repo, "拟办改由总经理负责。")
    out, err = diff(repo)
    assert "- 版本：1.0 → 1.1\n" in out
    assert "W502" not in err


def test_record_retention_is_highlighted_in_every_format(repo):
    repo.replace(REGISTER, "retention: 2", "retention: 10")
    out, _ = diff(repo)
    assert "> [!IMPORTANT]\n> - 收文登记簿（GL/YJ-BG-01） 保存期限：二年 → 十年\n" in out
    assert "- ⚠️ **保存期限：二年 → 十年**\n" in out
    gitlab, _ = diff(repo, "--format", "gitlab")
    assert "- ⚠️ 保存期限：{- 二年 -} → {+ 十年 +}\n" in gitlab and "[!IMPORTANT]" not in gitlab
    text, _ = diff(repo, "--format", "text")
    assert "    · 【请注意】保存期限：二年 → 十年\n" in text
    assert not any(mark in text for mark in ("**", "###", "<details>", "- "))


def test_record_archive_class_and_secrecy_changed(repo):
    repo.replace(REGISTER, "retention: 2", "retention: 2\n  archive_class: permanent\n  archive_when: 次年6月底前")
    repo.replace(REGISTER, "paper: {", "secrecy: internal\npaper: {")
    out, _ = diff(repo)
    assert "- ⚠️ **归档：不归档 → 次年6月底前归档，档案保管期限永久**\n" in out
    assert "- ⚠️ **密级：未定 → 内部**\n" in out


def test_record_columns_added_removed_and_reordered(repo):
    repo.replace(REGISTER, "  - {label: 附件, width: 0.6}\n", "")
    repo.replace(REGISTER, "  - {label: 签收人, width: 0.8}\n", "  - {label: 签收人, width: 0.8}\n  - {label: 扫描件编号, width: 1}\n")
    out, _ = diff(repo)
    assert "- 新增列：“扫描件编号”\n" in out
    assert "- 删除列：“附件”\n" in out
    assert "列顺序调整" not in out
    repo.replace(REGISTER, "  - {label: 收文号, width: 0.8}\n  - {label: 收文日期, width: 1}\n", "  - {label: 收文日期, width: 1}\n  - {label: 收文号, width: 0.8}\n")
    out, _ = diff(repo)
    assert "- 列顺序调整：收文号、收文日期、" in out


def test_duty_and_task_added(repo):
    repo.replace("roles/office-clerk.yaml", "  - 负责收发文登记。", "  - 负责收发文登记。\n  - 负责传真收发。")
    repo.replace("roles/office-clerk.yaml", "tasks:\n", "tasks:\n  - {name: 清点传真纸, frequency: monthly}\n")
    out, _ = diff(repo)
    assert "#### 办公室文员\n" in out
    assert "- 新增职责：负责传真收发。\n" in out
    assert "- 新增每月任务：清点传真纸\n" in out


def test_procedure_added_removed_renamed(repo):
    repo.path("procedures/gongwen/fawen.yaml").rename(repo.path("procedures/gongwen/fawen-guanli.yaml"))
    repo.replace("procedures/gongwen/fawen-guanli.yaml", "id: fawen", "id: fawen-guanli")
    repo.replace(SHOUWEN, "procedure: fawen", "procedure: fawen-guanli")
    new = repo.read(SHOUWEN).replace("id: shouwen", "id: laiwen").replace("LC-GW-01", "LC-GW-03").replace("title: 收文", "title: 来文")
    repo.write("procedures/gongwen/laiwen.yaml", new.replace("procedure: fawen-guanli", "procedure: shouwen"))
    out, _ = diff(repo)
    assert "#### 发文（LC-GW-02）（改名）\n" in out and "- id（页面地址）：fawen → fawen-guanli\n" in out
    assert "#### 来文（LC-GW-03）（新增）\n" in out
    assert "- 新增流程（公文管理，6 步，责任岗位：办公室主任）\n  <details><summary>步骤（6 步）</summary>\n\n  - 1. “签收、登记”（办公室文员）\n" in out
    repo.path("procedures/gongwen/laiwen.yaml").unlink()
    repo.path(SHOUWEN).unlink()
    repo.replace("procedures/gongwen/fawen-guanli.yaml", "  - {procedure: shouwen, relation: related}\n", "")
    repo.replace("procedures/gongwen/fawen-guanli.yaml", "interfaces:\n", "")
    repo.replace("roles/office-clerk.yaml", "procedure: shouwen, ", "")
    out, _ = diff(repo)
    assert "#### 收文（LC-GW-01）（删除）\n\n- 删除流程\n" in out


def test_long_sections_fold_in_comments_but_not_in_text(repo):
    text = repo.read(SHOUWEN)
    for step in ("sign-in", "propose", "gm-review", "leader-handle", "supervise", "archive"):
        text = text.replace(f"  - id: {step}\n    name: ", f"  - id: {step}\n    name: 新", 1)
    text = text.replace("    role: office-clerk", "    role: office-director").replace("    details: ", "    details: 修订：")
    repo.write(SHOUWEN, text)
    out, _ = diff(repo)
    assert "<details>\n<summary><strong>收文（LC-GW-01）</strong>：" in out and "</details>" in out
    plain, _ = diff(repo, "--format", "text")
    assert "<details>" not in plain and "    · 第1步改名：“签收、登记” → “新签收、登记”\n" in plain


def test_yaml_text_is_escaped_in_markdown(repo):
    repo.replace(SHOUWEN, "name: 审阅批示", "name: 审阅*批示*<b>")
    out, _ = diff(repo)
    assert "“审阅批示” → “审阅\\*批示\\*&lt;b&gt;”" in out


def test_bad_ref_is_a_usage_error(repo):
    r = repo.run("diff", "no-such-branch")
    assert r.code == 2
    assert "no-such-branch" in r.err


def test_version_bumped_without_a_changelog_entry(repo):
    repo.replace(SHOUWEN, "    role: office-director", "    role: general-manager")
    repo.write(SHOUWEN, "# 版本号改了，变更记录没改\n" + repo.read(SHOUWEN).replace('version: "1.0"', 'version: "1.1"', 1))
    out, err = diff(repo)
    line = repo.line_of(SHOUWEN, 'version: "1.1"')
    warnings = [w for w in err.splitlines() if " W502 " in w]
    assert warnings == [f"{SHOUWEN}:{line}:10: W502 “收文”的版本号已从 1.0 改为 1.1，但变更记录没有更新："
                        "在 changelog 最前面补一条 1.1 的记录。"]
    assert "- 版本：1.0 → 1.1\n" in out


def test_record_changed_without_a_version_bump(repo):
    repo.replace(REGISTER, "retention: 2", "retention: 10")
    _, err = diff(repo)
    line = repo.line_of(REGISTER, 'version: "1.0"')
    assert [w for w in err.splitlines() if " W502 " in w] == [
        f"{REGISTER}:{line}:10: W502 “收文登记簿”内容有改动，但版本号仍是 1.0：提高 version，并在 changelog 最前面补一条新版本的记录。"]


def test_a_rename_is_one_change_and_no_version_warning(repo):
    assert repo.run("rename", "role", "office-clerk", "wenyuan").code == 0
    assert repo.run("rename", "record", "shouwen-register", "shouwen-dengji").code == 0
    out, err = diff(repo)
    assert "W502" not in err and "版本号" not in out
    items = [line for line in out.splitlines() if line.startswith("- ")]
    assert items == ["- id（页面地址）：shouwen-register → shouwen-dengji", "- id（页面地址）：office-clerk → wenyuan"]
    assert "#### 办公室文员（改名）" in out and "#### 收文登记簿（GL/YJ-BG-01）（改名）" in out
