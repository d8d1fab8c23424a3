"""`handbook rename` and `handbook where` on the small fixture handbook: every reference rewritten in
place (comments, quotes and flow style kept), the redirect recorded and built, all or nothing."""

from __future__ import annotations

import os

import pytest

from office_handbook.render.redirects import redirect_pages

SHOUWEN = "procedures/gongwen/shouwen.yaml"
SETTINGS = "handbook.yml"


def snapshot(root):
    """Every file (bytes and mtime) of the handbook except the build cache."""
    return sorted((p.relative_to(root).as_posix(), p.read_bytes(), p.stat().st_mtime_ns) for p in root.rglob("*")
                  if p.is_file() and ".cache" not in p.relative_to(root).parts)


@pytest.fixture
def admin(book):
    """The fixture with what an admin's handbook holds besides the YAML: owners, popular records, a
    policy page linking to generated pages, a quoted reference and a comment naming the id."""
    book.write(SETTINGS, book.read(SETTINGS) + "popular_records: [shouwen-register, fawen-register]\n"
               "owners:\n  office-clerk: [\"@office/clerks\"]   # 文员组\n  office-director: [\"@office/directors\"]\n")
    book.replace(SHOUWEN, "    role: office-clerk\n", '    role: "office-clerk"   # office-clerk 负责签收\n')
    book.write("docs/policies/shoufawen.md", book.read("docs/policies/shoufawen.md")
               + "\n2. 登记用[收文登记簿](../records/shouwen-register.md#填写说明)，职责见[文员](../roles/office-clerk.md)。\n"
               "3. 流程见[收文](../procedures/gongwen/shouwen.md)。\n")
    return book


def test_rename_role_rewrites_every_reference_and_keeps_the_rest(admin):
    before = {rel: admin.read(rel) for rel in (SHOUWEN, "procedures/gongwen/fawen.yaml", "records/fawen-register.yaml", SETTINGS)}
    r = admin.run("rename", "role", "office-clerk", "wenyuan")
    assert r.code == 0, r.out + r.err
    assert not admin.path("roles/office-clerk.yaml").exists()
    assert admin.read("roles/wenyuan.yaml").startswith("# yaml-language-server: $schema=../.handbook/schemas/role.schema.json\nid: wenyuan\n")
    for rel, text in before.items():  # each file differs from the old one exactly where the id was written
        if rel != SETTINGS:
            assert admin.read(rel) == text.replace("office-clerk", "wenyuan").replace("# wenyuan 负责签收", "# office-clerk 负责签收"), rel
    assert '    role: "wenyuan"   # office-clerk 负责签收\n' in admin.read(SHOUWEN)  # quotes and comment kept
    assert '  wenyuan: ["@office/clerks"]   # 文员组\n' in admin.read(SETTINGS)
    assert admin.read(SETTINGS).endswith("redirects:\n  roles/office-clerk.md: roles/wenyuan.md\n")
    assert "职责见[文员](../roles/wenyuan.md)" in admin.read("docs/policies/shoufawen.md")
    line = admin.line_of(SHOUWEN, 'role: "wenyuan"')
    assert f"  {SHOUWEN}:{line}: steps[0].role：office-clerk → wenyuan（流程“收文”第1步“签收、登记”的岗位）" in r.lines
    assert "  移动 roles/office-clerk.yaml → roles/wenyuan.yaml" in r.lines
    assert "检查通过" in r.err
    assert admin.run("check").code == 0
    gone = admin.run("where", "office-clerk")
    assert gone.code == 2 and "wenyuan" not in gone.err  # no such id any more (did-you-mean needs a close one)


def test_dry_run_prints_the_same_and_writes_nothing(admin):
    before = snapshot(admin.root)
    dry = admin.run("rename", "role", "office-clerk", "wenyuan", "--dry-run")
    assert dry.code == 0
    assert "--dry-run：未写出任何文件" in dry.err
    assert snapshot(admin.root) == before
    real = admin.run("rename", "role", "office-clerk", "wenyuan")
    assert real.lines == dry.lines


def test_rename_record_rewrites_links_and_settings_and_builds_a_redirect(admin):
    r = admin.run("rename", "record", "shouwen-register", "shouwen-dengji")
    assert r.code == 0, r.out + r.err
    assert "popular_records: [shouwen-dengji, fawen-register]\n" in admin.read(SETTINGS)
    assert "[收文登记簿](../records/shouwen-dengji.md#填写说明)" in admin.read("docs/policies/shoufawen.md")
    assert "records: [shouwen-dengji]" in admin.read(SHOUWEN)
    assert "records: [shouwen-dengji]}" in admin.read("roles/office-clerk.yaml")
    link_line = admin.line_of("docs/policies/shoufawen.md", "shouwen-dengji")
    assert any(x.startswith(f"  docs/policies/shoufawen.md:{link_line}: 链接 ../records/shouwen-register.md#填写说明") for x in r.lines)
    b = admin.run("build")
    assert b.code == 0, b.err
    page = admin.read("site/records/shouwen-register/index.html")
    assert 'http-equiv="refresh" content="0; url=../shouwen-dengji/"' in page
    assert 'location.replace("../shouwen-dengji/" + location.search + location.hash)' in page
    assert admin.path("site/records/shouwen-dengji/index.html").exists()


def test_rename_procedure_and_back_keeps_redirects_straight(admin):
    admin.write("mkdocs.yml", admin.read("mkdocs.yml") + "nav:\n  - 首页: index.md\n  - 发文: procedures/gongwen/fawen.md\n")
    r = admin.run("rename", "procedure", "fawen", "fawen-guanli")
    assert r.code == 0, r.out + r.err
    assert admin.path("procedures/gongwen/fawen-guanli.yaml").exists()
    assert admin.read("mkdocs.yml").endswith("  - 发文: procedures/gongwen/fawen-guanli.md\n")
    assert "  - {procedure: fawen-guanli, relation: related, note: 需要回复的来文转入发文流程。}\n" in admin.read(SHOUWEN)
    assert admin.run("rename", "procedure", "fawen-guanli", "fawen-v2").code == 0
    text = admin.read(SETTINGS)  # the first redirect follows the page to where it is now
    assert "  procedures/gongwen/fawen.md: procedures/gongwen/fawen-v2.md\n" in text
    assert "  procedures/gongwen/fawen-guanli.md: procedures/gongwen/fawen-v2.md\n" in text
    assert admin.run("rename", "procedure", "fawen-v2", "fawen").code == 0
    text = admin.read(SETTINGS)  # back at the old address: that address is a page again
    assert "  procedures/gongwen/fawen.md:" not in text
    assert "  procedures/gongwen/fawen-v2.md: procedures/gongwen/fawen.md\n" in text
    assert admin.run("check").code == 0


def test_a_failing_check_restores_every_file(admin, monkeypatch):
    import office_handbook.pipeline as pipeline

    real, calls = pipeline.check, []

    def check(*args, **kwargs):
        checked = real(*args, **kwargs)
        calls.append(1)
        if len(calls) > 1:  # the check after the rename fails
            from office_handbook.problems import Pos, Problem
            checked.problems.append(Problem(Pos(SHOUWEN, 3, 1), "E203", "测试用的错误"))
        return checked

    monkeypatch.setattr(pipeline, "check", check)
    before = snapshot(admin.root)
    r = admin.run("rename", "role", "office-clerk", "wenyuan")
    assert r.code == 1
    assert "全部文件已还原" in r.err and "测试用的错误" in r.out
    assert snapshot(admin.root) == before  # bytes and times, the moved file back in place


def test_an_exception_midway_restores_every_file(admin, monkeypatch):
    import office_handbook.cli as cli

    def boom(root, tx):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(cli, "_refresh_editor_ids", boom)
    before = snapshot(admin.root)
    r = admin.run("rename", "record", "fawen-register", "fawen-dengji")
    assert r.code == 1 and "全部文件已还原" in r.err and "Traceback" not in r.err
    assert snapshot(admin.root) == before


def test_line_endings_and_bom_are_kept(admin):
    rel = "records/fawen-register.yaml"
    admin.write(rel, b"\xef\xbb\xbf" + admin.read(rel).replace("\n", "\r\n").encode("utf-8"))
    os.chmod(admin.path(rel), 0o640)
    assert admin.run("rename", "role", "office-clerk", "wenyuan").code == 0
    raw = admin.path(rel).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"  fill: [wenyuan]\r\n" in raw and b"\n" not in raw.replace(b"\r\n", b"")
    assert admin.path(rel).stat().st_mode & 0o777 == 0o640


def test_refusals_are_one_line_and_write_nothing(admin):
    before = snapshot(admin.root)
    for args, words in [(("role", "office-clerk", "office-director"), "已有 id"), (("role", "office-clerk", "Wen_Yuan"), "不合规"),
                        (("role", "office-clerc", "wenyuan"), "是否应为 \"office-clerk\""), (("record", "office-clerk", "x"), "没有 id")]:
        r = admin.run("rename", *args)
        assert r.code == 2 and words in r.err, (args, r.err)
    assert snapshot(admin.root) == before


def test_rename_refuses_a_handbook_with_errors(admin):
    admin.replace("procedures/gongwen/fawen.yaml", "role: office-clerk", "role: office-clerc")
    before = snapshot(admin.root)
    r = admin.run("rename", "role", "office-director", "zhuren")
    assert r.code == 1 and "先改好" in r.err
    assert snapshot(admin.root) == before


def test_where_lists_every_use_with_its_key_path(admin):
    r = admin.run("where", "shouwen-register")
    assert r.code == 0, r.err
    assert r.lines[0] == "表单 shouwen-register（收文登记簿）：5 处引用，在 5 个文件中"
    line = admin.line_of(SHOUWEN, "records: [shouwen-register]")
    assert f"  {SHOUWEN}:{line}:15: steps[0].records[0] — 流程“收文”第1步“签收、登记”的表单" in r.lines
    assert "  records/shouwen-register.yaml:2:5: id — 表单自己的 id" == r.lines[1]
    assert any(x.startswith(f"  {SETTINGS}:") and "popular_records[0] — 首页的常用表单" in x for x in r.lines)
    assert any(x.startswith("  roles/office-clerk.yaml:9:") and "tasks[0].records[0]" in x for x in r.lines)
    assert any(x.startswith("  docs/policies/shoufawen.md:") and "链接 ../records/shouwen-register.md#填写说明" in x for x in r.lines)


def test_where_does_not_take_a_text_for_a_reference(admin):
    admin.replace(SHOUWEN, "name: 归档", "name: office-clerk")  # a step name, not a role
    r = admin.run("where", "office-clerk")
    assert not any("steps[5].name" in x for x in r.lines)
    assert any("steps[5].role" in x for x in r.lines)



def test_where_names_a_layout_approval_box_by_its_title():
    import yaml

    from office_handbook.where import describe

    tree = yaml.compose("title: 用印申请单\nlayout:\n  - {label: 事由}\n  - {approval: 印章管理员意见, role: seal-keeper}\n")
    assert describe("record", tree, ("layout", 1, "role")) == "表单“用印申请单”的审批栏“印章管理员意见”的岗位"

def test_redirect_pages_follow_renames_and_copy_downloads():
    files = {"records/c.md": "page", "records/c.pdf": b"%PDF", "records/b2.md": "page"}
    out = redirect_pages({"records/a.md": "records/b.md", "records/b.md": "records/c.md", "records/b2.md": "records/c.md",
                          "records/x.md": "records/gone.md"}, files, directory_urls=False)
    assert set(out) == {"records/a.html", "records/a.pdf", "records/b.html", "records/b.pdf"}  # b2 is a page; x leads nowhere
    assert 'url=c.html"' in out["records/a.html"] and out["records/a.pdf"] == b"%PDF"


def test_redirects_are_added_in_the_style_the_file_uses():
    from office_handbook.rename import add_redirect

    block = "a: 1\nredirects:\n  # 旧地址\n  roles/x.md: roles/y.md   # 注释\nb: 2\n"
    text, edits = add_redirect(block, "roles/z.md", "roles/w.md")
    assert text == "a: 1\nredirects:\n  # 旧地址\n  roles/x.md: roles/y.md   # 注释\n  roles/z.md: roles/w.md\nb: 2\n"
    assert [str(e) for e in edits] == ["handbook.yml:5: redirects：旧地址 roles/z.md 跳转到 roles/w.md（新增）"]
    flow, _ = add_redirect("redirects: {roles/x.md: roles/y.md}  # 注释\n", "roles/y.md", "roles/x.md")
    assert flow == "redirects: {roles/y.md: roles/x.md}  # 注释\n"  # x is a page again: its own redirect goes
