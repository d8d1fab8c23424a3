"""`handbook gen` writes a tree that plain MkDocs with Material builds without our plugin (strict), into
the same pages as the plugin's own build: the same page list and the same text on the pages."""

from __future__ import annotations

import re
import subprocess
import sys
from html.parser import HTMLParser

import pytest

from conftest import make_mini
from office_handbook.cli import main

pytestmark = pytest.mark.slow


VOID = {"br", "img", "input", "meta", "link", "hr", "wbr", "source", "col", "area", "base", "embed", "param", "track"}


class _Text(HTMLParser):
    """The visible text of the article (Material's .md-content__inner), without the edit button."""

    def __init__(self):
        super().__init__()
        self.depth = 0
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        cls = dict(attrs).get("class") or ""
        if self.depth:
            self.depth += tag not in VOID
            if "md-content__button" in cls or tag in ("script", "style"):
                self.skip = self.depth
        elif tag == "article" and "md-content__inner" in cls:
            self.depth = 1

    def handle_endtag(self, tag):
        if self.depth:
            if self.skip == self.depth:
                self.skip = 0
            self.depth -= tag not in VOID

    def handle_data(self, data):
        if self.depth and not self.skip:
            self.parts.append(data)


def article_text(path) -> str:
    parser = _Text()
    parser.feed(path.read_text(encoding="utf-8"))
    return re.sub(r"\s+", "", "".join(parser.parts))


def test_plain_mkdocs_builds_the_gen_tree_into_the_same_pages(tmp_path):
    root = make_mini(tmp_path / "hb")
    assert main(["build", "--root", str(root), "-q"]) == 0
    out = tmp_path / "tree"
    assert main(["gen", "--root", str(root), "--out", str(out), "-q"]) == 0
    config = (out / "mkdocs.yml").read_text(encoding="utf-8")
    assert "handbook" not in re.findall(r"^plugins:\n((?:  - .*\n|    .*\n)*)", config, re.M)[0]
    site = tmp_path / "plain-site"
    r = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-f", str(out / "mkdocs.yml"), "-d", str(site)],
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr
    ours = sorted(p.relative_to(root / "site").as_posix() for p in (root / "site").rglob("*.html"))
    plain = sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))
    assert ours == plain
    for rel in ours:
        assert article_text(site / rel) == article_text(root / "site" / rel), rel
    text = article_text(site / "procedures/gongwen/shouwen/index.html")
    assert len(text) > 1500 and "变更记录" in text  # the whole article was compared, to its end
    page = (site / "procedures/gongwen/shouwen/index.html").read_text(encoding="utf-8")
    assert '<svg' in page and "assets/handbook/handbook.css" in page  # the chart inlined, our styles linked
