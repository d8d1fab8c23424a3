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


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The plugin's own site of a small handbook, and the tree `handbook gen` writes for it."""
    tmp = tmp_path_factory.mktemp("neutral")
    root = make_mini(tmp / "hb")
    assert main(["build", "--root", str(root), "-q"]) == 0
    out = tmp / "tree"
    assert main(["gen", "--root", str(root), "--out", str(out), "-q"]) == 0
    return root, out


# MkDocs and ProperDocs (the maintained fork of MkDocs 1.6, same configuration file), both with
# Material for MkDocs and nothing of ours but the stylesheets the tree carries.
@pytest.mark.parametrize("engine", ["mkdocs", "properdocs"])
def test_another_engine_builds_the_gen_tree_into_the_same_pages(built, engine, tmp_path):
    root, out = built
    config = (out / "mkdocs.yml").read_text(encoding="utf-8")
    assert "handbook" not in re.findall(r"^plugins:\n((?:  - .*\n|    .*\n)*)", config, re.M)[0]
    site = tmp_path / f"{engine}-site"
    r = subprocess.run([sys.executable, "-m", engine, "build", "--strict", "-q", "-f", str(out / "mkdocs.yml"), "-d", str(site)],
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr
    generator = re.search(r'name="generator" content="([^"]*)"', (site / "index.html").read_text(encoding="utf-8")).group(1)
    assert engine in generator.lower() or (engine == "mkdocs" and generator.startswith("mkdocs-1"))
    ours = sorted(p.relative_to(root / "site").as_posix() for p in (root / "site").rglob("*.html"))
    plain = sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))
    assert ours == plain
    for rel in ours:
        assert article_text(site / rel) == article_text(root / "site" / rel), rel
    text = article_text(site / "procedures/gongwen/shouwen/index.html")
    assert len(text) > 1500 and "变更记录" in text  # the whole article was compared, to its end
    page = (site / "procedures/gongwen/shouwen/index.html").read_text(encoding="utf-8")
    assert '<svg' in page and "assets/handbook/handbook.css" in page  # the chart inlined, our styles linked


def test_gen_markdown_is_readable(built):
    """Codes, versions and dates are written as they are, not as entities: the tree is meant to be read
    and edited by hand after a move to another engine."""
    _, out = built
    page = (out / "docs/procedures/gongwen/shouwen.md").read_text(encoding="utf-8")
    assert "&#" not in page
    assert re.search(r"[A-Z]{2,}-[A-Z]{2,}-\d+", page)  # a procedure or record code such as LC-GW-01
