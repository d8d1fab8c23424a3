"""More checks: links from hand-written pages to generated pages and their anchors; the ids handbook.yml
names (owners, popular_records, categories) with their line:col; a did-you-mean with the suggestion's
title; a reference to a file deleted in the working tree but still in git's HEAD told as such."""

from __future__ import annotations

import os
import subprocess

import pytest

POLICY = "docs/policies/shoufawen.md"
FAWEN = "procedures/gongwen/fawen.yaml"
SHOUWEN = "procedures/gongwen/shouwen.yaml"


def lines_with(r, code):
    return [line for line in r.lines if f": {code} " in line]


def add_links(book, *links: str) -> int:
    """Append a paragraph of links to the policy page; the line it is on."""
    text = book.read(POLICY).rstrip("\n") + "\n\n" + "、".join(links) + "\n"
    book.write(POLICY, text)
    return text.count("\n")


def test_links_to_existing_pages_and_anchors_pass(book):
    add_links(book, "[发文](../procedures/gongwen/fawen.md)", "[存档](../procedures/gongwen/fawen.md#step-archive)",
              "[主要步骤](../procedures/gongwen/fawen.md#主要步骤)", "[填写说明](../records/shouwen-register.md#填写说明)",
              "[文员](../roles/office-clerk.md)", "[首页](../index.md)", "[期限](../indexes/retention.md)",
              "[外部](https://example.com/x.md#nowhere)", "`[代码](../procedures/gongwen/nowhere.md)`",
              "[风险](../procedures/gongwen/shouwen.md#risk-fk1)")
    r = book.run("check")
    assert r.code == 0, r.out


def test_link_to_a_deleted_step_fails(book):
    """The issue's case: a policy links to a step; the step is deleted; the link must fail, at its line:col."""
    line = add_links(book, "见[存档](../procedures/gongwen/fawen.md#step-archive)")
    assert book.run("check").code == 0
    book.replace(FAWEN, "    next: archive", "    next: end")
    book.replace(FAWEN, "  - {id: archive, name: 存档, role: office-clerk, records: [fawen-register], next: end}\n", "")
    r = book.run("check")
    assert r.code == 1
    found = lines_with(r, "E212")
    assert found and found[0].startswith(f"{POLICY}:{line}:7: E212 "), r.out
    assert '"#step-archive"' in found[0] and "该流程没有步骤 \"archive\"" in found[0]
    assert "#step-number（第 5 步“编号、发文”）" in found[0]  # the steps there are, with their names


def test_misspelt_step_anchor_suggests_the_step_with_its_name(book):
    add_links(book, "[初核](../procedures/gongwen/fawen.md#step-chek)")
    r = book.run("check")
    assert '是否应为 "#step-check"（第 2 步“初核：送谁签发？”）？' in lines_with(r, "E212")[0], r.out


def test_unknown_heading_anchor_fails(book):
    add_links(book, "[说明](../records/shouwen-register.md#填写须知)")
    r = book.run("check")
    found = lines_with(r, "E212")
    assert found and "“收文登记簿”的页面上不存在" in found[0], r.out


def test_link_to_a_missing_generated_page(book):
    line = add_links(book, "[发文](../procedures/gongwen/fawn.md)", "[发文](../procedures/other/fawen.md)",
                     "[表](../records/nowhere-at-all.md)")
    r = book.run("check")
    found = lines_with(r, "E211")
    assert len(found) == 3, r.out
    assert found[0].startswith(f"{POLICY}:{line}:") and "是否应为 ../procedures/gongwen/fawen.md（发文）？" in found[0]
    assert "把链接改成 ../procedures/gongwen/fawen.md" in found[1]  # the right id in the wrong folder


def test_reference_definitions_and_html_links_are_checked(book):
    text = book.read(POLICY) + "\n[发文]: ../procedures/gongwen/fawen.md#step-nowhere\n\n<a href=\"../roles/nobody.md\">x</a>\n"
    book.write(POLICY, text)
    r = book.run("check")
    assert lines_with(r, "E212") and lines_with(r, "E211"), r.out


def test_handbook_yml_ids_are_checked_with_their_position(book):
    book.write("handbook.yml", book.read("handbook.yml") + (
        "categories: [公文管理, 公文管里]\n"
        "popular_records: [shouwen-register, shouwen-registr]\n"
        "owners:\n  office-clerk: ['@office/clerks']\n  office-clerck: ['@office/clerks']\n"))
    r = book.run("check")
    assert r.code == 1
    assert 'handbook.yml:10:3: E203 岗位 "office-clerck" 不存在' in r.out
    assert '是否应为 "office-clerk"（办公室文员）？' in r.out
    assert 'handbook.yml:7:37: E202 表单 "shouwen-registr" 不存在' in r.out
    assert '是否应为 "shouwen-register"（收文登记簿）？' in r.out
    assert "handbook.yml:6:20: W514 " in r.out and "是否应为“公文管理”？" in r.out


def test_did_you_mean_shows_the_title(book):
    book.replace(SHOUWEN, "    role: office-director", "    role: office-directr")
    r = book.run("check")
    assert '是否应为 "office-director"（办公室主任）？' in r.out, r.out


def git(root, *args, env=None):
    base = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@x", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@x",
            "PATH": os.environ.get("PATH", "/usr/bin:/bin")}
    subprocess.run(["git", *args], cwd=root, check=True, capture_output=True, env=base)


@pytest.fixture
def committed(book):
    git(book.root, "init", "-q", "-b", "main")
    git(book.root, "add", "-A")
    git(book.root, "commit", "-q", "-m", "base")
    return book


def test_reference_to_a_file_deleted_in_the_working_tree(committed):
    book = committed
    git(book.root, "rm", "-q", "records/shouwen-register.yaml")
    r = book.run("check")
    found = lines_with(r, "E202")
    assert len(found) == 3, r.out
    assert all('表单 "shouwen-register" 已在工作区删除（HEAD 中仍有 records/shouwen-register.yaml）：请同时删除对它的引用，或恢复该文件'
               in line for line in found)
    assert "fawen-register" not in r.out  # no look-alike suggested


def test_deleted_file_of_a_handbook_in_a_subfolder(tmp_path, capsys):
    from conftest import Book, make_mini

    repo = tmp_path / "repo"
    book = Book(make_mini(repo / "hb"), capsys)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "base")
    (book.root / "roles" / "deputy-leader.yaml").unlink()
    r = book.run("check")
    assert '岗位 "deputy-leader" 已在工作区删除（HEAD 中仍有 roles/deputy-leader.yaml）' in r.out, r.out


def test_without_git_the_suggestion_stays(committed, monkeypatch):
    book = committed
    (book.root / "records" / "shouwen-register.yaml").unlink()
    monkeypatch.setenv("PATH", "/nonexistent")  # git cannot be found: that part is skipped
    r = book.run("check")
    assert "已在工作区删除" not in r.out and "不存在" in r.out, r.out


def test_not_a_repository(book):
    (book.root / "records" / "shouwen-register.yaml").unlink()
    r = book.run("check")
    assert "已在工作区删除" not in r.out and '表单 "shouwen-register" 不存在' in r.out, r.out
