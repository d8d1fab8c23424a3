"""The plugin checks what our pages need in on_config: a build without the Material theme, with fonts from
the internet or without our stylesheets fails with a message naming what is missing; Markdown
extensions our pages use are added when mkdocs.yml leaves them out, so no raw `{ .class }` shows."""

from __future__ import annotations

import re
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


def test_the_plugin_provides_its_assets_and_guide(tmp_path):
    """A mkdocs.yml without extra_css/extra_javascript still gets our print CSS and the Chinese search fix."""
    root = make_mini(tmp_path / "hb")
    assert "extra_css" not in (root / "mkdocs.yml").read_text(encoding="utf-8")
    site = tmp_path / "site"
    r = mkdocs_build(root, site)
    assert r.returncode == 0, r.stderr
    page = (site / "records" / "shouwen-register" / "index.html").read_text(encoding="utf-8")
    for asset in ("assets/handbook/forms.css", "assets/handbook/search.js"):
        assert asset in page and (site / asset).is_file()
    assert "size: A4" in (site / "assets/handbook/forms.css").read_text(encoding="utf-8").replace("size:A4", "size: A4")
    assert (site / "guide" / "editing" / "index.html").is_file()


def test_a_broken_install_without_assets_is_named(monkeypatch):
    from mkdocs.exceptions import PluginError

    from office_handbook import plugin
    from office_handbook.render import static

    monkeypatch.setattr(static, "_read", lambda: (("guide/index.md", "x"),))
    monkeypatch.setattr(plugin, "missing_assets", static.missing_assets)

    class Theme(dict):
        name = "material"

    config = {"theme": Theme(font=False), "extra_css": [], "extra_javascript": []}

    class Config(dict):
        theme = config["theme"]

    with pytest.raises(PluginError, match="assets/handbook/handbook.css"):
        plugin._require_theme_and_assets(Config(config))


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


def test_the_site_speaks_chinese_and_its_tabs_open_on_an_overview(tmp_path):
    """No English left in the chrome (heading permalinks, the theme's footer credit); the 表单 and 岗位
    tabs lead to their overview page, not to whichever form or role happens to come first."""
    root = make_mini(tmp_path / "hb")
    site = tmp_path / "site"
    r = mkdocs_build(root, site)
    assert r.returncode == 0, r.stderr
    page = (site / "procedures" / "gongwen" / "shouwen" / "index.html").read_text(encoding="utf-8")
    assert 'title="本节的链接"' in page and "Permanent link" not in page
    assert "Made with" not in page and "Material for MkDocs" not in page
    tabs = re.findall(r'<a href="([^"]+)" class="md-tabs__link">\s*([^<\s]+)', page)
    by_name = {name: href for href, name in tabs}
    assert by_name["表单"].endswith("indexes/records/") and by_name["岗位"].endswith("indexes/roles/"), tabs
