"""No command may destroy an admin's files: every dangerous output path is refused with one Chinese
line (exit 2 from our CLI, a failed build through plain MkDocs) and every file of the handbook,
.git included, stays byte-identical. Folders we wrote before (marker, or an older site) are replaced."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import Book, make_mini

CJK = re.compile(r"[\u4e00-\u9fff]")


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file below `root` (the handbook, its .git and anything an admin put beside the content)."""
    out = {}
    for p in sorted(root.rglob("*")):
        rel = p.relative_to(root).as_posix()
        if ".cache" in p.relative_to(root).parts:
            continue
        if p.is_symlink():
            out[rel] = b"-> " + os.readlink(p).encode()
        elif p.is_file():
            out[rel] = p.read_bytes()
        elif p.is_dir():
            out[rel + "/"] = b""
    return out


@pytest.fixture
def repo(tmp_path, capsys) -> Book:
    """The mini handbook as a git repository, with a foreign folder and a file an admin keeps there."""
    root = make_mini(tmp_path / "hb")
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    (root / "notes").mkdir()
    (root / "notes" / "会议记录.docx").write_bytes(b"PK\x03\x04 an admin's only copy")
    (root / "afile.txt").write_text("不要删我", encoding="utf-8")
    (root / "link-to-roles").symlink_to(root / "roles", target_is_directory=True)
    (root / ".github").mkdir()
    (root / ".github" / "CODEOWNERS").write_text("* @someone\n", encoding="utf-8")
    (root / "ids.json").write_text('{"mine": true}\n', encoding="utf-8")
    return Book(root, capsys)


# (command words, with {root} and {parent} filled in). Every one must be refused.
DANGEROUS = [
    ("build", "--site-dir", "{root}"),
    ("build", "--site-dir", "{root}/."),
    ("build", "--site-dir", "{parent}"),
    ("build", "--site-dir", "/"),
    ("build", "--site-dir", "{root}/procedures"),
    ("build", "--site-dir", "{root}/procedures/gongwen"),
    ("build", "--site-dir", "{root}/records"),
    ("build", "--site-dir", "{root}/roles"),
    ("build", "--site-dir", "{root}/docs"),
    ("build", "--site-dir", "{root}/docs/assets"),
    ("build", "--site-dir", "{root}/.git"),
    ("build", "--site-dir", "{root}/notes"),
    ("build", "--site-dir", "{root}/afile.txt"),
    ("build", "--site-dir", "{root}/handbook.yml"),
    ("build", "--site-dir", "{root}/link-to-roles"),
    ("build", "--site-dir", "/missing/parent/x"),
    ("gen", "--out", "{root}"),
    ("gen", "--out", "{parent}"),
    ("gen", "--out", "{root}/docs"),
    ("gen", "--out", "{root}/records"),
    ("gen", "--out", "{root}/roles"),
    ("gen", "--out", "{root}/mkdocs.yml"),
    ("gen", "--out", "{root}/afile.txt"),
    ("gen", "--out", "{root}/notes"),
    ("gen", "--out", "/missing/parent/x"),
    ("codeowners", "--out", ".github/CODEOWNERS"),
    ("codeowners", "--out", "handbook.yml"),
    ("codeowners", "--out", "procedures/gongwen/shouwen.yaml"),
    ("codeowners", "--out", "roles"),
    ("schema", "--out", "{root}/mkdocs.yml"),
    ("schema", "--out", "{root}/ids.json"),
    ("schema", "--out", "{root}/records/shouwen-register.yaml"),
]


@pytest.mark.parametrize("words", DANGEROUS, ids=[" ".join(w) for w in DANGEROUS])
def test_dangerous_output_path_is_refused(repo, words):
    root = repo.root
    args = [w.format(root=root, parent=root.parent) for w in words]
    before = snapshot(root.parent)
    r = repo.run(*args)
    assert r.code == 2, (args, r.out, r.err)
    lines = [ln for ln in r.err.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("handbook: ") and CJK.search(lines[0]), r.err
    assert "Traceback" not in r.out + r.err
    assert snapshot(root.parent) == before


MKDOCS_DANGEROUS = ["{root}/roles", "{root}/procedures", "{root}/notes", "{parent}", "{root}/.git"]


@pytest.mark.parametrize("target", MKDOCS_DANGEROUS)
def test_plain_mkdocs_build_refuses_before_it_empties_anything(repo, target):
    """MkDocs empties site_dir before writing and itself checks only docs_dir: our plugin refuses in on_config."""
    root = repo.root
    before = snapshot(root.parent)
    site_dir = target.format(root=root, parent=root.parent)
    r = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(root / "mkdocs.yml"), "--site-dir", site_dir],
                       capture_output=True, text=True, cwd=root)
    assert r.returncode != 0
    assert "site_dir" in r.stderr, r.stderr
    if "should not be within" not in r.stderr:  # MkDocs' own (English) check catches a site_dir above docs_dir
        assert CJK.search(r.stderr), r.stderr
    assert "Traceback" not in r.stderr
    assert snapshot(root.parent) == before


def test_folders_we_wrote_are_replaced(repo):
    root = repo.root
    site = root / "site"
    assert repo.run("build").code == 0  # missing: created
    assert (site / ".handbook-output").is_file()
    (site / "stale.html").write_text("old", encoding="utf-8")
    assert repo.run("build").code == 0  # ours (marker): replaced
    assert not (site / "stale.html").exists()
    empty = root / "empty"
    empty.mkdir()
    assert repo.run("gen", "--out", str(empty), "--no-pdfs", "--no-charts").code == 0  # empty: used
    assert (empty / "docs" / "index.md").is_file() and (empty / "mkdocs.yml").is_file() and (empty / ".handbook-output").is_file()
    assert repo.run("gen", "--out", str(empty), "--no-pdfs", "--no-charts").code == 0  # ours now: replaced


def test_a_site_built_by_an_earlier_version_is_accepted_once(repo):
    """Sites built before the marker existed are recognised by their content, and get the marker."""
    old = repo.root / "site"
    (old / "search").mkdir(parents=True)
    (old / "indexes").mkdir()
    (old / "index.html").write_text("<html></html>", encoding="utf-8")
    (old / "search" / "search_index.json").write_text("{}", encoding="utf-8")
    assert repo.run("build").code == 0
    assert (old / ".handbook-output").is_file()


def test_codeowners_and_schema_replace_only_their_own_files(repo):
    out = repo.root / ".github" / "OWNERS-NEW"
    assert repo.run("codeowners", "--out", ".github/OWNERS-NEW").code == 0
    first = out.read_text(encoding="utf-8")
    assert first.startswith("# 由 handbook codeowners")
    assert repo.run("codeowners", "--out", ".github/OWNERS-NEW").code == 0  # its own file: replaced
    ids = repo.root / "editor-ids.json"
    assert repo.run("schema", "--out", str(ids)).code == 0
    assert repo.run("schema", "--out", str(ids)).code == 0


def test_create_file_never_replaces(tmp_path):
    from office_handbook.outputs import OutputRefused, create_file

    target = tmp_path / "roles" / "x.yaml"
    create_file(target, "new")
    with pytest.raises(OutputRefused):
        create_file(target, "other")
    assert target.read_text(encoding="utf-8") == "new"


def test_schema_is_not_written_loose_into_the_handbook(repo):
    before = snapshot(repo.root.parent)
    r = repo.run("schema", "--out", str(repo.root))
    assert r.code == 2 and "单独的目录" in r.err
    assert snapshot(repo.root.parent) == before


def test_build_with_a_mkdocs_yml_without_our_plugin_is_refused(repo):
    (repo.root / "mkdocs.yml").write_text("site_name: 我的旧网站\n", encoding="utf-8")
    r = repo.run("build")
    assert r.code == 2 and "plugins: [handbook" in r.err and "Traceback" not in r.err
    assert not (repo.root / "site").exists()


def test_serve_on_a_port_in_use_is_one_line(repo):
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        r = repo.run("serve", "-a", f"127.0.0.1:{port}")
    assert r.code == 2 and "端口" in r.err and len(r.err.strip().splitlines()) == 1, r.err
    r = repo.run("serve", "-a", "127.0.0.1:99999")
    assert r.code == 2 and "地址:端口" in r.err
