"""The plugin checks what our pages need in on_config: a build without the Material theme, with fonts from
the internet or without our stylesheets fails with a message naming what is missing; Markdown
extensions our pages use are added when mkdocs.yml leaves them out, so no raw `{ .class }` shows."""

from __future__ import annotations

import subprocess
import sys

import pytest

from conftest import make_mini


def mkdocs_build(root, site):
    return subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(root / "mkdocs.yml"), "--site-dir", str(site)],
                          capture_output=True, text=True, cwd=root, timeout=600)


@pytest.mark.parametrize("edits, needle", [
    ([("  name: material\n", "  name: mkdocs\n"), ("  - tags\n", "")], "Material 主题"),  # tags is Material's plugin
    ([("  font: false", "  font: {text: Roboto}")], "font: false"),
    ([("  - assets/forms.css\n", "")], "assets/forms.css"),
])
def test_missing_requirement_fails_with_its_name(tmp_path, edits, needle):
    root = make_mini(tmp_path / "hb")
    config = (root / "mkdocs.yml").read_text(encoding="utf-8")
    for old, new in edits:
        assert old in config
        config = config.replace(old, new)
    (root / "mkdocs.yml").write_text(config, encoding="utf-8")
    r = mkdocs_build(root, tmp_path / "site")
    assert r.returncode != 0
    assert needle in r.stderr, r.stderr
    assert not (tmp_path / "site").exists()


def test_missing_asset_file_fails(tmp_path):
    root = make_mini(tmp_path / "hb")
    (root / "docs" / "assets" / "search-zh.js").unlink()
    r = mkdocs_build(root, tmp_path / "site")
    assert r.returncode != 0 and "assets/search-zh.js" in r.stderr, r.stderr


def test_extensions_left_out_are_added(tmp_path):
    root = make_mini(tmp_path / "hb")
    config = (root / "mkdocs.yml").read_text(encoding="utf-8")
    head = config.split("markdown_extensions:")[0]
    (root / "mkdocs.yml").write_text(head, encoding="utf-8")
    site = tmp_path / "site"
    r = mkdocs_build(root, site)
    assert r.returncode == 0, r.stderr
    page = (site / "procedures" / "gongwen" / "shouwen" / "index.html").read_text(encoding="utf-8")
    assert "{ ." not in page and "{: ." not in page  # attr_list applied
    assert "!!! " not in page  # admonitions rendered
    assert 'class="headerlink"' in page  # toc permalinks
