"""What `serve` keeps between rebuilds must not go stale: the theme's Jinja environment is made again
when an override template changes, and the split search index drops the files of pages that are gone."""

from __future__ import annotations

import os

from mkdocs.theme import Theme

from office_handbook import plugin


def test_theme_environment_is_kept_until_an_override_changes(tmp_path, monkeypatch):
    monkeypatch.setattr(Theme, "get_env", Theme.get_env)  # undone after the test
    plugin._theme_env.clear()
    plugin._keep_theme_env()
    overrides = tmp_path / "overrides"
    overrides.mkdir()
    (overrides / "main.html").write_text('{% extends "base.html" %}', encoding="utf-8")
    theme = Theme(name="material", custom_dir=str(overrides), locale="zh")
    first = theme.get_env()
    assert Theme(name="material", custom_dir=str(overrides), locale="zh").get_env() is first  # compiled templates kept
    assert "main.html" in first.list_templates() and first.list_templates(filter_func=lambda n: n == "main.html") == ["main.html"]
    stamp = os.stat(overrides / "main.html").st_mtime_ns
    (overrides / "main.html").write_text('{% extends "base.html" %}{# edited #}', encoding="utf-8")
    os.utime(overrides / "main.html", ns=(stamp + 10**9, stamp + 10**9))
    again = Theme(name="material", custom_dir=str(overrides), locale="zh").get_env()
    assert again is not first
    (overrides / "extra.html").write_text("x", encoding="utf-8")
    assert "extra.html" in Theme(name="material", custom_dir=str(overrides), locale="zh").get_env().list_templates()
    plugin._theme_env.clear()


def test_search_files_of_removed_pages_are_deleted(tmp_path, book):
    from office_handbook.pipeline import check

    checked = check(book.root)
    site = tmp_path / "site"
    (site / "search").mkdir(parents=True)
    index = site / "search/search_index.json"

    def write(pages: list[str]) -> set[str]:
        docs = [{"location": f"{p}/", "title": p, "text": f"{p} 正文"} for p in pages]
        index.write_text('{"config": {"lang": ["zh"]}, "docs": ' + str(docs).replace("'", '"') + "}", encoding="utf-8")
        plugin._write_search_index(site, checked, True)
        return {f.name for f in (site / "search/handbook").iterdir()}

    three = write(["a", "b", "c"])
    assert {"d0.js", "d1.js", "d2.js", "manifest.js"} <= three
    two = write(["a", "b"])
    assert "d2.js" not in two and "d1.js" in two
    manifest = (site / "search/handbook/manifest.js").read_text(encoding="utf-8")
    assert '"b/"' in manifest and '"c/"' not in manifest
