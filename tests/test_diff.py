"""`handbook diff BASE` on a fixture git repo made in a temp dir: each kind of change, in words."""

from __future__ import annotations

import subprocess

import pytest

SHOUWEN = "procedures/gongwen/shouwen.yaml"


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


def diff(repo) -> tuple[str, str]:
    r = repo.run("diff", "main")
    assert r.code == 0, r.err
    return r.out, r.err


def test_no_change(repo):
    out, _ = diff(repo)
    assert "内容没有变化" in out


def test_step_role_and_time_limit_changed(repo):
    repo.replace(SHOUWEN, "    role: office-director", "    role: general-manager")
    repo.replace(SHOUWEN, "amount: 2, unit: hour, from: 收到文件, urgency: urgent", "amount: 4, unit: hour, from: 收到文件, urgency: urgent")
    out, err = diff(repo)
    assert "- 收文 第2步“拟办：是否为重要文件？” 岗位：办公室主任 → 总经理\n" in out
    assert "收文 第1步“签收、登记” 时限：紧急：自收到文件起2小时内、普通：自收到文件起12小时内 → 紧急：自收到文件起4小时内" in out
    line = repo.line_of(SHOUWEN, 'version: "1.0"')
    assert err.splitlines()[0] == (f"{SHOUWEN}:{line}:10: W502 “收文”内容有改动，但版本号仍是 1.0：提高 version，"
                                   "并在 changelog 最前面补一条新版本的记录。")  # content changed, version not bumped
    assert "版本号或变更记录没有更新" in out


def test_version_bump_silences_the_warning(repo):
    repo.replace(SHOUWEN, "    role: office-director", "    role: general-manager")
    repo.replace(SHOUWEN, 'version: "1.0"', 'version: "1.1"')
    repo.replace(SHOUWEN, "changelog:\n", 'changelog:\n  - {version: "1.1", date: 2026-11-20, summary: 拟办改由总经理负责。}\n')
    out, err = diff(repo)
    assert "收文 版本：1.0 → 1.1" in out
    assert "W502" not in err


def test_record_retention_changed(repo):
    repo.replace("records/shouwen-register.yaml", "retention: 2", "retention: 10")
    out, _ = diff(repo)
    assert "- 收文登记簿 保存期限：二年 → 十年\n" in out


def test_record_archive_class_and_secrecy_changed(repo):
    repo.replace("records/shouwen-register.yaml", "retention: 2", "retention: 2\n  archive_class: permanent\n  archive_when: 次年6月底前")
    repo.replace("records/shouwen-register.yaml", "paper: {", "secrecy: internal\npaper: {")
    out, _ = diff(repo)
    assert "- 收文登记簿 归档：不归档 → 次年6月底前归档，档案保管期限永久\n" in out
    assert "- 收文登记簿 密级：未定 → 内部\n" in out


def test_duty_and_task_added(repo):
    repo.replace("roles/office-clerk.yaml", "  - 负责收发文登记。", "  - 负责收发文登记。\n  - 负责传真收发。")
    repo.replace("roles/office-clerk.yaml", "tasks:\n", "tasks:\n  - {name: 清点传真纸, frequency: monthly}\n")
    out, _ = diff(repo)
    assert "- 办公室文员 新增职责：负责传真收发。\n" in out
    assert "- 办公室文员 新增每月任务：清点传真纸\n" in out


def test_procedure_added_removed_renamed(repo):
    repo.path("procedures/gongwen/fawen.yaml").rename(repo.path("procedures/gongwen/fawen-guanli.yaml"))
    repo.replace("procedures/gongwen/fawen-guanli.yaml", "id: fawen", "id: fawen-guanli")
    repo.replace(SHOUWEN, "procedure: fawen", "procedure: fawen-guanli")
    new = repo.read(SHOUWEN).replace("id: shouwen", "id: laiwen").replace("LC-GW-01", "LC-GW-03").replace("title: 收文", "title: 来文")
    repo.write("procedures/gongwen/laiwen.yaml", new.replace("procedure: fawen-guanli", "procedure: shouwen"))
    out, _ = diff(repo)
    assert "- 流程改名：发文（fawen）→ 发文（fawen-guanli）\n" in out
    assert "- 新增流程：来文（LC-GW-03，6 步）\n" in out
    repo.path("procedures/gongwen/laiwen.yaml").unlink()
    repo.path(SHOUWEN).unlink()
    repo.replace("procedures/gongwen/fawen-guanli.yaml", "  - {procedure: shouwen, relation: related}\n", "")
    repo.replace("procedures/gongwen/fawen-guanli.yaml", "interfaces:\n", "")
    repo.replace("roles/office-clerk.yaml", "procedure: shouwen, ", "")
    out, _ = diff(repo)
    assert "- 删除流程：收文（LC-GW-01）\n" in out


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
    assert "收文 版本：1.0 → 1.1" in out


def test_record_changed_without_a_version_bump(repo):
    reg = "records/shouwen-register.yaml"
    repo.replace(reg, "retention: 2", "retention: 10")
    _, err = diff(repo)
    line = repo.line_of(reg, 'version: "1.0"')
    assert [w for w in err.splitlines() if " W502 " in w] == [
        f"{reg}:{line}:10: W502 “收文登记簿”内容有改动，但版本号仍是 1.0：提高 version，并在 changelog 最前面补一条新版本的记录。"]
