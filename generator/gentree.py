"""`handbook gen --out DIR`: a complete docs tree that another engine can build without our plugin.

DIR/mkdocs.yml is the handbook's own mkdocs.yml made self-sufficient (no `handbook` plugin; the nav,
our stylesheets and scripts and the Markdown extensions written out) and DIR/docs/ holds every page:
the generated ones with their charts inlined, and the hand-written ones with the names filled in.
Plain MkDocs with Material builds it into the same pages; edit links and the search dictionary are
what only the plugin adds."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from . import mkdocs_yml
from .loader import fill_names
from .pipeline import Checked
from .render.charts import PRINTED, printed_figure
from .render.nav import build_nav
from .render.static import CSS, JS

_CHART = re.compile(r'<div class="hb-chart"( tabindex="0" role="region" aria-label="[^"]*")? markdown>\n\n!\[[^\n]*\]\(([a-z0-9-]+)\.svg\)\{ \.hb-chart-img data-chart="[a-z0-9-]+" \}\n\n</div>')
# written as text: PyYAML cannot dump the tag that makes MkDocs call the slug factory
EXTENSIONS = """markdown_extensions:
  - tables
  - attr_list
  - md_in_html
  - admonition
  - pymdownx.details
  - pymdownx.superfences
  - toc:
      permalink: true
      slugify: !!python/object/apply:pymdownx.slugs.slugify
        kwds:
          case: lower
"""


def inline_charts(files: dict[str, str | bytes]) -> dict[str, str | bytes]:
    """Each procedure page with its chart's SVG in the page (clickable steps, lane links), as the plugin does."""
    out = dict(files)
    for path, content in files.items():
        if not path.endswith(".md") or not isinstance(content, str) or 'data-chart="' not in content:
            continue
        folder = path.rsplit("/", 1)[0]

        def inline(m: re.Match, folder: str = folder) -> str:
            svg = files.get(f"{folder}/{m.group(2)}.svg")
            if not isinstance(svg, str):
                return m.group(0)
            svg = re.sub(r"<\?xml[^>]*\?>\s*|<!DOCTYPE[^>]*>\s*", "", svg)
            printed = files.get(f"{folder}/{m.group(2)}{PRINTED}.svg")
            if isinstance(printed, str):  # as the plugin does: the chart for paper beside it
                label = re.search(r'aria-label="([^"]*)"', m.group(1) or "")
                svg += printed_figure(printed, label.group(1) if label else "流程图")
            return f'<div class="hb-chart"{m.group(1) or ""}>\n' + re.sub(r"\n\s*\n", "\n", svg).strip() + "\n</div>"

        out[path] = _CHART.sub(inline, content)
    return out


def hand_written(checked: Checked, docs_dir: Path) -> dict[str, str | bytes]:
    out: dict[str, str | bytes] = {}
    for path in sorted(docs_dir.rglob("*")) if docs_dir.is_dir() else []:
        if not path.is_file() or any(part.startswith(".") for part in path.relative_to(docs_dir).parts):
            continue
        rel = path.relative_to(docs_dir).as_posix()
        out[rel] = fill_names(path.read_text(encoding="utf-8"), checked.settings.names) if path.suffix == ".md" else path.read_bytes()
    return out


def config_text(checked: Checked, config_file: Path, files: dict[str, str | bytes], handwritten: list[str]) -> str:
    user = mkdocs_yml.read(config_file)
    plugins = [p for p in user.get("plugins", ["search", "tags"]) if p != "handbook" and not (isinstance(p, dict) and "handbook" in p)]
    theme = user.get("theme") or {"name": "material", "language": "zh", "font": False}
    config = {
        "site_name": user.get("site_name") or checked.settings.site_title,
        "site_description": user.get("site_description", ""),
        "docs_dir": "docs",
        "use_directory_urls": user.get("use_directory_urls", True),
        "theme": theme,
        "extra_css": [*[c for c in user.get("extra_css", []) if c not in CSS], *CSS],
        "extra_javascript": [*[j for j in user.get("extra_javascript", []) if j not in JS], *JS],
        "plugins": plugins,
        "nav": build_nav(checked.handbook, files, handwritten, checked.settings.categories),
    }
    if user.get("site_url"):
        config["site_url"] = user["site_url"]
    head = "# 由 handbook gen 写出：不需要 handbook 插件，普通的 MkDocs + Material 即可构建（mkdocs build -f 本文件）。\n"
    return head + yaml.safe_dump(config, allow_unicode=True, sort_keys=False) + EXTENSIONS


def engine_neutral_tree(checked: Checked, rendered: dict[str, str | bytes], config_file: Path) -> dict[str, str | bytes]:
    """`{path: content}` of the whole tree: mkdocs.yml and docs/…"""
    docs_dir = mkdocs_yml.docs_dir_of(config_file)
    own = hand_written(checked, docs_dir)
    pages = {**own, **inline_charts(rendered)}
    tree: dict[str, str | bytes] = {f"docs/{rel}": content for rel, content in pages.items()}
    tree["mkdocs.yml"] = config_text(checked, config_file, pages, [rel for rel in own if rel.endswith(".md")])
    return tree
